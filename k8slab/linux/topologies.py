"""Small ready-made networks, built only from Linux pieces (mininet-style).

They serve the lessons that come before Kubernetes (two namespaces on a bridge, two hosts
joined by a VXLAN tunnel) and the tests and benchmarks of the walk.

>>> from k8slab.linux.packet import IPv4, TCP
>>> from k8slab.linux.walk import send
>>> net = vxlan_hosts(hosts=2)
>>> _ = net.pods[1].sockets.bind("tcp", "0.0.0.0", 8080, "web")
>>> send(net.pods[0], IPv4(dst="10.244.1.2") / TCP(sport=40000, dport=8080)).endpoint
'10.244.1.2:8080'
"""

from __future__ import annotations

from dataclasses import dataclass, field

from k8slab.linux.kernel import Kernel
from k8slab.linux.link import veth_pair
from k8slab.linux.netns import NetNS


@dataclass
class Network:
    """What a builder made: the kernel, the LAN namespace, the hosts and their pods."""

    kernel: Kernel
    lan: NetNS
    hosts: list[NetNS] = field(default_factory=list)
    pods: list[NetNS] = field(default_factory=list)


def _up(ns: NetNS, *devs: str) -> None:
    for d in ("lo",) + devs:
        ns.set_link_up(d)


def lan(kernel: Kernel, name: str = "lan", bridge: str = "br0", gateway: str = "172.18.0.1/16") -> NetNS:
    """A namespace holding a bridge with an address: the L2 segment hosts plug into (like the
    docker network kind nodes sit on, whose bridge is their default gateway)."""
    ns = kernel.add_netns(name)
    ns.add_bridge(bridge)
    _up(ns, bridge)
    ns.add_address(bridge, gateway)
    return ns


def plug(lan_ns: NetNS, host: NetNS, address: str, bridge: str = "br0", ifname: str = "eth0",
         gateway: str | None = "172.18.0.1") -> None:
    """Give ``host`` an ``eth0`` on the LAN's bridge (a veth whose other end is a bridge port)."""
    peer = f"veth{lan_ns.kernel.random_hex(3)}"
    veth_pair(host, ifname, lan_ns, peer)
    lan_ns.set_master(peer, bridge)
    lan_ns.set_link_up(peer)
    _up(host, ifname)
    host.add_address(ifname, address)
    if gateway:
        host.add_route("default", via=gateway)


def bridge_lan(hosts: int = 2, seed: int = 0, subnet: str = "10.0.0") -> Network:
    """``hosts`` namespaces with eth0 ``<subnet>.2``, ``.3``, ... on one bridge (``.1``)."""
    k = Kernel(seed=seed)
    net = Network(k, lan(k, gateway=f"{subnet}.1/24"))
    for i in range(hosts):
        h = k.add_netns(f"host{i + 1}")
        plug(net.lan, h, f"{subnet}.{i + 2}/24", gateway=f"{subnet}.1")
        net.hosts.append(h)
    return net


def vxlan_hosts(hosts: int = 2, seed: int = 0, pod_mtu: int | None = None) -> Network:
    """Hosts on a LAN (172.18.0.2, .3, ...) joined by a VXLAN overlay as flannel builds it.

    Host i has ``flannel.1`` (VNI 1, UDP 8472, nolearning, MTU 1450, address 10.244.i.0/32),
    a bridge ``cni0`` 10.244.i.1/24 and one pod namespace with eth0 10.244.i.2/24. For every
    other host j: ``10.244.j.0/24 via 10.244.j.0 dev flannel.1 onlink``, a PERMANENT
    neighbour for 10.244.j.0 and an FDB entry sending j's VTEP MAC to j's address.
    ``pod_mtu`` (default: flannel.1's MTU) lets a lesson give pods a path MTU that is too big."""
    k = Kernel(seed=seed)
    net = Network(k, lan(k))
    for i in range(hosts):
        ip = f"172.18.0.{i + 2}"
        h = k.add_netns(f"host{i + 1}")
        plug(net.lan, h, f"{ip}/16")
        h.set_sysctl("net.ipv4.ip_forward", 1)
        vx = h.add_vxlan("flannel.1", 1, 8472, local=ip, dev="eth0", learning=False)
        _up(h, "flannel.1")
        h.add_address("flannel.1", f"10.244.{i}.0/32")
        h.add_bridge("cni0")
        _up(h, "cni0")
        h.add_address("cni0", f"10.244.{i}.1/24")
        pod = k.add_netns(f"pod{i + 1}")
        hveth = f"veth{k.random_hex(4)}"
        veth_pair(pod, "eth0", h, hveth)
        h.set_master(hveth, "cni0")
        mtu = pod_mtu or vx.mtu
        for ns, dev in ((h, hveth), (pod, "eth0")):
            ns.set_mtu(dev, mtu)
        h.set_link_up(hveth)
        _up(pod, "eth0")
        pod.add_address("eth0", f"10.244.{i}.2/24")
        pod.add_route("default", via=f"10.244.{i}.1")
        net.hosts.append(h)
        net.pods.append(pod)
    for i, here in enumerate(net.hosts):
        for j, there in enumerate(net.hosts):
            if i == j:
                continue
            vtep = there.link("flannel.1").mac
            here.add_route(f"10.244.{j}.0/24", via=f"10.244.{j}.0", dev="flannel.1", onlink=True)
            here.neigh.add(f"10.244.{j}.0", here.link("flannel.1"), vtep, "PERMANENT")
            here.link("flannel.1").fdb.add(vtep, f"172.18.0.{j + 2}")
    return net
