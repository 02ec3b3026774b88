"""A status-subresource patch writes the status a whole-object patch would give, and nothing else;
resourceVersion preconditions and unknown patch types fail as before."""

import pytest

from k8slab.api import Store
from k8slab.api.errors import APIError
from k8slab.api.meta import clone
from k8slab.api.patch import merge_patch, strategic_merge_patch

STATUSES = [None, {}, {"phase": "Pending"},
            {"phase": "Running", "conditions": [{"type": "Ready", "status": "False"},
                                                {"type": "PodScheduled", "status": "True"}]}]
PATCHES = [{}, {"status": None}, {"status": {"phase": "Running"}},
           {"status": {"conditions": [{"type": "Ready", "status": "True"}], "podIP": "10.0.0.1"}},
           {"status": {"phase": None}}, {"status": {"conditions": [{"type": "New", "status": "True"}]}},
           {"spec": {"nodeName": "elsewhere"}, "metadata": {"labels": {"x": "y"}}, "status": {"phase": "Failed"}},
           {"status": ["not", "a", "map"]}]


def _pod(store, name, status):
    obj = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
           "spec": {"containers": [{"name": "c", "image": "nginx"}]}}
    created = store.create(obj)
    if status is None:
        return created
    return store.update(dict(created, status=status), subresource="status")


def _whole_patch_then_status(store, name, patch, patch_type):
    """The status a whole-object patch gives, written through the status subresource (the general path)."""
    res = store.resource("pods")
    old = store.get(res, name)
    if patch_type == "merge":
        whole = merge_patch(old, patch)
    else:
        whole = strategic_merge_patch(old, patch, kind="Pod")
    only = dict(old)
    only["status"] = whole.get("status")
    return store._commit_update(res, "default", old, only, validate=False)


@pytest.mark.parametrize("patch_type", ["strategic", "merge"])
def test_status_patch_as_a_whole_object_patch(patch_type):
    fast, plain = Store(clock=lambda: 0, seed=4), Store(clock=lambda: 0, seed=4)
    for i, status in enumerate(STATUSES):
        for j, patch in enumerate(PATCHES):
            name = f"p{i}-{j}"
            a, b = _pod(fast, name, clone(status)), _pod(plain, name, clone(status))
            assert a == b
            got = fast.patch("pods", name, clone(patch), patch_type=patch_type, subresource="status")
            want = _whole_patch_then_status(plain, name, clone(patch), patch_type)
            assert got == want, (status, patch)
            assert (got is a) == (want is b)    # a patch that changes nothing stores nothing
            assert got["spec"] is a["spec"] and got["metadata"].get("labels") == a["metadata"].get("labels")


def test_status_patch_preconditions_and_types():
    store = Store(clock=lambda: 0, seed=4)
    old = _pod(store, "p", {"phase": "Pending"})
    with pytest.raises(APIError) as e:
        store.patch("pods", "p", {"metadata": {"resourceVersion": "1"}, "status": {"phase": "Running"}},
                    subresource="status")
    assert "the object has been modified" in str(e.value)
    with pytest.raises(APIError) as e:
        store.patch("pods", "p", {"status": {}}, patch_type="json", subresource="status")
    assert 'unknown patch type "json"' in str(e.value)
    ok = store.patch("pods", "p", {"metadata": {"resourceVersion": old["metadata"]["resourceVersion"]},
                                   "status": {"phase": "Running"}}, subresource="status")
    assert ok["status"]["phase"] == "Running"
