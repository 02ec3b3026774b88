"""Semantic validation: the checks the apiserver makes after decoding (pkg/apis/*/validation).

:func:`validate` returns the list of :class:`~k8slab.api.errors.FieldError` the apiserver would
report for an object (and, on update, for the change from ``old``). The store turns a non-empty
list into an Invalid error::

    The Service "web" is invalid: spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive

Messages are apimachinery's, word for word where the course meets them (names, labels, ports,
required fields, selectors, immutable fields). Values of a wrong JSON type are the schema's
business (:mod:`k8slab.api.schema`); here they are skipped, never a crash.
"""

from __future__ import annotations

import ipaddress
import json
import re

from .errors import FieldError, duplicate, forbidden, invalid, not_supported, required
from .labels import (
    from_label_selector as _selector,
)
from .labels import (
    is_dns1123_subdomain,
    is_label_key,
    regex_error,
    validate_label_selector,
    validate_labels,
)

_DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_LABEL_RE = re.compile("^" + _DNS1123_LABEL_FMT + "$")
_DNS1123_LABEL_MSG = ("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
                      "start and end with an alphanumeric character")
_DNS1035_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
_DNS1035_RE = re.compile("^" + _DNS1035_FMT + "$")
_DNS1035_MSG = ("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic "
                "character, and end with an alphanumeric character")
_CONFIG_KEY_FMT = "[-._a-zA-Z0-9]+"
_CONFIG_KEY_RE = re.compile("^" + _CONFIG_KEY_FMT + "$")


def is_dns1123_label(value: str) -> list[str]:
    errs = []
    if len(value) > 63:
        errs.append("must be no more than 63 characters")
    if not _DNS1123_LABEL_RE.match(value):
        if not is_dns1123_subdomain(value):
            errs.append("must not contain dots")
        else:
            errs.append(regex_error(_DNS1123_LABEL_MSG, _DNS1123_LABEL_FMT, "my-name", "123-abc"))
    return errs


def is_dns1035_label(value: str) -> list[str]:
    errs = []
    if len(value) > 63:
        errs.append("must be no more than 63 characters")
    if not _DNS1035_RE.match(value):
        errs.append(regex_error(_DNS1035_MSG, _DNS1035_FMT, "my-name", "abc-123"))
    return errs


def is_valid_port_name(port: str) -> list[str]:
    """IANA_SVC_NAME: at most 15 characters of a-z, 0-9 and '-', at least one letter."""
    errs = []
    if len(port) > 15:
        errs.append("must be no more than 15 characters")
    if not re.fullmatch(r"[-a-z0-9]+", port):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not re.search(r"[a-z]", port):
        errs.append("must contain at least one letter (a-z)")
    if "--" in port:
        errs.append("must not contain consecutive hyphens")
    if port and (port[0] == "-" or port[-1] == "-"):
        errs.append("must not begin or end with a hyphen")
    return errs


def _port_range(value) -> list[str]:
    return [] if isinstance(value, int) and 1 <= value <= 65535 else ["must be between 1 and 65535, inclusive"]


def _d(x) -> dict:
    return x if isinstance(x, dict) else {}


def _l(x) -> list:
    return x if isinstance(x, list) else []


# Which name rule each kind uses (ValidateObjectMeta's nameFn).
_NAME_RULES = {"Namespace": is_dns1123_label, "Service": is_dns1035_label}


