"""Break/fix scenarios: verify() passes only once traffic works again."""

from __future__ import annotations

import pytest

import k8slab
from k8slab.exercises import ScenarioError, scenarios


def test_mtu_scenario_breaks_then_verifies_once_fixed():
    s = k8slab.scenario("mtu-overlay")
    assert "small requests" in s.symptom and s.name == "mtu-overlay"
    assert str(s) == repr(s) and 'data-scenario="mtu-overlay"' in s._repr_html_()
    first = s.verify()
    assert not first.correct and "Message too long" in str(first) and "Hint 1:" in str(first)
    # Small packets still work: that is the symptom.
    assert s.cluster.trace("pod/a", "pod/b", 80, size=100).verdict == "delivered"
    # A wrong fix: raising flannel.1's MTU on one node does not make the path fit.
    s.cluster.exec("kind-worker", "ip link set dev flannel.1 mtu 1500")
    assert not s.verify().correct
    s.cluster.exec("kind-worker", "ip link set dev flannel.1 mtu 1450")
    s.cluster.exec("pod/a", "ip link set dev eth0 mtu 1450")
    ok = s.verify()
    assert ok.correct and "1450-byte" in str(ok)


def test_mtu_scenario_recreating_the_pod_also_fixes_it():
    s = k8slab.scenario("15.mtu-overlay")
    c = s.cluster
    c.store.delete("pods", "a", "default")
    c.settle()
    assert not s.verify().correct  # no pod a: traffic does not work either
    c.store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"},
                    "spec": {"nodeName": "kind-worker", "containers": [{"name": "a", "image": "nicolaka/netshoot"}]}})
    c.settle()
    assert s.verify().correct


def test_each_scenario_is_fresh():
    a, b = k8slab.scenario("mtu-overlay"), k8slab.scenario("mtu-overlay")
    a.cluster.exec("pod/a", "ip link set dev eth0 mtu 1450")
    assert a.verify().correct and not b.verify().correct


@pytest.mark.parametrize("name", ["policy-blocks-dns"])
def test_pending_scenarios_say_not_available_yet(name):
    with pytest.raises(ScenarioError, match="not available yet") as err:
        k8slab.scenario(name)
    assert err.value._render_traceback_() == [f"ScenarioError: {err.value}"]


def test_unknown_scenario_names_close_matches():
    with pytest.raises(ScenarioError, match='Did you mean "mtu-overlay"'):
        k8slab.scenario("mtu-overlya")


def test_the_list_says_what_is_available():
    table = scenarios()
    assert table.names(available_only=True) == ["mtu-overlay", "wrong-selector", "wrong-target-port",
                                                "failing-readiness", "kube-proxy-stopped"]
    assert set(table.names()) >= {"wrong-selector", "wrong-target-port", "failing-readiness", "kube-proxy-stopped",
                                  "policy-blocks-dns", "mtu-overlay"}
    assert "pending" in str(table) and "<table" in table._repr_html_()
