"""``kubectl`` against the simulated cluster: a pure function from a command line to what kubectl prints.

>>> import k8slab
>>> c = k8slab.kind(workers=2)
>>> out, err, code = kubectl(c, "get nodes")
>>> print(out, end="")
NAME                 STATUS   ROLES           AGE   VERSION
kind-control-plane   Ready    control-plane   60s   v1.33.1
kind-worker          Ready    <none>          45s   v1.33.1
kind-worker2         Ready    <none>          45s   v1.33.1
>>> kubectl(c, "gett pods")
('', 'error: unknown command "gett" for "kubectl"\\n\\nDid you mean this?\\n\\tset\\n\\tget\\n', 1)

The behaviour follows kubectl v1.33 (``k8s.io/kubectl`` v0.33.1 and ``k8s.io/cli-runtime`` v0.33.1):
the command line is parsed as cobra/pflag do (:mod:`.kubectl_cmdline`), objects are selected as
the resource Builder selects them (:mod:`.kubectl_select`), tables and ``-o`` formats come from
:mod:`.output`, errors are printed as ``cmdutil.CheckErr`` prints them, with exit code 1. Every
verb that changes something lets the cluster's controllers react before returning
(``cluster.settle()``), as a real cluster would within moments. Nothing raises: a bug in the
simulator is reported as an ``error:`` line rather than a Python traceback.
"""

from __future__ import annotations

import shlex

from k8slab.api.errors import APIError, ClientError, StatusError, kubectl_message
from k8slab.api.manifest import apply_manifest, format_apply, parse_manifest
from k8slab.api.resources import RESOURCES, for_kind, no_match_error

from . import output as _output
from .errors import KubectlError
from .kubectl_cmdline import ROOT, Parsed, flag_error, parse, usage_error
from .kubectl_context import CONTEXT, SERVER, Ctx, Exit, message_of
from .kubectl_select import select

Result = tuple[str, str, int]
VERSION = "v1.33.1"
KUSTOMIZE_VERSION = "v5.6.0"  # what kubectl v1.33 embeds (kubectl go.mod: sigs.k8s.io/kustomize/kustomize/v5)


def kubectl(cluster, command, stdin: str | None = None) -> Result:
    """Run one kubectl command line (a string or an argv list, with or without the leading
    ``kubectl``) against ``cluster``; returns ``(stdout, stderr, exit_code)`` and never raises."""
    try:
        return _run(cluster, command, stdin)
    except Exception as e:  # noqa: BLE001 - a learner must never see a traceback
        return "", f"error: k8slab's kubectl failed unexpectedly ({type(e).__name__}: {e}); please report it\n", 1


def split_command(command) -> list[str]:
    """The argv of a command line, as a POSIX shell splits it (``kubectl`` first word dropped)."""
    if isinstance(command, (list, tuple)):
        argv = [str(a) for a in command]
    else:
        argv = shlex.split(str(command), comments=False, posix=True)
    if argv and argv[0] in ("kubectl", "k"):
        argv = argv[1:]
    return argv


def _run(cluster, command, stdin) -> Result:
    try:
        argv = split_command(command)
    except ValueError as e:
        return "", f"error: cannot read the command line: {str(e).lower()} (check the quotes)\n", 1
    try:
        p = parse(argv)
    except KubectlError as e:
        return "", e.message.rstrip("\n") + "\n", e.exit_code
    ctx = Ctx(cluster, p, stdin)
    code = 0
    try:
        _check_globals(ctx)
        handler = _handler(p)
        result = handler(ctx)
        code = result if isinstance(result, int) else 0
    except Exit as e:
        code = e.code
    except (KubectlError, APIError) as e:
        ctx.fail(e)
        code = getattr(e, "exit_code", 1)
    return ctx.stdout, ctx.stderr, code


def _check_globals(ctx: Ctx) -> None:
    p = ctx.p
    context = p.get("context")
    if context and context != CONTEXT:
        raise KubectlError(f"error: context was not found for specified context: {context}")
    cluster = p.get("cluster")
    if cluster and cluster != CONTEXT:
        raise KubectlError(f'error: no server found for cluster "{cluster}"')
    if p.get("help"):
        ctx.out(help_text(p))
        raise Exit(0)


def help_text(p: Parsed) -> str:
    """A short help (kubectl's own is long; this names the commands and flags k8slab simulates)."""
    cmd = p.command
    if cmd.parent is None:
        names = [c.name for c in cmd.children if not c.any_flags and not c.hidden]
        return ("kubectl controls the Kubernetes cluster manager (simulated by k8slab).\n\n"
                "Commands k8slab simulates:\n" + "".join(f"  {n}\n" for n in names) +
                "\nUsage:\n  kubectl [flags] [options]\n\nUse \"kubectl <command> --help\" for more information "
                "about a given command.\n")
    lines = [f"Usage:\n  {cmd.path} [options]\n"]
    if cmd.children:
        lines.append("\nAvailable Commands:\n" + "".join(f"  {c.name}\n" for c in cmd.children if not c.any_flags))
    if cmd.flags:
        lines.append("\nOptions:\n" + "".join(
            f"    {'-' + f.short + ', ' if f.short else ''}--{f.name}\n" for f in cmd.flags if f.name != "help"))
    return "".join(lines)


