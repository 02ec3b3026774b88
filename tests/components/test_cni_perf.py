"""The CNI path at scale: chained plugins hand results on without JSON text, host-local does not
read every state file per ADD, and both still behave as the text contract and the files say."""

from __future__ import annotations

import json

import pytest

from k8slab.components.cni import CNIError, add_network_list, del_network_list, exec_plugin, format_result
from k8slab.components.cni.runtime import Host, invoke
from k8slab.linux.fs import FileSystem
from k8slab.linux.ipv4 import format_ip as int_to_ip
from k8slab.linux.ipv4 import parse_interface as parse_cidr
from k8slab.linux.ipv4 import parse_ip as ip_to_int
from k8slab.linux.kernel import Kernel
from k8slab.linux.topologies import lan, plug

STATE = "/run/cni-ipam-state/kindnet"
CONFLIST = json.dumps({
    "cniVersion": "0.3.1", "name": "kindnet",
    "plugins": [
        {"type": "ptp", "ipMasq": False,
         "ipam": {"type": "host-local", "dataDir": "/run/cni-ipam-state", "routes": [{"dst": "0.0.0.0/0"}],
                  "ranges": [[{"subnet": "10.244.1.0/24"}]]},
         "mtu": 1500},
        {"type": "portmap", "capabilities": {"portMappings": True}},
    ],
})


class CountingFS(FileSystem):
    """A FileSystem that counts the files read under the host-local state directory."""

    __slots__ = ("reads",)

    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    def read(self, path: str, tool: str = "cat") -> str:
        if path.startswith(STATE + "/") and "last_reserved_ip" not in path:
            self.reads += 1
        return super().read(path, tool)


@pytest.fixture
def worker():
    k = Kernel(seed=5)
    net = lan(k, "kind-net", gateway="172.18.0.1/16")
    node = k.add_netns("kind-worker")
    plug(net, node, "172.18.0.2/16")
    return Host(node, CountingFS())


def _add(host: Host, cid: str, conflist: str = CONFLIST) -> dict:
    host.netns.kernel.add_netns(f"cni-{cid}")
    return add_network_list(host, conflist, cid, f"/var/run/netns/cni-{cid}")


def test_host_local_reads_no_state_file_per_add_once_it_has_seen_them(worker):
    for i in range(30):
        _add(worker, f"c{i}")
    # Each ADD wrote its own file and read none of the others' (the real plugin reads them all).
    assert worker.fs.reads == 0
    assert len(worker.fs.listdir(STATE)) == 31
    # A new Host (as Machine.host gives) reads each file once, then again nothing.
    fresh = Host(worker.netns, worker.fs)
    assert _add(fresh, "n1")["ips"][0]["address"] == "10.244.1.32/24"
    assert worker.fs.reads == 30
    _add(fresh, "n2")
    assert worker.fs.reads == 30


def test_host_local_follows_files_added_and_removed_by_others(worker):
    _add(worker, "a")                                        # 10.244.1.2
    worker.fs.write(f"{STATE}/10.244.1.3", "b\r\neth0")      # reserved behind the plugin's back
    with pytest.raises(CNIError, match="10.244.1.3 has been allocated to b, duplicate allocation"):
        _add(worker, "b")
    assert _add(worker, "c")["ips"][0]["address"] == "10.244.1.4/24"   # .3 is taken
    worker.fs.remove(f"{STATE}/10.244.1.2")                  # released behind its back
    assert _add(worker, "a2")["ips"][0]["address"] == "10.244.1.5/24"  # round robin goes on
    del_network_list(worker, CONFLIST, "b", "/var/run/netns/cni-b")
    assert not worker.fs.exists(f"{STATE}/10.244.1.3")
    # DEL acts only on a file that still holds the container (read again before removing).
    worker.fs.write(f"{STATE}/10.244.1.4", "someone-else\r\neth0")
    del_network_list(worker, CONFLIST, "c", "/var/run/netns/cni-c")
    assert worker.fs.read(f"{STATE}/10.244.1.4") == "someone-else\r\neth0"


def test_chained_result_is_what_the_printed_json_says(worker):
    """add_network_list passes dicts between plugins; the result is the one the text contract
    gives: the same dict as parsing what each plugin prints."""
    result = _add(worker, "x")
    assert json.loads(format_result(result, "0.3.1")) == result
    assert list(result) == ["cniVersion", "interfaces", "ips", "routes", "dns"]
    assert result["ips"] == [{"version": "4", "address": "10.244.1.2/24", "gateway": "10.244.1.1", "interface": 1}]
    # exec_plugin prints exactly what invoke returns, indented as the plugins print it.
    worker.netns.kernel.add_netns("cni-y")
    conf = {"cniVersion": "1.0.0", "name": "kindnet", **json.loads(CONFLIST)["plugins"][0]}
    env = {"CNI_COMMAND": "ADD", "CNI_CONTAINERID": "y", "CNI_NETNS": "/var/run/netns/cni-y", "CNI_IFNAME": "eth0"}
    out, code = exec_plugin(worker, "ptp", env, json.dumps(conf))
    assert code == 0 and out.startswith('{\n    "cniVersion": "1.0.0",\n    "interfaces": [')
    assert json.loads(out)["ips"] == [{"address": "10.244.1.3/24", "gateway": "10.244.1.1", "interface": 1}]
    # The results handed on are fresh: changing one leaves the next call's alone.
    again = invoke(worker, "portmap", env, {"cniVersion": "0.3.1", "name": "n", "prevResult": result})
    again["ips"][0]["address"] = "changed"
    assert result["ips"][0]["address"] == "10.244.1.2/24"


def test_address_helpers_agree_with_ipaddress():
    from ipaddress import IPv4Address, IPv4Interface, IPv4Network

    for text in ("10.244.1.2/24", "0.0.0.0/0", "255.255.255.255/32", "10.1.2.3", "1.2.3.4/024",
                 "1.2.3.4/255.255.0.0"):
        assert parse_cidr(text) == (int(IPv4Interface(text).ip), IPv4Network(text, strict=False).prefixlen)
    for bad in ("10.244.1.300/24", "01.2.3.4/8", "1.2.3/8", "1.2.3.4/33", " 1.2.3.4/8"):
        with pytest.raises(ValueError) as ours:
            parse_cidr(bad)
        with pytest.raises(ValueError) as theirs:
            IPv4Network(bad, strict=False)
        assert str(ours.value) == str(theirs.value)
    for n in (0, 1, 167772161, 4294967295):
        assert int_to_ip(n) == str(IPv4Address(n)) and ip_to_int(int_to_ip(n)) == n
