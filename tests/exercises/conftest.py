"""Every exercise test records progress into its own temporary file and starts a fresh session."""

from __future__ import annotations

import pytest

from k8slab.exercises import reset_session


@pytest.fixture(autouse=True)
def progress_file(tmp_path, monkeypatch):
    path = tmp_path / "progress.json"
    monkeypatch.setenv("K8SLAB_PROGRESS", str(path))
    reset_session()
    yield path
    reset_session()