def _handler(p: Parsed):
    from . import kubectl_describe, kubectl_verbs

    cmd = p.command
    if cmd.any_flags:
        return lambda ctx: _not_simulated(ctx)
    if not cmd.runnable:
        return _group
    key = p.path.removeprefix("kubectl").strip()
    table = {
        "": _root, "help": _help, "get": run_get, "apply": run_apply, "create": run_create, "delete": run_delete,
        "exec": run_exec, "logs": run_logs, "version": run_version, "cluster-info": run_cluster_info,
        "api-resources": run_api_resources, "api-versions": run_api_versions, "explain": run_explain,
        "config current-context": _config_current_context, "config get-contexts": _config_get_contexts,
        "config get-clusters": _config_get_clusters, "config view": _config_view,
        "config use-context": _config_use_context, "top node": _top, "top pod": _top,
        "describe": kubectl_describe.run_describe,
        "create deployment": kubectl_verbs.create_deployment, "create namespace": kubectl_verbs.create_namespace,
        "create service clusterip": kubectl_verbs.create_service,
        "create service nodeport": kubectl_verbs.create_service,
        "create service loadbalancer": kubectl_verbs.create_service,
        "create service externalname": kubectl_verbs.create_service,
        "create configmap": kubectl_verbs.create_configmap,
        "scale": kubectl_verbs.run_scale, "label": kubectl_verbs.run_label, "annotate": kubectl_verbs.run_annotate,
        "expose": kubectl_verbs.run_expose, "run": kubectl_verbs.run_run,
        "rollout restart": kubectl_verbs.rollout_restart, "rollout status": kubectl_verbs.rollout_status,
        "cordon": kubectl_verbs.run_cordon, "uncordon": kubectl_verbs.run_uncordon, "drain": kubectl_verbs.run_drain,
    }
    return table.get(key, _not_simulated)


def _root(ctx: Ctx) -> int:
    ctx.out(help_text(ctx.p))
    return 0


def _help(ctx: Ctx) -> int:
    """``kubectl help [COMMAND...]``: cobra's help command."""
    from .kubectl_cmdline import find

    cmd, rest = find(list(ctx.p.args))
    if ctx.p.args and (cmd.parent is None or rest):
        ctx.out(f"Unknown help topic {ctx.p.args!r}\n".replace("'", '"'))
    ctx.out(help_text(Parsed(cmd)))
    return 0


def _group(ctx: Ctx) -> int:
    """A command group run without a sub-command (``kubectl rollout``): DefaultSubCommandRun."""
    if ctx.p.args:
        raise usage_error(ctx.p.command, f'unknown command "{" ".join(ctx.p.args)}"')
    ctx.err(help_text(ctx.p))
    return 1


def _not_simulated(ctx: Ctx) -> int:
    raise KubectlError(f'error: "{ctx.p.path}" is not simulated by k8slab; the commands it knows are listed by '
                       '"kubectl --help"')


# --- shared helpers -----------------------------------------------------------------------------------

def dry_run(ctx: Ctx) -> str:
    """``GetDryRunStrategy``: none, client or server (``--dry-run`` alone is client, with klog's warning)."""
    value = ctx.p.get("dry-run")
    if value is None:
        return "none"
    bools = {"1": True, "t": True, "T": True, "TRUE": True, "true": True, "True": True,
             "0": False, "f": False, "F": False, "FALSE": False, "false": False, "False": False}
    if value in bools:
        strategy = "client" if bools[value] else "none"
        _klog_warning(ctx, f"--dry-run={value} is deprecated (boolean value) and can be replaced with "
                           f"--dry-run={strategy}.")
        return strategy
    if value == "unchanged":
        _klog_warning(ctx, "--dry-run is deprecated and can be replaced with --dry-run=client.")
        return "client"
    if value in ("client", "server", "none"):
        return value
    raise KubectlError(f'error: Invalid dry-run value ({value}). Must be "none", "server", or "client".')


def _klog_warning(ctx: Ctx, message: str) -> None:
    """A klog warning line (``W0112 10:00:00.000000       1 helpers.go:703] ...``) on the virtual clock."""
    now = ctx.now  # 2025-01-12T10:00:05Z
    stamp = f"{now[5:7]}{now[8:10]} {now[11:19]}.000000"
    ctx.err(f"W{stamp}       1 helpers.go:703] {message}\n")


def dry_run_suffix(strategy: str) -> str:
    return {"client": " (dry run)", "server": " (server dry run)"}.get(strategy, "")