def validate_object_meta(obj: dict, kind: str, namespaced: bool) -> list[FieldError]:
    errs: list[FieldError] = []
    meta = _d(obj.get("metadata"))
    name = meta.get("name")
    if isinstance(name, str) and name:
        for msg in _NAME_RULES.get(kind, is_dns1123_subdomain)(name):
            errs.append(invalid("metadata.name", name, msg))
    if namespaced:
        ns = meta.get("namespace")
        if isinstance(ns, str):
            for msg in is_dns1123_label(ns):
                errs.append(invalid("metadata.namespace", ns, msg))
    errs.extend(validate_labels(meta.get("labels")))
    annotations = meta.get("annotations")
    if isinstance(annotations, dict):
        for k in sorted(annotations, key=str):
            for msg in is_label_key(str(k)):
                errs.append(invalid("metadata.annotations", k, msg))
        size = sum(len(str(k)) + len(str(v)) for k, v in annotations.items())
        if size > 262144:
            errs.append(FieldError("metadata.annotations", "Too long", None, "must have at most 262144 bytes",
                                   has_value=False))
    for i, ref in enumerate(_l(meta.get("ownerReferences"))):
        ref = _d(ref)
        p = f"metadata.ownerReferences[{i}]"
        for field in ("apiVersion", "kind", "name", "uid"):
            if not ref.get(field):
                if field == "uid":
                    errs.append(invalid(p + ".uid", "", "uid must not be empty"))
                elif field == "name":
                    errs.append(invalid(p + ".name", "", "name must not be empty"))
                elif field == "kind":
                    errs.append(invalid(p + ".kind", "", "kind must not be empty"))
                else:
                    errs.append(invalid(p + ".apiVersion", "", "version must not be empty"))
    return errs


# --- Pods ---------------------------------------------------------------------------------------------

_PROTOCOLS = ("SCTP", "TCP", "UDP")


def _validate_container(c, p: str, errs: list, port_names: set) -> None:
    c = _d(c)
    name = c.get("name")
    if not name:
        errs.append(required(p + ".name"))
    elif isinstance(name, str):
        errs.extend(invalid(p + ".name", name, m) for m in is_dns1123_label(name))
    if not c.get("image"):
        errs.append(required(p + ".image"))
    policy = c.get("imagePullPolicy")
    if isinstance(policy, str) and policy not in ("Always", "IfNotPresent", "Never"):
        errs.append(not_supported(p + ".imagePullPolicy", policy, ["Always", "IfNotPresent", "Never"]))
    for j, port in enumerate(_l(c.get("ports"))):
        port = _d(port)
        pp = f"{p}.ports[{j}]"
        pname = port.get("name")
        if isinstance(pname, str) and pname:
            errs.extend(invalid(pp + ".name", pname, m) for m in is_valid_port_name(pname))
            if pname in port_names:
                errs.append(duplicate(pp + ".name", pname))
            port_names.add(pname)
        cp = port.get("containerPort")
        if not cp:
            errs.append(required(pp + ".containerPort"))
        elif isinstance(cp, int):
            errs.extend(invalid(pp + ".containerPort", cp, m) for m in _port_range(cp))
        hp = port.get("hostPort")
        if isinstance(hp, int) and hp != 0:
            errs.extend(invalid(pp + ".hostPort", hp, m) for m in _port_range(hp))
        proto = port.get("protocol")
        if isinstance(proto, str) and proto not in _PROTOCOLS:
            errs.append(not_supported(pp + ".protocol", proto, _PROTOCOLS))


def validate_pod_spec(spec, p: str, *, template: bool = False) -> list[FieldError]:
    errs: list[FieldError] = []
    if not isinstance(spec, dict):
        return [required(p)] if spec is None else errs
    containers = _l(spec.get("containers"))
    if not containers:
        errs.append(required(p + ".containers"))
    names: set = set()
    port_names: set = set()
    for kind in ("initContainers", "containers"):
        for i, c in enumerate(_l(spec.get(kind))):
            cp = f"{p}.{kind}[{i}]"
            _validate_container(c, cp, errs, port_names)
            name = _d(c).get("name")
            if isinstance(name, str) and name:
                if name in names:
                    errs.append(duplicate(cp + ".name", name))
                names.add(name)
    rp = spec.get("restartPolicy")
    if isinstance(rp, str) and rp not in ("Always", "OnFailure", "Never"):
        errs.append(not_supported(p + ".restartPolicy", rp, ["Always", "OnFailure", "Never"]))
    dp = spec.get("dnsPolicy")
    dns_policies = ["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"]
    if isinstance(dp, str) and dp not in dns_policies:
        errs.append(not_supported(p + ".dnsPolicy", dp, dns_policies))
    if dp == "None" and not spec.get("dnsConfig"):
        errs.append(required(p + ".dnsConfig", "must provide `dnsConfig` when `dnsPolicy` is None"))
    grace = spec.get("terminationGracePeriodSeconds")
    if isinstance(grace, int) and grace < 0:
        errs.append(invalid(p + ".terminationGracePeriodSeconds", grace, "must be greater than or equal to 0"))
    errs.extend(validate_labels(spec.get("nodeSelector"), p + ".nodeSelector"))
    for name_field in ("hostname", "subdomain"):
        v = spec.get(name_field)
        if isinstance(v, str) and v:
            errs.extend(invalid(f"{p}.{name_field}", v, m) for m in is_dns1123_label(v))
    return errs


