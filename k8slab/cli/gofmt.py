"""How Go prints decoded JSON values, because kubectl's text comes from Go.

kubectl holds objects as ``map[string]interface{}`` (unstructured), so:

- ``fmt.Sprint`` (custom-columns cells, jsonpath scalars) prints maps as
  ``map[cpu:4 memory:8Gi]`` (keys sorted), lists as ``[a b]``, null as ``<nil>``;
- ``encoding/json`` (``-o json``, jsonpath maps/lists) sorts keys, escapes ``<``, ``>``
  and ``&`` as ``\\u003c``/``\\u003e``/``\\u0026``, and prints 1.0 as ``1``;
- ``%#v`` (jsonpath execution errors) prints ``map[string]interface {}{"a":1}``.
"""

from __future__ import annotations

import json
import math


def format_float_g(f: float) -> str:
    """``strconv.FormatFloat(f, 'g', -1, 64)``, also ``fmt.Sprint(f)``: ``1.5``, ``123456``, ``1e+06``."""
    # shortest digits; the exponent form is used when exp < -4 or exp >= 6 (strconv's rule for prec -1)
    return _format_float(f, 6)


def format_float_json(f: float) -> str:
    """``encoding/json`` float64: plain decimal unless exp < -6 or >= 21, then ``1e+21``/``1e-7``."""
    if math.isinf(f) or math.isnan(f):
        raise ValueError(f"json: unsupported value: {f}")
    if f == 0:
        return "-0" if math.copysign(1, f) < 0 else "0"
    a = abs(f)
    if a < 1e-6 or a >= 1e21:
        digits, exp = _shortest(f)
        s = _exp_form(f, digits, exp)
        # Go json cleans e-07 to e-7
        mant, e = s.split("e")
        sign = e[0]
        e = e[1:].lstrip("0") or "0"
        return f"{mant}e{sign}{e}"
    return _plain_form(f)


def _shortest(f: float) -> tuple[str, int]:
    """Shortest round-trip digits and decimal exponent: f = 0.DIGITS * 10**exp."""
    r = repr(abs(f))
    if "e" in r:
        mant, e = r.split("e")
        exp = int(e)
    else:
        mant, exp = r, 0
    if "." in mant:
        ip, fp = mant.split(".")
    else:
        ip, fp = mant, ""
    if fp == "0":
        fp = ""
    digits = (ip + fp).lstrip("0")
    lead_zeros = len(ip + fp) - len((ip + fp).lstrip("0"))
    point = len(ip) + exp - lead_zeros
    digits = digits.rstrip("0") or "0"
    return digits, point


def _plain_form(f: float) -> str:
    digits, point = _shortest(f)
    sign = "-" if f < 0 else ""
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return sign + digits + "0" * (point - len(digits))
    return f"{sign}{digits[:point]}.{digits[point:]}"


def _exp_form(f: float, digits: str, point: int) -> str:
    sign = "-" if f < 0 else ""
    exp = point - 1
    mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    esign = "+" if exp >= 0 else "-"
    return f"{sign}{mant}e{esign}{abs(exp):02d}"


def _format_float(f: float, eprec: int) -> str:
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    if f == 0:
        return "-0" if math.copysign(1, f) < 0 else "0"
    digits, point = _shortest(f)
    exp = point - 1
    if exp < -4 or exp >= eprec:
        return _exp_form(f, digits, point)
    return _plain_form(f)


def go_sprint(v) -> str:
    """``fmt.Sprint`` of a decoded JSON value."""
    if v is None:
        return "<nil>"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return format_float_g(v)
    if isinstance(v, str):
        return v
    if isinstance(v, dict):
        return "map[" + " ".join(f"{go_sprint(k)}:{go_sprint(v[k])}" for k in sorted(v)) + "]"
    if isinstance(v, (list, tuple)):
        return "[" + " ".join(go_sprint(x) for x in v) + "]"
    return str(v)


def _json_str(s: str) -> str:
    out = json.dumps(s, ensure_ascii=False)
    return (out.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def go_json(v, indent: str | None = None, _level: int = 0) -> str:
    """``json.Marshal`` (indent None) or ``json.MarshalIndent(v, "", indent)`` of a decoded value."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return format_float_json(v)
    if isinstance(v, str):
        return _json_str(v)
    if isinstance(v, dict):
        if not v:
            return "{}"
        keys = sorted(v)
        if indent is None:
            return "{" + ",".join(f"{_json_str(str(k))}:{go_json(v[k])}" for k in keys) + "}"
        inner = "\n" + indent * (_level + 1)
        items = [f"{_json_str(str(k))}: {go_json(v[k], indent, _level + 1)}" for k in keys]
        return "{" + inner + ("," + inner).join(items) + "\n" + indent * _level + "}"
    if isinstance(v, (list, tuple)):
        if not v:
            return "[]"
        if indent is None:
            return "[" + ",".join(go_json(x) for x in v) + "]"
        inner = "\n" + indent * (_level + 1)
        items = [go_json(x, indent, _level + 1) for x in v]
        return "[" + inner + ("," + inner).join(items) + "\n" + indent * _level + "]"
    raise TypeError(f"json: unsupported type: {type(v).__name__}")


def go_quote(s: str) -> str:
    """``strconv.Quote``: Go string literal with \\a\\b\\f\\n\\r\\t\\v and \\x/\\u escapes."""
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch in "\a\b\f\n\r\t\v":
            out.append({"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r",
                        "\t": "\\t", "\v": "\\v"}[ch])
        elif o < 0x20 or o == 0x7F:
            out.append(f"\\x{o:02x}")
        elif not ch.isprintable() and o > 0x7F:
            out.append(f"\\u{o:04x}" if o <= 0xFFFF else f"\\U{o:08x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def go_sharp_v(v, _top: bool = True) -> str:
    """``fmt.Sprintf("%#v", v)`` of a decoded JSON value held in an ``interface{}``."""
    if v is None:
        return "interface {}(nil)"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return format_float_g(v)
    if isinstance(v, str):
        return go_quote(v)
    if isinstance(v, dict):
        items = ", ".join(f"{go_quote(str(k))}:{go_sharp_v(v[k], False)}" for k in sorted(v))
        return "map[string]interface {}{" + items + "}"
    if isinstance(v, (list, tuple)):
        return "[]interface {}{" + ", ".join(go_sharp_v(x, False) for x in v) + "}"
    return repr(v)
