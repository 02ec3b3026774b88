"""A plugin takes its IPAM plugin's (and flannel its delegate's) result in the current types
without it being printed for the config's version and converted back: the answers, the files
and the data plane are what the print-and-convert gives, for every test conflist."""

from __future__ import annotations

import json

import pytest

from k8slab.components.cni import add_network_list, bridge, flannel, ptp, runtime
from k8slab.components.cni.runtime import CNIError
from tests.components.test_cni_conflist import CONFLISTS, _run, _worker


def _printed_ipam_add(host, env, conf):
    """ipam_add as it was: the IPAM plugin's result printed for the config's version, then each
    IP's "version" dropped (the conversion to the current types)."""
    ipam_type = conf.get("ipam", {}).get("type")
    if not ipam_type:
        raise CNIError("IPAM plugin returned missing IP config")
    result = runtime.invoke(host, ipam_type, env, conf)
    for ip in result.get("ips", []):
        ip.pop("version", None)
    if not result.get("ips"):
        raise CNIError("IPAM plugin returned missing IP config")
    return result


def _printed_delegate(host, plugin, env, conf, current=False):
    """flannel's delegation as it was: the delegate's result printed, then converted back."""
    result = runtime.invoke(host, plugin, env, conf)
    if current and result is not None:
        for ip in result.get("ips", []):
            ip.pop("version", None)
        result.pop("cniVersion", None)
    return result


def _state(text: str) -> list:
    """:func:`_run`'s answers, then three ADDs on a fresh node and every namespace's routes and
    addresses after them."""
    out = _run(text)
    host = _worker()
    k = host.netns.kernel
    for i in range(3):
        k.add_netns(f"cni-{i}")
        try:
            out.append(json.dumps(add_network_list(host, text, f"c{i}", f"/var/run/netns/cni-{i}")))
        except CNIError as e:
            out.append(f"{e.code} {e.msg}")
    for ns in k.namespaces.values():
        for table in sorted(ns.tables):
            out += [r.line(show_table=True) for r in ns.routes(table)]
        out += [f"{a.cidr} {a.dev.name} {a.scope} {a.secondary}" for a in ns.addresses()]
    return out


@pytest.mark.parametrize("name", sorted(CONFLISTS))
def test_an_ipam_result_taken_unprinted_gives_the_same_answers(name, monkeypatch):
    text = json.dumps(CONFLISTS[name])
    current = _state(text)
    monkeypatch.setattr(ptp, "ipam_add", _printed_ipam_add)
    monkeypatch.setattr(bridge, "ipam_add", _printed_ipam_add)
    monkeypatch.setattr(flannel, "invoke", _printed_delegate)
    assert _state(text) == current


def test_the_unprinted_result_is_the_plugins_own():
    """current=True returns the plugin's dict as it made it (no cniVersion, no per-IP version),
    and the checks before the call still apply."""
    host = _worker()
    conf = {"cniVersion": "0.3.1", "name": "kindnet",
            "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.244.1.0/24"}]]}}
    env = {"CNI_COMMAND": "ADD", "CNI_CONTAINERID": "c", "CNI_NETNS": "/var/run/netns/x", "CNI_IFNAME": "eth0",
           "CNI_PATH": "/opt/cni/bin"}
    out = runtime.invoke(host, "host-local", env, conf, current=True)
    assert out == {"ips": [{"address": "10.244.1.2/24", "gateway": "10.244.1.1"}], "routes": [], "dns": {}}
    printed = runtime.invoke(host, "host-local", {**env, "CNI_CONTAINERID": "d"}, conf)
    assert printed["cniVersion"] == "0.3.1" and printed["ips"][0]["version"] == "4"
    with pytest.raises(CNIError):
        runtime.invoke(host, "host-local", {**env, "CNI_NETNS": ""}, conf, current=True)
    with pytest.raises(CNIError):
        runtime.invoke(host, "host-local", env, {**conf, "cniVersion": "9.9.9"}, current=True)
