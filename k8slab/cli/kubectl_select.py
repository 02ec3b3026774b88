"""Which objects a kubectl command line names: cli-runtime's resource Builder, on the store.

``kubectl get pods``, ``get pods web db``, ``get pods,svc``, ``get pod/web svc/web``, ``get all``,
``-l``/``--field-selector``/``--all``/``-A`` and ``-f FILE`` are resolved as
``k8s.io/cli-runtime/pkg/resource/builder.go`` (v0.33.1) resolves them, with its error texts:
``the server doesn't have a resource type "x"``, ``name cannot be provided when a selector is
specified``, ``a resource cannot be retrieved by name across all namespaces``... Errors met while
fetching (NotFound) are collected, as the Builder's ContinueOnError does; errors in the request
itself are raised.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from k8slab.api.errors import APIError, not_found
from k8slab.api.manifest import parse_manifest
from k8slab.api.resources import Resource, for_kind, lookup, no_match_error

from .errors import KubectlError

# The "all" category as discovery lists it, restricted to the resources the course serves.
CATEGORY_ALL = ("pods", "services", "deployments.apps", "replicasets.apps")

MISSING_RESOURCE = ("error: You must provide one or more resources by argument or filename.\n"
                    "Example resource specifications include:\n"
                    "   '-f rsrc.yaml'\n"
                    "   '--filename=rsrc.json'\n"
                    "   '<resource> <name>'\n"
                    "   '<resource>'")


@dataclass
class Selection:
    """What the command line selected: ``items`` (resource, object) in order, ``errors`` met
    fetching them, and ``single`` (one TYPE NAME: generic printers print the object, not a List)."""

    items: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    single: bool = False

    @property
    def objects(self) -> list[dict]:
        return [o for _, o in self.items]


def split_types(arg: str) -> list[str]:
    """``SplitResourceArgument``: ``pods,svc`` -> the non-empty parts, ``all`` expanded."""
    out = []
    for part in arg.split(","):
        if part == "all":
            out.extend(CATEGORY_ALL)
        elif part:
            out.append(part)
    seen, unique = set(), []
    for part in out:
        if part not in seen:
            seen.add(part)
            unique.append(part)
    return unique


def _resource(name: str) -> Resource:
    return lookup(name)  # ClientError: the server doesn't have a resource type "x"


def select(ctx, args: list[str], *, allow_empty_selector: bool, label: str = "", fields: str = "",
           select_all: bool = False, all_namespaces: bool = False, use_files: bool = True) -> Selection:
    """Resolve ``args`` and the selection flags into objects of the store."""
    store = ctx.store
    namespace = "" if all_namespaces else ctx.namespace
    files = (ctx.p.get("filename") or []) if use_files else []
    if files:
        if args:
            raise KubectlError("error: when paths, URLs, or stdin is provided as input, you may not specify resource "
                               "arguments as well")
        return _from_files(ctx, namespace)
    if select_all and label:
        raise KubectlError("error: found non-empty label selector " + f'"{label}"' + " with previously set 'all' "
                           "parameter. ")
    tuples: list[tuple[str, str]] = []
    names: list[str] = []
    types: list[str] = []
    if args:
        if len(args) >= 2 and len(split_types(args[0])) > 1 and "/" not in args[0]:
            args = [f"{t}/{n}" for t in split_types(args[0]) for n in args[1:]]
        slashes = sum("/" in a for a in args)
        if slashes and slashes != len(args):
            raise KubectlError("error: there is no need to specify a resource type as a separate argument when "
                               "passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' "
                               "instead of 'kubectl get resource resource/<resource_name>'")
        if slashes:
            for a in args:
                seg = a.split("/")
                if len(seg) != 2:
                    raise KubectlError("error: arguments in resource/name form may not have more than one slash")
                if not seg[0] or not seg[1] or len(split_types(seg[0])) != 1 or seg[0] == "all":
                    raise KubectlError("error: arguments in resource/name form must have a single resource and name")
                tuples.append((seg[0], seg[1]))
        else:
            types = split_types(args[0])
            names = args[1:]
            if not types:
                raise KubectlError(MISSING_RESOURCE)
    label_sel: str | None = label or None
    if select_all or (len(args) == 1 and not tuples and allow_empty_selector and label_sel is None):
        label_sel = ""
    field_sel: str | None = fields or None
    sel = Selection()
    if label_sel is not None or field_sel is not None:
        if names:
            raise KubectlError("error: name cannot be provided when a selector is specified")
        if tuples:
            raise KubectlError("error: selectors and the all flag cannot be used when passing resource/name arguments")
        if not types:
            raise KubectlError("error: at least one resource must be specified to use a selector")
        resources = [_resource(t) for t in types]
        for res in resources:
            try:
                objs = store.list(res, (namespace or None) if res.namespaced else None, label_sel or None,
                                  field_sel or None)
            except APIError as e:
                sel.errors.append(e)
                continue
            sel.items.extend((res, o) for o in objs)
        return sel
    if tuples:
        pairs = [(_resource(t), n) for t, n in tuples]
        sel.single = len(pairs) == 1
    elif names:
        resources = [_resource(t) for t in types]
        if len(resources) > 1:
            raise KubectlError("error: you must specify only one resource")
        pairs = [(resources[0], n) for n in names]
        sel.single = len(pairs) == 1
    elif types:
        for t in types:
            _resource(t)
        raise KubectlError("error: resource(s) were provided, but no name was specified")
    else:
        raise KubectlError(MISSING_RESOURCE)
    for res, name in pairs:
        if res.namespaced and not namespace:
            raise KubectlError("error: a resource cannot be retrieved by name across all namespaces"
                               if all_namespaces else "error: namespace may not be empty when retrieving a resource "
                               "by name")
        obj = store.try_get(res, name, namespace if res.namespaced else None)
        if obj is None:
            sel.errors.append(not_found(res.qualified, name))
        else:
            sel.items.append((res, obj))
    return sel


def _from_files(ctx, namespace: str) -> Selection:
    """Objects named in manifests (``-f``), looked up in the store (the Builder's Latest())."""
    sel = Selection()
    for source, text in ctx.read_filenames():
        objs = parse_manifest(text, source)
        for obj in objs:
            api_version, kind = obj.get("apiVersion"), obj.get("kind")
            meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
            name = meta.get("name") if isinstance(meta.get("name"), str) else ""
            res = for_kind(api_version if isinstance(api_version, str) else "", kind if isinstance(kind, str) else "")
            if res is None:
                raise no_match_error(api_version, kind, name, meta.get("namespace", "") or "", source)
            ns = None
            if res.namespaced:
                obj_ns = meta.get("namespace") if isinstance(meta.get("namespace"), str) else ""
                if ctx.explicit_namespace and obj_ns and obj_ns != ctx.namespace:
                    raise KubectlError(f'error: the namespace from the provided object "{obj_ns}" does not match the '
                                       f'namespace "{ctx.namespace}". You must pass \'--namespace={obj_ns}\' to '
                                       "perform this operation.")
                ns = obj_ns or namespace or "default"
            live = ctx.store.try_get(res, name, ns)
            if live is None:
                sel.errors.append(not_found(res.qualified, name))
            else:
                sel.items.append((res, live))
    return sel
