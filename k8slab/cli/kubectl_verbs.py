"""The kubectl verbs that build or change objects: the generators (``create deployment``,
``create service``, ``create namespace``, ``create configmap``, ``run``, ``expose``), ``scale``,
``label``/``annotate``, ``rollout restart|status``, ``cordon``/``uncordon``/``drain``.

Objects are built as kubectl v1.33 builds them (``pkg/cmd/create/create_deployment.go``,
``create_service.go``, ``create_namespace.go``, ``pkg/generate/versioned/run.go`` BasicPod,
``pkg/cmd/expose/expose.go`` with ``polymorphichelpers``), and the lines printed are its
PrintFlags operations: ``deployment.apps/web created``, ``service/web exposed``,
``deployment.apps/web scaled``, ``pod/web labeled``, ``deployment.apps/web restarted``,
``node/kind-worker cordoned``; drain prints its eviction lines (``pkg/cmd/drain/drain.go``,
``pkg/drain``). Each verb lets the controllers react before returning.
"""

from __future__ import annotations

from k8slab.api.errors import APIError, StatusError, not_found
from k8slab.api.labels import is_dns1123_subdomain, is_label_value
from k8slab.api.validation import is_valid_port_name

from .errors import KubectlError
from .kubectl import check_output_format, dry_run, dry_run_suffix, print_errors, print_object, run_exec
from .kubectl_cmdline import usage_error
from .kubectl_context import Ctx
from .kubectl_select import select


def _name_arg(ctx: Ctx) -> str:
    """``NameFromCommandArgs``: exactly one NAME before ``--``."""
    n = ctx.p.dash if ctx.p.dash != -1 else len(ctx.p.args)
    if n != 1:
        raise usage_error(ctx.p.command, f"exactly one NAME is required, got {n}")
    return ctx.p.args[0]


def _create(ctx: Ctx, obj: dict, strategy: str, wrap: str = "") -> dict | None:
    """Create ``obj`` (or pretend, for a dry run); ``wrap`` is the ``failed to create X: `` prefix
    some generators add (their error is then a plain one: ``error: failed to create ...``)."""
    ns = ctx.namespace
    if strategy == "client":
        return obj
    try:
        if strategy == "server":
            from k8slab.api.resources import for_kind

            res = for_kind(obj["apiVersion"], obj["kind"])
            name = obj["metadata"]["name"]
            if ctx.store.try_get(res, name, ns if res.namespaced else None) is not None:
                from k8slab.api.errors import already_exists

                raise already_exists(res.qualified, name)
            return obj
        return ctx.store.create(obj, ns)
    except APIError as e:
        if wrap:
            raise KubectlError(f"error: {wrap}{e.message}") from None
        raise


def _finish(ctx: Ctx, obj: dict, strategy: str, operation: str = "created") -> int:
    print_object(ctx, obj, operation + dry_run_suffix(strategy))
    ctx.settle()
    return 0


# --- create deployment / namespace / service / configmap -------------------------------------------

def create_deployment(ctx: Ctx) -> int:
    """``kubectl create deployment NAME --image=IMAGE [--replicas=N] [--port=N] [-- COMMAND]``."""
    p = ctx.p
    if not p.has("image"):
        raise KubectlError('error: required flag(s) "image" not set')
    name = _name_arg(ctx)
    command = p.args[1:]
    images = p.get("image") or []
    check_output_format(ctx)
    strategy = dry_run(ctx)
    if len(images) > 1 and command:
        raise KubectlError("error: cannot specify multiple --image options and command")
    labels = {"app": name}
    containers = []
    for image in images:
        cname = image.split("/")[-1].split(":")[0].split("@")[0]
        if "_" in cname or "." in cname:
            cname = cname.replace("_", "-").replace(".", "-") + "-" + _random5(ctx)
        c = {"name": cname, "image": image, "resources": {}}
        if command:
            c["command"] = list(command)
        containers.append(c)
    if p.get("port") >= 0 and containers:
        containers[0]["ports"] = [{"containerPort": p.get("port")}]
    deploy = {"apiVersion": "apps/v1", "kind": "Deployment",
              "metadata": {"labels": dict(labels), "name": name},
              "spec": {"replicas": p.get("replicas"), "selector": {"matchLabels": dict(labels)}, "strategy": {},
                       "template": {"metadata": {"labels": dict(labels)},
                                    "spec": {"containers": containers}}},
              "status": {}}
    if ctx.explicit_namespace:
        deploy["metadata"]["namespace"] = ctx.namespace
    created = _create(ctx, deploy, strategy, wrap="failed to create deployment: ")
    return _finish(ctx, created, strategy)


