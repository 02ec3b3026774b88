"""Which cluster the magics talk to when a notebook holds more than one.

The last cluster a notebook created becomes active: each time a magic runs, the notebook's
variables are scanned for clusters not seen before, and the newest one found wins (so
``c2 = k8slab.flannel()`` after ``c1 = k8slab.kind()`` switches to ``c2``). ``use(c)`` or
``%k8s use NAME`` picks one by hand; that choice holds until another cluster is created.
"""

from __future__ import annotations

import sys
import weakref

_seen: weakref.WeakSet = weakref.WeakSet()
_active: weakref.ref | None = None


def _cluster_class():
    mod = sys.modules.get("k8slab.cluster")
    return getattr(mod, "Cluster", None) if mod is not None else None


def clusters(namespace: dict | None) -> list[tuple[str, object]]:
    """(variable name, cluster) for every cluster bound to a variable in ``namespace``, in order."""
    cls = _cluster_class()
    if cls is None or not namespace:
        return []
    return [(k, v) for k, v in list(namespace.items()) if isinstance(v, cls) and not k.startswith("_")]


def use(cluster) -> None:
    """Make ``cluster`` the one the magics (``%kubectl``, ``%docker``, ``%k8s``) talk to."""
    global _active
    _seen.add(cluster)
    _active = weakref.ref(cluster)


def active(namespace: dict | None = None):
    """The active cluster, after noticing clusters created since the last call; None if there is none."""
    global _active
    found = clusters(namespace)
    new = [c for _, c in found if c not in _seen]
    for c in new:
        _seen.add(c)
    if new:
        _active = weakref.ref(new[-1])
    current = _active() if _active is not None else None
    if current is None and found:  # the active one was deleted: fall back to the last one bound
        current = found[-1][1]
        _active = weakref.ref(current)
    return current


def find(name: str, namespace: dict | None):
    """A cluster by its variable name, or by its ``name`` when that is unique; LookupError if none."""
    found = clusters(namespace)
    for var, c in found:
        if var == name:
            return c
    by_name = [c for _, c in found if getattr(c, "name", None) == name]
    if len({id(c) for c in by_name}) == 1:
        return by_name[0]
    known = ", ".join(var for var, _ in found) or "none"
    raise LookupError(f'error: no cluster named "{name}" in this notebook (clusters: {known})')


def reset() -> None:
    """Forget every cluster (for tests)."""
    global _active
    _seen.clear()
    _active = None
