"""Defaulting: the fields the apiserver fills in when a manifest leaves them out.

These are the values ``kubectl get -o yaml`` shows on a real cluster that the manifest never had
(SetDefaults_* in k8s.io/kubernetes/pkg/apis/*/v1 and the default admission plugins)::

    >>> pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"},
    ...        "spec": {"containers": [{"name": "c", "image": "nginx"}]}}
    >>> apply_defaults(pod)["spec"]["containers"][0]["imagePullPolicy"]
    'Always'

Defaulting only sets what is missing, so applying it twice changes nothing, and applying it to a
defaulted object writes nothing at all: the store relies on that when a new version of an object
shares sub-objects with the old one.
"""

from __future__ import annotations


def image_pull_policy(image) -> str:
    """``Always`` for ``:latest`` or no tag (and no digest), else ``IfNotPresent``."""
    if not isinstance(image, str):
        return "IfNotPresent"
    name = image
    if "@" in name:  # a digest: the tag (if any) decides, no tag means IfNotPresent
        without = name.split("@", 1)[0]
        return _tag_policy(without) if ":" in without.rsplit("/", 1)[-1] else "IfNotPresent"
    return _tag_policy(name)


def _tag_policy(name: str) -> str:
    last = name.rsplit("/", 1)[-1]
    tag = last.rsplit(":", 1)[1] if ":" in last else "latest"
    return "Always" if tag == "latest" else "IfNotPresent"


def _probe(probe):
    if not isinstance(probe, dict):
        return
    probe.setdefault("timeoutSeconds", 1)
    probe.setdefault("periodSeconds", 10)
    probe.setdefault("successThreshold", 1)
    probe.setdefault("failureThreshold", 3)
    http = probe.get("httpGet")
    if isinstance(http, dict):
        http.setdefault("path", "/")
        http.setdefault("scheme", "HTTP")


def _container(c):
    if not isinstance(c, dict):
        return
    if "imagePullPolicy" not in c:   # worked out only when missing (a template's containers have it)
        c["imagePullPolicy"] = image_pull_policy(c.get("image"))
    c.setdefault("terminationMessagePath", "/dev/termination-log")
    c.setdefault("terminationMessagePolicy", "File")
    c.setdefault("resources", {})
    for p in c.get("ports") or []:
        if isinstance(p, dict):
            p.setdefault("protocol", "TCP")
    for name in ("livenessProbe", "readinessProbe", "startupProbe"):
        _probe(c.get(name))
    for env in c.get("env") or []:
        if isinstance(env, dict):
            ref = (env.get("valueFrom") or {}).get("fieldRef") if isinstance(env.get("valueFrom"), dict) else None
            if isinstance(ref, dict):
                ref.setdefault("apiVersion", "v1")


_NOTHING: dict = {}  # read only: "no old version" (never the same object as anything in obj)

_TOLERATIONS = (
    ("node.kubernetes.io/not-ready", 300),
    ("node.kubernetes.io/unreachable", 300),
)
# What DefaultTolerationSeconds adds, as stored: read only like every stored part, so one list (and
# its two dicts) serves every Pod that names no tolerations (at scale, most: ~0.5 KiB a pod saved).
_DEFAULT_TOLERATIONS = [{"effect": "NoExecute", "key": key, "operator": "Exists", "tolerationSeconds": seconds}
                        for key, seconds in _TOLERATIONS]


# Containers lists defaulted here, by identity: id -> (the list, the qosClass of a Pod with them).
# Whatever the store holds is never written into (k8slab.api.store), so a list defaulted for it
# stays defaulted: the Pods of a ReplicaSet share their stored template's list and take its
# defaults and QoS class from here instead of walking it each (the list is kept, so its id is
# not reused while it is known). Cleared when it grows past _KNOWN_MAX.
_KNOWN: dict[int, tuple[list, str]] = {}
_KNOWN_MAX = 256


def _known_qos(containers) -> str | None:
    """The qosClass of Pods with this containers list if it is one defaulted before, else None."""
    known = _KNOWN.get(id(containers))
    return known[1] if known is not None and known[0] is containers else None


