"""YAML exactly as ``kubectl -o yaml`` writes it, using PyYAML's emitter.

kubectl marshals with sigs.k8s.io/yaml: Go ``json.Marshal``, then go-yaml v2 reads that
JSON and writes YAML. What that means, and what this module reproduces (sources:
kubernetes-sigs/yaml ``yaml.go``; go-yaml v2 ``sorter.go``, ``resolve.go``, ``encode.go``):

- map keys in go-yaml's order (``keyList.Less``: byte order, except that letters sort
  after non-letters and digit runs compare as numbers);
- a string that would read back as something else (``"80"``, ``"true"``, ``"y"``, ``""``,
  ``"2025-01-12T10:00:00Z"``, ``"1e3"``) is double-quoted; one with a newline is a literal
  block (``|``); otherwise plain, or single-quoted when plain is impossible (``': '``...);
- sequences inside mappings are not indented (``- name: x`` under ``containers:``);
- lines fold at 80 columns; floats print as Go's ``%g`` (1.0 becomes ``1``).

The emitter itself (quoting, folding, block scalars) is PyYAML's port of libyaml, the same
C code go-yaml was ported from.

>>> print(to_yaml({"metadata": {"name": "web", "annotations": {"rev": "1"}}, "apiVersion": "v1"}), end="")
apiVersion: v1
metadata:
  annotations:
    rev: "1"
  name: web
"""

from __future__ import annotations

import io
import re
from functools import cmp_to_key

import yaml
from yaml.emitter import Emitter
from yaml.representer import BaseRepresenter
from yaml.resolver import BaseResolver
from yaml.serializer import Serializer

from .gofmt import format_float_g, format_float_json

STR = "tag:yaml.org,2002:str"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
BOOL = "tag:yaml.org,2002:bool"
NULL = "tag:yaml.org,2002:null"
TIMESTAMP = "tag:yaml.org,2002:timestamp"
MERGE = "tag:yaml.org,2002:merge"

_MAP_TAGS = {}
for _words, _tag in (
    (("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
      "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"), BOOL),
    (("", "~", "null", "Null", "NULL"), NULL),
    ((".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF"), FLOAT),
    (("<<",), MERGE),
):
    for _w in _words:
        _MAP_TAGS[_w] = _tag

_YAML_STYLE_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_BASE60_FLOAT = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
_GO_FLOAT = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$|^[-+]?(inf|infinity|nan)$", re.I)
# go-yaml's timestamp layouts: 2006-1-2T15:4:5.999999999Z07:00 (T or t), "2006-1-2 15:4:5.999999999", 2006-1-2
_TIMESTAMP = re.compile(
    r"^\d{4}-\d{1,2}-\d{1,2}(?:(?:[Tt]\d{1,2}:\d{1,2}:\d{1,2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))"
    r"|(?: \d{1,2}:\d{1,2}:\d{1,2}(?:\.\d+)?))?$")


def _go_parse_int(s: str) -> bool:
    """Whether ``strconv.ParseInt(s, 0, 64)`` or ``ParseUint`` accepts s."""
    body = s[1:] if s[:1] in "+-" else s
    if not body:
        return False
    try:
        if re.fullmatch(r"0[xX][0-9a-fA-F]+", body):
            v = int(body, 16)
        elif re.fullmatch(r"0[bB][01]+", body):
            v = int(body, 2)
        elif re.fullmatch(r"0[oO]?[0-7]+", body):
            v = int(body.replace("o", "").replace("O", ""), 8)
        elif re.fullmatch(r"[0-9]+", body) and (body == "0" or body[0] != "0"):
            v = int(body)
        else:
            return False
    except ValueError:
        return False
    if s.startswith("-"):
        return v <= 2 ** 63
    return v < 2 ** 64


def v2_resolve(s: str) -> str:
    """The tag go-yaml v2 gives the plain scalar ``s`` (``resolve("", s)``)."""
    if s in _MAP_TAGS:
        return _MAP_TAGS[s]
    first = s[0] if s else ""
    if first == ".":
        if _GO_FLOAT.match(s):
            return FLOAT
    elif first and (first in "+-" or first.isdecimal() and first.isascii()):
        if _TIMESTAMP.match(s):
            return TIMESTAMP
        plain = s.replace("_", "")
        if _go_parse_int(plain):
            return INT
        if _YAML_STYLE_FLOAT.match(plain):
            return FLOAT
        if plain.startswith("0b") and re.fullmatch(r"[01]+", plain[2:]):
            return INT
        if plain.startswith("-0b") and re.fullmatch(r"[01]+", plain[3:]):
            return INT
    return STR


