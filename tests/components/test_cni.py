"""CNI plugins programming the data plane through the CNI contract."""

from __future__ import annotations

import json

import pytest

from k8slab.components.cni import CNIError, add_network_list, del_network_list, exec_plugin
from k8slab.components.cni.runtime import Host
from k8slab.linux.fs import FileSystem
from k8slab.linux.iproute2 import ip
from k8slab.linux.kernel import Kernel
from k8slab.linux.topologies import lan, plug

KINDNET_CONFLIST = json.dumps({
    "cniVersion": "0.3.1", "name": "kindnet",
    "plugins": [
        {"type": "ptp", "ipMasq": False,
         "ipam": {"type": "host-local", "dataDir": "/run/cni-ipam-state", "routes": [{"dst": "0.0.0.0/0"}],
                  "ranges": [[{"subnet": "10.244.1.0/24"}]]},
         "mtu": 1500},
        {"type": "portmap", "capabilities": {"portMappings": True}},
    ],
})


@pytest.fixture
def worker():
    """kind-worker as seed 000 shows it: eth0 172.18.0.2/16 on the kind network, kindnetd's routes."""
    k = Kernel(seed=5)
    net = lan(k, "kind-net", gateway="172.18.0.1/16")
    node = k.add_netns("kind-worker")
    plug(net, node, "172.18.0.2/16")
    node.add_route("10.244.0.0/24", via="172.18.0.3")
    node.add_route("10.244.2.0/24", via="172.18.0.4")
    return Host(node, FileSystem())


def test_ptp_add_reproduces_the_kind_routes(worker):
    pod = worker.netns.kernel.add_netns("cni-0b2c6f1e")
    result = add_network_list(worker, KINDNET_CONFLIST, "abc123", "/var/run/netns/cni-0b2c6f1e")
    host_veth = result["interfaces"][0]["name"]
    assert host_veth.startswith("veth") and len(host_veth) == 12
    assert result["ips"] == [{"version": "4", "address": "10.244.1.2/24", "gateway": "10.244.1.1", "interface": 1}]
    assert result["interfaces"][1] == {"name": "eth0", "mac": pod.link("eth0").mac,
                                       "sandbox": "/var/run/netns/cni-0b2c6f1e"}
    node_routes = ip(worker.netns, "route")[0]
    assert node_routes == (
        "default via 172.18.0.1 dev eth0 \n"
        "10.244.0.0/24 via 172.18.0.3 dev eth0 \n"
        f"10.244.1.2 dev {host_veth} scope host \n"
        "10.244.2.0/24 via 172.18.0.4 dev eth0 \n"
        "172.18.0.0/16 dev eth0 proto kernel scope link src 172.18.0.2 \n"
    )
    assert ip(pod, "route")[0] == (
        "default via 10.244.1.1 dev eth0 \n"
        "10.244.1.0/24 via 10.244.1.1 dev eth0 src 10.244.1.2 \n"
        "10.244.1.1 dev eth0 scope link src 10.244.1.2 \n"
    )
    # The host end carries the gateway as a /32; forwarding was switched on.
    assert f"inet 10.244.1.1/32 scope global {host_veth}" in ip(worker.netns, f"addr show dev {host_veth}")[0]
    assert worker.netns.sysctl("net.ipv4.ip_forward") == "1"
    # host-local's state: one file per IP with the container ID and ifname, and the last IP.
    assert worker.fs.read("/run/cni-ipam-state/kindnet/10.244.1.2") == "abc123\r\neth0"
    assert worker.fs.read("/run/cni-ipam-state/kindnet/last_reserved_ip.0") == "10.244.1.2"


def test_host_local_is_round_robin_and_frees_on_del(worker):
    k = worker.netns.kernel
    for i in range(3):
        k.add_netns(f"cni-{i}")
        add_network_list(worker, KINDNET_CONFLIST, f"c{i}", f"/var/run/netns/cni-{i}")
    assert sorted(worker.fs.listdir("/run/cni-ipam-state/kindnet")) == [
        "10.244.1.2", "10.244.1.3", "10.244.1.4", "last_reserved_ip.0"]
    del_network_list(worker, KINDNET_CONFLIST, "c0", "/var/run/netns/cni-0")
    assert "eth0" not in k.netns("cni-0").links
    assert not worker.fs.exists("/run/cni-ipam-state/kindnet/10.244.1.2")
    k.add_netns("cni-3")
    result = add_network_list(worker, KINDNET_CONFLIST, "c3", "/var/run/netns/cni-3")
    # The freed .2 is not reused until the range wraps.
    assert result["ips"][0]["address"] == "10.244.1.5/24"


