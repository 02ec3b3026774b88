"""Patches: JSON merge patch (RFC 7386) and the strategic merge patch kubectl uses for built-in kinds.

A merge patch replaces lists whole. A strategic merge patch merges the lists Kubernetes gives a
merge key (containers by ``name``, container ports by ``containerPort``, Service ports by
``port``, env by ``name``...), so a patch that names one container changes that container and
keeps the fields the apiserver defaulted::

    >>> live = {"spec": {"containers": [{"name": "c", "image": "nginx", "imagePullPolicy": "Always"}]}}
    >>> strategic_merge_patch(live, {"spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}})
    {'spec': {'containers': [{'name': 'c', 'image': 'nginx:1.27', 'imagePullPolicy': 'Always'}]}}
"""

from __future__ import annotations

from .meta import clone

# list field -> merge key (patchMergeKey in k8s.io/api); "ports" is decided by its items.
MERGE_KEYS = {
    "containers": "name", "initContainers": "name", "ephemeralContainers": "name", "env": "name",
    "volumes": "name", "volumeMounts": "mountPath", "imagePullSecrets": "name", "hostAliases": "ip",
    "conditions": "type", "ownerReferences": "uid", "topologySpreadConstraints": "topologyKey",
}


def merge_patch(target, patch, *, copy: bool = True):
    """RFC 7386 JSON merge patch: maps merge recursively, ``null`` deletes, anything else replaces.

    ``target`` is never changed: every map the patch reaches is a new dict, everything else is
    shared with ``target`` (the store's old object stays as it was, and a patch costs what it
    touches, not the size of the object). Values taken from ``patch`` are copied, unless
    ``copy=False`` (the caller hands the patch over and will not touch it again)."""
    if not isinstance(patch, dict):
        return clone(patch) if copy else patch
    out = dict(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge_patch(out.get(k), v, copy=copy)
    return out


def _as_is(value):
    return value


def _merge_key(field: str, items: list, kind: str | None) -> str | None:
    if field == "ports":
        if any(isinstance(i, dict) and "containerPort" in i for i in items):
            return "containerPort"
        if kind == "Service":
            return "port"
        return None
    return MERGE_KEYS.get(field)


def strategic_merge_patch(target, patch, *, kind: str | None = None, keep_unlisted: bool = True,
                          copy: bool = True):
    """A strategic merge patch of ``patch`` onto ``target``, copy-on-write as :func:`merge_patch`:
    ``target`` is never changed and the result shares what the patch does not touch (``copy``
    as there).

    Keyed lists merge item by item; ``keep_unlisted=False`` drops the target's items the patch does
    not list (what ``kubectl apply`` does for items the manifest no longer has).
    """
    take = clone if copy else _as_is
    if not isinstance(patch, dict):
        return take(patch)
    out = dict(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        elif isinstance(v, dict):
            out[k] = strategic_merge_patch(out.get(k), v, kind=kind, keep_unlisted=keep_unlisted, copy=copy)
        elif isinstance(v, list) and isinstance(out.get(k), list):
            key = _merge_key(k, v, kind)
            if key is None or not all(isinstance(i, dict) and key in i for i in v):
                out[k] = take(v)
                continue
            live = {i.get(key): i for i in out[k] if isinstance(i, dict)}
            merged = []
            for item in v:
                old = live.get(item[key])
                merged.append(strategic_merge_patch(old, item, kind=kind, keep_unlisted=keep_unlisted, copy=copy)
                              if old is not None else take(item))
            if keep_unlisted:
                listed = {i[key] for i in v}
                merged.extend(i for i in out[k] if not (isinstance(i, dict) and i.get(key) in listed))
            out[k] = merged
        else:   # a scalar, or a list that replaces
            out[k] = clone(v) if copy else v
    return out
