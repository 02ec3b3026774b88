"""IPv4 addresses and prefixes as plain ints: the data plane's fast path.

The kernel keeps addresses as 32-bit numbers; so do the routing tables and address indexes
here. Parsing a dotted quad with :mod:`ipaddress` costs a few microseconds and an
``IPv4Network`` a few hundred bytes, and every pod adds a dozen of each. These helpers accept
the canonical spellings (``10.244.1.2``, ``10.244.1.0/24``) through a regular expression and
:func:`socket.inet_aton`, and hand anything else to :mod:`ipaddress`, so what is accepted,
what it means and the ``ValueError`` raised for garbage are exactly :mod:`ipaddress`'s.

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
import re
import socket
from ipaddress import IPv4Address, IPv4Interface, IPv4Network

_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
# Canonical forms only: no leading zeros, a decimal prefix length 0..32 without leading zeros.
_is_quad = re.compile(rf"{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}", re.ASCII).fullmatch
_is_cidr = re.compile(rf"({_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET})(?:/(3[0-2]|[12][0-9]|[0-9]))?",
                      re.ASCII).fullmatch
_aton = socket.inet_aton
_ntoa = socket.inet_ntoa
_from_bytes = int.from_bytes
ALL_ONES = 0xFFFFFFFF
MASKS = tuple((ALL_ONES << (32 - n)) & ALL_ONES for n in range(33))  # prefix length -> netmask


def parse_ip(value: str | int | IPv4Address) -> int:
    """A dotted quad (or an ``IPv4Address``, or an int) -> its 32-bit number."""
    if type(value) is str and _is_quad(value):
        return _from_bytes(_aton(value), "big")
    if type(value) is int and 0 <= value <= ALL_ONES:
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
    if type(value) is str and _is_quad(value):
        return value
    return str(IPv4Address(value))


def parse_prefix(value: str, strict: bool = True) -> tuple[int, int]:
    """``A.B.C.D[/N]`` -> (network as int, prefix length), as ``IPv4Network(value, strict)``
    reads it: strict, host bits set is a ``ValueError``; otherwise they are masked off."""
    m = _is_cidr(value) if type(value) is str else None
    if m is not None:
        plen = 32 if m.group(2) is None else int(m.group(2))
        ip = _from_bytes(_aton(m.group(1)), "big")
        if not ip & ~MASKS[plen] & ALL_ONES:
            return ip, plen
        if not strict:
            return ip & MASKS[plen], plen
    net = IPv4Network(value, strict=strict)
    return int(net.network_address), net.prefixlen


def parse_interface(value: str) -> tuple[int, int]:
    """``A.B.C.D/N`` -> (address as int, prefix length), as ``IPv4Interface(value)`` reads it."""
    m = _is_cidr(value) if type(value) is str else None
    if m is not None:
        return _from_bytes(_aton(m.group(1)), "big"), 32 if m.group(2) is None else int(m.group(2))
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
