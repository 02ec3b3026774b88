"""Instructor tools: ``python -m k8slab.instructor COMMAND``.

    list [--notebook 00-welcome]           the exercises, per notebook (kind, title, pending)
    solutions [ID ...] [--notebook NB]     print reference solutions
    validate [ID ...] [--notebooks DIR]    every solution passes, every misconception fails, the engine
                                           agrees with the stored answers (exit 1 otherwise; make test runs it)
    write-solutions SRC_DIR OUT_DIR        a copy of the notebooks with solution cells filled in
    reset [--file PATH] [--exercise ID | --notebook NB] --yes
                                           clear a learner's progress (a .bak copy is kept)
    summary DIR [--csv OUT]                summarise a folder of exported progress files for a room

Solution cells. In a course notebook, the cell where a learner answers an exercise is tagged
``solution`` (cell metadata ``tags``) and names its exercise, with a tag ``exercise:<id>`` or a
``check("<id>", ...)`` call in its source. ``write-solutions`` replaces the source of each such cell
with the reference solution (the solution's code for tasks, followed by the ``check`` call;
``check("<id>", <answer>)`` for values and quizzes), clears its outputs, and inserts a markdown
cell tagged ``solution-note`` with the reasoning after it. Other cells are copied unchanged.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import Counter
from pathlib import Path

from k8slab.exercises import catalogue, progress, vault
from k8slab.exercises.validate import notebook_references, validate, validate_notebooks


def cmd_list(notebook: str | None = None) -> str:
    lines = []
    for nb, exs in catalogue.notebooks().items():
        if notebook and nb != notebook:
            continue
        lines.append(f"{nb} ({len(exs)})")
        w = max(len(ex.id) for ex in exs)
        for ex in exs:
            tail = "  [pending]" if ex.pending else ""
            lines.append(f"  {ex.id:<{w}}  {ex.kind:<10}  {ex.title}{tail}")
    return "\n".join(lines)


def solution_text(ex) -> str:
    if ex.pending:
        return f"{ex.id}: pending: {ex.pending}"
    doc = vault.reveal(ex.id, ex.solution)
    lines = [f"{ex.id}  ({ex.kind}) {ex.title}"]
    if "answer" in doc:
        lines.append(f"  answer: {doc['answer']}")
    if doc.get("why"):
        lines.append(f"  why:    {doc['why']}")
    if doc.get("code"):
        lines.append("  code:")
        lines += [f"    {line}" for line in doc["code"].rstrip().splitlines()]
    return "\n".join(lines)


def cmd_solutions(ids=(), notebook: str | None = None) -> str:
    chosen = [ex for ex in catalogue.exercises()
              if (not ids or ex.id in ids) and (not notebook or ex.notebook == notebook)]
    return "\n\n".join(solution_text(ex) for ex in chosen)


def cmd_validate(ids=(), notebooks: Path | None = None) -> tuple[str, bool]:
    findings = validate(list(ids) or None)
    lines = [f.line() for f in findings]
    ok = all(f.ok for f in findings)
    known_ids = {ex.id for ex in catalogue.exercises()} if findings and findings[0].exercise != "catalogue" else set()
    unknown = [i for i in ids if i not in known_ids]
    if unknown:
        lines.append(f"FAILED  unknown exercise ids: {', '.join(unknown)}")
        ok = False
    if notebooks is not None and Path(notebooks).is_dir():
        problems = validate_notebooks(Path(notebooks))
        lines += [f"FAILED  {p}" for p in problems]
        ok = ok and not problems
        lines.append(f"notebooks in {notebooks}: {'ok' if not problems else f'{len(problems)} problems'}")
    passed = sum(f.ok and not f.pending for f in findings)
    pending = sum(bool(f.pending) for f in findings)
    lines.append(f"{len(findings)} exercises: {passed} passed, {pending} pending, "
                 f"{sum(not f.ok for f in findings)} failed")
    return "\n".join(lines), ok


def solution_source(ex) -> str:
    """The source a solution cell gets in the solutions copy."""
    doc = vault.reveal(ex.id, ex.solution)
    head = f"# Reference solution for {ex.id}\n"
    if ex.kind == "task":
        return head + doc.get("code", "").rstrip() + f'\ncheck("{ex.id}", cluster=cluster)'
    if doc.get("code"):
        return head + doc["code"].rstrip()
    return head + f'check("{ex.id}", {doc.get("answer", "")!r})'


def _lines(text: str) -> list[str]:
    parts = text.split("\n")
    return [p + "\n" for p in parts[:-1]] + [parts[-1]]


def write_solutions(src: Path, out: Path) -> list[str]:
    """Copy every notebook of ``src`` into ``out`` with its solution cells filled; returns a report."""
    out.mkdir(parents=True, exist_ok=True)
    table = catalogue.by_id()
    report = []
    for path in sorted(Path(src).glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        refs = {i: ex_id for i, ex_id, tagged in notebook_references(path) if tagged}
        cells = []
        filled = 0
        for i, cell in enumerate(nb.get("cells", [])):
            cells.append(cell)
            ex = table.get(refs.get(i, ""))
            if ex is None or ex.pending:
                if i in refs:
                    report.append(f"{path.name} cell {i}: no exercise {refs[i] or '(none named)'}; left as is")
                continue
            cell["source"] = _lines(solution_source(ex))
            cell["outputs"] = []
            cell["execution_count"] = None
            why = vault.reveal(ex.id, ex.solution).get("why")
            if why:
                cells.append({"cell_type": "markdown", "id": f"solution-note-{i}",
                              "metadata": {"tags": ["solution-note"]},
                              "source": _lines(f"**Why ({ex.id}).** {why}")})
            filled += 1
        nb["cells"] = cells
        (out / path.name).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        report.append(f"{path.name}: {filled} solution cells filled")
    return report


def load_export(path: Path) -> dict:
    """An exported progress file (JSON as ``to_json`` writes it, or CSV as ``to_csv`` does)."""
    text = path.read_text(encoding="utf-8")
    doc = progress.from_csv(text) if path.suffix.lower() == ".csv" else json.loads(text)
    if not isinstance(doc, dict) or not isinstance(doc.get("attempts"), list):
        raise ValueError("not a k8slab progress export")
    if not doc.get("user"):
        doc["user"] = path.stem
    return doc


COUNTED = ("correct", "incorrect", "misconception")


def summarise_room(folder: Path) -> tuple[str, list[dict]]:
    """Per exercise: how many learners tried it, solved it, the median tries to solve, the most
    common misconception; per learner: exercises solved. Returns (text, per-exercise rows)."""
    docs, skipped = [], []
    for path in sorted(Path(folder).iterdir()):
        if path.suffix.lower() not in (".json", ".csv"):
            continue
        try:
            docs.append(load_export(path))
        except (OSError, ValueError) as e:
            skipped.append(f"{path.name}: {e}")
    order = [ex.id for ex in catalogue.exercises()]
    per_ex: dict[str, dict] = {}
    learners: dict[str, set] = {}
    for doc in docs:
        user = str(doc["user"])
        learners.setdefault(user, set())
        mine: dict[str, list[dict]] = {}
        for a in doc["attempts"]:
            mine.setdefault(str(a.get("exercise")), []).append(a)
        for ex_id, tries in mine.items():
            row = per_ex.setdefault(ex_id, {"exercise": ex_id, "tried": 0, "solved": 0, "tries_to_solve": [],
                                            "misconceptions": Counter(), "solution_viewed": 0})
            row["tried"] += 1
            counted = [a for a in tries if a.get("result") in COUNTED]
            first = next((i for i, a in enumerate(counted) if a.get("result") == "correct"), None)
            if first is not None:
                row["solved"] += 1
                row["tries_to_solve"].append(first + 1)
                learners[user].add(ex_id)
            if any(a.get("result") == "solution" for a in tries):
                row["solution_viewed"] += 1
            row["misconceptions"].update(a["misconception"] for a in tries if a.get("misconception"))
    rows = []
    for ex_id in [i for i in order if i in per_ex] + sorted(set(per_ex) - set(order)):
        r = per_ex[ex_id]
        top = r["misconceptions"].most_common(1)
        rows.append({"exercise": ex_id, "learners_tried": r["tried"], "learners_solved": r["solved"],
                     "median_tries_to_solve": statistics.median(r["tries_to_solve"]) if r["tries_to_solve"] else "",
                     "solution_viewed": r["solution_viewed"],
                     "top_misconception": f"{top[0][0]} ({top[0][1]})" if top else ""})
    n = len(docs)
    lines = [f"{n} learners, {len(rows)} exercises attempted"]
    if rows:
        w = max(len(r["exercise"]) for r in rows)
        lines.append(f"  {'exercise':<{w}}  tried  solved  median tries  viewed solution  top misconception")
        for r in rows:
            lines.append(f"  {r['exercise']:<{w}}  {r['learners_tried']:>5}  {r['learners_solved']:>6}  "
                         f"{str(r['median_tries_to_solve']):>12}  {r['solution_viewed']:>15}  {r['top_misconception']}")
    if learners:
        lines.append("learners (exercises solved):")
        lines += [f"  {u}: {len(s)}" for u, s in sorted(learners.items(), key=lambda kv: (-len(kv[1]), kv[0]))]
    lines += [f"skipped {s}" for s in skipped]
    return "\n".join(lines), rows


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m k8slab.instructor", description="k8slab instructor tools",
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog=__doc__.split("\n\n", 1)[1])
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("list", help="the exercises per notebook")
    s.add_argument("--notebook")
    s = sub.add_parser("solutions", help="print reference solutions")
    s.add_argument("ids", nargs="*")
    s.add_argument("--notebook")
    s = sub.add_parser("validate", help="check every exercise against the engine")
    s.add_argument("ids", nargs="*")
    s.add_argument("--notebooks", type=Path, default=Path("notebooks"))
    s = sub.add_parser("write-solutions", help="copy notebooks with their solution cells filled")
    s.add_argument("src", type=Path)
    s.add_argument("out", type=Path)
    s = sub.add_parser("reset", help="clear a learner's progress (a .bak copy is kept)")
    s.add_argument("--file", type=Path, help="the progress file (default: this user's)")
    s.add_argument("--exercise")
    s.add_argument("--notebook")
    s.add_argument("--yes", action="store_true", help="really do it")
    s = sub.add_parser("summary", help="summarise a folder of exported progress files")
    s.add_argument("folder", type=Path)
    s.add_argument("--csv", type=Path, help="also write the per-exercise table as CSV")
    args = p.parse_args(argv)

    if args.cmd == "list":
        print(cmd_list(args.notebook))
    elif args.cmd == "solutions":
        print(cmd_solutions(args.ids, args.notebook))
    elif args.cmd == "validate":
        text, ok = cmd_validate(args.ids, args.notebooks)
        print(text)
        return 0 if ok else 1
    elif args.cmd == "write-solutions":
        if not args.src.is_dir():
            print(f"error: {args.src} is not a folder of notebooks", file=sys.stderr)
            return 2
        if args.out.resolve() == args.src.resolve():
            print("error: write the solutions copy to another folder, not over the notebooks", file=sys.stderr)
            return 2
        print("\n".join(write_solutions(args.src, args.out)))
    elif args.cmd == "reset":
        path = args.file or progress.progress_path()
        if path is None:
            print("error: progress recording is off (K8SLAB_PROGRESS=off); name a file with --file", file=sys.stderr)
            return 2
        scope = args.exercise or args.notebook or "all exercises"
        if not args.yes:
            print(f"would clear {scope} in {path}; run again with --yes to do it")
            return 1
        n = progress.reset(path, exercise=args.exercise, notebook=args.notebook)
        print(f"cleared {n} attempts ({scope}) in {path}; the previous file is {path}.bak")
    elif args.cmd == "summary":
        if not args.folder.is_dir():
            print(f"error: {args.folder} is not a folder", file=sys.stderr)
            return 2
        text, rows = summarise_room(args.folder)
        print(text)
        if args.csv:
            import csv

            with open(args.csv, "w", newline="", encoding="utf-8") as f:
                w = csv.DictWriter(f, fieldnames=list(rows[0]) if rows else ["exercise"], lineterminator="\n")
                w.writeheader()
                w.writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