_POD_MUTABLE = ("`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"
                "`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` "
                "(allow it to be set to 1 if it was previously negative)")


def _pod_spec_masked(spec) -> dict:
    spec = dict(_d(spec))
    for kind in ("containers", "initContainers"):
        if isinstance(spec.get(kind), list):
            spec[kind] = [dict(_d(c), image=None) for c in spec[kind]]
    spec.pop("activeDeadlineSeconds", None)
    spec.pop("tolerations", None)
    spec.pop("terminationGracePeriodSeconds", None)
    return spec


def _validate_pod(obj, old) -> list[FieldError]:
    spec = obj.get("spec")
    errs = validate_pod_spec(spec, "spec")
    if old is not None and not errs:
        old_spec = _d(old.get("spec"))
        new_spec = _d(spec)
        if _pod_spec_masked(old_spec) != _pod_spec_masked(new_spec):
            errs.append(forbidden("spec", "pod updates may not change fields other than " + _POD_MUTABLE))
        else:
            old_tol = _l(old_spec.get("tolerations"))
            new_tol = _l(new_spec.get("tolerations"))
            if any(t not in new_tol for t in old_tol):
                errs.append(forbidden("spec.tolerations", "existing toleration can not be modified except its "
                                                          "tolerationSeconds"))
    return errs


# --- Services -------------------------------------------------------------------------------------

_SERVICE_TYPES = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]


