"""The packet player (``trace.show()``): a trace's hops as events to step through, each with
the packet's headers layer by layer (outer and inner for VXLAN, before and after a change),
the decision that moved it (route line, iptables rules with their counters, FDB entry) and its
place on the topology.

:func:`steps` is the pure model (one dict per hop); :class:`PacketPlayer` shows it.
"""

from __future__ import annotations

import re
from html import escape

from k8slab.notebook import model as _model
from k8slab.notebook import svg as _svg
from k8slab.notebook.views import View
from k8slab.notebook.widget import widget_class

_RULE_REF = re.compile(r"\b(raw|mangle|nat|filter|security) ([A-Za-z0-9_.-]+) #(\d+)")


def _layers(packet) -> list[tuple[str, str, int, dict]]:
    """(name, outer/inner/"", bytes, fields) for each layer, outermost first."""
    from k8slab.linux.packet import VXLAN, Raw

    vx = next((i for i, lay in enumerate(packet.layers) if isinstance(lay, VXLAN)), None)
    out = []
    for i, lay in enumerate(packet.layers):
        where = "" if vx is None else ("outer" if i <= vx else "inner")
        n = lay.length if isinstance(lay, Raw) else lay.header_len
        fields = {k: v for k, v in lay.fields().items() if not (k in ("load", "pad") and not v)}
        out.append((type(lay).__name__, where, n, fields))
    return out


def _changed(before, after) -> set[tuple[int, str]]:
    """(layer index in ``after``, field) that differ from ``before``, layers aligned from the innermost."""
    b, a = _layers(before), _layers(after)
    out = set()
    for k in range(1, len(a) + 1):
        ai = len(a) - k
        if k > len(b):
            out.update((ai, f) for f in a[ai][3])  # a new (encapsulating) layer: all of it is new
            continue
        bl, al = b[len(b) - k], a[ai]
        if bl[0] != al[0]:
            out.update((ai, f) for f in al[3])
            continue
        out.update((ai, f) for f in al[3] if bl[3].get(f) != al[3][f])
    return out


def _layers_html(packet, caption: str, changed: set[tuple[int, str]] = frozenset()) -> str:
    rows = []
    for i, (name, where, n, fields) in enumerate(_layers(packet)):
        cells = []
        for f, v in fields.items():
            text = f"{escape(f)}={escape(str(v))}"
            cells.append(f'<span class="chg">{text}</span>' if (i, f) in changed else text)
        tag = f" ({where})" if where else ""
        rows.append(f'<tr class="{where}"><td class="name">{escape(name)}{tag}</td><td class="bytes">{n} B</td>'
                    f'<td>{" ".join(cells)}</td></tr>')
    return (f'<table class="k8s-layers"><caption>{escape(caption)} · {len(packet)} bytes</caption>'
            + "".join(rows) + "</table>")


def rule_counters(netns_of, hop) -> list[str]:
    """The hop's decision text, each iptables rule prefixed with its counters now
    (``[pkts 1 bytes 60]``), read from the namespace's netfilter tables."""
    if not hop.rule:
        return []
    lines = hop.rule.splitlines()
    if hop.stage != "netfilter" or netns_of is None:
        return lines
    ns = netns_of(hop.netns)
    nf = getattr(ns, "netfilter", None) if ns is not None else None
    refs = _RULE_REF.findall(hop.what)
    out = []
    ri = 0
    for line in lines:
        if line.startswith("-A ") and ri < len(refs) and nf is not None:
            table, chain, num = refs[ri]
            ri += 1
            try:
                r = nf.table(table).chain(chain).rules[int(num) - 1]
                out.append(f"[{r.pkts} pkts {r.bytes} bytes] {table} {chain} #{num}: {line}")
                continue
            except Exception:  # the table changed since the trace: show the rule alone
                pass
        out.append(line)
    return out


def steps(trace, topo: _model.Topology | None = None, netns_of=None) -> list[dict]:
    """One dict per hop (request, then reply): ``where``, ``stage``, ``what``, ``rule`` (lines, with
    counters for iptables rules), ``box`` (its place on ``topo``), ``reply``, ``html`` (the panel)."""
    out = []
    walks = [(False, trace)] + ([(True, trace.reply)] if trace.reply is not None else [])
    total = sum(len(w.hops) for _, w in walks)
    for reply, walk in walks:
        for j, h in enumerate(walk.hops):
            i = len(out)
            where = trace.where(h) + (f" {h.dev}" if h.dev else "")
            what = trace._named(h.what).replace("(host)", "(external)")
            rule = [trace._named(x) for x in rule_counters(netns_of, h)]
            box = topo.anchor(h.netns, h.dev) if topo is not None else None
            html = [f'<div class="k8s-hop-head"><b>hop {i + 1} / {total}</b>'
                    f'{" (the answer)" if reply else ""} · <span class="k8s-where">{escape(where)}</span> · '
                    f'<b>{escape(h.stage)}</b></div>',
                    f'<div class="k8s-hop-what">{escape(what)}</div>']
            if rule:
                html.append(f'<div class="k8s-side-title">Why: the {_decision(h.stage)}</div>'
                            f'<pre class="k8s-rule">{escape(chr(10).join(rule))}</pre>')
            if h.changed:
                ch = _changed(h.before, h.after)
                html.append('<div class="k8s-packets">' + _layers_html(h.before, "before")
                            + _layers_html(h.after, "after", ch) + "</div>")
            else:
                html.append('<div class="k8s-packets">' + _layers_html(h.after, "the packet") + "</div>")
            if i == total - 1 or (not reply and j == len(walk.hops) - 1):
                w = walk
                html.append(f'<div class="k8s-hop-what"><b>=&gt; {escape(w.verdict)}</b>: '
                            f'{escape(trace._named(w.reason))}</div>')
            out.append({"where": where, "stage": h.stage, "what": what, "short": what,
                        "rule": rule, "box": box, "reply": reply, "first_reply": reply and j == 0,
                        "html": "".join(html)})
    return out


