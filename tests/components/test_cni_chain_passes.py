"""add_network_list does not run a plugin that says PASSES_PREV_RESULT (portmap) after a
previous plugin's result: every answer (key order included), file and route is what running it
gives, for every test conflist and for chains with portmap first, twice, with its own
cniVersion (a good and a bad one), or before a missing plugin."""

from __future__ import annotations

import json

import pytest

from k8slab.components.cni import add_network_list, portmap
from tests.components.test_cni_conflist import CONFLISTS, _ipam, _worker
from tests.components.test_cni_ipam_current import _state

PTP = {"type": "ptp", "ipam": _ipam(), "mtu": 1500}
PM = {"type": "portmap", "capabilities": {"portMappings": True}}
CHAINS = {
    **CONFLISTS,
    "portmap-first": {"cniVersion": "0.3.1", "name": "kindnet", "plugins": [PM, PTP]},
    "portmap-only": {"cniVersion": "1.0.0", "name": "kindnet", "plugins": [PM]},
    "portmap-twice": {"cniVersion": "1.0.0", "name": "kindnet", "plugins": [PTP, PM, PM]},
    "own-version": {"cniVersion": "0.3.1", "name": "kindnet", "plugins": [PTP, {**PM, "cniVersion": "0.4.0"}]},
    "own-bad-version": {"cniVersion": "0.3.1", "name": "kindnet", "plugins": [PTP, {**PM, "cniVersion": "7"}]},
    "then-missing": {"cniVersion": "0.4.0", "name": "kindnet", "plugins": [PTP, PM, {"type": "nope"}]},
}


@pytest.mark.parametrize("name", sorted(CHAINS))
def test_a_pass_through_plugin_skipped_answers_as_run(name, monkeypatch):
    text = json.dumps(CHAINS[name])
    skipped = _state(text)
    monkeypatch.setattr(portmap, "PASSES_PREV_RESULT", False)
    assert _state(text) == skipped


def test_portmap_is_not_run_after_a_result_but_is_first(monkeypatch):
    calls = []
    real = portmap.add
    monkeypatch.setattr(portmap, "add", lambda host, env, conf: calls.append(conf.get("prevResult")) or real(host, env, conf))
    host = _worker()
    for i, name in enumerate(("kindnet", "portmap-first")):
        host.netns.kernel.add_netns(f"p{i}")
        add_network_list(host, json.dumps(CHAINS[name]), f"c{i}", f"/var/run/netns/p{i}")
    assert calls == [None]
