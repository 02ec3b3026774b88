"""What ``check()`` returns: one deterministic object with a text form and an HTML form.

The text (``str`` and ``repr`` are the same) and the HTML depend only on the exercise, the
answer and the attempt number within the session, never on the wall clock or on random ids, so
nbval in strict mode can compare them. ``attempt_id`` (the id progress recorded) is kept off both.
"""

from __future__ import annotations

import html
import re
import textwrap
from dataclasses import dataclass, field

# status -> (mark, word shown, colour)
STATUS = {
    "correct": ("✔", "correct", "#2e7d32"),
    "misconception": ("✘", "not yet", "#c62828"),
    "incorrect": ("✘", "not yet", "#c62828"),
    "invalid": ("?", "could not read that answer", "#ef6c00"),
    "missing": ("?", "nothing to check yet", "#ef6c00"),
    "unknown": ("?", "no such exercise", "#ef6c00"),
    "not-a-quiz": ("?", "not a quiz", "#ef6c00"),
    "pending": ("…", "not available yet", "#6d6d6d"),
    "solution": ("☞", "reference solution", "#1565c0"),
    "error": ("!", "the check could not run", "#6d6d6d"),
}
WIDTH = 100


@dataclass(frozen=True)
class Section:
    """One paragraph of a result: an optional label (``Hint 1 of 3``), text, and whether it is code."""

    text: str
    label: str = ""
    code: bool = False


@dataclass(frozen=True, repr=False)
class Result:
    """The outcome of one ``check()`` (or ``solution()``, or a scenario's ``verify()``).

    ``correct`` is the verdict (``bool(result)`` too); ``status`` says which kind of answer it was
    (see ``STATUS``); ``misconception`` names a recognised mistake; ``attempt`` counts failed
    attempts this session (``0`` for a first-time correct answer); ``solution_shown`` says whether
    the reference solution is part of this result."""

    exercise: str
    status: str
    sections: tuple[Section, ...] = ()
    attempt: int = 0
    misconception: str | None = None
    solution_shown: bool = False
    note: str = ""
    attempt_id: str | None = field(default=None, compare=False)

    @property
    def correct(self) -> bool:
        return self.status == "correct"

    def __bool__(self) -> bool:
        return self.correct

    @property
    def headline(self) -> str:
        mark, word, _ = STATUS.get(self.status, STATUS["error"])
        count = f" (failed attempts: {self.attempt})" if self.status in ("misconception", "incorrect") else ""
        return f"{mark} {self.exercise}: {word}{count}"

    def text(self) -> str:
        """The plain-text form (also ``str()`` and ``repr()``)."""
        lines = [self.headline]
        for s in self.sections:
            if s.code:
                if s.label:
                    lines.append(f"  {s.label}:")
                lines += [f"    {line}" for line in s.text.rstrip("\n").splitlines()]
                continue
            head = f"{s.label}: " if s.label else ""
            lines += [f"  {line}" for line in _wrap(head + s.text) or [""]]
        if self.note:
            lines.append(f"  ({self.note})")
        return "\n".join(lines)

    __str__ = text

    def __repr__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        mark, word, colour = STATUS.get(self.status, STATUS["error"])
        count = f" <span style=\"color:#666\">(failed attempts: {self.attempt})</span>" if self.status in (
            "misconception", "incorrect") else ""
        parts = [
            f'<div class="k8slab-check k8slab-check-{self.status}" data-exercise="{html.escape(self.exercise)}" '
            f'style="border-left:4px solid {colour};padding:2px 10px;margin:4px 0">',
            f'<div><strong style="color:{colour}">{mark} {html.escape(word)}</strong> '
            f"<code>{html.escape(self.exercise)}</code>{count}</div>",
        ]
        for s in self.sections:
            label = f"<strong>{html.escape(s.label)}:</strong> " if s.label else ""
            if s.code:
                parts.append(f'<div style="margin:4px 0">{label}</div><pre style="margin:2px 0 6px 0">'
                             f"{html.escape(s.text.rstrip())}</pre>")
            else:
                parts.append(f'<div style="margin:4px 0">{label}{inline_code(s.text)}</div>')
        if self.note:
            parts.append(f'<div style="color:#666">({html.escape(self.note)})</div>')
        parts.append("</div>")
        return "\n".join(parts)


def _wrap(text: str) -> list[str]:
    """Wrap prose, never inside a `code span` (so a command can be copied from the text form)."""
    keep = re.sub(r"`[^`]+`", lambda m: m.group(0).replace(" ", "\u00a0"), text)
    return [line.replace("\u00a0", " ")
            for line in textwrap.wrap(keep, WIDTH - 2, break_long_words=False, break_on_hyphens=False)]


def inline_code(text: str) -> str:
    """Escape text for HTML and show `backticked` spans as code."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text, quote=False))
