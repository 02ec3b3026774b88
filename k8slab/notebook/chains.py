"""The chain view: a netfilter table as chains linked by their jumps, with the counters a trace
left (KUBE-SERVICES -> KUBE-SVC-... -> KUBE-SEP-... for kube-proxy's nat table).

:func:`chain_model` is the pure model; :class:`ChainView` shows it as a picture and, as text,
exactly what ``iptables -t nat -L CHAIN -n -v`` prints for each chain, in jump order.
"""

from __future__ import annotations

from html import escape

from k8slab.linux.netfilter.listing import list_chains
from k8slab.linux.netfilter.targets import Jump
from k8slab.notebook import svg as _svg
from k8slab.notebook.views import View

COL_W = 470
ROW_H = 16


def _start(table) -> list[str]:
    names = [c.name for c in table.ordered_chains()]
    if "KUBE-SERVICES" in names:
        return ["KUBE-SERVICES"]
    return [c.name for c in table.ordered_chains() if c.builtin]


def chain_model(netns, table: str = "nat", chain: str | None = None) -> dict:
    """Chains reachable from ``chain`` (default: KUBE-SERVICES if present, else the built-in
    chains) in breadth-first order, each with its rules: number, counters, target, the rule's
    text, and the user chain it jumps to. ``column`` is the depth of the first jump to it."""
    t = netns.netfilter.table(table)
    names = {c.name for c in t.ordered_chains()}
    start = [chain] if chain else _start(t)
    for s in start:
        if s not in names:
            raise LookupError(f"iptables: No chain/target/match by that name. ({table} {s})")
    order, column, queue = [], {}, [(s, 0) for s in start]
    while queue:
        name, depth = queue.pop(0)
        if name in column:
            continue
        column[name] = depth
        order.append(name)
        for r in t.chain(name).rules:
            tgt = r.target
            if isinstance(tgt, Jump) and tgt.name in names and tgt.name not in column:
                queue.append((tgt.name, depth + 1))
    chains = []
    for name in order:
        c = t.chain(name)
        rules = []
        for i, r in enumerate(c.rules, 1):
            tgt = r.target
            jump = tgt.name if isinstance(tgt, Jump) and tgt.name in names else None
            spec = r.save_line().split(" ", 2)[2] if r.save_line().count(" ") >= 2 else ""
            rules.append({"num": i, "pkts": r.pkts, "bytes": r.bytes, "target": tgt.name if tgt else "",
                          "jump": jump, "text": spec})
        chains.append({"name": name, "column": column[name], "builtin": c.builtin,
                       "policy": c.policy, "pkts": c.pkts, "bytes": c.bytes, "rules": rules})
    return {"netns": netns.name, "table": table, "chains": chains}


class ChainView(View):
    """A node's netfilter table as linked chains; rules a packet went through (counter > 0) stand out."""

    def __init__(self, netns, table: str | None = None, chain: str | None = None) -> None:
        self.netns = netns
        self.table = table or "nat"
        self.model = chain_model(netns, self.table, chain)

    def text(self) -> str:
        t = self.netns.netfilter.table(self.table)
        head = f"# {self.netns.name}: iptables -t {self.table} -L <chain> -n -v, following the jumps"
        return head + "\n" + "\n".join(list_chains(t, c["name"], verbose=True, numeric=True)
                                       for c in self.model["chains"])

    def _layout(self):
        cols: dict[int, int] = {}
        pos = {}
        for c in self.model["chains"]:
            col = c["column"]
            y = cols.get(col, 50)
            h = 26 + ROW_H * max(1, len(c["rules"])) + 8
            pos[c["name"]] = (20 + col * (COL_W + 40), y, COL_W, h)
            cols[col] = y + h + 18
        height = max(cols.values(), default=80) + 10
        width = 20 + (max(cols, default=0) + 1) * (COL_W + 40)
        return pos, width, height

    def svg(self) -> str:
        pos, width, height = self._layout()
        m = self.model
        out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="k8s" width="{width}" height="{height}" '
               f'viewBox="0 0 {width} {height}" font-size="11">', _svg.STYLE,
               f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
               f'<text x="20" y="24" class="title">{escape(m["netns"])}: iptables -t {escape(m["table"])}'
               f" · rules as iptables-save writes them, with the packets and bytes each one matched</text>"]
        links = []
        for c in m["chains"]:
            x, y, w, h = pos[c["name"]]
            hit = any(r["pkts"] for r in c["rules"])
            stroke = "#ff6a00" if hit else "#7d8a97"
            out.append(f'<g class="chain" data-id="chain:{escape(c["name"])}">'
                       f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="5" fill="#f7f8fa" stroke="{stroke}" '
                       f'stroke-width="{2 if hit else 1}"/>')
            head = c["name"] + (f" (policy {c['policy']})" if c["builtin"] else "")
            out.append(f'<text x="{x + 8}" y="{y + 17}" class="bold mono">{escape(head)}</text>')
            if not c["rules"]:
                out.append(f'<text x="{x + 8}" y="{y + 36}" class="small">(no rules)</text>')
            for k, r in enumerate(c["rules"]):
                ry = y + 26 + k * ROW_H
                if r["pkts"]:
                    out.append(f'<rect x="{x + 2}" y="{ry}" width="{w - 4}" height="{ROW_H}" fill="#ffe8d6"/>')
                match, sep, target = r["text"].rpartition(" -j ")
                if not sep:
                    match, target = r["text"], ""
                if r["text"].startswith("-j "):
                    match, target = "", r["text"][3:]
                text = f"{r['num']:>2} {r['pkts']:>4} pkts {r['bytes']:>6} B  -j {target}" + (
                    f"   if {match}" if match else "")
                out.append(f'<text x="{x + 6}" y="{ry + 12}" class="mono small">{escape(_svg.fit(text, w - 8, 6))}'
                           "</text>")
                if r["jump"] and r["jump"] in pos:
                    tx, ty, _, _ = pos[r["jump"]]
                    links.append((x + w, ry + ROW_H // 2, tx, ty + 14, bool(r["pkts"])))
            out.append("</g>")
        for x1, y1, x2, y2, hit in links:
            color = "#ff6a00" if hit else "#9aa6b2"
            if x2 > x1:
                mid = (x1 + x2) // 2
                d = f"M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}"
            else:  # a jump back to the same column: loop around the right side
                d = f"M{x1},{y1} C{x1 + 30},{y1} {x1 + 30},{y2} {x2 + COL_W},{y2}"
            out.append(f'<path d="{d}" fill="none" stroke="{color}" stroke-width="{2 if hit else 1}"/>')
            out.append(f'<circle cx="{x2}" cy="{y2}" r="3" fill="{color}"/>' if x2 > x1 else "")
        out.append("</svg>")
        return "".join(out)

    def widget(self):
        from k8slab.notebook.widget import widget_class

        cls = widget_class()
        if cls is None:
            return None
        return cls(kind="picture", title=f"{self.netns.name}: the {self.table} table", svg=self.svg())