def _random5(ctx: Ctx) -> str:
    """utilrand.String(5), from the cluster's seeded random source."""
    alphabet = "bcdfghjklmnpqrstvwxz2456789"
    return "".join(ctx.store.rng.choice(alphabet) for _ in range(5))


def create_namespace(ctx: Ctx) -> int:
    """``kubectl create namespace NAME``."""
    name = _name_arg(ctx)
    check_output_format(ctx)
    strategy = dry_run(ctx)
    obj = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}, "spec": {}, "status": {}}
    created = _create(ctx, obj, strategy)
    return _finish(ctx, created, strategy)


def _parse_service_port(spec: str) -> tuple[int, object]:
    """create_service.go parsePorts: ``PORT[:TARGET]`` (target a number or a port name)."""
    parts = spec.split(":")
    first = parts[0]
    if not first.isdecimal():
        raise KubectlError(f'error: strconv.ParseUint: parsing "{first}": invalid syntax')
    port = int(first)
    if port > 65535:
        raise KubectlError(f'error: strconv.ParseUint: parsing "{first}": value out of range')
    if len(parts) == 1:
        return port, port
    target = parts[1]
    try:
        num = int(target)
    except ValueError:
        errs = is_valid_port_name(target)
        if errs:
            raise KubectlError("error: " + ",".join(errs)) from None
        return port, target
    if not 1 <= num <= 65535:
        raise KubectlError("error: must be between 1 and 65535, inclusive")
    return port, num


def create_service(ctx: Ctx) -> int:
    """``kubectl create service clusterip|nodeport|loadbalancer|externalname NAME --tcp=PORT:TARGET``."""
    p = ctx.p
    kind = {"clusterip": "ClusterIP", "nodeport": "NodePort", "loadbalancer": "LoadBalancer",
            "externalname": "ExternalName"}[p.command.name]
    name = _name_arg(ctx)
    check_output_format(ctx)
    strategy = dry_run(ctx)
    cluster_ip = p.get("clusterip") or ""
    tcp = p.get("tcp") or []
    if cluster_ip == "None" and kind != "ClusterIP":
        raise KubectlError("error: ClusterIP=None can only be used with ClusterIP service type")
    if cluster_ip != "None" and not tcp and kind != "ExternalName":
        raise KubectlError("error: at least one tcp port specifier must be provided")
    external = p.get("external-name") or ""
    if kind == "ExternalName" and is_dns1123_subdomain(external):
        raise KubectlError(f"error: invalid service external name {external}")
    ports = []
    for spec in tcp:
        port, target = _parse_service_port(spec)
        entry = {"name": spec.replace(":", "-"), "port": port, "protocol": "TCP", "targetPort": target}
        if p.get("node-port"):
            entry["nodePort"] = p.get("node-port")
        ports.append(entry)
    spec = {"ports": ports, "selector": {"app": name}, "type": kind}
    if not ports:
        spec.pop("ports")
    if external:
        spec["externalName"] = external
    if cluster_ip:
        spec["clusterIP"] = cluster_ip
    svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"labels": {"app": name}, "name": name},
           "spec": spec, "status": {"loadBalancer": {}}}
    if ctx.explicit_namespace:
        svc["metadata"]["namespace"] = ctx.namespace
    created = _create(ctx, svc, strategy, wrap=f"failed to create {kind} service: ")
    return _finish(ctx, created, strategy)


def create_configmap(ctx: Ctx) -> int:
    """``kubectl create configmap NAME --from-literal=k=v`` (files: read from the notebook's directory)."""
    import os

    p = ctx.p
    name = _name_arg(ctx)
    check_output_format(ctx)
    strategy = dry_run(ctx)
    data: dict[str, str] = {}
    for lit in p.get("from-literal") or []:
        key, eq, value = lit.partition("=")
        if not eq or not key:
            raise KubectlError(f'error: invalid literal source {lit}, expected key=value')
        if key in data:
            raise KubectlError(f'error: cannot add key "{key}", another key by that name already exists in Data for '
                               f'ConfigMap "{name}"')
        data[key] = value
    for src in p.get("from-file") or []:
        key, eq, path = src.partition("=")
        if not eq:
            key, path = os.path.basename(src), src
        try:
            with open(path, encoding="utf-8") as f:
                data[key] = f.read()
        except OSError:
            raise KubectlError(f"error: error reading {path}: no such file or directory") from None
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}}
    if data:
        cm["data"] = data
    created = _create(ctx, cm, strategy, wrap="failed to create configmap: ")
    return _finish(ctx, created, strategy)


