"""Listening sockets of a namespace: where the packet walk delivers local traffic.

A registry of ``(proto, addr, port)`` bindings; ``0.0.0.0`` is the wildcard. Binding an
address that clashes (same proto and port, and the same address or either one the
wildcard) fails with ``Address already in use`` as bind(2) does.

>>> s = Sockets()
>>> s.bind("tcp", "0.0.0.0", 80, owner="nginx")
('tcp', '0.0.0.0', 80)
>>> s.lookup("tcp", "10.244.1.2", 80)
'nginx'
"""

from __future__ import annotations

import functools

from k8slab.linux.errors import SocketError
from k8slab.linux.ipv4 import canonical_ip

WILDCARD = "0.0.0.0"
# One string object per protocol name for every binding's key (``str.lower`` makes a new one).
_PROTOS = {p: p for p in ("tcp", "udp", "sctp")}


class Sockets:
    """Bound sockets: ``(proto, addr, port) -> owner`` (any object: a process name, a handler)."""

    __slots__ = ("_bound",)

    def __init__(self) -> None:
        self._bound: dict[tuple[str, str, int], object] = {}

    def __iter__(self):
        return iter(list(self._bound))

    def __len__(self) -> int:
        return len(self._bound)

    def bind(self, proto: str, addr: str, port: int, owner: object = True) -> tuple[str, str, int]:
        proto, addr = proto.lower(), canonical_ip(addr)
        proto = _PROTOS.get(proto, proto)
        for p, a, n in self._bound:
            if p == proto and n == port and (a == addr or WILDCARD in (a, addr)):
                raise SocketError("EADDRINUSE", "Address already in use")
        key = _key(proto, addr, int(port))
        self._bound[key] = owner
        return key

    def unbind(self, proto: str, addr: str, port: int) -> None:
        self._bound.pop((proto.lower(), canonical_ip(addr), int(port)), None)

    def lookup(self, proto: str, addr: str, port: int) -> object | None:
        """The owner of the socket a packet to ``addr:port`` reaches (exact before wildcard)."""
        proto = proto.lower()
        owner = self._bound.get((proto, str(addr), int(port)))
        if owner is None:
            owner = self._bound.get((proto, WILDCARD, int(port)))
        return owner


@functools.lru_cache(maxsize=1024)
def _key(proto: str, addr: str, port: int) -> tuple[str, str, int]:
    """One tuple for each distinct binding, shared by every namespace holding it (an immutable
    value): each pod of an image binds the same ``(proto, "0.0.0.0", port)``."""
    return proto, addr, port
