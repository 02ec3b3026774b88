"""From a cluster (and a trace) to a view model: boxes with positions and labels, edges, anchors.

Pure functions, no drawing and no frontend: :func:`topology` reads the cluster's data plane
(node namespaces, pod sandboxes, veth pairs, bridges, VXLAN devices and their FDB, the docker
network) and the API store (pods, Services), and lays everything out on a fixed grid so the
same cluster always gives the same picture. :func:`path` maps a trace's hops onto the boxes.

>>> import k8slab
>>> t = topology(k8slab.kind(workers=1))
>>> [b.label for b in t.boxes if b.kind == "node"]
['kind-control-plane', 'kind-worker']
"""

from __future__ import annotations

from dataclasses import dataclass, field

from k8slab.linux.link import Bridge, Veth, Vxlan

POD_W, POD_H, POD_GAP = 176, 66, 14
DEV_H = 22
PAD = 14
NODE_HEAD = 46
NODE_GAP = 36
MARGIN = 20
NET_H = 34
TUNNEL_GAP = 92
SVC_H = 24


@dataclass(frozen=True)
class Box:
    """A rectangle of the picture: ``kind`` is network, node, pod, dev, port, services or svc."""

    id: str
    kind: str
    label: str
    x: int
    y: int
    w: int
    h: int
    lines: tuple[str, ...] = ()
    parent: str | None = None
    style: str = ""   # a finer kind for drawing: veth, bridge, vxlan, eth, pause...

    @property
    def center(self) -> tuple[int, int]:
        return (self.x + self.w // 2, self.y + self.h // 2)


@dataclass(frozen=True)
class Edge:
    """A line between two boxes: ``kind`` is veth, port, tunnel or endpoint."""

    a: str
    b: str
    kind: str
    label: str = ""


@dataclass
class Topology:
    """The view model of a cluster: boxes (with positions), edges, and where each
    (netns, device) of a trace lands (``anchor``). ``details`` holds the text a click shows."""

    title: str
    width: int
    height: int
    boxes: list[Box] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    details: dict[str, str] = field(default_factory=dict)
    netns_box: dict[str, str] = field(default_factory=dict)
    summary: list[str] = field(default_factory=list)

    def box(self, box_id: str) -> Box:
        for b in self.boxes:
            if b.id == box_id:
                return b
        raise KeyError(box_id)

    def ids(self) -> set[str]:
        return {b.id for b in self.boxes}

    def anchor(self, netns: str, dev: str | None) -> str | None:
        """The box a hop at (netns, dev) sits on: the device if drawn, else its namespace."""
        if dev is not None:
            bid = f"dev:{netns}:{dev}"
            if bid in self._ids:
                return bid
        return self.netns_box.get(netns)

    @property
    def _ids(self) -> set[str]:
        cached = self.__dict__.get("_idcache")
        if cached is None or len(cached) != len(self.boxes):
            cached = self.ids()
            self.__dict__["_idcache"] = cached
        return cached

    def text(self) -> str:
        """The deterministic text/plain view."""
        return "\n".join([self.title, *self.summary])


def _addr(link) -> str:
    return link.addresses[0].cidr if link.addresses else ""


def _pods_by_node(cluster) -> dict[str, list[tuple[dict, object]]]:
    """node -> [(pod object, sandbox)] for pods with their own network namespace, by name."""
    out: dict[str, list] = {n: [] for n in cluster.machines}
    host_net: dict[str, list[str]] = {n: [] for n in cluster.machines}
    for obj in cluster.store.list("pods", None):
        node = obj.get("spec", {}).get("nodeName")
        kubelet = cluster.kubelets.get(node)
        if kubelet is None:
            continue
        sb = kubelet.sandboxes.get(obj["metadata"]["uid"])
        if sb is None:
            continue
        if sb.host_network:
            host_net[node].append(obj["metadata"]["name"])
        else:
            out[node].append((obj, sb))
    return out, host_net


def _services(cluster) -> list[dict]:
    try:
        return cluster.store.list("services", None)
    except Exception:  # a store without Services yet
        return []


def _endpoint_ips(cluster, svc: dict) -> set[str]:
    """The ready endpoint addresses of a Service, from its EndpointSlices (empty if none)."""
    ips: set[str] = set()
    try:
        slices = cluster.store.list("endpointslices", svc["metadata"].get("namespace"),
                                    label_selector=f"kubernetes.io/service-name={svc['metadata']['name']}")
    except Exception:
        return ips
    for s in slices:
        for ep in s.get("endpoints") or []:
            if (ep.get("conditions") or {}).get("ready", True):
                ips.update(ep.get("addresses") or [])
    return ips


def _details(netns) -> str:
    from k8slab.linux.iproute2 import ip

    addr = ip(netns, "addr")[0]
    route = ip(netns, "route")[0]
    return f"$ ip addr\n{addr}\n$ ip route\n{route}"


def _host_veth(node_ns, sandbox_ns) -> Veth | None:
    for link in node_ns.iter_links():
        if isinstance(link, Veth) and link.peer is not None and link.peer.netns is sandbox_ns:
            return link
    return None


def topology(cluster, pause: bool = False, details: bool = True) -> Topology:
    """The cluster's picture: nodes on the node network, pods inside them with their IPs, veth
    pairs, bridges, VXLAN devices and tunnels, and Services as virtual IPs.

    ``pause=True`` shows each pod's pause container (the one holding its network namespace);
    ``details=False`` skips the ``ip addr``/``ip route`` texts a click shows (faster)."""
    pods, host_net = _pods_by_node(cluster)
    services = _services(cluster)
    t = Topology(title="", width=0, height=0)
    cols = {n: max(1, min(3, len(p))) for n, p in pods.items()}
    rows = {n: (len(p) + 2) // 3 for n, p in pods.items()}
    pod_h = POD_H + (16 if pause else 0)

    svc_y = MARGIN + 26
    svc_rows = (len(services) + 2) // 3
    node_y = svc_y + (svc_rows * (SVC_H + 8) + 30 if services else 0)

    # node widths and positions
    x = MARGIN
    node_x: dict[str, int] = {}
    node_w: dict[str, int] = {}
    for n in cluster.machines:
        node_w[n] = max(2 * PAD + cols[n] * POD_W + (cols[n] - 1) * POD_GAP, 364)
        node_x[n] = x
        x += node_w[n] + NODE_GAP
    width = x - NODE_GAP + MARGIN
    max_rows = max(rows.values(), default=0)
    bridges = {n: [lk for lk in m.netns.iter_links() if isinstance(lk, Bridge)] for n, m in cluster.machines.items()}
    has_bridge = any(bridges.values())
    pods_block = max_rows * (pod_h + 30 + DEV_H) + (16 if host_net and any(host_net.values()) else 0)
    node_h = NODE_HEAD + pods_block + (DEV_H + 18 if has_bridge else 0) + DEV_H + 2 * PAD
    net_y = node_y + node_h + TUNNEL_GAP
    height = net_y + NET_H + MARGIN + 20

    total_pods = sum(len(p) for p in pods.values())
    t.title = (f"Cluster {cluster.name}: {len(cluster.machines)} nodes, {total_pods} pods, "
               f"{len(services)} services (cni {cluster.cni}, kube-proxy {cluster.proxy_mode})")
    t.width, t.height = width, height

    # the node network: the docker bridge in the host namespace
    host = cluster.host
    dbr = next((lk for lk in host.iter_links() if isinstance(lk, Bridge)), None)
    net_label = f"node network {dbr.addresses[0].network if dbr and dbr.addresses else ''}"
    net_lines = (f"docker bridge {dbr.name} {dbr.addresses[0].local if dbr.addresses else ''}",) if dbr else ()
    t.boxes.append(Box("net", "network", net_label, MARGIN, net_y, width - 2 * MARGIN, NET_H, net_lines))
    t.netns_box[host.name] = "net"
    if dbr is not None:
        t.netns_box.setdefault(host.name, "net")
    t.summary.append(f"{net_label} ({net_lines[0] if net_lines else 'no bridge'})")

    # Services: virtual IPs that no interface holds
    if services:
        t.boxes.append(Box("services", "services",
                           "Services: virtual IPs (no interface has them; kube-proxy's rules rewrite them)",
                           MARGIN, svc_y - 4, width - 2 * MARGIN, svc_rows * (SVC_H + 8) + 22))
        sw = (width - 2 * MARGIN - 4 * PAD) // 3
        for i, s in enumerate(services):
            name = s["metadata"]["name"]
            ns = s["metadata"].get("namespace", "default")
            ip = s.get("spec", {}).get("clusterIP", "")
            ports = ",".join(f"{p.get('port')}/{p.get('protocol', 'TCP')}"
                             for p in s.get("spec", {}).get("ports") or [])
            sid = f"svc:{ns}/{name}"
            label = f"svc/{name}  {ip}" + (f":{ports}" if ports else "")
            bx = MARGIN + PAD + (i % 3) * (sw + PAD)
            by = svc_y + 14 + (i // 3) * (SVC_H + 8)
            t.boxes.append(Box(sid, "svc", label, bx, by, sw, SVC_H, parent="services"))
            t.summary.append(f"service {ns}/{name}  {ip}  {ports}")

    pod_ip_box: dict[str, str] = {}
    for n, m in cluster.machines.items():
        ns = m.netns
        nx, nw = node_x[n], node_w[n]
        role = cluster.kubelets[n].role if hasattr(cluster.kubelets[n], "role") else ""
        eth = ns.get_link("eth0")
        node_id = f"node:{n}"
        t.boxes.append(Box(node_id, "node", n, nx, node_y, nw, node_h,
                           (f"{role} · root network namespace",) if role else ("root network namespace",)))
        t.netns_box[ns.name] = node_id
        if details:
            t.details[node_id] = f"node {n}\n" + _details(ns)
        t.summary.append(f"node {n}  {_addr(eth) if eth else ''}")
        # pods
        for i, (obj, sb) in enumerate(pods[n]):
            r, c = divmod(i, 3)
            px = nx + PAD + c * (POD_W + POD_GAP)
            py = node_y + NODE_HEAD + r * (pod_h + 30 + DEV_H)
            name = obj["metadata"]["name"]
            pns = obj["metadata"].get("namespace", "default")
            ip = sb.ip or obj.get("status", {}).get("podIP", "") or ""
            containers = [f"{ctr['name']} ({ctr.get('image', '').rsplit('/', 1)[-1]})"
                          for ctr in obj["spec"].get("containers", [])]
            lines = [ip, ", ".join(containers)]
            if pause:
                lines.append("pause: holds the network namespace")
            label = name if pns == "default" else f"{pns}/{name}"
            pid = f"pod:{sb.netns.name}"
            t.boxes.append(Box(pid, "pod", label, px, py, POD_W, pod_h, tuple(lines), parent=node_id))
            t.netns_box[sb.netns.name] = pid
            if ip:
                pod_ip_box[ip] = pid
            if details:
                head = f"pod {label} on {n} (network namespace {sb.netns.name})"
                if pause:
                    head += "\nthe pause container holds this namespace; the app containers join it"
                t.details[pid] = head + "\n" + _details(sb.netns)
            peth = sb.netns.get_link("eth0")
            pe_id = f"dev:{sb.netns.name}:eth0"
            t.boxes.append(Box(pe_id, "dev", "eth0", px + 8, py + pod_h - DEV_H // 2, 64, DEV_H,
                               parent=pid, style="veth"))
            host_end = _host_veth(ns, sb.netns)
            t.summary.append(f"  pod {label}  {ip}  eth0"
                             + (f" <-> {host_end.name}" if host_end else "")
                             + (f"  [pause + {', '.join(containers)}]" if pause else ""))
            if host_end is not None:
                hid = f"dev:{ns.name}:{host_end.name}"
                t.boxes.append(Box(hid, "dev", host_end.name, px + 8, py + pod_h + 26, 112, DEV_H,
                                   parent=node_id, style="veth"))
                t.edges.append(Edge(pe_id, hid, "veth", "veth pair" if peth is not None else ""))
        if host_net[n]:
            hy = node_y + NODE_HEAD + rows[n] * (pod_h + 30 + DEV_H)
            t.boxes.append(Box(f"hostnet:{n}", "note", "hostNetwork: " + ", ".join(sorted(host_net[n])),
                               nx + PAD, hy, nw - 2 * PAD, 14, parent=node_id))
        # bridges (cni0) with their ports
        by = node_y + NODE_HEAD + pods_block + 4
        for br in bridges[n]:
            bid = f"dev:{ns.name}:{br.name}"
            t.boxes.append(Box(bid, "dev", f"{br.name}  {_addr(br)}", nx + PAD, by, nw - 2 * PAD, DEV_H,
                               ("bridge",), parent=node_id, style="bridge"))
            for port in br.ports:
                pid = f"dev:{ns.name}:{port.name}"
                t.edges.append(Edge(pid, bid, "port"))
            t.summary.append(f"  bridge {br.name} {_addr(br)} ports {' '.join(p.name for p in br.ports)}")
        # eth0 and VXLAN devices on the bottom row
        bottom = node_y + node_h - PAD - DEV_H
        if eth is not None:
            eid = f"dev:{ns.name}:eth0"
            t.boxes.append(Box(eid, "dev", f"eth0  {_addr(eth)}", nx + PAD, bottom, 150, DEV_H,
                               parent=node_id, style="eth"))
            if isinstance(eth, Veth) and eth.peer is not None and eth.peer.netns is host:
                port = eth.peer
                cx = nx + PAD + 75
                portid = f"dev:{host.name}:{port.name}"
                t.boxes.append(Box(portid, "port", port.name, cx - 50, net_y - 10, 100, 18, parent="net",
                                   style="veth"))
                t.edges.append(Edge(eid, portid, "veth"))
        for link in ns.iter_links():
            if isinstance(link, Vxlan):
                vid = f"dev:{ns.name}:{link.name}"
                t.boxes.append(Box(vid, "dev", f"{link.name}  {_addr(link)}", nx + nw - PAD - 170, bottom, 170,
                                   DEV_H, (f"VNI {link.vni}, UDP {link.dstport}",), parent=node_id,
                                   style="vxlan"))
                t.summary.append(f"  vxlan {link.name} {_addr(link)} vni {link.vni} dstport {link.dstport}")

    # VXLAN tunnels: one per pair of VTEPs that know each other (their FDB entries)
    vtep_of: dict[str, str] = {}
    for n, m in cluster.machines.items():
        eth = m.netns.get_link("eth0")
        for a in (eth.addresses if eth else []):
            vtep_of[str(a.local)] = n
    pairs = set()
    for n, m in cluster.machines.items():
        for link in m.netns.iter_links():
            if isinstance(link, Vxlan):
                for entry in link.fdb:
                    other = vtep_of.get(str(entry.dst))
                    if other and other != n:
                        pairs.add((min(n, other), max(n, other), link.name))
    order = list(cluster.machines)
    for a, b, dev in sorted(pairs, key=lambda p: (order.index(p[0]), order.index(p[1]))):
        ns_a, ns_b = cluster.machines[a].netns.name, cluster.machines[b].netns.name
        t.edges.append(Edge(f"dev:{ns_a}:{dev}", f"dev:{ns_b}:{dev}", "tunnel", "VXLAN"))
        t.summary.append(f"tunnel {a} {dev} <-> {b} {dev}")

    # Services -> the pods behind them (from EndpointSlices)
    for s in services:
        sid = f"svc:{s['metadata'].get('namespace', 'default')}/{s['metadata']['name']}"
        for ip in sorted(_endpoint_ips(cluster, s)):
            if ip in pod_ip_box:
                t.edges.append(Edge(sid, pod_ip_box[ip], "endpoint"))
    return t


@dataclass(frozen=True)
class PathPoint:
    """One hop placed on the picture: ``box`` is the anchor id (None if not drawn)."""

    index: int
    box: str | None
    reply: bool


def path(topo: Topology, trace) -> list[PathPoint]:
    """Where each hop of ``trace`` (request, then reply) sits on ``topo``."""
    out = []
    i = 0
    for reply, walk in ((False, trace), (True, trace.reply)):
        if walk is None:
            continue
        for h in walk.hops:
            out.append(PathPoint(i, topo.anchor(h.netns, h.dev), reply))
            i += 1
    return out