# --- run -----------------------------------------------------------------------------------------------

def run_run(ctx: Ctx) -> int:
    """``kubectl run NAME --image=IMAGE [--port] [--env] [-l] [--restart] [--command] [-- ARGS]``
    (BasicPod generator); with ``-i``/``--attach`` the pod's command runs once it is up, and
    ``--rm`` deletes the pod afterwards."""
    p = ctx.p
    args = list(p.args)
    if not args or p.dash == 0:
        raise usage_error(p.command, "NAME is required for run")
    name = args[0]
    image = p.get("image") or ""
    if not image:
        raise KubectlError("error: --image is required")
    if any(ch.isspace() for ch in image) or image != image.strip() or image.startswith(("/", ":")):
        raise KubectlError(f'error: Invalid image name "{image}": invalid reference format')
    stdin, tty = bool(p.get("stdin")), bool(p.get("tty"))
    if tty and not stdin:
        raise usage_error(p.command, "-i/--stdin is required for containers with -t/--tty=true")
    if p.get("expose") and not p.get("port"):
        raise usage_error(p.command, "--port must be set when exposing a service")
    check_output_format(ctx)
    strategy = dry_run(ctx)
    attach = p.get("attach") if p.has("attach") else stdin
    remove = bool(p.get("rm"))
    if not attach and remove:
        raise usage_error(p.command, "--rm should only be used for attached containers")
    if attach and strategy != "none":
        raise usage_error(p.command, "--dry-run=[server|client] can't be used with attached containers options "
                                     "(--attach, --stdin, or --tty)")
    restart = p.get("restart") or "Always"
    if restart not in ("Always", "OnFailure", "Never"):
        raise KubectlError(f"error: invalid restart policy: {restart}")
    labels = {"run": name}
    if p.get("labels"):
        labels = {}
        for part in p.get("labels").split(","):
            kv = part.split("=")
            if len(kv) != 2:
                raise KubectlError(f"error: invalid label spec: {part}")
            labels[kv[0]] = kv[1]
    envs = []
    for env in p.get("env") or []:
        key, eq, value = env.partition("=")
        if not eq or not key or not key.replace("_", "a").replace("-", "a").replace(".", "a").isalnum() \
                or key[0].isdecimal():
            raise KubectlError(f"error: invalid env: {env}")
        envs.append({"name": key, "value": value})
    container: dict = {"name": name, "image": image, "resources": {}}
    rest = args[1:]
    if rest:
        container["command" if p.get("command") else "args"] = rest
    if envs:
        container["env"] = envs
    if p.get("image-pull-policy"):
        container["imagePullPolicy"] = p.get("image-pull-policy")
    if p.get("port"):
        try:
            container["ports"] = [{"containerPort": int(p.get("port"))}]
        except ValueError:
            raise KubectlError(f'error: strconv.Atoi: parsing "{p.get("port")}": invalid syntax') from None
    if stdin:
        container["stdin"] = True
        container["stdinOnce"] = not p.get("leave-stdin-open")
    if tty:
        container["tty"] = True
    if p.get("privileged"):
        container["securityContext"] = {"privileged": True}
    meta: dict = {"labels": labels, "name": name}
    annotations = {}
    for a in p.get("annotations") or []:
        k, eq, v = a.partition("=")
        if not eq:
            raise KubectlError(f"error: invalid annotation spec: {a}")
        annotations[k] = v
    if annotations:
        meta["annotations"] = annotations
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
           "spec": {"containers": [container], "dnsPolicy": "ClusterFirst", "restartPolicy": restart},
           "status": {}}
    created = _create(ctx, pod, strategy)
    ctx.settle()
    if p.get("expose"):
        svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
               "spec": {"ports": [{"port": int(p.get("port")), "protocol": "TCP", "targetPort": int(p.get("port"))}],
                        "selector": dict(labels)}, "status": {"loadBalancer": {}}}
        svc_created = _create(ctx, svc, strategy)
        print_object(ctx, svc_created, "created" + dry_run_suffix(strategy))
    if not attach:
        print_object(ctx, created, "created" + dry_run_suffix(strategy))
        return 0
    return _attach(ctx, created, rest, remove)


