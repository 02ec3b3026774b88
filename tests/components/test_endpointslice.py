"""EndpointSlice and Endpoints controllers. Checked against kubernetes/kubernetes
staging/src/k8s.io/endpointslice/utils.go (podToEndpoint: ready = serving && !terminating, or
publishNotReadyAddresses; getEndpointPorts: name always set; newEndpointSlice: generateName "<svc>-",
labels kubernetes.io/service-name and endpointslice.kubernetes.io/managed-by:
endpointslice-controller.k8s.io, owner reference), reconciler.go (placeholder slice, max endpoints per
slice), pkg/api/v1/pod/util.go (FindPort) and pkg/controller/endpoint/endpoints_controller.go
(addresses / notReadyAddresses, last-change-trigger-time)."""

from __future__ import annotations

import re

from components_kube import kind_store, loop_with, pod, run_pod

from k8slab.components.endpoints import EndpointsController
from k8slab.components.endpointslice import EndpointSliceController


def service(name="web", selector=None, ports=None, **spec):
    s = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "labels": {"app": name}},
         "spec": {"selector": selector if selector is not None else {"app": name},
                  "ports": ports or [{"port": 80, "targetPort": 8080}], **spec}}
    return s


def web_pod(name, port_name="http", port=8080, **kw):
    p = pod(name, labels={"app": "web"}, **kw)
    p["spec"]["containers"][0]["ports"] = [{"name": port_name, "containerPort": port}]
    return p


def slices(store, svc="web"):
    return store.list("endpointslices", "default", label_selector=f"kubernetes.io/service-name={svc}")


def setup():
    store, clock = kind_store()
    loop = loop_with(store, EndpointSliceController(), EndpointsController())
    return store, clock, loop


def test_slice_for_ready_pods_with_conditions_and_metadata():
    store, clock, loop = setup()
    store.create(web_pod("web-1"))
    store.create(web_pod("web-2"))
    store.bind("web-1", "kind-worker")
    store.bind("web-2", "kind-worker2")
    svc = store.create(service())
    clock.advance(3)
    run_pod(store, "web-1", ip="10.244.1.2")
    run_pod(store, "web-2", ip="10.244.2.2", ready=False)
    loop.settle()
    [s] = slices(store)
    assert re.fullmatch(r"web-[bcdfghjklmnpqrstvwxz2456789]{5}", s["metadata"]["name"])
    assert s["metadata"]["generateName"] == "web-"
    assert s["metadata"]["labels"] == {"app": "web", "endpointslice.kubernetes.io/managed-by":
                                       "endpointslice-controller.k8s.io", "kubernetes.io/service-name": "web"}
    assert s["metadata"]["ownerReferences"] == [{"apiVersion": "v1", "blockOwnerDeletion": True, "controller": True,
                                                 "kind": "Service", "name": "web", "uid": svc["metadata"]["uid"]}]
    assert s["metadata"]["annotations"] == {"endpoints.kubernetes.io/last-change-trigger-time":
                                            "2025-01-12T10:00:00Z"}
    assert s["addressType"] == "IPv4"
    assert s["ports"] == [{"name": "", "port": 8080, "protocol": "TCP"}]
    p1 = store.get("pods", "web-1")
    assert s["endpoints"] == [
        {"addresses": ["10.244.1.2"], "conditions": {"ready": True, "serving": True, "terminating": False},
         "nodeName": "kind-worker", "targetRef": {"kind": "Pod", "name": "web-1", "namespace": "default",
                                                  "uid": p1["metadata"]["uid"]}},
        {"addresses": ["10.244.2.2"], "conditions": {"ready": False, "serving": False, "terminating": False},
         "nodeName": "kind-worker2", "targetRef": {"kind": "Pod", "name": "web-2", "namespace": "default",
                                                   "uid": store.get("pods", "web-2")["metadata"]["uid"]}}]
    ep = store.get("endpoints", "web")
    assert ep["metadata"]["labels"] == {"app": "web"}
    assert ep["subsets"] == [{
        "addresses": [{"ip": "10.244.1.2", "nodeName": "kind-worker", "targetRef": s["endpoints"][0]["targetRef"]}],
        "notReadyAddresses": [{"ip": "10.244.2.2", "nodeName": "kind-worker2",
                               "targetRef": s["endpoints"][1]["targetRef"]}],
        "ports": [{"port": 8080, "protocol": "TCP"}]}]


