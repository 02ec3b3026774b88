"""``kubectl describe`` for pods, services, endpoints, deployments and nodes.

Source: kubectl ``pkg/describe/describe.go`` (``describePod``, ``describeService``,
``describeEndpoints``, ``describeDeployment``, ``describeNode``, ``DescribeEvents`` and
their helpers). Describe writes ``Key:\\tvalue`` lines through Go's standard
``text/tabwriter`` with minwidth 0, tabwidth 8, padding 2 (``tabbedString``): lines that
contain tabs and follow each other align together, and a line without a tab (such as
``Containers:``) ends the alignment block, which is why ``QoS Class:`` lines up with the
volume fields above it. Times print as RFC1123Z; here always in UTC (``+0000``).

Events are given by the caller (those whose involvedObject is the described object).
"""

from __future__ import annotations

from datetime import datetime, timezone

from .duration import Now, age, parse_rfc3339, to_seconds
from .labels import InvalidSelector, format_labels, selector_string
from .printers import _join_host_port, node_roles
from .quantity import Quantity
from .tabwriter import TabWriter

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
MAX_ANNOTATION_LEN = 140
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def rfc1123z(ts: str | None) -> str:
    """Go's ``time.RFC1123Z`` layout in UTC; an unset time prints Go's zero time."""
    if not ts:
        return "Mon, 01 Jan 0001 00:00:00 +0000"
    d = datetime.fromtimestamp(parse_rfc3339(ts), tz=timezone.utc)
    return f"{_DAYS[d.weekday()]}, {d.day:02d} {_MONTHS[d.month - 1]} {d.year:04d} {d:%H:%M:%S} +0000"


class _Writer:
    """describe.go's PrefixWriter over a text/tabwriter (minwidth 0, tabwidth 8, padding 2)."""

    def __init__(self):
        self.tw = TabWriter(minwidth=0, tabwidth=8, padding=2, remember_widths=False)
        self.out: list[str] = []

    def write(self, level: int, text: str) -> None:
        self.tw.write(("  " * level + text).replace("\x1b", "^[").replace("\r", "\\r"))

    def line(self, text: str) -> None:
        self.write(0, text + "\n")

    def flush(self) -> None:
        self.out.append(self.tw.flush())

    def text(self) -> str:
        self.flush()
        return "".join(self.out)


def _g(obj, *path, default=None):
    cur = obj
    for p in path:
        if not isinstance(cur, dict):
            return default
        cur = cur.get(p)
        if cur is None:
            return default
    return cur


def _labels_multiline(w: _Writer, title: str, labels: dict | None, initial: str = "", inner: str = "\t") -> None:
    w.write(0, f"{initial}{title}:{inner}")
    if not labels:
        w.line("<none>")
        return
    for i, key in enumerate(sorted(labels)):
        if i:
            w.write(0, initial + inner)
        w.write(0, f"{key}={labels[key]}\n")


def _annotations_multiline(w: _Writer, title: str, annotations: dict | None) -> None:
    w.write(0, f"{title}:\t")
    keys = sorted(k for k in (annotations or {}) if k != LAST_APPLIED)
    if not keys:
        w.line("<none>")
        return
    for i, key in enumerate(keys):
        if i:
            w.write(0, "\t")
        value = annotations[key]
        if value.endswith("\n"):
            value = value[:-1]
        if len(value) + len(key) + 2 > MAX_ANNOTATION_LEN or "\n" in value:
            w.write(0, f"{key}:\n")
            for s in value.split("\n"):
                if len(s) > MAX_ANNOTATION_LEN - 2:
                    s = s[:MAX_ANNOTATION_LEN - 2] + "..."
                w.write(0, f"\t  {s}\n")
        else:
            w.write(0, f"{key}: {value}\n")


def _tolerations_multiline(w: _Writer, title: str, tolerations: list | None, initial: str = "") -> None:
    w.write(0, f"{initial}{title}:\t")
    if not tolerations:
        w.line("<none>")
        return
    for i, t in enumerate(sorted(tolerations, key=lambda t: t.get("key", ""))):
        if i:
            w.write(0, initial + "\t")
        s = t.get("key", "")
        if t.get("value"):
            s += "=" + t["value"]
        if t.get("effect"):
            s += ":" + t["effect"]
        if t.get("operator") == "Exists" and not t.get("value"):
            s += " op=Exists" if (t.get("key") or t.get("effect")) else "op=Exists"
        if t.get("tolerationSeconds") is not None:
            s += f" for {t['tolerationSeconds']}s"
        w.write(0, s + "\n")


def _taints_multiline(w: _Writer, title: str, taints: list | None) -> None:
    w.write(0, f"{title}:\t")
    if not taints:
        w.line("<none>")
        return
    ordered = sorted(taints, key=lambda t: f"{t.get('effect', '')},{t.get('key', '')}")
    for i, t in enumerate(ordered):
        if i:
            w.write(0, "\t")
        s = t.get("key", "")
        if t.get("value"):
            s += "=" + t["value"]
        s += ":" + t.get("effect", "")
        w.write(0, s + "\n")


