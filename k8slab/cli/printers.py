"""The table columns kubectl prints for each resource, cell by cell.

Source: kubernetes/kubernetes ``pkg/printers/internalversion/printers.go`` (column
definitions in ``AddHandlers`` and the ``print<Kind>`` row functions) and cli-runtime
``pkg/printers/tableprinter.go`` (``decorateTable``/``printTable``: upper-cased headers,
``Priority: 1`` columns only with ``-o wide``, NAMESPACE prepended, label columns and
LABELS appended, ``kind/name`` when several kinds are printed, cells cut at a newline).

The apiserver always builds rows with every column (``Wide: true``); the client drops
the priority columns, so the row functions here always return every cell.

>>> pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "foo"}, "spec": {}, "status": {}}
>>> table_text([pod], now=0).splitlines()[1].split(chr(9))
['foo', '0/0', '', '0', '<unknown>']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .duration import Now, age, human_duration, parse_rfc3339, to_seconds
from .labels import InvalidSelector, format_label_selector, format_labels, selector_string

LOAD_BALANCER_WIDTH = 16
NODE_ROLE_PREFIX = "node-role.kubernetes.io/"
NODE_ROLE_LABEL = "kubernetes.io/role"


@dataclass(frozen=True)
class Column:
    """A table column: its name as defined (headers are upper-cased), and 1 for wide-only."""

    name: str
    priority: int = 0
    is_name: bool = False


@dataclass(frozen=True)
class TableType:
    """The columns of one resource and the function that computes a row's cells."""

    columns: tuple[Column, ...]
    row: Callable[[dict, float], list]


def _g(obj, *path, default=None):
    """Walk nested dicts/lists; missing or null gives ``default``."""
    cur = obj
    for p in path:
        if isinstance(cur, dict):
            cur = cur.get(p)
        elif isinstance(cur, list) and isinstance(p, int) and -len(cur) <= p < len(cur):
            cur = cur[p]
        else:
            return default
        if cur is None:
            return default
    return cur


def _name(obj) -> str:
    return _g(obj, "metadata", "name", default="")


def _age(obj, now: float) -> str:
    return age(_g(obj, "metadata", "creationTimestamp"), now)


def _ts(value) -> float | None:
    """Seconds of an RFC3339 timestamp, None when unset (Go's zero time)."""
    if not value:
        return None
    return parse_rfc3339(value)


def _since(ts: str | None, now: float) -> str:
    return age(ts, now)


