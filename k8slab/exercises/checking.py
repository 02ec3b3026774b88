"""``check()`` and ``solution()``: feedback that teaches, without giving the answer away.

For every failed attempt ``n`` (counted per exercise, in this Python session):

- an answer that matches a known misconception gets that misconception's feedback;
- any other wrong answer gets the next hint (1, 2, 3...; the last again once they run out);
- from the third failed attempt on, the reference solution is shown as well.

Attempts are counted per session, not from the progress file, so a notebook re-run in a fresh
kernel shows the same feedback every time (nbval compares outputs). Every attempt is still
recorded in the progress file (:mod:`k8slab.exercises.progress`).

Nothing here raises for a learner: an unknown id, a malformed answer or a missing cluster
come back as a :class:`~k8slab.exercises.result.Result` that says what to do.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from k8slab.exercises import catalogue, progress, vault
from k8slab.exercises.model import Exercise, Probe
from k8slab.exercises.normalise import NormaliseError, normalise
from k8slab.exercises.result import Result, Section

SOLUTION_AFTER = 3
_failures: dict[str, int] = {}
_hints_shown: dict[str, int] = {}


def reset_session() -> None:
    """Forget this session's attempt counts (tests; a learner starting an exercise over)."""
    _failures.clear()
    _hints_shown.clear()


@contextlib.contextmanager
def isolated() -> Iterator[None]:
    """Check without touching the learner's state: no progress recorded, attempt counts restored."""
    saved = dict(_failures), dict(_hints_shown)
    reset_session()
    try:
        with progress.recording_to(None):
            yield
    finally:
        reset_session()
        _failures.update(saved[0])
        _hints_shown.update(saved[1])


def check(exercise_id, answer=None, cluster=None) -> Result:
    """Check an answer (values, predictions, quizzes) or a cluster (tasks).

    >>> check("00.worker-node-ip", "172.18.0.2/32").correct
    True
    """
    try:
        return _check(exercise_id, answer, cluster)
    except Exception as e:  # the checker's own bug must not become a learner's traceback
        name = exercise_id if isinstance(exercise_id, str) else repr(exercise_id)[:60]
        return Result(name, "error", (Section(f"{type(e).__name__}: {e}"[:300]),
                                      Section("This is a bug in the course, not your answer; please report it.")))


def _unknown(exercise_id) -> Result:
    _, close = catalogue.resolve(exercise_id)
    shown = exercise_id if isinstance(exercise_id, str) else repr(exercise_id)
    shown = shown[:60] + ("…" if len(shown) > 60 else "")
    text = f'There is no exercise "{shown}".'
    if close:
        text += " Did you mean " + " or ".join(f'"{c}"' for c in close) + "?"
    return Result(shown, "unknown", (Section(text), Section("Ids are NN.name, as the exercise cell shows.")))


def _check(exercise_id, answer, cluster) -> Result:
    ex, _ = catalogue.resolve(exercise_id)
    if ex is None:
        return _unknown(exercise_id)
    return check_exercise(ex, answer, cluster)


def check_exercise(ex: Exercise, answer=None, cluster=None) -> Result:
    """``check()`` for an Exercise object (the instructor validation checks declarations this way)."""
    if ex.pending:
        return Result(ex.id, "pending", (Section(ex.pending),))
    if ex.kind == "task":
        if cluster is None and hasattr(answer, "trace") and hasattr(answer, "store"):
            cluster, answer = answer, None
        return _check_task(ex, cluster)
    if answer is None:
        example = "a" if ex.kind == "choice" else "..."
        return Result(ex.id, "missing", (Section(f'Give your answer as the second argument: '
                                                 f'`check("{ex.id}", "{example}")`.'),))
    try:
        norm = normalise(ex.normaliser, answer, options=ex.options)
    except NormaliseError as e:
        res = Result(ex.id, "invalid", (Section(f"{str(e)[:200]}."), Section("This did not count as an attempt.")))
        return _recorded(res, ex, cluster, "invalid")
    if any(vault.matches(ex.salt, norm, h) for h in ex.answers):
        return _correct(ex, cluster, _reason(ex))
    wrong = next((m for m in ex.misconceptions if any(vault.matches(ex.salt, norm, h) for h in m.answers)), None)
    return _failed(ex, cluster, wrong.name if wrong else None, detail=None)


