"""How long `import k8slab` takes in a fresh interpreter (it must stay light)."""

from __future__ import annotations

import subprocess
import sys
import time


def bench() -> list[dict]:
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import k8slab"], check=True)
        times.append(time.perf_counter() - t0)
    base = []
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        base.append(time.perf_counter() - t0)
    return [
        {"name": "python -c 'import k8slab'", "size": "fresh interpreter", "seconds": times},
        {"name": "python -c 'pass' (baseline)", "size": "fresh interpreter", "seconds": base},
    ]


if __name__ == "__main__":
    for r in bench():
        print(r["name"], min(r["seconds"]))
