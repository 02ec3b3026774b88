"""Errors as the apiserver and kubectl report them.

Every failure in ``k8slab.api`` raises an :class:`APIError`. A :class:`StatusError` is what the
apiserver answers (a ``Status`` with a reason such as ``NotFound`` and an HTTP code); a
:class:`ClientError` is what kubectl itself decides before it reaches the server (an unknown
resource type, unparsable YAML). :func:`kubectl_message` renders either as kubectl prints it::

    >>> kubectl_message(not_found("pods", "x"))
    'Error from server (NotFound): pods "x" not found'

Field errors (:class:`FieldError`) follow apimachinery's ``field.Error``: ``path: Type: value: detail``.
"""

from __future__ import annotations

import json


class APIError(Exception):
    """Base of every error k8slab.api raises: carries the message the real tool prints."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ClientError(APIError):
    """An error kubectl finds by itself; printed as ``error: <message>``."""

    def status(self) -> None:
        return None


class StatusError(APIError):
    """An apiserver error: a ``Status`` with ``reason`` (NotFound, AlreadyExists, Invalid,
    Conflict, BadRequest, Forbidden...), HTTP ``code`` and optional ``details``."""

    def __init__(self, reason: str, message: str, code: int, details: dict | None = None):
        super().__init__(message)
        self.reason = reason
        self.code = code
        self.details = details or {}

    def status(self) -> dict:
        """The ``Status`` object the apiserver would return (``kubectl ... -v8`` shows it)."""
        status = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                  "message": self.message, "reason": self.reason}
        if self.details:
            status["details"] = self.details
        status["code"] = self.code
        return status

    def with_source(self, verb: str, source: str) -> StatusError:
        """As kubectl's AddSourceToErr: ``error when creating "web.yaml": <message>``."""
        err = StatusError(self.reason, f'error when {verb} "{source}": {self.message}', self.code, self.details)
        err.field_errors = getattr(self, "field_errors", [])
        return err


# --- field errors (apimachinery util/validation/field) ---------------------------------------------

_GO_MAP_TYPES = {str: "string", int: "int", bool: "bool", float: "float64"}