def _describe_events(w: _Writer, events: list | None, now: float) -> None:
    """``DescribeEvents``: Type Reason Age From Message, oldest lastTimestamp first."""
    if events is None:
        return
    if not events:
        w.write(0, "Events:\t<none>\n")
        return
    w.flush()
    ordered = sorted(events, key=lambda e: parse_rfc3339(e["lastTimestamp"]) if e.get("lastTimestamp") else -1e18)
    w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
    w.write(1, "----\t------\t----\t----\t-------\n")
    for e in ordered:
        first = age(e.get("eventTime"), now) if e.get("eventTime") else age(e.get("firstTimestamp"), now)
        if e.get("series") is not None:
            interval = f"{age(_g(e, 'series', 'lastObservedTime'), now)} (x{_g(e, 'series', 'count', default=0)} " \
                       f"over {first})"
        elif int(e.get("count") or 0) > 1:
            interval = f"{age(e.get('lastTimestamp'), now)} (x{e['count']} over {first})"
        else:
            interval = first
        source = _g(e, "source", "component") or e.get("reportingComponent") or ""
        message = (e.get("message") or "").strip()
        field_path = _g(e, "involvedObject", "fieldPath")
        if field_path:
            message = f"{field_path}: {message}"
        w.write(1, f"{e.get('type', '')}\t{e.get('reason', '')}\t{interval}\t{source}\t{message}\n")


# ---------------------------------------------------------------- pods

def _ports(ports: list | None, key: str) -> str:
    out = []
    for p in ports or []:
        s = f"{int(p.get(key) or 0)}/{p.get('protocol', '')}"
        if p.get("name"):
            s = f"{s} ({p['name']})"
        out.append(s)
    return ", ".join(out)


def _int_or_string(v) -> str:
    return "" if v is None else str(v)


def describe_probe(probe: dict) -> str:
    """``DescribeProbe``: ``http-get http://:8080/healthz delay=0s timeout=1s period=10s ...``."""
    attrs = (f"delay={int(probe.get('initialDelaySeconds') or 0)}s timeout={int(probe.get('timeoutSeconds', 1))}s "
             f"period={int(probe.get('periodSeconds', 10))}s successThreshold={int(probe.get('successThreshold', 1))} "
             f"failureThreshold={int(probe.get('failureThreshold', 3))}")
    if probe.get("exec") is not None:
        return f"exec [{' '.join(probe['exec'].get('command') or [])}] {attrs}"
    if probe.get("httpGet") is not None:
        h = probe["httpGet"]
        scheme = (h.get("scheme") or "HTTP").lower()
        port = _int_or_string(h.get("port"))
        host = _join_host_port(h.get("host", ""), port) if port else h.get("host", "")
        url = f"{scheme}://{host}{h.get('path', '')}" if scheme else f"//{host}{h.get('path', '')}"
        return f"http-get {url} {attrs}"
    if probe.get("tcpSocket") is not None:
        t = probe["tcpSocket"]
        return f"tcp-socket {t.get('host', '')}:{_int_or_string(t.get('port'))} {attrs}"
    if probe.get("grpc") is not None:
        return f"grpc <pod>:{probe['grpc'].get('port', 0)} {probe['grpc'].get('service', '')} {attrs}"
    return f"unknown {attrs}"


def _describe_state(w: _Writer, name: str, state: dict) -> None:
    if state.get("running") is not None:
        w.write(2, f"{name}:\tRunning\n")
        w.write(3, f"Started:\t{rfc1123z(state['running'].get('startedAt'))}\n")
    elif state.get("waiting") is not None:
        w.write(2, f"{name}:\tWaiting\n")
        if state["waiting"].get("reason"):
            w.write(3, f"Reason:\t{state['waiting']['reason']}\n")
    elif state.get("terminated") is not None:
        t = state["terminated"]
        w.write(2, f"{name}:\tTerminated\n")
        if t.get("reason"):
            w.write(3, f"Reason:\t{t['reason']}\n")
        if t.get("message"):
            w.write(3, f"Message:\t{t['message']}\n")
        w.write(3, f"Exit Code:\t{int(t.get('exitCode') or 0)}\n")
        if int(t.get("signal") or 0) > 0:
            w.write(3, f"Signal:\t{t['signal']}\n")
        w.write(3, f"Started:\t{rfc1123z(t.get('startedAt'))}\n")
        w.write(3, f"Finished:\t{rfc1123z(t.get('finishedAt'))}\n")
    else:
        w.write(2, f"{name}:\tWaiting\n")


def _describe_resources(w: _Writer, resources: dict | None, level: int) -> None:
    for title, key in (("Limits", "limits"), ("Requests", "requests")):
        values = (resources or {}).get(key) or {}
        if values:
            w.write(level, f"{title}:\n")
        for name in sorted(values):
            w.write(level + 1, f"{name}:\t{Quantity.parse(values[name])}\n")


