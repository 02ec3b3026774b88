"""The dotted-quad fast path (inet_aton kept only when inet_ntoa spells it back) takes exactly
the spellings ipaddress takes as canonical and means the same by them: random strings built
from the characters that matter (digits, dots, slashes, signs, spaces, letters inet_aton reads
as hex, a NUL, a non-ASCII digit), compared with ipaddress parser by parser."""

import random
from ipaddress import IPv4Address, IPv4Interface, IPv4Network

import pytest

from k8slab.linux.ipv4 import canonical_ip, parse_interface, parse_ip, parse_prefix

CHARS = "0123456789" * 3 + "..../ x+-\t\x00٣"
SLOW = {
    parse_ip: lambda t: int(IPv4Address(t)),
    canonical_ip: lambda t: str(IPv4Address(t)),
    parse_prefix: lambda t: (int(IPv4Network(t).network_address), IPv4Network(t).prefixlen),
    parse_interface: lambda t: (int(IPv4Interface(t).ip), IPv4Interface(t).network.prefixlen),
}


def _answer(f, text):
    try:
        return ("ok", f(text))
    except ValueError as e:
        return ("error", str(e))


def _spellings(rng):
    for _ in range(6000):
        kind = rng.random()
        if kind < 0.4:      # near-canonical: four numbers, now and then with a leading zero or too big
            parts = [str(rng.choice((0, 1, 9, 10, 99, 100, 255, 256, 999, rng.randrange(256)))) for _ in range(4)]
            if rng.random() < 0.2:
                parts[rng.randrange(4)] = "0" + parts[rng.randrange(4)]
            text = ".".join(parts[:rng.choice((3, 4, 4, 4, 5))] if rng.random() < 0.2 else parts)
            if rng.random() < 0.5:
                text += "/" + rng.choice(("0", "8", "24", "32", "33", "08", "", "-1", "+8", "1.0.0.0", "24 "))
        else:               # anything from the characters that matter
            text = "".join(rng.choice(CHARS) for _ in range(rng.randrange(0, 20)))
        yield text


@pytest.mark.parametrize("fast", list(SLOW), ids=lambda f: f.__name__)
def test_fast_parsers_agree_with_ipaddress_on_random_spellings(fast):
    rng = random.Random(fast.__name__)
    for text in _spellings(rng):
        assert _answer(fast, text) == _answer(SLOW[fast], text), repr(text)
