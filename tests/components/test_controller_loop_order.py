"""The settle loop's heap of controller orders (Controllers.ready, by_order) runs the controllers
exactly as a plain scan does: in each round, the next controller in the fixed order with work and
after the last one run, round after round, through random chains of work, controllers removed
(also while their work is queued, or during a settle) and added again."""

from __future__ import annotations

import random

from k8slab.api.store import Store
from k8slab.components.controller import Controller, Controllers


class Scan(Controllers):
    """The loop's rule worked out by looking at every controller (no heap)."""

    def schedule(self, controller: Controller) -> None:
        controller.scheduled = True

    def settle(self, floor: int = 100_000, per_object: int = 100) -> int:
        done = 0
        while True:
            self.store.dispatch()
            pos, worked = -1, False
            while True:
                c = next((c for c in self.controllers if c.queue and c.order > pos), None)
                if c is None:
                    break
                pos = c.order
                while c.queue:
                    key = c.queue.popleft()
                    c.queued.discard(key)
                    c.reconcile(key)
                    done += 1
                    worked = True
                c.scheduled = False
                self.store.dispatch()
            if not worked:
                return done


class Worker(Controller):
    """Reconciling ``(depth, n)`` logs it and, as a seeded draw says, gives others work of less
    depth, or removes or adds back a controller."""

    def __init__(self, name: str, world: dict) -> None:
        super().__init__()
        self.name, self.world = name, world

    def reconcile(self, key) -> None:
        w = self.world
        w["log"].append((self.name, key))
        depth, n = key
        rng = random.Random(f"{w['seed']}/{self.name}/{depth}/{n}")
        if depth <= 0:
            return
        for _ in range(rng.randrange(4)):
            other = rng.choice(w["workers"])
            other.enqueue((depth - 1, rng.randrange(6)))
        r = rng.random()
        if r < 0.15:
            victim = rng.choice(w["workers"])
            if victim.loop is not None:
                victim.loop.remove(victim)
        elif r < 0.3:
            back = rng.choice(w["workers"])
            if back.loop is None:
                w["loop"].add(back)


def _run(loop_class, seed: int) -> list:
    rng = random.Random(seed)
    loop = loop_class(Store(clock=lambda: 0, dispatch="manual"))
    world: dict = {"log": [], "seed": seed, "loop": loop}
    world["workers"] = [Worker(f"w{i}", world) for i in range(7)]
    for w in world["workers"]:
        loop.add(w)
    for _ in range(6):
        for _ in range(rng.randrange(1, 5)):
            rng.choice(world["workers"]).enqueue((rng.randrange(4), rng.randrange(6)))
        for w in world["workers"]:
            r = rng.random()
            if r < 0.1 and w.loop is not None:
                loop.remove(w)
            elif r < 0.3 and w.loop is None:
                loop.add(w)
        world["log"].append(("settled", loop.settle()))
        world["log"].append(("queues", [list(w.queue) for w in world["workers"]]))
    return world["log"]


def test_the_heap_runs_controllers_as_a_scan_does():
    removed_with_work = 0
    for seed in range(60):
        got, want = _run(Controllers, seed), _run(Scan, seed)
        assert got == want, seed
        removed_with_work += any(q for entry in got if entry[0] == "queues" for q in entry[1])
    assert removed_with_work > 5   # the draws do leave removed controllers holding work
