"""What the main plugins share: making the veth pair and configuring the container side."""

from __future__ import annotations

import functools

from k8slab.components.cni.runtime import CNIError, Host, invoke
from k8slab.linux.ipv4 import network_of, parse_interface, parse_ip
from k8slab.linux.link import veth_pair


def ipam_add(host: Host, env: dict, conf: dict) -> dict:
    """Run the IPAM plugin named in the config (as ``ipam.ExecAdd`` does): its result in the
    current types (see ``current`` in :func:`~k8slab.components.cni.runtime.invoke`)."""
    ipam_type = conf.get("ipam", {}).get("type")
    if not ipam_type:
        raise CNIError("IPAM plugin returned missing IP config")
    result = invoke(host, ipam_type, env, conf, current=True)
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


def configure_iface(ns, dev, result: dict, numbers: list | None = None) -> None:
    """``ipam.ConfigureIface``: the link up, its addresses, then the result's routes (a route
    without a gateway goes via the IP's gateway). A caller that holds the result IPs'
    :func:`ip_numbers` already passes them (in the order of ``result["ips"]``). A link
    :func:`setup_veth` brought up already is not set up again (that changes nothing)."""
    if not dev.admin_up:
        ns.set_link_up(dev)
    gw = None   # the first gateway given (its number, when the caller has them)
    for i, ip in enumerate(result["ips"]):
        ns.add_address(dev, (numbers[i][0], numbers[i][2]) if numbers else ip["address"])
        if gw is None and ip.get("gateway"):
            gw = numbers[i][3] if numbers else ip["gateway"]
    for r in result.get("routes", []):
        ns.add_route(r["dst"] if r["dst"] != "0.0.0.0/0" else "default", via=r.get("gw") or gw, dev=dev)


def ip_numbers(ip: dict) -> tuple[int, int, int, int]:
    """A result IP as the numbers the kernel takes: (address, subnet, prefix length, gateway);
    ``10.244.1.2/24`` via ``10.244.1.1`` -> the ints of 10.244.1.2, 10.244.1.0, 24, 10.244.1.1."""
    value, plen = parse_interface(ip["address"])
    gateway = ip["gateway"]
    return value, network_of(value, plen), plen, _gateway(gateway) if type(gateway) is str else parse_ip(gateway)


@functools.lru_cache(maxsize=8192)
def _gateway(text: str) -> int:
    """:func:`parse_ip` of a gateway's text: each node's pods share one (a ValueError is
    raised afresh each time)."""
    return parse_ip(text)
