"""A node as a machine: its network namespace, its files and its processes.

On kind a node is a container on the ``kind`` docker network: ``eth0`` is one end of a veth
whose other end is a port of the network's bridge on the host, and its default route goes to
the bridge's address. Everything else on the node (pods, CNI, kube-proxy) is built on this.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from k8slab.components.cni.runtime import Host
from k8slab.linux.fs import FileSystem
from k8slab.linux.link import veth_pair
from k8slab.linux.netns import NetNS


@dataclass(slots=True)
class Process:
    """A process as ``ps`` shows it."""

    pid: int
    user: str
    command: str


@dataclass
class Machine:
    """A node's machine: ``netns`` (the node's network), ``fs`` (its files), ``processes``."""

    name: str
    netns: NetNS
    fs: FileSystem
    ip: str
    processes: list[Process] = field(default_factory=list)

    @property
    def host(self) -> Host:
        """What a CNI plugin running on this node sees."""
        return Host(self.netns, self.fs)

    def spawn(self, command: str, user: str = "root") -> Process:
        pid = (self.processes[-1].pid + 1) if self.processes else 1
        p = Process(pid, user, command)
        self.processes.append(p)
        return p


def docker_network(kernel, name: str = "kind", subnet_gateway: str = "172.18.0.1/16") -> NetNS:
    """The machine that runs the node containers, with the docker network's bridge on it."""
    host = kernel.add_netns("host")
    host.set_link_up("lo")
    bridge = f"br-{kernel.random_hex(6)}"
    host.add_bridge(bridge)
    host.set_link_up(bridge)
    host.add_address(bridge, subnet_gateway)
    host.set_sysctl("net.ipv4.ip_forward", 1)
    # The laptop's own way out to the internet: a device beyond which nothing is modelled, so
    # what the docker host sends out there (a pod IP, a ClusterIP) leaves and never comes back.
    host.add_dummy("eth0")
    host.set_link_up("eth0")
    host.add_address("eth0", "192.168.1.23/24")
    host.add_route("default", via="192.168.1.1", dev="eth0")
    return host


def start_node_container(kernel, host: NetNS, name: str, ip: str, prefix: int = 16,
                         gateway: str = "172.18.0.1") -> Machine:
    """``docker run`` of a node: its own namespace, eth0 on the docker bridge, the default route
    via the bridge, /etc/hostname and /etc/hosts as docker writes them."""
    ns = kernel.add_netns(name)
    bridge = next(link for link in host.links.values() if link.name.startswith("br-"))
    peer = f"veth{kernel.random_hex(4)[:7]}"
    veth_pair(ns, "eth0", host, peer)
    host.set_master(peer, bridge)
    host.set_link_up(peer)
    ns.set_link_up("lo")
    ns.set_link_up("eth0")
    ns.add_address("eth0", f"{ip}/{prefix}")
    ns.add_route("default", via=gateway)
    ns.set_sysctl("net.ipv4.ip_forward", 1)
    fs = FileSystem()
    fs.write("/etc/hostname", f"{name}\n")
    fs.write("/etc/hosts", "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
                           "fe00::\tip6-localnet\nff00::\tip6-mcastprefix\nff02::1\tip6-allnodes\n"
                           f"ff02::2\tip6-allrouters\n{ip}\t{name}\n")
    fs.write("/etc/resolv.conf", "nameserver 172.18.0.1\noptions ndots:0\n")
    m = Machine(name, ns, fs, ip)
    m.spawn("/sbin/init")
    return m
