"""The Binder configuration, checked the way Binder reads it: repo2docker's dry run.

`jupyter-repo2docker --no-build --debug .` prints the Dockerfile it would build, without a
Docker engine; we assert that it installs binder/environment.yml and runs binder/postBuild.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def dockerfile() -> str:
    exe = Path(sys.executable).parent / "jupyter-repo2docker"
    cmd = [str(exe) if exe.exists() else shutil.which("jupyter-repo2docker"), "--no-build", "--debug", "."]
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout + out.stderr


def test_repo2docker_uses_binder_environment(dockerfile):
    assert "binder/environment.yml" in dockerfile
    assert 'env update -p ${NB_PYTHON_PREFIX} --file "binder/environment.yml"' in dockerfile


def test_repo2docker_runs_postbuild(dockerfile):
    assert "RUN ./binder/postBuild" in dockerfile


def test_repo2docker_ignores_root_environment(dockerfile):
    # With a binder/ folder, repo2docker must not read the root environment.yml.
    assert "COPY --chown=0:0 src/environment.yml" not in dockerfile


def test_postbuild_installs_the_package_and_stops_on_error():
    text = (ROOT / "binder/postBuild").read_text().splitlines()
    assert text[0].startswith("#!")
    assert "set -e" in text[:3]
    assert "pip install --no-deps -e ." in text
