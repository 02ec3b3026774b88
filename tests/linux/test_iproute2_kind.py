"""The kind node of seed 000, built as docker/kind and the CNI ptp plugin build it, must print
the ``ip route`` of the real node and pod byte for byte. Expected texts were observed with
iproute2 6.1.0 in real namespaces built the same way (and match the seed, whose blog page
lost the trailing spaces)."""

from k8slab.linux.iproute2 import bridge, ip
from k8slab.linux.kernel import Kernel
from k8slab.linux.link import veth_pair


def build_kind_worker():
    """host netns with the docker bridge "kind", node "kind-worker", pod sandbox via ptp."""
    k = Kernel(seed=0)
    host, node, pod = k.add_netns("host"), k.add_netns("kind-worker"), k.add_netns("cni-pod")
    br = host.add_bridge("kind", mac="02:42:8c:00:00:01")
    host.add_address(br, "172.18.0.1/16")
    host.set_link_up(br)
    hv, eth0 = veth_pair(host, "veth5e1f2a3", node, "eth0", mac_a="02:42:8c:00:00:aa",
                         mac_b="02:42:ac:12:00:02")
    host.set_master(hv, br)
    host.set_link_up(hv)
    node.set_link_up("lo")
    node.add_address(eth0, "172.18.0.2/16")
    node.set_link_up(eth0)
    assert ip(node, "route add default via 172.18.0.1") == ("", "", 0)
    assert ip(node, "route add 10.244.0.0/24 via 172.18.0.3") == ("", "", 0)
    assert ip(node, "route add 10.244.2.0/24 via 172.18.0.4") == ("", "", 0)
    # CNI ptp: veth, pod side configured first, then the host side.
    hveth, peth = veth_pair(node, "vethf0b11f5a", pod, "eth0", mac_a="9a:1c:2e:3f:40:51",
                            mac_b="4e:2f:10:aa:bb:cc")
    node.named_netns["cni-pod"] = pod
    pod.set_link_up("lo")
    pod.set_link_up(peth)
    pod.add_address(peth, "10.244.1.2/24")
    pod.del_route("10.244.1.0/24", dev="eth0")
    pod.add_route("10.244.1.1/32", dev="eth0", scope="link", src="10.244.1.2")
    pod.add_route("10.244.1.0/24", via="10.244.1.1", dev="eth0", src="10.244.1.2")
    pod.add_route("default", via="10.244.1.1", dev="eth0")
    node.set_link_up(hveth)
    node.add_address(hveth, "10.244.1.1/32")
    node.add_route("10.244.1.2/32", dev=hveth, scope="host")
    return k, host, node, pod


def test_node_ip_route_matches_seed():
    """`ip route` on kind-worker, as in seed 000 (with iproute2's trailing spaces)."""
    _, _, node, _ = build_kind_worker()
    assert ip(node, ["route"]) == (
        "default via 172.18.0.1 dev eth0 \n"
        "10.244.0.0/24 via 172.18.0.3 dev eth0 \n"
        "10.244.1.2 dev vethf0b11f5a scope host \n"
        "10.244.2.0/24 via 172.18.0.4 dev eth0 \n"
        "172.18.0.0/16 dev eth0 proto kernel scope link src 172.18.0.2 \n", "", 0)


def test_pod_ip_route_matches_seed():
    """`ip route` inside the pod: ptp replaced the subnet route with one via the gateway."""
    _, _, _, pod = build_kind_worker()
    assert ip(pod, "route") == (
        "default via 10.244.1.1 dev eth0 \n"
        "10.244.1.0/24 via 10.244.1.1 dev eth0 src 10.244.1.2 \n"
        "10.244.1.1 dev eth0 scope link src 10.244.1.2 \n", "", 0)


