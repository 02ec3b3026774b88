"""kube-proxy's metric names are spelled once for every node (one string object each), and read
as kube-proxy prints them."""

import k8slab
from k8slab.components.kube_proxy.iptables import _metric_name


def test_metric_names_shared_and_spelled_as_kube_proxy():
    c = k8slab.kind(workers=2)
    names = [list(p.proxier.metrics) for p in c.kube_proxies.values()]
    assert len(names) == 3
    assert sorted(names[0]) == sorted([
        'sync_proxy_rules_iptables_total{table="filter"}', 'sync_proxy_rules_iptables_total{table="nat"}',
        'sync_proxy_rules_no_local_endpoints_total{traffic_policy="internal"}',
        'sync_proxy_rules_no_local_endpoints_total{traffic_policy="external"}'])
    for other in names[1:]:
        assert other == names[0] and all(a is b for a, b in zip(other, names[0]))


def test_metric_name_any_value():
    for value in ("filter", "", 'odd"quote', "x" * 100):
        assert _metric_name("m", "l", value) == f'm{{l="{value}"}}'
        assert _metric_name("m", "l", value) == f'm{{l="{value}"}}'
