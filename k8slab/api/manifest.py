"""YAML manifests and ``kubectl apply``.

:func:`parse_manifest` turns YAML text (several documents, ``kind: List`` expanded, empty
documents skipped) into objects; :func:`apply_manifest` applies each in order, creating or
updating it, and returns one :class:`ApplyResult` per object with kubectl's line::

    >>> from k8slab.api import Store
    >>> store = Store(clock=lambda: 0, seed=3)
    >>> text = '''
    ... apiVersion: v1
    ... kind: ConfigMap
    ... metadata: {name: web}
    ... data: {a: "1"}
    ... ---
    ... apiVersion: v1
    ... kind: Foo
    ... metadata: {name: x}
    ... '''
    >>> for r in apply_manifest(store, text): print(r.message[:60])
    configmap/web created
    error: resource mapping not found for name: "x" namespace: "

What kubectl does, and this does too:

- every document that decodes is applied, in order; a document that fails (unknown kind, invalid
  object, missing namespace) reports its error and the others still apply;
- a YAML syntax error stops the stream there: the documents before it are applied, it and those
  after it are not (kubectl reads the stream document by document);
- kubectl prints the successes as it goes and the errors at the end, decoding errors first:
  :func:`format_apply` gives that (stdout, stderr) pair;
- the object applied is recorded in the ``kubectl.kubernetes.io/last-applied-configuration``
  annotation; an update is a strategic merge patch of the manifest onto the live object (keyed
  lists such as containers merge by name, so defaulted fields stay), which also removes the
  fields the previous manifest had and this one dropped (the 3-way part of kubectl apply; keyed
  list items the manifest no longer lists go too). No change gives ``unchanged``.
- any error leaves the store unchanged for that object.
"""

from __future__ import annotations

import base64
import datetime
import json
import math
import re

from .errors import APIError, ClientError, StatusError, bad_request, kubectl_message
from .resources import Resource, for_kind, no_match_error

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
_SEPARATOR = re.compile(r"^---(\s.*)?$")
_GO_YAML_PROBLEMS = {
    "mapping values are not allowed here": "mapping values are not allowed in this context",
}


class ApplyResult:
    """What applying one object gave: ``action`` is created/configured/unchanged, or ``error`` is set.

    ``stage`` is ``"decode"`` for errors kubectl finds while reading the manifest (bad YAML, unknown
    kind) and ``"apply"`` for the rest.
    """

    __slots__ = ("resource", "name", "namespace", "action", "object", "error", "stage", "warning")

    def __init__(self, resource=None, name="", namespace="", action="", object=None, error=None, stage="apply"):
        self.resource: Resource | None = resource
        self.name = name
        self.namespace = namespace
        self.action = action
        self.object = object
        self.error: APIError | None = error
        self.stage = stage
        self.warning = ""  # kubectl's "Warning: ..." line on stderr, if any

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def message(self) -> str:
        """``deployment.apps/web created``, or the error as kubectl prints it."""
        if self.error is not None:
            return kubectl_message(self.error)
        return f"{self.resource.type_name}/{self.name} {self.action}"

    def __repr__(self):
        return f"<ApplyResult {self.message!r}>"


class _Decoded:
    """A document of the manifest: an object, or the error met reading it."""

    def __init__(self, obj=None, error=None):
        self.obj, self.error = obj, error


def _jsonify(value, source: str):
    """YAML values as their JSON conversion gives them (keys as strings, dates as text)."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if isinstance(k, bool):
                k = "true" if k else "false"
            elif k is None:
                k = "null"
            elif not isinstance(k, str):
                if isinstance(k, (dict, list, tuple)):
                    raise ClientError(f"error parsing {source}: error converting YAML to JSON: yaml: invalid map key: "
                                      f"{k!r}")
                k = str(k)
            out[k] = _jsonify(v, source)
        return out
    if isinstance(value, (list, tuple)):
        return [_jsonify(v, source) for v in value]
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        raise ClientError(f"error parsing {source}: error converting YAML to JSON: json: unsupported value: "
                          f"{'NaN' if math.isnan(value) else '+Inf' if value > 0 else '-Inf'}")
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, (set, frozenset)):
        return {str(k): None for k in sorted(value, key=str)}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _documents(text: str) -> list[str]:
    """Split a YAML stream into documents on ``---`` lines, as kubectl's YAMLReader does."""
    docs, current = [], []
    for line in text.splitlines(keepends=True):
        if _SEPARATOR.match(line.rstrip("\r\n")) and not line.startswith("--- |"):
            docs.append("".join(current))
            current = []
        else:
            current.append(line)
    docs.append("".join(current))
    return docs


