"""Copy-on-write in the store: a new version of an object shares what did not change with the old
one, so nothing may ever write into a stored object. These tests freeze stored objects (any write
raises) and check that patches, updates, bindings and defaulting leave them as they were."""

import pytest

from k8slab.api import Store
from k8slab.api.defaults import apply_defaults
from k8slab.api.meta import clone
from k8slab.api.patch import merge_patch, strategic_merge_patch
from k8slab.components.events import emit, record, record_all


class FrozenDict(dict):
    """A dict that refuses writes (setdefault of a key it has is a read, as defaulting does it)."""

    def _refuse(self, *a, **k):
        raise AssertionError(f"write into a shared object: {a!r}")

    __setitem__ = __delitem__ = pop = popitem = clear = update = _refuse

    def setdefault(self, key, default=None):
        if key not in self:
            self._refuse(key)
        return self[key]


class FrozenList(list):
    def _refuse(self, *a, **k):
        raise AssertionError(f"write into a shared list: {a!r}")

    __setitem__ = __delitem__ = append = extend = insert = pop = remove = sort = reverse = clear = _refuse


def freeze(value):
    if isinstance(value, dict):
        return FrozenDict({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return FrozenList(freeze(v) for v in value)
    return value


def pod(name="p", **spec):
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {"app": "web"}},
            "spec": {"containers": [{"name": "c", "image": "nginx", "ports": [{"containerPort": 80}]}], **spec}}


def frozen_store_object(store, resource, name):
    """Replace the stored object by a frozen copy, so any later write into it raises."""
    res = store.resource(resource)
    ns = "" if not res.namespaced else "default"
    frozen = freeze(store.get(res, name, ns or None))
    store._data[res.qualified][ns][name] = frozen
    store._by_uid[frozen["metadata"]["uid"]] = frozen
    return frozen


def test_merge_patches_never_write_into_the_target():
    target = freeze({"a": {"b": 1, "c": [1, 2]}, "spec": {"containers": [{"name": "c", "image": "x", "env": []}]},
                     "keep": {"deep": {"x": 1}}})
    merged = merge_patch(target, {"a": {"b": None, "d": 2}, "spec": None})
    assert merged == {"a": {"c": [1, 2], "d": 2}, "keep": {"deep": {"x": 1}}}
    assert merged["keep"] is target["keep"]            # untouched parts are shared, not copied
    smp = strategic_merge_patch(target, {"spec": {"containers": [{"name": "c", "image": "y"},
                                                                  {"name": "d", "image": "z"}]}})
    assert smp["spec"]["containers"] == [{"name": "c", "image": "y", "env": []}, {"name": "d", "image": "z"}]
    assert smp["spec"]["containers"][0]["env"] is target["spec"]["containers"][0]["env"]
    assert smp["a"] is target["a"]


def test_patch_values_are_copied_unless_handed_over():
    patch = {"status": {"conditions": [{"type": "Ready", "status": "True"}]}}
    copied = strategic_merge_patch({}, patch)
    assert copied == patch and copied["status"]["conditions"] is not patch["status"]["conditions"]
    taken = strategic_merge_patch({}, patch, copy=False)
    assert taken["status"]["conditions"] is patch["status"]["conditions"]


