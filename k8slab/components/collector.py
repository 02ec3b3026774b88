"""Python's cycle collector, paused while the simulation makes objects by the million.

Building a cluster, settling it and a kube-proxy sync at scale make objects by the million
(pods, namespaces, rules), almost none of them garbage; the collector would otherwise scan the
growing heap over and over. It runs as usual again afterwards. When more than
:data:`FREEZE_AFTER` objects were made meanwhile (a cluster of hundreds of nodes, thousands of
pods) they are first moved out of its sight (``gc.freeze``): its next pass would scan them all
once more (a second at 30,000 pods) to find next to nothing. A cycle among them that later
becomes garbage then stays in memory rather than being collected. Nested uses pause once; a
collector the user turned off stays off.

>>> import gc
>>> with collector_paused():
...     gc.isenabled()
False
>>> gc.isenabled()
True
"""

from __future__ import annotations

import gc
from contextlib import contextmanager

FREEZE_AFTER = 200_000  # objects made while paused, past which they are frozen out of the collector's sight


@contextmanager
def collector_paused():
    """The cycle collector off for the ``with`` block (see the module docstring)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if gc.get_count()[0] > FREEZE_AFTER:
                gc.freeze()
            gc.enable()
