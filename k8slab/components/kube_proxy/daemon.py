"""kube-proxy as it runs on a node: watch Services and EndpointSlices, re-sync the rules.

One daemon per node (the kube-proxy DaemonSet's pod). Any change to a Service or an
EndpointSlice triggers a sync of that node's data plane, in iptables or IPVS mode. Stopping
the daemon (a troubleshooting lesson) leaves the last rules in place, stale, as on a real node.
"""

from __future__ import annotations

from k8slab.components.collector import collector_paused
from k8slab.components.controller import Controller
from k8slab.components.kube_proxy.iptables import IPTablesProxier, ProxierConfig
from k8slab.components.kube_proxy.ipvs import IPVSProxier
from k8slab.components.kube_proxy.model import SharedMaps


class KubeProxy(Controller):
    """kube-proxy on one node (``machine``), ``mode`` "iptables" or "ipvs"."""

    name = "kube-proxy"
    resources = ("services", "endpointslices.discovery.k8s.io")

    def __init__(self, machine, mode: str = "iptables", cluster_cidr: str = "10.244.0.0/16") -> None:
        super().__init__()
        self.machine = machine
        self.mode = mode
        config = ProxierConfig(machine.name, [machine.ip], cluster_cidr=cluster_cidr)
        self.proxier = (IPVSProxier(machine.netns, config) if mode == "ipvs"
                        else IPTablesProxier(machine.netns, config))
        self.last = None  # the process itself is the kube-proxy pod's container (ps shows it)

    def key_for(self, event):
        return "sync"

    def reconcile(self, key) -> None:
        with collector_paused():
            # Every node's kube-proxy reads the same Services and EndpointSlices from the store: one
            # SharedMaps per store, living and dying with it.
            maps = self.store.client_state.get("kube-proxy-maps")
            if maps is None:
                maps = self.store.client_state["kube-proxy-maps"] = SharedMaps()
            svc_map = maps.services(self.store.list("services"))
            ep_map = maps.endpoints(self.store.list("endpointslices.discovery.k8s.io"), self.proxier.config.node_name)
            if self.mode == "ipvs":
                self.last = self.proxier.sync_maps(svc_map, ep_map)
            else:
                self.last = self.proxier.sync_maps(svc_map, ep_map, now=self.machine.netns.kernel.now)