def print_errors(ctx: Ctx, errors: list) -> None:
    """An aggregate as CheckErr prints it: one error bare, several one per line (MultipleErrors)."""
    if not errors:
        return
    if len(errors) == 1:
        ctx.fail(errors[0])
        return
    for e in errors:
        if isinstance(e, StatusError):
            ctx.err(kubectl_message(e) + "\n")
        elif isinstance(e, (ClientError, KubectlError)):
            ctx.err(message_of(e).removeprefix("error: ") + "\n")
        else:
            ctx.err(str(e) + "\n")


def print_object(ctx: Ctx, obj: dict, operation: str) -> None:
    """What a mutating verb prints for an object: ``deployment.apps/web created`` (NamePrinter with
    its operation), or the object in the ``-o`` format asked for."""
    fmt = ctx.p.get("output") or ""
    if fmt in ("", "name"):
        line = _output.print_name([obj]).rstrip("\n")
        ctx.out(f"{line} {operation}\n" if fmt == "" and operation else line + "\n")
        return
    if fmt == "wide":
        raise _output.no_compatible_printer(fmt)
    result = _output.get([obj], output=fmt, now=ctx.now, single_item=True)
    ctx.out(result.stdout)


def check_output_format(ctx: Ctx, allowed=("", "json", "yaml", "name")) -> None:
    fmt = ctx.p.get("output") or ""
    base = fmt.split("=", 1)[0]
    if base not in allowed and base not in ("jsonpath", "jsonpath-as-json", "custom-columns", "go-template",
                                             "template"):
        raise _output.no_compatible_printer(fmt)


# --- get ----------------------------------------------------------------------------------------------

def run_get(ctx: Ctx) -> int:
    """``kubectl get``: get.go Complete/Validate/Run and printGeneric."""
    p = ctx.p
    if p.get("watch") or p.get("watch-only"):
        raise KubectlError("error: k8slab's kubectl cannot watch (-w/--watch): the simulated cluster only changes "
                           "when you act on it or call cluster.advance(seconds); run the command again to see what "
                           "changed")
    if p.get("raw"):
        raise KubectlError("error: --raw is not simulated by k8slab")
    if not p.args and not p.get("filename") and not p.get("kustomize"):
        ctx.err('You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of '
                "supported resources.\n\n")
        raise usage_error(p.command, 'Required resource not specified.\nUse "kubectl explain <resource>" for a '
                                     "detailed description of that resource (e.g. kubectl explain pods).")
    fmt = p.get("output") or ""
    if p.get("show-labels") and fmt not in ("", "wide"):
        raise KubectlError(f"error: --show-labels option cannot be used with {fmt} printer")
    if p.get("output-watch-events"):
        raise KubectlError("error: --output-watch-events option can only be used with --watch or --watch-only")
    if p.get("kustomize"):
        raise KubectlError("error: kustomize (-k) is not simulated by k8slab")
    all_ns = bool(p.get("all-namespaces"))
    sel = select(ctx, list(p.args), allow_empty_selector=True, label=p.get("selector") or "",
                 fields=p.get("field-selector") or "", all_namespaces=all_ns)
    errors = list(sel.errors)
    ignore = bool(p.get("ignore-not-found"))
    if ignore:
        errors = [e for e in errors if not (isinstance(e, StatusError) and e.reason == "NotFound")]
    objects = sel.objects
    if p.get("sort-by"):
        objects = _sort_by(objects, p.get("sort-by"))
    human = fmt in ("", "wide")
    if not human and sel.single and errors:
        print_errors(ctx, errors)
        return 1
    if not human and not objects and ignore:
        print_errors(ctx, errors)
        return 1 if errors else 0
    label_columns = tuple(c.strip() for c in p.get("label-columns") or [] if c.strip())
    res = _output.get(objects, output=fmt, now=ctx.now, namespace=ctx.namespace, all_namespaces=all_ns,
                      no_headers=bool(p.get("no-headers")), show_labels=bool(p.get("show-labels")),
                      label_columns=label_columns, single_item=sel.single)
    ctx.out(res.stdout)
    if res.stderr and not errors and not ignore:
        ctx.err(res.stderr)
    print_errors(ctx, errors)
    return 1 if errors else 0


def _sort_by(objects: list[dict], expr: str) -> list[dict]:
    """``--sort-by=JSONPATH``: a stable sort on the value found (numbers numerically)."""
    from .jsonpath import JSONPath, JSONPathError, relaxed_jsonpath

    try:
        jp = JSONPath(relaxed_jsonpath(expr), allow_missing_keys=True)
    except JSONPathError as e:
        raise KubectlError(f"error: {e}") from None

    def key(obj):
        try:
            found = jp.find_results(obj)
        except JSONPathError:
            return (2, "")
        values = [v for arr in found for v in arr]
        if not values:
            return (2, "")
        v = values[0]
        if isinstance(v, bool):
            return (1, str(v))
        if isinstance(v, (int, float)):
            return (0, v)
        return (1, str(v))

    return sorted(objects, key=key)