def test_node_local_table_and_all():
    """Observed with iproute2 6.1.0: table local, and table all with the kernel's IPv6 routes."""
    _, _, node, _ = build_kind_worker()
    assert ip(node, "route show table local")[0] == (
        "local 10.244.1.1 dev vethf0b11f5a proto kernel scope host src 10.244.1.1 \n"
        "local 127.0.0.0/8 dev lo proto kernel scope host src 127.0.0.1 \n"
        "local 127.0.0.1 dev lo proto kernel scope host src 127.0.0.1 \n"
        "broadcast 127.255.255.255 dev lo proto kernel scope link src 127.0.0.1 \n"
        "local 172.18.0.2 dev eth0 proto kernel scope host src 172.18.0.2 \n"
        "broadcast 172.18.255.255 dev eth0 proto kernel scope link src 172.18.0.2 \n")
    assert ip(node, "route show table all")[0] == (
        "default via 172.18.0.1 dev eth0 \n"
        "10.244.0.0/24 via 172.18.0.3 dev eth0 \n"
        "10.244.1.2 dev vethf0b11f5a scope host \n"
        "10.244.2.0/24 via 172.18.0.4 dev eth0 \n"
        "172.18.0.0/16 dev eth0 proto kernel scope link src 172.18.0.2 \n"
        "local 10.244.1.1 dev vethf0b11f5a table local proto kernel scope host src 10.244.1.1 \n"
        "local 127.0.0.0/8 dev lo table local proto kernel scope host src 127.0.0.1 \n"
        "local 127.0.0.1 dev lo table local proto kernel scope host src 127.0.0.1 \n"
        "broadcast 127.255.255.255 dev lo table local proto kernel scope link src 127.0.0.1 \n"
        "local 172.18.0.2 dev eth0 table local proto kernel scope host src 172.18.0.2 \n"
        "broadcast 172.18.255.255 dev eth0 table local proto kernel scope link src 172.18.0.2 \n"
        "fe80::/64 dev eth0 proto kernel metric 256 pref medium\n"
        "fe80::/64 dev vethf0b11f5a proto kernel metric 256 pref medium\n"
        "local ::1 dev lo table local proto kernel metric 0 pref medium\n"
        "local fe80::42:acff:fe12:2 dev eth0 table local proto kernel metric 0 pref medium\n"
        "local fe80::981c:2eff:fe3f:4051 dev vethf0b11f5a table local proto kernel metric 0 "
        "pref medium\n"
        "multicast ff00::/8 dev eth0 table local proto kernel metric 256 pref medium\n"
        "multicast ff00::/8 dev vethf0b11f5a table local proto kernel metric 256 pref medium\n")


def test_node_ip_addr_and_link():
    """`ip addr` / `ip link` on the node (observed; DAD finished, so no "tentative").
    The host side is not named in the node's /run/netns, so iproute2 prints link-netnsid."""
    _, _, node, _ = build_kind_worker()
    assert ip(node, "addr")[0] == (
        "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n"
        "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"
        "    inet 127.0.0.1/8 scope host lo\n"
        "       valid_lft forever preferred_lft forever\n"
        "    inet6 ::1/128 scope host \n"
        "       valid_lft forever preferred_lft forever\n"
        "2: eth0@if3: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default "
        "qlen 1000\n"
        "    link/ether 02:42:ac:12:00:02 brd ff:ff:ff:ff:ff:ff link-netnsid 0\n"
        "    inet 172.18.0.2/16 scope global eth0\n"
        "       valid_lft forever preferred_lft forever\n"
        "    inet6 fe80::42:acff:fe12:2/64 scope link \n"
        "       valid_lft forever preferred_lft forever\n"
        "3: vethf0b11f5a@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP "
        "group default qlen 1000\n"
        "    link/ether 9a:1c:2e:3f:40:51 brd ff:ff:ff:ff:ff:ff link-netns cni-pod\n"
        "    inet 10.244.1.1/32 scope global vethf0b11f5a\n"
        "       valid_lft forever preferred_lft forever\n"
        "    inet6 fe80::981c:2eff:fe3f:4051/64 scope link \n"
        "       valid_lft forever preferred_lft forever\n")
    assert ip(node, "link")[0] == (
        "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default "
        "qlen 1000\n"
        "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"
        "2: eth0@if3: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group "
        "default qlen 1000\n"
        "    link/ether 02:42:ac:12:00:02 brd ff:ff:ff:ff:ff:ff link-netnsid 0\n"
        "3: vethf0b11f5a@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT "
        "group default qlen 1000\n"
        "    link/ether 9a:1c:2e:3f:40:51 brd ff:ff:ff:ff:ff:ff link-netns cni-pod\n")
    assert node.nsid_of(node.kernel.netns("cni-pod")) == 1


def test_pod_ip_addr_4():
    """`ip -4 a` in the pod: link-netnsid moves to the header line when link/ether is not shown."""
    _, _, _, pod = build_kind_worker()
    assert ip(pod, "-4 a")[0] == (
        "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n"
        "    inet 127.0.0.1/8 scope host lo\n"
        "       valid_lft forever preferred_lft forever\n"
        "2: eth0@if3: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default "
        "qlen 1000 link-netnsid 0\n"
        "    inet 10.244.1.2/24 scope global eth0\n"
        "       valid_lft forever preferred_lft forever\n")


