"""The package's shape: the layers of DESIGN.md, the direction of imports, and import cost."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "k8slab"
LAYERS = ["linux", "api", "components", "cli", "notebook", "exercises", "live"]
# What each layer may import from k8slab (besides itself). cluster.py sits between
# components and cli; exercises and live sit on top of the engine; notebook on top of all.
ALLOWED = {
    "linux": set(),
    "api": set(),
    "components": {"linux", "api"},
    # The facade's kubectl()/exec() conveniences call the text front ends (imported lazily, on use).
    "cluster": {"linux", "api", "components", "cli"},
    "cli": {"linux", "api", "components", "cluster"},
    "exercises": {"linux", "api", "components", "cluster", "cli"},
    "live": {"linux", "api", "components", "cluster", "cli"},
    "notebook": {"linux", "api", "components", "cluster", "cli", "exercises", "live"},
    # k8slab/instructor.py: the instructor's command line over the exercises (builds clusters to validate).
    "instructor": {"exercises", "cluster"},
}
FRONTEND_MODULES = ("IPython", "ipywidgets", "matplotlib", "jupyter", "ipykernel", "jupyterlab", "notebook")


def _k8slab_imports(path: Path) -> set[str]:
    """The k8slab subpackages a module imports (k8slab.X -> X), relative imports resolved."""
    tree = ast.parse(path.read_text())
    rel = path.relative_to(PKG.parent).with_suffix("").parts  # ('k8slab', 'linux', 'walk')
    found = set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(rel[: len(rel) - node.level])
                names = [".".join(base + ([node.module] if node.module else []))]
            else:
                names = [node.module or ""]
        for name in names:
            parts = name.split(".")
            if parts[0] == "k8slab" and len(parts) > 1:
                found.add(parts[1])
    return found


def _layer_of(path: Path) -> str:
    parts = path.relative_to(PKG).parts
    return parts[0].removesuffix(".py")


def test_every_layer_exists_with_a_docstring():
    for layer in LAYERS:
        init = PKG / layer / "__init__.py"
        assert init.exists(), f"k8slab/{layer}/ is missing"
        assert ast.get_docstring(ast.parse(init.read_text())), f"k8slab/{layer}/__init__.py has no docstring"


@pytest.mark.parametrize("path", sorted(p for p in PKG.rglob("*.py") if p.parent != PKG), ids=str)
def test_imports_point_down_the_layers(path):
    layer = _layer_of(path)
    allowed = ALLOWED[layer] | {layer}
    wrong = _k8slab_imports(path) - allowed
    assert not wrong, f"{path.relative_to(PKG.parent)} ({layer}) imports {sorted(wrong)}"


def test_import_k8slab_loads_no_frontend():
    """`import k8slab` and every engine module load without Jupyter, widgets or matplotlib."""
    engine = sorted(
        ".".join(p.relative_to(PKG.parent).with_suffix("").parts).removesuffix(".__init__")
        for p in PKG.rglob("*.py")
        if "notebook" not in p.relative_to(PKG).parts
    )
    code = (
        "import importlib, sys\n"
        f"for m in {engine!r}: importlib.import_module(m)\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {FRONTEND_MODULES!r})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "", f"engine imports front-end modules: {out.stdout.strip()}"


def test_extension_loads_in_ipython():
    """%load_ext k8slab registers the magics in a plain IPython shell."""
    code = (
        "from IPython.testing.globalipapp import start_ipython\n"
        "ip = start_ipython()\n"
        "ip.run_line_magic('load_ext', 'k8slab')\n"
        "ip.run_line_magic('k8slab', '')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    import k8slab

    assert f"k8slab {k8slab.__version__}" in out.stdout