# --- apply / create -f --------------------------------------------------------------------------------

def run_apply(ctx: Ctx) -> int:
    """``kubectl apply -f``: every document applied in order; successes then errors (format_apply)."""
    p = ctx.p
    if p.args:
        raise usage_error(p.command, f"Unexpected args: [{' '.join(p.args)}]")
    if p.get("kustomize"):
        raise KubectlError("error: kustomize (-k) is not simulated by k8slab")
    if not p.get("filename"):
        raise KubectlError("error: must specify one of -f and -k")
    if p.get("server-side"):
        raise KubectlError("error: server-side apply is not simulated by k8slab: use kubectl apply without "
                           "--server-side")
    if p.get("prune"):
        raise KubectlError("error: --prune is not simulated by k8slab")
    check_output_format(ctx)
    strategy = dry_run(ctx)
    files = ctx.read_filenames()
    namespace = ctx.namespace if ctx.explicit_namespace else None
    outs, errs, failed = [], [], False
    if strategy != "none":
        for source, text in files:
            try:
                objs = parse_manifest(text, source)
            except APIError as e:
                errs.append(message_of(e) + "\n")
                failed = True
                continue
            for obj in objs:
                line, err = _dry_apply_line(ctx, obj, source, strategy)
                if err:
                    errs.append(err + "\n")
                    failed = True
                else:
                    outs.append(line + "\n")
        ctx.out("".join(outs))
        ctx.err("".join(errs))
        return 1 if failed else 0
    results = []
    for source, text in files:
        results.extend(apply_manifest(ctx.store, text, namespace, source=source))
    ctx.settle()
    fmt = p.get("output") or ""
    if fmt:
        for r in results:
            if r.ok and r.object is not None:
                print_object(ctx, r.object, "")
        err = "".join(r.warning + "\n" for r in results if r.warning)
        err += "".join(r.message + "\n" for r in results if not r.ok)
    else:
        out, err = format_apply(results)
        ctx.out(out)
    if not results:
        err += "error: no objects passed to apply\n"
    ctx.err(err)
    return 1 if any(not r.ok for r in results) or not results else 0


def _dry_apply_line(ctx: Ctx, obj: dict, source: str, strategy: str) -> tuple[str, str]:
    res = for_kind(obj.get("apiVersion") if isinstance(obj.get("apiVersion"), str) else "",
                   obj.get("kind") if isinstance(obj.get("kind"), str) else "")
    meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    name = meta.get("name") if isinstance(meta.get("name"), str) else ""
    if res is None:
        return "", message_of(no_match_error(obj.get("apiVersion"), obj.get("kind"), name,
                                             meta.get("namespace", "") or "", source))
    ns = (meta.get("namespace") or ctx.namespace) if res.namespaced else None
    exists = ctx.store.try_get(res, name, ns if isinstance(ns, str) else None) is not None
    verb = "configured" if exists else "created"
    return f"{res.type_name}/{name} {verb}{dry_run_suffix(strategy)}", ""


def run_create(ctx: Ctx) -> int:
    """``kubectl create -f``: each object created; AlreadyExists and the rest reported with their source."""
    p = ctx.p
    if p.args:
        raise usage_error(p.command, f"Unexpected args: [{' '.join(p.args)}]")
    if p.get("kustomize"):
        raise KubectlError("error: kustomize (-k) is not simulated by k8slab")
    if not p.get("filename"):
        raise KubectlError("error: must specify one of -f and -k")
    if p.get("edit"):
        raise KubectlError("error: --edit is not simulated by k8slab")
    check_output_format(ctx)
    strategy = dry_run(ctx)
    errors, count = [], 0
    for source, text in ctx.read_filenames():
        try:
            objs = parse_manifest(text, source)
        except APIError as e:
            errors.append(e)
            continue
        for obj in objs:
            try:
                created = _create_one(ctx, obj, source, strategy)
            except (APIError, KubectlError) as e:
                errors.append(e)
                continue
            count += 1
            print_object(ctx, created, "created" + dry_run_suffix(strategy))
    ctx.settle()
    if count == 0 and not errors:
        errors.append(KubectlError("error: no objects passed to create"))
    print_errors(ctx, errors)
    return 1 if errors else 0


