"""The resource types the course's apiserver serves, as discovery (``kubectl api-resources``) lists them.

A :class:`Resource` knows its kind, group/version, plural, singular and short names and whether it
is namespaced. :func:`lookup` resolves what a user types after ``kubectl get`` the way kubectl's
RESTMapper does::

    >>> lookup("po").kind, lookup("deployments.apps").qualified, lookup("svc").plural
    ('Pod', 'deployments.apps', 'services')
    >>> lookup("foo")
    Traceback (most recent call last):
    k8slab.api.errors.ClientError: the server doesn't have a resource type "foo"
"""

from __future__ import annotations

from .errors import ClientError


class Resource:
    """One API resource type (a row of ``kubectl api-resources``)."""

    __slots__ = ("plural", "singular", "short_names", "kind", "group", "version", "namespaced",
                 "api_version", "qualified", "qualified_kind", "type_name")

    def __init__(self, plural, singular, short_names, kind, group, version, namespaced):
        self.plural = plural
        self.singular = singular
        self.short_names = tuple(short_names)
        self.kind = kind
        self.group = group
        self.version = version
        self.namespaced = namespaced
        # The derived names, computed once: the store asks for them on every write.
        #: ``v1`` for the core group, ``apps/v1`` otherwise.
        self.api_version = f"{group}/{version}" if group else version
        #: The plural as apiserver messages name it: ``pods``, ``deployments.apps``.
        self.qualified = f"{plural}.{group}" if group else plural
        #: The kind as Invalid messages name it: ``Service``, ``Deployment.apps``.
        self.qualified_kind = f"{kind}.{group}" if group else kind
        #: The name kubectl prints in ``deployment.apps/web created``: singular, group-qualified.
        self.type_name = f"{kind.lower()}.{group}" if group else kind.lower()

    def __repr__(self):
        return f"<Resource {self.qualified} {self.api_version} {self.kind}>"


# In `kubectl api-resources` order (core group first, then groups alphabetically).
RESOURCES: tuple[Resource, ...] = (
    Resource("configmaps", "configmap", ["cm"], "ConfigMap", "", "v1", True),
    Resource("endpoints", "endpoints", ["ep"], "Endpoints", "", "v1", True),
    Resource("events", "event", ["ev"], "Event", "", "v1", True),
    Resource("namespaces", "namespace", ["ns"], "Namespace", "", "v1", False),
    Resource("nodes", "node", ["no"], "Node", "", "v1", False),
    Resource("pods", "pod", ["po"], "Pod", "", "v1", True),
    Resource("serviceaccounts", "serviceaccount", ["sa"], "ServiceAccount", "", "v1", True),
    Resource("services", "service", ["svc"], "Service", "", "v1", True),
    Resource("daemonsets", "daemonset", ["ds"], "DaemonSet", "apps", "v1", True),
    Resource("deployments", "deployment", ["deploy"], "Deployment", "apps", "v1", True),
    Resource("replicasets", "replicaset", ["rs"], "ReplicaSet", "apps", "v1", True),
    Resource("leases", "lease", [], "Lease", "coordination.k8s.io", "v1", True),
    Resource("endpointslices", "endpointslice", [], "EndpointSlice", "discovery.k8s.io", "v1", True),
    Resource("ingressclasses", "ingressclass", [], "IngressClass", "networking.k8s.io", "v1", False),
    Resource("ingresses", "ingress", ["ing"], "Ingress", "networking.k8s.io", "v1", True),
    Resource("networkpolicies", "networkpolicy", ["netpol"], "NetworkPolicy", "networking.k8s.io", "v1", True),
)

_BY_GVK: dict[tuple[str, str], Resource] = {(r.api_version, r.kind): r for r in RESOURCES}
_BY_QUALIFIED: dict[str, Resource] = {r.qualified: r for r in RESOURCES}
_BY_NAME: dict[str, Resource] = {}
for _r in reversed(RESOURCES):  # the first listed wins an ambiguous name, as kubectl's priority does
    for _name in (_r.plural, _r.singular, _r.kind.lower(), *_r.short_names):
        _BY_NAME[_name] = _r
        if _r.group:
            _BY_NAME[f"{_name}.{_r.group}"] = _r
            _BY_NAME[f"{_name}.{_r.version}.{_r.group}"] = _r
        else:
            _BY_NAME[f"{_name}.{_r.version}"] = _r


def lookup(name: str) -> Resource:
    """The resource a user means by ``name`` (plural, singular, short name, kind, ``plural.group``,
    ``plural.version.group``; case-insensitive as kubectl is)."""
    found = (_BY_NAME.get(name) or _BY_NAME.get(name.lower())) if isinstance(name, str) else None
    if found is None:
        raise ClientError(f'the server doesn\'t have a resource type "{name}"')
    return found


def by_qualified(qualified: str) -> Resource:
    """The resource for a qualified plural (``pods``, ``deployments.apps``); KeyError if unknown."""
    return _BY_QUALIFIED[qualified]


def for_kind(api_version: str, kind: str) -> Resource | None:
    """The resource serving ``kind`` in ``api_version`` (``("apps/v1", "Deployment")``), or None."""
    return _BY_GVK.get((api_version, kind))


def no_match_error(api_version, kind, name="", namespace="", source="STDIN") -> ClientError:
    """kubectl's error for a manifest whose apiVersion/kind the server does not serve::

        error: resource mapping not found for name: "x" namespace: "" from "STDIN": no matches for kind
        "Foo" in version "v1"
        ensure CRDs are installed first
    """
    return ClientError(
        f'resource mapping not found for name: "{name}" namespace: "{namespace}" from "{source}": '
        f'no matches for kind "{kind}" in version "{api_version}"\nensure CRDs are installed first'
    )