def _yaml_error(err, source: str) -> ClientError:
    mark = getattr(err, "problem_mark", None)
    problem = getattr(err, "problem", None) or str(err).splitlines()[0]
    problem = _GO_YAML_PROBLEMS.get(problem, problem)
    if problem.startswith("found character '\\t'"):
        problem = "found a tab character that violates indentation"
    line = f"line {mark.line + 1}: " if mark is not None else ""
    return ClientError(f"error parsing {source}: error converting YAML to JSON: yaml: {line}{problem}")


def _decode(text: str, source: str) -> list[_Decoded]:
    import yaml  # here, not at import: `import k8slab.api` stays light

    out: list[_Decoded] = []
    for doc in _documents(text):
        if not doc.strip():
            continue
        try:
            loaded = list(yaml.safe_load_all(doc))
        except yaml.YAMLError as err:
            out.append(_Decoded(error=_yaml_error(err, source)))
            return out  # kubectl's stream reader stops at the first broken document
        except (ValueError, TypeError, OverflowError, RecursionError) as err:
            out.append(_Decoded(error=ClientError(f"error parsing {source}: error converting YAML to JSON: {err}")))
            return out
        for value in loaded:
            if value is None:
                continue
            try:
                value = _jsonify(value, source)
            except ClientError as err:
                out.append(_Decoded(error=err))
                return out
            except RecursionError:
                out.append(_Decoded(error=ClientError(f"error parsing {source}: error converting YAML to JSON: "
                                                      "yaml: exceeded max depth")))
                return out
            out.extend(_expand(value, source))
    return out


def _expand(value, source: str) -> list[_Decoded]:
    if not isinstance(value, dict):
        kind = {str: "string", int: "number", float: "number", bool: "bool", list: "array"}.get(type(value), "value")
        return [_Decoded(error=ClientError(
            f'unable to decode "{source}": json: cannot unmarshal {kind} into Go value of type '
            'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }'))]
    if value.get("kind") == "List" or (isinstance(value.get("kind"), str) and value["kind"].endswith("List")
                                       and isinstance(value.get("items"), list)):
        items = value.get("items")
        if not isinstance(items, list):
            return []
        out = []
        for item in items:
            out.extend(_expand(item, source))
        return out
    return [_Decoded(obj=value)]


def parse_manifest(text: str, source: str = "STDIN") -> list[dict]:
    """The objects of a manifest; the first problem raises a ClientError (``error parsing STDIN: ...``).

    >>> text = "kind: Pod\\napiVersion: v1\\n---\\n---\\nkind: List\\nitems: [{kind: Service}]\\n"
    >>> [o["kind"] for o in parse_manifest(text)]
    ['Pod', 'Service']
    """
    if not isinstance(text, str):
        raise ClientError(f"error parsing {source}: not text")
    out = []
    for d in _decode(text, source):
        if d.error is not None:
            raise d.error
        out.append(d.obj)
    return out


def _go_json(obj) -> str:
    """json.Marshal's output: sorted keys, no spaces, <>& escaped."""
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _removals(last, new):
    """A merge patch that deletes what ``last`` had and ``new`` lacks (maps only, recursively)."""
    if not isinstance(last, dict) or not isinstance(new, dict):
        return None
    out = {}
    for k, v in last.items():
        if k not in new:
            out[k] = None
        else:
            sub = _removals(v, new[k])
            if sub:
                out[k] = sub
    return out


def _deep_merge(a, b):
    if not isinstance(a, dict) or not isinstance(b, dict):
        return b
    out = dict(a)
    for k, v in b.items():
        out[k] = _deep_merge(out.get(k), v) if k in out else v
    return out


