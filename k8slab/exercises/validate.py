"""Instructor validation: every exercise of the catalogue is checked against the engine.

For each exercise:

- values, predictions, quizzes: the reference solution passes ``check()``; no misconception
  answer is also an expected answer; where the exercise says how to ``observe`` the truth, a fresh
  cluster is built and the stored answer must be what the engine really shows (so an engine
  change that alters an answer fails ``make test``); choices name real options;
- tasks and scenarios: the starting cluster fails the probe (the task is not done already),
  each misconception's ``example`` fails with that misconception's name, and the reference
  solution's code, run on a fresh starting cluster, makes ``check()`` pass;
- all: ids, kinds and normalisers are known, there is a solution, and no prompt, hint or
  misconception feedback contains the answer (its own, or another exercise's);
- pending exercises are listed as pending, with what they wait for.

``notebooks``: every ``check("…")`` and ``solution``-tagged cell in the notebooks names a known exercise.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from k8slab.exercises import catalogue, vault
from k8slab.exercises.checking import check_exercise, isolated
from k8slab.exercises.model import Exercise, Probe
from k8slab.exercises.normalise import NormaliseError, known, normalise

CHECK_CALL = re.compile(r"""\bcheck\(\s*["']([^"']+)["']""")
EXERCISE_TAG = "exercise:"


@dataclass
class Finding:
    """The validation of one exercise: ``problems`` (empty when it passes) and what was checked."""

    exercise: str
    notebook: str
    checked: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    pending: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    def line(self) -> str:
        if self.pending:
            return f"pending  {self.exercise}: {self.pending}"
        word = "ok      " if self.ok else "FAILED  "
        text = "; ".join(self.problems) if self.problems else ", ".join(self.checked)
        return f"{word}{self.exercise}: {text}"


def _starting_cluster(ex: Exercise):
    if ex.setup is not None:
        return ex.setup()
    from k8slab.cluster import kind

    return kind(workers=2)


def _run(code: str, cluster, module) -> None:
    """Run solution or example code with ``cluster`` bound (and the catalogue module's helpers)."""
    import k8slab

    env = dict(vars(module))
    env.update(cluster=cluster, k8slab=k8slab)
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, "<solution>", "exec"), env)


def _leaks(text: str, secret: str) -> bool:
    """Whether ``secret`` appears in ``text`` as a value on its own (not inside a longer one)."""
    return re.search(rf"(?<![\w./:-]){re.escape(secret)}(?![\w/:-]|\.\d)", text, re.IGNORECASE) is not None


def _visible_texts(ex: Exercise) -> list[tuple[str, str]]:
    texts = [("prompt", ex.prompt), ("title", ex.title), ("plain reason", ex.reason)]
    texts += [(f"hint {i + 1}", h) for i, h in enumerate(ex.hints)]
    texts += [(f"misconception {m.name}", m.feedback) for m in ex.misconceptions]
    return texts


def validate_exercise(ex: Exercise, all_answers: dict[str, list[str]]) -> Finding:
    f = Finding(ex.id, ex.notebook)
    if ex.pending:
        f.pending = ex.pending
        return f
    try:
        doc = vault.reveal(ex.id, ex.solution)
    except Exception as e:
        f.problems.append(f"the solution does not decode ({e})")
        return f
    if not ex.prompt:
        f.problems.append("no prompt")
    if not ex.hints:
        f.problems.append("no hints")
    if not doc:
        f.problems.append("no reference solution")
    if ex.kind == "task":
        _validate_task(ex, doc, f)
    else:
        _validate_value(ex, doc, f)
    # Leaks: the plain answer (from the solution) in anything shown before the solution is.
    # (Quizzes and predictions with options list the answer among the options, by design.)
    answer = str(doc.get("answer", "")) if not ex.options else ""
    for where, text in _visible_texts(ex):
        if answer and _leaks(text, answer):
            f.problems.append(f"the {where} text gives the answer away")
        for other, secrets_ in all_answers.items():
            if other != ex.id and any(len(s) >= 4 and _leaks(text, s) for s in secrets_):
                f.problems.append(f"the {where} text gives away the answer to {other}")
    f.checked.append(f"{len(ex.hints)} hints, no answer in prompt/hints/feedback")
    return f


