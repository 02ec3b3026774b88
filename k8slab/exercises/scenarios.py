"""Break/fix scenarios: a cluster with something wrong, the symptom as a user reports it, and a
``verify()`` that passes only once traffic works again.

>>> s = scenario("mtu-overlay")
>>> s.verify().correct
False
>>> _ = s.cluster.exec("pod/a", "ip link set dev eth0 mtu 1450")
>>> s.verify().correct
True

Scenarios are the ``task`` exercises of notebook 15's catalogue (``15.<name>``): the exercise's
``setup`` breaks a fresh cluster, its ``prompt`` is the symptom, its ``probe`` (traces only) is
what ``verify()`` runs, with the same graded hints and solution-after-three as ``check()``.
Scenarios waiting for engine parts are declared with ``pending`` and say so when asked for.
"""

from __future__ import annotations

import html

from k8slab.exercises import catalogue
from k8slab.exercises.checking import check, solution
from k8slab.exercises.model import Exercise
from k8slab.exercises.result import Result, inline_code

NOTEBOOK = "15-troubleshooting"


class ScenarioError(LookupError):
    """A scenario that does not exist, or is not available yet. In IPython only the message shows."""

    def _render_traceback_(self) -> list[str]:
        return [f"{type(self).__name__}: {self}"]


def _all() -> list[Exercise]:
    return [ex for ex in catalogue.exercises() if ex.notebook == NOTEBOOK and ex.kind == "task"]


def _find(name: str) -> Exercise:
    key = str(name).strip().lower()
    table = {ex.id.split(".", 1)[1]: ex for ex in _all()}
    ex = table.get(key.split(".", 1)[1] if key[:3] == "15." else key)
    if ex is None:
        import difflib

        close = difflib.get_close_matches(key, list(table), n=3, cutoff=0.4)
        hint = (" Did you mean " + " or ".join(f'"{c}"' for c in close) + "?") if close else ""
        raise ScenarioError(f'There is no scenario "{str(name)[:60]}".{hint} '
                            f"The scenarios: {', '.join(table)}.")
    return ex


class Scenario:
    """A handed-out scenario: ``cluster`` (broken), ``symptom``, ``verify()``, ``solution()``."""

    def __init__(self, exercise: Exercise, cluster) -> None:
        self.exercise = exercise
        self.cluster = cluster

    @property
    def name(self) -> str:
        return self.exercise.id.split(".", 1)[1]

    @property
    def title(self) -> str:
        return self.exercise.title

    @property
    def symptom(self) -> str:
        return self.exercise.prompt

    def verify(self) -> Result:
        """Does traffic work again? Checked with traces; graded hints on failure, as ``check()``."""
        return check(self.exercise.id, cluster=self.cluster)

    def solution(self) -> Result:
        """The reference fix (recorded in progress as viewed)."""
        return solution(self.exercise.id)

    def __str__(self) -> str:
        return (f"Scenario {self.name}: {self.title}\n  {self.symptom}\n"
                f"  The cluster is .cluster; run .verify() when you think it is fixed.")

    __repr__ = __str__

    def _repr_html_(self) -> str:
        return (f'<div class="k8slab-scenario" data-scenario="{html.escape(self.name)}" '
                f'style="border-left:4px solid #6a1b9a;padding:2px 10px;margin:4px 0">'
                f"<div><strong>Scenario <code>{html.escape(self.name)}</code>: {html.escape(self.title)}</strong>"
                f"</div><div style=\"margin:4px 0\">{inline_code(self.symptom)}</div>"
                f'<div style="color:#666">The cluster is <code>.cluster</code>; run <code>.verify()</code> '
                f"when you think it is fixed.</div></div>")


def scenario(name: str) -> Scenario:
    """A fresh broken cluster for scenario ``name`` (see :func:`scenarios` for the list)."""
    ex = _find(name)
    if ex.pending:
        raise ScenarioError(f'Scenario "{ex.id.split(".", 1)[1]}" ({ex.title}): {ex.pending}')
    return Scenario(ex, ex.setup())


class ScenarioList:
    """Every scenario with its status, as a table (text and HTML)."""

    def __init__(self, exercises: list[Exercise]) -> None:
        self.rows = [(ex.id.split(".", 1)[1], "pending" if ex.pending else "available", ex.title)
                     for ex in exercises]

    def names(self, available_only: bool = False) -> list[str]:
        return [n for n, status, _ in self.rows if status == "available" or not available_only]

    def __str__(self) -> str:
        w = max(len(n) for n, _, _ in self.rows)
        return "\n".join(f"{n:<{w}}  {s:<9}  {t}" for n, s, t in self.rows)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        body = "".join(f"<tr><td><code>{html.escape(n)}</code></td><td>{s}</td><td>{html.escape(t)}</td></tr>"
                       for n, s, t in self.rows)
        return f'<table class="k8slab-scenarios"><tr><th>name</th><th>status</th><th>symptom</th></tr>{body}</table>'


def scenarios() -> ScenarioList:
    """The break/fix scenarios, available and pending."""
    return ScenarioList(_all())
