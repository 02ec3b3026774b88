"""curl, ping, nc and the DNS tools in a pod: names resolved by real DNS packets, connections walked."""

from __future__ import annotations

import pytest

import k8slab


@pytest.fixture(scope="module")
def c():
    c = k8slab.kind(workers=2)
    c.kubectl("create deployment web --image=nginx --replicas=2")
    c.kubectl("expose deployment web --port=80")
    c.kubectl("run client --image=nicolaka/netshoot -- sleep infinity")
    return c


def test_curl_reaches_a_service_by_name(c):
    out = c.exec("pod/client", "curl -s http://web")
    assert "<title>Welcome to nginx!</title>" in out
    # The name went through the pod's resolver: a UDP query to 10.96.0.10, DNATed to a CoreDNS pod.
    counters = c.exec("kind-worker", "iptables -t nat -L KUBE-SVC-TCOU7JCQXEZGVUNU -n -v -x") + c.exec(
        "kind-worker2", "iptables -t nat -L KUBE-SVC-TCOU7JCQXEZGVUNU -n -v -x")
    assert any(line.split()[0] not in ("0", "pkts", "Chain") for line in counters.splitlines() if line.strip())


def test_curl_errors_as_curl_prints_them(c):
    assert c.exec("pod/client", "curl http://nope") == "curl: (6) Could not resolve host: nope\n"
    # A port the Service does not have matches no rule: the packet leaves the cluster and is lost.
    assert c.exec("pod/client", "curl http://web:81").startswith("curl: (28) Failed to connect to web port 81")


def test_nslookup_and_dig_answer_from_coredns(c):
    ip = c.store.get("services", "web", "default")["spec"]["clusterIP"]
    assert f"Name:\tweb.default.svc.cluster.local\nAddress: {ip}\n" in c.exec("pod/client", "nslookup web")
    assert c.exec("pod/client", "dig +short web.default.svc.cluster.local") == f"{ip}\n"
    assert c.exec("pod/client", "getent hosts web").split() == [ip, "web.default.svc.cluster.local"]


def test_ping_a_cluster_ip_gets_no_answer_in_iptables_mode(c):
    out = c.exec("pod/client", "ping -c 2 web")
    assert "2 packets transmitted, 0 received, 100% packet loss" in out
    pod_ip = c.store.list("pods", "default", label_selector="app=web")[0]["status"]["podIP"]
    assert "2 received, 0% packet loss" in c.exec("pod/client", f"ping -c 2 {pod_ip}")


def test_nc_checks_ports(c):
    assert c.exec("pod/client", "nc -zv web 80").startswith("Connection to web (10.96.")
    assert "succeeded!" in c.exec("pod/client", "nc -zv kube-dns.kube-system 53")
