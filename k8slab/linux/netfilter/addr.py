"""IPv4 address helpers: dotted quads as integers, with a cache (rules compare integers)."""

from __future__ import annotations

from .errors import NetfilterError

_CACHE: dict[str, int] = {}


def ip_to_int(addr: str) -> int:
    """'10.0.0.1' -> 167772161. Raises ValueError on anything that is not a dotted quad."""
    v = _CACHE.get(addr)
    if v is not None:
        return v
    parts = addr.split(".")
    if len(parts) != 4:
        raise ValueError(addr)
    v = 0
    for p in parts:
        if not p.isdecimal() or len(p) > 3:
            raise ValueError(addr)
        n = int(p)
        if n > 255:
            raise ValueError(addr)
        v = (v << 8) | n
    if len(_CACHE) < 1_000_000:
        _CACHE[addr] = v
    return v


def int_to_ip(v: int) -> str:
    return f"{(v >> 24) & 255}.{(v >> 16) & 255}.{(v >> 8) & 255}.{v & 255}"


def prefix_to_mask(plen: int) -> int:
    return (0xFFFFFFFF << (32 - plen)) & 0xFFFFFFFF if plen else 0


def mask_to_prefix(mask: int) -> int | None:
    """The prefix length of a contiguous mask, None if the mask has holes."""
    plen = bin(mask).count("1")
    return plen if prefix_to_mask(plen) == mask else None


def parse_network(text: str) -> tuple[int, int]:
    """'10.0.0.0/8', '10.1.2.3' (/32) or '10.0.0.1/255.255.0.0' -> (network, mask), masked as iptables
    does. Errors carry iptables' wording."""
    if "/" in text:
        host, m = text.split("/", 1)
        if m.isdecimal():
            plen = int(m)
            if plen > 32:
                raise NetfilterError(f"invalid mask `{m}' specified")
            mask = prefix_to_mask(plen)
        else:
            try:
                mask = ip_to_int(m)
            except ValueError:
                raise NetfilterError(f"invalid mask `{m}' specified") from None
    else:
        host, mask = text, 0xFFFFFFFF
    try:
        net = ip_to_int(host)
    except ValueError:
        raise NetfilterError(f"host/network `{host}' not found") from None
    return net & mask, mask


def format_network(net: int, mask: int, bare_host: bool = False) -> str:
    """As iptables prints it: '10.0.0.0/8', '10.1.2.3/32' (or bare '10.1.2.3' in ``-L``)."""
    plen = mask_to_prefix(mask)
    if plen == 32 and bare_host:
        return int_to_ip(net)
    if plen is None:
        return f"{int_to_ip(net)}/{int_to_ip(mask)}"
    return f"{int_to_ip(net)}/{plen}"