def test_readiness_flip_and_terminating_pod():
    store, clock, loop = setup()
    store.create(web_pod("web-1"))
    store.create(service())
    run_pod(store, "web-1", ip="10.244.1.2")
    loop.settle()
    clock.advance(10)
    run_pod(store, "web-1", ip="10.244.1.2", ready=False)
    loop.settle()
    [s] = slices(store)
    assert s["endpoints"][0]["conditions"] == {"ready": False, "serving": False, "terminating": False}
    assert s["metadata"]["annotations"]["endpoints.kubernetes.io/last-change-trigger-time"] == "2025-01-12T10:00:10Z"
    run_pod(store, "web-1", ip="10.244.1.2", ready=True)
    store.graceful_pod_deletion = True
    store.bind("web-1", "kind-worker")
    store.delete("pods", "web-1")
    loop.settle()
    [s] = slices(store)
    assert s["endpoints"][0]["conditions"] == {"ready": False, "serving": True, "terminating": True}
    assert "subsets" not in store.get("endpoints", "web")


def test_named_target_port_resolves_per_pod_into_separate_slices():
    store, _, loop = setup()
    store.create(web_pod("a", port=8080))
    store.create(web_pod("b", port=9090))
    store.create(web_pod("c", port_name="other"))
    store.create(service(ports=[{"name": "http", "port": 80, "targetPort": "http"}]))
    for i, n in enumerate("abc"):
        run_pod(store, n, ip=f"10.244.1.{i + 2}")
    loop.settle()
    got = sorted((tuple((p["name"], p["port"]) for p in s["ports"] or []),
                  tuple(e["targetRef"]["name"] for e in s["endpoints"])) for s in slices(store))
    assert got == [((), ("c",)), ((("http", 8080),), ("a",)), ((("http", 9090),), ("b",))]
    subsets = store.get("endpoints", "web")["subsets"]
    assert [([a["ip"] for a in s["addresses"]], s.get("ports")) for s in subsets] == [
        (["10.244.1.4"], None),
        (["10.244.1.2"], [{"name": "http", "port": 8080, "protocol": "TCP"}]),
        (["10.244.1.3"], [{"name": "http", "port": 9090, "protocol": "TCP"}])]


def test_no_pods_gives_a_placeholder_slice_then_it_is_replaced():
    store, _, loop = setup()
    store.create(service())
    loop.settle()
    [s] = slices(store)
    assert s["endpoints"] is None and s["ports"] is None
    assert store.get("endpoints", "web").get("subsets") is None
    store.create(web_pod("web-1"))
    run_pod(store, "web-1", ip="10.244.1.2")
    loop.settle()
    [s] = slices(store)
    assert len(s["endpoints"]) == 1


def test_more_than_max_endpoints_split_into_slices_and_pods_without_ip_are_skipped():
    store, _ = kind_store()
    loop = loop_with(store, EndpointSliceController(max_endpoints_per_slice=3))
    store.create(service())
    for i in range(7):
        store.create(web_pod(f"web-{i}"))
        if i < 6:
            run_pod(store, f"web-{i}", ip=f"10.244.1.{i + 2}")
    loop.settle()
    sizes = sorted(len(s["endpoints"]) for s in slices(store))
    assert sizes == [3, 3]
    store.delete("pods", "web-0")
    loop.settle()
    assert sorted(len(s["endpoints"]) for s in slices(store)) == [2, 3]


def test_no_selector_and_external_name_get_nothing_and_deletion_cleans_up():
    store, _, loop = setup()
    store.create(service("manual", selector={}))
    store.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "ext"},
                  "spec": {"type": "ExternalName", "externalName": "example.com", "selector": {"app": "web"}}})
    store.create(service())
    loop.settle()
    assert slices(store, "manual") == [] and slices(store, "ext") == []
    assert store.try_get("endpoints", "manual") is None and store.try_get("endpoints", "ext") is None
    store.delete("services", "web")
    loop.settle()
    assert slices(store) == [] and store.try_get("endpoints", "web") is None


def test_headless_hostname_subdomain_zone_and_publish_not_ready():
    store, _, loop = setup()
    store.patch("nodes", "kind-worker", {"metadata": {"labels": {"topology.kubernetes.io/zone": "zone-a"}}})
    p = web_pod("db-0", hostname="db-0", subdomain="web")
    store.create(p)
    store.bind("db-0", "kind-worker")
    store.create(service(clusterIP="None", publishNotReadyAddresses=True))
    run_pod(store, "db-0", ip="10.244.1.9", ready=False)
    loop.settle()
    [s] = slices(store)
    assert s["metadata"]["labels"]["service.kubernetes.io/headless"] == ""
    [e] = s["endpoints"]
    assert e["hostname"] == "db-0" and e["zone"] == "zone-a"
    assert e["conditions"] == {"ready": True, "serving": True, "terminating": False}
    ep = store.get("endpoints", "web")
    assert ep["metadata"]["labels"]["service.kubernetes.io/headless"] == ""
    assert ep["subsets"][0]["addresses"][0]["hostname"] == "db-0"
