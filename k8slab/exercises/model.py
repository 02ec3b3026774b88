"""What an exercise is: the declaration a catalogue makes, and what a cluster probe reports.

An :class:`Exercise` is plain data plus, for the kinds that need it, small functions:

- ``value``      the learner types a value (an IP, a CIDR, a chain name, a count);
- ``prediction`` the learner predicts what the data plane will do (which next hop, delivered or
                 dropped) before running the trace; checked like a value, and the instructor
                 validation runs the trace to confirm the stored answer is what the engine does;
- ``choice``     a quiz: multiple choice or true/false (``options``), answered by letter or text;
- ``task``       the learner changes the cluster; ``probe(cluster)`` checks the data plane (traces),
                 never the API objects, and returns a :class:`Probe`.

Expected answers and misconception answers are hashes (see :mod:`k8slab.exercises.vault`);
``solution`` is an obfuscated document ``{"answer", "why", "code", "reason"}`` (``reason`` is the
line shown with a correct answer; it usually names the answer, so it is obfuscated too).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

KINDS = ("value", "prediction", "choice", "task")


@dataclass(frozen=True)
class Misconception:
    """A known wrong answer and the feedback that names the mistake.

    ``name`` is a short slug (``service-cidr``) recorded in progress; ``answers`` are the salted
    hashes of the wrong answers it covers (value kinds). For tasks the probe reports ``name``
    itself, and ``example`` is code (run with ``cluster`` bound) that produces the mistake, for
    the instructor validation."""

    name: str
    feedback: str
    answers: tuple[str, ...] = ()
    example: str = ""


@dataclass(frozen=True)
class Probe:
    """What a task's probe found: ``ok``, or a ``code`` (a misconception's name, or a generic
    failure like ``refused``) and ``detail``, one line of what the data plane showed."""

    ok: bool
    code: str = ""
    detail: str = ""


@dataclass(frozen=True)
class Exercise:
    """One checked exercise, as a notebook's catalogue module declares it."""

    id: str
    kind: str
    prompt: str
    title: str = ""
    notebook: str = ""
    normaliser: str = "text"
    options: tuple[str, ...] = ()
    salt: str = ""
    answers: tuple[str, ...] = ()
    reason: str = ""
    misconceptions: tuple[Misconception, ...] = ()
    hints: tuple[str, ...] = ()
    solution: str = ""
    # Functions (not secret; they name how to look, not what is there):
    # observe(cluster) -> the true value, used by instructor validation to confirm the hashes;
    # setup() -> the cluster the exercise starts from (validation, scenarios);
    # probe(cluster) -> Probe, the check of a task.
    observe: Callable | None = field(default=None, compare=False, repr=False)
    setup: Callable | None = field(default=None, compare=False, repr=False)
    probe: Callable | None = field(default=None, compare=False, repr=False)
    # Non-empty: declared but waiting for engine parts; says what is missing.
    pending: str = ""

    @property
    def is_quiz(self) -> bool:
        return self.kind == "choice"

    @property
    def true_false(self) -> bool:
        return tuple(o.casefold() for o in self.options) == ("true", "false")

    def misconception(self, name: str) -> Misconception | None:
        return next((m for m in self.misconceptions if m.name == name), None)
