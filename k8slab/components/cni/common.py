"""What the main plugins share: making the veth pair and configuring the container side."""

from __future__ import annotations

import re
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from socket import inet_aton

from k8slab.components.cni.runtime import CNIError, Host, invoke
from k8slab.linux.link import veth_pair


def ipam_add(host: Host, env: dict, conf: dict) -> dict:
    """Run the IPAM plugin named in the config (as ``ipam.ExecAdd`` does) and parse its result."""
    ipam_type = conf.get("ipam", {}).get("type")
    if not ipam_type:
        raise CNIError("IPAM plugin returned missing IP config")
    result = invoke(host, ipam_type, env, conf)
    for ip in result.get("ips", []):
        ip.pop("version", None)
    if not result.get("ips"):
        raise CNIError("IPAM plugin returned missing IP config")
    return result


def ipam_del(host: Host, env: dict, conf: dict) -> None:
    ipam_type = conf.get("ipam", {}).get("type")
    if ipam_type:
        try:
            invoke(host, ipam_type, env, conf)
        except CNIError:  # ipam.ExecDel's error is not fatal to the plugins here
            pass


def setup_veth(host: Host, container_ns, ifname: str, mtu: int | None):
    """``ip.SetupVeth``: the pair is made inside the container, its host end (``veth`` + 8 random
    hex digits) moved to the host namespace; both ends up."""
    if ifname in container_ns.links:
        raise CNIError(f'container veth name provided ({ifname}) already exists')
    kernel = host.netns.kernel
    for _ in range(10):
        name = f"veth{kernel.random_hex(4)}"
        if name not in host.netns.links:
            break
    cont, host_end = veth_pair(container_ns, ifname, host.netns, name, mtu=mtu or 1500)
    host.netns.set_link_up(host_end)
    container_ns.set_link_up("lo")
    container_ns.set_link_up(cont)
    return cont, host_end


def configure_iface(ns, dev, result: dict) -> None:
    """``ipam.ConfigureIface``: the link up, its addresses, then the result's routes (a route
    without a gateway goes via the IP's gateway)."""
    ns.set_link_up(dev)
    gw = None
    for ip in result["ips"]:
        ns.add_address(dev, ip["address"])
        gw = gw or ip.get("gateway")
    for r in result.get("routes", []):
        ns.add_route(r["dst"] if r["dst"] != "0.0.0.0/0" else "default", via=r.get("gw") or gw, dev=dev)


# Addresses as ints. The plugins handle one or two addresses per pod; building ipaddress
# objects for them cost more than the rest of host-local. The fast path takes what ipaddress
# takes in the usual spelling (octets 0-255 without leading zeros, a decimal prefix length);
# anything else goes through ipaddress, so values and error messages stay its own.
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])"
_QUAD = re.compile(rf"{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}")
_PREFIX = re.compile(r"[0-9]|[12][0-9]|3[0-2]")


def ip_to_int(text: str) -> int:
    """``10.244.1.2`` -> its 32-bit value (ValueError as ``IPv4Address`` raises it)."""
    if _QUAD.fullmatch(text):
        return int.from_bytes(inet_aton(text), "big")
    return int(IPv4Address(text))


def int_to_ip(n: int) -> str:
    """A 32-bit value as a dotted quad, as ``str(IPv4Address(n))`` writes it."""
    return f"{n >> 24}.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


def parse_cidr(text: str) -> tuple[int, int]:
    """``10.244.1.2/24`` -> (the address's value, the prefix length); no prefix means /32
    (ValueError as ``IPv4Network(text, strict=False)`` raises it)."""
    ip, sep, plen = text.partition("/")
    if sep and _PREFIX.fullmatch(plen) and _QUAD.fullmatch(ip):
        return ip_to_int(ip), int(plen)
    net = IPv4Network(text, strict=False)
    return int(IPv4Interface(text).ip), net.prefixlen


def network_of(value: int, prefixlen: int) -> int:
    """The subnet's first address: ``value`` with the host bits cleared."""
    return value & ~((1 << (32 - prefixlen)) - 1) & 0xFFFFFFFF


def ip_and_subnet(ip: dict) -> tuple[str, str]:
    """A result IP's address and its subnet: ``10.244.1.2/24`` -> (``10.244.1.2``, ``10.244.1.0/24``)."""
    value, plen = parse_cidr(ip["address"])
    return int_to_ip(value), f"{int_to_ip(network_of(value, plen))}/{plen}"
