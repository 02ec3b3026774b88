"""Labels and label selectors, as k8s.io/apimachinery/pkg/labels has them.

A :class:`Selector` is a list of requirements, all of which must hold. It comes from the
string syntax of ``kubectl -l`` (:func:`parse_selector`), from a ``LabelSelector`` object with
matchLabels/matchExpressions (:func:`from_label_selector`) or from a plain map such as a
Service's ``spec.selector`` (:func:`from_set`)::

    >>> s = parse_selector("app=web,tier!=db,env in (dev,prod),!canary")
    >>> s.matches({"app": "web", "env": "dev"}), s.matches({"app": "web", "env": "qa"})
    (True, False)
    >>> str(s)
    'app=web,!canary,env in (dev,prod),tier!=db'

``!=`` and ``notin`` also match objects that lack the key, as in Kubernetes.
"""

from __future__ import annotations

import re

from .errors import FieldError, bad_request, forbidden, invalid, required

# --- validation of keys and values (apimachinery api/validate/content) -----------------------------

_DNS1123_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
DNS1123_SUBDOMAIN_FMT = _DNS1123_LABEL + "(\\." + _DNS1123_LABEL + ")*"
_DNS1123_SUBDOMAIN_RE = re.compile("^" + DNS1123_SUBDOMAIN_FMT + "$")
_LABEL_KEY_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_LABEL_KEY_RE = re.compile("^" + _LABEL_KEY_FMT + "$")
_LABEL_VALUE_FMT = "(" + _LABEL_KEY_FMT + ")?"
_LABEL_VALUE_RE = re.compile("^" + _LABEL_VALUE_FMT + "$")
_LABEL_KEY_MSG = ("must consist of alphanumeric characters, '-', '_' or '.', "
                  "and must start and end with an alphanumeric character")
_LABEL_VALUE_MSG = ("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
                    "and must start and end with an alphanumeric character")
DNS1123_SUBDOMAIN_MSG = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
                         "'-' or '.', and must start and end with an alphanumeric character")


def regex_error(msg: str, fmt: str, *examples: str) -> str:
    """apimachinery's RegexError: ``msg (e.g. 'a',  or 'b', regex used for validation is 'fmt')``."""
    if not examples:
        return f"{msg} (regex used for validation is '{fmt}')"
    return msg + " (e.g. " + " or ".join(f"'{e}', " for e in examples) + f"regex used for validation is '{fmt}')"


def is_dns1123_subdomain(value: str) -> list[str]:
    """Messages for a value that is not a DNS-1123 subdomain (names of most objects)."""
    errs = []
    if len(value) > 253:
        errs.append("must be no more than 253 characters")
    if not _DNS1123_SUBDOMAIN_RE.match(value):
        errs.append(regex_error(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, "example.com"))
    return errs


def is_label_key(value: str) -> list[str]:
    """Messages for an invalid label key (a qualified name: optional DNS prefix, '/', name part)."""
    errs = []
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errs.append("prefix part must be non-empty")
        else:
            errs.extend("prefix part " + m for m in is_dns1123_subdomain(prefix))
    else:
        return [
            "a valid label key " + regex_error(_LABEL_KEY_MSG, _LABEL_KEY_FMT, "MyName", "my.name", "123-abc")
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        ]
    if not name:
        errs.append("name part must be non-empty")
    elif len(name) > 63:
        errs.append("name part must be no more than 63 characters")
    if not _LABEL_KEY_RE.match(name):
        errs.append("name part " + regex_error(_LABEL_KEY_MSG, _LABEL_KEY_FMT, "MyName", "my.name", "123-abc"))
    return errs


def is_label_value(value: str) -> list[str]:
    """Messages for an invalid label value (empty is valid)."""
    errs = []
    if len(value) > 63:
        errs.append("must be no more than 63 characters")
    if not _LABEL_VALUE_RE.match(value):
        errs.append(regex_error(_LABEL_VALUE_MSG, _LABEL_VALUE_FMT, "MyValue", "my_value", "12345"))
    return errs


def validate_labels(labels, path: str = "metadata.labels") -> list[FieldError]:
    """Field errors for a labels map, as ValidateLabels reports them (the path is the map's, not the key's).

    >>> [str(e)[:62] for e in validate_labels({"-bad": "x"})]
    ['metadata.labels: Invalid value: "-bad": name part must consist']
    """
    errs: list[FieldError] = []
    if not isinstance(labels, dict):
        return errs
    for k in sorted(labels, key=str):
        v = labels[k]
        for msg in is_label_key(str(k)):
            errs.append(invalid(path, k, msg))
        if isinstance(v, str):
            for msg in is_label_value(v):
                errs.append(invalid(path, v, msg))
    return errs


