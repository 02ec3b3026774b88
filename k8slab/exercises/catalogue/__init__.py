"""The exercise catalogue: one module per notebook, listed in ``MODULES``.

A notebook's module (``nb00_welcome.py``) sets ``NOTEBOOK = "00-welcome"`` and
``EXERCISES = [Exercise(...), ...]``; ids start with the notebook's number (``00.worker-pod-cidr``).
See ``k8slab/exercises/README.md`` for how to add one (``python -m k8slab.exercises.author``
hashes the answers, so plain answers are never committed).
"""

from __future__ import annotations

import difflib
import importlib
import re
from dataclasses import replace
from functools import cache

from k8slab.exercises.model import KINDS, Exercise

# Notebook catalogue modules, in course order.
MODULES = (
    "nb00_welcome",
    "nb01_cluster_anatomy",
    "nb02_pods_and_namespaces",
    "nb03_pause_container",
    "nb04_cni_one_node",
    "nb05_across_nodes",
    "nb06_vxlan_overlay",
    "nb07_services",
    "nb08_kube_proxy_iptables",
    "nb15_troubleshooting",
)
ID_PATTERN = re.compile(r"^\d\d\.[a-z0-9]+(-[a-z0-9]+)*$")


class CatalogueError(ValueError):
    """A catalogue module declares something malformed (caught by the instructor validation)."""


_modules: dict[str, object] = {}


def module_of(exercise_id: str):
    """The catalogue module that declares an exercise (its helpers run examples in validation)."""
    exercises()
    return _modules[exercise_id]


@cache
def exercises() -> tuple[Exercise, ...]:
    """Every exercise of the course, in notebook order then declaration order."""
    found: list[Exercise] = []
    seen: set[str] = set()
    for name in MODULES:
        mod = importlib.import_module(f"{__name__}.{name}")
        notebook = getattr(mod, "NOTEBOOK", "")
        for ex in getattr(mod, "EXERCISES", ()):
            if not isinstance(ex, Exercise):
                raise CatalogueError(f"{name}: EXERCISES holds a {type(ex).__name__}, not an Exercise")
            ex = replace(ex, notebook=ex.notebook or notebook)
            if not ID_PATTERN.match(ex.id):
                raise CatalogueError(f'{name}: id "{ex.id}" is not NN.lower-case-slug')
            if not ex.notebook.startswith(ex.id[:2]):
                raise CatalogueError(f'{name}: id "{ex.id}" does not start with its notebook\'s number ({ex.notebook})')
            if ex.kind not in KINDS:
                raise CatalogueError(f'{ex.id}: kind "{ex.kind}" is not one of {", ".join(KINDS)}')
            if ex.id in seen:
                raise CatalogueError(f'{ex.id}: declared twice')
            seen.add(ex.id)
            _modules[ex.id] = mod
            found.append(ex)
    return tuple(found)


def by_id() -> dict[str, Exercise]:
    return {ex.id: ex for ex in exercises()}


def notebooks() -> dict[str, list[Exercise]]:
    """Notebook name -> its exercises, in course order."""
    out: dict[str, list[Exercise]] = {}
    for ex in exercises():
        out.setdefault(ex.notebook, []).append(ex)
    return out


def resolve(exercise_id) -> tuple[Exercise | None, list[str]]:
    """The exercise for an id (or for a slug without its ``NN.`` when only one notebook has it),
    else None and the closest ids, for a "did you mean" message."""
    table = by_id()
    key = str(exercise_id).strip() if isinstance(exercise_id, str) else ""
    if key in table:
        return table[key], []
    low = key.lower()
    if low in table:
        return table[low], []
    by_slug = [ex for ex in table.values() if ex.id.split(".", 1)[1] == low]
    if len(by_slug) == 1:
        return by_slug[0], []
    close = difflib.get_close_matches(low, list(table), n=3, cutoff=0.5)
    slugs = {ex.id.split(".", 1)[1]: ex.id for ex in table.values()}
    for s in difflib.get_close_matches(low, list(slugs), n=3, cutoff=0.5):
        if slugs[s] not in close:
            close.append(slugs[s])
    return None, close[:3]
