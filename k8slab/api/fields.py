"""Field selectors (``kubectl get pods --field-selector spec.nodeName=kind-worker``).

Only the fields the apiserver indexes for each resource are accepted, as in Kubernetes; any
other gives ``field label not supported: <key>``::

    >>> sel = parse_field_selector("status.phase!=Running,spec.nodeName=kind-worker", "pods")
    >>> sel.matches({"metadata": {"name": "a"}, "spec": {"nodeName": "kind-worker"}, "status": {"phase": "Pending"}})
    True
"""

from __future__ import annotations

from .errors import bad_request

# What each resource's field-label conversion accepts (besides metadata.name and metadata.namespace).
SUPPORTED = {
    "pods": {"spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
             "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"},
    "nodes": {"spec.unschedulable"},
    "namespaces": {"status.phase"},
    "events": {"involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
               "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
               "reason", "reportingComponent", "source", "type"},
    "replicasets.apps": {"status.replicas"},
}


def field_value(obj: dict, path: str) -> str:
    """The value at a dotted path as the field selector compares it (a string; '' if absent)."""
    node = obj
    for part in path.split("."):
        if not isinstance(node, dict):
            return ""
        node = node.get(part)
    if node is None:
        return ""
    if isinstance(node, bool):
        return "true" if node else "false"
    return str(node)


class FieldSelector:
    """Requirements ``(field, op, value)`` with op ``=`` or ``!=``; all must hold."""

    __slots__ = ("requirements",)

    def __init__(self, requirements=()):
        self.requirements = tuple(requirements)

    def matches(self, obj: dict) -> bool:
        for path, op, value in self.requirements:
            have = field_value(obj, path)
            if (have == value) != (op == "="):
                return False
        return True

    def __str__(self):
        return ",".join(f"{p}{op}{v}" for p, op, v in self.requirements)


def parse_field_selector(text: str, resource: str = "") -> FieldSelector:
    """Parse ``a=b,c!=d`` (``==`` too) for ``resource`` (a qualified plural); BadRequest if unsupported."""
    reqs = []
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        op = next((o for o in ("!=", "==", "=") if o in part), None)
        if op is None:
            raise bad_request(f"invalid selector: '{text}'; can't understand '{part}'")
        key, value = part.split(op, 1)
        norm = "!=" if op == "!=" else "="
        key = key.strip()
        if key not in ("metadata.name", "metadata.namespace") and key not in SUPPORTED.get(resource, ()):
            raise bad_request(f"field label not supported: {key}")
        reqs.append((key, norm, value.strip()))
    return FieldSelector(reqs)
