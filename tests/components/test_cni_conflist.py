"""A conflist is parsed once per distinct text and shared by every ADD and DEL: no plugin may
write into it. Here every plugin runs (ADD, CHECK, DEL, errors) on a deeply frozen conflist, and
the results must be what a fresh parse gives."""

from __future__ import annotations

import json

import pytest

from k8slab.components.cni import CNIError, add_network_list, del_network_list, runtime
from k8slab.components.cni.runtime import Host
from k8slab.linux.fs import FileSystem
from k8slab.linux.kernel import Kernel
from k8slab.linux.topologies import lan, plug


class FrozenDict(dict):
    def _refuse(self, *a, **k):
        raise TypeError("a plugin wrote into the shared conflist")

    __setitem__ = __delitem__ = setdefault = pop = popitem = update = clear = __ior__ = _refuse


class FrozenList(list):
    def _refuse(self, *a, **k):
        raise TypeError("a plugin wrote into the shared conflist")

    __setitem__ = __delitem__ = append = extend = insert = pop = remove = clear = sort = reverse = _refuse
    __iadd__ = __imul__ = _refuse


def freeze(value):
    if isinstance(value, dict):
        return FrozenDict((k, freeze(v)) for k, v in value.items())
    if isinstance(value, list):
        return FrozenList(freeze(v) for v in value)
    return value


def _ipam(**extra):
    return {"type": "host-local", "dataDir": "/run/cni-ipam-state",
            "routes": [{"dst": "0.0.0.0/0"}, {"dst": "10.96.0.0/12", "gw": "10.244.1.1"}],
            "ranges": [[{"subnet": "10.244.1.0/24", **extra}]]}


CONFLISTS = {
    "kindnet": {"cniVersion": "0.3.1", "name": "kindnet", "plugins": [
        {"type": "ptp", "ipMasq": False, "ipam": _ipam(), "mtu": 1500},
        {"type": "portmap", "capabilities": {"portMappings": True}}]},
    "kindnet-1.0": {"cniVersion": "1.0.0", "name": "kindnet", "plugins": [
        {"type": "ptp", "ipam": _ipam(rangeStart="10.244.1.10", gateway="10.244.1.1"), "mtu": 1400}]},
    "bridge": {"cniVersion": "0.4.0", "name": "br", "plugins": [
        {"type": "bridge", "bridge": "cni0", "isDefaultGateway": True, "mtu": 1450,
         "ipam": {"type": "host-local", "subnet": "10.244.1.0/24"}},
        {"type": "portmap", "capabilities": {"portMappings": True}, "prevResult": {"ips": []}}]},
    "flannel": {"name": "cbr0", "cniVersion": "0.3.1", "plugins": [
        {"type": "flannel", "delegate": {"hairpinMode": True, "isDefaultGateway": True, "ipam": {"x": [1]}}},
        {"type": "portmap", "capabilities": {"portMappings": True}}]},
    "no-ipam": {"cniVersion": "0.3.1", "name": "bad", "plugins": [{"type": "ptp"}]},
    "bad-version": {"cniVersion": "9.9.9", "name": "bad", "plugins": [{"type": "ptp", "ipam": _ipam()}]},
}


def _worker():
    k = Kernel(seed=5)
    net = lan(k, "kind-net", gateway="172.18.0.2/16")
    node = k.add_netns("kind-worker")
    plug(net, node, "172.18.0.3/16")
    host = Host(node, FileSystem())
    host.fs.write("/run/flannel/subnet.env", "FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.1.1/24\n"
                                             "FLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n")
    return host


def _run(text: str) -> list:
    """ADD three pods, ADD one again, DEL one twice, ADD into a missing namespace: what each says."""
    host, out = _worker(), []
    k = host.netns.kernel
    for i in range(3):
        k.add_netns(f"cni-{i}")
    steps = [("add", "c0", "cni-0"), ("add", "c1", "cni-1"), ("add", "c1", "cni-2"), ("del", "c1", "cni-1"),
             ("del", "c1", "cni-1"), ("add", "c2", "cni-2"), ("add", "c3", "nowhere")]
    for op, cid, ns in steps:
        try:
            fn = add_network_list if op == "add" else del_network_list
            out.append(json.dumps(fn(host, text, cid, f"/var/run/netns/{ns}"), sort_keys=True))
        except CNIError as e:
            out.append(f"{e.code} {e.msg}")
    out.append(sorted(host.fs.listdir("/run/cni-ipam-state/kindnet")) if host.fs.isdir(
        "/run/cni-ipam-state/kindnet") else None)
    return out


@pytest.mark.parametrize("name", sorted(CONFLISTS))
def test_plugins_never_write_into_the_shared_conflist(name, monkeypatch):
    text = json.dumps(CONFLISTS[name])
    fresh = _run(text)                      # the shared parse, as the kubelet runs it
    frozen = freeze(json.loads(text))
    with pytest.raises(TypeError):          # the freezing holds
        frozen["plugins"][0].setdefault("x", 1)
    monkeypatch.setattr(runtime, "parsed_conflist", lambda t: frozen if t == text else json.loads(t))
    assert _run(text) == fresh
    assert frozen == json.loads(text)


def test_the_parse_is_shared_and_the_same():
    text = json.dumps(CONFLISTS["kindnet"])
    assert runtime.parsed_conflist(text) is runtime.parsed_conflist(text) == json.loads(text)
    with pytest.raises(json.JSONDecodeError):
        runtime.parsed_conflist("{not json")


@pytest.mark.parametrize("name", sorted(CONFLISTS))
def test_a_result_passed_on_in_a_chain_is_what_printing_it_again_gives(name, monkeypatch):
    """In a conflist's chain, portmap (no mappings) hands back its prevResult, the previous plugin's
    printed output: it is returned as it is rather than printed again. The same runs with every
    result printed afresh give the same answers."""
    text = json.dumps(CONFLISTS[name])
    passed_on = _run(text)
    real = runtime.invoke
    monkeypatch.setattr(runtime, "invoke", lambda *args, printed_prev=False: real(*args))
    assert _run(text) == passed_on


def test_a_prev_result_given_from_outside_is_printed():
    """A prevResult the caller made (not a plugin's output) is printed for the plugin's version:
    0.3.1 gives each IP its "version"."""
    host = _worker()
    prev = {"cniVersion": "0.3.1", "ips": [{"address": "10.244.1.5/24", "gateway": "10.244.1.1"}]}
    conf = {"cniVersion": "0.3.1", "name": "kindnet", "type": "portmap", "prevResult": prev}
    env = {"CNI_COMMAND": "ADD", "CNI_CONTAINERID": "c", "CNI_NETNS": "/var/run/netns/x", "CNI_IFNAME": "eth0",
           "CNI_PATH": "/opt/cni/bin"}
    out = runtime.invoke(host, "portmap", env, conf)
    assert out is not prev and out["ips"] == [{"version": "4", **prev["ips"][0]}]
