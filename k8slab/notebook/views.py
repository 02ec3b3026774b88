"""Views a notebook displays: the topology (``cluster.show()``) and the packet layers picture.

Every view is three things from one model: ``text()`` (deterministic text/plain), ``svg()``
(a deterministic static picture) and ``widget()`` (the live, clickable one). Displaying a view
sends all three; the frontend picks what it can show (see :mod:`k8slab.notebook.widget`).
"""

from __future__ import annotations

from html import escape

from k8slab.notebook import model as _model
from k8slab.notebook import svg as _svg
from k8slab.notebook.widget import live_frontend, widget_class

TOPOLOGY_HINT = ("Click a pod (or a node) in the picture to see its interfaces and routes:\n"
                 "the same text `ip addr` and `ip route` print inside it.")


class View:
    """A displayable view: text/plain and image/svg+xml always, the widget in a live frontend."""

    def text(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def svg(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def widget(self):
        """The live widget (None when anywidget is not installed)."""
        return None

    def __repr__(self) -> str:
        return self.text()

    def _repr_pretty_(self, p, cycle) -> None:
        p.text(self.text())

    def _repr_mimebundle_(self, include=None, exclude=None):
        data = {"text/plain": self.text(), "image/svg+xml": self.svg()}
        if live_frontend():
            w = self.widget()
            if w is not None:
                bundle = w._repr_mimebundle_()
                if isinstance(bundle, tuple):
                    bundle = bundle[0]
                data.update({k: v for k, v in bundle.items() if k != "text/plain"})
        return data


class TopologyView(View):
    """The cluster's picture (``cluster.show()``): nodes, pods with IPs, veths, bridges, VXLAN
    tunnels, Services; click a pod for its ``ip addr``/``ip route``. ``trace=`` highlights a
    packet's path; ``pause=True`` shows the pause containers."""

    def __init__(self, cluster, trace=None, pause: bool = False) -> None:
        self.cluster = cluster
        self.trace = trace
        self.pause = pause
        self.model = _model.topology(cluster, pause=pause)
        self._widget = None

    def _path(self):
        if self.trace is None:
            return [], [], set()
        pts = _model.path(self.model, self.trace)
        req = [p.box for p in pts if not p.reply and p.box]
        rep = [p.box for p in pts if p.reply and p.box]
        return req, rep, set(req) | set(rep)

    def text(self) -> str:
        out = self.model.text()
        if self.trace is not None:
            req, rep, _ = self._path()
            out += "\n\npath: " + " -> ".join(_dedupe(req))
            if rep:
                out += "\nreply: " + " -> ".join(_dedupe(rep))
            out += f"\n=> {self.trace.verdict}: {self.trace.reason}"
        return out

    def svg(self) -> str:
        req, rep, hl = self._path()
        return _svg.topology_svg(self.model, highlight=hl, path=req, reply_path=rep)

    def widget(self):
        cls = widget_class()
        if cls is None:
            return None
        if self._widget is None:
            w = cls(kind="topology", title=self.model.title, hint=TOPOLOGY_HINT, svg=self.svg(),
                    details=self.model.details, options={"pause": self.pause})
            w.observe(self._options_changed, names="options")
            self._widget = w
        return self._widget

    def _options_changed(self, change) -> None:
        pause = bool(change["new"].get("pause"))
        if pause != self.pause:
            self.pause = pause
            self.model = _model.topology(self.cluster, pause=pause)
            self._widget.details = self.model.details
            self._widget.svg = self.svg()


def _dedupe(ids: list[str]) -> list[str]:
    out: list[str] = []
    for i in ids:
        if not out or out[-1] != i:
            out.append(i)
    return out


# -- the packet layers picture -----------------------------------------------------------------------

LAYER_COLORS = {"Ether": "#dfe5ec", "IPv4": "#e6f5ea", "UDP": "#fff3df", "TCP": "#fff3df", "ICMP": "#fff3df",
                "VXLAN": "#f3e9fb", "Raw": "#ffffff", "ARP": "#e6f5ea"}


def example_vxlan_packet():
    """A pod-to-pod TCP segment as flannel's VXLAN carries it between two nodes."""
    from k8slab.linux.packet import TCP, UDP, VXLAN, Ether, IPv4, Raw

    inner = (Ether(src="9a:1e:1c:47:3d:0a", dst="5e:7b:80:d1:2f:19") / IPv4(src="10.244.1.2", dst="10.244.2.2", ttl=63)
             / TCP(sport=43255, dport=80) / Raw(pad=100))
    outer = (Ether(src="22:c6:48:26:86:73", dst="ba:d6:19:48:8d:ec") / IPv4(src="172.18.0.2", dst="172.18.0.4")
             / UDP(sport=51234, dport=8472) / VXLAN(vni=1))
    return outer / inner


def _layer_len(layer) -> int:
    return getattr(layer, "length", None) if type(layer).__name__ == "Raw" else layer.header_len


def layers_model(packet) -> dict:
    """Each layer with its byte count, which are outer and inner, the nested envelopes
    (frame, packet, datagram) and the encapsulation overhead."""
    from k8slab.linux.packet import VXLAN

    layers = list(packet.layers)
    vx = next((i for i, lay in enumerate(layers) if isinstance(lay, VXLAN)), None)
    rows = []
    for i, lay in enumerate(layers):
        where = "" if vx is None else ("outer" if i <= vx else "inner")
        fields = ", ".join(f"{k}={v}" for k, v in lay.fields().items()
                           if k not in ("load",) and not (k == "pad" and not v))
        rows.append({"name": type(lay).__name__, "bytes": _layer_len(lay), "where": where,
                     "summary": lay.summary(), "fields": fields})
    # envelopes: each header carries everything after it
    envelopes = []
    names = {"Ether": "Ethernet frame", "IPv4": "IP packet", "UDP": "UDP datagram", "TCP": "TCP segment",
             "VXLAN": "VXLAN header + the original frame", "ICMP": "ICMP message"}
    for i, r in enumerate(rows):
        if r["name"] in names:
            label = names[r["name"]]
            if r["where"]:
                label = f"{r['where']} {label}" if r["name"] != "VXLAN" else label
            envelopes.append({"start": i, "end": len(rows) - 1, "label": label,
                              "bytes": sum(x["bytes"] for x in rows[i:])})
    overhead = sum(r["bytes"] for r in rows[: vx + 1]) if vx is not None else 0
    return {"rows": rows, "envelopes": envelopes, "overhead": overhead, "total": len(packet),
            "summary": packet.summary()}


class LayersView(View):
    """The packet as nested envelopes with byte counts: for VXLAN, the original frame inside a
    VXLAN header inside a UDP datagram inside an IP packet inside an Ethernet frame."""

    def __init__(self, packet=None) -> None:
        self.packet = packet if packet is not None else example_vxlan_packet()
        self.model = layers_model(self.packet)

    def text(self) -> str:
        m = self.model
        lines = [f"{m['total']} bytes on the wire: {m['summary']}"]
        for r in m["rows"]:
            tag = f"{r['where']:<5} " if r["where"] else ""
            lines.append(f"  {tag}{r['name']:<6} {r['bytes']:>5} bytes  {r['fields']}")
        if m["overhead"]:
            parts = " + ".join(str(r["bytes"]) for r in m["rows"] if r["where"] == "outer")
            lines.append(f"encapsulation overhead: {parts} = {m['overhead']} bytes "
                         f"(so a VXLAN device on a 1500-byte MTU link gets MTU {1500 - m['overhead']})")
        return "\n".join(lines)

    def svg(self) -> str:
        m = self.model
        rows = m["rows"]
        scale = 3.0
        widths = [max(86, int(r["bytes"] * scale)) if r["name"] != "Raw" else 120 for r in rows]
        xs = [30]
        for w in widths:
            xs.append(xs[-1] + w)
        width = xs[-1] + 30
        n_env = len(m["envelopes"])
        top = 46
        bar_y = top + n_env * 22 + 10
        height = bar_y + 150
        total, overhead = m["total"], m["overhead"]
        out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="k8s" width="{width}" height="{height}" '
               f'viewBox="0 0 {width} {height}" font-size="11">', _svg.STYLE,
               f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
               f'<text x="30" y="24" class="title">{total} bytes on the wire</text>']
        for k, env in enumerate(m["envelopes"]):
            y = top + k * 22
            x1, x2 = xs[env["start"]], xs[env["end"] + 1]
            color = "#8e44ad" if "outer" in env["label"] or "VXLAN" in env["label"] else "#326ce5"
            out.append(f'<path d="M{x1},{y + 14} L{x1},{y + 4} L{x2},{y + 4} L{x2},{y + 14}" fill="none" '
                       f'stroke="{color}" stroke-width="1.5"/>')
            out.append(f'<text x="{x1 + 6}" y="{y + 16}" class="small">'
                       f'{escape(env["label"])}: {env["bytes"]} bytes</text>')
        for r, x, w in zip(rows, xs, widths):
            fill = LAYER_COLORS.get(r["name"], "#ffffff")
            stroke = "#8e44ad" if r["where"] == "outer" else "#326ce5" if r["where"] == "inner" else "#5b6b7b"
            out.append(f'<g class="layer" data-id="layer:{escape(r["name"])}">'
                       f'<rect x="{x}" y="{bar_y}" width="{w}" height="54" fill="{fill}" stroke="{stroke}" '
                       f'stroke-width="2"/>')
            out.append(f'<text x="{x + w // 2}" y="{bar_y + 20}" text-anchor="middle" class="bold">'
                       f'{escape(r["name"])}</text>')
            out.append(f'<text x="{x + w // 2}" y="{bar_y + 36}" text-anchor="middle">{r["bytes"]} bytes</text>')
            if r["where"]:
                out.append(f'<text x="{x + w // 2}" y="{bar_y + 49}" text-anchor="middle" class="small">'
                           f'{r["where"]}</text>')
            out.append("</g>")
        y = bar_y + 76
        if m["overhead"]:
            outer = [r for r in rows if r["where"] == "outer"]
            x2 = xs[len(outer)]
            out.append(f'<path d="M30,{bar_y + 60} L30,{bar_y + 66} L{x2},{bar_y + 66} L{x2},{bar_y + 60}" '
                       f'fill="none" stroke="#b02a37" stroke-width="2"/>')
            parts = " + ".join(str(r["bytes"]) for r in outer)
            out.append(f'<text x="30" y="{y + 4}" class="bold" fill="#b02a37">'
                       f'VXLAN overhead: {parts} = {overhead} bytes added to every packet</text>')
            y += 18
        for i, r in enumerate(rows):
            out.append(f'<text x="30" y="{y + 14 * i + 4}" class="mono small">'
                       f'{escape(_svg.fit(r["summary"], width - 60))}</text>')
        out.append("</svg>")
        svg = "".join(out)
        # grow to fit the summary lines
        need = y + 14 * len(rows) + 10
        if need > height:
            svg = svg.replace(f'height="{height}" viewBox="0 0 {width} {height}"',
                              f'height="{need}" viewBox="0 0 {width} {need}"', 1)
            svg = svg.replace(f'width="{width}" height="{height}" fill="#ffffff"',
                              f'width="{width}" height="{need}" fill="#ffffff"', 1)
        return svg

    def widget(self):
        cls = widget_class()
        if cls is None:
            return None
        return cls(kind="picture", title="The layers of one packet", svg=self.svg())


def layers(packet=None) -> LayersView:
    """The packet layers picture (a VXLAN-encapsulated TCP segment unless ``packet`` is given)."""
    return LayersView(packet)
