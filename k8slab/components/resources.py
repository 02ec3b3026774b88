"""Resource quantities and a pod's requests, as the scheduler and kubelet count them.

>>> parse_quantity("100m", milli=True), parse_quantity("1.5", milli=True), parse_quantity("128Mi")
(100, 1500, 134217728)
>>> pod_requests({"containers": [{"name": "a", "resources": {"requests": {"cpu": "250m"}}}, {"name": "b"}]})
PodRequests(cpu=250, memory=0, ephemeral=0, nonzero_cpu=350, nonzero_memory=419430400, scalars={})
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

# pkg/scheduler/util: the requests the scheduler assumes for a container that states none.
DEFAULT_MILLI_CPU_REQUEST = 100
DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024

_SUFFIX = {"": 1, "n": Decimal("1e-9"), "u": Decimal("1e-6"), "m": Decimal("1e-3"), "k": 10**3, "M": 10**6,
           "G": 10**9, "T": 10**12, "P": 10**15, "E": 10**18, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40,
           "Pi": 2**50, "Ei": 2**60}
_QUANTITY = re.compile(r"^([+-]?[0-9.]+)([eE][+-]?[0-9]+|[KMGTPE]i|[numkMGTPE]?)$")
_cache: dict = {}


class QuantityError(ValueError):
    """Not a resource quantity (the apiserver's validation would have refused it)."""


def parse_quantity(text, milli: bool = False) -> int:
    """A quantity's ``Value()`` (rounded up), or ``MilliValue()`` with ``milli=True``."""
    key = (text, milli)
    hit = _cache.get(key)
    if hit is not None:
        return hit
    if isinstance(text, (int, float)):
        value = Decimal(str(text))
    else:
        m = _QUANTITY.match(str(text).strip())
        if not m:
            raise QuantityError(f"quantities must match the regular expression "
                                f"'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': {text!r}")
        try:
            num = Decimal(m.group(1))
        except InvalidOperation:
            raise QuantityError(f"invalid quantity {text!r}") from None
        suffix = m.group(2)
        if suffix[:1] in ("e", "E"):
            value = num * (Decimal(10) ** int(suffix[1:]))
        else:
            value = num * Decimal(_SUFFIX[suffix])
    if milli:
        value *= 1000
    result = int(math.ceil(value))
    if len(_cache) < 10_000:
        _cache[key] = result
    return result


@dataclass
class PodRequests:
    """What a pod asks of a node: cpu in millicores, memory and ephemeral storage in bytes, the
    non-zero cpu/memory the scheduler's scoring uses, and extended resources."""

    cpu: int = 0
    memory: int = 0
    ephemeral: int = 0
    nonzero_cpu: int = 0
    nonzero_memory: int = 0
    scalars: dict = field(default_factory=dict)


def _container_requests(c: dict) -> dict:
    res = c.get("resources") or {}
    req = dict(res.get("limits") or {})   # a limit without a request defaults the request to it
    req.update(res.get("requests") or {})
    return req


def _add(acc: dict, req: dict, nonzero: bool) -> None:
    for name, q in req.items():
        if name == "cpu":
            acc["cpu"] = acc.get("cpu", 0) + parse_quantity(q, milli=True)
        else:
            acc[name] = acc.get(name, 0) + parse_quantity(q)
    if nonzero:
        acc["nz_cpu"] = acc.get("nz_cpu", 0) + (parse_quantity(req["cpu"], milli=True) if "cpu" in req
                                                 else DEFAULT_MILLI_CPU_REQUEST)
        acc["nz_memory"] = acc.get("nz_memory", 0) + (parse_quantity(req["memory"]) if "memory" in req
                                                       else DEFAULT_MEMORY_REQUEST)


def pod_requests(spec: dict) -> PodRequests:
    """``resource.PodRequests``: the sum over containers (and restartable init containers, the
    sidecars), at least the largest regular init container, plus the pod overhead."""
    total: dict = {}
    sidecars: dict = {}
    for c in spec.get("containers") or []:
        _add(total, _container_requests(c), True)
    init_max: dict = {}
    for c in spec.get("initContainers") or []:
        req = _container_requests(c)
        if c.get("restartPolicy") == "Always":
            _add(total, req, True)
            _add(sidecars, req, True)
            continue
        one: dict = {}
        _add(one, req, True)
        for k in set(one) | set(sidecars):  # a regular init container runs beside the sidecars started before it
            one[k] = one.get(k, 0) + sidecars.get(k, 0)
        for k, v in one.items():
            init_max[k] = max(init_max.get(k, 0), v)
    for k, v in init_max.items():
        total[k] = max(total.get(k, 0), v)
    for name, q in (spec.get("overhead") or {}).items():
        v = parse_quantity(q, milli=(name == "cpu"))
        total[name] = total.get(name, 0) + v
        if name in ("cpu", "memory"):
            total["nz_" + name] = total.get("nz_" + name, 0) + v
    scalars = {k: v for k, v in total.items()
               if k not in ("cpu", "memory", "ephemeral-storage", "nz_cpu", "nz_memory", "pods")}
    return PodRequests(total.get("cpu", 0), total.get("memory", 0), total.get("ephemeral-storage", 0),
                       total.get("nz_cpu", 0), total.get("nz_memory", 0), scalars)