def test_host_bridge_link_and_fdb():
    """The docker-side bridge: port shows master, `bridge fdb show` lists self multicast entries,
    the bridge's own MAC, the learned node MAC and the port's permanent entry (observed)."""
    k, host, node, _ = build_kind_worker()
    br = host.link("kind")
    br.fdb.learn("02:42:ac:12:00:02", host.link("veth5e1f2a3"), k.now)
    assert ip(host, "link show veth5e1f2a3")[0] == (
        "3: veth5e1f2a3@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master kind state UP "
        "mode DEFAULT group default qlen 1000\n"
        "    link/ether 02:42:8c:00:00:aa brd ff:ff:ff:ff:ff:ff link-netnsid 0\n")
    assert bridge(host, "fdb show") == (
        "33:33:00:00:00:01 dev kind self permanent\n"
        "01:00:5e:00:00:6a dev kind self permanent\n"
        "33:33:00:00:00:6a dev kind self permanent\n"
        "01:00:5e:00:00:01 dev kind self permanent\n"
        "33:33:ff:00:00:01 dev kind self permanent\n"
        "02:42:8c:00:00:01 dev kind master kind permanent\n"
        "02:42:ac:12:00:02 dev veth5e1f2a3 master kind \n"
        "02:42:8c:00:00:aa dev veth5e1f2a3 master kind permanent\n"
        "33:33:00:00:00:01 dev veth5e1f2a3 self permanent\n"
        "01:00:5e:00:00:01 dev veth5e1f2a3 self permanent\n"
        "33:33:ff:00:00:aa dev veth5e1f2a3 self permanent\n", "", 0)
    assert bridge(host, "fdb show dev veth5e1f2a3")[0] == (
        "02:42:ac:12:00:02 master kind \n"
        "02:42:8c:00:00:aa master kind permanent\n"
        "33:33:00:00:00:01 self permanent\n"
        "01:00:5e:00:00:01 self permanent\n"
        "33:33:ff:00:00:aa self permanent\n")
    assert bridge(host, "link")[0] == (
        "3: veth5e1f2a3@kind: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 master kind state forwarding "
        "priority 32 cost 2 \n")


def test_ip_route_get_on_node_and_pod():
    """`ip route get` lines (observed), output and input (iif) forms."""
    _, _, node, pod = build_kind_worker()
    assert ip(node, "route get 10.244.1.2")[0] == (
        "10.244.1.2 dev vethf0b11f5a src 10.244.1.1 uid 0 \n"
        "    cache \n")
    assert ip(node, "route get 10.244.0.5")[0] == (
        "10.244.0.5 via 172.18.0.3 dev eth0 src 172.18.0.2 uid 0 \n    cache \n")
    assert ip(node, "route get 172.18.0.2")[0] == (
        "local 172.18.0.2 dev lo src 172.18.0.2 uid 0 \n"
        "    cache <local> \n")
    assert ip(node, "route get 172.18.255.255")[0] == (
        "broadcast 172.18.255.255 dev eth0 src 172.18.0.2 uid 0 \n    cache <local,brd> \n")
    assert ip(node, "route get 10.244.2.9 from 10.244.1.1")[0] == (
        "10.244.2.9 from 10.244.1.1 via 172.18.0.4 dev eth0 uid 0 \n    cache \n")
    # Forwarding is off until the node enables it: the kernel answers EHOSTUNREACH.
    assert ip(node, "route get 10.244.2.9 from 10.244.1.2 iif vethf0b11f5a") == (
        "", "RTNETLINK answers: No route to host\n", 2)
    node.set_sysctl("net.ipv4.ip_forward", 1)
    assert ip(node, "route get 10.244.2.9 from 10.244.1.2 iif vethf0b11f5a")[0] == (
        "10.244.2.9 from 10.244.1.2 via 172.18.0.4 dev eth0 \n    cache iif vethf0b11f5a \n")
    assert ip(node, "route get 172.18.0.2 from 10.244.1.2 iif vethf0b11f5a")[0] == (
        "local 172.18.0.2 from 10.244.1.2 dev lo \n    cache <local> iif vethf0b11f5a \n")
    assert ip(pod, "route get 10.244.1.7")[0] == (
        "10.244.1.7 via 10.244.1.1 dev eth0 src 10.244.1.2 uid 0 \n"
        "    cache \n")
    assert ip(pod, "route get 10.244.1.1")[0] == "10.244.1.1 dev eth0 src 10.244.1.2 uid 0 \n    cache \n"
    assert ip(pod, "route get 10.244.1.2")[0] == (
        "local 10.244.1.2 dev lo src 10.244.1.2 uid 0 \n"
        "    cache <local> \n")


def test_route_show_selectors():
    """Observed: a bare prefix is exact; `root` lists routes inside it, `match` those covering it."""
    _, _, node, _ = build_kind_worker()
    assert ip(node, "route show 10.0.0.0/8")[0] == ""
    assert ip(node, "route show 10.244.0.0/24")[0] == "10.244.0.0/24 via 172.18.0.3 dev eth0 \n"
    assert ip(node, "route show root 10.244.0.0/16")[0] == (
        "10.244.0.0/24 via 172.18.0.3 dev eth0 \n"
        "10.244.1.2 dev vethf0b11f5a scope host \n"
        "10.244.2.0/24 via 172.18.0.4 dev eth0 \n")
    assert ip(node, "route show match 10.244.0.7")[0] == (
        "default via 172.18.0.1 dev eth0 \n10.244.0.0/24 via 172.18.0.3 dev eth0 \n")
