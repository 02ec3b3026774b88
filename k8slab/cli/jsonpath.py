r"""kubectl's JSONPath templates (``-o jsonpath=``, ``-o custom-columns=``), ported from client-go.

Source: kubernetes/client-go ``util/jsonpath`` (``parser.go``, ``jsonpath.go``) and
``third_party/forked/golang/template/funcs.go`` (filter comparisons). That dialect is not
standard JSONPath: a template mixes literal text with ``{...}`` actions; ``range``/``end``
loop; ``"\n"``/``'\t'`` are quoted literals; filters compare with ``==``, ``!=``, ``<``,
``>``, ``<=``, ``>=`` (or test existence); several results print space-separated; maps and
lists print as compact JSON (since Kubernetes 1.19), null as ``null``; missing keys print
nothing when ``allow_missing_keys`` (kubectl's default). jsonpath-ng implements a different
grammar and none of the template layer, so this is a port, parse errors included.

Go iterates maps in random order for ``*`` and ``..``; here keys are visited sorted, so
output is deterministic.

>>> render("{.items[*].metadata.name}", {"items": [{"metadata": {"name": "a"}}, {"metadata": {"name": "b"}}]})
'a b'
>>> render('{range .items[*]}{.n}{"\\n"}{end}', {"items": [{"n": 1}, {"n": 2}]})
'1\n2\n'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .gofmt import format_float_g, go_json, go_sprint


class JSONPathError(Exception):
    """A parse or execution error, with client-go's message."""


# ---------------------------------------------------------------- nodes

@dataclass
class ListNode:
    nodes: list = field(default_factory=list)


@dataclass
class TextNode:
    text: str


@dataclass
class FieldNode:
    value: str


@dataclass
class Param:
    value: int = 0
    known: bool = False
    derived: bool = False


@dataclass
class ArrayNode:
    params: tuple[Param, Param, Param]


@dataclass
class FilterNode:
    left: ListNode
    right: ListNode
    operator: str


@dataclass
class IntNode:
    value: int


@dataclass
class FloatNode:
    value: float


@dataclass
class BoolNode:
    value: bool


@dataclass
class WildcardNode:
    pass


@dataclass
class RecursiveNode:
    pass


@dataclass
class UnionNode:
    nodes: list


@dataclass
class IdentifierNode:
    name: str


# ---------------------------------------------------------------- parser

_EOF = ""
_DICT_KEY = re.compile(r"^'([^']*)'$")
_SLICE = re.compile(r"^(-?[0-9]*)(:-?[0-9]*)?(:-?[0-9]*)?$")
_FILTER = re.compile(r"^([^!<>=]+)([!<>=]+)(.+?)$", re.S)


def _is_terminator(r: str) -> bool:
    return r == _EOF or r in " \t\r\n.,[]$@{}"


def _is_alnum(r: str) -> bool:
    return r == "_" or (r != _EOF and (r.isalpha() or unicodedata.category(r) == "Nd"))


def _is_digit(r: str) -> bool:
    return r != _EOF and unicodedata.category(r) == "Nd"


def _fmt_U(r: str) -> str:
    """Go's ``%#U``: ``U+0021 '!'``."""
    code = f"U+{ord(r):04X}"
    return f"{code} '{r}'" if r.isprintable() else code