def _know(containers) -> None:
    """Remember a containers list just defaulted (a list only: what a Pod's spec can hold)."""
    if type(containers) is list:
        if len(_KNOWN) >= _KNOWN_MAX:
            _KNOWN.clear()
        _KNOWN[id(containers)] = (containers, qos_class({"containers": containers}))


def pod_spec(spec, *, admission: bool = True, old=None):
    """PodSpec defaults; ``admission`` adds what admission plugins add to a Pod (not to templates):
    the ``default`` service account, priority 0 and the not-ready/unreachable tolerations.
    ``old``: the stored spec this one replaces; the containers and tolerations it shares with it
    were defaulted with it (see :func:`apply_defaults`)."""
    if not isinstance(spec, dict):
        return
    if not isinstance(old, dict):
        old = _NOTHING
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("securityContext", {})
    spec.setdefault("schedulerName", "default-scheduler")
    for field in ("containers", "initContainers"):
        containers = spec.get(field)
        if containers and containers is not old.get(field) and (field != "containers" or
                                                                 _known_qos(containers) is None):
            for c in containers:
                _container(c)
            if field == "containers":
                _know(containers)
    if admission:
        spec.setdefault("enableServiceLinks", True)
        spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
        spec.setdefault("priority", 0)
        sa = spec.get("serviceAccountName") or spec.get("serviceAccount") or "default"
        spec.setdefault("serviceAccountName", sa)
        spec.setdefault("serviceAccount", sa)
        tolerations = spec.get("tolerations")
        if tolerations is None:
            spec["tolerations"] = _DEFAULT_TOLERATIONS
        elif isinstance(tolerations, list) and tolerations is not old.get("tolerations"):
            have = {(t.get("key"), t.get("effect")) for t in tolerations if isinstance(t, dict)}
            missing = [{"effect": "NoExecute", "key": key, "operator": "Exists", "tolerationSeconds": seconds}
                       for key, seconds in _TOLERATIONS
                       if (key, "NoExecute") not in have and (key, None) not in have]
            if missing:
                spec["tolerations"] = tolerations + missing


def qos_class(spec) -> str:
    """Guaranteed, Burstable or BestEffort from the containers' requests and limits."""
    containers = [c for c in (spec or {}).get("containers") or [] if isinstance(c, dict)]
    any_set, guaranteed = False, True
    for c in containers:
        res = c.get("resources") or {}
        req, lim = res.get("requests") or {}, res.get("limits") or {}
        if req or lim:
            any_set = True
        for r in ("cpu", "memory"):
            if r not in lim or (r in req and req[r] != lim[r]):
                guaranteed = False
    if not any_set:
        return "BestEffort"
    return "Guaranteed" if guaranteed and containers else "Burstable"


def pod_qos_class(spec) -> str:
    """:func:`qos_class` of a Pod's spec (``GetPodQOS``), by the memo of its containers list when
    the store defaulted that list (the pods of a template share it)."""
    return _known_qos(spec.get("containers")) or qos_class(spec)


def _pod(obj, old_spec):
    spec = obj.get("spec")
    if spec is not old_spec:
        pod_spec(spec, old=old_spec)
    status = obj.setdefault("status", {})
    if isinstance(status, dict):
        status.setdefault("phase", "Pending")
        if isinstance(spec, dict) and "qosClass" not in status:
            status["qosClass"] = pod_qos_class(spec)


def _template(obj):
    spec = obj.get("spec")
    if isinstance(spec, dict):
        template = spec.get("template")
        if isinstance(template, dict):
            pod_spec(template.get("spec"), admission=False)


def _deployment(obj, old_spec):
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return
    if spec is old_spec:
        obj.setdefault("status", {})
        return
    spec.setdefault("replicas", 1)
    strategy = spec.setdefault("strategy", {})
    if isinstance(strategy, dict):
        strategy.setdefault("type", "RollingUpdate")
        if strategy["type"] == "RollingUpdate":
            ru = strategy.setdefault("rollingUpdate", {})
            if isinstance(ru, dict):
                ru.setdefault("maxUnavailable", "25%")
                ru.setdefault("maxSurge", "25%")
    spec.setdefault("revisionHistoryLimit", 10)
    spec.setdefault("progressDeadlineSeconds", 600)
    _template(obj)
    obj.setdefault("status", {})