def _join_host_port(host: str, port) -> str:
    """``net.JoinHostPort``: brackets around hosts that contain a colon (IPv6)."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


# ---------------------------------------------------------------- pods

def _is_restartable_init(c: dict | None) -> bool:
    return bool(c) and c.get("restartPolicy") == "Always"


def _cond_true(conditions, ctype: str) -> bool:
    return any(c.get("type") == ctype and c.get("status") == "True" for c in conditions or [])


def pod_row(pod: dict, now: float) -> list:
    """``printPod``: NAME READY STATUS RESTARTS AGE | IP NODE NOMINATED NODE READINESS GATES."""
    spec = pod.get("spec") or {}
    status = pod.get("status") or {}
    meta = pod.get("metadata") or {}
    restarts = 0
    restartable_init_restarts = 0
    total = len(spec.get("containers") or [])
    ready = 0
    last_restart: float | None = None
    last_restartable_init_restart: float | None = None

    phase = status.get("phase") or ""
    reason = phase
    if status.get("reason"):
        reason = status["reason"]
    for cond in status.get("conditions") or []:
        if cond.get("type") == "PodScheduled" and cond.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"

    init_specs = {}
    for c in spec.get("initContainers") or []:
        init_specs[c.get("name")] = c
        if _is_restartable_init(c):
            total += 1

    def later(cur, ts):
        t = _ts(ts)
        if t is not None and (cur is None or cur < t):
            return t
        return cur

    initializing = False
    n_init = len(spec.get("initContainers") or [])
    for i, cs in enumerate(status.get("initContainerStatuses") or []):
        restarts += int(cs.get("restartCount") or 0)
        last_term = _g(cs, "lastState", "terminated")
        if last_term is not None:
            last_restart = later(last_restart, last_term.get("finishedAt"))
        restartable = _is_restartable_init(init_specs.get(cs.get("name")))
        if restartable:
            restartable_init_restarts += int(cs.get("restartCount") or 0)
            if last_term is not None:
                last_restartable_init_restart = later(last_restartable_init_restart, last_term.get("finishedAt"))
        term = _g(cs, "state", "terminated")
        waiting = _g(cs, "state", "waiting")
        if term is not None and int(term.get("exitCode") or 0) == 0:
            continue
        if restartable and cs.get("started"):
            if cs.get("ready"):
                ready += 1
            continue
        if term is not None:
            if not term.get("reason"):
                if term.get("signal"):
                    reason = f"Init:Signal:{term['signal']}"
                else:
                    reason = f"Init:ExitCode:{int(term.get('exitCode') or 0)}"
            else:
                reason = "Init:" + term["reason"]
        elif waiting is not None and waiting.get("reason") and waiting["reason"] != "PodInitializing":
            reason = "Init:" + waiting["reason"]
        else:
            reason = f"Init:{i}/{n_init}"
        initializing = True
        break

    if not initializing or _cond_true(status.get("conditions"), "Initialized"):
        restarts = restartable_init_restarts
        last_restart = last_restartable_init_restart
        has_running = False
        for cs in reversed(status.get("containerStatuses") or []):
            restarts += int(cs.get("restartCount") or 0)
            last_term = _g(cs, "lastState", "terminated")
            if last_term is not None:
                last_restart = later(last_restart, last_term.get("finishedAt"))
            waiting = _g(cs, "state", "waiting")
            term = _g(cs, "state", "terminated")
            running = _g(cs, "state", "running")
            if waiting is not None and waiting.get("reason"):
                reason = waiting["reason"]
            elif term is not None and term.get("reason"):
                reason = term["reason"]
            elif term is not None:
                if term.get("signal"):
                    reason = f"Signal:{term['signal']}"
                else:
                    reason = f"ExitCode:{int(term.get('exitCode') or 0)}"
            elif cs.get("ready") and running is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            reason = "Running" if _cond_true(status.get("conditions"), "Ready") else "NotReady"

    if meta.get("deletionTimestamp") and status.get("reason") == "NodeLost":
        reason = "Unknown"
    elif meta.get("deletionTimestamp") and phase not in ("Failed", "Succeeded"):
        reason = "Terminating"

    restarts_str = str(restarts)
    if restarts != 0 and last_restart is not None:
        restarts_str = f"{restarts} ({human_duration(now - last_restart)} ago)"

    pod_ips = status.get("podIPs") or []
    pod_ip = (pod_ips[0].get("ip") if pod_ips else status.get("podIP")) or "<none>"
    node = spec.get("nodeName") or "<none>"
    nominated = status.get("nominatedNodeName") or "<none>"
    gates = "<none>"
    if spec.get("readinessGates"):
        true_conds = 0
        for gate in spec["readinessGates"]:
            for cond in status.get("conditions") or []:
                if cond.get("type") == gate.get("conditionType"):
                    if cond.get("status") == "True":
                        true_conds += 1
                    break
        gates = f"{true_conds}/{len(spec['readinessGates'])}"
    return [_name(pod), f"{ready}/{total}", reason, restarts_str, _age(pod, now), pod_ip, node, nominated, gates]


# ---------------------------------------------------------------- nodes

def node_roles(node: dict) -> list[str]:
    """``findNodeRoles``: ``node-role.kubernetes.io/<role>`` keys and ``kubernetes.io/role`` values, sorted."""
    roles = set()
    for k, v in (_g(node, "metadata", "labels") or {}).items():
        if k.startswith(NODE_ROLE_PREFIX):
            role = k[len(NODE_ROLE_PREFIX):]
            if role:
                roles.add(role)
        elif k == NODE_ROLE_LABEL and v:
            roles.add(v)
    return sorted(roles)


def _node_address(node: dict, kind: str) -> str:
    for a in _g(node, "status", "addresses") or []:
        if a.get("type") == kind:
            return a.get("address", "")
    return "<none>"


def node_row(node: dict, now: float) -> list:
    """``printNode``: NAME STATUS ROLES AGE VERSION | INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION
    CONTAINER-RUNTIME."""
    conds = {c.get("type"): c for c in _g(node, "status", "conditions") or []}
    status = []
    if "Ready" in conds:
        status.append("Ready" if conds["Ready"].get("status") == "True" else "NotReady")
    if not status:
        status.append("Unknown")
    if _g(node, "spec", "unschedulable"):
        status.append("SchedulingDisabled")
    roles = ",".join(node_roles(node)) or "<none>"
    info = _g(node, "status", "nodeInfo") or {}
    return [_name(node), ",".join(status), roles, _age(node, now), info.get("kubeletVersion", ""),
            _node_address(node, "InternalIP"), _node_address(node, "ExternalIP"),
            info.get("osImage") or "<unknown>", info.get("kernelVersion") or "<unknown>",
            info.get("containerRuntimeVersion") or "<unknown>"]


# ---------------------------------------------------------------- services

def _lb_status(lb: dict | None, wide: bool) -> str:
    """``loadBalancerStatusStringer``: sorted unique ips/hostnames, cut to 16 bytes unless wide."""
    result = set()
    for ing in (lb or {}).get("ingress") or []:
        if ing.get("ip"):
            result.add(ing["ip"])
        elif ing.get("hostname"):
            result.add(ing["hostname"])
    r = ",".join(sorted(result))
    if not wide and len(r.encode()) > LOAD_BALANCER_WIDTH:
        r = r.encode()[: LOAD_BALANCER_WIDTH - 3].decode(errors="ignore") + "..."
    return r


def service_external_ip(svc: dict, wide: bool) -> str:
    """``getServiceExternalIP``: externalIPs, LB ingress (``<pending>``), or the ExternalName."""
    spec = svc.get("spec") or {}
    stype = spec.get("type") or ""
    ext = spec.get("externalIPs") or []
    if stype in ("ClusterIP", "NodePort"):
        return ",".join(ext) if ext else "<none>"
    if stype == "LoadBalancer":
        lb = _lb_status(_g(svc, "status", "loadBalancer"), wide)
        if ext:
            return ",".join((lb.split(",") if lb else []) + list(ext))
        return lb or "<pending>"
    if stype == "ExternalName":
        return spec.get("externalName", "")
    return "<unknown>"


def service_ports(ports: list | None) -> str:
    """``makePortString``: ``80/TCP`` or ``80:30080/TCP``, joined by commas."""
    pieces = []
    for p in ports or []:
        proto = p.get("protocol", "")
        if int(p.get("nodePort") or 0) > 0:
            pieces.append(f"{p.get('port', 0)}:{p['nodePort']}/{proto}")
        else:
            pieces.append(f"{p.get('port', 0)}/{proto}")
    return ",".join(pieces)


def _service_row(svc: dict, now: float, wide: bool) -> list:
    spec = svc.get("spec") or {}
    cluster_ips = spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else [])
    internal = cluster_ips[0] if cluster_ips else "<none>"
    return [_name(svc), spec.get("type") or "", internal, service_external_ip(svc, wide),
            service_ports(spec.get("ports")) or "<none>", _age(svc, now), format_labels(spec.get("selector"))]


def service_row(svc: dict, now: float) -> list:
    """``printService``: NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE | SELECTOR (LB address cut to 16)."""
    return _service_row(svc, now, wide=False)


def service_row_wide(svc: dict, now: float) -> list:
    """``printService`` with ``-o wide``: the load-balancer address is not cut."""
    return _service_row(svc, now, wide=True)


# ---------------------------------------------------------------- endpoints

def format_endpoints(ep: dict) -> str:
    """``formatEndpoints``: ``ip:port`` for every port of every subset, 3 shown then ``+ N more...``."""
    subsets = ep.get("subsets") or []
    if not subsets:
        return "<none>"
    out: list[str] = []
    more = False
    count = 0
    for ss in subsets:
        addrs = ss.get("addresses") or []
        ports = ss.get("ports") or []
        if not ports:
            count += len(addrs)
            for a in addrs:
                if len(out) == 3:
                    more = True
                    break
                out.append(a.get("ip", ""))
            continue
        for port in ports:
            count += len(addrs)
            for a in addrs:
                if len(out) == 3:
                    more = True
                    break
                out.append(_join_host_port(a.get("ip", ""), port.get("port", 0)))
    ret = ",".join(out)
    if more:
        return f"{ret} + {count - 3} more..."
    return ret


def endpoints_row(ep: dict, now: float) -> list:
    """``printEndpoints``: NAME ENDPOINTS AGE."""
    return [_name(ep), format_endpoints(ep), _age(ep, now)]


def _list_with_more(items: list[str], more: bool, count: int, limit: int = 3) -> str:
    ret = ",".join(items)
    if more:
        return f"{ret} + {count - limit} more..."
    return ret or "<unset>"


def endpointslice_row(es: dict, now: float) -> list:
    """``printEndpointSlice``: NAME ADDRESSTYPE PORTS ENDPOINTS AGE (3 shown, readiness ignored)."""
    ports: list[str] = []
    more = False
    count = 0
    for p in es.get("ports") or []:
        if len(ports) < 3:
            if p.get("port") is not None:
                ports.append(str(p["port"]))
            elif p.get("name") is not None:
                ports.append(p["name"])
            else:
                ports.append("*")
        elif len(ports) == 3:
            more = True
        count += 1
    ports_s = _list_with_more(ports, more, count)
    addrs: list[str] = []
    more = False
    count = 0
    for ep in es.get("endpoints") or []:
        for a in ep.get("addresses") or []:
            if len(addrs) < 3:
                addrs.append(a)
            elif len(addrs) == 3:
                more = True
            count += 1
    return [_name(es), es.get("addressType", ""), ports_s, _list_with_more(addrs, more, count), _age(es, now)]


# ---------------------------------------------------------------- workloads

def _containers(template_spec: dict | None) -> tuple[str, str]:
    """``layoutContainerCells``: container names and images, each joined by commas."""
    cs = (template_spec or {}).get("containers") or []
    return ",".join(c.get("name", "") for c in cs), ",".join(c.get("image", "") for c in cs)


def deployment_row(d: dict, now: float) -> list:
    """``printDeployment``: NAME READY UP-TO-DATE AVAILABLE AGE | CONTAINERS IMAGES SELECTOR."""
    spec = d.get("spec") or {}
    st = d.get("status") or {}
    desired = spec.get("replicas", 1)
    try:
        sel = selector_string(spec.get("selector"))
    except InvalidSelector:
        sel = "<invalid>"
    names, images = _containers(_g(spec, "template", "spec"))
    return [_name(d), f"{int(st.get('readyReplicas') or 0)}/{int(desired or 0)}", int(st.get("updatedReplicas") or 0),
            int(st.get("availableReplicas") or 0), _age(d, now), names, images, sel]


def replicaset_row(rs: dict, now: float) -> list:
    """``printReplicaSet``: NAME DESIRED CURRENT READY AGE | CONTAINERS IMAGES SELECTOR."""
    spec = rs.get("spec") or {}
    st = rs.get("status") or {}
    names, images = _containers(_g(spec, "template", "spec"))
    return [_name(rs), int(spec.get("replicas", 1) or 0), int(st.get("replicas") or 0),
            int(st.get("readyReplicas") or 0), _age(rs, now), names, images,
            format_label_selector(spec.get("selector"))]


def daemonset_row(ds: dict, now: float) -> list:
    """``printDaemonSet``: NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE | ..."""
    st = ds.get("status") or {}
    tspec = _g(ds, "spec", "template", "spec") or {}
    names, images = _containers(tspec)
    return [_name(ds), int(st.get("desiredNumberScheduled") or 0), int(st.get("currentNumberScheduled") or 0),
            int(st.get("numberReady") or 0), int(st.get("updatedNumberScheduled") or 0),
            int(st.get("numberAvailable") or 0), format_labels(tspec.get("nodeSelector")), _age(ds, now),
            names, images, format_label_selector(_g(ds, "spec", "selector"))]


def statefulset_row(ss: dict, now: float) -> list:
    """``printStatefulSet``: NAME READY AGE | CONTAINERS IMAGES."""
    names, images = _containers(_g(ss, "spec", "template", "spec"))
    desired = _g(ss, "spec", "replicas", default=1)
    return [_name(ss), f"{int(_g(ss, 'status', 'readyReplicas', default=0))}/{int(desired)}", _age(ss, now),
            names, images]


def job_row(job: dict, now: float) -> list:
    """``printJob``: NAME STATUS COMPLETIONS DURATION AGE | CONTAINERS IMAGES SELECTOR."""
    spec = job.get("spec") or {}
    st = job.get("status") or {}
    succeeded = int(st.get("succeeded") or 0)
    if spec.get("completions") is not None:
        completions = f"{succeeded}/{spec['completions']}"
    else:
        par = int(spec.get("parallelism") or 0)
        completions = f"{succeeded}/1 of {par}" if par > 1 else f"{succeeded}/1"
    start, done = _ts(st.get("startTime")), _ts(st.get("completionTime"))
    duration = "" if start is None else human_duration((now if done is None else done) - start)
    conds = {c.get("type"): c.get("status") == "True" for c in st.get("conditions") or []}
    if conds.get("Complete"):
        status = "Complete"
    elif conds.get("Failed"):
        status = "Failed"
    elif _g(job, "metadata", "deletionTimestamp"):
        status = "Terminating"
    elif conds.get("Suspended"):
        status = "Suspended"
    elif conds.get("FailureTarget"):
        status = "FailureTarget"
    else:
        status = "Running"
    names, images = _containers(_g(spec, "template", "spec"))
    return [_name(job), status, completions, duration, _age(job, now), names, images,
            format_label_selector(spec.get("selector"))]


# ---------------------------------------------------------------- networking

def ingress_row(ing: dict, now: float) -> list:
    """``printIngress``: NAME CLASS HOSTS ADDRESS PORTS AGE."""
    spec = ing.get("spec") or {}
    rules = spec.get("rules") or []
    hosts: list[str] = []
    more = False
    for rule in rules:
        if len(hosts) == 3:
            more = True
        if not more and rule.get("host"):
            hosts.append(rule["host"])
    if not hosts:
        hosts_s = "*"
    else:
        hosts_s = ",".join(hosts)
        if more:
            hosts_s = f"{hosts_s} + {len(rules) - 3} more..."
    ports = "80, 443" if spec.get("tls") else "80"
    address = _lb_status(_g(ing, "status", "loadBalancer"), wide=False)
    return [_name(ing), spec.get("ingressClassName") or "<none>", hosts_s, address, ports, _age(ing, now)]


def ingressclass_row(ic: dict, now: float) -> list:
    """``printIngressClass``: NAME CONTROLLER PARAMETERS AGE."""
    params = _g(ic, "spec", "parameters")
    p = "<none>"
    if params is not None:
        p = params.get("kind", "")
        if params.get("apiGroup") is not None:
            p += "." + params["apiGroup"]
        p += "/" + params.get("name", "")
    return [_name(ic), _g(ic, "spec", "controller", default=""), p, _age(ic, now)]


def networkpolicy_row(np_: dict, now: float) -> list:
    """``printNetworkPolicy``: NAME POD-SELECTOR AGE (``<none>`` for the empty selector)."""
    return [_name(np_), format_label_selector(_g(np_, "spec", "podSelector") or {}), _age(np_, now)]


# ---------------------------------------------------------------- the rest

def namespace_row(ns: dict, now: float) -> list:
    """``printNamespace``: NAME STATUS AGE."""
    return [_name(ns), _g(ns, "status", "phase", default=""), _age(ns, now)]


def configmap_row(cm: dict, now: float) -> list:
    """``printConfigMap``: NAME DATA AGE (data plus binaryData keys)."""
    return [_name(cm), len(cm.get("data") or {}) + len(cm.get("binaryData") or {}), _age(cm, now)]


def secret_row(s: dict, now: float) -> list:
    """``printSecret``: NAME TYPE DATA AGE."""
    return [_name(s), s.get("type", ""), len(s.get("data") or {}), _age(s, now)]


def serviceaccount_row(sa: dict, now: float) -> list:
    """``printServiceAccount``: NAME SECRETS AGE."""
    return [_name(sa), len(sa.get("secrets") or []), _age(sa, now)]


def _event_source(ev: dict) -> str:
    component = _g(ev, "source", "component") or ev.get("reportingComponent") or ""
    host = _g(ev, "source", "host") or ev.get("reportingInstance") or ""
    return component if not host else f"{component}, {host}"


def event_row(ev: dict, now: float) -> list:
    """``printEvent``: LAST SEEN TYPE REASON OBJECT MESSAGE (wide adds SUBOBJECT SOURCE FIRST SEEN COUNT NAME)."""
    first = _since(ev.get("firstTimestamp"), now)
    if not ev.get("firstTimestamp"):
        first = _since(ev.get("eventTime"), now)
    last = _since(ev.get("lastTimestamp"), now)
    if not ev.get("lastTimestamp"):
        last = first
    count = int(ev.get("count") or 0)
    if ev.get("series") is not None:
        last = _since(_g(ev, "series", "lastObservedTime"), now)
        count = int(_g(ev, "series", "count", default=0))
    elif count == 0:
        count = 1
    involved = ev.get("involvedObject") or {}
    kind = (involved.get("kind") or "").lower()
    target = f"{kind}/{involved['name']}" if involved.get("name") else kind
    return [last, ev.get("type", ""), ev.get("reason", ""), target, involved.get("fieldPath", ""),
            _event_source(ev), (ev.get("message") or "").strip(), first, count, _name(ev)]


def default_row(obj: dict, now: float) -> list:
    """``printObjectMeta``: NAME AGE, for kinds without their own columns."""
    return [_name(obj), _age(obj, now)]


def _c(*names: str, wide: tuple[str, ...] = ()) -> tuple[Column, ...]:
    cols = [Column(n, 0, n == "Name") for n in names]
    cols += [Column(n, 1, n == "Name") for n in wide]
    return tuple(cols)


_TEMPLATE_WIDE = ("Containers", "Images", "Selector")

# (group, kind) -> columns and row function; group "" is the core API group.
TABLES: dict[tuple[str, str], TableType] = {
    ("", "Pod"): TableType(_c("Name", "Ready", "Status", "Restarts", "Age",
                              wide=("IP", "Node", "Nominated Node", "Readiness Gates")), pod_row),
    ("", "Node"): TableType(_c("Name", "Status", "Roles", "Age", "Version",
                               wide=("Internal-IP", "External-IP", "OS-Image", "Kernel-Version",
                                     "Container-Runtime")), node_row),
    ("", "Service"): TableType(_c("Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age",
                                  wide=("Selector",)), service_row),
    ("", "Endpoints"): TableType(_c("Name", "Endpoints", "Age"), endpoints_row),
    ("discovery.k8s.io", "EndpointSlice"): TableType(_c("Name", "AddressType", "Ports", "Endpoints", "Age"),
                                                     endpointslice_row),
    ("apps", "Deployment"): TableType(_c("Name", "Ready", "Up-to-date", "Available", "Age", wide=_TEMPLATE_WIDE),
                                      deployment_row),
    ("apps", "ReplicaSet"): TableType(_c("Name", "Desired", "Current", "Ready", "Age", wide=_TEMPLATE_WIDE),
                                      replicaset_row),
    ("apps", "DaemonSet"): TableType(_c("Name", "Desired", "Current", "Ready", "Up-to-date", "Available",
                                        "Node Selector", "Age", wide=_TEMPLATE_WIDE), daemonset_row),
    ("apps", "StatefulSet"): TableType(_c("Name", "Ready", "Age", wide=("Containers", "Images")), statefulset_row),
    ("batch", "Job"): TableType(_c("Name", "Status", "Completions", "Duration", "Age", wide=_TEMPLATE_WIDE), job_row),
    ("networking.k8s.io", "Ingress"): TableType(_c("Name", "Class", "Hosts", "Address", "Ports", "Age"), ingress_row),
    ("networking.k8s.io", "IngressClass"): TableType(_c("Name", "Controller", "Parameters", "Age"), ingressclass_row),
    ("networking.k8s.io", "NetworkPolicy"): TableType(_c("Name", "Pod-Selector", "Age"), networkpolicy_row),
    ("", "Namespace"): TableType(_c("Name", "Status", "Age"), namespace_row),
    ("", "ConfigMap"): TableType(_c("Name", "Data", "Age"), configmap_row),
    ("", "Secret"): TableType(_c("Name", "Type", "Data", "Age"), secret_row),
    ("", "ServiceAccount"): TableType(_c("Name", "Secrets", "Age"), serviceaccount_row),
    ("", "Event"): TableType((Column("Last Seen"), Column("Type"), Column("Reason"), Column("Object"),
                              Column("Subobject", 1), Column("Source", 1), Column("Message"),
                              Column("First Seen", 1), Column("Count", 1), Column("Name", 1, True)), event_row),
}
DEFAULT_TABLE = TableType(_c("Name", "Age"), default_row)


def group_of(obj: dict) -> str:
    """The API group of an object from its apiVersion (``apps/v1`` -> ``apps``, ``v1`` -> ``""``)."""
    api_version = obj.get("apiVersion") or ""
    return api_version.split("/", 1)[0] if "/" in api_version else ""


def group_kind(obj: dict) -> str:
    """``schema.GroupKind.String()``: ``Pod``, ``Deployment.apps``."""
    group = group_of(obj)
    kind = obj.get("kind") or ""
    return f"{kind}.{group}" if group else kind


def table_type(obj: dict) -> TableType:
    """The columns kubectl uses for this object's kind (NAME AGE for kinds it has no printer for)."""
    return TABLES.get((group_of(obj), obj.get("kind") or ""), DEFAULT_TABLE)