def _validate_service(obj, old) -> list[FieldError]:
    errs: list[FieldError] = []
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return [required("spec")] if spec is None else errs
    stype = spec.get("type", "ClusterIP")
    if isinstance(stype, str) and stype not in _SERVICE_TYPES:
        errs.append(not_supported("spec.type", stype, _SERVICE_TYPES))
    ports = _l(spec.get("ports"))
    headless = spec.get("clusterIP") == "None"
    if stype == "ExternalName":
        name = spec.get("externalName")
        if not name:
            errs.append(required("spec.externalName"))
        elif isinstance(name, str):
            errs.extend(invalid("spec.externalName", name, m) for m in is_dns1123_subdomain(name.rstrip(".")))
        if spec.get("clusterIP") not in (None, ""):
            errs.append(forbidden("spec.clusterIP", "may not be set for ExternalName services"))
    elif not ports and not headless:
        errs.append(required("spec.ports"))
    names: set = set()
    seen_ports: set = set()
    for i, port in enumerate(ports):
        port = _d(port)
        p = f"spec.ports[{i}]"
        name = port.get("name")
        if len(ports) > 1 and not name:
            errs.append(required(p + ".name"))
        elif isinstance(name, str) and name:
            errs.extend(invalid(p + ".name", name, m) for m in is_dns1123_label(name))
            if name in names:
                errs.append(duplicate(p + ".name", name))
            names.add(name)
        number = port.get("port")
        if isinstance(number, int) or number is None:
            errs.extend(invalid(p + ".port", number or 0, m) for m in _port_range(number))
        proto = port.get("protocol", "TCP")
        if isinstance(proto, str) and proto not in _PROTOCOLS:
            errs.append(not_supported(p + ".protocol", proto, _PROTOCOLS))
        if (number, proto) in seen_ports and isinstance(number, int):
            errs.append(duplicate(p, f"{number}/{proto}"))
        seen_ports.add((number, proto))
        target = port.get("targetPort")
        if isinstance(target, int):
            errs.extend(invalid(p + ".targetPort", target, m) for m in _port_range(target))
        elif isinstance(target, str):
            if target.isdecimal():
                errs.extend(invalid(p + ".targetPort", target, m) for m in _port_range(int(target)))
            else:
                errs.extend(invalid(p + ".targetPort", target, m) for m in is_valid_port_name(target))
        node_port = port.get("nodePort")
        if node_port and stype in ("ClusterIP", "ExternalName"):
            errs.append(forbidden(p + ".nodePort", f"may not be used when `type` is '{stype}'"))
        elif isinstance(node_port, int) and node_port != 0:
            errs.extend(invalid(p + ".nodePort", node_port, m) for m in _port_range(node_port))
    ip = spec.get("clusterIP")
    if isinstance(ip, str) and ip not in ("", "None"):
        try:
            ipaddress.ip_address(ip)
        except ValueError:
            errs.append(invalid("spec.clusterIPs[0]", ip,
                                "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"))
    affinity = spec.get("sessionAffinity")
    if isinstance(affinity, str) and affinity not in ("ClientIP", "None"):
        errs.append(not_supported("spec.sessionAffinity", affinity, ["ClientIP", "None"]))
    for field in ("externalTrafficPolicy", "internalTrafficPolicy"):
        v = spec.get(field)
        if isinstance(v, str) and v not in ("Cluster", "Local"):
            errs.append(not_supported(f"spec.{field}", v, ["Cluster", "Local"]))
    if spec.get("externalTrafficPolicy") and stype not in ("NodePort", "LoadBalancer"):
        errs.append(invalid("spec.externalTrafficPolicy", spec["externalTrafficPolicy"],
                            "may only be set when `type` is 'NodePort' or 'LoadBalancer'"))
    errs.extend(validate_labels(spec.get("selector"), "spec.selector"))
    if old is not None:
        old_spec = _d(old.get("spec"))
        old_ip = old_spec.get("clusterIP")
        if old_spec.get("type") != "ExternalName" and stype != "ExternalName" and old_ip and ip != old_ip:
            errs.append(invalid("spec.clusterIPs[0]", [ip] if isinstance(ip, str) else ip, "may not change once set"))
            errs.append(invalid("spec.clusterIP", ip, "field is immutable"))
    return errs


# --- Deployments and ReplicaSets --------------------------------------------------------------------

def _go_label_selector(sel) -> str:
    sel = _d(sel)
    ml = sel.get("matchLabels")
    ml_text = "map[string]string(nil)" if not ml else \
        "map[string]string{" + ", ".join(f"{json.dumps(k)}:{json.dumps(v)}" for k, v in sorted(ml.items())) + "}"
    me = sel.get("matchExpressions")
    me_text = "[]v1.LabelSelectorRequirement(nil)" if not me else "[]v1.LabelSelectorRequirement{...}"
    return f"v1.LabelSelector{{MatchLabels:{ml_text}, MatchExpressions:{me_text}}}"


class _Raw:
    """A value already formatted as Go would print it."""

    def __init__(self, text):
        self.text = text


def _raw_invalid(path, text, detail) -> FieldError:
    e = FieldError(path, "Invalid value", None, detail)
    e.value = _Raw(text)
    return e


