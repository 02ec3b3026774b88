"""Sockets share one key tuple for each distinct binding (sockets._key), and behave as a plain
registry of (proto, addr, port) -> owner would."""

import random

import pytest

from k8slab.linux.errors import SocketError
from k8slab.linux.sockets import WILDCARD, Sockets


def test_equal_bindings_share_one_key():
    a, b = Sockets(), Sockets()
    ka = a.bind("TCP", "0.0.0.0", 80, "web")
    kb = b.bind("tcp", "0.0.0.0", "80", "web")
    assert ka == ("tcp", "0.0.0.0", 80) and ka is kb
    assert next(iter(a)) is next(iter(b))
    assert a.bind("udp", "10.0.0.1", 53) is not b.bind("udp", "10.0.0.2", 53)


def test_random_binds_match_a_plain_registry():
    rng = random.Random(7)
    spaces = [(Sockets(), {}) for _ in range(4)]
    for step in range(3000):
        s, ref = rng.choice(spaces)
        proto = rng.choice(["tcp", "TCP", "udp", "sctp"])
        addr = rng.choice([WILDCARD, "10.0.0.1", "10.0.0.2"])
        port = rng.choice([53, 80, 8080])
        if rng.random() < 0.6:
            p = proto.lower()
            clash = any(k[0] == p and k[2] == port and (k[1] == addr or WILDCARD in (k[1], addr))
                        for k in ref)
            if clash:
                with pytest.raises(SocketError):
                    s.bind(proto, addr, port, step)
            else:
                assert s.bind(proto, addr, port, step) == (p, addr, port)
                ref[(p, addr, port)] = step
        else:
            s.unbind(proto, addr, port)
            ref.pop((proto.lower(), addr, port), None)
        assert dict.fromkeys(s) == dict.fromkeys(ref) and len(s) == len(ref)
        for p in ("tcp", "udp", "sctp"):
            for dst in ("10.0.0.1", "10.0.0.2"):
                want = ref.get((p, dst, port), ref.get((p, WILDCARD, port)))
                assert s.lookup(p, dst, port) == want
