"""Re-execute notebooks in place, deterministically, so outputs can be committed.

Usage: python tools/run_notebooks.py notebooks/*.ipynb

Each notebook runs top to bottom in a fresh kernel with its folder as the working
directory. No timing metadata is recorded and execution counts start at 1, so running
twice gives the same file; nbval then compares outputs in strict mode.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def run(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.pop("execution", None)
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    # Keep the kernel metadata generic so the file does not depend on the machine it ran on.
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.write(nb, path)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.strip().splitlines()[2])
        return 2
    for name in argv:
        path = Path(name)
        print(f"executing {path}", flush=True)
        run(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