def _decision(stage: str) -> str:
    return {"route": "routing table entry", "netfilter": "iptables rules (counters as iptables -L -v shows them)",
            "bridge": "bridge FDB entry", "vxlan-encap": "VXLAN FDB and neighbour entries",
            "vxlan-decap": "VXLAN device", "neigh": "neighbour entry", "arp": "ARP answer"}.get(stage, "entry")


class PacketPlayer(View):
    """``trace.show()``: step through a trace on the cluster's picture. ``cluster`` gives the
    topology and the rule counters; without it the player still lists and explains every hop."""

    def __init__(self, trace, cluster=None) -> None:
        self.trace = trace
        self.cluster = cluster if cluster is not None else _cluster_for(trace)
        self.topo = _model.topology(self.cluster) if self.cluster is not None else None
        ns_of = None
        if self.cluster is not None:
            spaces = self.cluster.kernel.namespaces
            ns_of = spaces.get
        self.steps = steps(trace, self.topo, ns_of)
        self._widget = None

    @property
    def verdict(self) -> str:
        t = self.trace
        v = f"{t.verdict}: {t.reason}"
        if t.reply is not None:
            v += f" · answer {t.reply.verdict}"
        return v

    def text(self) -> str:
        lines = []
        for i, s in enumerate(self.steps):
            if s["first_reply"]:
                lines.append("reply:")
            lines.append(f"{i + 1:>3}. [{s['where']}] {s['stage']}: {s['what']}")
        lines.append(f"=> {self.verdict}")
        return "\n".join(lines)

    def svg(self) -> str:
        lines = self.text().splitlines()
        width = self.topo.width if self.topo is not None else 1000
        extra_h = 16 * len(lines) + 20
        y0 = self.topo.height if self.topo is not None else 10
        extra = "".join(f'<text x="20" y="{y0 + 14 + 16 * i}" class="mono small">{escape(_svg.fit(ln, width - 40))}'
                        f"</text>" for i, ln in enumerate(lines))
        if self.topo is None:
            return (f'<svg xmlns="http://www.w3.org/2000/svg" class="k8s" width="{width}" height="{extra_h + 10}" '
                    f'viewBox="0 0 {width} {extra_h + 10}">{_svg.STYLE}'
                    f'<rect width="{width}" height="{extra_h + 10}" fill="#ffffff"/>{extra}</svg>')
        req = [s["box"] for s in self.steps if not s["reply"]]
        rep = [s["box"] for s in self.steps if s["reply"]]
        hl = {b for b in req + rep if b}
        return _svg.topology_svg(self.topo, highlight=hl, path=req, reply_path=rep, extra_height=extra_h, extra=extra)

    def widget(self):
        cls = widget_class()
        if cls is None:
            return None
        if self._widget is None:
            topo_svg = (_svg.topology_svg(self.topo) if self.topo is not None else "")
            anchors = {b.id: list(b.center) for b in self.topo.boxes} if self.topo is not None else {}
            details = self.topo.details if self.topo is not None else {}
            title = f"Packet walk: {self.trace.hops[0].what if self.trace.hops else ''}"
            self._widget = cls(kind="player", title=title, svg=topo_svg, anchors=anchors, details=details,
                               steps=[{k: s[k] for k in ("where", "stage", "short", "box", "reply", "first_reply",
                                                         "html")} for s in self.steps],
                               verdict=self.verdict)
        return self._widget


def _cluster_for(trace):
    """The cluster a trace was walked in, found among the notebook's clusters by its namespaces."""
    from k8slab.notebook import session

    try:
        from IPython import get_ipython

        ip = get_ipython()
        ns = ip.user_ns if ip is not None else None
    except ImportError:  # pragma: no cover
        ns = None
    names = {h.netns for h in trace.hops}
    candidates = [session.active(ns)] + [c for _, c in session.clusters(ns)]
    for c in candidates:
        if c is not None and names <= set(c.kernel.namespaces):
            return c
    return None
