"""Structural checks against the real Kubernetes OpenAPI schema, as the apiserver's decoder makes them.

The schemas in ``schemas/`` come from the ``kubernetes-validate`` package (see the README there)
and load on the first check, not on import. Two kinds of mistakes are reported, with the
apiserver's words (kubectl prints them as ``Error from server (BadRequest): ...``):

- a field the type does not have (strict field validation, kubectl's default)::

    Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica"

- a value of the wrong JSON type::

    Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct
    field DeploymentSpec.spec.replicas of type int32

Missing required fields are left to :mod:`k8slab.api.validation`, which reports them as the
apiserver does (``spec.containers: Required value``).
"""

from __future__ import annotations

import json
from pathlib import Path

from .errors import bad_request
from .resources import Resource

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
KUBERNETES_VERSION = "1.34.0"
_data: dict | None = None
_validators: dict[str, object] = {}


def _load() -> dict:
    global _data
    if _data is None:
        _data = json.loads((SCHEMA_DIR / f"kubernetes-{KUBERNETES_VERSION}.json").read_text())
    return _data


def schema_for(api_version: str, kind: str) -> dict | None:
    """The (top-level) JSON schema of a kind, with its definitions; None if not shipped."""
    data = _load()
    top = data["kinds"].get(f"{api_version}/{kind}")
    if top is None:
        return None
    return dict(top, definitions=data["definitions"])


# The optional packages jsonschema imports for its string format checkers (installed next to
# JupyterLab). The apiserver's structural check here asserts no format (no FormatChecker is given:
# ``int32``, ``date-time`` and the like are annotations), so none of them is of use.
_FORMAT_PACKAGES = ("rfc3987_syntax", "rfc3987", "rfc3986_validator", "rfc3339_validator", "webcolors",
                    "jsonpointer", "uri_template", "isoduration", "fqdn", "idna")


def _import_jsonschema():
    """``import jsonschema``, without the optional format-checker packages it would load on the way.

    They cost a learner's first ``kubectl apply`` or ``create`` their import time for checks that
    are never made: ``rfc3987_syntax`` compiles dozens of grammars (about a second), ``isoduration``
    brings ``arrow``, and the others some tens of milliseconds (`make bench`: a first ``create
    deployment`` in ``kind(workers=2)``). jsonschema skips a checker whose import fails, so make
    those imports fail, briefly; a package already imported by someone else is left alone."""
    import sys

    if "jsonschema" in sys.modules:
        return sys.modules["jsonschema"]
    blocked = [name for name in _FORMAT_PACKAGES if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # an import of it now raises ImportError
    try:
        import jsonschema
    except ImportError:  # pragma: no cover
        return None
    finally:
        for name in blocked:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]
    return jsonschema


def _validator(res: Resource):
    key = f"{res.api_version}/{res.kind}"
    v = _validators.get(key)
    if v is None:
        jsonschema = _import_jsonschema()
        if jsonschema is None:  # pragma: no cover - a runtime dependency; without it, no structural check
            return None
        schema = schema_for(res.api_version, res.kind)
        if schema is None:
            return None
        v = _validators[key] = jsonschema.Draft7Validator(schema)
    return v


def _path_text(path) -> str:
    out = ""
    for p in path:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + str(p)
    return out


def _resolve(schema: dict) -> tuple[dict, str | None]:
    name = None
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        schema = _load()["definitions"][name]
    return schema, name


def _go_type(schema: dict) -> str:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        parts = name.split(".")
        special = {"IntOrString": "intstr.IntOrString", "Quantity": "resource.Quantity", "Time": "v1.Time",
                   "MicroTime": "v1.MicroTime"}
        return special.get(parts[-1], f"{parts[-2]}.{parts[-1]}")
    types = schema.get("type")
    t = types[0] if isinstance(types, list) else types
    if t == "integer":
        return schema.get("format", "int64")
    if t == "number":
        return "float64"
    if t == "boolean":
        return "bool"
    if t == "string":
        return "string"
    if t == "array":
        return "[]" + _go_type(schema.get("items", {}))
    if t == "object" and isinstance(schema.get("additionalProperties"), dict):
        return "map[string]" + _go_type(schema["additionalProperties"])
    return "interface {}"


def _json_kind(value) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return f"number {json.dumps(value)}"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def _type_error(res: Resource, obj: dict, path) -> str:
    """Go's ``json: cannot unmarshal X into Go struct field Parent.path of type T`` (struct fields only:
    Go names neither array indices nor map keys)."""
    schema = _validator(res).schema
    struct = res.kind
    node = obj
    field_schema = schema
    fields: list[str] = []
    for p in path:
        node = node[p]
        container, name = _resolve(field_schema)
        if isinstance(p, int):
            field_schema = container.get("items", {})
            continue
        if name:
            struct = name.rsplit(".", 1)[1]
        props = container.get("properties") or {}
        if p in props:
            fields.append(p)
            field_schema = props[p]
        else:
            field_schema = container.get("additionalProperties") or {}
    target = _go_type(field_schema)
    field = ".".join(fields)
    return f"json: cannot unmarshal {_json_kind(node)} into Go struct field {struct}.{field} of type {target}"


def _document_order(obj) -> dict[str, int]:
    order: dict[str, int] = {}

    def walk(node, base):
        if isinstance(node, dict):
            for k, v in node.items():
                path = f"{base}.{k}" if base else str(k)
                order.setdefault(path, len(order))
                walk(v, path)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{base}[{i}]")

    walk(obj, "")
    return order


def check(obj: dict, res: Resource) -> None:
    """Raise BadRequest if ``obj`` has unknown fields or values of the wrong type for its kind."""
    v = _validator(res)
    if v is None:
        return
    unknown: list[str] = []
    type_errors: list[tuple] = []
    for err in v.iter_errors(obj):
        _collect(err, unknown, type_errors)
    prefix = f'{res.kind} in version "{res.version}" cannot be handled as a {res.kind}: '
    if type_errors:
        path = min(type_errors, key=lambda p: (len(p), [str(x) for x in p]))
        raise bad_request(prefix + _type_error(res, obj, path))
    if unknown:
        order = _document_order(obj)
        unknown.sort(key=lambda u: order.get(u, 0))
        raise bad_request(prefix + "strict decoding error: " + ", ".join(f'unknown field "{u}"' for u in unknown))


def _collect(err, unknown: list, type_errors: list) -> None:
    kind = err.validator
    if kind == "additionalProperties" and err.schema.get("additionalProperties") is False:
        allowed = set(err.schema.get("properties") or {})
        base = _path_text(err.absolute_path)
        for key in err.instance:
            if key not in allowed:
                unknown.append(f"{base}.{key}" if base else str(key))
    elif kind in ("type", "anyOf"):
        type_errors.append(tuple(err.absolute_path))