def _field_value(pod: dict | None, path: str) -> str:
    if pod is None:
        return ""
    simple = {"metadata.name": ("metadata", "name"), "metadata.namespace": ("metadata", "namespace"),
              "metadata.uid": ("metadata", "uid"), "spec.nodeName": ("spec", "nodeName"),
              "spec.serviceAccountName": ("spec", "serviceAccountName"), "status.hostIP": ("status", "hostIP"),
              "status.podIP": ("status", "podIP")}
    if path in simple:
        return str(_g(pod, *simple[path], default=""))
    if path == "status.podIPs":
        return ",".join(p.get("ip", "") for p in _g(pod, "status", "podIPs", default=[]))
    return ""


def _describe_containers(w: _Writer, label: str, containers: list, statuses: list | None, space: str,
                         pod: dict | None) -> None:
    by_name = {s.get("name"): s for s in statuses or []}
    w.write(0, f"{space}{label}:{'' if containers else ' <none>'}\n")
    indent = " " if space else ""
    for c in containers:
        st = by_name.get(c.get("name"))
        w.write(1, f"{indent}{c.get('name', '')}:\n")
        if st is not None:
            w.write(2, f"Container ID:\t{st.get('containerID', '')}\n")
        w.write(2, f"Image:\t{c.get('image', '')}\n")
        if st is not None:
            w.write(2, f"Image ID:\t{st.get('imageID', '')}\n")
        ports = _ports(c.get("ports"), "containerPort")
        w.write(2, f"Ports:\t{ports}\n" if "," in ports else f"Port:\t{ports or '<none>'}\n")
        host_ports = _ports(c.get("ports"), "hostPort")
        w.write(2, f"Host Ports:\t{host_ports}\n" if "," in host_ports else f"Host Port:\t{host_ports or '<none>'}\n")
        for title, key in (("Command", "command"), ("Args", "args")):
            if c.get(key):
                w.write(2, f"{title}:\n")
                for item in c[key]:
                    for s in item.split("\n"):
                        w.write(3, f"{s}\n")
        if st is not None:
            _describe_state(w, "State", st.get("state") or {})
            if _g(st, "lastState", "terminated") is not None:
                _describe_state(w, "Last State", st["lastState"])
            w.write(2, f"Ready:\t{'True' if st.get('ready') else 'False'}\n")
            w.write(2, f"Restart Count:\t{int(st.get('restartCount') or 0)}\n")
        _describe_resources(w, c.get("resources"), 2)
        for title, key in (("Liveness", "livenessProbe"), ("Readiness", "readinessProbe"),
                           ("Startup", "startupProbe")):
            if c.get(key) is not None:
                w.write(2, f"{title}:\t{describe_probe(c[key])}\n")
        if c.get("envFrom"):
            w.write(2, "Environment Variables from:\n")
            for e in c["envFrom"]:
                ref, kind = (e.get("configMapRef"), "ConfigMap") if e.get("configMapRef") else \
                    (e.get("secretRef"), "Secret")
                name = (ref or {}).get("name", "")
                optional = "true" if (ref or {}).get("optional") else "false"
                if e.get("prefix"):
                    w.write(3, f"{name}\t{kind} with prefix '{e['prefix']}'\tOptional: {optional}\n")
                else:
                    w.write(3, f"{name}\t{kind}\tOptional: {optional}\n")
        env = c.get("env") or []
        w.write(2, f"Environment:{'' if env else chr(9) + '<none>'}\n")
        for e in env:
            vf = e.get("valueFrom")
            if vf is None:
                for i, s in enumerate((e.get("value") or "").split("\n")):
                    w.write(3, f"{e.get('name', '')}:\t{s}\n" if i == 0 else f"\t{s}\n")
            elif vf.get("fieldRef") is not None:
                fr = vf["fieldRef"]
                value = _field_value(pod, fr.get("fieldPath", ""))
                w.write(3, f"{e.get('name', '')}:\t{value} ({fr.get('apiVersion', 'v1')}:{fr.get('fieldPath', '')})\n")
            elif vf.get("resourceFieldRef") is not None:
                w.write(3, f"{e.get('name', '')}:\t ({vf['resourceFieldRef'].get('resource', '')})\n")
            elif vf.get("secretKeyRef") is not None:
                r = vf["secretKeyRef"]
                w.write(3, f"{e.get('name', '')}:\t<set to the key '{r.get('key', '')}' in secret "
                           f"'{r.get('name', '')}'>\tOptional: {'true' if r.get('optional') else 'false'}\n")
            elif vf.get("configMapKeyRef") is not None:
                r = vf["configMapKeyRef"]
                w.write(3, f"{e.get('name', '')}:\t<set to the key '{r.get('key', '')}' of config map "
                           f"'{r.get('name', '')}'>\tOptional: {'true' if r.get('optional') else 'false'}\n")
        mounts = sorted(c.get("volumeMounts") or [], key=lambda m: m.get("mountPath", ""))
        w.write(2, f"Mounts:{'' if mounts else chr(9) + '<none>'}\n")
        for m in mounts:
            flags = ["ro" if m.get("readOnly") else "rw"]
            if m.get("subPath"):
                flags.append(f'path="{m["subPath"]}"')
            w.write(3, f"{m.get('mountPath', '')} from {m.get('name', '')} ({','.join(flags)})\n")


