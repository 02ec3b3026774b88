"""configure_iface given the result IPs' numbers configures what it does reading the text."""

import random

from k8slab.components.cni.common import configure_iface, ip_numbers
from k8slab.linux.kernel import Kernel
from k8slab.linux.link import veth_pair


def _configured(result: dict, with_numbers: bool) -> tuple[list, list]:
    k = Kernel(seed=1)
    node, pod = k.add_netns("node"), k.add_netns("pod")
    host_end, eth0 = veth_pair(node, "veth0", pod, "eth0")
    node.set_link_up(host_end)
    numbers = [ip_numbers(ip) for ip in result["ips"]] if with_numbers else None
    configure_iface(pod, eth0, result, numbers)
    return [r.line() for r in pod.routes()], [a.cidr for a in eth0.addresses]


def test_numbers_and_text_give_the_same_addresses_and_routes():
    """Random results: one or two IPs (in one subnet or two), routes with and without their
    own gateway, the default route among them or not."""
    rnd = random.Random(7)
    for _ in range(60):
        ips = []
        for j in range(rnd.choice((1, 2))):
            net = rnd.choice((1, 2)) if j else 1
            ips.append({"address": f"10.244.{net}.{rnd.randrange(2, 250)}/24", "gateway": f"10.244.{net}.1"})
        if len(ips) == 2 and ips[0]["address"] == ips[1]["address"]:
            continue
        routes = rnd.sample([{"dst": "0.0.0.0/0"}, {"dst": "10.96.0.0/12"},
                             {"dst": "192.168.0.0/16", "gw": ips[-1]["gateway"]}], rnd.randrange(4))
        result = {"ips": ips, "routes": routes}
        assert _configured(result, True) == _configured(result, False)
