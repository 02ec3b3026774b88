import re

import pytest

from k8slab.api import APIError, StatusError, Store, clone, kubectl_message

from .conftest import deployment, pod, service


def test_create_fills_metadata(store, clock):
    clock.advance(90)
    p = store.create(pod("x", {"app": "web"}))
    meta = p["metadata"]
    assert meta["namespace"] == "default"
    assert meta["creationTimestamp"] == "2025-01-12T10:01:30Z"
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", meta["uid"])
    assert meta["resourceVersion"] == store.resource_version
    assert meta["generation"] == 1
    assert list(meta)[:4] == ["name", "namespace", "uid", "resourceVersion"]
    assert store.get("po", "x") is p
    assert store.by_uid(meta["uid"]) is p


def test_resource_versions_are_a_global_counter(store):
    a = store.create(pod("a"))
    b = store.create(service("web"))
    assert int(b["metadata"]["resourceVersion"]) == int(a["metadata"]["resourceVersion"]) + 1


def test_same_seed_same_uids_and_names():
    def build():
        s = Store(clock=lambda: 0, seed=7)
        objs = [s.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"generateName": "web-"}})
                for _ in range(3)]
        return [(o["metadata"]["name"], o["metadata"]["uid"]) for o in objs]
    assert build() == build()
    other = Store(clock=lambda: 0, seed=8)
    assert other.create({"apiVersion": "v1", "kind": "ConfigMap",
                         "metadata": {"generateName": "web-"}})["metadata"]["name"] != build()[0][0]


def test_generate_name_as_simple_name_generator(store):
    names = [store.create({**pod(), "metadata": {"generateName": "web-"}})["metadata"]["name"] for _ in range(20)]
    assert all(re.fullmatch(r"web-[bcdfghjklmnpqrstvwxz2456789]{5}", n) for n in names)
    assert len(set(names)) == 20
    long = store.create({**pod(), "metadata": {"generateName": "a" * 70}})["metadata"]["name"]
    assert len(long) == 63 and long.startswith("a" * 58)


def test_default_namespaces_exist(store):
    assert [n["metadata"]["name"] for n in store.list("ns")] == ["default", "kube-node-lease", "kube-public",
                                                                   "kube-system"]
    ns = store.get("ns", "default")
    assert ns["status"]["phase"] == "Active"
    assert ns["metadata"]["labels"] == {"kubernetes.io/metadata.name": "default"}
    assert ns["spec"]["finalizers"] == ["kubernetes"]


def test_missing_namespace_is_not_found(store):
    with pytest.raises(StatusError) as e:
        store.create(pod("x", namespace="nope"))
    assert kubectl_message(e.value) == 'Error from server (NotFound): namespaces "nope" not found'
    assert store.count("pods") == 0


def test_not_found_and_already_exists(store):
    with pytest.raises(StatusError) as e:
        store.get("pods", "x")
    assert kubectl_message(e.value) == 'Error from server (NotFound): pods "x" not found'
    assert e.value.code == 404 and e.value.status()["details"] == {"name": "x", "kind": "pods"}
    with pytest.raises(StatusError) as e:
        store.get("deploy", "x")
    assert e.value.message == 'deployments.apps "x" not found'
    store.create(pod("x"))
    with pytest.raises(StatusError) as e:
        store.create(pod("x"))
    assert kubectl_message(e.value) == 'Error from server (AlreadyExists): pods "x" already exists'
    assert e.value.code == 409


def test_list_sorted_by_namespace_then_name_with_selectors(store):
    store.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "apps"}})
    for name, ns, app in [("b", "default", "web"), ("a", "default", "db"), ("c", "apps", "web"), ("a", "apps", "web")]:
        store.create(pod(name, {"app": app}, namespace=ns))
    assert [(p["metadata"]["namespace"], p["metadata"]["name"]) for p in store.list("pods")] == [
        ("apps", "a"), ("apps", "c"), ("default", "a"), ("default", "b")]
    assert [p["metadata"]["name"] for p in store.list("pods", "default")] == ["a", "b"]
    assert [p["metadata"]["name"] for p in store.list("pods", None, "app=web")] == ["a", "c", "b"]
    assert [p["metadata"]["name"] for p in store.list("pods", "default", "app!=web")] == ["a"]
    assert store.list("pods", "default", field_selector="metadata.name=b")[0]["metadata"]["name"] == "b"
    assert store.list("pods", "kube-system") == []
    assert store.list_object("pods", "apps")["kind"] == "List"