def _validate_value(ex: Exercise, doc: dict, f: Finding) -> None:
    if not known(ex.normaliser):
        f.problems.append(f'unknown normaliser "{ex.normaliser}"')
        return
    if ex.kind == "choice" and len(ex.options) < 2:
        f.problems.append("a quiz needs at least two options")
    if not ex.salt or not ex.answers:
        f.problems.append("no salt or no hashed answers")
    wrong = {h for m in ex.misconceptions for h in m.answers}
    if wrong & set(ex.answers):
        f.problems.append("a misconception answer is also an expected answer")
    if any(not m.answers for m in ex.misconceptions):
        f.problems.append("a misconception has no answers to recognise")
    if "answer" in doc:
        with isolated():
            res = check_exercise(ex, doc["answer"])
        if not res.correct:
            f.problems.append(f"the reference solution does not pass check() ({res.status})")
        else:
            f.checked.append("solution passes")
    else:
        f.problems.append("the solution has no answer")
    f.checked.append(f"{sum(len(m.answers) for m in ex.misconceptions)} misconception answers fail")
    if ex.observe is not None:
        try:
            truth = ex.observe(_starting_cluster(ex))
            norm = normalise(ex.normaliser, truth, options=ex.options)
        except (NormaliseError, Exception) as e:
            f.problems.append(f"observing the engine failed: {type(e).__name__}: {e}")
            return
        if any(vault.matches(ex.salt, norm, h) for h in ex.answers):
            f.checked.append("the engine agrees")
        else:
            f.problems.append("the engine now shows a different answer than the stored one")


def _validate_task(ex: Exercise, doc: dict, f: Finding) -> None:
    if ex.probe is None:
        f.problems.append("a task needs a probe")
        return
    module = catalogue.module_of(ex.id)
    try:
        start = ex.probe(_starting_cluster(ex))
    except Exception as e:
        f.problems.append(f"the probe failed on the starting cluster: {type(e).__name__}: {e}")
        return
    if not isinstance(start, Probe) or start.ok:
        f.problems.append("the starting cluster already passes: nothing to do")
    else:
        f.checked.append(f"the starting cluster fails ({start.code})")
    for m in ex.misconceptions:
        if not m.example:
            f.checked.append(f"misconception {m.name} has no example")
            continue
        try:
            c = _starting_cluster(ex)
            _run(m.example, c, module)
            got = ex.probe(c)
        except Exception as e:
            f.problems.append(f"misconception {m.name}: the example failed to run: {type(e).__name__}: {e}")
            continue
        if got.ok or got.code != m.name:
            f.problems.append(f"misconception {m.name}: its example gives {'a pass' if got.ok else got.code}")
    if ex.misconceptions:
        f.checked.append(f"{sum(bool(m.example) for m in ex.misconceptions)} misconception examples fail as named")
    if not doc.get("code"):
        f.problems.append("the solution has no code")
        return
    try:
        c = _starting_cluster(ex)
        _run(doc["code"], c, module)
    except Exception as e:
        f.problems.append(f"the solution code failed: {type(e).__name__}: {e}")
        return
    with isolated():
        res = check_exercise(ex, cluster=c)
    if res.correct:
        f.checked.append("the solution makes check() pass")
    else:
        f.problems.append(f"after the solution, check() says {res.status}: {res.text().splitlines()[1:2]}")


def plain_answers() -> dict[str, list[str]]:
    """Exercise id -> its plain answers (from the solutions), for the cross-exercise leak check."""
    out = {}
    for ex in catalogue.exercises():
        if ex.kind in ("value", "prediction") and not ex.options and ex.solution:
            with contextlib.suppress(Exception):
                out[ex.id] = [str(vault.reveal(ex.id, ex.solution).get("answer", ""))]
    return out


def validate(exercise_ids=None) -> list[Finding]:
    """Validate the catalogue (or some ids); one Finding per exercise."""
    try:
        exercises = catalogue.exercises()
    except catalogue.CatalogueError as e:
        return [Finding("catalogue", "", problems=[str(e)])]
    except Exception as e:  # noqa: BLE001 - a catalogue module that does not import: say which error, no traceback
        return [Finding("catalogue", "", problems=[f"a catalogue module does not import: {type(e).__name__}: {e}"])]
    answers = plain_answers()
    chosen = [ex for ex in exercises if not exercise_ids or ex.id in exercise_ids]
    return [validate_exercise(ex, answers) for ex in chosen]


def notebook_references(path: Path) -> list[tuple[int, str, bool]]:
    """(cell index, exercise id, tagged solution) for each exercise a notebook refers to."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for i, cell in enumerate(nb.get("cells", [])):
        src = "".join(cell.get("source", ""))
        tags = cell.get("metadata", {}).get("tags", [])
        ids = [t[len(EXERCISE_TAG):] for t in tags if t.startswith(EXERCISE_TAG)]
        if cell.get("cell_type") == "code":
            ids += [m for m in CHECK_CALL.findall(src) if m not in ids]
        for ex_id in ids:
            out.append((i, ex_id, "solution" in tags))
        if "solution" in tags and not ids:
            out.append((i, "", True))
    return out


def validate_notebooks(folder: Path) -> list[str]:
    """Problems with the notebooks' references to exercises (unknown ids, untagged solutions)."""
    problems = []
    table = catalogue.by_id()
    for path in sorted(Path(folder).glob("*.ipynb")):
        for i, ex_id, _ in notebook_references(path):
            if not ex_id:
                problems.append(f"{path.name} cell {i}: tagged solution but names no exercise "
                                f"(add the tag {EXERCISE_TAG}<id> or a check(\"<id>\", ...) call)")
            elif ex_id not in table:
                problems.append(f"{path.name} cell {i}: unknown exercise {ex_id}")
    return problems
