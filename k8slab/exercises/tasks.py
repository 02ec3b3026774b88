"""Probes for cluster tasks: ask the data plane, the way ``curl`` or ``ping`` would.

A probe sends packets with ``cluster.trace(...)`` and reads only what the walk saw (verdict,
endpoint, reply, the namespaces it crossed). It never decides from API objects (a Service's
selector, a pod's phase): a task is done when traffic works, not when the YAML looks right.

>>> import k8slab
>>> c = k8slab.kind(workers=2)
>>> reach(c, "pod/a", "pod/b", 80)
Probe(ok=False, code='no-source', detail='pods "a" not found')
"""

from __future__ import annotations

from k8slab.exercises.model import Probe


def failure_code(verdict: str, reason: str) -> str:
    """A short name for why a packet did not get through (``refused``, ``mtu``, ``unreachable``...)."""
    low = reason.lower()
    if "message too long" in low or "fragmentation" in low:
        return "mtu"
    if "refused" in low:
        return "refused"
    if "unreachable" in low or "no route" in low:
        return "unreachable"
    if "timed out" in low or verdict == "dropped":
        return "dropped"
    return verdict or "failed"


def reach(cluster, src: str, dst: str, port: int | None = 80, *, proto: str = "tcp", size: int = 0,
          through: tuple[str, ...] = (), namespace: str = "default") -> Probe:
    """Whether ``src`` reaches ``dst`` on ``port`` and gets the answer back.

    ``through``: names (nodes, ``pod/NAME``) the packet must cross, e.g. both nodes for a
    cross-node task (code ``path`` otherwise). ``size``: payload bytes (DF set), for MTU checks."""
    try:
        cluster.netns_of(src, namespace)
    except LookupError as e:
        return Probe(False, "no-source", str(e).strip("'\""))
    try:
        cluster.address_of(dst, namespace)
    except Exception as e:  # store lookups raise the API's NotFound
        return Probe(False, "no-destination", _message(e))
    try:
        t = cluster.trace(src, dst, port, proto=proto, namespace=namespace, size=size)
    except Exception as e:
        return Probe(False, "error", _message(e))
    if t.verdict != "delivered":
        return Probe(False, failure_code(t.verdict, t.reason), f"{t.verdict}: {t.reason}")
    if port is not None and t.endpoint is not None and not t.endpoint.endswith(f":{port}"):
        return Probe(False, "wrong-endpoint", f"delivered to {t.endpoint}, not to port {port}")
    reply = t.reply
    if reply is None or reply.verdict != "delivered":
        why = reply.reason if reply is not None else "no answer came back"
        return Probe(False, "no-reply", f"the packet arrived but the answer did not get back: {why}")
    if "sender got ICMP" in reply.reason or "Connection refused" in reply.reason:
        return Probe(False, failure_code("rejected", reply.reason), reply.reason)
    places = {t.where(h) for h in t.hops}
    missing = [p for p in through if p not in places]
    if missing:
        return Probe(False, "path", f"the packet never crossed {', '.join(missing)}")
    return Probe(True, "", f"{src} reached {t.endpoint or dst} and got the answer back")


def _message(e: Exception) -> str:
    text = str(e).strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1]
    return text or type(e).__name__
