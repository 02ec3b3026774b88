"""``kubectl describe``: pods, services, endpoints, endpointslices, nodes, deployments, replicasets,
namespaces (others get a short generic description), with the object's Events from the store.

Layout from kubectl v1.33 ``pkg/describe/describe.go``: a Go tabwriter with minwidth 0, tabwidth 8,
padding 2 (``tabbedString``); a prefix of two spaces per level; ``Key:\\tvalue`` lines that align
within each run of tabbed lines (a line without a tab ends the run); labels, annotations, taints and
tolerations one per line under their title; times in RFC 1123 with a numeric zone
(``Sun, 12 Jan 2025 10:00:00 +0000``); ``Events:  <none>`` or the
``Type Reason Age From Message`` table. Several objects are separated by a blank line; a NAME that
matches nothing is tried as a prefix (``DescribeMatchingResources``).
"""

from __future__ import annotations

from datetime import datetime, timezone

from k8slab.api.errors import StatusError

from . import describe as _describe
from .duration import age, parse_rfc3339
from .errors import KubectlError
from .kubectl import print_errors
from .kubectl_context import Ctx
from .kubectl_select import select
from .labels import selector_string
from .tabwriter import TabWriter

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
MAX_ANNOTATION_LEN = 140


class _Writer:
    """describe.go's prefixWriter over a tabwriter(0, 8, 2, ' ')."""

    def __init__(self):
        self.tw = TabWriter(minwidth=0, tabwidth=8, padding=2, padchar=" ", remember_widths=False)
        self.done: list[str] = []

    def w(self, level: int, text: str) -> None:
        self.tw.write("  " * level + text)

    def line(self, text: str) -> None:
        self.tw.write(text + "\n")

    def flush(self) -> None:
        """PrefixWriter.Flush: end the current alignment block."""
        self.done.append(self.tw.flush())

    def text(self) -> str:
        self.flush()
        return "".join(self.done)


def rfc1123z(ts: str | None) -> str:
    """Go's ``time.RFC1123Z`` of an RFC 3339 timestamp (UTC): ``Sun, 12 Jan 2025 10:00:00 +0000``."""
    if not ts:
        return "Mon, 01 Jan 0001 00:00:00 +0000"
    try:
        t = datetime.fromtimestamp(parse_rfc3339(ts), tz=timezone.utc)
    except (ValueError, OverflowError):
        return str(ts)
    days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    return f"{days[t.weekday()]}, {t.day:02d} {months[t.month - 1]} {t.year} {t:%H:%M:%S} +0000"


def _labels(w: _Writer, title: str, labels: dict | None, indent: str = "") -> None:
    w.w(0, f"{indent}{title}:\t")
    if not labels:
        w.line("<none>")
        return
    for i, key in enumerate(sorted(labels)):
        if i:
            w.w(0, f"{indent}\t")
        w.w(0, f"{key}={labels[key]}\n")


def _annotations(w: _Writer, title: str, annotations: dict | None) -> None:
    w.w(0, f"{title}:\t")
    keys = sorted(k for k in (annotations or {}) if k != LAST_APPLIED)
    if not keys:
        w.line("<none>")
        return
    for i, key in enumerate(keys):
        if i:
            w.w(0, "\t")
        value = str(annotations[key]).removesuffix("\n")
        if len(value) + len(key) + 2 > MAX_ANNOTATION_LEN or "\n" in value:
            w.w(0, f"{key}:\n")
            for s in value.split("\n"):
                short = s[:MAX_ANNOTATION_LEN - 2] + "..." if len(s) > MAX_ANNOTATION_LEN - 2 else s
                w.w(0, f"\t  {short}\n")
        else:
            w.w(0, f"{key}: {value}\n")


def _tolerations(w: _Writer, title: str, tolerations: list | None) -> None:
    w.w(0, f"{title}:\t")
    if not tolerations:
        w.line("<none>")
        return
    for i, t in enumerate(sorted(tolerations, key=lambda t: t.get("key", ""))):
        if i:
            w.w(0, f"{title[:len(title) - len(title.lstrip())]}\t" if title.startswith(" ") else "\t")
        text = t.get("key", "")
        if t.get("value"):
            text += "=" + t["value"]
        if t.get("effect"):
            text += ":" + t["effect"]
        if t.get("operator") == "Exists" and not t.get("value"):
            text += " op=Exists" if (t.get("key") or t.get("effect")) else "op=Exists"
        if t.get("tolerationSeconds") is not None:
            text += f" for {t['tolerationSeconds']}s"
        w.w(0, text + "\n")


