"""Every course notebook runs in JupyterLab, in a real browser, with no error output."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import ROOT, run_notebook, screenshot

NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_runs_in_jupyterlab(page, lab_url, notebook):
    result = run_notebook(page, lab_url, notebook)
    shot = screenshot(page, Path(notebook).stem)
    assert result["cells"] > 0 and result["ran"] == result["cells"], result
    assert result["errors"] == [], result["errors"]
    assert shot.stat().st_size > 10_000  # a rendered page, not a blank one


def test_welcome_shows_the_version(page, lab_url):
    import k8slab

    run_notebook(page, lab_url, "00-welcome.ipynb")
    outputs = page.eval_on_selector_all(".jp-OutputArea-output", "els => els.map(e => e.textContent)")
    assert any(f"k8slab {k8slab.__version__}" in o for o in outputs), outputs