def test_cluster_scoped_objects_have_no_namespace(store):
    node = store.create({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "kind-worker", "namespace": "x"}})
    assert "namespace" not in node["metadata"]
    assert store.get("nodes", "kind-worker", namespace="whatever") is node


def test_update_and_conflict(store):
    p = store.create(pod("x", {"a": "1"}))
    changed = clone(p)
    changed["metadata"]["labels"]["a"] = "2"
    new = store.update(changed)
    assert new["metadata"]["labels"] == {"a": "2"}
    assert int(new["metadata"]["resourceVersion"]) > int(p["metadata"]["resourceVersion"])
    assert new["metadata"]["generation"] == 1  # labels are not spec
    assert p["metadata"]["labels"] == {"a": "1"}  # what was handed out never changes
    with pytest.raises(StatusError) as e:
        store.update(changed)  # stale resourceVersion
    assert kubectl_message(e.value) == ('Error from server (Conflict): Operation cannot be fulfilled on pods "x": the '
                                        "object has been modified; please apply your changes to the latest version "
                                        "and try again")


def test_noop_update_keeps_resource_version(store):
    p = store.create(pod("x"))
    w = store.watch(resource="pods")
    assert store.update(clone(p)) is p
    assert w.events == []


def test_generation_increments_on_spec_change(store):
    d = store.create(deployment(replicas=1))
    assert d["metadata"]["generation"] == 1
    d2 = store.patch("deploy", "web", {"spec": {"replicas": 3}})
    assert d2["metadata"]["generation"] == 2
    d3 = store.patch("deploy", "web", {"metadata": {"labels": {"x": "y"}}})
    assert d3["metadata"]["generation"] == 2
    assert "generation" not in store.create(service())["metadata"]


def test_status_subresource(store):
    p = store.create(pod("x"))
    running = clone(p)
    running["status"] = {"phase": "Running", "podIP": "10.244.1.2"}
    running["metadata"]["labels"] = {"ignored": "yes"}
    new = store.update(running, subresource="status")
    assert new["status"]["phase"] == "Running" and "labels" not in new["metadata"]
    again = clone(new)
    again["status"] = {"phase": "Failed"}
    assert store.update(again)["status"]["phase"] == "Running"  # the main resource keeps the status
    assert store.patch("po", "x", {"status": {"phase": "Succeeded"}}, subresource="status")["status"]["phase"] == \
        "Succeeded"


def test_merge_patch(store):
    store.create(pod("x", {"a": "1", "b": "2"}))
    p = store.patch("pods", "x", {"metadata": {"labels": {"a": None, "c": "3"}}}, patch_type="merge")
    assert p["metadata"]["labels"] == {"b": "2", "c": "3"}
    p = store.patch("pods", "x", {"spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}})
    assert p["spec"]["containers"][0]["terminationMessagePath"] == "/dev/termination-log"  # strategic: merged by name
    with pytest.raises(StatusError) as e:  # merge: the list is replaced, the defaulted pull policy changes
        store.patch("pods", "x", {"spec": {"containers": [{"name": "c", "image": "nginx:1.28"}]}}, patch_type="merge")
    assert e.value.reason == "Invalid"


def test_bind(store):
    store.create(pod("x"))
    bound = store.bind("x", "kind-worker")
    assert bound["spec"]["nodeName"] == "kind-worker"
    with pytest.raises(StatusError) as e:
        store.bind("x", "kind-worker2")
    assert e.value.reason == "Conflict"


def test_watch_events_in_order(store):
    w = store.watch(resource="pods")
    everything = store.watch()
    store.create(pod("a"))
    store.patch("pods", "a", {"metadata": {"labels": {"x": "1"}}})
    store.create(service("s"))
    store.delete("pods", "a")
    assert [(e.type, e.object["metadata"]["name"]) for e in w.events] == [
        ("ADDED", "a"), ("MODIFIED", "a"), ("DELETED", "a")]
    assert [e.type for e in everything.events] == ["ADDED", "MODIFIED", "ADDED", "DELETED"]
    mod = w.events[1]
    assert mod.old["metadata"].get("labels") is None and mod.object["metadata"]["labels"] == {"x": "1"}
    seqs = [int(e.object["metadata"]["resourceVersion"]) for e in everything.events]
    assert seqs == sorted(seqs)
    assert w.events[0].to_dict()["type"] == "ADDED"


def test_watch_namespace_filter_initial_list_and_stop(store):
    store.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "other"}})
    store.create(pod("b"))
    store.create(pod("a"))
    w = store.watch(resource="pods", namespace="default", send_initial=True)
    assert [(e.type, e.object["metadata"]["name"]) for e in w.events] == [("ADDED", "a"), ("ADDED", "b")]
    store.create(pod("c", namespace="other"))
    assert len(w.events) == 2
    w.stop()
    store.create(pod("d"))
    assert len(w.events) == 2


