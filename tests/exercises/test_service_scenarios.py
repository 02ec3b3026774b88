"""The Services break/fix scenarios: broken at start (as the symptom says), fixed by the reference
solution, not fixed by a plausible wrong fix. verify() asks the data plane (curl and traces)."""

from __future__ import annotations

import pytest

import k8slab
from k8slab.exercises import catalogue, vault
from k8slab.exercises.validate import _run

COULDNT = "curl: (7) Failed to connect to web port 80 after 0 ms: Couldn't connect to server"
SERVICE = """
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    {selector}
  ports:
  - name: http
    port: 80
    targetPort: {target}
"""


def solve(s) -> None:
    """Run the scenario's reference fix (decoded from the catalogue, as the instructor tools do)."""
    code = vault.reveal(s.exercise.id, s.exercise.solution)["code"]
    _run(code, s.cluster, catalogue.module_of(s.exercise.id))


def example(s, name: str) -> None:
    _run(s.exercise.misconception(name).example, s.cluster, catalogue.module_of(s.exercise.id))


def curl(s, src="pod/client", url="http://web") -> str:
    return s.cluster.exec(src, f"curl -sS {url}")


# -- wrong selector ---------------------------------------------------------------------------------------------

def test_wrong_selector_is_broken_as_the_user_says():
    s = k8slab.scenario("wrong-selector")
    assert COULDNT in s.symptom
    assert curl(s) == COULDNT + "\n"                    # refused at once: kube-proxy REJECTs, no endpoints
    assert "Welcome to nginx!" not in curl(s)
    assert curl(s, url="http://api").strip() == "shop api v1"          # the other Service works
    assert "0/1" not in s.cluster.kubectl("get pods")   # the pods are Ready
    first = s.verify()
    assert not first.correct and first.misconception is None and "Hint 1:" in str(first)
    assert "ICMP port-unreachable" in str(first)


def test_wrong_selector_is_fixed_by_its_solution():
    s = k8slab.scenario("wrong-selector")
    solve(s)
    assert "Welcome to nginx!" in curl(s)
    assert s.verify().correct


def test_wrong_selector_too_broad_selector_is_named():
    s = k8slab.scenario("wrong-selector")
    example(s, "too-broad")
    got = s.verify()
    assert not got.correct and got.misconception == "too-broad" and "api pods" in str(got)


def test_wrong_selector_recreating_the_service_does_not_fix_it():
    s = k8slab.scenario("wrong-selector")
    s.cluster.kubectl("delete service web")
    s.cluster.apply(SERVICE.format(selector="app: web", target=80))
    assert curl(s) == COULDNT + "\n"
    assert not s.verify().correct


# -- wrong targetPort ---------------------------------------------------------------------------------------------

def test_wrong_target_port_is_broken_as_the_user_says():
    s = k8slab.scenario("wrong-target-port")
    assert curl(s) == COULDNT + "\n"
    pod_ip = s.cluster.store.list("pods", "default", "app=web")[0]["status"]["podIP"]
    assert "Welcome to nginx!" in curl(s, url=f"http://{pod_ip}")       # the pod answers directly
    assert "10.244." in s.cluster.kubectl("get endpointslices")        # the endpoints exist
    t = s.cluster.trace("pod/client", "svc/web", 80)
    assert t.verdict == "rejected" and "nothing listens on" in t.reason and t.reason.endswith(":8080")
    got = s.verify()
    assert not got.correct and got.misconception is None and "nothing listens on" in str(got)


def test_wrong_target_port_is_fixed_by_its_solution():
    s = k8slab.scenario("wrong-target-port")
    solve(s)
    assert s.verify().correct


def test_wrong_target_port_swapping_port_and_target_port_is_named():
    s = k8slab.scenario("wrong-target-port")
    example(s, "port-vs-targetport")
    assert curl(s).startswith("curl: (28)")               # now it hangs: nothing matches web:80
    got = s.verify()
    assert not got.correct and got.misconception == "port-vs-targetport"


def test_wrong_target_port_declaring_the_container_port_does_not_open_it():
    """containerPort is information: nginx still listens on 80, so the Service still hits a closed port."""
    s = k8slab.scenario("wrong-target-port")
    s.cluster.apply({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "labels": {"app": "web"}},
                     "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                              "template": {"metadata": {"labels": {"app": "web"}},
                                           "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27",
                                                                    "ports": [{"name": "http", "containerPort": 8080}]}]}}}})
    s.cluster.advance(30)
    assert curl(s) == COULDNT + "\n"
    got = s.verify()
    assert not got.correct and "nothing listens on" in str(got)