def _v2_key_less(a: str, b: str) -> bool:
    """go-yaml v2 ``keyList.Less`` for two string keys."""
    ar, br = a, b
    for i in range(min(len(ar), len(br))):
        if ar[i] == br[i]:
            continue
        al, bl = ar[i].isalpha(), br[i].isalpha()
        if al and bl:
            return ar[i] < br[i]
        if al or bl:
            return bl
        an = bn = 0
        if ar[i] == "0" or br[i] == "0":
            j = i - 1
            while j >= 0 and ar[j].isdecimal():
                if ar[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        ai = i
        while ai < len(ar) and ar[ai].isdecimal():
            an = an * 10 + (ord(ar[ai]) - 48)
            ai += 1
        bi = i
        while bi < len(br) and br[bi].isdecimal():
            bn = bn * 10 + (ord(br[bi]) - 48)
            bi += 1
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return ar[i] < br[i]
    return len(ar) < len(br)


def _key_cmp(a, b) -> int:
    a, b = str(a), str(b)
    if _v2_key_less(a, b):
        return -1
    if _v2_key_less(b, a):
        return 1
    return 0


class _Resolver(BaseResolver):
    """Decides plain-scalar tags the way go-yaml v2 does, so implicit tags match its choices."""

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode and implicit[0]:
            return v2_resolve(value)
        return super().resolve(kind, value, implicit)


class _Representer(BaseRepresenter):
    """Represents decoded JSON values as go-yaml v2 encodes them (never with anchors)."""

    def ignore_aliases(self, data) -> bool:
        return True


def _represent_str(self, data: str):
    if "\n" in data:
        style = "|"
    elif v2_resolve(data) != STR or _BASE60_FLOAT.match(data):
        style = '"'
    else:
        style = None
    return self.represent_scalar(STR, data, style=style)


def _represent_dict(self, data: dict):
    items = sorted(data.items(), key=cmp_to_key(lambda x, y: _key_cmp(x[0], y[0])))
    return self.represent_mapping("tag:yaml.org,2002:map", items)


def _represent_list(self, data: list):
    return self.represent_sequence("tag:yaml.org,2002:seq", data)


def _represent_none(self, data):
    return self.represent_scalar(NULL, "null")


def _represent_bool(self, data: bool):
    return self.represent_scalar(BOOL, "true" if data else "false")


def _represent_int(self, data: int):
    return self.represent_scalar(INT, str(data))


def _represent_float(self, data: float):
    text = format_float_json(data)  # what Go's json.Marshal wrote and go-yaml read back
    if re.fullmatch(r"-?\d+", text):
        return self.represent_scalar(INT, str(int(text)))
    return self.represent_scalar(FLOAT, format_float_g(float(text)))


_Representer.add_representer(str, _represent_str)
_Representer.add_representer(dict, _represent_dict)
_Representer.add_representer(list, _represent_list)
_Representer.add_representer(tuple, _represent_list)
_Representer.add_representer(type(None), _represent_none)
_Representer.add_representer(bool, _represent_bool)
_Representer.add_representer(int, _represent_int)
_Representer.add_representer(float, _represent_float)


class _Dumper(Emitter, Serializer, _Representer, _Resolver):
    """PyYAML's emitter with go-yaml v2's representation and resolution rules."""

    def __init__(self, stream):
        Emitter.__init__(self, stream, canonical=False, indent=2, width=80, allow_unicode=True, line_break="\n")
        Serializer.__init__(self, encoding=None, explicit_start=False, explicit_end=False, version=None, tags=None)
        _Representer.__init__(self, default_style=None, default_flow_style=False, sort_keys=False)
        _Resolver.__init__(self)


def to_yaml(data) -> str:
    """YAML text for a decoded JSON value, byte for byte as ``sigs.k8s.io/yaml.Marshal``."""
    stream = io.StringIO()
    dumper = _Dumper(stream)
    try:
        dumper.open()
        dumper.represent(data)
        dumper.close()
    finally:
        dumper.dispose()
    return stream.getvalue()