def _attach(ctx: Ctx, pod: dict, command: list[str], remove: bool) -> int:
    """``kubectl run -i``: run the pod's command in it (as attaching to it would show), then ``--rm``."""
    name = pod["metadata"]["name"]
    live = ctx.store.try_get("pods", name, ctx.namespace) or pod
    code = 0
    if not (live.get("spec") or {}).get("nodeName") or ctx.cluster.sandbox(name, ctx.namespace) is None:
        ctx.err("error: timed out waiting for the condition\n")
        code = 1
    elif command:
        from .kubectl_cmdline import parse

        sub = Ctx(ctx.cluster, parse(["exec", name, "--", *command]), ctx.stdin)
        sub.namespace, sub.explicit_namespace = ctx.namespace, ctx.explicit_namespace
        code = run_exec(sub)
        ctx.out(sub.stdout)
        ctx.err(sub.stderr.replace("command terminated with exit code", "pod " + ctx.namespace + "/" + name +
                                   " terminated (Error)\ncommand terminated with exit code"))
    else:
        ctx.err("If you don't see a command prompt, try pressing enter.\n"
                "(k8slab: there is no terminal to attach to; use kubectl exec POD -- COMMAND)\n")
    if remove:
        try:
            ctx.store.delete("pods", name, ctx.namespace)
            ctx.out(f'pod "{name}" deleted\n')
        except APIError:
            pass
        ctx.settle()
    return code


# --- expose --------------------------------------------------------------------------------------------

def _map_selector(obj: dict) -> str:
    """polymorphichelpers.MapBasedSelectorForObject."""
    kind = obj.get("kind")
    spec = obj.get("spec") or {}
    labels = (obj.get("metadata") or {}).get("labels") or {}
    if kind == "Pod":
        if not labels:
            raise KubectlError("error: couldn't retrieve selectors via --selector flag or introspection: the pod has "
                               "no labels and cannot be exposed")
        sel = labels
    elif kind == "Service":
        if not spec.get("selector"):
            raise KubectlError("error: couldn't retrieve selectors via --selector flag or introspection: the service "
                               "has no pod selector set")
        sel = spec["selector"]
    else:
        selector = spec.get("selector") or {}
        if not selector:
            raise KubectlError("error: couldn't retrieve selectors via --selector flag or introspection: invalid "
                               f"{kind.lower()}: no selectors, therefore cannot be exposed")
        if selector.get("matchExpressions"):
            raise KubectlError("error: couldn't retrieve selectors via --selector flag or introspection: couldn't "
                               "convert expressions to map-based selector format")
        sel = selector.get("matchLabels") or {}
    return ",".join(f"{k}={v}" for k, v in sorted(sel.items()))


def _ports_of(obj: dict) -> list[tuple[str, str]]:
    """PortsForObject with MultiProtocolsForObject: (port, protocol) pairs."""
    kind = obj.get("kind")
    spec = obj.get("spec") or {}
    if kind == "Service":
        return [(str(p.get("port")), p.get("protocol", "TCP")) for p in spec.get("ports") or []]
    if kind != "Pod":
        spec = ((spec.get("template") or {}).get("spec")) or {}
    out = []
    for c in spec.get("containers") or []:
        for port in c.get("ports") or []:
            out.append((str(port.get("containerPort")), port.get("protocol", "TCP")))
    return out


def _parse_labels(text: str) -> dict:
    if not text:
        raise KubectlError("error: no label spec passed")
    out = {}
    for spec in text.split(","):
        kv = spec.split("=")
        if len(kv) != 2:
            raise KubectlError(f"error: unexpected label spec: {spec}")
        if not kv[0]:
            raise KubectlError("error: unexpected empty label key")
        out[kv[0]] = kv[1]
    return out


