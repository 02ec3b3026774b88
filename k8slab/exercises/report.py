"""``k8slab.progress()``: what a learner has done, one table per notebook, and exports.

The view shows no wall-clock time (only counts and outcomes); the exports carry every attempt
with its timestamps for an instructor (``to_csv``, ``to_json``).
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path

from k8slab.exercises import catalogue, progress

COUNTED = ("correct", "incorrect", "misconception")


@dataclass(frozen=True)
class Row:
    notebook: str
    exercise: str
    title: str
    attempts: int
    status: str


def summarise(attempts: list[dict], with_catalogue: bool = True) -> list[Row]:
    """One row per exercise: counted attempts and a status (solved on attempt N, solution viewed,
    not yet, not started). Exercises of the catalogue nobody tried are included as not started."""
    known = {ex.id: ex for ex in catalogue.exercises()} if with_catalogue else {}
    per: dict[str, list[dict]] = {}
    for a in attempts:
        per.setdefault(str(a.get("exercise")), []).append(a)
    order = [ex_id for ex_id in known if not known[ex_id].pending] + sorted(set(per) - set(known))
    rows = []
    for ex_id in order:
        ex = known.get(ex_id)
        notebook = ex.notebook if ex else str((per.get(ex_id) or [{}])[0].get("notebook") or "?")
        tries = per.get(ex_id, [])
        counted = [a for a in tries if a.get("result") in COUNTED]
        first_ok = next((i for i, a in enumerate(counted) if a.get("result") == "correct"), None)
        viewed = any(a.get("result") == "solution" for a in tries)
        if first_ok is not None:
            seen_before = any(a.get("result") == "solution" for a in tries[: tries.index(counted[first_ok])])
            status = f"solved on attempt {first_ok + 1}" + (" (after the solution)" if seen_before else "")
        elif viewed:
            status = "solution viewed"
        elif tries:
            status = "not yet"
        else:
            status = "not started"
        rows.append(Row(notebook, ex_id, ex.title if ex else "", len(counted), status))
    return rows


class ProgressReport:
    """A learner's progress: ``str()``/HTML tables per notebook; ``to_csv()``, ``to_json()``, ``reset()``."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else progress.progress_path()
        self.doc = progress.load(self.path) if self.path is not None else progress._empty()

    @property
    def attempts(self) -> list[dict]:
        return list(self.doc.get("attempts", []))

    def rows(self) -> list[Row]:
        return summarise(self.attempts)

    def solved(self) -> list[str]:
        return [r.exercise for r in self.rows() if r.status.startswith("solved")]

    def __str__(self) -> str:
        if self.path is None:
            return "Progress recording is off (K8SLAB_PROGRESS=off)."
        rows = self.rows()
        out = []
        for nb in dict.fromkeys(r.notebook for r in rows):
            mine = [r for r in rows if r.notebook == nb]
            done = sum(r.status.startswith("solved") for r in mine)
            out.append(f"{nb}: {done} of {len(mine)} solved")
            w = max(len(r.exercise) for r in mine)
            out += [f"  {r.exercise:<{w}}  {r.attempts:>3} tries  {r.status}" for r in mine]
        return "\n".join(out) if out else "No exercises yet."

    __repr__ = __str__

    def _repr_html_(self) -> str:
        if self.path is None:
            return "<p>Progress recording is off (<code>K8SLAB_PROGRESS=off</code>).</p>"
        rows = self.rows()
        parts = ['<div class="k8slab-progress">']
        for nb in dict.fromkeys(r.notebook for r in rows):
            mine = [r for r in rows if r.notebook == nb]
            done = sum(r.status.startswith("solved") for r in mine)
            parts.append(f"<h4>{html.escape(nb)}: {done} of {len(mine)} solved</h4>")
            parts.append("<table><tr><th>exercise</th><th>title</th><th>tries</th><th>status</th></tr>")
            parts += [f"<tr><td><code>{html.escape(r.exercise)}</code></td><td>{html.escape(r.title)}</td>"
                      f"<td>{r.attempts}</td><td>{html.escape(r.status)}</td></tr>" for r in mine]
            parts.append("</table>")
        parts.append("</div>")
        return "\n".join(parts)

    def to_csv(self, path: str | Path | None = None) -> str:
        """Every attempt as CSV (written to ``path`` if given); returns the text."""
        text = progress.to_csv(self.doc)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    def to_json(self, path: str | Path | None = None) -> str:
        """The whole progress document as JSON (written to ``path`` if given); returns the text."""
        text = json.dumps(self.doc, indent=1, ensure_ascii=False) + "\n"
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    def reset(self, exercise: str | None = None, notebook: str | None = None) -> int:
        """Forget attempts (all, one exercise's or one notebook's); a ``.bak`` copy is kept."""
        n = progress.reset(self.path, exercise=exercise, notebook=notebook) if self.path else 0
        self.doc = progress.load(self.path) if self.path else self.doc
        return n


def show_progress(path: str | Path | None = None) -> ProgressReport:
    """The learner's progress (``k8slab.progress()``)."""
    return ProgressReport(Path(path) if path is not None else None)
