"""pyproject.toml, environment.yml and binder/environment.yml list the same runtime packages,
and Binder's pins satisfy what pyproject.toml asks for."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
# conda-forge names that differ from PyPI's.
CONDA_TO_PYPI = {"matplotlib-base": "matplotlib"}
NOT_PACKAGES = {"python", "pip"}


def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def pypi_reqs(lines) -> dict[str, Requirement]:
    return {canonicalize_name(r.name): r for r in map(Requirement, lines)}


def conda_deps(path: Path) -> dict[str, str]:
    """name -> conda version spec ('' if none), conda-forge names mapped to PyPI's."""
    deps = {}
    for entry in yaml.safe_load(path.read_text())["dependencies"]:
        if isinstance(entry, dict):
            continue
        m = re.match(r"^([A-Za-z0-9_.-]+)\s*(.*)$", entry)
        name = CONDA_TO_PYPI.get(m[1], m[1])
        if name not in NOT_PACKAGES:
            deps[canonicalize_name(name)] = m[2].strip()
    return deps


def test_runtime_and_lab_packages_agree_everywhere():
    project = pyproject()
    wanted = set(pypi_reqs(project["dependencies"])) | set(pypi_reqs(project["optional-dependencies"]["lab"]))
    for env in ("environment.yml", "binder/environment.yml"):
        assert set(conda_deps(ROOT / env)) == wanted, env


def test_binder_pins_satisfy_pyproject():
    project = pyproject()
    reqs = pypi_reqs(project["dependencies"] + project["optional-dependencies"]["lab"])
    for name, spec in conda_deps(ROOT / "binder/environment.yml").items():
        m = re.fullmatch(r"=(\d+(?:\.\d+)*)", spec)
        assert m, f"binder/environment.yml: {name} is not pinned (use name=X.Y)"
        assert reqs[name].specifier.contains(m[1] + ".0" if m[1].count(".") == 1 else m[1]), (name, spec)


def test_binder_uses_python_312_and_conda_forge():
    env = yaml.safe_load((ROOT / "binder/environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    assert "python=3.12" in env["dependencies"]


def test_conda_environment_installs_the_package():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = [e for e in env["dependencies"] if isinstance(e, dict)]
    assert pip and "-e ." in pip[0]["pip"]


def test_requires_python():
    assert SpecifierSet(pyproject()["requires-python"]).contains("3.10")
