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


def _bind_both(s, ref, proto, addr, port, owner):
    """Bind in ``s`` and in the plain registry ``ref`` (a clash must fail in ``s``)."""
    p = proto.lower()
    clash = any(k[0] == p and k[2] == port and (k[1] == addr or WILDCARD in (k[1], addr)) for k in ref)
    if clash:
        with pytest.raises(SocketError):
            s.bind(proto, addr, port, owner)
    else:
        assert s.bind(proto, addr, port, owner) == (p, addr, port)
        ref[(p, addr, port)] = owner


def test_random_binds_match_a_plain_registry():
    rng = random.Random(7)
    spaces = [(Sockets(), {}) for _ in range(4)]
    for step in range(3000):
        s, ref = rng.choice(spaces)
        proto = rng.choice(["tcp", "TCP", "udp", "sctp"])
        addr = rng.choice([WILDCARD, "10.0.0.1", "10.0.0.2"])
        port = rng.choice([53, 80, 8080])
        if rng.random() < 0.6:
            _bind_both(s, ref, proto, addr, port, step)
        else:
            s.unbind(proto, addr, port)
            ref.pop((proto.lower(), addr, port), None)
        assert dict.fromkeys(s) == dict.fromkeys(ref) and len(s) == len(ref)
        for p in ("tcp", "udp", "sctp"):
            for dst in ("10.0.0.1", "10.0.0.2"):
                want = ref.get((p, dst, port), ref.get((p, WILDCARD, port)))
                assert s.lookup(p, dst, port) == want


def test_few_bindings_without_a_dict_answer_as_a_plain_registry():
    """Fresh registries taking a few random binds, unbinds and lookups (the one-binding form
    and its change to a dict) answer as a plain dict would, owners None and False included."""
    rng = random.Random(12)
    for _ in range(1500):
        s, ref = Sockets(), {}
        for step in range(rng.randrange(1, 6)):
            proto = rng.choice(["tcp", "udp"])
            addr = rng.choice([WILDCARD, "10.0.0.1", "10.0.0.2"])
            port = rng.choice([53, 80])
            op = rng.random()
            if op < 0.5:
                _bind_both(s, ref, proto, addr, port, rng.choice([step, None, False, "web"]))
            elif op < 0.7:
                s.unbind(proto, addr, port)
                ref.pop((proto, addr, port), None)
            exact = ref.get((proto, addr, port))
            assert s.lookup(proto, addr, port) == (exact if exact is not None else ref.get((proto, WILDCARD, port)))
            assert list(s) == list(ref) and len(s) == len(ref)
