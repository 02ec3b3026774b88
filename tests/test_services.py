"""Services at cluster level: traces through what kube-proxy (iptables or IPVS mode) programmed.

Each test builds a kind cluster (``k8slab.kind``), applies manifests, and asserts the hops,
verdicts and endpoints of ``c.trace`` and the output of the node tools. The walk asks only the
data plane; these tests are the classic Service behaviours of issue 5.
"""

from __future__ import annotations

import pytest

import k8slab

WEB = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: nginx, image: "nginx:1.27"}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80}]}
"""

CLIENT = """\
apiVersion: v1
kind: Pod
metadata: {name: %(name)s}
spec:
  nodeName: %(node)s
  containers: [{name: c, image: nicolaka/netshoot}]
"""


def client(c, name="client", node="kind-worker"):
    c.apply(CLIENT % {"name": name, "node": node})


def pod_ips(c, app="web"):
    return sorted(p["status"]["podIP"] for p in c.store.list("pods", "default")
                  if p["metadata"].get("labels", {}).get("app") == app)


def stages(t):
    return [h.stage for h in t.hops]


def rules(t):
    return "\n".join(h.rule or "" for h in t.hops)


# -- IPVS mode ------------------------------------------------------------------------------------

@pytest.fixture
def ipvs():
    c = k8slab.kind(workers=2, proxy_mode="ipvs")
    c.apply(WEB)
    client(c)
    return c


def test_ipvs_cluster_ip_trace(ipvs):
    """pod -> ClusterIP in IPVS mode: PREROUTING ACCEPTs (KUBE-CLUSTER-IP set), the VIP is local
    (kube-ipvs0), IPVS at LOCAL_IN picks a real server round robin, the DNATed packet leaves by
    the node's route; the answer is rewritten back to the VIP at FORWARD."""
    c = ipvs
    vip = c.store.get("services", "web", "default")["spec"]["clusterIP"]
    eps = pod_ips(c)
    t = c.trace("pod/client", "svc/web", 80)
    assert t.verdict == "delivered", str(t)
    assert t.endpoint == f"{eps[0]}:80"  # rr starts with the first real server
    hop = next(h for h in t.hops if h.stage == "ipvs")
    assert t.where(hop) == "kind-worker"
    assert hop.rule.splitlines()[0] == f"TCP  {vip}:80 rr"
    assert hop.rule.splitlines()[1].startswith(f"  -> {eps[0]}:80")
    assert (hop.before.dst, hop.after.dst) == (vip, eps[0])
    assert f"local {vip} dev kube-ipvs0" in rules(t)
    assert "-A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT" in rules(t)
    assert "KUBE-SVC-" not in rules(t) and "DNAT" not in rules(t)  # no iptables DNAT in IPVS mode
    assert t.walk.packet.src == c.store.get("pods", "client", "default")["status"]["podIP"]  # not masqueraded
    assert t.reply.verdict == "delivered"
    back = next(h for h in t.reply.hops if h.stage == "ipvs")
    assert (back.before.src, back.after.src) == (eps[0], vip) and t.reply.walk.packet.src == vip
    # Round robin: the next connections alternate.
    assert [c.trace("pod/client", "svc/web", 80).endpoint for _ in range(3)] == [
        f"{eps[1]}:80", f"{eps[0]}:80", f"{eps[1]}:80"]


def test_ipvs_from_a_node_is_masqueraded(ipvs):
    """From the node itself (source: the VIP, as the local route picks it): IPVS at LOCAL_OUT,
    KUBE-MARK-MASQ (source not in the pod CIDR), MASQUERADE to the outgoing device's address."""
    c = ipvs
    vip = c.store.get("services", "web", "default")["spec"]["clusterIP"]
    t = c.trace("kind-worker", "svc/web", 80)
    assert t.verdict == "delivered", str(t)
    assert t.hops[0].after.src == vip and t.hops[2].stage == "netfilter" and t.hops[3].stage == "ipvs"
    node_addrs = {str(a.local) for a in c.machine("kind-worker").netns.addresses() if a.dev.name != "kube-ipvs0"}
    assert t.walk.packet.src in node_addrs and "MASQUERADE" in rules(t)
    assert t.reply.verdict == "delivered" and t.reply.walk.packet.src == vip


