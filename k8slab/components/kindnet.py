"""kindnetd: kind's own small network daemon, one per node (a hostNetwork DaemonSet pod).

For its own node it writes the CNI config (``/etc/cni/net.d/10-kindnet.conflist``: ptp with
host-local IPAM on the node's podCIDR); for every other node it keeps a route to that node's
podCIDR via the node's InternalIP; and its masquerade agent keeps pod-to-pod traffic un-NATed
while everything leaving the cluster is masqueraded.

With ``routes=False`` the routes are someone else's job (the network's router, see
:mod:`k8slab.components.route_controller`): kindnetd then looks only at its own Node.
"""

from __future__ import annotations

from ipaddress import IPv4Network

from k8slab.components.controller import Controller

CNI_CONFIG_PATH = "/etc/cni/net.d/10-kindnet.conflist"
MASQ_CHAIN = "KIND-MASQ-AGENT"


def render_conflist(pod_cidr: str, mtu: int) -> str:
    """The conflist kindnetd writes, whitespace and all (its Go template rendered)."""
    default_route = "::/0" if ":" in pod_cidr else "0.0.0.0/0"
    mtu_part = f",\n\t\t\"mtu\": {mtu}\n\t\t" if mtu else ""
    return (
        "\n{\n\t\"cniVersion\": \"0.3.1\",\n\t\"name\": \"kindnet\",\n\t\"plugins\": [\n\t{\n"
        "\t\t\"type\": \"ptp\",\n\t\t\"ipMasq\": false,\n\t\t\"ipam\": {\n\t\t\t\"type\": \"host-local\",\n"
        "\t\t\t\"dataDir\": \"/run/cni-ipam-state\",\n\t\t\t\"routes\": [\n\t\t\t\t{\n"
        f"\t\t\t\t\t\"dst\": \"{default_route}\"\n\t\t\t\t}}\n\t\t\t],\n\t\t\t\"ranges\": [\n\t\t\t[\n\t\t\t\t{{\n"
        f"\t\t\t\t\t\"subnet\": \"{pod_cidr}\"\n\t\t\t\t}}\n\t\t\t]\n\t\t]\n\t\t}}\n\t\t{mtu_part}\n\t}},\n"
        "\t{\n\t\t\"type\": \"portmap\",\n\t\t\"capabilities\": {\n\t\t\t\"portMappings\": true\n\t\t}\n\t}\n\t]\n}\n"
    )


class Kindnet(Controller):
    """kindnetd on one node (``machine``): CNI config, routes to the other nodes, masquerade."""

    name = "kindnetd"
    resources = ("nodes",)

    def __init__(self, machine, pod_subnet: str = "10.244.0.0/16", *, routes: bool = True) -> None:
        super().__init__()
        self.machine = machine
        self.pod_subnet = pod_subnet
        self.routes = routes
        if not routes:
            self.field = ("metadata.name", machine.name)
        self._masq_synced = False

    def key_for(self, event):
        # kindnetd walks the node list; what changes its work is one node at a time.
        return event.object["metadata"]["name"]

    def reconcile(self, name) -> None:
        m = self.machine
        if not self._masq_synced:
            self.sync_masquerade()
        node = self.store.try_get("nodes", name)
        if node is None:
            return
        ip = next((a["address"] for a in node.get("status", {}).get("addresses", [])
                   if a["type"] == "InternalIP"), None)
        cidr = node.get("spec", {}).get("podCIDR")
        if not ip or not cidr:
            return
        if ip == m.ip:
            text = render_conflist(cidr, m.netns.link("eth0").mtu)
            if not m.fs.exists(CNI_CONFIG_PATH) or m.fs.read(CNI_CONFIG_PATH) != text:
                m.fs.write(CNI_CONFIG_PATH, text)
            return
        if self.routes:
            self.sync_route(ip, cidr)

    def sync_route(self, node_ip: str, pod_cidr: str) -> None:
        """``netlink.Route{Dst: podCIDR, Gw: nodeIP}``; a route with another gateway is replaced."""
        ns = self.machine.netns
        dst = IPv4Network(pod_cidr)
        for r in ns.table("main").candidates(dst):
            if r.dst == dst:
                if r.gateway is not None and str(r.gateway) == node_ip:
                    return
                ns.del_route(pod_cidr)
                break
        ns.add_route(pod_cidr, via=node_ip)

    def sync_masquerade(self) -> None:
        nf = self.machine.netns.netfilter
        comment = (f"kind-masq-agent: ensure nat POSTROUTING directs all non-LOCAL destination traffic "
                   f"to our custom {MASQ_CHAIN} chain")
        nf.iptables(["-t", "nat", "-N", MASQ_CHAIN])
        nf.iptables(["-t", "nat", "-A", "POSTROUTING", "-m", "comment", "--comment", comment,
                     "-m", "addrtype", "!", "--dst-type", "LOCAL", "-j", MASQ_CHAIN])
        text = (f"*nat\n:{MASQ_CHAIN} - [0:0]\n"
                f"-A {MASQ_CHAIN} -m comment --comment \"kind-masq-agent: local traffic is not subject to "
                f"MASQUERADE\" -d {self.pod_subnet} -j RETURN\n"
                f"-A {MASQ_CHAIN} -m comment --comment \"ip-masq-agent: outbound traffic is subject to "
                "MASQUERADE (must be last in chain)\" -j MASQUERADE\nCOMMIT\n")
        out, err, rc = nf.iptables_restore(text, ["--noflush"])
        if rc != 0:  # pragma: no cover - our own text
            raise RuntimeError(err)
        self._masq_synced = True