def _describe_volumes(w: _Writer, volumes: list | None, space: str) -> None:
    if not volumes:
        w.write(0, f"{space}Volumes:\t<none>\n")
        return
    w.write(0, f"{space}Volumes:\n")
    indent = " " if space else ""
    for v in volumes:
        w.write(1, f"{indent}{v.get('name', '')}:\n")
        if v.get("hostPath") is not None:
            w.write(2, f"Type:\tHostPath (bare host directory volume)\n    Path:\t{v['hostPath'].get('path', '')}\n"
                       f"    HostPathType:\t{v['hostPath'].get('type') or '<none>'}\n")
        elif v.get("emptyDir") is not None:
            size = v["emptyDir"].get("sizeLimit") or "<unset>"
            w.write(2, "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n"
                       f"    Medium:\t{v['emptyDir'].get('medium', '')}\n    SizeLimit:\t{size}\n")
        elif v.get("secret") is not None:
            w.write(2, f"Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t"
                       f"{v['secret'].get('secretName', '')}\n    Optional:\t"
                       f"{'true' if v['secret'].get('optional') else 'false'}\n")
        elif v.get("configMap") is not None:
            w.write(2, "Type:\tConfigMap (a volume populated by a ConfigMap)\n"
                       f"    Name:\t{v['configMap'].get('name', '')}\n"
                       f"    Optional:\t{'true' if v['configMap'].get('optional') else 'false'}\n")
        elif v.get("projected") is not None:
            w.write(2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n")
            for src in v["projected"].get("sources") or []:
                if src.get("secret") is not None:
                    w.write(2, f"SecretName:\t{src['secret'].get('name', '')}\n    Optional:\t"
                               f"{'true' if src['secret'].get('optional') else 'false'}\n")
                elif src.get("downwardAPI") is not None:
                    w.write(2, "DownwardAPI:\ttrue\n")
                elif src.get("configMap") is not None:
                    w.write(2, f"ConfigMapName:\t{src['configMap'].get('name', '')}\n    Optional:\t"
                               f"{'true' if src['configMap'].get('optional') else 'false'}\n")
                elif src.get("serviceAccountToken") is not None:
                    w.write(2, f"TokenExpirationSeconds:\t{src['serviceAccountToken'].get('expirationSeconds', 0)}\n")
        elif v.get("persistentVolumeClaim") is not None:
            pvc = v["persistentVolumeClaim"]
            w.write(2, "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n"
                       f"    ClaimName:\t{pvc.get('claimName', '')}\n"
                       f"    ReadOnly:\t{'true' if pvc.get('readOnly') else 'false'}\n")
        else:
            w.write(1, "<unknown>\n")


def pod_qos(pod: dict) -> str:
    """``qos.GetPodQOS``: status.qosClass, else Guaranteed / Burstable / BestEffort from requests and limits."""
    if _g(pod, "status", "qosClass"):
        return pod["status"]["qosClass"]
    result = ""
    for c in (_g(pod, "spec", "initContainers", default=[]) + _g(pod, "spec", "containers", default=[])):
        res = c.get("resources") or {}
        req, lim = res.get("requests") or {}, res.get("limits") or {}
        if not req and not lim:
            cq = "BestEffort"
        else:
            cq = ""
            for name in ("cpu", "memory"):
                r = Quantity.parse(req[name]) if name in req else Quantity.zero()
                limit = Quantity.parse(lim[name]) if name in lim else Quantity.zero()
                rq = "Burstable" if r.value != limit.value else ("BestEffort" if r.value == 0 else "Guaranteed")
                if rq == "Burstable" or (cq and cq != rq):
                    cq = "Burstable"
                    break
                cq = rq
        if cq == "Burstable":
            return cq
        if not result:
            result = cq
        elif result != cq:
            return "Burstable"
    return result or "BestEffort"


def describe_pod(pod: dict, events: list | None = (), *, now: Now = 0) -> str:
    """``kubectl describe pod``."""
    now_s = to_seconds(now)
    events = list(events) if events is not None else None
    meta, spec, status = pod.get("metadata") or {}, pod.get("spec") or {}, pod.get("status") or {}
    w = _Writer()
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    if spec.get("priority") is not None:
        w.write(0, f"Priority:\t{spec['priority']}\n")
    if spec.get("priorityClassName"):
        w.write(0, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    if spec.get("runtimeClassName"):
        w.write(0, f"Runtime Class Name:\t{spec['runtimeClassName']}\n")
    if spec.get("serviceAccountName"):
        w.write(0, f"Service Account:\t{spec['serviceAccountName']}\n")
    if not spec.get("nodeName"):
        w.write(0, "Node:\t<none>\n")
    else:
        w.write(0, f"Node:\t{spec['nodeName']}/{status.get('hostIP', '')}\n")
    if status.get("startTime"):
        w.write(0, f"Start Time:\t{rfc1123z(status['startTime'])}\n")
    _labels_multiline(w, "Labels", meta.get("labels"))
    _annotations_multiline(w, "Annotations", meta.get("annotations"))
    phase = status.get("phase", "")
    if meta.get("deletionTimestamp") and phase not in ("Failed", "Succeeded"):
        w.write(0, f"Status:\tTerminating (lasts {age(meta['deletionTimestamp'], now_s)})\n")
        w.write(0, f"Termination Grace Period:\t{int(meta.get('deletionGracePeriodSeconds') or 0)}s\n")
    else:
        w.write(0, f"Status:\t{phase}\n")
    if status.get("reason"):
        w.write(0, f"Reason:\t{status['reason']}\n")
    if status.get("message"):
        w.write(0, f"Message:\t{status['message']}\n")
    seccomp = _g(spec, "securityContext", "seccompProfile")
    if seccomp is not None:
        w.write(0, f"SeccompProfile:\t{seccomp.get('type', '')}\n")
        if seccomp.get("type") == "Localhost":
            w.write(0, f"LocalhostProfile:\t{seccomp.get('localhostProfile', '')}\n")
    w.write(0, f"IP:\t{status.get('podIP', '')}\n")
    pod_ips = status.get("podIPs") or []
    if not pod_ips:
        w.write(0, "IPs:\t<none>\n")
    else:
        w.write(0, "IPs:\n")
        for ip in pod_ips:
            w.write(1, f"IP:\t{ip.get('ip', '')}\n")
    controller = next((r for r in meta.get("ownerReferences") or [] if r.get("controller")), None)
    if controller is not None:
        w.write(0, f"Controlled By:\t{controller.get('kind', '')}/{controller.get('name', '')}\n")
    if status.get("nominatedNodeName"):
        w.write(0, f"NominatedNodeName:\t{status['nominatedNodeName']}\n")
    if spec.get("resources") is not None:
        w.write(0, "Resources:\n")
        _describe_resources(w, spec["resources"], 1)
    if spec.get("initContainers"):
        _describe_containers(w, "Init Containers", spec["initContainers"], status.get("initContainerStatuses"), "",
                             pod)
    _describe_containers(w, "Containers", spec.get("containers") or [], status.get("containerStatuses"), "", pod)
    if spec.get("readinessGates"):
        w.write(0, "Readiness Gates:\n  Type\tStatus\n")
        for gate in spec["readinessGates"]:
            st = next((c.get("status", "") for c in status.get("conditions") or []
                       if c.get("type") == gate.get("conditionType")), "<none>")
            w.write(1, f"{gate.get('conditionType', '')} \t{st} \n")
    if status.get("conditions"):
        w.write(0, "Conditions:\n  Type\tStatus\n")
        for c in status["conditions"]:
            w.write(1, f"{c.get('type', '')} \t{c.get('status', '')} \n")
    _describe_volumes(w, spec.get("volumes"), "")
    w.write(0, f"QoS Class:\t{pod_qos(pod)}\n")
    _labels_multiline(w, "Node-Selectors", spec.get("nodeSelector"))
    _tolerations_multiline(w, "Tolerations", spec.get("tolerations"))
    _describe_events(w, events, now_s)
    return w.text()


# ---------------------------------------------------------------- services and endpoints

def format_endpoint_slices(slices: list, port_name: str | None) -> str:
    """describe.go ``formatEndpointSlices``: ready addresses (``ip:port``) of the slices, 3 then ``+ N more...``."""
    if not slices:
        return "<none>"
    out: list[str] = []
    more = False
    count = 0
    for es in slices:
        endpoints = es.get("endpoints") or []
        if not es.get("ports"):
            for ep in endpoints:
                if len(out) == 3:
                    more = True
                if _g(ep, "conditions", "ready") is False:
                    continue
                if not more:
                    out.append((ep.get("addresses") or [""])[0])
                count += 1
        else:
            for port in es["ports"]:
                if port_name is not None and (port.get("name") or "") != port_name:
                    continue
                for ep in endpoints:
                    if len(out) == 3:
                        more = True
                    addr = (ep.get("addresses") or [""])[0]
                    if _g(ep, "conditions", "ready") is False:
                        continue
                    if not more:
                        out.append(_join_host_port(addr, port.get("port", 0)))
                    count += 1
    ret = ",".join(out)
    if more:
        return f"{ret} + {count - 3} more..."
    return ret


def describe_service(svc: dict, endpoint_slices: list = (), events: list | None = (), *, now: Now = 0) -> str:
    """``kubectl describe service``; ``endpoint_slices`` are those labelled with the service's name."""
    now_s = to_seconds(now)
    events = list(events) if events is not None else None
    meta, spec, status = svc.get("metadata") or {}, svc.get("spec") or {}, svc.get("status") or {}
    w = _Writer()
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    _labels_multiline(w, "Labels", meta.get("labels"))
    _annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Selector:\t{format_labels(spec.get('selector'))}\n")
    w.write(0, f"Type:\t{spec.get('type', '')}\n")
    if spec.get("ipFamilyPolicy") is not None:
        w.write(0, f"IP Family Policy:\t{spec['ipFamilyPolicy']}\n")
    w.write(0, f"IP Families:\t{','.join(spec.get('ipFamilies') or []) or '<none>'}\n")
    w.write(0, f"IP:\t{spec.get('clusterIP', '')}\n")
    w.write(0, f"IPs:\t{','.join(spec.get('clusterIPs') or []) or '<none>'}\n")
    if spec.get("externalIPs"):
        w.write(0, f"External IPs:\t{','.join(spec['externalIPs'])}\n")
    if spec.get("loadBalancerIP"):
        w.write(0, f"Desired LoadBalancer IP:\t{spec['loadBalancerIP']}\n")
    if spec.get("externalName"):
        w.write(0, f"External Name:\t{spec['externalName']}\n")
    ingress = _g(status, "loadBalancer", "ingress", default=[])
    if ingress:
        parts = []
        for ing in ingress:
            if ing.get("ip"):
                parts.append(ing["ip"] + (f" ({ing['ipMode']})" if ing.get("ipMode") else ""))
            else:
                parts.append(ing.get("hostname", ""))
        w.write(0, f"LoadBalancer Ingress:\t{', '.join(parts)}\n")
    for sp in spec.get("ports") or []:
        name = sp.get("name") or "<unset>"
        proto = sp.get("protocol", "")
        w.write(0, f"Port:\t{name}\t{sp.get('port', 0)}/{proto}\n")
        target = sp.get("targetPort", sp.get("port", 0))
        w.write(0, f"TargetPort:\t{target}/{proto}\n")
        if sp.get("appProtocol") is not None:
            w.write(0, f"AppProtocol:\t{sp['appProtocol']}\n")
        if int(sp.get("nodePort") or 0) != 0:
            w.write(0, f"NodePort:\t{name}\t{sp['nodePort']}/{proto}\n")
        w.write(0, f"Endpoints:\t{format_endpoint_slices(list(endpoint_slices), sp.get('name') or '')}\n")
    w.write(0, f"Session Affinity:\t{spec.get('sessionAffinity', '')}\n")
    if spec.get("externalTrafficPolicy"):
        w.write(0, f"External Traffic Policy:\t{spec['externalTrafficPolicy']}\n")
    if spec.get("internalTrafficPolicy") is not None:
        w.write(0, f"Internal Traffic Policy:\t{spec['internalTrafficPolicy']}\n")
    if int(spec.get("healthCheckNodePort") or 0) != 0:
        w.write(0, f"HealthCheck NodePort:\t{spec['healthCheckNodePort']}\n")
    if spec.get("loadBalancerSourceRanges"):
        w.write(0, f"LoadBalancer Source Ranges:\t{','.join(spec['loadBalancerSourceRanges'])}\n")
    if spec.get("trafficDistribution") is not None:
        w.write(0, f"Traffic Distribution:\t{spec['trafficDistribution']}\n")
    _describe_events(w, events, now_s)
    return w.text()


def describe_endpoints(ep: dict, events: list | None = (), *, now: Now = 0) -> str:
    """``kubectl describe endpoints``."""
    now_s = to_seconds(now)
    events = list(events) if events is not None else None
    meta = ep.get("metadata") or {}
    w = _Writer()
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    _labels_multiline(w, "Labels", meta.get("labels"))
    _annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, "Subsets:\n")
    for ss in ep.get("subsets") or []:
        addrs = ",".join(a.get("ip", "") for a in ss.get("addresses") or [])
        w.write(1, f"Addresses:\t{addrs or '<none>'}\n")
        not_ready = ",".join(a.get("ip", "") for a in ss.get("notReadyAddresses") or [])
        w.write(1, f"NotReadyAddresses:\t{not_ready or '<none>'}\n")
        if ss.get("ports"):
            w.write(1, "Ports:\n")
            w.write(2, "Name\tPort\tProtocol\n")
            w.write(2, "----\t----\t--------\n")
            for p in ss["ports"]:
                w.write(2, f"{p.get('name') or '<unset>'}\t{p.get('port', 0)}\t{p.get('protocol', '')}\n")
        w.write(0, "\n")
    _describe_events(w, events, now_s)
    return w.text()


# ---------------------------------------------------------------- deployments

def describe_deployment(dep: dict, old_replicasets: list = (), new_replicaset: dict | None = None,
                        events: list | None = (), *, now: Now = 0) -> str:
    """``kubectl describe deployment``; the caller finds the old and new ReplicaSets it owns."""
    now_s = to_seconds(now)
    events = list(events) if events is not None else None
    meta, spec, status = dep.get("metadata") or {}, dep.get("spec") or {}, dep.get("status") or {}
    try:
        selector = selector_string(spec.get("selector"))
    except InvalidSelector as e:
        from .errors import KubectlError
        raise KubectlError.from_error(str(e)) from None
    w = _Writer()
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.write(0, f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'))}\n")
    _labels_multiline(w, "Labels", meta.get("labels"))
    _annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Selector:\t{selector}\n")
    n = {k: int(status.get(k) or 0) for k in ("updatedReplicas", "replicas", "availableReplicas",
                                               "unavailableReplicas")}
    w.write(0, f"Replicas:\t{int(spec.get('replicas', 1))} desired | {n['updatedReplicas']} updated | "
               f"{n['replicas']} total | {n['availableReplicas']} available | {n['unavailableReplicas']} unavailable\n")
    strategy = spec.get("strategy") or {}
    w.write(0, f"StrategyType:\t{strategy.get('type', '')}\n")
    w.write(0, f"MinReadySeconds:\t{int(spec.get('minReadySeconds') or 0)}\n")
    ru = strategy.get("rollingUpdate")
    if ru is not None:
        w.write(0, f"RollingUpdateStrategy:\t{_int_or_string(ru.get('maxUnavailable', 0))} max unavailable, "
                   f"{_int_or_string(ru.get('maxSurge', 0))} max surge\n")
    template = spec.get("template") or {}
    tspec = template.get("spec") or {}
    w.write(0, "Pod Template:\n")
    _labels_multiline(w, "  Labels", _g(template, "metadata", "labels"))
    if _g(template, "metadata", "annotations"):
        _annotations_multiline(w, "  Annotations", template["metadata"]["annotations"])
    if tspec.get("serviceAccountName"):
        w.write(1, f"Service Account:\t{tspec['serviceAccountName']}\n")
    if tspec.get("initContainers"):
        _describe_containers(w, "Init Containers", tspec["initContainers"], None, "  ", None)
    _describe_containers(w, "Containers", tspec.get("containers") or [], None, "  ", None)
    _describe_volumes(w, tspec.get("volumes"), "  ")
    if tspec.get("priorityClassName"):
        w.write(1, f"Priority Class Name:\t{tspec['priorityClassName']}\n")
    _labels_multiline(w, "  Node-Selectors", tspec.get("nodeSelector"))
    _tolerations_multiline(w, "  Tolerations", tspec.get("tolerations"))
    if status.get("conditions"):
        w.write(0, "Conditions:\n  Type\tStatus\tReason\n")
        w.write(1, "----\t------\t------\n")
        for c in status["conditions"]:
            w.write(1, f"{c.get('type', '')} \t{c.get('status', '')}\t{c.get('reason', '')}\n")

    def rs_list(rss) -> str:
        items = [f"{_g(rs, 'metadata', 'name', default='')} ({int(_g(rs, 'status', 'replicas', default=0))}/"
                 f"{int(_g(rs, 'spec', 'replicas', default=1))} replicas created)" for rs in rss]
        return ", ".join(items) or "<none>"

    new = [new_replicaset] if new_replicaset is not None else []
    if old_replicasets or new:
        w.write(0, f"OldReplicaSets:\t{rs_list(old_replicasets)}\n")
        w.write(0, f"NewReplicaSet:\t{rs_list(new)}\n")
    _describe_events(w, events, now_s)
    return w.text()


# ---------------------------------------------------------------- nodes

def _pod_totals(pod: dict, key: str) -> dict[str, Quantity]:
    """Requests or limits of a pod: sum over containers, at least each init container's (PodRequests)."""
    totals: dict[str, Quantity] = {}
    for c in _g(pod, "spec", "containers", default=[]):
        for name, v in (_g(c, "resources", key) or {}).items():
            q = Quantity.parse(v)
            totals[name] = totals[name] + q if name in totals else q
    for c in _g(pod, "spec", "initContainers", default=[]):
        for name, v in (_g(c, "resources", key) or {}).items():
            q = Quantity.parse(v)
            if name not in totals or q.value > totals[name].value:
                totals[name] = q
    return totals


def _pct(part: Quantity, whole: Quantity | None, milli: bool) -> int:
    if whole is None or whole.value == 0:
        return 0
    if milli:
        return int(part.milli_value() / whole.milli_value() * 100)
    return int(part.int_value() / whole.int_value() * 100)


def describe_node(node: dict, pods: list | None = (), events: list | None = (), *, lease: dict | None = None,
                  now: Now = 0) -> str:
    """``kubectl describe node``; ``pods`` are the node's non-terminated pods (None: not authorized),
    ``lease`` its Lease in kube-node-lease (None: the "Failed to get lease" line kubectl prints)."""
    now_s = to_seconds(now)
    events = list(events) if events is not None else None
    meta, spec, status = node.get("metadata") or {}, node.get("spec") or {}, node.get("status") or {}
    w = _Writer()
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Roles:\t{','.join(node_roles(node)) or '<none>'}\n")
    _labels_multiline(w, "Labels", meta.get("labels"))
    _annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'))}\n")
    _taints_multiline(w, "Taints", spec.get("taints"))
    w.write(0, f"Unschedulable:\t{'true' if spec.get('unschedulable') else 'false'}\n")
    if lease is None:
        w.write(0, f'Lease:\tFailed to get lease: leases.coordination.k8s.io "{meta.get("name", "")}" not found\n')
    else:
        w.write(0, "Lease:\n")
        lspec = lease.get("spec") or {}
        w.write(1, f"HolderIdentity:\t{lspec.get('holderIdentity') or '<unset>'}\n")
        for title, key in (("AcquireTime", "acquireTime"), ("RenewTime", "renewTime")):
            w.write(1, f"{title}:\t{rfc1123z(lspec[key]) if lspec.get(key) else '<unset>'}\n")
    if status.get("conditions"):
        w.write(0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n")
        w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n")
        for c in status["conditions"]:
            w.write(1, f"{c.get('type', '')} \t{c.get('status', '')} \t{rfc1123z(c.get('lastHeartbeatTime'))} \t"
                       f"{rfc1123z(c.get('lastTransitionTime'))} \t{c.get('reason', '')} \t{c.get('message', '')}\n")
    w.write(0, "Addresses:\n")
    for a in status.get("addresses") or []:
        w.write(1, f"{a.get('type', '')}:\t{a.get('address', '')}\n")
    for title, key in (("Capacity", "capacity"), ("Allocatable", "allocatable")):
        if status.get(key):
            w.write(0, f"{title}:\n")
            for name in sorted(status[key]):
                w.write(0, f"  {name}:\t{Quantity.parse(status[key][name])}\n")
    info = status.get("nodeInfo") or {}
    w.write(0, "System Info:\n")
    for title, key in (("Machine ID", "machineID"), ("System UUID", "systemUUID"), ("Boot ID", "bootID"),
                       ("Kernel Version", "kernelVersion"), ("OS Image", "osImage"),
                       ("Operating System", "operatingSystem"), ("Architecture", "architecture"),
                       ("Container Runtime Version", "containerRuntimeVersion"),
                       ("Kubelet Version", "kubeletVersion")):
        w.write(0, f"  {title}:\t{info.get(key, '')}\n")
    if spec.get("podCIDR"):
        w.write(0, f"PodCIDR:\t{spec['podCIDR']}\n")
    if spec.get("podCIDRs"):
        w.write(0, f"PodCIDRs:\t{','.join(spec['podCIDRs'])}\n")
    if spec.get("providerID"):
        w.write(0, f"ProviderID:\t{spec['providerID']}\n")
    if pods is None:
        w.write(0, "Pods:\tnot authorized\n")
    else:
        pods = list(pods)
        alloc_src = status.get("allocatable") or status.get("capacity") or {}
        alloc = {k: Quantity.parse(v) for k, v in alloc_src.items()}
        w.write(0, f"Non-terminated Pods:\t({len(pods)} in total)\n")
        w.write(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n")
        w.write(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n")
        total_req: dict[str, Quantity] = {}
        total_lim: dict[str, Quantity] = {}
        for p in pods:
            req, lim = _pod_totals(p, "requests"), _pod_totals(p, "limits")
            for tot, part in ((total_req, req), (total_lim, lim)):
                for k, q in part.items():
                    tot[k] = tot[k] + q if k in tot else q
            cells = []
            for res, milli in (("cpu", True), ("memory", False)):
                for part in (req, lim):
                    q = part.get(res, Quantity.zero())
                    cells.append(f"{q} ({_pct(q, alloc.get(res), milli)}%)")
            w.write(1, f"{_g(p, 'metadata', 'namespace', default='')}\t{_g(p, 'metadata', 'name', default='')}\t\t"
                       f"{cells[0]}\t{cells[1]}\t{cells[2]}\t{cells[3]}\t"
                       f"{age(_g(p, 'metadata', 'creationTimestamp'), now_s)}\n")
        w.write(0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n")
        w.write(1, "Resource\tRequests\tLimits\n")
        w.write(1, "--------\t--------\t------\n")
        for res, milli in (("cpu", True), ("memory", False), ("ephemeral-storage", False)):
            r, li = total_req.get(res, Quantity.zero()), total_lim.get(res, Quantity.zero())
            w.write(1, f"{res}\t{r} ({_pct(r, alloc.get(res), milli)}%)\t{li} ({_pct(li, alloc.get(res), milli)}%)\n")
        for res in sorted(k for k in alloc if k.startswith("hugepages-")):
            r, li = total_req.get(res, Quantity.zero()), total_lim.get(res, Quantity.zero())
            w.write(1, f"{res}\t{r} ({_pct(r, alloc.get(res), False)}%)\t{li} ({_pct(li, alloc.get(res), False)}%)\n")
    _describe_events(w, events, now_s)
    return w.text()
