"""The notebook runner makes committed notebooks byte-stable: merged streams, stable widget ids."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat

spec = importlib.util.spec_from_file_location("run_notebooks", Path(__file__).parent.parent / "tools/run_notebooks.py")
run_notebooks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run_notebooks)


def test_neighbouring_streams_are_merged_whatever_the_timing():
    outs = [{"output_type": "stream", "name": "stdout", "text": "a\n"},
            {"output_type": "stream", "name": "stdout", "text": ["b\n"]},
            {"output_type": "stream", "name": "stderr", "text": "e\n"},
            {"output_type": "stream", "name": "stdout", "text": "c\n"}]
    got = run_notebooks.coalesce_streams(outs)
    assert [(o["name"], o["text"]) for o in got] == [("stdout", "a\nb\n"), ("stderr", "e\n"), ("stdout", "c\n")]


def test_widget_ids_depend_only_on_the_notebook_and_their_order():
    def nb_with(model):
        nb = nbformat.v4.new_notebook()
        cell = nbformat.v4.new_code_cell("w")
        cell.outputs = [nbformat.v4.new_output("display_data", data={
            "application/vnd.jupyter.widget-view+json": {"model_id": model, "version_major": 2, "version_minor": 0}})]
        nb.cells = [cell]
        nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {
            "state": {model: {"state": {"child": f"IPY_MODEL_{model}"}}}, "version_major": 2, "version_minor": 0}}
        return nb

    a = run_notebooks.stable_widget_ids(nb_with("1" * 32), "08-x")
    b = run_notebooks.stable_widget_ids(nb_with("2" * 32), "08-x")
    assert a.cells[0].outputs == b.cells[0].outputs and a.metadata == b.metadata
    model = a.cells[0].outputs[0]["data"]["application/vnd.jupyter.widget-view+json"]["model_id"]
    state = a.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    assert list(state) == [model] and state[model]["state"]["child"] == f"IPY_MODEL_{model}"