# --- selectors --------------------------------------------------------------------------------------

OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")


class Requirement:
    """One requirement: ``key op values`` with op one of =, ==, !=, in, notin, exists, !, gt, lt."""

    __slots__ = ("key", "op", "values")

    def __init__(self, key: str, op: str, values=()):
        self.key = key
        self.op = op
        self.values = tuple(sorted(set(values)))

    def matches(self, labels: dict) -> bool:
        op = self.op
        if op in ("=", "==", "in"):
            return self.key in labels and labels[self.key] in self.values
        if op in ("!=", "notin"):
            return self.key not in labels or labels[self.key] not in self.values
        if op == "exists":
            return self.key in labels
        if op == "!":
            return self.key not in labels
        if op in ("gt", "lt"):
            if self.key not in labels:
                return False
            try:
                have, want = int(labels[self.key]), int(self.values[0])
            except (TypeError, ValueError):
                return False
            return have > want if op == "gt" else have < want
        return False

    def __str__(self):
        op = self.op
        if op == "exists":
            return self.key
        if op == "!":
            return "!" + self.key
        if op in ("in", "notin"):
            return f"{self.key} {op} ({','.join(self.values)})"
        if op in ("gt", "lt"):
            return f"{self.key}{'>' if op == 'gt' else '<'}{self.values[0]}"
        return f"{self.key}{'=' if op == '==' else op}{self.values[0]}"

    def __repr__(self):
        return f"Requirement({str(self)!r})"


class Selector:
    """All of its requirements must match. ``Selector([])`` matches everything; see :data:`NOTHING`."""

    __slots__ = ("requirements", "_nothing")

    def __init__(self, requirements=(), nothing: bool = False):
        self.requirements = tuple(sorted(requirements, key=lambda r: r.key))
        self._nothing = nothing

    def matches(self, labels) -> bool:
        if self._nothing:
            return False
        labels = labels or {}
        for r in self.requirements:
            if not r.matches(labels):
                return False
        return True

    def empty(self) -> bool:
        return not self.requirements and not self._nothing

    def __str__(self):
        return ",".join(str(r) for r in self.requirements)

    def __repr__(self):
        return f"Selector({str(self)!r})"


NOTHING = Selector(nothing=True)
EVERYTHING = Selector()


def from_set(labels) -> Selector:
    """Equality requirements from a map (a Service's ``spec.selector``, a ``matchLabels``)."""
    return Selector([Requirement(k, "=", [v]) for k, v in (labels or {}).items()])


def from_label_selector(selector) -> Selector:
    """A ``LabelSelector`` object as a Selector: None matches nothing, ``{}`` matches everything.

    >>> sel = from_label_selector({"matchLabels": {"app": "web"},
    ...                            "matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["db"]}]})
    >>> str(sel)
    'app=web,tier notin (db)'
    """
    if selector is None:
        return NOTHING
    reqs = [Requirement(k, "=", [v]) for k, v in (selector.get("matchLabels") or {}).items()]
    for expr in selector.get("matchExpressions") or []:
        op = {"In": "in", "NotIn": "notin", "Exists": "exists", "DoesNotExist": "!"}.get(expr.get("operator"))
        if op is None:
            raise bad_request(f'"{expr.get("operator")}" is not a valid label selector operator')
        reqs.append(Requirement(expr.get("key", ""), op, expr.get("values") or ()))
    return Selector(reqs)


def format_labels(labels) -> str:
    """``app=web,tier=db`` (sorted by key), ``<none>`` when empty: labels.FormatLabels."""
    if not labels:
        return "<none>"
    return ",".join(f"{k}={labels[k]}" for k in sorted(labels))