def go_value(value) -> str:
    """A value as Go's ``%#v``/``%q`` prints it in a field error.

    >>> go_value("Web"), go_value(70000), go_value({"app": "x"}), go_value(["10.96.0.99"])
    ('"Web"', '70000', 'map[string]string{"app":"x"}', '[]string{"10.96.0.99"}')
    """
    if hasattr(value, "text") and not isinstance(value, (str, dict, list)):
        return value.text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (int, float)):
        return repr(value)
    if value is None:
        return "null"
    if isinstance(value, dict):
        if all(isinstance(v, str) for v in value.values()):
            inner = ", ".join(f"{json.dumps(k)}:{json.dumps(v)}" for k, v in sorted(value.items()))
            return "map[string]string{" + inner + "}"
        return "map[string]interface {}{" + ", ".join(f"{json.dumps(k)}:{go_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        if all(isinstance(v, str) for v in value):
            return "[]string{" + ", ".join(json.dumps(v) for v in value) + "}"
        return "[]interface {}{" + ", ".join(go_value(v) for v in value) + "}"
    return str(value)


class FieldError:
    """One ``field.Error``: ``spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive``.

    ``type`` is the ErrorType text: "Invalid value", "Required value", "Unsupported value",
    "Duplicate value", "Forbidden", "Too long", "Too many", "Not found".
    """

    __slots__ = ("path", "type", "value", "detail", "has_value")

    REASONS = {"Invalid value": "FieldValueInvalid", "Required value": "FieldValueRequired",
               "Unsupported value": "FieldValueNotSupported", "Duplicate value": "FieldValueDuplicate",
               "Forbidden": "FieldValueForbidden", "Too long": "FieldValueTooLong",
               "Too many": "FieldValueTooMany", "Not found": "FieldValueNotFound"}

    def __init__(self, path: str, type: str, value=None, detail: str = "", has_value: bool = True):
        self.path, self.type, self.value, self.detail, self.has_value = path, type, value, detail, has_value

    def body(self) -> str:
        if self.type in ("Required value", "Forbidden", "Too long", "Too many") or not self.has_value:
            text = self.type
        else:
            text = f"{self.type}: {go_value(self.value)}"
        return f"{text}: {self.detail}" if self.detail else text

    def __str__(self) -> str:
        return f"{self.path}: {self.body()}" if self.path else self.body()

    def __repr__(self) -> str:
        return f"FieldError({str(self)!r})"

    def __eq__(self, other):
        return isinstance(other, FieldError) and str(self) == str(other)

    def __hash__(self):
        return hash(str(self))


def invalid(path, value, detail="") -> FieldError:
    return FieldError(path, "Invalid value", value, detail)


def required(path, detail="") -> FieldError:
    return FieldError(path, "Required value", None, detail, has_value=False)


def forbidden(path, detail="") -> FieldError:
    return FieldError(path, "Forbidden", None, detail, has_value=False)


def duplicate(path, value) -> FieldError:
    return FieldError(path, "Duplicate value", value)


def not_supported(path, value, supported) -> FieldError:
    detail = "supported values: " + ", ".join(json.dumps(s) for s in supported) if supported else ""
    return FieldError(path, "Unsupported value", value, detail)


# --- Status errors as apimachinery's errors.NewXxx build them ---------------------------------------

def not_found(resource: str, name: str) -> StatusError:
    """``pods "x" not found``; ``resource`` is the qualified plural (``deployments.apps``)."""
    return StatusError("NotFound", f'{resource} "{name}" not found', 404,
                       {"name": name, **_group_kind(resource, "kind")})


def already_exists(resource: str, name: str) -> StatusError:
    return StatusError("AlreadyExists", f'{resource} "{name}" already exists', 409,
                       {"name": name, **_group_kind(resource, "kind")})


def conflict(resource: str, name: str, detail: str) -> StatusError:
    """``Operation cannot be fulfilled on pods "x": <detail>``."""
    return StatusError("Conflict", f'Operation cannot be fulfilled on {resource} "{name}": {detail}', 409,
                       {"name": name, **_group_kind(resource, "kind")})


def bad_request(message: str) -> StatusError:
    return StatusError("BadRequest", message, 400)


def forbidden_error(resource: str, name: str, detail: str) -> StatusError:
    """``pods "x" is forbidden: <detail>`` (e.g. creating in a terminating namespace)."""
    return StatusError("Forbidden", f'{resource} "{name}" is forbidden: {detail}', 403,
                       {"name": name, **_group_kind(resource, "kind")})


def invalid_error(kind: str, group: str, name: str, errors: list[FieldError]) -> StatusError:
    """``Service "web" is invalid: <errors>`` (one error bare, several as ``[a, b]``, duplicates dropped).

    ``kind``/``group`` give the qualified kind: ``Deployment.apps "web" is invalid: ...``.
    """
    unique: list[FieldError] = []
    seen = set()
    for e in errors:
        if str(e) not in seen:
            seen.add(str(e))
            unique.append(e)
    text = str(unique[0]) if len(unique) == 1 else "[" + ", ".join(map(str, unique)) + "]"
    qualified = f"{kind}.{group}" if group else kind
    causes = [{"reason": FieldError.REASONS.get(e.type, "FieldValueInvalid"), "message": e.body(), "field": e.path}
              for e in unique]
    err = StatusError("Invalid", f'{qualified} "{name}" is invalid: {text}', 422,
                      {"name": name, "group": group, "kind": kind, "causes": causes})
    err.field_errors = unique
    return err


def _group_kind(resource: str, key: str) -> dict:
    plural, _, group = resource.partition(".")
    out = {key: plural}
    if group:
        out["group"] = group
    return out


# --- how kubectl prints them -----------------------------------------------------------------------

def kubectl_message(err: APIError) -> str:
    """The text kubectl prints on stderr for ``err`` (no trailing newline), as cmdutil.CheckErr does.

    - ClientError: ``error: <message>``
    - Invalid: ``The Service "web" is invalid: <one error>`` or the multi-line ``* <error>`` list
    - other Status errors: ``Error from server (<Reason>): <message>``
    """
    if isinstance(err, ClientError):
        return f"error: {err.message}"
    if isinstance(err, StatusError):
        if err.reason == "Invalid" and err.details.get("causes"):
            head = f'The {err.details.get("kind", "")} "{err.details.get("name", "")}" is invalid: '
            causes = err.details["causes"]
            lines = [f'{c["field"]}: {c["message"]}' if c.get("field") else c["message"] for c in causes]
            if len(lines) == 1:
                return head + lines[0]
            return head + "\n" + "\n".join("* " + line for line in lines)
        if err.reason:
            return f"Error from server ({err.reason}): {err.message}"
        return f"Error from server: {err.message}"
    return f"error: {err}"