def _events(w: _Writer, events: list[dict] | None, now: str) -> None:
    if events is None:
        return
    if not events:
        w.w(0, "Events:\t<none>\n")
        return
    w.flush()
    ordered = sorted(events, key=lambda e: parse_rfc3339(e.get("lastTimestamp") or e.get("eventTime") or
                                                         e.get("firstTimestamp") or "2025-01-12T10:00:00Z"))
    w.w(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
    w.w(1, "----\t------\t----\t----\t-------\n")
    for e in ordered:
        first = age(e.get("eventTime") or e.get("firstTimestamp"), now) if (e.get("eventTime") or
                                                                         e.get("firstTimestamp")) else "<unknown>"
        series = e.get("series")
        if series:
            interval = f"{age(series.get('lastObservedTime'), now)} (x{series.get('count')} over {first})"
        elif (e.get("count") or 0) > 1:
            interval = f"{age(e.get('lastTimestamp'), now)} (x{e['count']} over {first})"
        else:
            interval = first
        source = (e.get("source") or {}).get("component") or e.get("reportingComponent") or ""
        w.w(1, f"{e.get('type', '')}\t{e.get('reason', '')}\t{interval}\t{source}\t"
               f"{(e.get('message') or '').strip()}\n")


def _events_for(ctx: Ctx, obj: dict) -> list[dict] | None:
    """searchEvents: the events whose involvedObject is this object (by name, namespace, kind, uid)."""
    if not ctx.p.get("show-events"):
        return None
    meta = obj["metadata"]
    out = []
    for e in ctx.store.list("events", meta.get("namespace") or None):
        inv = e.get("involvedObject") or {}
        if inv.get("name") != meta["name"] or inv.get("kind") != obj.get("kind"):
            continue
        if inv.get("uid") and inv.get("uid") != meta.get("uid") and inv.get("uid") != meta["name"]:
            continue
        out.append(e)
    return out


# --- the describers ---------------------------------------------------------------------------------

def _containers(w: _Writer, label: str, containers: list, statuses: list | None, space: str = "") -> None:
    by_name = {s.get("name"): s for s in statuses or []}
    w.w(0, f"{space}{label}:{'' if containers else ' <none>'}\n")
    for c in containers:
        status = by_name.get(c.get("name"))
        ok = statuses is not None and status is not None
        w.w(1, f"{' ' if space else ''}{c.get('name')}:\n")
        if ok:
            w.w(2, f"Container ID:\t{status.get('containerID', '')}\n")
        w.w(2, f"Image:\t{c.get('image', '')}\n")
        if ok:
            w.w(2, f"Image ID:\t{status.get('imageID', '')}\n")
        ports = ", ".join(f"{p.get('containerPort')}/{p.get('protocol', 'TCP')}" for p in c.get("ports") or [])
        host_ports = ", ".join(f"{p.get('hostPort', 0)}/{p.get('protocol', 'TCP')}" for p in c.get("ports") or [])
        w.w(2, f"Ports:\t{ports}\n" if "," in ports else f"Port:\t{ports or '<none>'}\n")
        w.w(2, f"Host Ports:\t{host_ports}\n" if "," in host_ports else f"Host Port:\t{host_ports or '<none>'}\n")
        for key, title in (("command", "Command"), ("args", "Args")):
            if c.get(key):
                w.w(2, f"{title}:\n")
                for item in c[key]:
                    for s in str(item).split("\n"):
                        w.w(3, f"{s}\n")
        if ok:
            _state(w, "State", status.get("state") or {})
            last = status.get("lastState") or {}
            if last.get("terminated"):
                _state(w, "Last State", last)
            w.w(2, f"Ready:\t{'True' if status.get('ready') else 'False'}\n")
            w.w(2, f"Restart Count:\t{status.get('restartCount', 0)}\n")
        res = c.get("resources") or {}
        for key, title in (("limits", "Limits"), ("requests", "Requests")):
            if res.get(key):
                w.w(2, f"{title}:\n")
                for name in sorted(res[key]):
                    w.w(3, f"{name}:\t{res[key][name]}\n")
        for key, title in (("livenessProbe", "Liveness"), ("readinessProbe", "Readiness"),
                           ("startupProbe", "Startup")):
            if c.get(key):
                w.w(2, f"{title}:\t{_probe(c[key])}\n")
        env = c.get("env") or []
        w.w(2, f"Environment:{'' if env else chr(9) + '<none>'}\n")
        for e in env:
            if "valueFrom" in e:
                ref = e["valueFrom"].get("fieldRef") or {}
                w.w(3, f"{e.get('name')}:\t ({ref.get('apiVersion', 'v1')}:{ref.get('fieldPath', '')})\n")
                continue
            for i, s in enumerate(str(e.get("value", "")).split("\n")):
                w.w(3, f"{e.get('name')}:\t{s}\n" if i == 0 else f"\t{s}\n")
        mounts = c.get("volumeMounts") or []
        w.w(2, f"Mounts:{'' if mounts else chr(9) + '<none>'}\n")
        for m in sorted(mounts, key=lambda m: m.get("mountPath", "")):
            flags = ["ro" if m.get("readOnly") else "rw"]
            if m.get("subPath"):
                flags.append(f'path="{m["subPath"]}"')
            w.w(3, f"{m.get('mountPath')} from {m.get('name')} ({','.join(flags)})\n")


def _state(w: _Writer, title: str, state: dict) -> None:
    if "running" in state:
        w.w(2, f"{title}:\tRunning\n")
        w.w(3, f"Started:\t{rfc1123z((state['running'] or {}).get('startedAt'))}\n")
    elif "waiting" in state:
        w.w(2, f"{title}:\tWaiting\n")
        if (state["waiting"] or {}).get("reason"):
            w.w(3, f"Reason:\t{state['waiting']['reason']}\n")
    elif "terminated" in state:
        t = state["terminated"] or {}
        w.w(2, f"{title}:\tTerminated\n")
        if t.get("reason"):
            w.w(3, f"Reason:\t{t['reason']}\n")
        if t.get("message"):
            w.w(3, f"Message:\t{t['message']}\n")
        w.w(3, f"Exit Code:\t{t.get('exitCode', 0)}\n")
        if t.get("signal"):
            w.w(3, f"Signal:\t{t['signal']}\n")
        w.w(3, f"Started:\t{rfc1123z(t.get('startedAt'))}\n")
        w.w(3, f"Finished:\t{rfc1123z(t.get('finishedAt'))}\n")
    else:
        w.w(2, f"{title}:\tWaiting\n")


def _probe(p: dict) -> str:
    """DescribeProbe: ``http-get http://:80/ delay=0s timeout=1s period=10s #success=1 #failure=3``."""
    attrs = (f"delay={p.get('initialDelaySeconds', 0)}s timeout={p.get('timeoutSeconds', 1)}s "
             f"period={p.get('periodSeconds', 10)}s #success={p.get('successThreshold', 1)} "
             f"#failure={p.get('failureThreshold', 3)}")
    if "exec" in p:
        return f"exec {list((p['exec'] or {}).get('command') or [])} {attrs}".replace("'", "")
    if "httpGet" in p:
        h = p["httpGet"] or {}
        scheme = (h.get("scheme") or "HTTP").lower()
        return f"http-get {scheme}://{h.get('host', '')}:{h.get('port')}{h.get('path', '')} {attrs}"
    if "tcpSocket" in p:
        t = p["tcpSocket"] or {}
        return f"tcp-socket {t.get('host', '')}:{t.get('port')} {attrs}"
    if "grpc" in p:
        return f"grpc <pod>:{(p['grpc'] or {}).get('port')} {(p['grpc'] or {}).get('service', '')} {attrs}"
    return f"unknown {attrs}"


def _volumes(w: _Writer, volumes: list | None, space: str = "") -> None:
    if not volumes:
        w.w(0, f"{space}Volumes:\t<none>\n")
        return
    w.w(0, f"{space}Volumes:\n")
    for v in volumes:
        w.w(1, f"{' ' if space else ''}{v.get('name')}:\n")
        kind = next((k for k in v if k != "name"), "")
        src = v.get(kind) or {}
        if kind == "emptyDir":
            w.w(2, "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n")
            w.w(2, f"Medium:\t{src.get('medium', '')}\n")
            w.w(2, f"SizeLimit:\t{src.get('sizeLimit', '<unset>')}\n")
        elif kind == "configMap":
            w.w(2, "Type:\tConfigMap (a volume populated by a ConfigMap)\n")
            w.w(2, f"Name:\t{src.get('name', '')}\n")
            w.w(2, f"Optional:\t{'true' if src.get('optional') else 'false'}\n")
        elif kind == "hostPath":
            w.w(2, "Type:\tHostPath (bare host directory volume)\n")
            w.w(2, f"Path:\t{src.get('path', '')}\n")
            w.w(2, f"HostPathType:\t{src.get('type', '')}\n")
        elif kind == "projected":
            w.w(2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n")
        else:
            w.w(2, "<unknown>\n")


def describe_pod(ctx: Ctx, pod: dict) -> str:
    return _describe.describe_pod(pod, _events_for(ctx, pod), now=ctx.now)


def describe_service(ctx: Ctx, svc: dict) -> str:
    meta = svc["metadata"]
    slices = ctx.store.list("endpointslices.discovery.k8s.io", meta.get("namespace"),
                            label_selector=f"kubernetes.io/service-name={meta['name']}")
    return _describe.describe_service(svc, slices, _events_for(ctx, svc), now=ctx.now)


def describe_endpoints(ctx: Ctx, ep: dict) -> str:
    return _describe.describe_endpoints(ep, _events_for(ctx, ep), now=ctx.now)


def describe_endpointslice(ctx: Ctx, es: dict) -> str:
    w = _Writer()
    meta = es["metadata"]
    w.w(0, f"Name:\t{meta['name']}\n")
    w.w(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    _labels(w, "Labels", meta.get("labels"))
    _annotations(w, "Annotations", meta.get("annotations"))
    w.w(0, f"AddressType:\t{es.get('addressType', '')}\n")
    ports = es.get("ports") or []
    if not ports:
        w.w(0, "Ports:\t<unset>\n")
    else:
        w.w(0, "Ports:\n")
        w.w(1, "Name\tPort\tProtocol\n")
        w.w(1, "----\t----\t--------\n")
        for p in ports:
            port = p.get("port")
            w.w(1, f"{p.get('name') or '<unset>'}\t{port if port is not None else '<unset>'}\t"
                   f"{p.get('protocol') or '<unset>'}\n")
    endpoints = es.get("endpoints") or []
    if not endpoints:
        w.w(0, "Endpoints:\t<none>\n")
    else:
        w.w(0, "Endpoints:\n")
        for ep in endpoints:
            w.w(1, f"- Addresses:\t{','.join(ep.get('addresses') or [])}\n")
            w.w(2, "Conditions:\n")
            cond = ep.get("conditions") or {}
            ready = cond.get("ready")
            w.w(3, f"Ready:\t{'<unset>' if ready is None else ('true' if ready else 'false')}\n")
            w.w(2, f"Hostname:\t{ep.get('hostname') or '<unset>'}\n")
            ref = ep.get("targetRef")
            w.w(2, f"TargetRef:\t{ref.get('kind')}/{ref.get('name')}\n" if ref else "TargetRef:\t<unset>\n")
            w.w(2, f"NodeName:\t{ep.get('nodeName') or '<unset>'}\n")
            w.w(2, f"Zone:\t{ep.get('zone') or '<unset>'}\n")
    _events(w, _events_for(ctx, es), ctx.now)
    return w.text()


def _replicasets_of(ctx: Ctx, d: dict) -> tuple[list[dict], list[dict]]:
    """(old, new) ReplicaSets owned by the Deployment; the new one has the template's pod-template-hash."""
    uid = d["metadata"].get("uid")
    owned = [rs for rs in ctx.store.list("replicasets", d["metadata"].get("namespace"))
             if any(o.get("uid") == uid and o.get("controller") for o in rs["metadata"].get("ownerReferences") or [])]
    template = (d.get("spec") or {}).get("template") or {}

    def same(rs):
        tpl = dict(((rs.get("spec") or {}).get("template")) or {})
        meta = dict(tpl.get("metadata") or {})
        labels = dict(meta.get("labels") or {})
        labels.pop("pod-template-hash", None)
        meta["labels"] = labels
        tpl["metadata"] = meta
        want_meta = dict(template.get("metadata") or {})
        want_meta["labels"] = dict(want_meta.get("labels") or {})
        return tpl.get("spec") == template.get("spec") and labels == want_meta["labels"]

    new = [rs for rs in owned if same(rs)][:1]
    old = [rs for rs in owned if rs not in new and ((rs.get("spec") or {}).get("replicas") or 0) > 0]
    return old, new


def _pod_template(w: _Writer, template: dict) -> None:
    w.w(0, "Pod Template:\n")
    meta, spec = template.get("metadata") or {}, template.get("spec") or {}
    _labels(w, "  Labels", meta.get("labels"))
    if meta.get("annotations"):
        _annotations(w, "  Annotations", meta["annotations"])
    if spec.get("serviceAccountName"):
        w.w(1, f"Service Account:\t{spec['serviceAccountName']}\n")
    if spec.get("initContainers"):
        _containers(w, "Init Containers", spec["initContainers"], None, "  ")
    _containers(w, "Containers", spec.get("containers") or [], None, "  ")
    _volumes(w, spec.get("volumes"), "  ")
    if spec.get("priorityClassName"):
        w.w(1, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    _labels(w, "  Node-Selectors", spec.get("nodeSelector"))
    _tolerations(w, "  Tolerations", spec.get("tolerations"))


def describe_node(ctx: Ctx, node: dict) -> str:
    name = node["metadata"]["name"]
    pods = [p for p in ctx.store.list("pods") if (p.get("spec") or {}).get("nodeName") == name
            and (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed")]
    lease = ctx.store.try_get("leases", name, "kube-node-lease")
    return _describe.describe_node(node, pods, _events_for(ctx, node), lease=lease, now=ctx.now)


def describe_deployment(ctx: Ctx, d: dict) -> str:
    old, new = _replicasets_of(ctx, d)
    return _describe.describe_deployment(d, old, new[0] if new else None, _events_for(ctx, d), now=ctx.now)


def describe_replicaset(ctx: Ctx, rs: dict) -> str:
    w = _Writer()
    meta, spec, status = rs["metadata"], rs.get("spec") or {}, rs.get("status") or {}
    uid = meta.get("uid")
    counts = {"Running": 0, "Pending": 0, "Succeeded": 0, "Failed": 0}
    for pod in ctx.store.list("pods", meta.get("namespace")):
        if any(o.get("uid") == uid and o.get("controller") for o in pod["metadata"].get("ownerReferences") or []):
            phase = (pod.get("status") or {}).get("phase")
            if phase in counts:
                counts[phase] += 1
    w.w(0, f"Name:\t{meta['name']}\n")
    w.w(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.w(0, f"Selector:\t{selector_string(spec.get('selector'))}\n")
    _labels(w, "Labels", meta.get("labels"))
    _annotations(w, "Annotations", meta.get("annotations"))
    owner = next((o for o in meta.get("ownerReferences") or [] if o.get("controller")), None)
    if owner:
        w.w(0, f"Controlled By:\t{owner.get('kind')}/{owner.get('name')}\n")
    w.w(0, f"Replicas:\t{status.get('replicas', 0)} current / {spec.get('replicas', 1)} desired\n")
    w.w(0, f"Pods Status:\t{counts['Running']} Running / {counts['Pending']} Waiting / {counts['Succeeded']} "
           f"Succeeded / {counts['Failed']} Failed\n")
    _pod_template(w, spec.get("template") or {})
    if status.get("conditions"):
        w.w(0, "Conditions:\n  Type\tStatus\tReason\n")
        w.w(1, "----\t------\t------\n")
        for c in status["conditions"]:
            w.w(1, f"{c.get('type')} \t{c.get('status')}\t{c.get('reason', '')}\n")
    _events(w, _events_for(ctx, rs), ctx.now)
    return w.text()


def describe_namespace(ctx: Ctx, ns: dict) -> str:
    w = _Writer()
    meta = ns["metadata"]
    w.w(0, f"Name:\t{meta['name']}\n")
    _labels(w, "Labels", meta.get("labels"))
    _annotations(w, "Annotations", meta.get("annotations"))
    w.w(0, f"Status:\t{(ns.get('status') or {}).get('phase', 'Active')}\n")
    w.w(0, "\n")
    w.w(0, "No resource quota.\n")
    w.w(0, "\n")
    w.w(0, "No LimitRange resource.\n")
    return w.text()


def describe_generic(ctx: Ctx, obj: dict) -> str:
    """For kinds without their own describer: name, namespace, labels, annotations, the rest as YAML-ish."""
    w = _Writer()
    meta = obj["metadata"]
    w.w(0, f"Name:\t{meta['name']}\n")
    if meta.get("namespace"):
        w.w(0, f"Namespace:\t{meta['namespace']}\n")
    _labels(w, "Labels", meta.get("labels"))
    _annotations(w, "Annotations", meta.get("annotations"))
    w.w(0, f"API Version:\t{obj.get('apiVersion', '')}\n")
    w.w(0, f"Kind:\t{obj.get('kind', '')}\n")
    for key in sorted(k for k in obj if k not in ("apiVersion", "kind", "metadata")):
        w.w(0, f"{key[0].upper() + key[1:]}:\n")
        _generic_value(w, obj[key], 1)
    _events(w, _events_for(ctx, obj), ctx.now)
    return w.text()


def _generic_value(w: _Writer, value, level: int) -> None:
    if isinstance(value, dict):
        for k in value:
            v = value[k]
            title = k[0].upper() + k[1:] if k else k
            if isinstance(v, (dict, list)):
                w.w(level, f"{title}:\n")
                _generic_value(w, v, level + 1)
            else:
                w.w(level, f"{title}:\t{v}\n")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, (dict, list)):
                _generic_value(w, item, level)
            else:
                w.w(level, f"{item}\n")
    else:
        w.w(level, f"{value}\n")


DESCRIBERS = {"Pod": describe_pod, "Service": describe_service, "Endpoints": describe_endpoints,
              "EndpointSlice": describe_endpointslice, "Node": describe_node, "Deployment": describe_deployment,
              "ReplicaSet": describe_replicaset, "Namespace": describe_namespace}


def describe_object(ctx: Ctx, obj: dict) -> str:
    return DESCRIBERS.get(obj.get("kind"), describe_generic)(ctx, obj)


def run_describe(ctx: Ctx) -> int:
    """``kubectl describe TYPE [NAME_PREFIX | -l label] | TYPE/NAME``."""
    p = ctx.p
    args = list(p.args)
    if not args and not p.get("filename"):
        raise KubectlError('error: You must specify the type of resource to describe. Use "kubectl api-resources" '
                           "for a complete list of supported resources.")
    all_ns = bool(p.get("all-namespaces"))
    sel = select(ctx, args, allow_empty_selector=True, label=p.get("selector") or "", all_namespaces=all_ns)
    if not sel.items and len(args) == 2 and sel.errors and all(
            isinstance(e, StatusError) and e.reason == "NotFound" for e in sel.errors):
        res = ctx.resource(args[0].split(",")[0])
        matches = [o for o in ctx.store.list(res, ctx.namespace if res.namespaced else None)
                   if o["metadata"]["name"].startswith(args[1])]
        if not matches:
            print_errors(ctx, sel.errors[:1])
            return 1
        for obj in matches:
            ctx.out(describe_object(ctx, obj) + "\n")
        return 0
    first = True
    for _, obj in sel.items:
        text = describe_object(ctx, obj)
        ctx.out(text if first else "\n\n" + text)
        first = False
    if not sel.items and not sel.errors:
        ctx.err("No resources found\n" if all_ns else f"No resources found in {ctx.namespace} namespace.\n")
    print_errors(ctx, sel.errors)
    return 1 if sel.errors else 0
