"""Admission's not-ready/unreachable tolerations: one shared, read-only list for every Pod that names
none; a Pod that names some gets its own list with what is missing added, as before sharing."""

import copy

from k8slab.api import Store
from k8slab.api.defaults import pod_spec


def _plain(tolerations):
    """What DefaultTolerationSeconds adds, written out plainly (the behaviour before sharing)."""
    have = {(t.get("key"), t.get("effect")) for t in tolerations or () if isinstance(t, dict)}
    missing = [{"effect": "NoExecute", "key": key, "operator": "Exists", "tolerationSeconds": 300}
               for key in ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable")
               if (key, "NoExecute") not in have and (key, None) not in have]
    if missing or tolerations is None:
        return list(tolerations or ()) + missing
    return tolerations


CASES = [
    None,
    [],
    [{"key": "spot", "operator": "Exists"}],
    [{"key": "node.kubernetes.io/not-ready", "operator": "Exists"}],
    [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 5}],
    [{"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule", "operator": "Exists"}],
    [{"operator": "Exists"}],
    [{"key": "node.kubernetes.io/not-ready", "effect": "NoExecute"},
     {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute"}],
    ["not a dict", {"key": "a"}],
]


def test_tolerations_as_the_plain_rule_gives_them():
    for tolerations in CASES:
        spec = {"containers": [{"name": "c", "image": "nginx"}]}
        if tolerations is not None:
            spec["tolerations"] = copy.deepcopy(tolerations)
        given = spec.get("tolerations")
        pod_spec(spec)
        assert spec["tolerations"] == _plain(copy.deepcopy(tolerations)), tolerations
        if given is not None:
            assert given == tolerations   # the caller's list is never written into


def test_pods_without_tolerations_share_one_list_and_its_output():
    store = Store(clock=lambda: 0, seed=1)
    pods = [store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"p{i}"},
                          "spec": {"containers": [{"name": "c", "image": "nginx"}]}}) for i in range(3)]
    first = pods[0]["spec"]["tolerations"]
    assert all(p["spec"]["tolerations"] is first for p in pods)
    assert first == _plain(None)
    other = Store(clock=lambda: 0, seed=1).create(
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "q"},
         "spec": {"containers": [{"name": "c", "image": "nginx"}], "tolerations": [{"key": "spot",
                                                                                    "operator": "Exists"}]}})
    assert other["spec"]["tolerations"] == _plain([{"key": "spot", "operator": "Exists"}])
    assert other["spec"]["tolerations"] is not first
    assert first == _plain(None)   # nothing wrote into the shared list