class _Parser:
    """A line-for-line port of client-go's jsonpath Parser (loops instead of tail calls)."""

    def __init__(self, text: str):
        self.input = text
        self.pos = 0
        self.start = 0
        self.width = 0
        self.root = ListNode()

    def parse(self) -> ListNode:
        self._parse_text()
        return self.root

    def _consume(self) -> str:
        value = self.input[self.start:self.pos]
        self.start = self.pos
        return value

    def _next(self) -> str:
        if self.pos >= len(self.input):
            self.width = 0
            return _EOF
        r = self.input[self.pos]
        self.width = 1
        self.pos += 1
        return r

    def _peek(self) -> str:
        r = self._next()
        self._backup()
        return r

    def _backup(self) -> None:
        self.pos -= self.width

    def _parse_text(self) -> None:
        while True:
            if self.input.startswith("{", self.pos):
                if self.pos > self.start:
                    self.root.nodes.append(TextNode(self._consume()))
                self.pos += 1
                self._consume()
                node = ListNode()
                self.root.nodes.append(node)
                self._parse_inside_action(node)
                continue
            if self._next() == _EOF:
                break
        if self.pos > self.start:
            self.root.nodes.append(TextNode(self._consume()))

    def _parse_inside_action(self, cur: ListNode) -> None:
        while True:
            rest = self.input[self.pos:]
            if rest.startswith("}"):
                self.pos += 1
                self._consume()
                return
            if rest.startswith("[?("):
                self._parse_filter(cur)
                continue
            if rest.startswith(".."):
                self._parse_recursive(cur)
                continue
            r = self._next()
            if r == _EOF or r in "\r\n":
                raise JSONPathError("unclosed action")
            if r == " ":
                self._consume()
            elif r in "@$":
                self._consume()
            elif r == "[":
                self._parse_array(cur)
            elif r in "\"'":
                self._parse_quote(cur, r)
            elif r == ".":
                self._parse_field(cur)
            elif r in "+-" or _is_digit(r):
                self._backup()
                self._parse_number(cur)
            elif _is_alnum(r):
                self._backup()
                self._parse_identifier(cur)
            else:
                raise JSONPathError(f"unrecognized character in action: {_fmt_U(r)}")

    def _parse_identifier(self, cur: ListNode) -> None:
        while True:
            r = self._next()
            if _is_terminator(r):
                self._backup()
                break
        value = self._consume()
        if value in ("true", "false"):
            cur.nodes.append(BoolNode(value == "true"))
        else:
            cur.nodes.append(IdentifierNode(value))

    def _parse_recursive(self, cur: ListNode) -> None:
        if cur.nodes and isinstance(cur.nodes[-1], RecursiveNode):
            raise JSONPathError("invalid multiple recursive descent")
        self.pos += 2
        self._consume()
        cur.nodes.append(RecursiveNode())
        if _is_alnum(self._peek()):
            self._parse_field(cur)

    def _parse_number(self, cur: ListNode) -> None:
        r = self._peek()
        if r in ("+", "-") and r != _EOF:
            self._next()
        while True:
            r = self._next()
            if r != "." and not _is_digit(r):
                self._backup()
                break
        value = self._consume()
        if value.isascii():
            if re.fullmatch(r"[+-]?[0-9]+", value):
                cur.nodes.append(IntNode(int(value)))
                return
            if re.fullmatch(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)", value):
                cur.nodes.append(FloatNode(float(value)))
                return
        raise JSONPathError(f"cannot parse number {value}")

    def _parse_array(self, cur: ListNode) -> None:
        while True:
            r = self._next()
            if r == _EOF or r == "\n":
                raise JSONPathError("unterminated array")
            if r == "]":
                break
        text = self._consume()[1:-1]
        if text == "*":
            text = ":"
        parts = text.split(",")
        if len(parts) > 1:
            union = [_parse_action(f"[{s.strip(' ')}]") for s in parts]
            cur.nodes.append(UnionNode(union))
            return
        m = _DICT_KEY.match(text)
        if m:
            cur.nodes.extend(_parse_action(f".{m.group(1)}").nodes)
            return
        m = _SLICE.match(text)
        if not m:
            raise JSONPathError(f"invalid array index {text}")
        values = list(m.groups(default=""))
        params = [Param(), Param(), Param()]
        for i in range(3):
            if values[i] != "":
                if i > 0:
                    values[i] = values[i][1:]
                if i > 0 and values[i] == "":
                    params[i].known = False
                else:
                    params[i].known = True
                    try:
                        params[i].value = int(values[i])
                    except ValueError:
                        raise JSONPathError(f"array index {values[i]} is not a number") from None
            elif i == 1:
                params[i] = Param(params[0].value + 1, True, True)
            else:
                params[i] = Param(0, False)
        cur.nodes.append(ArrayNode((params[0], params[1], params[2])))

    def _parse_filter(self, cur: ListNode) -> None:
        self.pos += 3
        self._consume()
        begin = end = False
        pair = ""
        while True:
            r = self._next()
            if r == _EOF or r == "\n":
                raise JSONPathError("unterminated filter")
            if r in "\"'":
                if not begin:
                    begin = True
                    pair = r
                    continue
                if self.input[self.pos - 2] != "\\" and r == pair:
                    end = True
            elif r == ")":
                if begin == end:
                    break
        if self._next() != "]":
            raise JSONPathError("unclosed array expect ]")
        text = self._consume()[:-2]
        m = _FILTER.match(text)
        if m is None:
            cur.nodes.append(FilterNode(_parse_action(text), ListNode(), "exists"))
        else:
            cur.nodes.append(FilterNode(_parse_action(m.group(1)), _parse_action(m.group(3)), m.group(2)))

    def _parse_quote(self, cur: ListNode, end: str) -> None:
        while True:
            r = self._next()
            if r == _EOF or r == "\n":
                raise JSONPathError("unterminated quoted string")
            if r == end and self.input[self.pos - 2] != "\\":
                break
        value = self._consume()
        try:
            s = _unquote_extend(value)
        except ValueError as e:
            raise JSONPathError(f"unquote string {value} error {e}") from None
        cur.nodes.append(TextNode(s))

    def _parse_field(self, cur: ListNode) -> None:
        self._consume()
        while True:
            r = self._next()
            if r == "\\":
                self._next()
            elif _is_terminator(r):
                self._backup()
                break
        value = self._consume()
        if value == "*":
            cur.nodes.append(WildcardNode())
        else:
            cur.nodes.append(FieldNode(value.replace("\\", "")))