def test_ipvsadm_lists_virtual_and_real_servers(ipvs):
    c = ipvs
    vip = c.store.get("services", "web", "default")["spec"]["clusterIP"]
    eps = pod_ips(c)
    out = c.exec("kind-worker", "ipvsadm -Ln")
    lines = out.splitlines()
    assert lines[:3] == ["IP Virtual Server version 1.2.1 (size=4096)", "Prot LocalAddress:Port Scheduler Flags",
                         "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn"]
    assert "TCP  10.96.0.10:53 rr" in lines and "UDP  10.96.0.10:53 rr" in lines
    assert "TCP  10.96.0.1:443 rr" in lines and "  -> 172.18.0.3:6443              Masq    1      0          0         " \
        in lines
    i = lines.index(f"TCP  {vip}:80 rr")
    assert [ln.rstrip() for ln in lines[i + 1:i + 3]] == [
        f"  -> {eps[0] + ':80':<28} Masq    1      0          0", f"  -> {eps[1] + ':80':<28} Masq    1      0          0"]
    c.trace("pod/client", "svc/web", 80)  # a SYN: an inactive connection on the first real server
    one = c.exec("kind-worker", f"ipvsadm -Ln -t {vip}:80").splitlines()
    assert one[0] == "Prot LocalAddress:Port Scheduler Flags" and one[2] == f"TCP  {vip}:80 rr"
    assert one[3].split() == ["->", f"{eps[0]}:80", "Masq", "1", "0", "1"]
    assert "TCP  10.96.0.1:https rr" in c.exec("kind-worker", "ipvsadm -L")  # names without -n
    assert c.exec("kind-worker", "ipvsadm -Ln -t 10.0.0.1:1") == "No such service\n"
    assert "Try `ipvsadm -h'" in c.exec("kind-worker", "ipvsadm --bogus")


def test_kube_ipvs0_holds_the_cluster_ips(ipvs):
    c = ipvs
    vip = c.store.get("services", "web", "default")["spec"]["clusterIP"]
    out = c.exec("kind-worker", "ip addr show kube-ipvs0")
    assert "kube-ipvs0:" in out and "state DOWN" in out
    for ip in ("10.96.0.1", "10.96.0.10", vip):
        assert f"inet {ip}/32 scope global kube-ipvs0" in out


def test_ipvs_ping_to_a_cluster_ip_is_rejected_since_1_27(ipvs):
    """kube-proxy 1.33: KUBE-IPVS-FILTER rejects what no set accepts (ICMP echo included), so a
    ClusterIP answers ping with port unreachable, from the VIP itself (it is a local address)."""
    c = ipvs
    vip = c.store.get("services", "web", "default")["spec"]["clusterIP"]
    t = c.trace("pod/client", "svc/web", proto="icmp")
    assert t.verdict == "rejected", str(t)
    assert "KUBE-IPVS-FILTER" in rules(t) and "KUBE-IPVS-IPS dst -j REJECT" in rules(t)
    assert t.reason == f"Connection refused: ICMP port-unreachable from {vip}"
    out = c.exec("pod/client", f"ping -c 1 {vip}")
    assert f"From {vip} icmp_seq=1 Destination Port Unreachable" in out
    # A port the Service does not expose: the same filter refuses the SYN.
    t = c.trace("pod/client", "svc/web", 81)
    assert t.verdict == "rejected" and "KUBE-IPVS-FILTER" in rules(t)


def test_ipvs_curl_and_dns(ipvs):
    out = ipvs.exec("pod/client", "curl -s web")
    assert "Welcome to nginx!" in out
    out = ipvs.exec("pod/client", "nslookup web")
    assert "Name:\tweb.default.svc.cluster.local" in out