def run_expose(ctx: Ctx) -> int:
    """``kubectl expose (deployment|pod|service|replicaset) NAME [--port] [--target-port] [--type] [--name]``."""
    p = ctx.p
    check_output_format(ctx)
    strategy = dry_run(ctx)
    sel = select(ctx, list(p.args), allow_empty_selector=False)
    if sel.errors and not sel.items:
        print_errors(ctx, sel.errors)
        return 1
    for res, obj in sel.items:
        if res.kind not in ("Pod", "Service", "Deployment", "ReplicaSet", "ReplicationController"):
            raise KubectlError(f"error: cannot expose a {res.qualified_kind}")
        selector = p.get("selector") or _map_selector(obj)
        port = p.get("port") or ""
        ports: list[str] = []
        protocols: dict[str, list[str]] = {}
        if not port:
            found = _ports_of(obj)
            if not found and p.get("cluster-ip") != "None":
                raise KubectlError("error: couldn't find port via --port flag or introspection")
            ports = [pp for pp, _ in found]
            for pp, proto in found:
                protocols.setdefault(pp, []).append(proto)
        else:
            ports = port.split(",")
        labels = _parse_labels(p.get("labels")) if p.get("labels") else dict(obj["metadata"].get("labels") or {})
        name = p.get("name") or obj["metadata"]["name"][:63]
        svc_ports = []
        for i, s in enumerate(ports):
            try:
                num = int(s)
            except ValueError:
                raise KubectlError(f'error: strconv.Atoi: parsing "{s}": invalid syntax') from None
            pname = f"port-{i + 1}" if len(ports) > 1 else ""
            protocol = p.get("protocol") or ""
            if not protocol:
                protos = protocols.get(s, [])
                if len(protos) > 1:
                    for proto in protos:
                        svc_ports.append({"name": f"port-{i + 1}-{proto.lower()}", "port": num, "protocol": proto})
                    continue
                protocol = protos[0] if protos else "TCP"
            entry = {"port": num, "protocol": protocol}
            if pname:
                entry = {"name": pname, **entry}
            svc_ports.append(entry)
        target = p.get("target-port") or ""
        for entry in svc_ports:
            entry["targetPort"] = (int(target) if target.isdecimal() else target) if target else entry["port"]
        spec: dict = {"ports": svc_ports, "selector": _parse_labels(selector)}
        if p.get("external-ip"):
            spec["externalIPs"] = [p.get("external-ip")]
        if p.get("type"):
            spec["type"] = p.get("type")
        if spec.get("type") == "LoadBalancer" and p.get("load-balancer-ip"):
            spec["loadBalancerIP"] = p.get("load-balancer-ip")
        if p.get("session-affinity"):
            if p.get("session-affinity") not in ("None", "ClientIP"):
                raise KubectlError(f"error: unknown session affinity: {p.get('session-affinity')}")
            spec["sessionAffinity"] = p.get("session-affinity")
        if p.get("cluster-ip"):
            spec["clusterIP"] = p.get("cluster-ip")
        meta: dict = {"name": name}
        if labels:
            meta = {"labels": labels, "name": name}
        svc = {"apiVersion": "v1", "kind": "Service", "metadata": meta, "spec": spec,
               "status": {"loadBalancer": {}}}
        created = _create(ctx, svc, strategy)
        print_object(ctx, created, "exposed" + dry_run_suffix(strategy))
    ctx.settle()
    print_errors(ctx, sel.errors)
    return 1 if sel.errors else 0


# --- scale -----------------------------------------------------------------------------------------------

def run_scale(ctx: Ctx) -> int:
    """``kubectl scale deployment/web --replicas=3``."""
    p = ctx.p
    check_output_format(ctx)
    strategy = dry_run(ctx)
    replicas = p.get("replicas")
    if replicas < 0:
        raise KubectlError("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0")
    if p.get("current-replicas") < -1:
        raise KubectlError("error: The --current-replicas must specify an integer of -1 or greater")
    sel = select(ctx, list(p.args), allow_empty_selector=False, label=p.get("selector") or "",
                 select_all=bool(p.get("all")))
    if not sel.items:
        if sel.errors:
            raise KubectlError("error: no objects passed to scale " + _messages(sel.errors))
        raise KubectlError("error: no objects passed to scale")
    for res, obj in sel.items:
        if strategy == "client":
            print_object(ctx, obj, "scaled" + dry_run_suffix(strategy))
            continue
        if res.kind not in ("Deployment", "ReplicaSet", "StatefulSet", "ReplicationController"):
            raise StatusError("NotFound", "the server could not find the requested resource", 404)
        current = (obj.get("spec") or {}).get("replicas", 1)
        if p.get("current-replicas") != -1 and current != p.get("current-replicas"):
            raise KubectlError(f"error: Expected replicas to be {p.get('current-replicas')}, was {current}")
        if strategy == "none":
            obj = ctx.store.patch(res, obj["metadata"]["name"], {"spec": {"replicas": replicas}},
                                  obj["metadata"].get("namespace"), patch_type="merge")
        print_object(ctx, obj, "scaled" + dry_run_suffix(strategy))
    ctx.settle()
    print_errors(ctx, sel.errors)
    return 1 if sel.errors else 0


def _messages(errors: list) -> str:
    from .kubectl_context import message_of

    return "; ".join(message_of(e).removeprefix("error: ") for e in errors)


# --- label / annotate -------------------------------------------------------------------------------------

def _resources_and_pairs(args: list[str], what: str) -> tuple[list[str], list[str]]:
    """cmdutil.GetResourcesAndPairs: resources first, then ``k=v``/``k-`` pairs."""
    resources, pairs, found = [], [], False
    for s in args:
        pair = ("=" in s and not s.startswith("=")) or (s.endswith("-") and s != "-")
        if pair:
            found = True
            pairs.append(s)
        elif found:
            raise KubectlError(f"error: all resources must be specified before {what} changes: {s}")
        else:
            resources.append(s)
    return resources, pairs