def test_handlers_run_from_a_queue_not_recursively(store):
    """A handler that writes to the store sees its own event after the current one is delivered to all."""
    log = []

    def first(event):
        log.append(("first", event.type, event.object["metadata"]["name"]))
        if event.type == "ADDED" and event.object["metadata"]["name"] == "a":
            store.create(pod("b"))

    def second(event):
        log.append(("second", event.type, event.object["metadata"]["name"]))

    store.watch(first, "pods")
    store.watch(second, "pods")
    store.create(pod("a"))
    assert log == [("first", "ADDED", "a"), ("second", "ADDED", "a"), ("first", "ADDED", "b"),
                   ("second", "ADDED", "b")]


def test_manual_dispatch():
    s = Store(clock=lambda: 0, seed=1, dispatch="manual")
    w = s.watch(resource="pods")
    s.create(pod("a"))
    assert w.events == [] and s.pending() == 1
    assert s.dispatch() == 1
    assert [e.type for e in w.events] == ["ADDED"]


def owned(obj, owner):
    obj["metadata"]["ownerReferences"] = [{"apiVersion": owner["apiVersion"], "kind": owner["kind"],
                                           "name": owner["metadata"]["name"], "uid": owner["metadata"]["uid"],
                                           "controller": True, "blockOwnerDeletion": True}]
    return obj


def test_garbage_collection_background(store):
    d = store.create(deployment())
    rs = store.create(owned({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "web-abc"},
                             "spec": deployment()["spec"]}, d))
    store.create(owned(pod("web-abc-1", {"app": "web"}), rs))
    store.create(owned(pod("web-abc-2", {"app": "web"}), rs))
    store.create(pod("other"))
    w = store.watch()
    store.delete("deploy", "web")
    assert [(e.type, e.resource.kind, e.object["metadata"]["name"]) for e in w.events] == [
        ("DELETED", "Deployment", "web"), ("DELETED", "ReplicaSet", "web-abc"),
        ("DELETED", "Pod", "web-abc-1"), ("DELETED", "Pod", "web-abc-2")]
    assert [p["metadata"]["name"] for p in store.list("pods")] == ["other"]


def test_garbage_collection_keeps_dependents_with_another_owner(store):
    a = store.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}})
    b = store.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}})
    p = pod("x")
    p["metadata"]["ownerReferences"] = [{"apiVersion": "v1", "kind": "ConfigMap", "name": n,
                                         "uid": o["metadata"]["uid"]} for n, o in (("a", a), ("b", b))]
    store.create(p)
    store.delete("cm", "a")
    left = store.get("pods", "x")
    assert [r["name"] for r in left["metadata"]["ownerReferences"]] == ["b"]
    store.delete("cm", "b")
    assert store.try_get("pods", "x") is None


def test_orphan_and_foreground_propagation(store):
    d = store.create(deployment())
    store.create(owned(pod("p"), d))
    store.delete("deploy", "web", propagation_policy="Orphan")
    assert "ownerReferences" not in store.get("pods", "p")["metadata"]
    d = store.create(deployment())
    store.create(owned(pod("q"), d))
    w = store.watch()
    store.delete("deploy", "web", propagation_policy="Foreground")
    assert [(e.type, e.object["metadata"]["name"]) for e in w.events] == [("DELETED", "q"), ("DELETED", "web")]


def test_finalizers_delay_deletion(store, clock):
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "finalizers": ["example.com/hold"]}}
    store.create(cm)
    clock.advance(5)
    marked = store.delete("cm", "c")
    assert marked["metadata"]["deletionTimestamp"] == "2025-01-12T10:00:05Z"
    assert store.get("cm", "c") is marked
    w = store.watch(resource="cm")
    store.patch("cm", "c", {"metadata": {"finalizers": None}})
    assert store.try_get("cm", "c") is None
    assert [e.type for e in w.events] == ["MODIFIED", "DELETED"]


