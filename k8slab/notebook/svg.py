"""Drawing view models as SVG text: deterministic by construction (integer coordinates, no
random ids, no timestamps), so the static image of a view is byte-identical across runs and
the live widget shows exactly the same picture.

Boxes carry ``data-id`` attributes; the widget's script finds them to select a pod or move the
packet, so the picture is drawn once, here, in Python.
"""

from __future__ import annotations

import math
from html import escape

from k8slab.notebook.model import Box, Topology

CHAR_W = 6.6     # width of a character at 11px in a monospace font
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
MONO = "DejaVu Sans Mono, Menlo, Consolas, monospace"

STYLE = f"""<style>
.k8s text {{ font-family: {FONT}; font-size: 11px; fill: #1d2733; }}
.k8s .mono {{ font-family: {MONO}; }}
.k8s .title {{ font-size: 14px; font-weight: bold; }}
.k8s .small {{ font-size: 10px; fill: #4a5866; }}
.k8s .bold {{ font-weight: bold; }}
.k8s .node > rect {{ fill: #f3f5f8; stroke: #7d8a97; stroke-width: 1.5; }}
.k8s .pod > rect {{ fill: #eaf1fe; stroke: #326ce5; stroke-width: 1.5; }}
.k8s .pod {{ cursor: pointer; }}
.k8s .dev > rect {{ fill: #ffffff; stroke: #7d8a97; }}
.k8s .dev.veth > rect, .k8s .port > rect {{ fill: #ffffff; stroke: #5b6b7b; }}
.k8s .dev.bridge > rect {{ fill: #fff3df; stroke: #d08a1c; }}
.k8s .dev.vxlan > rect {{ fill: #f3e9fb; stroke: #8e44ad; }}
.k8s .dev.eth > rect {{ fill: #e6f5ea; stroke: #2e8b57; }}
.k8s .network > rect {{ fill: #dfe5ec; stroke: #5b6b7b; stroke-width: 1.5; }}
.k8s .services > rect {{ fill: #fbfbfb; stroke: #9aa6b2; stroke-dasharray: 5 4; }}
.k8s .svc > rect {{ fill: #fff8e6; stroke: #c99400; stroke-dasharray: 4 3; }}
.k8s .edge {{ stroke: #5b6b7b; stroke-width: 1.5; fill: none; }}
.k8s .edge.port {{ stroke: #d08a1c; }}
.k8s .edge.tunnel {{ stroke: #8e44ad; stroke-width: 2; stroke-dasharray: 7 4; }}
.k8s .edge.endpoint {{ stroke: #c99400; stroke-dasharray: 3 3; }}
.k8s .tunnel-label {{ fill: #8e44ad; font-size: 10px; }}
.k8s .path {{ stroke: #ff6a00; stroke-width: 3; fill: none; opacity: 0.85; }}
.k8s .path.reply {{ stroke: #0a9396; stroke-dasharray: 6 4; }}
.k8s .arrow {{ fill: #ff6a00; }}
.k8s .arrow.reply {{ fill: #0a9396; }}
.k8s .hl > rect {{ stroke: #ff6a00; stroke-width: 3; }}
.k8s .sel > rect {{ stroke: #d6336c; stroke-width: 3; fill: #fde8ef; }}
.k8s .here > rect {{ stroke: #ff6a00; stroke-width: 4; fill: #ffe8d6; }}
.k8s .legend rect {{ stroke-width: 1; }}
</style>"""


def fit(text: str, width: float, char_w: float = CHAR_W) -> str:
    """``text`` cut with an ellipsis to fit ``width`` pixels."""
    n = max(1, int((width - 8) / char_w))
    return text if len(text) <= n else text[: max(1, n - 1)] + "…"


def _text(x, y, s, cls="", anchor="start") -> str:
    c = f' class="{cls}"' if cls else ""
    a = f' text-anchor="{anchor}"' if anchor != "start" else ""
    return f'<text x="{x}" y="{y}"{c}{a}>{escape(s)}</text>'