def _cell(value) -> str:
    """``appendCellValue``: cut at the first newline (adding ``...``), escape ESC and CR."""
    s = value if isinstance(value, str) else ("true" if value is True else "false" if value is False else str(value))
    cut = min((i for i in (s.find("\f"), s.find("\n"), s.find("\r")) if i >= 0), default=-1)
    if cut >= 0:
        s = s[:cut] + "..."
    return s.replace("\x1b", "^[").replace("\r", "\\r")


def table_text(objects: list[dict], now: Now, *, wide: bool = False, no_headers: bool = False,
               with_namespace: bool = False, show_labels: bool = False, label_columns: tuple[str, ...] = (),
               with_kind: bool = False) -> str:
    """The tab-separated text kubectl hands its tabwriter for objects of one kind (empty if none).

    All objects must share one kind; the caller formats the text with :mod:`.tabwriter`.
    """
    if not objects:
        return ""
    now_s = to_seconds(now)
    ttype = table_type(objects[0])
    columns = list(ttype.columns)
    cols: list[tuple[str, int | None]] = []  # (header, index into row cells or None for decoration)
    if with_namespace:
        cols.append(("NAMESPACE", None))
    for i, col in enumerate(columns):
        if col.priority and not wide:
            continue
        cols.append((col.name.upper(), i))
    for key in label_columns:
        cols.append((key.split("/")[-1].upper(), None))
    if show_labels:
        cols.append(("LABELS", None))
    name_index = next((i for i, c in enumerate(columns) if c.is_name), None) if with_kind else None
    prefix = group_kind(objects[0]).lower()

    lines = []
    if not no_headers:
        lines.append("\t".join(h for h, _ in cols))
    row_fn = ttype.row
    if row_fn is service_row and wide:
        row_fn = service_row_wide
    for obj in objects:
        cells = row_fn(obj, now_s)
        if name_index is not None:
            cells[name_index] = f"{prefix}/{cells[name_index]}"
        labels = _g(obj, "metadata", "labels") or {}
        out = []
        if with_namespace:
            out.append(_g(obj, "metadata", "namespace", default=""))
        for i, col in enumerate(columns):
            if col.priority and not wide:
                continue
            out.append(_cell(cells[i]))
        for key in label_columns:
            out.append(_cell(labels.get(key, "")))
        if show_labels:
            out.append(_cell(format_labels(labels)))
        lines.append("\t".join(out))
    return "\n".join(lines) + "\n"