# -- failing readiness --------------------------------------------------------------------------------------------

def test_failing_readiness_is_broken_as_the_user_says():
    s = k8slab.scenario("failing-readiness")
    pods = s.cluster.kubectl("get pods -l app=web")
    assert pods.count("0/1     Running") == 2
    assert curl(s) == COULDNT + "\n"
    pod_ip = s.cluster.store.list("pods", "default", "app=web")[0]["status"]["podIP"]
    assert "500 Internal Server Error" in s.cluster.exec("pod/client", f"curl -sv http://{pod_ip}/")
    got = s.verify()
    assert not got.correct and got.misconception is None


def test_failing_readiness_is_fixed_by_its_solution():
    s = k8slab.scenario("failing-readiness")
    solve(s)
    assert s.cluster.kubectl("get pods -l app=web").count("1/1     Running") == 2
    assert s.verify().correct


def test_failing_readiness_deleting_the_pods_also_fixes_it():
    s = k8slab.scenario("failing-readiness")
    s.cluster.kubectl("delete pods -l app=web")
    s.cluster.advance(30)
    assert s.verify().correct


def test_failing_readiness_publishing_unready_pods_is_named():
    s = k8slab.scenario("failing-readiness")
    example(s, "serves-unready")
    got = s.verify()
    assert not got.correct and got.misconception == "serves-unready" and "HTTP 500" in str(got)


def test_failing_readiness_recreating_the_service_does_not_fix_it():
    s = k8slab.scenario("failing-readiness")
    s.cluster.kubectl("delete service web")
    s.cluster.apply(SERVICE.format(selector="app: web", target=80))
    assert not s.verify().correct


# -- kube-proxy stopped on kind-worker2 (its pod crash-loops; deleting it starts kube-proxy again) ------------------

def _kube_proxy_scenario():
    ex = catalogue.by_id()["15.kube-proxy-stopped"]
    assert not ex.pending
    return ex, ex.setup()


def test_kube_proxy_stopped_is_broken_on_kind_worker2_only():
    ex, c = _kube_proxy_scenario()
    assert "Welcome to nginx!" in c.exec("pod/client-1", "curl -sS http://web")
    assert c.exec("pod/client-2", "curl -sS http://web").startswith("curl: (28)")
    assert "default/web" in c.exec("kind-worker", "iptables-save -t nat")
    assert "default/web" not in c.exec("kind-worker2", "iptables-save -t nat")
    got = ex.probe(c)
    assert not got.ok and got.code == "timeout" and "client-2" in got.detail


def test_kube_proxy_stopped_recreating_the_service_does_not_fix_it():
    ex, c = _kube_proxy_scenario()
    c.kubectl("delete service web")
    c.apply(SERVICE.format(selector="app: web", target=80))
    assert not ex.probe(c).ok


def test_kube_proxy_stopped_moving_the_client_is_named():
    ex, c = _kube_proxy_scenario()
    _run(ex.misconception("moved-client").example, c, catalogue.module_of(ex.id))
    got = ex.probe(c)
    assert not got.ok and got.code == "moved-client"


def test_kube_proxy_stopped_is_fixed_by_its_solution():
    ex, c = _kube_proxy_scenario()
    _run(vault.reveal(ex.id, ex.solution)["code"], c, catalogue.module_of(ex.id))
    assert ex.probe(c).ok


# -- every scenario -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["wrong-selector", "wrong-target-port", "failing-readiness"])
def test_service_scenarios_are_deterministic_and_independent(name):
    """The same broken cluster every time, whatever was built before in the same process."""
    first = k8slab.scenario(name)
    k8slab.scenario("wrong-target-port").cluster.kubectl("rollout restart deployment web")
    second = k8slab.scenario(name)
    for s in (first, second):
        assert not s.verify().correct
    assert first.cluster.kubectl("get pods -o wide") == second.cluster.kubectl("get pods -o wide")
    assert first.exercise.probe(first.cluster) == second.exercise.probe(second.cluster)
    solve(first)
    assert first.verify().correct and not second.verify().correct
