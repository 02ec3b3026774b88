"""The control-loop pattern every component follows, as Kubernetes builds them.

A controller watches some resources in the store; each event puts a key (usually
``(namespace, name)`` of the object to look at) on the controller's work queue; ``reconcile(key)``
then compares what the objects ask for with what exists and acts. Nothing runs on threads:
the cluster delivers events and drains the queues, in a fixed order, until nothing changes
(:meth:`Controllers.settle`). The same inputs therefore always give the same cluster.

>>> class Echo(Controller):
...     resources = ("pods",)
...     def reconcile(self, key):
...         self.seen.append(key)
>>> from k8slab.api.store import Store
>>> store = Store(clock=lambda: 0, dispatch="manual")
>>> loop = Controllers(store)
>>> echo = loop.add(Echo())
>>> echo.seen = []
>>> _ = store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"},
...                   "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
>>> _ = loop.settle(); echo.seen
[('default', 'x')]
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable
from heapq import heappop, heappush


class Controller:
    """Base class: set ``resources`` (what to watch) and write ``reconcile(key)``.

    ``key_for(event)`` turns a watch event into the key to reconcile (None: ignore it);
    by default the object's ``(namespace, name)``. ``resync()`` runs when the virtual clock
    moves, for controllers whose work depends on time (probes, timeouts)."""

    name: str = ""
    resources: tuple[str, ...] = ()
    field: tuple[str, str] | None = None   # a field selector for every watch (the kubelet's spec.nodeName)
    # Watched resources whose events come through what start() opened (a shared informer's
    # handlers), not through a watch of the controller's own.
    shared: tuple[str, ...] = ()

    def __init__(self) -> None:
        self.queue: deque = deque()
        self.queued: set = set()
        self.store = None
        self.loop: Controllers | None = None
        self.order = -1           # its place in the loop's fixed order (set by Controllers.add)
        self.scheduled = False    # on the loop's list of controllers with work

    def key_for(self, event) -> Hashable | None:
        meta = event.object.get("metadata", {})
        return (meta.get("namespace", ""), meta.get("name"))

    def on_event(self, event) -> None:
        key = self.key_for(event)
        if key is not None:
            self.enqueue(key)

    def enqueue(self, key: Hashable) -> None:
        if key not in self.queued:
            self.queued.add(key)
            self.queue.append(key)
            if not self.scheduled and self.loop is not None:
                self.loop.schedule(self)

    def reconcile(self, key: Hashable) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def start(self) -> None:
        """Called when the controller joins a loop (``store`` set), before its watches start: the
        place to open what it reads besides its own watches (a shared cache). Default: nothing."""

    def stop(self) -> None:
        """Called when the controller leaves its loop, after its watches stopped: undo what
        :meth:`start` opened. Default: nothing."""

    def resync(self, now: float) -> None:
        """Called after the clock moved; default: nothing."""

    def poll(self) -> None:
        """Called when the loop is otherwise quiet: a daemon's look at state that is not in the API
        (a file appearing, a device changing); it may enqueue work. Default: nothing."""


class Controllers:
    """The set of running controllers over one store, and the loop that settles them."""

    def __init__(self, store) -> None:
        self.store = store
        self.controllers: list[Controller] = []
        # A heap of the orders of the controllers with work queued (ints compare cheaply), and the
        # controller of each order (None once removed: a removed controller is not kept).
        self.ready: list[int] = []
        self.by_order: list[Controller | None] = []
        self.added = 0

    def add(self, controller: Controller) -> Controller:
        controller.store = self.store
        controller.loop = self
        controller.order, self.added = self.added, self.added + 1
        self.by_order.append(controller)
        controller.scheduled = False
        self.controllers.append(controller)
        controller.start()
        for resource in controller.resources:
            if resource in controller.shared:
                continue
            self.store.watch(controller.on_event, resource=resource, send_initial=True, field=controller.field)
        if controller.queue:
            self.schedule(controller)
        return controller

    def schedule(self, controller: Controller) -> None:
        """Note that ``controller`` has work (its queue is not empty): :meth:`settle` visits only
        those, in the fixed order, so a quiet controller costs nothing however many there are (a
        5,000-node cluster runs some 15,000)."""
        controller.scheduled = True
        heappush(self.ready, controller.order)

    def remove(self, controller: Controller) -> None:
        """Stop a controller (a component that was shut down: e.g. kube-proxy stopped on a node)."""
        self.controllers.remove(controller)
        controller.loop = None
        if 0 <= controller.order < len(self.by_order) and self.by_order[controller.order] is controller:
            self.by_order[controller.order] = None
        for w in list(self.store._watches):
            if getattr(w.handler, "__self__", None) is controller:
                w.stop()
        controller.stop()

    def settle(self, floor: int = 100_000, per_object: int = 100) -> int:
        """Deliver events and reconcile until no controller has work; returns the reconciles run.

        A guard against livelock (controllers undoing each other's writes, or one requeueing itself
        for ever): in one settle, a controller may run ``floor`` reconciles, or ``per_object`` for each
        object of the resources it watches if that is more. Legitimate work grows with what a
        controller watches (a node's kindnet looks at every Node, the scheduler at every pod), so a
        big cluster is never stopped, while a loop that never ends is, soon after its first
        controller has looked at each of its objects ``per_object`` times."""
        done = 0
        runs: dict[int, int] = {}
        budget: dict[int, int] = {}
        ready, by_order = self.ready, self.by_order
        while True:
            self.store.dispatch()
            worked = False
            # One round: the controllers with work in their fixed order. One that gets work after its
            # turn (a later controller wrote something it watches) waits for the next round.
            pos, later = -1, []
            try:
                while ready:
                    order = heappop(ready)
                    c = by_order[order]
                    if c is None:   # removed meanwhile
                        continue
                    if order <= pos:
                        later.append(order)
                        continue
                    pos = order
                    n, cap = runs.get(id(c), 0), budget.get(id(c), floor)
                    while c.queue:
                        key = c.queue.popleft()
                        c.queued.discard(key)
                        c.reconcile(key)
                        n += 1
                        if n > cap:   # past its budget: the store may have grown since it was set
                            cap = budget[id(c)] = max(floor, per_object * self._watched(c))
                            if n > cap:
                                raise RuntimeError(f"controllers did not settle after {done + 1} reconciles "
                                                   f"({n} by {c.name or type(c).__name__})")
                        done += 1
                        worked = True
                    runs[id(c)] = n
                    c.scheduled = False
                    self.store.dispatch()
            except BaseException:   # a reconcile failed: the controller keeps what is left of its queue
                if c is not None and c.scheduled:
                    if c.queue and c.loop is self:
                        heappush(ready, c.order)
                    else:
                        c.scheduled = False
                raise
            finally:
                for item in later:
                    heappush(ready, item)
            if not worked and not self.store.pending():
                for c in list(self.controllers):
                    c.poll()
                self.store.dispatch()
                if not ready and not self.store.pending():
                    return done

    def _watched(self, c: Controller) -> int:
        """How many objects the resources ``c`` watches hold now (its field selector aside)."""
        return sum(self.store.count(r) for r in c.resources)

    def resync(self, now: float) -> None:
        for c in list(self.controllers):
            c.resync(now)
