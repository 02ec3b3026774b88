"""The settle loop visits only controllers with work, in their fixed order, round by round."""

import pytest

from k8slab.api.store import Store
from k8slab.components.controller import Controller, Controllers


class Logger(Controller):
    """Logs its reconciles; ``then`` maps a key to (controller, key) pairs to enqueue on reconcile."""

    def __init__(self, name: str, log: list, fail_on=None) -> None:
        super().__init__()
        self.name, self.log, self.then, self.fail_on = name, log, {}, fail_on

    def reconcile(self, key) -> None:
        if key == self.fail_on:
            self.fail_on = None
            raise ValueError(f"{self.name} failed on {key}")
        self.log.append((self.name, key))
        for other, k in self.then.get(key, ()):
            other.enqueue(k)


def _loop(n: int, log: list):
    loop = Controllers(Store(clock=lambda: 0, dispatch="manual"))
    return loop, [loop.add(Logger(chr(ord("a") + i), log)) for i in range(n)]


def test_rounds_keep_the_fixed_order():
    log: list = []
    loop, (a, b, c, d) = _loop(4, log)
    # c's work gives a (before it: next round) and d (after it: this round) work
    c.then[1] = [(a, 2), (d, 3)]
    d.then[3] = [(b, 4), (d, 5)]   # b waits for the next round; d's own new key runs in its turn
    c.enqueue(1)
    a.enqueue(0)
    assert loop.settle() == 6
    assert log == [("a", 0), ("c", 1), ("d", 3), ("d", 5), ("a", 2), ("b", 4)]
    assert loop.ready == [] and not any(x.scheduled for x in (a, b, c, d))


def test_a_failed_reconcile_leaves_the_rest_for_the_next_settle():
    log: list = []
    loop, (a, b) = _loop(2, log)
    a.fail_on = 1
    a.enqueue(1)
    a.enqueue(2)
    b.enqueue(3)
    with pytest.raises(ValueError, match="a failed on 1"):
        loop.settle()
    assert log == []
    assert loop.settle() == 2
    assert log == [("a", 2), ("b", 3)]


def test_a_removed_controller_is_not_run():
    log: list = []
    loop, (a, b) = _loop(2, log)
    a.enqueue(1)
    b.enqueue(2)
    loop.remove(a)
    assert loop.settle() == 1
    assert log == [("b", 2)]
    a.enqueue(3)   # outside any loop now: queued, never run
    assert loop.settle() == 0 and list(a.queue) == [1, 3]


def test_work_queued_before_joining_a_loop_is_run():
    log: list = []
    loop, (a,) = _loop(1, log)
    late = Logger("late", log)
    late.enqueue("k")
    loop.add(late)
    assert loop.settle() == 1 and log == [("late", "k")]


def test_a_big_settle_freezes_what_it_made(monkeypatch):
    import gc

    import k8slab
    from k8slab.components import collector

    monkeypatch.setattr(collector, "FREEZE_AFTER", 1_000)
    before = gc.get_freeze_count()
    c = k8slab.kind(workers=1)   # building it froze what it made
    assert gc.get_freeze_count() > before + 1_000 and gc.isenabled()
    before = gc.get_freeze_count()
    # 100 pods: their settle leaves several thousand new objects whatever the caches hold already
    # (20 left ~970 in the full suite's order, under the threshold: nothing was frozen)
    c.kubectl("create deployment web --image=nginx --replicas=100")
    assert gc.get_freeze_count() > before + 1_000
    assert gc.isenabled()
    gc.disable()   # a collector the user turned off stays off, and nothing is frozen
    try:
        frozen = gc.get_freeze_count()
        c.kubectl("scale deployment web --replicas=40")
        assert gc.get_freeze_count() <= frozen and not gc.isenabled()
    finally:
        gc.enable()