def _check_task(ex: Exercise, cluster) -> Result:
    if cluster is None or not hasattr(cluster, "trace"):
        return Result(ex.id, "missing", (Section(f'This exercise checks your cluster: '
                                                 f'`check("{ex.id}", cluster=cluster)`.'),))
    probe = ex.probe(cluster)
    if not isinstance(probe, Probe):
        raise TypeError(f"{ex.id}: probe returned {type(probe).__name__}, not a Probe")
    if probe.ok:
        return _correct(ex, cluster, _reason(ex), detail=probe.detail)
    name = probe.code if ex.misconception(probe.code) else None
    return _failed(ex, cluster, name, detail=probe.detail)


def _reason(ex: Exercise) -> str:
    """The one-line reason shown with a correct answer (kept in the obfuscated solution, as it
    usually names the answer; a plain ``reason`` field is used when there is none there)."""
    return vault.reveal(ex.id, ex.solution).get("reason") or ex.reason


def _correct(ex: Exercise, cluster, reason: str, detail: str = "") -> Result:
    sections = [Section(reason)] if reason else []
    if detail:
        sections.append(Section(detail, label="What the check saw"))
    res = Result(ex.id, "correct", tuple(sections), attempt=_failures.get(ex.id, 0))
    return _recorded(res, ex, cluster, "correct")


def _failed(ex: Exercise, cluster, misconception: str | None, detail: str | None) -> Result:
    n = _failures.get(ex.id, 0) + 1
    _failures[ex.id] = n
    sections: list[Section] = []
    if misconception:
        sections.append(Section(ex.misconception(misconception).feedback))
    if detail:
        sections.append(Section(detail, label="What the check saw"))
    if not misconception and ex.hints:
        i = min(_hints_shown.get(ex.id, 0) + 1, len(ex.hints))
        _hints_shown[ex.id] = i
        sections.append(Section(ex.hints[i - 1], label="Last hint" if i == len(ex.hints) and i > 1 else f"Hint {i}"))
    shown = n >= SOLUTION_AFTER
    if shown:
        sections += solution_sections(ex)
    elif not misconception and not ex.hints:
        sections.append(Section("Not this one; try again."))
    status = "misconception" if misconception else "incorrect"
    res = Result(ex.id, status, tuple(sections), attempt=n, misconception=misconception, solution_shown=shown)
    return _recorded(res, ex, cluster, status)


def solution_sections(ex: Exercise) -> list[Section]:
    """The reference solution as result sections: the answer, why, and the code of the solution cell."""
    doc = vault.reveal(ex.id, ex.solution)
    out = []
    if doc.get("answer") not in (None, ""):
        answer = doc["answer"]
        if ex.kind == "choice":
            letter = normalise(ex.normaliser, answer, options=ex.options)
            answer = ", ".join(f"{x}) {ex.options['abcdefghijklmnopqrstuvwxyz'.index(x)]}"
                               for x in letter.split(","))
        out.append(Section(str(answer), label="Solution"))
    if doc.get("why"):
        out.append(Section(doc["why"], label="Why"))
    if doc.get("code") and ex.kind == "task":
        out.append(Section(doc["code"], label="A solution", code=True))
    if not out:
        out.append(Section("This exercise has no reference solution yet.", label="Solution"))
    return out


def solution(exercise_id) -> Result:
    """The reference solution of an exercise (recorded in progress as having been viewed)."""
    try:
        ex, _ = catalogue.resolve(exercise_id)
        if ex is None:
            return _unknown(exercise_id)
        if ex.pending:
            return Result(ex.id, "pending", (Section(ex.pending),))
        res = Result(ex.id, "solution", tuple(solution_sections(ex)), attempt=_failures.get(ex.id, 0),
                     solution_shown=True)
        return _recorded(res, ex, None, "solution")
    except Exception as e:
        return Result(str(exercise_id)[:60], "error", (Section(f"{type(e).__name__}: {e}"[:300]),))


def _recorded(res: Result, ex: Exercise, cluster, outcome: str) -> Result:
    """Record the attempt in the progress file; the result carries its id (or a note if saving failed)."""
    entry = {"exercise": ex.id, "notebook": ex.notebook, "kind": ex.kind, "result": outcome,
             "misconception": res.misconception, "attempt": res.attempt,
             "virtual_time": getattr(cluster, "now", None) if cluster is not None else None}
    try:
        attempt_id = progress.record(entry)
    except progress.ProgressError as e:
        return Result(res.exercise, res.status, res.sections, res.attempt, res.misconception,
                      res.solution_shown, note=str(e))
    return Result(res.exercise, res.status, res.sections, res.attempt, res.misconception, res.solution_shown,
                  res.note, attempt_id=attempt_id)
