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
    """Bound sockets: ``(proto, addr, port) -> owner`` (any object: a process name, a handler).

    Until a second binding comes, ``_bound`` is not a dict but None (nothing bound) or the one
    binding's key, its owner in ``_owner``: a pod's namespace holds one socket (its app's), and
    a dict for it costs ~220 bytes."""

    __slots__ = ("_bound", "_owner")

    def __init__(self) -> None:
        self._bound: dict[tuple[str, str, int], object] | tuple[str, str, int] | None = None
        self._owner: object = None

    def _dict(self) -> dict[tuple[str, str, int], object]:
        """``_bound`` as the dict (made from the one binding, if any)."""
        bound = self._bound
        if type(bound) is not dict:
            bound = self._bound = {} if bound is None else {bound: self._owner}
            self._owner = None
        return bound

    def _keys(self):
        bound = self._bound
        return bound if type(bound) is dict else () if bound is None else (bound,)

    def __iter__(self):
        return iter(list(self._keys()))

    def __len__(self) -> int:
        return len(self._keys())

    def bind(self, proto: str, addr: str, port: int, owner: object = True) -> tuple[str, str, int]:
        proto, addr = proto.lower(), canonical_ip(addr)
        proto = _PROTOS.get(proto, proto)
        for p, a, n in self._keys():
            if p == proto and n == port and (a == addr or WILDCARD in (a, addr)):
                raise SocketError("EADDRINUSE", "Address already in use")
        key = _key(proto, addr, int(port))
        if self._bound is None:
            self._bound, self._owner = key, owner
        else:
            self._dict()[key] = owner
        return key

    def unbind(self, proto: str, addr: str, port: int) -> None:
        key = (proto.lower(), canonical_ip(addr), int(port))
        if type(self._bound) is dict:
            self._bound.pop(key, None)
        elif self._bound == key:
            self._bound = self._owner = None

    def lookup(self, proto: str, addr: str, port: int) -> object | None:
        """The owner of the socket a packet to ``addr:port`` reaches (exact before wildcard)."""
        proto, port = proto.lower(), int(port)
        bound, exact = self._bound, (proto, str(addr), port)
        if type(bound) is not dict:   # the one binding, if any: it is the exact one or the wildcard
            return self._owner if bound is not None and bound in (exact, (proto, WILDCARD, port)) else None
        owner = bound.get(exact)
        if owner is None:
            owner = bound.get((proto, WILDCARD, port))
        return owner


@functools.lru_cache(maxsize=1024)
def _key(proto: str, addr: str, port: int) -> tuple[str, str, int]:
    """One tuple for each distinct binding, shared by every namespace holding it (an immutable
    value): each pod of an image binds the same ``(proto, "0.0.0.0", port)``."""
    return proto, addr, port