def test_graceful_pod_deletion(clock):
    s = Store(clock=clock, seed=1, graceful_pod_deletion=True)
    s.create(pod("x", nodeName="kind-worker"))
    s.create(pod("pending"))
    marked = s.delete("pods", "x")
    assert marked["metadata"]["deletionTimestamp"] == "2025-01-12T10:00:30Z"
    assert marked["metadata"]["deletionGracePeriodSeconds"] == 30
    s.delete("pods", "x", grace_period_seconds=0)  # what the kubelet does once the containers stopped
    assert s.try_get("pods", "x") is None
    s.delete("pods", "pending")  # never scheduled: goes at once
    assert s.count("pods") == 0


def test_namespace_deletion_deletes_its_objects(store):
    store.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "tmp"}})
    store.create(pod("a", namespace="tmp"))
    store.create(pod("a"))
    store.delete("ns", "tmp")
    assert [p["metadata"]["namespace"] for p in store.list("pods")] == ["default"]
    with pytest.raises(StatusError) as e:
        store.delete("ns", "default")
    assert kubectl_message(e.value) == ('Error from server (Forbidden): namespaces "default" is forbidden: this '
                                        "namespace may not be deleted")


def test_service_allocation(store):
    a = store.create(service("a"))
    ip = a["spec"]["clusterIP"]
    assert ip.startswith("10.96.") and a["spec"]["clusterIPs"] == [ip]
    dns = store.create(service("kube-dns", clusterIP="10.96.0.10"))
    assert dns["spec"]["clusterIP"] == "10.96.0.10"
    with pytest.raises(StatusError) as e:
        store.create(service("b", clusterIP="10.96.0.10"))
    assert kubectl_message(e.value) == ('The Service "b" is invalid: spec.clusterIPs: Invalid value: '
                                        '[]string{"10.96.0.10"}: failed to allocate IP 10.96.0.10: provided IP is '
                                        "already allocated")
    with pytest.raises(StatusError) as e:
        store.create(service("c", clusterIP="10.0.0.5"))
    assert "The range of valid IPs is 10.96.0.0/16" in e.value.message
    np = store.create(service("np", type="NodePort", ports=[{"port": 80}, {"port": 443, "name": "https"}][:1]))
    assert 30000 <= np["spec"]["ports"][0]["nodePort"] <= 32767
    assert np["spec"]["externalTrafficPolicy"] == "Cluster"
    with pytest.raises(StatusError) as e:
        store.create(service("np2", type="NodePort", ports=[{"port": 80, "nodePort": 40000}]))
    assert kubectl_message(e.value) == ('The Service "np2" is invalid: spec.ports[0].nodePort: Invalid value: 40000: '
                                        "provided port is not in the valid range. The range of valid ports is "
                                        "30000-32767")
    taken = np["spec"]["ports"][0]["nodePort"]
    with pytest.raises(StatusError):
        store.create(service("np3", type="NodePort", ports=[{"port": 80, "nodePort": taken}]))
    store.delete("svc", "np")
    assert store.create(service("np3", type="NodePort", ports=[{"port": 80, "nodePort": taken}]))
    headless = store.create(service("h", clusterIP="None"))
    assert headless["spec"]["clusterIPs"] == ["None"]
    store.delete("svc", "kube-dns")
    assert store.create(service("again", clusterIP="10.96.0.10"))["spec"]["clusterIP"] == "10.96.0.10"


def test_service_update_keeps_allocations(store):
    s = store.create(service("web", type="NodePort"))
    replaced = service("web", type="NodePort")  # a PUT without clusterIP or nodePort keeps them
    out = store.update(replaced)
    assert out["spec"]["clusterIP"] == s["spec"]["clusterIP"]
    assert out["spec"]["ports"][0]["nodePort"] == s["spec"]["ports"][0]["nodePort"]


def test_same_seed_same_cluster_ips():
    def ips(seed):
        s = Store(clock=lambda: 0, seed=seed)
        return [s.create(service(f"s{i}"))["spec"]["clusterIP"] for i in range(5)]
    assert ips(3) == ips(3)
    assert all(ip not in ("10.96.0.0", "10.96.255.255") for ip in ips(3))


def test_errors_leave_store_unchanged(store):
    rv = store.resource_version
    for bad in [pod("Bad_Name"), {**pod(), "spec": {}}, {"apiVersion": "v1", "kind": "Pod"}]:
        with pytest.raises(APIError):
            store.create(bad)
    assert store.resource_version == rv and store.count("pods") == 0