def _validate_workload(obj, old, kind: str) -> list[FieldError]:
    errs: list[FieldError] = []
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return [required("spec")] if spec is None else errs
    replicas = spec.get("replicas")
    if isinstance(replicas, int) and replicas < 0:
        errs.append(invalid("spec.replicas", replicas, "must be greater than or equal to 0"))
    selector = spec.get("selector")
    template = _d(spec.get("template"))
    labels = _d(template.get("metadata")).get("labels")
    if selector is None:
        errs.append(required("spec.selector"))
    elif isinstance(selector, dict):
        if not selector.get("matchLabels") and not selector.get("matchExpressions"):
            errs.append(_raw_invalid("spec.selector", _go_label_selector(selector),
                                     f"empty selector is invalid for {kind.lower()}"))
        sel_errs = validate_label_selector(selector, "spec.selector")
        errs.extend(sel_errs)
    if "template" not in spec or not isinstance(spec.get("template"), dict):
        errs.append(required("spec.template"))
    else:
        matches = False
        if isinstance(selector, dict) and (selector.get("matchLabels") or selector.get("matchExpressions")):
            try:
                matches = _selector(selector).matches(labels if isinstance(labels, dict) else {})
            except Exception:  # an invalid operator, reported above
                matches = True
        if not matches:
            errs.append(invalid("spec.template.metadata.labels", labels if isinstance(labels, dict) else {},
                                "`selector` does not match template `labels`"))
        errs.extend(validate_labels(labels, "spec.template.metadata.labels"))
        tspec = template.get("spec")
        errs.extend(validate_pod_spec(tspec, "spec.template.spec", template=True))
        rp = _d(tspec).get("restartPolicy")
        if isinstance(rp, str) and rp != "Always" and rp in ("OnFailure", "Never"):
            errs.append(not_supported("spec.template.spec.restartPolicy", rp, ["Always"]))
    if kind == "Deployment":
        strategy = _d(spec.get("strategy"))
        st = strategy.get("type")
        if isinstance(st, str) and st not in ("Recreate", "RollingUpdate"):
            errs.append(not_supported("spec.strategy.type", st, ["Recreate", "RollingUpdate"]))
        if st == "Recreate" and strategy.get("rollingUpdate"):
            errs.append(forbidden("spec.strategy.rollingUpdate", "may not be specified when strategy `type` is "
                                                                   "'Recreate'"))
        for field in ("revisionHistoryLimit", "progressDeadlineSeconds", "minReadySeconds"):
            v = spec.get(field)
            if isinstance(v, int) and v < 0:
                errs.append(invalid(f"spec.{field}", v, "must be greater than or equal to 0"))
    if old is not None:
        old_sel = _d(old.get("spec")).get("selector")
        if isinstance(selector, dict) and old_sel is not None and selector != old_sel:
            errs.append(_raw_invalid("spec.selector", _go_label_selector(selector), "field is immutable"))
    return errs


# --- the rest --------------------------------------------------------------------------------------

def _validate_ingress(obj, old) -> list[FieldError]:
    errs: list[FieldError] = []
    spec = _d(obj.get("spec"))
    for i, rule in enumerate(_l(spec.get("rules"))):
        rule = _d(rule)
        host = rule.get("host")
        if isinstance(host, str) and host:
            check = host[2:] if host.startswith("*.") else host
            errs.extend(invalid(f"spec.rules[{i}].host", host, m) for m in is_dns1123_subdomain(check))
        for j, path in enumerate(_l(_d(rule.get("http")).get("paths"))):
            path = _d(path)
            p = f"spec.rules[{i}].http.paths[{j}]"
            pt = path.get("pathType")
            if not pt:
                errs.append(required(p + ".pathType", "pathType must be specified"))
            elif isinstance(pt, str) and pt not in ("Exact", "ImplementationSpecific", "Prefix"):
                errs.append(not_supported(p + ".pathType", pt, ["Exact", "ImplementationSpecific", "Prefix"]))
            value = path.get("path")
            if pt in ("Exact", "Prefix") and isinstance(value, str) and not value.startswith("/"):
                errs.append(invalid(p + ".path", value, "must be an absolute path"))
            backend = _d(path.get("backend"))
            service = backend.get("service")
            if not service and not backend.get("resource"):
                errs.append(invalid(p + ".backend", "", "resource or service required"))
            elif isinstance(service, dict):
                port = _d(service.get("port"))
                if not service.get("name"):
                    errs.append(required(p + ".backend.service.name"))
                if not port.get("name") and not port.get("number"):
                    errs.append(invalid(p + ".backend.service.port", "", "port name or number is required"))
    return errs