def _apply_one(store, obj: dict, namespace: str | None, source: str, validate: bool) -> ApplyResult:
    api_version, kind = obj.get("apiVersion"), obj.get("kind")
    meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    name = meta.get("name", "")
    if not kind or not isinstance(kind, str):
        raise ClientError(f"unable to decode \"{source}\": Object 'Kind' is missing in '{_go_json(obj)}'")
    if not isinstance(api_version, str):
        api_version = "" if api_version is None else str(api_version)
    res = for_kind(api_version, kind)
    if res is None:
        raise no_match_error(api_version, kind, name if isinstance(name, str) else "",
                             meta.get("namespace", "") if isinstance(meta.get("namespace", ""), str) else "", source)
    if validate:
        from . import schema

        try:
            schema.check(obj, res)  # what the apiserver's decoder would refuse
        except StatusError as err:
            raise err.with_source("creating", source) from None
    if not isinstance(obj.get("metadata", {}), dict) or not isinstance(name, str):
        raise bad_request(f'{res.kind} in version "{res.version}" cannot be handled as a {res.kind}: '
                          "metadata.name must be a string").with_source("creating", source)
    obj_ns = meta.get("namespace")
    if res.namespaced:
        if namespace and isinstance(obj_ns, str) and obj_ns and obj_ns != namespace:
            raise ClientError(f'the namespace from the provided object "{obj_ns}" does not match the namespace '
                              f'"{namespace}". You must pass \'--namespace={obj_ns}\' to perform this operation.')
        ns = obj_ns if isinstance(obj_ns, str) and obj_ns else (namespace or "default")
    else:
        ns = ""
    if not name or not isinstance(name, str):
        if isinstance(name, str) and not meta.get("generateName"):
            group_version = f"{res.group}/{res.version}" if res.group else f"/{res.version}"
            raise ClientError(
                f'error when retrieving current configuration of:\nResource: "{group_version}, '
                f'Resource={res.plural}", GroupVersionKind: "{group_version}, Kind={res.kind}"\n'
                f'Name: "", Namespace: "{ns}"\nfrom server for: "{source}": resource name may not be empty')
        if meta.get("generateName"):
            raise ClientError(f"from {meta['generateName']}: cannot use generate name with apply")
    # what kubectl records as the applied configuration
    applied = dict(obj)
    applied_meta = dict(meta)
    annotations = dict(applied_meta.get("annotations") or {}) if isinstance(applied_meta.get("annotations"),
                                                                           dict) else {}
    annotations.pop(LAST_APPLIED, None)
    applied_meta["annotations"] = annotations
    if res.namespaced:
        applied_meta["namespace"] = ns
    applied["metadata"] = applied_meta
    last_applied = _go_json(applied) + "\n"
    desired = dict(applied)
    desired["metadata"] = dict(applied_meta, annotations=dict(annotations, **{LAST_APPLIED: last_applied}))

    live = store.try_get(res, name, ns or None)
    if live is None:
        try:
            created = store.create(desired, ns or None, validate=validate)
        except StatusError as err:
            raise err.with_source("creating", source) from None
        return ApplyResult(res, name, ns, "created", created)
    previous = (live["metadata"].get("annotations") or {}).get(LAST_APPLIED)
    warning = "" if previous else (
        f"Warning: resource {res.qualified}/{name} is missing the {LAST_APPLIED} annotation which is required by "
        "kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl "
        "create --save-config or kubectl apply. The missing annotation will be patched automatically.")
    patch = desired
    if previous:
        try:
            removals = _removals(json.loads(previous), desired)
        except ValueError:
            removals = None
        if removals:
            patch = _deep_merge(removals, desired)
    try:
        updated = store.patch(res, name, patch, ns or None, validate=validate, keep_unlisted=False)
    except StatusError as err:
        if err.reason == "Invalid":
            raise
        raise err.with_source("patching", source) from None
    result = ApplyResult(res, name, ns, "unchanged" if updated is live else "configured", updated)
    result.warning = warning
    return result


def apply_objects(store, objects, namespace: str | None = None, *, source: str = "STDIN",
                  validate: bool = True) -> list[ApplyResult]:
    """Apply objects (dicts) in order, as ``kubectl apply`` does; errors are returned, not raised."""
    results = []
    for obj in objects:
        results.append(_apply_decoded(store, _Decoded(obj=obj) if isinstance(obj, dict) else _expand(obj, source)[0],
                                      namespace, source, validate))
    return results


def _apply_decoded(store, d: _Decoded, namespace, source, validate) -> ApplyResult:
    if d.error is not None:
        return ApplyResult(error=d.error, stage="decode")
    try:
        return _apply_one(store, d.obj, namespace, source, validate)
    except ClientError as err:
        return ApplyResult(error=err, stage="decode")
    except APIError as err:
        meta = d.obj.get("metadata") if isinstance(d.obj.get("metadata"), dict) else {}
        return ApplyResult(name=meta.get("name", ""), error=err)


def apply_manifest(store, text: str, namespace: str | None = None, *, source: str = "STDIN",
                   validate: bool = True) -> list[ApplyResult]:
    """``kubectl apply -f`` of YAML (or JSON) text: one result per object, in document order.

    ``namespace`` is ``-n`` (objects without one go there, else to ``default``); ``source`` is the
    file name kubectl quotes in its errors (``STDIN`` for ``-f -``).
    """
    if not isinstance(text, str):
        return [ApplyResult(error=ClientError(f"error parsing {source}: not text"), stage="decode")]
    decoded = _decode(text, source)
    if not decoded:
        return [ApplyResult(error=ClientError("no objects passed to apply"), stage="decode")]
    return [_apply_decoded(store, d, namespace, source, validate) for d in decoded]


def format_apply(results: list[ApplyResult]) -> tuple[str, str]:
    """kubectl's (stdout, stderr) for these results: successes in order, then the errors, those met
    while reading the manifest first (warnings go to stderr as they happen)."""
    out = "".join(r.message + "\n" for r in results if r.ok)
    warnings = "".join(r.warning + "\n" for r in results if r.warning)
    errors = [r for r in results if not r.ok and r.stage == "decode"] + \
             [r for r in results if not r.ok and r.stage != "decode"]
    err = warnings + "".join(r.message + "\n" for r in errors)
    return out, err
