"""ptp: a veth pair per pod, routed rather than bridged (what kindnet configures).

Inside the pod the address keeps its subnet mask, but the subnet route the kernel adds is
replaced so that everything goes through the gateway: ``<gw> dev eth0 scope link src <ip>``
and ``<subnet> via <gw> dev eth0 src <ip>``. On the node the host end carries the gateway
address as a /32 (the same .1 on every pod's veth) and a host route leads to the pod:
``<ip> dev vethXXXXXXXX scope host``.
"""

from __future__ import annotations

from k8slab.components.cni.common import configure_iface, ip_numbers, ipam_add, ipam_del, setup_veth
from k8slab.components.cni.runtime import Host


def add(host: Host, env: dict, conf: dict) -> dict:
    result = ipam_add(host, env, conf)
    host.netns.set_sysctl("net.ipv4.ip_forward", 1)  # ip.EnableForward
    pod = host.netns_at(env["CNI_NETNS"])
    cont, host_end = setup_veth(host, pod, env["CNI_IFNAME"], conf.get("mtu"))
    addrs = []
    for ip in result["ips"]:
        ip["interface"] = 1
        addrs.append(ip_numbers(ip))
    configure_iface(pod, cont, result, addrs)
    for addr, net, plen, gw in addrs:
        pod.del_route((net, plen), dev=cont)
        pod.add_route((gw, 32), dev=cont, scope="link", src=addr)
        pod.add_route((net, plen), via=gw, dev=cont, src=addr)
    for addr, _, _, gw in addrs:
        host.netns.add_address(host_end, (gw, 32))
        host.netns.add_route((addr, 32), dev=host_end, scope="host")
    result["interfaces"] = [{"name": host_end.name, "mac": host_end.mac},
                            {"name": cont.name, "mac": cont.mac, "sandbox": env["CNI_NETNS"]}]
    return result


def delete(host: Host, env: dict, conf: dict) -> None:
    ipam_del(host, env, conf)
    netns = env.get("CNI_NETNS")
    if not netns:
        return None
    pod = host.netns.kernel.namespaces.get(netns.rstrip("/").rsplit("/", 1)[-1])
    if pod is not None and env["CNI_IFNAME"] in pod.links:
        pod.del_link(env["CNI_IFNAME"])  # the host end and its routes go with it
    return None


def check(host: Host, env: dict, conf: dict) -> None:
    return None


