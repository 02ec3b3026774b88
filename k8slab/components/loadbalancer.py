"""LoadBalancer Services on kind: a simulated cloud controller in the manner of MetalLB, layer 2 mode.

kind has no cloud, so a ``type: LoadBalancer`` Service stays ``<pending>`` until something
assigns it an address. This controller does what MetalLB's controller and speakers do:

* **allocate** the first free address of a pool on the node network (default
  ``172.18.255.200-172.18.255.250``, the range the kind documentation suggests), honouring
  ``spec.loadBalancerIP`` when it is free and in the pool, and write
  ``status.loadBalancer.ingress: [{ip, ipMode: VIP}]`` (``kubectl get svc`` shows EXTERNAL-IP);
  Services with a ``spec.loadBalancerClass`` belong to another implementation and are left alone;
* **elect** one node to announce each address, as MetalLB's layer-2 election does: the nodes
  not labelled ``node.kubernetes.io/exclude-from-external-load-balancers`` (for
  ``externalTrafficPolicy: Local`` only those with a ready local endpoint), sorted by
  ``sha256(node + "#" + ip)``, the first one wins;
* **answer ARP** for the address on that node's ``eth0``. MetalLB's speaker does this from
  user space (a packet socket that replies to ``who-has``), not through the kernel's neighbour
  table, so nothing shows in ``ip neigh``; here the speaker is an :class:`ArpResponder`
  bound in the node's namespace (``sockets`` under protocol ``arp``), which the packet walk
  consults when it resolves a neighbour. What happens next is kube-proxy's: the frame reaches
  the elected node and its KUBE-SERVICES "loadbalancer IP" rule (or the IPVS virtual server).

Events as MetalLB records them: ``IPAllocated`` (metallb-controller) and ``nodeAssigned``
(metallb-speaker).
"""

from __future__ import annotations

import hashlib
import ipaddress

from k8slab.api.meta import clone
from k8slab.components.controller import Controller
from k8slab.components.events import record

DEFAULT_POOL = "172.18.255.200-172.18.255.250"
EXCLUDE_LABEL = "node.kubernetes.io/exclude-from-external-load-balancers"


class ArpResponder:
    """A user-space ARP responder (MetalLB's speaker): answers ``who-has ip`` on ``dev``."""

    def __init__(self, dev: str, name: str = "metallb-speaker") -> None:
        self.dev = dev
        self.name = name

    def __repr__(self) -> str:
        return f"<{self.name} on {self.dev}>"


def parse_pool(pool: str) -> list[str]:
    """``"A-B"`` or a CIDR (several joined by commas) -> the addresses in order."""
    out: list[str] = []
    for part in (p.strip() for p in pool.split(",") if p.strip()):
        if "-" in part:
            lo, hi = (ipaddress.IPv4Address(x.strip()) for x in part.split("-", 1))
            out += [str(ipaddress.IPv4Address(i)) for i in range(int(lo), int(hi) + 1)]
        else:
            out += [str(a) for a in ipaddress.IPv4Network(part, strict=False)]
    return out


class LoadBalancerController(Controller):
    """Assigns LoadBalancer addresses from ``pool`` and announces each from one node (layer 2).

    ``machines`` maps node names to their machines (whose ``netns`` gets the ARP responder)."""

    name = "metallb"
    resources = ("services", "endpointslices.discovery.k8s.io", "nodes")

    def __init__(self, machines: dict, pool: str = DEFAULT_POOL, dev: str = "eth0") -> None:
        super().__init__()
        self.machines = machines
        self.pool = pool
        self.dev = dev
        self.announced: dict[str, str] = {}  # ip -> node announcing it

    def key_for(self, event):
        return "sync"

    def reconcile(self, key) -> None:
        try:
            pool = parse_pool(self.pool)
        except ValueError:
            pool = []
        services = [s for s in self.store.list("services")
                    if s.get("spec", {}).get("type") == "LoadBalancer" and not s["spec"].get("loadBalancerClass")]
        used = {i.get("ip") for s in services for i in s.get("status", {}).get("loadBalancer", {}).get("ingress", [])}
        want: dict[str, str] = {}
        for svc in sorted(services, key=lambda s: s["metadata"].get("creationTimestamp", "")):
            ip = self._ensure_ip(svc, pool, used)
            if ip is None:
                continue
            node = self._elect(svc, ip)
            if node is not None:
                want[ip] = node
                if self.announced.get(ip) != node:
                    record(self.store, svc, "Normal", "nodeAssigned",
                           f'announcing from node "{node}" with protocol "layer2"', "metallb-speaker")
        self._announce(want)

    # -- allocation ---------------------------------------------------------------------------
    def _ensure_ip(self, svc: dict, pool: list[str], used: set) -> str | None:
        ingress = svc.get("status", {}).get("loadBalancer", {}).get("ingress", [])
        if ingress and ingress[0].get("ip"):
            return ingress[0]["ip"]
        asked = svc["spec"].get("loadBalancerIP")
        if asked:
            ip = asked if asked in pool and asked not in used else None
        else:
            ip = next((a for a in pool if a not in used), None)
        if ip is None:
            return None  # stays <pending>, as with an exhausted MetalLB pool
        used.add(ip)
        new = clone(svc)
        new.setdefault("status", {})["loadBalancer"] = {"ingress": [{"ip": ip, "ipMode": "VIP"}]}
        meta = svc["metadata"]
        stored = self.store.update(new, meta.get("namespace"), subresource="status")
        record(self.store, stored, "Normal", "IPAllocated", f'Assigned IP ["{ip}"]', "metallb-controller")
        return ip

    # -- election and announcement ------------------------------------------------------------
    def _elect(self, svc: dict, ip: str) -> str | None:
        nodes = [n["metadata"]["name"] for n in self.store.list("nodes")
                 if EXCLUDE_LABEL not in n["metadata"].get("labels", {}) and n["metadata"]["name"] in self.machines]
        if svc["spec"].get("externalTrafficPolicy") == "Local":
            local = self._nodes_with_ready_endpoints(svc)
            nodes = [n for n in nodes if n in local]
        if not nodes:
            return None
        return min(nodes, key=lambda n: hashlib.sha256(f"{n}#{ip}".encode()).digest())

    def _nodes_with_ready_endpoints(self, svc: dict) -> set[str]:
        meta = svc["metadata"]
        out = set()
        for sl in self.store.list("endpointslices.discovery.k8s.io", meta.get("namespace")):
            if sl["metadata"].get("labels", {}).get("kubernetes.io/service-name") != meta["name"]:
                continue
            for ep in sl.get("endpoints") or []:
                if (ep.get("conditions") or {}).get("ready", True) and ep.get("nodeName"):
                    out.add(ep["nodeName"])
        return out

    def _announce(self, want: dict[str, str]) -> None:
        for ip, node in list(self.announced.items()):
            if want.get(ip) != node:
                m = self.machines.get(node)
                if m is not None:
                    m.netns.sockets.unbind("arp", ip, 0)
                del self.announced[ip]
        for ip, node in want.items():
            if ip not in self.announced:
                self.machines[node].netns.sockets.bind("arp", ip, 0, ArpResponder(self.dev))
                self.announced[ip] = node


__all__ = ["DEFAULT_POOL", "ArpResponder", "LoadBalancerController", "parse_pool"]
