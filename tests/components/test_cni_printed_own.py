"""invoke prints a plugin's own ADD result by taking its lists as they are (printed_result's
``own``), and copies only a prevResult handed back. The print is the copying one's, key order
included, and a printed result shares nothing with what the caller passed in."""

from __future__ import annotations

import copy
import json
import random

import pytest

from k8slab.components.cni import runtime
from k8slab.components.cni.runtime import printed_result
from tests.components.test_cni_conflist import CONFLISTS, _worker

VERSIONS = ["0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"]


def _random_result(rng: random.Random) -> dict:
    """A result with any of its parts missing, empty, odd (None, a falsy dns) or filled."""
    parts = {}
    if rng.random() < 0.8:
        parts["interfaces"] = [{"name": f"if{i}", "mac": f"0a:58:0a:f4:01:0{i}",
                                **({"sandbox": "/var/run/netns/x"} if rng.random() < 0.5 else {})}
                               for i in range(rng.randrange(4))]
    if rng.random() < 0.9:
        parts["ips"] = [{"address": f"10.244.1.{i + 2}/24", **({"gateway": "10.244.1.1"} if rng.random() < 0.7
                                                                  else {}),
                         **({"interface": rng.randrange(3)} if rng.random() < 0.7 else {})}
                        for i in range(rng.randrange(3))]
    if rng.random() < 0.8:
        parts["routes"] = [{"dst": rng.choice(["0.0.0.0/0", "10.96.0.0/12"]),
                            **({"gw": "10.244.1.1"} if rng.random() < 0.5 else {})} for _ in range(rng.randrange(3))]
    if rng.random() < 0.8:
        parts["dns"] = rng.choice([{}, None, "", {"nameservers": ["10.96.0.10"], "domain": "cluster.local"},
                                   {"search": ["a", "b"], "options": []}])
    keys = list(parts)
    rng.shuffle(keys)
    return {k: parts[k] for k in keys}


def _containers(value) -> list:
    """Every dict and list in ``value``, itself included."""
    out = []
    if isinstance(value, (dict, list)):
        out.append(value)
        for v in value.values() if isinstance(value, dict) else value:
            out += _containers(v)
    return out


@pytest.mark.parametrize("version", VERSIONS)
def test_an_own_result_prints_as_the_copying_print(version):
    rng = random.Random(version)
    for _ in range(400):
        result = _random_result(rng)
        copied = printed_result(result, version)
        taken = printed_result(copy.deepcopy(result), version, own=True)
        assert json.dumps(taken) == json.dumps(copied)
        assert taken == copied
        assert not {id(c) for c in _containers(copied)} & {id(c) for c in _containers(result)}


def _env(command="ADD"):
    return {"CNI_COMMAND": command, "CNI_CONTAINERID": "c", "CNI_NETNS": "/var/run/netns/x", "CNI_IFNAME": "eth0",
            "CNI_PATH": "/opt/cni/bin"}


@pytest.mark.parametrize("version", VERSIONS)
def test_a_prev_result_handed_back_is_copied(version):
    """portmap hands back a prevResult the caller made: its print shares none of its parts."""
    rng = random.Random(f"prev {version}")
    for _ in range(100):
        prev = _random_result(rng)
        kept = copy.deepcopy(prev)
        conf = {"cniVersion": version, "name": "kindnet", "type": "portmap", "prevResult": prev}
        out = runtime.invoke(_worker(), "portmap", _env(), conf)
        assert out == printed_result(kept, version) and prev == kept
        assert not {id(c) for c in _containers(out)} & {id(c) for c in _containers(prev)}


@pytest.mark.parametrize("name", sorted(CONFLISTS))
def test_a_plugins_printed_result_shares_nothing_with_its_conf(name):
    """Every test conflist's first plugin ADDs a pod: the print, the same JSON as printing a copy of
    the plugin's result, holds no list or dict of the conf it was given."""
    conflist = json.loads(json.dumps(CONFLISTS[name]))
    plugin = conflist["plugins"][0]
    conf = {"cniVersion": conflist["cniVersion"], "name": conflist["name"], **plugin}
    host = _worker()
    host.netns.kernel.add_netns("x")
    seen = []
    real = runtime.printed_result

    def spy(result, version, own=False):
        seen.append(printed_result(copy.deepcopy(result), version))
        return real(result, version, own)

    try:
        runtime.printed_result = spy
        out = runtime.invoke(host, plugin["type"], _env(), conf)
    except runtime.CNIError:
        return   # the bad ones fail before printing
    finally:
        runtime.printed_result = real
    assert out == seen[-1] and json.dumps(out) == json.dumps(seen[-1])
    assert not {id(c) for c in _containers(out)} & {id(c) for c in _containers(conf)}