def _create_one(ctx: Ctx, obj: dict, source: str, strategy: str) -> dict:
    kind, api_version = obj.get("kind"), obj.get("apiVersion")
    meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    name = meta.get("name") if isinstance(meta.get("name"), str) else ""
    if not isinstance(kind, str) or not kind:
        raise ClientError(f"unable to decode \"{source}\": Object 'Kind' is missing")
    res = for_kind(api_version if isinstance(api_version, str) else "", kind)
    if res is None:
        raise no_match_error(api_version, kind, name, meta.get("namespace", "") or "", source)
    ns = None
    if res.namespaced:
        obj_ns = meta.get("namespace") if isinstance(meta.get("namespace"), str) else ""
        if ctx.explicit_namespace and obj_ns and obj_ns != ctx.namespace:
            raise KubectlError(f'error: the namespace from the provided object "{obj_ns}" does not match the '
                               f'namespace "{ctx.namespace}". You must pass \'--namespace={obj_ns}\' to perform this '
                               "operation.")
        ns = obj_ns or ctx.namespace
    if strategy == "client":
        return obj
    if strategy == "server":
        if name and ctx.store.try_get(res, name, ns) is not None:
            raise StatusError("AlreadyExists", f'{res.qualified} "{name}" already exists', 409).with_source(
                "creating", source)
        return obj
    try:
        return ctx.store.create(obj, ns)
    except StatusError as e:
        if e.reason == "Invalid":
            raise
        raise e.with_source("creating", source) from None


# --- delete -------------------------------------------------------------------------------------------

def run_delete(ctx: Ctx) -> int:
    """``kubectl delete``: delete.go (v1.33 prints ``pod "x" deleted``; ``from <ns> namespace`` came later)."""
    p = ctx.p
    label, fields = p.get("selector") or "", p.get("field-selector") or ""
    delete_all = bool(p.get("all"))
    ignore = bool(p.get("ignore-not-found"))
    if (delete_all or label or fields) and not p.has("ignore-not-found"):
        ignore = True
    grace = p.get("grace-period")
    if p.get("now"):
        if grace != -1:
            raise KubectlError("error: --now and --grace-period cannot be specified together")
        grace = 1
    force = bool(p.get("force"))
    if grace == 0 and not force:
        grace = 1
    if force and grace < 0:
        grace = 0
    strategy = dry_run(ctx)
    cascade = (p.get("cascade") or "background").lower()
    policies = {"background": "Background", "foreground": "Foreground", "orphan": "Orphan", "true": "Background",
                "false": "Orphan"}
    if cascade not in policies:
        raise KubectlError(f'error: invalid cascade value ({p.get("cascade")}). Must be "background", "foreground", '
                           'or "orphan".')
    fmt = p.get("output") or ""
    if fmt and fmt != "name":
        raise KubectlError(f"error: unexpected -o output mode: {fmt}. We only support '-o name'")
    if delete_all and label:
        raise KubectlError("error: cannot set --all and --selector at the same time")
    if delete_all and fields:
        raise KubectlError("error: cannot set --all and --field-selector at the same time")
    if grace == 0 and force:
        ctx.err("Warning: Immediate deletion does not wait for confirmation that the running resource has been "
                "terminated. The resource may continue to run on the cluster indefinitely.\n")
    elif grace > 0 and force:
        raise KubectlError("error: --force and --grace-period greater than 0 cannot be specified together")
    if p.get("interactive"):
        raise KubectlError("error: --interactive is not simulated by k8slab (there is no terminal to confirm in)")
    all_ns = bool(p.get("all-namespaces"))
    sel = select(ctx, list(p.args), allow_empty_selector=False, label=label, fields=fields,
                 select_all=delete_all, all_namespaces=all_ns)
    errors = [e for e in sel.errors if not (ignore and isinstance(e, StatusError) and e.reason == "NotFound")]
    warn_cluster_scope = ctx.explicit_namespace and not all_ns
    # by name, kubectl does not GET first (RequireObject(false)): an ignored NotFound still counts as visited
    found = len(sel.errors) - len(errors)
    operation = ("force deleted" if grace == 0 else "deleted") + dry_run_suffix(strategy)
    for res, obj in sel.items:
        found += 1
        if warn_cluster_scope and not res.namespaced:
            ctx.err("Warning: deleting cluster-scoped resources, not scoped to the provided namespace\n")
            warn_cluster_scope = False
        name = obj["metadata"]["name"]
        if strategy == "none":
            try:
                ctx.store.delete(res, name, obj["metadata"].get("namespace"), propagation_policy=policies[cascade],
                                 grace_period_seconds=grace if grace >= 0 else None)
            except APIError as e:
                if ignore and isinstance(e, StatusError) and e.reason == "NotFound":
                    continue
                errors.append(e)
                break
        if fmt == "name":
            ctx.out(f"{res.type_name}/{name}\n")
        else:
            ctx.out(f'{res.type_name} "{name}" {operation}\n')
    ctx.settle()
    if found == 0 and not errors:
        ctx.out("No resources found\n")
    print_errors(ctx, errors)
    return 1 if errors else 0


# --- exec / logs --------------------------------------------------------------------------------------

