"""The scheduler's memo of a pod's shape (tolerations, nodeSelector, affinity as text, and whether
they name nodes; kept by ``Scheduler._view`` with what the pod asks): the same as working it out
each time, for shared parts, equal but distinct parts, absent ones and past the memo's size."""

from k8slab.components.scheduler import Scheduler, _references_node_identity, _shape

CONTAINERS = [{"name": "c", "image": "nginx"}]


def _memo(sched, tolerations, node_selector, affinity):
    spec = {"containers": CONTAINERS, "tolerations": tolerations, "nodeSelector": node_selector,
            "affinity": affinity}
    return sched._view(spec)[1:]

PARTS = [
    (None, None, None),
    ([], None, None),
    ([{"key": "a", "operator": "Exists"}], None, None),
    ([{"key": "a", "operator": "Exists"}], {"disk": "ssd"}, None),
    (None, {"disk": "ssd"}, {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [{"matchExpressions": [{"key": "z", "operator": "In", "values": ["1"]}]}]}}}),
    ([{"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists",
       "tolerationSeconds": 300}], {}, {}),
    (None, {"kubernetes.io/hostname": "kind-worker"}, None),
    (None, None, {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": 1, "preference": {"matchFields": [{"key": "metadata.name", "operator": "In",
                                                      "values": ["kind-worker"]}]}}]}}),
    (None, None, {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [{"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "Exists"}]}]}}}),
]


def _plain(tolerations, node_selector, affinity):
    spec = {"tolerations": tolerations, "nodeSelector": node_selector, "affinity": affinity}
    return (repr(tolerations or []), repr(node_selector), repr(affinity)), _references_node_identity(spec)


def test_parts_include_both_answers():
    assert {_plain(*parts)[1] for parts in PARTS} == {True, False}


def test_shape_memo_gives_what_repr_gives():
    sched = Scheduler()
    for _ in range(3):   # first, then from the memo
        for parts in PARTS:
            assert _shape(*parts) == _memo(sched, *parts) == _plain(*parts)
    for parts in PARTS:   # equal parts in distinct objects
        copies = tuple(eval(repr(p)) for p in parts)
        assert _memo(sched, *copies) == _plain(*parts)


def test_shape_memo_past_its_size():
    sched = Scheduler()
    made = [([{"key": f"k{i}", "operator": "Exists"}], {"n": str(i)}, None) for i in range(5000)]
    for parts in made:
        assert _memo(sched, *parts) == _plain(*parts)
    assert len(sched._views) <= 4096
    for parts in made[::97]:
        assert _memo(sched, *parts) == _plain(*parts)