def test_defaulting_a_defaulted_object_writes_nothing():
    for obj in (pod(), {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "n"}},
                {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
                 "spec": {"type": "NodePort", "sessionAffinity": "ClientIP", "ports": [{"port": 80}]}},
                {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
                 "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "nginx"}]}}}}):
        defaulted = apply_defaults(clone(obj))
        assert apply_defaults(freeze(defaulted)) == defaulted


def test_status_patch_binding_and_spec_patch_leave_the_old_pod_as_it_was():
    store = Store(clock=lambda: 0, seed=1)
    store.create(pod())
    old = frozen_store_object(store, "pods", "p")
    bound = store.bind("p", "kind-worker")
    assert bound["spec"]["nodeName"] == "kind-worker" and "nodeName" not in old["spec"]
    assert bound["spec"]["containers"] is old["spec"]["containers"]
    old = frozen_store_object(store, "pods", "p")
    status = {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}], "podIP": "10.244.1.2"}
    running = store.patch("pods", "p", {"status": status}, subresource="status")
    assert running["status"]["podIP"] == "10.244.1.2" and running["status"]["qosClass"] == "BestEffort"
    assert running["spec"] is old["spec"]                # the spec is shared, not copied
    assert running["metadata"]["resourceVersion"] != old["metadata"]["resourceVersion"]
    old = frozen_store_object(store, "pods", "p")
    relabeled = store.patch("pods", "p", {"metadata": {"labels": {"tier": "x"}},
                                          "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}})
    assert relabeled["metadata"]["labels"] == {"app": "web", "tier": "x"}
    c = relabeled["spec"]["containers"][0]
    assert (c["image"], c["imagePullPolicy"], c["ports"]) == ("nginx:1.27", "Always", [{"containerPort": 80,
                                                                                       "protocol": "TCP"}])
    assert relabeled["spec"]["tolerations"] is old["spec"]["tolerations"]
    assert relabeled["metadata"]["generation"] == 2


def test_a_service_patched_to_nodeport_allocates_into_its_own_spec():
    store = Store(clock=lambda: 0, seed=1)
    store.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
                  "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}})
    old = frozen_store_object(store, "services", "s")
    new = store.patch("services", "s", {"spec": {"type": "NodePort"}})
    assert 30000 <= new["spec"]["ports"][0]["nodePort"] <= 32767
    assert "nodePort" not in old["spec"]["ports"][0]
    assert new["spec"]["clusterIP"] == old["spec"]["clusterIP"]


def test_a_namespace_patch_keeps_its_name_label_without_writing_into_the_old_one():
    store = Store(clock=lambda: 0, seed=1)
    store.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}})
    frozen_store_object(store, "namespaces", "team")
    new = store.patch("namespaces", "team", {"metadata": {"annotations": {"a": "b"}}})
    assert new["metadata"]["labels"] == {"kubernetes.io/metadata.name": "team"}


def test_metadata_keeps_the_apiservers_key_order():
    store = Store(clock=lambda: 0, seed=1)
    created = store.create({"apiVersion": "v1", "kind": "ConfigMap",
                            "metadata": {"labels": {"a": "b"}, "zz": 1, "name": "c"}}, validate=False)
    assert list(created["metadata"]) == ["name", "namespace", "uid", "resourceVersion", "creationTimestamp",
                                         "labels", "zz"]
    updated = store.patch("configmaps", "c", {"metadata": {"finalizers": ["x"]}}, validate=False)
    assert list(updated["metadata"]) == ["name", "namespace", "uid", "resourceVersion", "creationTimestamp",
                                         "labels", "finalizers", "zz"]


@pytest.mark.parametrize("host", ["kind-worker", ""])
def test_events_about_one_object_version_share_their_parts(host):
    store = Store(clock=lambda: 0, seed=1)
    p = store.create(pod())
    a, b = record_all(store, p, (("Normal", "Pulled", f'Container image "{"nginx"}" already present'),
                                 ("Normal", "Created", "Created container c")), "kubelet", host=host)
    assert a["involvedObject"] is b["involvedObject"] and a["source"] is b["source"]   # one call: one reference
    assert a["involvedObject"] == {"apiVersion": "v1", "kind": "Pod", "name": "p", "namespace": "default",
                                   "resourceVersion": p["metadata"]["resourceVersion"], "uid": p["metadata"]["uid"]}
    assert a["source"] == ({"component": "kubelet", "host": host} if host else {"component": "kubelet"})
    c = record(store, p, "Normal", "Pulled", "".join(["Container image ", '"nginx"', " already present"]), "kubelet",
               host=host, field_path="spec.containers{c}")
    assert c["involvedObject"]["fieldPath"] == "spec.containers{c}" and "fieldPath" not in a["involvedObject"]
    assert c["message"] is a["message"]                # repeated messages are one string
    later = store.patch("pods", "p", {"status": {"phase": "Running"}}, subresource="status")
    d = record(store, later, "Normal", "Started", "Started container c", "kubelet", host=host)
    assert d["involvedObject"] is not a["involvedObject"]
    assert d["involvedObject"]["resourceVersion"] == later["metadata"]["resourceVersion"]
    s = emit(store, p, "Normal", "Scheduled", "Binding", "Successfully assigned default/p to kind-worker",
             "default-scheduler")
    assert s["source"] == {} and s["involvedObject"] == a["involvedObject"]