def run_label(ctx: Ctx) -> int:
    return _label_or_annotate(ctx, "label")


def run_annotate(ctx: Ctx) -> int:
    return _label_or_annotate(ctx, "annotation")


def _label_or_annotate(ctx: Ctx, what: str) -> int:
    """label.go / annotate.go: parse the pairs, check --overwrite, merge-patch metadata."""
    p = ctx.p
    field = "labels" if what == "label" else "annotations"
    resources, pairs = _resources_and_pairs(list(p.args), what)
    if p.get("list") and p.get("output"):
        raise KubectlError("error: --list and --output may not be specified together")
    if p.get("all") and p.get("selector"):
        raise KubectlError("error: cannot set --all and --selector at the same time")
    if p.get("all") and p.get("field-selector"):
        raise KubectlError("error: cannot set --all and --field-selector at the same time")
    if not resources and not p.get("filename"):
        raise KubectlError("error: one or more resources must be specified as <resource> <name> or "
                           "<resource>/<name>")
    new, remove = {}, []
    invalid = []
    for spec in pairs:
        if "=" in spec and not spec.startswith("="):
            if what == "label":
                parts = spec.split("=")
                if len(parts) != 2:
                    raise KubectlError(f"error: invalid label spec: {spec}")
                errs = is_label_value(parts[1])
                if errs:
                    raise KubectlError(f'error: invalid label value: "{spec}": {";".join(errs)}')
                new[parts[0]] = parts[1]
            else:
                k, _, v = spec.partition("=")
                new[k] = v
        elif spec.endswith("-") and spec != "-":
            remove.append(spec[:-1])
        else:
            invalid.append(spec)
    if invalid:
        raise KubectlError(f"error: invalid {what} format: {', '.join(invalid)}")
    if what == "label":
        if any(r in new for r in remove):
            raise KubectlError("error: can not both modify and remove a label in the same command")
    else:
        both = [r for r in remove if r in new]
        if both:
            raise KubectlError("error: can not both modify and remove the following annotation(s) in the same "
                               f"command: {', '.join(both)}")
    if not new and not remove and not p.get("list"):
        raise KubectlError(f"error: at least one {what} update is required")
    check_output_format(ctx)
    strategy = dry_run(ctx)
    sel = select(ctx, resources, allow_empty_selector=bool(p.get("all")), label=p.get("selector") or "",
                 fields=p.get("field-selector") or "", select_all=bool(p.get("all")),
                 all_namespaces=bool(p.get("all-namespaces")))
    errors = list(sel.errors)
    for res, obj in sel.items:
        meta = obj["metadata"]
        current = dict(meta.get(field) or {})
        if p.get("list"):
            if not sel.single:
                ctx.out(f"Listing {field} for {res.kind}.{res.group}/{meta['name']}:\n")
            for k, v in sorted(current.items()):
                ctx.out(f"{'' if sel.single else ' '}{k}={v}\n")
            continue
        if not p.get("overwrite"):
            clash = [(k, current[k]) for k in sorted(new) if k in current and current[k] != new[k]]
            if clash and what == "label":
                errors.extend(KubectlError(f"error: '{k}' already has a value ({v}), and --overwrite is false")
                              for k, v in clash)
                continue
            if clash:
                text = "; ".join(f"'{k}' already has a value ({v})" for k, v in clash)
                errors.append(KubectlError(f"error: --overwrite is false but found the following declared "
                                           f"annotation(s): {text}"))
                continue
        if what == "label" and strategy == "none":
            for r in remove:
                if r not in current:
                    ctx.out(f'label "{r}" not found.\n')
        updated = dict(current)
        updated.update(new)
        for r in remove:
            updated.pop(r, None)
        if updated == current:
            op = "not labeled" if what == "label" else "annotated"
        elif what == "label" and not p.get("overwrite") and len(updated) < len(current):
            op = "unlabeled"
        else:
            op = "labeled" if what == "label" else "annotated"
        out_obj = obj
        if strategy == "none" and updated != current:
            patch = {k: v for k, v in new.items()}
            patch.update({r: None for r in remove if r in current})
            try:
                out_obj = ctx.store.patch(res, meta["name"], {"metadata": {field: patch}}, meta.get("namespace"),
                                          patch_type="merge")
            except APIError as e:
                errors.append(e)
                continue
        print_object(ctx, out_obj, op + dry_run_suffix(strategy))
    ctx.settle()
    print_errors(ctx, errors)
    return 1 if errors else 0


