"""IPv4 addresses and prefixes as plain ints: the data plane's fast path.

The kernel keeps addresses as 32-bit numbers; so do the routing tables and address indexes
here. Parsing a dotted quad with :mod:`ipaddress` costs a few microseconds and an
``IPv4Network`` a few hundred bytes, and every pod adds a dozen of each. These helpers accept
the canonical spellings (``10.244.1.2``, ``10.244.1.0/24``) through :func:`socket.inet_aton`
(kept only when :func:`socket.inet_ntoa` spells its bytes back as given: it takes forms
:mod:`ipaddress` refuses, such as ``010.0.0.1`` or ``1.2.3``), and hand anything else to
:mod:`ipaddress`, so what is accepted, what it means and the ``ValueError`` raised for garbage
are exactly :mod:`ipaddress`'s.

>>> parse_ip("10.244.1.2") == int(IPv4Address("10.244.1.2"))
True
>>> parse_prefix("10.244.1.0/24"), parse_prefix("10.244.1.7/24", strict=False)
((183763200, 24), (183763200, 24))
>>> format_ip(parse_ip("10.0.0.1")), format_prefix(*parse_prefix("0.0.0.0/0"))
('10.0.0.1', '0.0.0.0/0')
>>> parse_ip("010.0.0.1")
Traceback (most recent call last):
ipaddress.AddressValueError: Leading zeros are not permitted in '010' in '010.0.0.1'
"""

from __future__ import annotations

import functools
import socket
from ipaddress import IPv4Address, IPv4Interface, IPv4Network

_aton = socket.inet_aton
_ntoa = socket.inet_ntoa
_from_bytes = int.from_bytes
ALL_ONES = 0xFFFFFFFF
MASKS = tuple((ALL_ONES << (32 - n)) & ALL_ONES for n in range(33))  # prefix length -> netmask
_PLENS = {str(n): n for n in range(33)}  # the canonical spellings of a prefix length


def _packed(text: str) -> bytes | None:
    """The 4 bytes of a canonical dotted quad (octets 0-255 without leading zeros), else None."""
    try:
        packed = _aton(text)
    except (OSError, ValueError):   # not an address, or a NUL or non-ASCII character in it
        return None
    return packed if _ntoa(packed) == text else None


def _cidr(text: str) -> tuple[int, int] | None:
    """(address as int, prefix length) of a canonical ``A.B.C.D`` or ``A.B.C.D/N``, else None."""
    quad, slash, plen_text = text.partition("/")
    plen = _PLENS.get(plen_text) if slash else 32
    if plen is None:
        return None
    packed = _packed(quad)
    return None if packed is None else (_from_bytes(packed, "big"), plen)


def parse_ip(value: str | int | IPv4Address) -> int:
    """A dotted quad (or an ``IPv4Address``, or an int) -> its 32-bit number."""
    if type(value) is str:
        packed = _packed(value)
        if packed is not None:
            return _from_bytes(packed, "big")
    elif type(value) is int and 0 <= value <= ALL_ONES:
        return value
    return int(IPv4Address(value))


@functools.lru_cache(maxsize=16384)
def shared_ip(n: int) -> IPv4Address:
    """The ``IPv4Address`` of the number ``n``, one object for everyone who asks (it is an
    immutable value): the same few recur in every pod (127.0.0.1 on its lo, its node's
    gateway as the ``via`` of its routes and on the node's end of its veth), each made once
    instead of twice a pod."""
    return IPv4Address(n)


def canonical_ip(value: str | IPv4Address) -> str:
    """``str(IPv4Address(value))`` without building one when ``value`` is already canonical."""
    if type(value) is str and _packed(value) is not None:
        return value
    return str(IPv4Address(value))


def parse_prefix(value: str, strict: bool = True) -> tuple[int, int]:
    """``A.B.C.D[/N]`` -> (network as int, prefix length), as ``IPv4Network(value, strict)``
    reads it: strict, host bits set is a ``ValueError``; otherwise they are masked off."""
    parsed = _cidr(value) if type(value) is str else None
    if parsed is not None:
        ip, plen = parsed
        if not ip & ~MASKS[plen] & ALL_ONES:
            return ip, plen
        if not strict:
            return ip & MASKS[plen], plen
    net = IPv4Network(value, strict=strict)
    return int(net.network_address), net.prefixlen


def parse_interface(value: str) -> tuple[int, int]:
    """``A.B.C.D/N`` -> (address as int, prefix length), as ``IPv4Interface(value)`` reads it."""
    parsed = _cidr(value) if type(value) is str else None
    if parsed is not None:
        return parsed
    iface = IPv4Interface(value)
    return int(iface.ip), iface.network.prefixlen


def format_ip(n: int) -> str:
    """32-bit number -> dotted quad (what ``str(IPv4Address(n))`` prints)."""
    return _ntoa(n.to_bytes(4, "big"))


def format_prefix(n: int, plen: int) -> str:
    return f"{_ntoa(n.to_bytes(4, 'big'))}/{plen}"


def network_of(ip: int, plen: int) -> int:
    return ip & MASKS[plen]


def broadcast_of(ip: int, plen: int) -> int:
    return ip | (~MASKS[plen] & ALL_ONES)


def in_prefix(ip: int, net: int, plen: int) -> bool:
    """Whether ``ip`` lies in ``net/plen``."""
    return ip & MASKS[plen] == net
