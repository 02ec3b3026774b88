"""kube-proxy's maps shared between nodes: each node gets exactly the maps it would work out alone."""

import copy

from k8slab.components.kube_proxy.model import SharedMaps, endpoints_map, service_port_map


def _svc(name, port=80, **spec):
    return {"metadata": {"namespace": "default", "name": name},
            "spec": {"clusterIP": f"10.96.0.{port % 250}", "ports": [{"name": "http", "port": port}], **spec}}


def _slice(name, svc, endpoints, port=8080):
    return {"metadata": {"namespace": "default", "name": name, "labels": {"kubernetes.io/service-name": svc}},
            "addressType": "IPv4", "ports": [{"name": "http", "port": port, "protocol": "TCP"}],
            "endpoints": endpoints}


def _ep(ip, node, **cond):
    return {"addresses": [ip], "nodeName": node, "conditions": {"ready": True, **cond}}


SERVICES = [_svc("web"), _svc("local", 81, internalTrafficPolicy="Local"), {"metadata": {}}]
SLICES = [
    _slice("web-a", "web", [_ep("10.244.1.2", "n1"), _ep("10.244.2.2", "n2"), _ep("10.244.3.2", None)]),
    # the same address in two slices: the local copy wins on its node
    _slice("web-b", "web", [_ep("10.244.1.2", "n3", ready=False)]),
    _slice("local-a", "local", [_ep("10.244.2.9", "n2", serving=True, terminating=True, ready=False),
                                _ep("10.244.4.4", ["odd"]), _ep("10.244.5.5", 7)]),
    {"metadata": {"namespace": "default", "name": "nolabel"}},
    {"metadata": {"name": "bad", "labels": {"kubernetes.io/service-name": "web"}}, "ports": [{"port": 1}],
     "endpoints": [None]},
]


def _eps(ep_map):
    return {str(k): [(e.ip, e.port, e.is_local, e.ready, e.serving, e.terminating, e.node_name, e.chain)
                     for e in v] for k, v in ep_map.items()}, list(ep_map.skipped)


def test_every_node_gets_the_maps_it_would_work_out_alone():
    shared = SharedMaps()
    for node in ["n1", "n2", "n3", "n4", "n2", None, "odd", "7", "n1"]:
        assert _eps(shared.endpoints(SLICES, node)) == _eps(endpoints_map(SLICES, node))
        spm = shared.services(SERVICES)
        alone = service_port_map(SERVICES)
        assert list(spm) == list(alone) and spm.skipped == alone.skipped
        assert [vars(v) for v in spm.values()] == [vars(v) for v in alone.values()]
    assert shared.services(list(SERVICES)) is shared.services(SERVICES)   # worked out once
    assert shared.endpoints(list(SLICES), "n4") is shared.endpoints(SLICES, "n5")
    assert shared.endpoints(SLICES, "n1") is not shared.endpoints(SLICES, "n1")   # its own, local endpoints


def test_a_changed_object_is_a_new_one_and_is_worked_out_again():
    shared = SharedMaps()
    slices = list(SLICES)
    before = shared.endpoints(slices, "n9")
    changed = copy.deepcopy(slices[0])   # the store's way: a change is a new dict
    changed["endpoints"].append(_ep("10.244.9.9", "n9"))
    slices[0] = changed
    after = shared.endpoints(slices, "n9")
    assert after is not before and _eps(after) == _eps(endpoints_map(slices, "n9"))
    assert any(e.is_local for eps in after.values() for e in eps)
    assert _eps(shared.endpoints(slices[::-1], "n1")) == _eps(endpoints_map(slices[::-1], "n1"))
    assert _eps(shared.endpoints(slices[:1], "n2")) == _eps(endpoints_map(slices[:1], "n2"))
    services = [_svc("web", 90)]
    assert [v.port for v in shared.services(services).values()] == [90]
    assert [v.port for v in shared.services([_svc("web", 91)]).values()] == [91]


def test_each_node_gets_the_rules_it_would_work_out_alone():
    from dataclasses import asdict

    from k8slab.components.kube_proxy.iptables import ProxierConfig, shared_rules, sync_proxy_rules
    from tests.components.test_kube_proxy_iptables import overall_objects

    services, slices = overall_objects()
    plain = [s for s in services if s["metadata"]["name"] != "svc5"]   # no loadBalancerSourceRanges
    shared = SharedMaps()
    # (node name, its addresses, config changes, nat chains it has, cleanup): in turns, as nodes sync
    nodes = [
        ("n1", ["192.168.0.2"], {}, ["KUBE-SERVICES"], True),
        ("n2", ["192.168.0.3"], {}, ["KUBE-SERVICES"], True),
        ("n8", ["192.168.0.8"], {"cluster_cidr": None}, ["KUBE-SERVICES"], True),
        ("n10", ["192.168.0.11"], {"masquerade_all": True}, ["KUBE-SERVICES"], True),
        ("n3", ["203.0.113.9"], {}, ["KUBE-SERVICES"], True),         # inside svc5's source range
        ("n4", ["192.168.0.4"], {}, ["KUBE-SVC-STALE", "KUBE-SERVICES"], True),
        ("n5", ["192.168.0.5"], {}, ["KUBE-SVC-STALE"], False),
        ("n6", ["192.168.0.6"], {"node_port_addresses": ["primary"]}, [], True),
        ("n7", ["192.168.0.7"], {"node_port_addresses": ["primary"]}, [], True),
        ("n8", ["192.168.0.8"], {"cluster_cidr": None}, [], True),
        ("n9", ["192.168.0.9"], {"sync_period": 5.0}, [], True),
        ("kind-worker", ["192.168.0.10"], {}, [], True),               # named by an endpoint: its own map
        ("n2", ["192.168.0.3"], {}, ["KUBE-SERVICES"], True),
    ]
    for svcs in (services, plain):
        for name, ips, changes, existing, cleanup in nodes * 2:
            config = ProxierConfig(**{**asdict(ProxierConfig(name, ips)), **changes})
            svc_map, ep_map = shared.services(svcs), shared.endpoints(slices, name)
            got = shared_rules(svc_map, ep_map, config, existing, cleanup)
            alone = sync_proxy_rules(service_port_map(svcs), endpoints_map(slices, name), config, existing, cleanup)
            assert vars(got) == vars(alone), (name, changes)
    first, second = (shared_rules(shared.services(plain), shared.endpoints(slices, n), ProxierConfig(n, [ip]))
                     for n, ip in (("n1", "192.168.0.2"), ("n2", "192.168.0.3")))
    assert first is second   # worked out once
    # maps that are not frozen (a caller's own, which it may change) are worked out each time
    spm, epm = service_port_map(plain), endpoints_map(slices, "x")
    config = ProxierConfig("x", ["192.168.0.2"])
    before = shared_rules(spm, epm, config)
    next(iter(spm.values())).cluster_ip = "10.96.0.99"
    assert shared_rules(spm, epm, config).text != before.text