# --- rollout ------------------------------------------------------------------------------------------------

def rollout_restart(ctx: Ctx) -> int:
    """``kubectl rollout restart deployment/web``: stamp ``kubectl.kubernetes.io/restartedAt`` on the template."""
    p = ctx.p
    if not p.args and not p.get("filename"):
        raise KubectlError("error: required resource not specified")
    check_output_format(ctx)
    sel = select(ctx, list(p.args), allow_empty_selector=False, label=p.get("selector") or "")
    errors = list(sel.errors)
    for res, obj in sel.items:
        if res.kind not in ("Deployment", "DaemonSet", "StatefulSet"):
            errors.append(KubectlError(f'error: {res.qualified} "{obj["metadata"]["name"]}" restarting is not '
                                       "supported"))
            continue
        annotations = ((((obj.get("spec") or {}).get("template") or {}).get("metadata") or {}).get("annotations")
                       or {})
        if annotations.get("kubectl.kubernetes.io/restartedAt") == ctx.now:
            errors.append(KubectlError(f"error: failed to create patch for {obj['metadata']['name']}: if restart has "
                                       "already been triggered within the past second, please wait before attempting "
                                       "to trigger another"))
            continue
        patch = {"spec": {"template": {"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": ctx.now}}}}}
        try:
            updated = ctx.store.patch(res, obj["metadata"]["name"], patch, obj["metadata"].get("namespace"))
        except APIError as e:
            errors.append(KubectlError(f"error: failed to patch: {e.message}"))
            continue
        print_object(ctx, updated, "restarted")
    ctx.settle()
    print_errors(ctx, errors)
    return 1 if errors else 0


def rollout_status(ctx: Ctx) -> int:
    """``kubectl rollout status deployment/web``: the status viewer's line (the cluster has settled,
    so a rollout that is not done now will not finish without ``cluster.advance()``)."""
    p = ctx.p
    if not p.args and not p.get("filename"):
        raise KubectlError("error: required resource not specified")
    sel = select(ctx, list(p.args), allow_empty_selector=False, label=p.get("selector") or "")
    if sel.errors:
        print_errors(ctx, sel.errors)
        return 1
    if not sel.items:
        ctx.err(f"No resources found in {ctx.namespace} namespace.\n")
        return 0
    res, d = sel.items[0]
    if res.kind != "Deployment":
        raise KubectlError(f"error: no status viewer has been implemented for {res.qualified_kind}")
    name = d["metadata"]["name"]
    spec, status = d.get("spec") or {}, d.get("status") or {}
    want = spec.get("replicas", 1)
    updated, total, available = (status.get("updatedReplicas", 0), status.get("replicas", 0),
                                 status.get("availableReplicas", 0))
    if d["metadata"].get("generation", 1) > status.get("observedGeneration", 0):
        line = "Waiting for deployment spec update to be observed...\n"
    elif updated < want:
        line = f'Waiting for deployment "{name}" rollout to finish: {updated} out of {want} new replicas have been ' \
               "updated...\n"
    elif total > updated:
        line = f'Waiting for deployment "{name}" rollout to finish: {total - updated} old replicas are pending ' \
               "termination...\n"
    elif available < updated:
        line = f'Waiting for deployment "{name}" rollout to finish: {available} of {updated} updated replicas are ' \
               "available...\n"
    else:
        ctx.out(f'deployment "{name}" successfully rolled out\n')
        return 0
    ctx.out(line)
    if not p.get("watch"):
        return 0
    raise KubectlError("error: the rollout has not finished and k8slab's kubectl does not wait: move the clock on "
                       "(cluster.advance(seconds)) and ask again")


# --- cordon / uncordon / drain ------------------------------------------------------------------------------

def _nodes(ctx: Ctx) -> list[dict]:
    p = ctx.p
    label = p.get("selector") or ""
    if not p.args and not label:
        raise usage_error(p.command, f"USAGE: {p.command.name} NODE [flags]")
    if p.args and label:
        raise usage_error(p.command, "error: cannot specify both a node name and a --selector option")
    if label:
        return ctx.store.list("nodes", None, label)
    out = []
    for name in p.args:
        node = ctx.store.try_get("nodes", name)
        if node is None:
            raise not_found("nodes", name)
        out.append(node)
    return out