def _pod_for(ctx: Ctx, arg: str) -> dict:
    """The pod ``exec``/``logs`` talk to: ``NAME``, ``pod/NAME``, or a workload's first pod
    (``deploy/web``, ``svc/web``: polymorphichelpers.AttachablePodForObject)."""
    from k8slab.api.labels import from_label_selector, from_set

    kind, slash, name = arg.partition("/")
    if not slash:
        return ctx.store.get("pods", arg, ctx.namespace)
    res = ctx.resource(kind)
    obj = ctx.store.get(res, name, ctx.namespace if res.namespaced else None)
    if res.kind == "Pod":
        return obj
    if res.kind == "Service":
        selector = from_set((obj.get("spec") or {}).get("selector") or {})
    elif res.kind in ("Deployment", "ReplicaSet"):
        selector = from_label_selector((obj.get("spec") or {}).get("selector") or {})
    else:
        raise KubectlError(f"error: cannot attach to {res.type_name}: not implemented")
    pods = [o for o in ctx.store.list("pods", ctx.namespace) if selector.matches(o["metadata"].get("labels") or {})]
    if not pods:
        raise KubectlError("error: timed out waiting for the condition")
    running = [o for o in pods if (o.get("status") or {}).get("phase") == "Running"] or pods
    return running[0]


def _default_container(ctx: Ctx, pod: dict, quiet: bool = False) -> str:
    """podcmd.FindOrDefaultContainerByName: the annotated default, else the first (with a note)."""
    spec = pod.get("spec") or {}
    containers = spec.get("containers") or []
    if not containers:
        raise KubectlError(f'error: pod {pod["metadata"].get("namespace")}/{pod["metadata"]["name"]} does not have '
                           "any containers")
    annotated = ((pod["metadata"].get("annotations") or {}).get("kubectl.kubernetes.io/default-container"))
    if annotated and any(c.get("name") == annotated for c in containers):
        return annotated
    first = containers[0].get("name", "")
    if not quiet and (len(containers) > 1 or spec.get("initContainers") or spec.get("ephemeralContainers")):
        names = [c.get("name", "") for c in containers]
        names += [f"{c.get('name', '')} (ephem)" for c in spec.get("ephemeralContainers") or []]
        names += [f"{c.get('name', '')} (init)" for c in spec.get("initContainers") or []]
        ctx.err(f'Defaulted container "{first}" out of: {", ".join(names)}\n')
    return first


def run_exec(ctx: Ctx) -> int:
    """``kubectl exec POD [-c C] [-it] -- CMD``: exec.go's argument rules, then the pod's shell."""
    from .shell import run as shell_run

    p = ctx.p
    args, dash = list(p.args), p.dash
    resource = args[0] if args and dash != 0 else ""
    if dash > -1:
        command = args[dash:]
    elif len(args) > 1:
        raise usage_error(p.command, "exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] "
                                     "instead")
    else:
        command = []
    if not resource and not p.get("filename"):
        raise KubectlError("error: pod, type/name or --filename must be specified")
    if not command:
        raise KubectlError("error: you must specify at least one command for the container")
    if p.get("filename"):
        raise KubectlError("error: exec -f is not simulated by k8slab: name the pod")
    pod = _pod_for(ctx, resource)
    phase = (pod.get("status") or {}).get("phase")
    if not (pod.get("spec") or {}).get("nodeName"):
        raise StatusError("BadRequest", f"pod {pod['metadata']['name']} does not have a host assigned", 400)
    if phase in ("Succeeded", "Failed"):
        raise KubectlError(f"error: cannot exec into a container in a completed pod; current phase is {phase}")
    container = p.get("container") or _default_container(ctx, pod, bool(p.get("quiet")))
    names = [c.get("name") for c in (pod.get("spec") or {}).get("containers") or []]
    if container not in names:
        raise KubectlError(f"error: unable to upgrade connection: container {container} not found in pod "
                           f"{pod['metadata']['name']}")
    line = " ".join(shlex.quote(a) for a in command)
    if len(command) >= 3 and command[0].rsplit("/", 1)[-1] in ("sh", "bash", "ash", "zsh") and command[1] == "-c":
        line = command[2]
    out, err, code = shell_run(ctx.cluster, "pod/" + pod["metadata"]["name"], line, pod["metadata"]["namespace"],
                               container)
    ctx.out(out)
    ctx.err(err)
    if code and not err.startswith("error:") and not err.startswith("Error from server"):
        ctx.err(f"command terminated with exit code {code}\n")
    return 1 if code and err.startswith(("error:", "Error from server")) else code