def validate_label_selector(selector, path: str) -> list[FieldError]:
    """Field errors for a ``LabelSelector`` object (ValidateLabelSelector)."""
    errs: list[FieldError] = []
    if not isinstance(selector, dict):
        return errs
    for i, expr in enumerate(selector.get("matchExpressions") or []):
        p = f"{path}.matchExpressions[{i}]"
        if not isinstance(expr, dict):
            continue
        op, values = expr.get("operator"), expr.get("values") or []
        if op in ("In", "NotIn"):
            if not values:
                errs.append(required(p + ".values", "must be specified when `operator` is 'In' or 'NotIn'"))
        elif op in ("Exists", "DoesNotExist"):
            if values:
                errs.append(forbidden(p + ".values",
                                      "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
        else:
            errs.append(invalid(p + ".operator", op, "not a valid selector operator"))
        key = expr.get("key")
        if isinstance(key, str):
            errs.extend(invalid(p + ".key", key, m) for m in is_label_key(key))
    errs.extend(validate_labels(selector.get("matchLabels"), path + ".matchLabels"))
    return errs


# --- the string syntax (labels.Parse) ---------------------------------------------------------------

_TOKEN = re.compile(r"\s*(==|!=|=|\(|\)|,|!|>|<|[^\s,=!()<>]+)")


def _tokens(text: str) -> list[str]:
    out, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m:  # pragma: no cover - the pattern matches any non-space character
            raise bad_request(f"unable to parse requirement: unexpected character at {pos}")
        out.append(m.group(1))
        pos = m.end()
    return out


def parse_selector(text: str) -> Selector:
    """Parse ``kubectl -l`` syntax: ``a=b``, ``a==b``, ``a!=b``, ``a in (x,y)``, ``a notin (x)``, ``a``,
    ``!a``, ``a>1``, ``a<1``, joined by commas. Invalid text raises a BadRequest StatusError."""
    toks = _tokens(text or "")
    reqs: list[Requirement] = []
    i = 0

    def fail(msg):
        raise bad_request(f"unable to parse requirement: {msg}")

    def check_key(key):
        errs = is_label_key(key)
        if errs:
            fail(f'{str(invalid("key", key, errs[0]))}')

    def check_value(i, key, value):
        errs = is_label_value(value)
        if errs:
            fail(str(invalid(f"values[{i}][{key}]", value, errs[0])))

    while i < len(toks):
        tok = toks[i]
        if tok == "!":
            if i + 1 >= len(toks) or toks[i + 1] in ",()=!<>":
                fail("found '', expected: identifier")
            check_key(toks[i + 1])
            reqs.append(Requirement(toks[i + 1], "!"))
            i += 2
        elif tok in ",()=!<>" or tok in ("==", "!="):
            fail(f"found '{tok}', expected: !, identifier, or 'end of string'")
        else:
            key = tok
            check_key(key)
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            if nxt is None or nxt == ",":
                reqs.append(Requirement(key, "exists"))
                i += 1
            elif nxt in ("=", "==", "!=", ">", "<"):
                value = toks[i + 2] if i + 2 < len(toks) and toks[i + 2] not in ",()=!<>" else ""
                if value == "" and nxt in (">", "<"):
                    fail("for 'Gt', 'Lt' operators, the value must be an integer")
                if nxt in (">", "<") and not re.fullmatch(r"-?\d+", value):
                    fail("for 'Gt', 'Lt' operators, the value must be an integer")
                check_value(0, key, value)
                op = {"=": "=", "==": "==", "!=": "!=", ">": "gt", "<": "lt"}[nxt]
                reqs.append(Requirement(key, op, [value]))
                i += 3 if value else 2
            elif nxt in ("in", "notin"):
                if i + 2 >= len(toks) or toks[i + 2] != "(":
                    fail(f"found '{toks[i + 2] if i + 2 < len(toks) else ''}', expected: '('")
                j, values = i + 3, []
                expect_value = True
                while True:
                    if j >= len(toks):
                        fail("found '', expected: ',', ')' or identifier")
                    t = toks[j]
                    if t == ")":
                        if expect_value and values:
                            values.append("")
                        break
                    if t == ",":
                        if expect_value:
                            values.append("")
                        expect_value = True
                    elif t in "()=!<>" or t in ("==", "!="):
                        fail(f"found '{t}', expected: ',', ')' or identifier")
                    else:
                        if not expect_value:
                            fail(f"found '{t}', expected: ',' or ')'")
                        values.append(t)
                        expect_value = False
                    j += 1
                if not values:
                    fail("for 'in', 'notin' operators, values set can't be empty")
                for n, v in enumerate(values):
                    check_value(n, key, v)
                reqs.append(Requirement(key, nxt, values))
                i = j + 1
            else:
                fail(f"found '{nxt}', expected: in, notin, =, ==, !=, gt, lt")
        if i < len(toks):
            if toks[i] != ",":
                fail(f"found '{toks[i]}', expected: ',' or 'end of string'")
            i += 1
            if i >= len(toks):
                fail("found '', expected: !, identifier, or 'end of string'")
    return Selector(reqs)
