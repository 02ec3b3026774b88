"""The cloud's route controller: pod routes kept on the network's router instead of on every node.

kindnetd gives each node a route to every other node's podCIDR, which is N² routes in all (25
million at 5,000 nodes). Clusters that large leave pod routing to the network: the
cloud-controller-manager's route controller creates one route per node on the network's router
(GCE's routes mode; a VPC router), ``podCIDR via the node's InternalIP``, and records it on the
Node as the condition ``NetworkUnavailable=False`` (reason ``RouteCreated``). A node then needs only
its default route: a packet for a pod elsewhere goes to the router and comes back down to the
node that holds the pod.

Here the router is the docker network's gateway (the ``host`` namespace, ``172.18.0.1``), so
``ip route`` there lists one line per node.
"""

from __future__ import annotations

from k8slab.api.errors import APIError
from k8slab.api.meta import rfc3339
from k8slab.components.controller import Controller

ROUTE_CREATED = {"reason": "RouteCreated", "message": "RouteController created a route",
                 "status": "False", "type": "NetworkUnavailable"}


class RouteController(Controller):
    """Keeps ``<podCIDR> via <InternalIP> dev <device>`` in ``router`` for every Node, and removes the
    route of a Node that is gone."""

    name = "route-controller"
    resources = ("nodes",)

    def __init__(self, router, device: str) -> None:
        super().__init__()
        self.router = router
        self.device = device
        self.routes: dict[str, tuple[str, str]] = {}   # node name -> (podCIDR, gateway) it has a route for

    def key_for(self, event):
        return event.object["metadata"]["name"]

    def reconcile(self, name) -> None:
        node = self.store.try_get("nodes", name)
        want = None
        if node is not None:
            ip = next((a["address"] for a in node.get("status", {}).get("addresses", [])
                       if a["type"] == "InternalIP"), None)
            cidr = node.get("spec", {}).get("podCIDR")
            if ip and cidr:
                want = (cidr, ip)
        have = self.routes.get(name)
        if have != want:
            if have is not None:
                self.router.del_route(have[0])
                del self.routes[name]
            if want is not None:
                self.router.add_route(want[0], via=want[1], dev=self.device)
                self.routes[name] = want
        if want is not None and not _has_route_condition(node):
            self._set_condition(name)

    def _set_condition(self, name: str) -> None:
        now = rfc3339(self.store.clock())
        cond = dict(ROUTE_CREATED, lastHeartbeatTime=now, lastTransitionTime=now)
        try:
            self.store.patch("nodes", name, {"status": {"conditions": [cond]}}, subresource="status",
                             validate=False)
        except APIError:   # the node went away meanwhile: its DELETED event brings us back
            pass


def _has_route_condition(node: dict) -> bool:
    return any(c.get("type") == "NetworkUnavailable" and c.get("reason") == "RouteCreated"
               for c in (node.get("status") or {}).get("conditions") or [])