def _cordon(ctx: Ctx, nodes: list[dict], desired: bool, strategy: str) -> None:
    for node in nodes:
        if bool((node.get("spec") or {}).get("unschedulable")) == desired:
            print_object(ctx, node, ("already cordoned" if desired else "already uncordoned"))
            continue
        if strategy == "none":
            node = ctx.store.patch("nodes", node["metadata"]["name"], {"spec": {"unschedulable": desired or None}},
                                   patch_type="merge")
        print_object(ctx, node, ("cordoned" if desired else "uncordoned") + dry_run_suffix(strategy))


def run_cordon(ctx: Ctx) -> int:
    strategy = dry_run(ctx)
    _cordon(ctx, _nodes(ctx), True, strategy)
    ctx.settle()
    return 0


def run_uncordon(ctx: Ctx) -> int:
    strategy = dry_run(ctx)
    _cordon(ctx, _nodes(ctx), False, strategy)
    ctx.settle()
    return 0


def run_drain(ctx: Ctx) -> int:
    """``kubectl drain NODE``: cordon, then evict its pods (pkg/drain filters: DaemonSet, mirror,
    emptyDir, unmanaged pods), then ``node/NAME drained``."""
    p = ctx.p
    strategy = dry_run(ctx)
    nodes = _nodes(ctx)
    _cordon(ctx, nodes, True, strategy)
    fatal, remaining = [], []
    for node in nodes:
        name = node["metadata"]["name"]
        pods = ctx.store.list("pods", None, None, f"spec.nodeName={name}")
        if p.get("pod-selector"):
            pods = ctx.store.list("pods", None, p.get("pod-selector"), f"spec.nodeName={name}")
        to_delete, warnings, errors = [], {}, {}
        for pod in pods:
            meta = pod["metadata"]
            key = f"{meta['namespace']}/{meta['name']}"
            if meta.get("deletionTimestamp"):
                continue
            owners = meta.get("ownerReferences") or []
            controller = next((o for o in owners if o.get("controller")), None)
            phase = (pod.get("status") or {}).get("phase")
            finished = phase in ("Succeeded", "Failed")
            if controller is not None and controller.get("kind") == "DaemonSet":
                if p.get("ignore-daemonsets"):
                    warnings.setdefault("ignoring DaemonSet-managed Pods", []).append(key)
                else:
                    errors.setdefault("DaemonSet-managed Pods (use --ignore-daemonsets to ignore)", []).append(key)
                continue
            if "kubernetes.io/config.mirror" in (meta.get("annotations") or {}):
                continue
            if any("emptyDir" in v for v in (pod.get("spec") or {}).get("volumes") or []) and not finished:
                if p.get("delete-emptydir-data"):
                    warnings.setdefault("deleting Pods with local storage", []).append(key)
                else:
                    errors.setdefault("Pods with local storage (use --delete-emptydir-data to override)",
                                      []).append(key)
                    continue
            if controller is None and not finished:
                if p.get("force"):
                    warnings.setdefault("deleting Pods that declare no controller", []).append(key)
                else:
                    errors.setdefault("cannot delete Pods that declare no controller (use --force to override)",
                                      []).append(key)
                    continue
            to_delete.append(pod)
        if errors:
            # utilerrors.NewAggregate: one error as it is, several as "[e1, e2]"
            msgs = [f"cannot delete {msg}: {', '.join(keys)}" for msg, keys in errors.items()]
            text = msgs[0] if len(msgs) == 1 else "[" + ", ".join(msgs) + "]"
            ctx.err(f'error: unable to drain node "{name}" due to error: {text}, continuing command...\n')
            fatal.append(text)
            remaining.append(name)
            continue
        if warnings:
            ctx.err("Warning: " + "; ".join(f"{m}: {', '.join(k)}" for m, k in warnings.items()) + "\n")
        if strategy == "client":
            for pod in to_delete:
                ctx.out(f"evicting pod {pod['metadata']['namespace']}/{pod['metadata']['name']} (dry run)\n")
        else:
            for pod in to_delete:
                suffix = " (server dry run)" if strategy == "server" else ""
                ctx.out(f"evicting pod {pod['metadata']['namespace']}/{pod['metadata']['name']}{suffix}\n")
            for pod in to_delete:
                if strategy == "none":
                    try:
                        ctx.store.delete("pods", pod["metadata"]["name"], pod["metadata"]["namespace"])
                    except APIError:
                        pass
                print_object(ctx, pod, "evicted")
        print_object(ctx, node, "drained" + dry_run_suffix(strategy))
    ctx.settle()
    if remaining:
        ctx.err("There are pending nodes to be drained:\n" + "".join(f" {n}\n" for n in remaining))
        ctx.err("error: " + fatal[0] + "\n" if len(fatal) == 1 else "".join(f + "\n" for f in fatal))
        return 1
    return 0
