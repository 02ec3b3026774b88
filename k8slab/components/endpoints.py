"""The (legacy) Endpoints controller: one ``v1`` Endpoints object per Service with a selector.

Named as the Service, it lists the matching pods that have an IP in ``subsets``: ready pods in
``addresses``, the others in ``notReadyAddresses`` (all ready with ``publishNotReadyAddresses``;
terminating pods only then), each with ``ip``, ``nodeName``, ``targetRef`` and the ``hostname``
of a pod whose subdomain is the Service. Pods resolving the Service's ports differently go to
different subsets (``RepackSubsets``); addresses sorted by IP. Labels are the Service's (plus
``service.kubernetes.io/headless`` for a headless one); the
``endpoints.kubernetes.io/last-change-trigger-time`` annotation as the controller sets it; more
than 1000 addresses are truncated with ``endpoints.kubernetes.io/over-capacity: truncated``.
The Endpoints object goes when its Service goes.

Simpler than the real one: ports inside a subset are ordered by name and number (the controller
orders them by a hash of the Go struct).

Sources: kubernetes/kubernetes pkg/controller/endpoint/endpoints_controller.go (syncService,
addEndpointSubset), pkg/api/v1/endpoints/util.go (RepackSubsets), pkg/api/v1/pod/util.go (FindPort).
"""

from __future__ import annotations

import ipaddress

from k8slab.api.errors import APIError
from k8slab.components.endpointslice import (
    HEADLESS_LABEL,
    TRIGGER_TIME,
    ServicePodsController,
    find_port,
    pod_ready,
    should_be_in_endpoints,
    target_ref,
)

OVER_CAPACITY = "endpoints.kubernetes.io/over-capacity"
MAX_ENDPOINTS = 1000


class EndpointsController(ServicePodsController):
    """The Endpoints controller (``kube-controller-manager``'s ``endpoints-controller``)."""

    name = "endpoints-controller"
    resources = ("services", "nodes", "pods", "endpoints")
    shared = ("pods",)   # through the index

    def on_event(self, event) -> None:
        if event.resource.kind == "Endpoints":
            if event.type == "DELETED":
                meta = event.object["metadata"]
                if (meta.get("namespace", ""), meta["name"]) in self.services:
                    self.enqueue((meta.get("namespace", ""), meta["name"]))
            return
        super().on_event(event)

    def reconcile(self, key) -> None:
        ns, name = key
        svc = self.store.try_get("services", name, ns)
        current = self.store.try_get("endpoints", name, ns)
        spec = (svc or {}).get("spec") or {}
        if svc is None or not spec.get("selector") or spec.get("type") == "ExternalName":
            if svc is None and current is not None and not (current["metadata"].get("labels") or {}).get(
                    "endpointslice.kubernetes.io/skip-mirror"):
                try:
                    self.store.delete("endpoints", name, ns)
                except APIError:
                    pass
            self.last_seen.pop(key, None)
            self.svc_seen.pop(key, None)
            return
        pods = self.selected_pods(ns, spec["selector"])
        trigger = self.trigger_time(key, svc, pods)
        publish = bool(spec.get("publishNotReadyAddresses"))
        groups: dict[tuple, dict] = {}
        total = 0
        for pod in pods:
            if not should_be_in_endpoints(pod, include_terminating=publish):
                continue
            addr = {"ip": pod["status"]["podIP"]}
            pspec = pod.get("spec") or {}
            if pspec.get("hostname") and pspec.get("subdomain") == name:
                addr["hostname"] = pspec["hostname"]
            if pspec.get("nodeName"):
                addr["nodeName"] = pspec["nodeName"]
            addr["targetRef"] = target_ref(pod)
            ports = []
            for sp in spec.get("ports") or []:
                num = find_port(pod, sp)
                if num is None:
                    continue
                p = {"port": num, "protocol": sp.get("protocol") or "TCP"}
                if sp.get("name"):
                    p = {"name": sp["name"], **p}
                if sp.get("appProtocol"):
                    p["appProtocol"] = sp["appProtocol"]
                ports.append(p)
            if not (spec.get("ports") or []) and spec.get("clusterIP") != "None":
                continue
            pk = tuple(sorted((p.get("name", ""), p["port"], p["protocol"]) for p in ports))
            group = groups.setdefault(pk, {"ports": sorted(ports, key=lambda p: (p.get("name", ""), p["port"])),
                                           "addresses": [], "notReadyAddresses": []})
            ready = publish or pod_ready(pod)
            group["addresses" if ready else "notReadyAddresses"].append(addr)
            total += 1
        subsets = []
        for pk in sorted(groups):
            g = groups[pk]
            subset = {}
            for field in ("addresses", "notReadyAddresses"):
                if g[field]:
                    subset[field] = sorted(g[field], key=lambda a: (ipaddress.ip_address(a["ip"]),
                                                                    a["targetRef"]["uid"]))
            if g["ports"]:
                subset["ports"] = g["ports"]
            subsets.append(subset)
        annotations = dict(((current or {}).get("metadata") or {}).get("annotations") or {})
        annotations.pop(OVER_CAPACITY, None)
        if total > MAX_ENDPOINTS:
            subsets = _truncate(subsets, MAX_ENDPOINTS)
            annotations[OVER_CAPACITY] = "truncated"
        labels = {k: v for k, v in (svc["metadata"].get("labels") or {}).items() if k != HEADLESS_LABEL}
        if spec.get("clusterIP") == "None":
            labels[HEADLESS_LABEL] = ""
        if current is not None and (current.get("subsets") or []) == subsets and \
                (current["metadata"].get("labels") or {}) == labels and \
                annotations.get(OVER_CAPACITY) == current["metadata"].get("annotations", {}).get(OVER_CAPACITY):
            return
        if trigger:
            annotations[TRIGGER_TIME] = trigger
        else:
            annotations.pop(TRIGGER_TIME, None)
        meta: dict = {"name": name, "namespace": ns}
        if annotations:
            meta["annotations"] = annotations
        if labels:
            meta["labels"] = labels
        obj = {"apiVersion": "v1", "kind": "Endpoints", "metadata": meta}
        if subsets:
            obj["subsets"] = subsets
        try:
            if current is None:
                self.store.create(obj, ns, validate=False, copy=False)
            else:
                obj["metadata"] = dict(current["metadata"], **{k: v for k, v in meta.items()})
                if not labels:
                    obj["metadata"].pop("labels", None)
                self.store.update(obj, ns, validate=False, copy=False)
        except APIError:
            pass


def _truncate(subsets: list, limit: int) -> list:
    """``truncateEndpoints``: keep ``limit`` addresses, spread over the subsets, ready ones first."""
    total = sum(len(s.get("addresses", [])) + len(s.get("notReadyAddresses", [])) for s in subsets)
    out, left = [], limit
    for s in subsets:
        n = len(s.get("addresses", [])) + len(s.get("notReadyAddresses", []))
        keep = min(left, round(n * limit / total)) if total else 0
        left -= keep
        ready = s.get("addresses", [])[:keep]
        not_ready = s.get("notReadyAddresses", [])[:keep - len(ready)]
        t = dict(s)
        t["addresses"], t["notReadyAddresses"] = ready, not_ready
        for f in ("addresses", "notReadyAddresses"):
            if not t[f]:
                del t[f]
        out.append(t)
    return out