def _validate_network_policy(obj, old) -> list[FieldError]:
    errs: list[FieldError] = []
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return errs
    errs.extend(validate_label_selector(spec.get("podSelector"), "spec.podSelector"))
    for t in _l(spec.get("policyTypes")):
        if t not in ("Ingress", "Egress"):
            errs.append(not_supported("spec.policyTypes", t, ["Egress", "Ingress"]))
    for direction, peers in (("ingress", "from"), ("egress", "to")):
        for i, rule in enumerate(_l(spec.get(direction))):
            rule = _d(rule)
            for j, port in enumerate(_l(rule.get("ports"))):
                port = _d(port)
                p = f"spec.{direction}[{i}].ports[{j}]"
                proto = port.get("protocol")
                if isinstance(proto, str) and proto not in _PROTOCOLS:
                    errs.append(not_supported(p + ".protocol", proto, _PROTOCOLS))
                number = port.get("port")
                if isinstance(number, int):
                    errs.extend(invalid(p + ".port", number, m) for m in _port_range(number))
            for j, peer in enumerate(_l(rule.get(peers))):
                peer = _d(peer)
                p = f"spec.{direction}[{i}].{peers}[{j}]"
                for sel in ("podSelector", "namespaceSelector"):
                    errs.extend(validate_label_selector(peer.get(sel), f"{p}.{sel}"))
                block = peer.get("ipBlock")
                if isinstance(block, dict):
                    cidr = block.get("cidr")
                    try:
                        ipaddress.ip_network(cidr, strict=False)
                    except (ValueError, TypeError):
                        errs.append(invalid(p + ".ipBlock.cidr", cidr, "must be a valid CIDR value, (e.g. "
                                                                         "10.9.8.0/24 or 2001:db8::/64)"))
    return errs


def _validate_configmap(obj, old) -> list[FieldError]:
    errs: list[FieldError] = []
    for field in ("data", "binaryData"):
        for k in sorted(_d(obj.get(field)), key=str):
            if not _CONFIG_KEY_RE.match(str(k)) or len(str(k)) > 253:
                errs.append(invalid(f"{field}[{k}]", k, regex_error(
                    "a valid config key must consist of alphanumeric characters, '-', '_' or '.'", _CONFIG_KEY_FMT,
                    "key.name", "KEY_NAME", "key-name")))
    return errs


def _validate_endpointslice(obj, old) -> list[FieldError]:
    errs: list[FieldError] = []
    at = obj.get("addressType")
    if not at:
        errs.append(required("addressType"))
    elif isinstance(at, str) and at not in ("FQDN", "IPv4", "IPv6"):
        errs.append(not_supported("addressType", at, ["FQDN", "IPv4", "IPv6"]))
    for i, ep in enumerate(_l(obj.get("endpoints"))):
        if not _d(ep).get("addresses"):
            errs.append(required(f"endpoints[{i}].addresses"))
    return errs


_BY_KIND = {
    "Pod": _validate_pod,
    "Service": _validate_service,
    "Deployment": lambda o, old: _validate_workload(o, old, "Deployment"),
    "ReplicaSet": lambda o, old: _validate_workload(o, old, "ReplicaSet"),
    "Ingress": _validate_ingress,
    "NetworkPolicy": _validate_network_policy,
    "ConfigMap": _validate_configmap,
    "EndpointSlice": _validate_endpointslice,
}


def validate(obj: dict, resource, old: dict | None = None) -> list[FieldError]:
    """The apiserver's field errors for creating ``obj`` (or updating ``old`` to it)."""
    errs = validate_object_meta(obj, resource.kind, resource.namespaced)
    fn = _BY_KIND.get(resource.kind)
    if fn is not None:
        errs.extend(fn(obj, old))
    return errs