def box_svg(b: Box, extra_cls: str = "") -> str:
    cls = " ".join(filter(None, [b.kind, b.style, extra_cls]))
    out = [f'<g class="{cls}" data-id="{escape(b.id)}">',
           f'<rect x="{b.x}" y="{b.y}" width="{b.w}" height="{b.h}" rx="{6 if b.kind in ("node", "pod") else 3}"/>']
    if b.kind == "node":
        out.append(_text(b.x + 10, b.y + 18, fit(b.label, b.w - 10, 8), "title"))
        for i, line in enumerate(b.lines):
            out.append(_text(b.x + 10, b.y + 33 + 12 * i, fit(line, b.w - 10), "small"))
    elif b.kind == "pod":
        out.append(_text(b.x + 8, b.y + 15, fit("pod " + b.label, b.w, 7), "bold"))
        for i, line in enumerate(b.lines):
            cls_ = "mono" if i == 0 else "small"
            out.append(_text(b.x + 8, b.y + 29 + 12 * i, fit(line, b.w), cls_))
    elif b.kind == "network":
        out.append(_text(b.x + 10, b.y + 15, b.label, "bold"))
        for i, line in enumerate(b.lines):
            out.append(_text(b.x + 10, b.y + 28 + 12 * i, line, "small mono"))
    elif b.kind == "services":
        out.append(_text(b.x + 10, b.y + 13, fit(b.label, b.w), "small"))
    elif b.kind == "note":
        out.append(_text(b.x, b.y + 10, fit(b.label, b.w), "small"))
    else:
        label = fit(b.label, b.w, 6.2)
        out.append(_text(b.x + b.w // 2, b.y + b.h // 2 + 4, label, "mono small" if b.kind == "port" else "mono",
                         anchor="middle"))
        if b.lines and b.style in ("bridge",):
            out.append(_text(b.x + b.w - 6, b.y + b.h // 2 + 4, b.lines[0], "small", anchor="end"))
    out.append("</g>")
    return "".join(out)


def _edge_svg(topo: Topology, a: Box, b: Box, kind: str, label: str, nth: int) -> str:
    ax, ay = a.center
    bx, by = b.center
    if kind == "tunnel":
        # below the nodes, a curve from one VTEP to the other; longer spans dip deeper
        y0 = a.y + a.h
        depth = 26 + 18 * nth
        path = f"M{ax},{y0} C{ax},{y0 + depth} {bx},{y0 + depth} {bx},{y0}"
        return f'<path class="edge tunnel" d="{path}"/>'
    if kind == "veth" or kind == "port":
        # vertical-first connector from the bottom of the upper box to the top of the lower one
        top, bot = (a, b) if a.y <= b.y else (b, a)
        x1, y1 = top.center[0], top.y + top.h
        x2, y2 = bot.center[0], bot.y
        if kind == "port":
            x2 = min(max(x1, bot.x + 4), bot.x + bot.w - 4)
        lab = ""
        if label and y2 - y1 > 14:
            lab = _text(x1 + 6, (y1 + y2) // 2 - 2, label, "small")
        ym = (y1 + y2) // 2
        return f'<path class="edge {kind}" d="M{x1},{y1} L{x1},{ym} L{x2},{ym} L{x2},{y2}"/>' + lab
    return f'<path class="edge {kind}" d="M{ax},{a.y + a.h} L{bx},{b.y}"/>'


def _arrow(x1, y1, x2, y2, cls) -> str:
    """A small arrowhead at the middle of a segment, pointing from (x1, y1) to (x2, y2)."""
    mx, my = (x1 + x2) / 2, (y1 + y2) / 2
    ang = math.atan2(y2 - y1, x2 - x1)
    pts = []
    for da, r in ((0, 7), (2.5, 7), (-2.5, 7)):
        pts.append((round(mx + r * math.cos(ang + da), 1), round(my + r * math.sin(ang + da), 1)))
    return f'<polygon class="{cls}" points="{" ".join(f"{x},{y}" for x, y in pts)}"/>'


def path_svg(topo: Topology, boxes: list[str], reply: bool = False, offset: int = 0) -> str:
    """A polyline through the centers of ``boxes`` (consecutive repeats collapsed), with arrows."""
    pts = []
    for bid in boxes:
        if bid is None:
            continue
        c = topo.box(bid).center
        c = (c[0] + offset, c[1] + offset)
        if not pts or pts[-1] != c:
            pts.append(c)
    if len(pts) < 2:
        return ""
    cls = "path reply" if reply else "path"
    out = [f'<polyline class="{cls}" points="{" ".join(f"{x},{y}" for x, y in pts)}"/>']
    for (x1, y1), (x2, y2) in zip(pts, pts[1:]):
        if abs(x2 - x1) + abs(y2 - y1) > 24:
            out.append(_arrow(x1, y1, x2, y2, "arrow reply" if reply else "arrow"))
    return "".join(out)


def topology_svg(topo: Topology, highlight: set[str] | frozenset = frozenset(), path: list[str] | None = None,
                 reply_path: list[str] | None = None, extra_height: int = 0, extra: str = "") -> str:
    """The whole picture. ``highlight``: boxes drawn as visited; ``path``/``reply_path``: box ids in
    hop order (drawn as arrows); ``extra`` is SVG appended below (``extra_height`` pixels)."""
    h = topo.height + extra_height
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="k8s" width="{topo.width}" height="{h}" '
           f'viewBox="0 0 {topo.width} {h}" font-size="11">', STYLE,
           f'<rect x="0" y="0" width="{topo.width}" height="{h}" fill="#ffffff"/>',
           _text(20, 22, topo.title, "title")]
    order = {"services": 0, "network": 1, "node": 2, "svc": 3, "pod": 4, "note": 4, "dev": 5, "port": 6}
    boxes = sorted(topo.boxes, key=lambda b: order.get(b.kind, 9))
    by_id = {b.id: b for b in topo.boxes}
    first = [b for b in boxes if b.kind in ("services", "network", "node", "svc", "note")]
    rest = [b for b in boxes if b not in first]
    out += [box_svg(b, "hl" if b.id in highlight else "") for b in first]
    tunnels = 0
    deepest = None
    for e in topo.edges:
        a, b = by_id.get(e.a), by_id.get(e.b)
        if a is None or b is None:
            continue
        nth = 0
        if e.kind == "tunnel":
            nth = tunnels
            tunnels += 1
            deepest = (a, b, nth)
        out.append(_edge_svg(topo, a, b, e.kind, e.label, nth))
    if deepest is not None:
        a, b, nth = deepest
        vni = a.lines[0] if a.lines else ""
        out.append(_text((a.center[0] + b.center[0]) // 2, a.y + a.h + int((26 + 18 * nth) * 0.75) + 12,
                         f"VXLAN tunnels between the {a.label.split()[0]} devices ({vni}, over the node network)",
                         "tunnel-label", "middle"))
    out += [box_svg(b, "hl" if b.id in highlight else "") for b in rest]
    out.append('<g class="paths">')
    if path:
        out.append(path_svg(topo, path))
    if reply_path:
        out.append(path_svg(topo, reply_path, reply=True, offset=5))
    out.append("</g>")
    out.append(extra)
    out.append("</svg>")
    return "".join(out)