def _parse_action(text: str) -> ListNode:
    """``parseAction``: parse ``{text}`` and return the action's list node."""
    root = _Parser("{" + text + "}").parse()
    return root.nodes[0]


_SIMPLE_ESC = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}


def _unquote_extend(s: str) -> str:
    """``UnquoteExtend``: Go's ``strconv.Unquote`` rules, single quotes allowed for strings."""
    if len(s) < 2 or s[0] != s[-1] or s[0] not in "\"'":
        raise ValueError("invalid syntax")
    quote = s[0]
    s = s[1:-1]
    if "\\" not in s and quote not in s:
        return s
    out = []
    i = 0
    while i < len(s):
        c = s[i]
        if c == quote:
            raise ValueError("invalid syntax")
        if c != "\\":
            out.append(c)
            i += 1
            continue
        if i + 1 >= len(s):
            raise ValueError("invalid syntax")
        e = s[i + 1]
        i += 2
        if e in _SIMPLE_ESC:
            out.append(_SIMPLE_ESC[e])
        elif e == quote:
            out.append(e)
        elif e in "xuU":
            n = {"x": 2, "u": 4, "U": 8}[e]
            digits = s[i:i + n]
            if len(digits) < n or not re.fullmatch(r"[0-9a-fA-F]+", digits):
                raise ValueError("invalid syntax")
            v = int(digits, 16)
            if e != "x" and (v > 0x10FFFF or 0xD800 <= v < 0xE000):
                raise ValueError("invalid syntax")
            out.append(chr(v))
            i += n
        elif e in "01234567":
            digits = s[i - 1:i + 2]
            if len(digits) < 3 or not re.fullmatch(r"[0-7]{3}", digits) or int(digits, 8) > 255:
                raise ValueError("invalid syntax")
            out.append(chr(int(digits, 8)))
            i += 2
        else:
            raise ValueError("invalid syntax")
    return "".join(out)


def parse(template: str) -> ListNode:
    """Parse a JSONPath template; raises JSONPathError with client-go's message."""
    return _Parser(template).parse()


# ---------------------------------------------------------------- evaluation

_MISSING = object()


def _go_type(v) -> str:
    """The Go type name of a decoded JSON value, for error messages."""
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int64"
    if isinstance(v, float):
        return "float64"
    if isinstance(v, str):
        return "string"
    if isinstance(v, dict):
        return "map[string]interface {}"
    if isinstance(v, list):
        return "[]interface {}"
    return "interface {}"


