"""Node IPAM (kube-controller-manager's range allocator): a podCIDR per node.

Each new node gets the next free subnet of ``--node-cidr-mask-size`` (24) from the cluster
CIDR, in the order nodes register; ``spec.podCIDR`` and ``spec.podCIDRs`` are set once and
never change. As cidrset does, the search starts after the last subnet handed out, so a released
subnet is reused only once the range has wrapped around. When the cluster CIDR is used up the node
gets none and an event says so.
"""

from __future__ import annotations

from ipaddress import IPv4Network

from k8slab.components.controller import Controller
from k8slab.linux.ipv4 import format_prefix


class NodeIPAM(Controller):
    name = "node-ipam-controller"
    resources = ("nodes",)

    def __init__(self, cluster_cidr: str = "10.244.0.0/16", mask_size: int = 24) -> None:
        super().__init__()
        net = IPv4Network(cluster_cidr)
        self.base, self.mask_size, self.prefixlen = int(net.network_address), mask_size, net.prefixlen
        self.count = 1 << max(mask_size - net.prefixlen, 0)
        self.next_candidate = 0
        self.used: set[str] = set()

    def subnet(self, i: int) -> str:
        """The ``i``-th subnet of the cluster CIDR, as ``str(IPv4Network(...))`` prints it."""
        if self.prefixlen <= self.mask_size <= 32 and 0 <= i < self.count:
            # aligned and inside the cluster CIDR by construction: printed without an IPv4Network
            return format_prefix(self.base + (i << (32 - self.mask_size)), self.mask_size)
        return f"{IPv4Network((self.base + (i << (32 - self.mask_size)), self.mask_size))}"

    def key_for(self, event):
        if event.type == "DELETED":
            cidr = event.object.get("spec", {}).get("podCIDR")
            self.used.discard(cidr)
            return None
        return event.object["metadata"]["name"]

    def reconcile(self, name) -> None:
        node = self.store.try_get("nodes", name)
        if node is None:
            return
        cidr = node.get("spec", {}).get("podCIDR")
        if cidr:
            self.used.add(cidr)
            return
        free = None
        for k in range(self.count):
            i = (self.next_candidate + k) % self.count
            cidr = self.subnet(i)
            if cidr not in self.used:
                free, self.next_candidate = cidr, (i + 1) % self.count
                break
        if free is None:
            from k8slab.components.events import record
            record(self.store, node, "Normal", "CIDRNotAvailable",
                   f"Node {name} status is now: CIDRNotAvailable", "cidrAllocator")
            return
        self.used.add(free)
        self.store.patch("nodes", name, {"spec": {"podCIDR": free, "podCIDRs": [free]}}, validate=False)
