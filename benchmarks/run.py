"""Run the benchmarks and print a table: name, size, median time, peak memory.

Usage: python benchmarks/run.py [bench_name ...]

Each ``benchmarks/bench_*.py`` defines ``bench()`` returning a list of results, each a dict
with ``name``, ``size`` (what was measured, e.g. "10000 services") and ``seconds`` (one
float or a list of repeats; the median is shown), and optionally ``target`` (seconds) that
the issue asks for. Each file runs in its own process so that its peak memory (max RSS) is
its own. Benchmarks are never part of ``make test``.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

CHILD = """
import json, resource, sys, importlib.util
spec = importlib.util.spec_from_file_location("bench_module", sys.argv[1])
mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
results = mod.bench()
peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print("@@RESULTS@@" + json.dumps({"results": results, "peak_kib": peak_kib}))
"""


def run_file(path: Path) -> tuple[list[dict], int]:
    out = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"{path.name} failed:\n{out.stderr[-3000:]}")
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("@@RESULTS@@"))
    data = json.loads(line.removeprefix("@@RESULTS@@"))
    return data["results"], data["peak_kib"]


def fmt_seconds(s: float) -> str:
    return f"{s * 1000:.2f} ms" if s < 1 else f"{s:.3f} s"


def main(argv: list[str]) -> int:
    files = sorted(HERE.glob("bench_*.py"))
    if argv:
        files = [f for f in files if f.stem in argv or f.stem.removeprefix("bench_") in argv]
    rows = []
    for path in files:
        results, peak_kib = run_file(path)
        for r in results:
            secs = r["seconds"] if isinstance(r["seconds"], list) else [r["seconds"]]
            median = statistics.median(secs)
            target = r.get("target")
            verdict = "" if target is None else ("ok" if median <= target else "OVER")
            rows.append([r["name"], str(r["size"]), fmt_seconds(median),
                         "" if target is None else fmt_seconds(target), verdict, f"{peak_kib / 1024:.0f} MiB"])
    header = ["benchmark", "size", "median", "target", "", "peak memory (file)"]
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    for row in [header] + rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip())
    return 1 if any(r[4] == "OVER" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