def _children(v) -> list:
    if isinstance(v, dict):
        return [v[k] for k in sorted(v)]
    if isinstance(v, list):
        return list(v)
    if isinstance(v, str):
        return list(v.encode())
    return []


def _basic_kind(v) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if isinstance(v, str):
        return "string"
    raise JSONPathError("invalid type for comparison")


def _less(a, b) -> bool:
    ka, kb = _basic_kind(a), _basic_kind(b)
    if ka != kb:
        raise JSONPathError("incompatible types for comparison")
    if ka == "bool":
        raise JSONPathError("invalid type for comparison")
    return a < b


def _equal(a, b) -> bool:
    ka, kb = _basic_kind(a), _basic_kind(b)
    if ka != kb:
        raise JSONPathError("incompatible types for comparison")
    return a == b


def _compare(op: str, a, b) -> bool:
    if op == "<":
        return _less(a, b)
    if op == ">":
        return not (_less(a, b) or _equal(a, b))
    if op == "==":
        return _equal(a, b)
    if op == "!=":
        return not _equal(a, b)
    if op == "<=":
        return _less(a, b) or _equal(a, b)
    if op == ">=":
        return not _less(a, b)
    raise JSONPathError(f"unrecognized filter operator {op}")


class JSONPath:
    """A parsed template; ``find_results`` and ``execute`` behave like client-go's JSONPath."""

    def __init__(self, template: str, allow_missing_keys: bool = True, output_json: bool = False):
        self.template = template
        self.root = parse(template)
        self.allow_missing_keys = allow_missing_keys
        self.output_json = output_json

    def find_results(self, data) -> list[list]:
        """Each top-level node's results (a range contributes one list per iteration's node)."""
        self._begin = self._in = self._end = 0
        self._last_end = -1
        return self._find(data, 0)

    def _find(self, data, start: int) -> list[list]:
        cur = [data]
        nodes = self.root.nodes
        full: list[list] = []
        i = start
        while i < len(nodes):
            results = self._walk(cur, nodes[i])
            if self._end > 0 and self._end <= self._in:
                self._end -= 1
                self._last_end = i
                break
            if self._begin > 0:
                self._begin -= 1
                self._in += 1
                if results:
                    for value in results:
                        full.extend(self._find(value, i + 1))
                else:
                    self._find(None, i + 1)
                self._in -= 1
                for k in range(i + 1, len(nodes)):
                    if k == self._last_end:
                        i = k
                        break
                i += 1
                continue
            full.append(results)
            i += 1
        return full

    def execute(self, data) -> str:
        """The text kubectl prints for this template over ``data`` (no newline added)."""
        return "".join(self.print_results(r) for r in self.find_results(data))

    def print_results(self, results: list) -> str:
        """``PrintResults``: scalars as text, maps/lists as compact JSON, separated by spaces."""
        if self.output_json:
            return go_json(list(results), "    ") + "\n"
        parts = []
        for r in results:
            if isinstance(r, (dict, list)):
                parts.append(go_json(r))
            elif r is None:
                parts.append("null")
            elif isinstance(r, float):
                parts.append(format_float_g(r))
            else:
                parts.append(go_sprint(r))
        return " ".join(parts)

    # -- walking

    def _walk(self, values: list, node) -> list:
        if isinstance(node, ListNode):
            return self._eval_list(values, node)
        if isinstance(node, TextNode):
            return [node.text]
        if isinstance(node, FieldNode):
            return self._eval_field(values, node)
        if isinstance(node, ArrayNode):
            return self._eval_array(values, node)
        if isinstance(node, FilterNode):
            return self._eval_filter(values, node)
        if isinstance(node, (IntNode, FloatNode, BoolNode)):
            return [node.value for _ in values]
        if isinstance(node, WildcardNode):
            out = []
            for v in values:
                if v is not None:
                    out.extend(_children(v))
            return out
        if isinstance(node, RecursiveNode):
            return self._eval_recursive(values)
        if isinstance(node, UnionNode):
            out = []
            for ln in node.nodes:
                out.extend(self._eval_list(values, ln))
            return out
        if isinstance(node, IdentifierNode):
            return self._eval_identifier(values, node)
        raise JSONPathError(f"unexpected Node {node}")

    def _eval_list(self, values: list, node: ListNode) -> list:
        cur = values
        for n in node.nodes:
            cur = self._walk(cur, n)
        return cur

    def _eval_identifier(self, values: list, node: IdentifierNode) -> list:
        if node.name == "range":
            self._begin += 1
            return values
        if node.name == "end":
            if self._in > 0:
                self._end += 1
                return []
            raise JSONPathError("not in range, nothing to end")
        raise JSONPathError(f"unrecognized identifier {node.name}")

    def _eval_field(self, values: list, node: FieldNode) -> list:
        results = []
        if not values:
            return results
        for v in values:
            if isinstance(v, dict) and node.value in v:
                results.append(v[node.value])
        if not results and not self.allow_missing_keys:
            raise JSONPathError(f"{node.value} is not found")
        return results

    def _eval_array(self, values: list, node: ArrayNode) -> list:
        result = []
        for v in values:
            if v is None:
                continue
            if not isinstance(v, list):
                raise JSONPathError(f"{_go_type(v)} is not array or slice")
            p0, p1, p2 = (Param(p.value, p.known, p.derived) for p in node.params)
            n = len(v)
            if not p0.known:
                p0.value = 0
            if p0.value < 0:
                p0.value += n
            if not p1.known:
                p1.value = n
            if p1.value < 0 or (p1.value == 0 and p1.derived):
                p1.value += n
            if p1.value != p0.value:
                if p0.value >= n or p0.value < 0:
                    raise JSONPathError(f"array index out of bounds: index {p0.value}, length {n}")
                if p1.value > n or p1.value < 0:
                    raise JSONPathError(f"array index out of bounds: index {p1.value - 1}, length {n}")
                if p0.value > p1.value:
                    raise JSONPathError(f"starting index {p0.value} is greater than ending index {p1.value}")
            else:
                return result
            sliced = v[p0.value:p1.value]
            step = 1
            if p2.known:
                if p2.value <= 0:
                    raise JSONPathError("step must be > 0")
                step = p2.value
            result.extend(sliced[::step])
        return result

    def _eval_recursive(self, values: list) -> list:
        result = []
        for v in values:
            if v is None:
                continue
            kids = _children(v)
            if kids:
                result.append(v)
                result.extend(self._eval_recursive(kids))
        return result

    def _eval_filter(self, values: list, node: FilterNode) -> list:
        results = []
        for v in values:
            if not isinstance(v, list):
                raise JSONPathError(f"{go_sprint(v)} is not array or slice and cannot be filtered")
            for item in v:
                if node.operator == "exists":
                    try:
                        lefts = self._eval_list([item], node.left)
                    except JSONPathError:
                        lefts = []
                    if lefts:
                        results.append(item)
                    continue
                lefts = self._eval_list([item], node.left)
                if not lefts:
                    continue
                if len(lefts) > 1:
                    raise JSONPathError("can only compare one element at a time")
                rights = self._eval_list([item], node.right)
                if not rights:
                    continue
                if len(rights) > 1:
                    raise JSONPathError("can only compare one element at a time")
                if _compare(node.operator, lefts[0], rights[0]):
                    results.append(item)
        return results


def render(template: str, data, allow_missing_keys: bool = True) -> str:
    """Parse and execute a template in one call (raises JSONPathError)."""
    return JSONPath(template, allow_missing_keys).execute(data)


_RELAXED = re.compile(r"^\{\.?([^{}]+)\}$|^\.?([^{}]+)$")


def relaxed_jsonpath(expr: str) -> str:
    """``RelaxedJSONPathExpression``: ``metadata.name``, ``.metadata.name``, ``{metadata.name}`` all
    become ``{.metadata.name}``."""
    if not expr:
        return expr
    m = _RELAXED.match(expr)
    if not m:
        raise JSONPathError("unexpected path string, expected a 'name1.name2' or '.name1.name2' or "
                            "'{name1.name2}' or '{.name1.name2}'")
    return "{." + (m.group(1) or m.group(2)) + "}"
