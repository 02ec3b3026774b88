"""Quizzes (multiple choice, true/false) as plain objects.

A quiz is a ``choice`` exercise of the catalogue. This module knows nothing of widgets: the
object shows itself as text and as static HTML (readable on GitHub and under nbval), and is
answered with ``check(id, "b")`` or ``quiz.check("b")``. The interactive widget lives in the
notebook layer (``k8slab.notebook.quiz``) and is built from this model.

>>> q = quiz("00.tf-pod-to-pod-nat")
>>> q.true_false, q.element_id
(True, 'k8slab-quiz-00-tf-pod-to-pod-nat')
"""

from __future__ import annotations

import html
import re

from k8slab.exercises import catalogue
from k8slab.exercises.checking import _unknown, check
from k8slab.exercises.model import Exercise
from k8slab.exercises.normalise import LETTERS
from k8slab.exercises.result import Result, Section, inline_code


class Quiz:
    """One quiz: ``id``, ``prompt``, ``options`` as (letter, text), ``multiple`` (choose all that
    apply), ``true_false``; ``check(answer)``. ``element_id`` is stable (widgets and tests use it)."""

    def __init__(self, exercise: Exercise) -> None:
        self.exercise = exercise

    @property
    def id(self) -> str:
        return self.exercise.id

    @property
    def prompt(self) -> str:
        return self.exercise.prompt

    @property
    def options(self) -> list[tuple[str, str]]:
        return [(LETTERS[i], text) for i, text in enumerate(self.exercise.options)]

    @property
    def multiple(self) -> bool:
        return self.exercise.normaliser == "choices"

    @property
    def true_false(self) -> bool:
        return self.exercise.true_false

    @property
    def element_id(self) -> str:
        return "k8slab-quiz-" + re.sub(r"[^a-z0-9-]", "-", self.id)

    def check(self, answer) -> Result:
        return check(self.id, answer)

    def _how(self) -> str:
        # A placeholder, never a real option: an example letter would hint at (or hide) the answer.
        example = '"<letters, e.g. x, y>"' if self.multiple else ("True or False" if self.true_false else '"<letter>"')
        return f'Answer with check("{self.id}", {example})'

    def __str__(self) -> str:
        lines = [f"Quiz {self.id}: {self.prompt}"]
        lines += [f"  {letter}) {text}" for letter, text in self.options]
        lines.append(f"  {self._how()}" + (" (choose all that apply)" if self.multiple else ""))
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        items = "".join(f"<li><strong>{letter})</strong> {html.escape(text)}</li>" for letter, text in self.options)
        note = " (choose all that apply)" if self.multiple else ""
        return (f'<div class="k8slab-quiz" id="{self.element_id}" data-exercise="{html.escape(self.id)}" '
                f'style="border-left:4px solid #1565c0;padding:2px 10px;margin:4px 0">'
                f"<div><strong>Quiz</strong> <code>{html.escape(self.id)}</code></div>"
                f'<div style="margin:4px 0">{inline_code(self.prompt)}</div>'
                f'<ul style="list-style:none;padding-left:8px;margin:2px 0">{items}</ul>'
                f'<div style="color:#666">{html.escape(self._how())}{note}</div></div>')


def quiz(exercise_id) -> Quiz | Result:
    """The quiz for an exercise id; a Result saying what is wrong for an unknown or non-quiz id."""
    ex, _ = catalogue.resolve(exercise_id)
    if ex is None:
        return _unknown(exercise_id)
    if ex.kind != "choice":
        return Result(ex.id, "not-a-quiz", (Section(f'"{ex.id}" is a {ex.kind} exercise, not a quiz: '
                                               f'answer it with check("{ex.id}", ...).'),))
    return Quiz(ex)


def quizzes(notebook: str | None = None) -> list[Quiz]:
    """Every quiz of the course (or of one notebook)."""
    return [Quiz(ex) for ex in catalogue.exercises() if ex.kind == "choice" and notebook in (None, ex.notebook)]
