"""flanneld with the Kubernetes subnet manager, one per node (a DaemonSet pod on a real cluster).

Its lease is the node's ``spec.podCIDR``. It writes ``/run/flannel/subnet.env`` (read by the
flannel CNI plugin), publishes its VTEP in the Node's annotations and, for every other node:

* ``vxlan`` backend: ``flannel.1`` (VNI 1, UDP 8472, nolearning, MTU = eth0's - 50) holds the
  lease's network address as a /32; per remote node one onlink route
  (``10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink``), one PERMANENT neighbour (the remote
  VTEP's MAC for 10.244.2.0) and one FDB entry (that MAC is behind the remote node's IP);
* ``host-gw`` backend: a plain route ``10.244.2.0/24 via <node IP> dev eth0`` (only works when
  every node is on the same L2 segment).

With ``--ip-masq`` it also masquerades traffic leaving the pod network (FLANNEL-POSTRTG) and
accepts forwarding to and from it (FLANNEL-FWD).
"""

from __future__ import annotations

import json
from ipaddress import IPv4Network

from k8slab.components.controller import Controller

SUBNET_ENV = "/run/flannel/subnet.env"
CNI_CONFIG_PATH = "/etc/cni/net.d/10-flannel.conflist"
# kube-flannel.yml's cni-conf.json, as the install-cni init container copies it.
CNI_CONFIG = """{
  "name": "cbr0",
  "cniVersion": "0.3.1",
  "plugins": [
    {
      "type": "flannel",
      "delegate": {
        "hairpinMode": true,
        "isDefaultGateway": true
      }
    },
    {
      "type": "portmap",
      "capabilities": {
        "portMappings": true
      }
    }
  ]
}
"""
ANN = "flannel.alpha.coreos.com/"
KUBE_PROXY_MARK = "0x4000/0x4000"
VNI = 1
VXLAN_PORT = 8472


class Flannel(Controller):
    """flanneld on one node (``machine``)."""

    name = "flanneld"
    resources = ("nodes",)

    def __init__(self, machine, network: str = "10.244.0.0/16", backend: str = "vxlan") -> None:
        super().__init__()
        if backend not in ("vxlan", "host-gw"):
            raise ValueError(f'unknown flannel backend "{backend}": choose "vxlan" or "host-gw"')
        self.machine = machine
        self.network = network
        self.backend = backend
        self.lease: str | None = None

    def key_for(self, event):
        return event.object["metadata"]["name"]

    def reconcile(self, name) -> None:
        m = self.machine
        if self.lease is None:
            me = self.store.try_get("nodes", m.name)
            if me is None or not me.get("spec", {}).get("podCIDR"):
                return
            self.acquire(me)
            for node in self.store.list("nodes"):  # the nodes seen before the lease
                if node["metadata"]["name"] != m.name:
                    self.sync_remote(node)
            return
        node = self.store.try_get("nodes", name)
        if node is not None and name != m.name:
            self.sync_remote(node)

    def acquire(self, me: dict) -> None:
        """Take the node's podCIDR as the lease: subnet.env, the backend device, the annotations,
        the masquerade and forward rules, then the CNI config (the node becomes Ready)."""
        m = self.machine
        self.lease = me["spec"]["podCIDR"]
        subnet = IPv4Network(self.lease)
        eth0 = m.netns.link("eth0")
        mtu = eth0.mtu - 50 if self.backend == "vxlan" else eth0.mtu
        m.fs.write(SUBNET_ENV, f"FLANNEL_NETWORK={self.network}\nFLANNEL_SUBNET={subnet.network_address + 1}/"
                               f"{subnet.prefixlen}\nFLANNEL_MTU={mtu}\nFLANNEL_IPMASQ=true\n")
        data = "null"
        if self.backend == "vxlan":
            vx = m.netns.add_vxlan(f"flannel.{VNI}", VNI, VXLAN_PORT, local=m.ip, dev="eth0", learning=False)
            m.netns.set_link_up(vx)
            m.netns.add_address(vx, f"{subnet.network_address}/32")
            data = json.dumps({"VNI": VNI, "VtepMAC": vx.mac}, separators=(",", ":"))
        self.store.patch("nodes", m.name, {"metadata": {"annotations": {
            ANN + "backend-data": data, ANN + "backend-type": self.backend,
            ANN + "kube-subnet-manager": "true", ANN + "public-ip": m.ip}}}, validate=False)
        self.masquerade(subnet)
        m.fs.write(CNI_CONFIG_PATH, CNI_CONFIG)
        m.spawn(f"/opt/bin/flanneld --ip-masq --kube-subnet-mgr --iface={m.ip}")

    def masquerade(self, subnet: IPv4Network) -> None:
        nf = self.machine.netns.netfilter
        net, pod = self.network, str(subnet)
        c = ["-m", "comment", "--comment", "flanneld masq"]
        nf.iptables(["-t", "nat", "-N", "FLANNEL-POSTRTG"])
        rules = [
            ["POSTROUTING", *c, "-j", "FLANNEL-POSTRTG"],
            ["FLANNEL-POSTRTG", "-m", "mark", "--mark", KUBE_PROXY_MARK, *c, "-j", "RETURN"],
            ["FLANNEL-POSTRTG", "-s", pod, "-d", net, *c, "-j", "RETURN"],
            ["FLANNEL-POSTRTG", "-s", net, "-d", pod, *c, "-j", "RETURN"],
            ["FLANNEL-POSTRTG", "!", "-s", net, "-d", pod, *c, "-j", "RETURN"],
            ["FLANNEL-POSTRTG", "-s", net, "!", "-d", "224.0.0.0/4", *c, "-j", "MASQUERADE", "--random-fully"],
            ["FLANNEL-POSTRTG", "!", "-s", net, "-d", net, *c, "-j", "MASQUERADE", "--random-fully"],
        ]
        for r in rules:
            nf.iptables(["-t", "nat", "-A", *r])
        f = ["-m", "comment", "--comment", "flanneld forward"]
        nf.iptables(["-t", "filter", "-N", "FLANNEL-FWD"])
        for r in (["FORWARD", *f, "-j", "FLANNEL-FWD"], ["FLANNEL-FWD", "-s", net, *f, "-j", "ACCEPT"],
                  ["FLANNEL-FWD", "-d", net, *f, "-j", "ACCEPT"]):
            nf.iptables(["-t", "filter", "-A", *r])

    def sync_remote(self, node: dict) -> None:
        """Program the route (and for VXLAN the neighbour and FDB entries) to another node's lease."""
        ann = node["metadata"].get("annotations", {})
        cidr = node.get("spec", {}).get("podCIDR")
        public_ip = ann.get(ANN + "public-ip")
        if not cidr or not public_ip or ann.get(ANN + "backend-type") != self.backend:
            return
        ns = self.machine.netns
        subnet = IPv4Network(cidr)
        if any(r.dst == subnet for r in ns.table("main").candidates(subnet)):
            return
        if self.backend == "host-gw":
            ns.add_route(cidr, via=public_ip, dev="eth0")
            return
        vtep = json.loads(ann[ANN + "backend-data"])["VtepMAC"]
        vx = ns.link(f"flannel.{VNI}")
        ns.neigh.add(str(subnet.network_address), vx, vtep, "PERMANENT", ns.kernel.now, replace=True)
        vx.fdb.add(vtep, public_ip, replace=True)
        ns.add_route(cidr, via=str(subnet.network_address), dev=vx, onlink=True)