def run_logs(ctx: Ctx) -> int:
    """``kubectl logs POD [-c C]``: what the container's program wrote (deterministic)."""
    from .kubectl_logs import container_log

    p = ctx.p
    args = list(p.args)
    usage = "expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument " \
            "for the logs command"
    label = p.get("selector") or ""
    if len(args) == 0 and not label or len(args) > 2:
        raise usage_error(p.command, usage)
    if len(args) == 1 and label:
        raise usage_error(p.command, "only a selector (-l) or a POD name is allowed")
    container = p.get("container") or ""
    if len(args) == 2:
        if container:
            raise KubectlError("error: only one of -c or an inline [CONTAINER] arg is allowed")
        container = args[1]
    if p.get("all-containers") and container:
        raise KubectlError(f"error: --all-containers=true should not be specified with container name {container}")
    if p.has("tail") and p.get("tail") < -1:
        raise KubectlError("error: --tail must be greater than or equal to -1")
    if p.get("follow"):
        ctx.err("(k8slab: --follow shows the log so far; the simulated programs write nothing more until the "
                "cluster changes)\n")
    if label:
        pods = ctx.store.list("pods", ctx.namespace, label)
        if not pods:
            ctx.err(f"No resources found in {ctx.namespace} namespace.\n")
            return 0
        prefix = True if p.get("prefix") or True else False
    else:
        try:
            pods = [_pod_for(ctx, args[0])]
        except StatusError as e:
            if e.reason == "NotFound":
                raise KubectlError(f"error: error from server (NotFound): {e.message} in namespace "
                                   f'"{ctx.namespace}"') from None
            raise
        prefix = bool(p.get("prefix"))
    tail = p.get("tail")
    if label and not p.has("tail"):
        tail = 10
    for pod in pods:
        spec_containers = [c.get("name") for c in (pod.get("spec") or {}).get("containers") or []]
        if p.get("all-containers"):
            names = spec_containers
        elif container:
            if container not in spec_containers:
                raise KubectlError(f"error: container {container} is not valid for pod {pod['metadata']['name']}")
            names = [container]
        else:
            names = [_default_container(ctx, pod)]
        for name in names:
            lines, problem = container_log(ctx.cluster, pod, name, previous=bool(p.get("previous")),
                                           timestamps=bool(p.get("timestamps")))
            if problem:
                raise StatusError("BadRequest", problem, 400)
            if tail is not None and tail >= 0:
                lines = lines[len(lines) - tail:] if tail else []
            tag = f"[pod/{pod['metadata']['name']}/{name}] " if prefix else ""
            text = "".join(tag + line + "\n" for line in lines)
            limit = p.get("limit-bytes") or 0
            if limit > 0:
                text = text.encode()[:limit].decode(errors="ignore")
            ctx.out(text)
    return 0


# --- information ----------------------------------------------------------------------------------------

def run_version(ctx: Ctx) -> int:
    """``kubectl version``: client, kustomize, server (version.go)."""
    p = ctx.p
    if p.args:
        raise KubectlError(f"error: extra arguments: [{' '.join(p.args)}]")
    fmt = p.get("output") or ""
    if fmt not in ("", "yaml", "json"):
        raise KubectlError("error: --output must be 'yaml' or 'json'")
    client = server = _version_info(VERSION)
    if fmt == "":
        ctx.out(f"Client Version: {VERSION}\nKustomize Version: {KUSTOMIZE_VERSION}\n")
        if not p.get("client"):
            ctx.out(f"Server Version: {VERSION}\n")
        return 0
    data = {"clientVersion": client, "kustomizeVersion": KUSTOMIZE_VERSION}
    if not p.get("client"):
        data["serverVersion"] = server
    if fmt == "json":
        import json

        ctx.out(json.dumps(data, indent=2) + "\n")
    else:
        from .yamlfmt import to_yaml

        ctx.out(to_yaml(data) + "\n")
    return 0


def _version_info(version: str) -> dict:
    """version.Info with the fields k8slab can vouch for (no commit or build date: there is no build)."""
    major, minor, _ = version.lstrip("v").split(".")
    return {"major": major, "minor": minor, "gitVersion": version, "gitTreeState": "clean", "compiler": "gc",
            "platform": "linux/amd64"}


def run_cluster_info(ctx: Ctx) -> int:
    """``kubectl cluster-info``: the API server, then each ``kubernetes.io/cluster-service=true`` Service."""
    if ctx.p.args:
        raise usage_error(ctx.p.command, f'unknown command "{" ".join(ctx.p.args)}"')
    ns = ctx.namespace if ctx.explicit_namespace else "kube-system"
    ctx.out(f"Kubernetes control plane is running at {SERVER}\n")
    for svc in ctx.store.list("services", ns, "kubernetes.io/cluster-service=true"):
        spec = svc.get("spec") or {}
        name = svc["metadata"]["name"]
        ports = spec.get("ports") or []
        ingress = ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
        if ingress:
            ip = ingress[0].get("ip") or ingress[0].get("hostname") or ""
            link = "".join(f"http://{ip}:{port.get('port')} " for port in ports)
        else:
            if ports:
                port = ports[0]
                scheme = "https" if port.get("name") == "https" or port.get("port") == 443 else ""
                name = ":".join(x for x in (scheme, name, port.get("name") or "") if x) if scheme or port.get(
                    "name") else name
                if scheme and not port.get("name"):
                    name += ":"
            link = f"{SERVER}/api/v1/namespaces/{svc['metadata']['namespace']}/services/{name}/proxy"
        title = (svc["metadata"].get("labels") or {}).get("kubernetes.io/name") or svc["metadata"]["name"]
        ctx.out(f"{title} is running at {link}\n")
    ctx.out("\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n")
    return 0


