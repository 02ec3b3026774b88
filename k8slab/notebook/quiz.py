"""Quiz widgets: the interactive form of a ``choice`` exercise (``k8slab.quiz("00.tf-pod-to-pod-nat")``).

Built from the plain model in :mod:`k8slab.exercises.quiz`: the prompt, radio buttons (or
check boxes for "choose all that apply"), a Check button and the feedback ``check()`` gives.

Deterministic for nbval: every widget model (layouts and styles included) gets an id derived
from the exercise id and how many times this kernel has shown that quiz, so the same notebook
run in a fresh kernel saves the same ``model_id``\\ s. Outside a live widget frontend (GitHub,
nbviewer, a rendered book) the output falls back to the static HTML and text of the quiz.
"""

from __future__ import annotations

import hashlib
import html

import ipywidgets as w

from k8slab.exercises.quiz import Quiz, quiz
from k8slab.exercises.result import inline_code

_shown: dict[str, int] = {}


def model_id(quiz_id: str, n: int, part: str) -> str:
    """The id of one widget model of the ``n``-th display of a quiz (32 hex digits, as ipywidgets makes)."""
    return hashlib.sha256(f"k8slab-quiz:{quiz_id}:{n}:{part}".encode()).hexdigest()[:32]


class QuizBox(w.VBox):
    """The quiz's box. Its display carries the static quiz (HTML, text) next to the widget view."""

    def __init__(self, model: Quiz, **kwargs) -> None:
        self.quiz = model
        super().__init__(**kwargs)

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs) or {}
        bundle = dict(bundle)
        bundle["text/plain"] = str(self.quiz)
        bundle["text/html"] = self.quiz._repr_html_()
        return bundle


def quiz_widget(exercise_id):
    """The widget for a quiz (or, for an unknown or non-quiz id, the Result that says so)."""
    model = quiz(exercise_id)
    if not isinstance(model, Quiz):
        return model
    n = _shown[model.id] = _shown.get(model.id, 0) + 1

    def ids(part: str) -> dict:
        return {"model_id": model_id(model.id, n, part)}

    def make(cls, part: str, **kwargs):
        """A widget with its layout and style models made here, so they get our ids too."""
        extra = {"layout": w.Layout(**ids(part + ".layout"))}
        style = cls.class_traits().get("style")
        if style is not None:
            extra["style"] = style.klass(**ids(part + ".style"))
        return cls(**ids(part), **extra, **kwargs)

    prompt = make(w.HTML, "prompt",
                  value=f"<strong>Quiz</strong> <code>{html.escape(model.id)}</code>: {inline_code(model.prompt)}")
    labels = [f"{letter}) {text}" for letter, text in model.options]
    if model.multiple:
        choices = [make(w.Checkbox, f"option.{i}", description=label, value=False, indent=False)
                   for i, label in enumerate(labels)]
        picker = make(w.VBox, "options", children=choices)
    else:
        picker = make(w.RadioButtons, "options", options=labels, value=None)
    button = make(w.Button, "check", description="Check", button_style="primary")
    feedback = make(w.HTML, "feedback", value="")

    def answer():
        if model.multiple:
            return [model.options[i][0] for i, box in enumerate(picker.children) if box.value]
        return None if picker.index is None else model.options[picker.index][0]

    def on_click(_):
        chosen = answer()
        if not chosen:
            feedback.value = "<em>Choose an answer first.</em>"
            return
        feedback.value = model.check(chosen)._repr_html_()

    button.on_click(on_click)
    box = make(QuizBox, "box", model=model, children=[prompt, picker, button, feedback])
    box.add_class(model.element_id)
    return box
