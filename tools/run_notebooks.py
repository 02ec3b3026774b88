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


def coalesce_streams(outputs: list) -> list:
    """Merge neighbouring stdout (or stderr) outputs into one: how the kernel's prints were split
    into messages depends on timing, and a committed notebook must not."""
    merged: list = []
    for out in outputs:
        prev = merged[-1] if merged else None
        if (out.get("output_type") == "stream" and prev is not None and prev.get("output_type") == "stream"
                and prev.get("name") == out.get("name")):
            prev["text"] = "".join(prev["text"]) + "".join(out["text"])
            continue
        merged.append(out)
    return merged


def stable_widget_ids(nb, name: str):
    """Widget model ids are random uuids; rename them, in order of appearance, to ids derived from
    the notebook's name, everywhere they occur (outputs, saved widget state, IPY_MODEL_ references)."""
    import hashlib
    import json
    import re

    text = json.dumps(nb)
    ids: list[str] = []
    for found in re.findall(r'"model_id": "([0-9a-f]{32})"|IPY_MODEL_([0-9a-f]{32})|"([0-9a-f]{32})": \{', text):
        for model in found:
            if model and model not in ids:
                ids.append(model)
    for i, model in enumerate(ids):
        text = text.replace(model, hashlib.sha256(f"{name}:{i}".encode()).hexdigest()[:32])
    return nbformat.from_dict(json.loads(text))


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
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = coalesce_streams(cell.outputs)
    # Keep the kernel metadata generic so the file does not depend on the machine it ran on.
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    nb = stable_widget_ids(nb, path.stem)
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
