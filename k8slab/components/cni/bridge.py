"""bridge: pods on one Linux bridge (``cni0`` by default), the bridge as their gateway.

The bridge gets the gateway address with the pod subnet's mask (``10.244.1.1/24``), so the
node reaches its pods through the kernel's connected route; each pod's host veth is a bridge
port. ``isDefaultGateway`` adds a default route via the gateway to the pod.
"""

from __future__ import annotations

from ipaddress import IPv4Interface

from k8slab.components.cni.common import configure_iface, ipam_add, ipam_del, setup_veth
from k8slab.components.cni.runtime import Host
from k8slab.linux.ipv4 import format_ip, network_of, parse_interface
from k8slab.linux.link import Bridge

DEFAULT_BRIDGE = "cni0"


def _ensure_bridge(host: Host, name: str, mtu: int | None) -> Bridge:
    br = host.netns.get_link(name)
    if br is None:
        br = host.netns.add_bridge(name)
        if mtu:
            host.netns.set_mtu(br, mtu)
    host.netns.set_link_up(br)
    return br


def add(host: Host, env: dict, conf: dict) -> dict:
    is_default_gw = bool(conf.get("isDefaultGateway"))
    is_gw = bool(conf.get("isGateway")) or is_default_gw
    br = _ensure_bridge(host, conf.get("bridge", DEFAULT_BRIDGE), conf.get("mtu"))
    pod = host.netns_at(env["CNI_NETNS"])
    cont, host_end = setup_veth(host, pod, env["CNI_IFNAME"], conf.get("mtu"))
    host.netns.set_master(host_end, br)
    result = ipam_add(host, env, conf)
    for ip in result["ips"]:
        ip["interface"] = 2
        if not ip.get("gateway") and is_gw:
            value, plen = parse_interface(ip["address"])
            ip["gateway"] = format_ip(network_of(value, plen) + 1)
    if is_default_gw and not any(r["dst"] == "0.0.0.0/0" for r in result.get("routes", [])):
        result.setdefault("routes", []).append({"dst": "0.0.0.0/0", "gw": result["ips"][0]["gateway"]})
    configure_iface(pod, cont, result)
    if is_gw:
        for ip in result["ips"]:
            gw_addr = IPv4Interface(f"{ip['gateway']}/{parse_interface(ip['address'])[1]}")
            if not any(a.local == gw_addr.ip for a in br.addresses):
                host.netns.add_address(br, str(gw_addr))
        host.netns.set_sysctl("net.ipv4.ip_forward", 1)
    result["interfaces"] = [{"name": br.name, "mac": br.mac},
                            {"name": host_end.name, "mac": host_end.mac},
                            {"name": cont.name, "mac": cont.mac, "sandbox": env["CNI_NETNS"]}]
    return result


def delete(host: Host, env: dict, conf: dict) -> None:
    ipam_del(host, env, conf)
    netns = env.get("CNI_NETNS")
    pod = host.netns.kernel.namespaces.get(netns.rstrip("/").rsplit("/", 1)[-1]) if netns else None
    if pod is not None and env["CNI_IFNAME"] in pod.links:
        pod.del_link(env["CNI_IFNAME"])
    return None


def check(host: Host, env: dict, conf: dict) -> None:
    return None