def _replicaset(obj, old_spec):
    spec = obj.get("spec")
    if isinstance(spec, dict) and spec is not old_spec:
        spec.setdefault("replicas", 1)
        _template(obj)
    obj.setdefault("status", {"replicas": 0})


def _service(obj, old_spec):
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return
    spec.setdefault("type", "ClusterIP")
    stype = spec["type"]
    spec.setdefault("sessionAffinity", "None")
    for p in spec.get("ports") or []:
        if isinstance(p, dict):
            p.setdefault("protocol", "TCP")
            if "targetPort" not in p and "port" in p:
                p["targetPort"] = p["port"]
    if stype != "ExternalName":
        spec.setdefault("ipFamilies", ["IPv4"])
        spec.setdefault("ipFamilyPolicy", "SingleStack")
        spec.setdefault("internalTrafficPolicy", "Cluster")
    if stype in ("NodePort", "LoadBalancer"):
        spec.setdefault("externalTrafficPolicy", "Cluster")
    if stype == "LoadBalancer":
        spec.setdefault("allocateLoadBalancerNodePorts", True)
    if spec.get("sessionAffinity") == "ClientIP":
        cfg = spec.setdefault("sessionAffinityConfig", {})
        if isinstance(cfg, dict):
            cfg.setdefault("clientIP", {}).setdefault("timeoutSeconds", 10800)
    obj.setdefault("status", {"loadBalancer": {}})


def _namespace(obj, old_spec):
    name = (obj.get("metadata") or {}).get("name")
    labels = obj["metadata"].setdefault("labels", {})
    if isinstance(labels, dict) and isinstance(name, str) and labels.get("kubernetes.io/metadata.name") != name:
        labels["kubernetes.io/metadata.name"] = name
    spec = obj.setdefault("spec", {})
    if isinstance(spec, dict):
        spec.setdefault("finalizers", ["kubernetes"])
    status = obj.setdefault("status", {})
    if isinstance(status, dict):
        status.setdefault("phase", "Active")


def _ports_tcp(ports):
    for p in ports or []:
        if isinstance(p, dict):
            p.setdefault("protocol", "TCP")


def _endpoints(obj, old_spec):
    for subset in obj.get("subsets") or []:
        if isinstance(subset, dict):
            _ports_tcp(subset.get("ports"))


def _endpointslice(obj, old_spec):
    _ports_tcp(obj.get("ports"))


def _networkpolicy(obj, old_spec):
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return
    for rules in (spec.get("ingress") or [], spec.get("egress") or []):
        for rule in rules:
            if isinstance(rule, dict):
                _ports_tcp(rule.get("ports"))
    if "policyTypes" not in spec:
        types = ["Ingress"]
        if spec.get("egress"):
            types.append("Egress")
        spec["policyTypes"] = types


_BY_KIND = {
    "Pod": _pod, "Deployment": _deployment, "ReplicaSet": _replicaset, "Service": _service,
    "Namespace": _namespace, "Endpoints": _endpoints, "EndpointSlice": _endpointslice,
    "NetworkPolicy": _networkpolicy,
}


# The kinds that have defaults: for the others (Events, four of every pod's five creates) the store
# does not call apply_defaults, which would change nothing.
DEFAULTED_KINDS = frozenset(_BY_KIND)


def apply_defaults(obj: dict, old: dict | None = None) -> dict:
    """Fill in ``obj``'s defaults in place (by kind) and return it.

    ``old`` is the stored version ``obj`` replaces. What ``obj`` shares with it (the very same
    spec, or a Pod's very same containers or tolerations, as a status update, a binding or a
    copy-on-write patch leaves them) was defaulted when ``old`` was stored, and is not walked again.
    """
    fn = _BY_KIND.get(obj.get("kind"))
    if fn is not None and isinstance(obj.get("metadata"), dict):
        old_spec = old.get("spec") if isinstance(old, dict) else None
        fn(obj, old_spec if isinstance(old_spec, dict) else _NOTHING)
    return obj