def run_api_resources(ctx: Ctx) -> int:
    """``kubectl api-resources`` from the registry: NAME SHORTNAMES APIVERSION NAMESPACED KIND."""
    from .tabwriter import TabWriter

    p = ctx.p
    fmt = p.get("output") or ""
    if fmt not in ("", "wide", "name"):
        raise KubectlError(f"error: --output {fmt} is not available")
    rows = list(RESOURCES)
    if p.get("api-group") is not None and p.has("api-group"):
        rows = [r for r in rows if r.group == p.get("api-group")]
    if p.has("namespaced"):
        rows = [r for r in rows if r.namespaced == p.get("namespaced")]
    rows.sort(key=lambda r: (r.group, r.plural))
    if fmt == "name":
        ctx.out("".join(f"{r.plural}.{r.group}\n" if r.group else f"{r.plural}\n" for r in rows))
        return 0
    w = TabWriter()
    if not p.get("no-headers"):
        w.write("NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND" + ("\tVERBS\tCATEGORIES" if fmt == "wide" else "")
                + "\n")
    for r in rows:
        line = f"{r.plural}\t{','.join(r.short_names)}\t{r.api_version}\t{str(r.namespaced).lower()}\t{r.kind}"
        if fmt == "wide":
            verbs = "[create delete deletecollection get list patch update watch]"
            cats = "[all]" if r.qualified in ("pods", "services", "deployments.apps", "replicasets.apps") else ""
            line += f"\t{verbs}\t{cats}"
        w.write(line + "\n")
    ctx.out(w.flush())
    return 0


def run_api_versions(ctx: Ctx) -> int:
    versions = sorted({r.api_version for r in RESOURCES})
    ctx.out("".join(v + "\n" for v in versions))
    return 0


def run_explain(ctx: Ctx) -> int:
    """``kubectl explain TYPE``: the kind, its version and where to read more (fields: not simulated)."""
    p = ctx.p
    if not p.args:
        ctx.err('You must specify the type of resource to explain. Use "kubectl api-resources" for a complete list '
                "of supported resources.\n\n")
        raise usage_error(p.command, "Required resource not specified.")
    if len(p.args) > 1:
        raise usage_error(p.command, "We accept only this format: explain RESOURCE\n")
    what = p.args[0]
    base, _, fields = what.partition(".")
    res = ctx.resource(base)
    group = f"{res.group}" if res.group else ""
    ctx.out(f"GROUP:      {group}\nKIND:       {res.kind}\nVERSION:    {res.version}\n\n" if group else
            f"KIND:       {res.kind}\nVERSION:    {res.version}\n\n")
    if fields:
        ctx.out(f"FIELD: {fields.rsplit('.', 1)[-1]}\n\n")
    ctx.out("DESCRIPTION:\n    (k8slab does not carry the API documentation: see "
            f"https://kubernetes.io/docs/reference/kubernetes-api/ for {res.kind})\n")
    return 0


def _config_current_context(ctx: Ctx) -> int:
    ctx.out(CONTEXT + "\n")
    return 0


def _config_get_contexts(ctx: Ctx) -> int:
    from .tabwriter import TabWriter

    if ctx.p.get("output") == "name":
        ctx.out(CONTEXT + "\n")
        return 0
    w = TabWriter()
    if not ctx.p.get("no-headers"):
        w.write("CURRENT\tNAME\tCLUSTER\tAUTHINFO\tNAMESPACE\n")
    w.write(f"*\t{CONTEXT}\t{CONTEXT}\t{CONTEXT}\t\n")
    ctx.out(w.flush())
    return 0


def _config_get_clusters(ctx: Ctx) -> int:
    ctx.out(f"NAME\n{CONTEXT}\n")
    return 0


def _config_use_context(ctx: Ctx) -> int:
    args = ctx.p.args
    if len(args) != 1:
        raise usage_error(ctx.p.command, "Unexpected args: " + str(args) if args else "empty context names are not "
                                                                                        "allowed")
    if args[0] != CONTEXT:
        raise KubectlError(f'error: no context exists with the name: "{args[0]}"')
    ctx.out(f'Switched to context "{CONTEXT}".\n')
    return 0


def _config_view(ctx: Ctx) -> int:
    ctx.out(f"""apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: DATA+OMITTED
    server: {SERVER}
  name: {CONTEXT}
contexts:
- context:
    cluster: {CONTEXT}
    user: {CONTEXT}
  name: {CONTEXT}
current-context: {CONTEXT}
kind: Config
preferences: {{}}
users:
- name: {CONTEXT}
  user:
    client-certificate-data: DATA+OMITTED
    client-key-data: DATA+OMITTED
""")
    return 0


def _top(ctx: Ctx) -> int:
    """kind has no metrics-server, so ``kubectl top`` answers as it does there."""
    raise KubectlError("error: Metrics API not available")


__all__ = ["kubectl", "split_command", "ROOT", "flag_error"]