def test_exhausted_range_is_reported_as_the_plugin_does(worker):
    small = json.loads(KINDNET_CONFLIST)
    small["plugins"][0]["ipam"]["ranges"] = [[{"subnet": "10.244.1.0/30"}]]
    text = json.dumps(small)
    worker.netns.kernel.add_netns("cni-a")
    add_network_list(worker, text, "a", "/var/run/netns/cni-a")  # .2 (.1 is the gateway)
    worker.netns.kernel.add_netns("cni-b")
    with pytest.raises(CNIError) as err:
        add_network_list(worker, text, "b", "/var/run/netns/cni-b")
    assert str(err.value) == ('plugin type="ptp" name="kindnet" failed (add): failed to allocate for range 0: '
                              'no IP addresses available in range set: 10.244.1.1-10.244.1.2')


def test_cni_contract_errors(worker):
    env = {"CNI_COMMAND": "ADD", "CNI_CONTAINERID": "x", "CNI_IFNAME": "eth0"}
    out, code = exec_plugin(worker, "ptp", env, json.dumps({"cniVersion": "0.3.1", "name": "n", "type": "ptp"}))
    assert code == 1 and json.loads(out) == {"code": 4, "msg": "required env variables [CNI_NETNS] missing"}
    out, code = exec_plugin(worker, "ptp", dict(env, CNI_NETNS="/var/run/netns/x"), "{not json")
    assert code == 1 and json.loads(out)["code"] == 6
    out, code = exec_plugin(worker, "nope", dict(env, CNI_NETNS="/var/run/netns/x"),
                            json.dumps({"cniVersion": "0.3.1", "name": "n", "type": "nope"}))
    assert code == 1 and "failed to find plugin" in json.loads(out)["msg"]
    out, code = exec_plugin(worker, "ptp", {"CNI_COMMAND": "VERSION"}, json.dumps({"cniVersion": "1.0.0"}))
    assert code == 0 and "0.3.1" in json.loads(out)["supportedVersions"]


def test_flannel_delegates_to_bridge(worker):
    node = worker.netns
    worker.fs.write("/run/flannel/subnet.env", "FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.1.1/24\n"
                                               "FLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n")
    conflist = json.dumps({"name": "cbr0", "cniVersion": "0.3.1", "plugins": [
        {"type": "flannel", "delegate": {"hairpinMode": True, "isDefaultGateway": True}},
        {"type": "portmap", "capabilities": {"portMappings": True}}]})
    pod = node.kernel.add_netns("cni-f1")
    result = add_network_list(worker, conflist, "f1", "/var/run/netns/cni-f1")
    assert [i["name"] for i in result["interfaces"]][0] == "cni0"
    assert result["ips"][0]["address"] == "10.244.1.2/24" and result["ips"][0]["interface"] == 2
    assert ip(pod, "route")[0] == ("default via 10.244.1.1 dev eth0 \n"
                                   "10.244.0.0/16 via 10.244.1.1 dev eth0 \n"
                                   "10.244.1.0/24 dev eth0 proto kernel scope link src 10.244.1.2 \n")
    assert pod.link("eth0").mtu == 1450
    assert "inet 10.244.1.1/24" in ip(node, "addr show dev cni0")[0]
    assert "10.244.1.0/24 dev cni0 proto kernel scope link src 10.244.1.1" in ip(node, "route")[0]
    host_veth = result["interfaces"][1]["name"]
    assert node.link(host_veth).master is node.link("cni0")
    saved = json.loads(worker.fs.read("/var/lib/cni/flannel/f1"))
    assert saved["ipMasq"] is False and saved["mtu"] == 1450 and saved["ipam"]["ranges"] == [
        [{"subnet": "10.244.1.0/24"}]]
