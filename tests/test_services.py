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


# -- LoadBalancer (a MetalLB-like controller, layer 2) ----------------------------------------------

def lb_cluster(policy="Cluster", proxy_mode="iptables"):
    c = k8slab.kind(workers=2, proxy_mode=proxy_mode)
    c.apply(WEB.replace("spec: {selector: {app: web}, ports: [{port: 80}]}",
                        f"spec: {{type: LoadBalancer, externalTrafficPolicy: {policy}, selector: {{app: web}}, "
                        "ports: [{port: 80}]}"))
    return c


def test_load_balancer_gets_an_address_and_kubectl_shows_it():
    c = lb_cluster()
    svc = c.store.get("services", "web", "default")
    assert svc["status"]["loadBalancer"]["ingress"] == [{"ip": "172.18.255.200", "ipMode": "VIP"}]
    row = next(ln for ln in c.kubectl("get svc").splitlines() if ln.startswith("web "))
    assert row.split()[:4] == ["web", "LoadBalancer", svc["spec"]["clusterIP"], "172.18.255.200"]
    assert row.split()[4] == f"80:{svc['spec']['ports'][0]['nodePort']}/TCP"
    desc = c.kubectl("describe svc web")
    assert "LoadBalancer Ingress:     172.18.255.200" in desc
    assert 'Assigned IP ["172.18.255.200"]' in desc and "with protocol \"layer2\"" in desc
    # A second Service gets the next address; a class of another implementation stays pending.
    c.apply("apiVersion: v1\nkind: Service\nmetadata: {name: two}\n"
            "spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 8080, targetPort: 80}]}\n"
            "---\napiVersion: v1\nkind: Service\nmetadata: {name: other}\n"
            "spec: {type: LoadBalancer, loadBalancerClass: example.com/lb, selector: {app: web}, "
            "ports: [{port: 81, targetPort: 80}]}\n")
    rows = {ln.split()[0]: ln.split() for ln in c.kubectl("get svc").splitlines()[1:]}
    assert rows["two"][3] == "172.18.255.201" and rows["other"][3] == "<pending>"


def test_load_balancer_trace_from_outside_cluster_policy():
    """host -> LB IP: the elected node answers ARP (the speaker, from user space), its KUBE-SERVICES
    "loadbalancer IP" rule jumps to KUBE-EXT (masquerade), KUBE-SVC picks an endpoint; the pod
    sees the node-side address, and the answer comes back from the LB IP."""
    c = lb_cluster()
    t = c.trace("external", "172.18.255.200", 80)
    assert t.verdict == "delivered", str(t)
    arp = next(h for h in t.hops if h.stage == "arp")
    assert "answered from user space by metallb-speaker" in arp.what
    announcer = next(n for n, m in c.machines.items() if m.netns.sockets.lookup("arp", "172.18.255.200", 0))
    assert f"({announcer} eth0, " in arp.what
    assert '--comment "default/web loadbalancer IP"' in rules(t) and "KUBE-EXT-" in rules(t)
    assert "masquerade traffic for default/web external destinations" in rules(t)
    assert t.endpoint in {f"{ip}:80" for ip in pod_ips(c)}
    assert t.walk.packet.src != "172.18.0.1"  # SNAT: the client's address is gone
    assert t.reply.verdict == "delivered" and t.reply.walk.packet.src == "172.18.255.200"
    # Only the elected node announces; nothing of it shows in the kernel's neighbour tables.
    assert [n for n, m in c.machines.items() if m.netns.sockets.lookup("arp", "172.18.255.200", 0)] == [announcer]
    assert c.exec(announcer, "ip neigh show proxy") == ""


def test_load_balancer_local_policy_keeps_the_client_address():
    """externalTrafficPolicy: Local: only a node with a ready local endpoint is elected, and
    KUBE-EXT goes to KUBE-SVL without masquerading: the pod sees 172.18.0.1."""
    c = lb_cluster("Local")
    t = c.trace("external", "172.18.255.200:80")
    assert t.verdict == "delivered", str(t)
    assert t.walk.packet.src == "172.18.0.1"
    assert "KUBE-SVL-" in rules(t) and "masquerade traffic for" not in rules(t)
    node = next(h.netns for h in t.hops if h.stage == "netfilter" and "loadbalancer IP" in (h.rule or ""))
    ep_ip = t.endpoint.split(":")[0]
    pod = next(p for p in c.store.list("pods", "default") if p["status"].get("podIP") == ep_ip)
    assert c.machine(pod["spec"]["nodeName"]).netns.name == node


def test_load_balancer_moves_with_its_only_endpoint():
    """Local policy and one replica: the address is announced from the node of that replica."""
    c = lb_cluster("Local")
    c.kubectl("scale deployment web --replicas=1")
    c.settle()
    pod = next(p for p in c.store.list("pods", "default") if p["metadata"]["name"].startswith("web-")
               and not p["metadata"].get("deletionTimestamp"))
    t = c.trace("external", "172.18.255.200", 80)
    assert t.verdict == "delivered" and t.endpoint == f"{pod['status']['podIP']}:80", str(t)
    assert c.machine(pod["spec"]["nodeName"]).netns.sockets.lookup("arp", "172.18.255.200", 0) is not None


def test_load_balancer_in_ipvs_mode():
    """IPVS mode: the LB IP is also a virtual server (and bound on kube-ipvs0); the node that gets
    the frame schedules it."""
    c = lb_cluster(proxy_mode="ipvs")
    t = c.trace("external", "172.18.255.200", 80)
    assert t.verdict == "delivered", str(t)
    assert any(h.stage == "ipvs" and h.rule.startswith("TCP  172.18.255.200:80 rr") for h in t.hops)
    assert "inet 172.18.255.200/32 scope global kube-ipvs0" in c.exec("kind-worker", "ip addr show kube-ipvs0")


# -- NodePort from outside ------------------------------------------------------------------------------

def nodeport_cluster(policy="Cluster", replicas=1):
    c = k8slab.kind(workers=2)
    c.apply(WEB.replace("replicas: 2", f"replicas: {replicas}").replace(
        "spec: {selector: {app: web}, ports: [{port: 80}]}",
        f"spec: {{type: NodePort, externalTrafficPolicy: {policy}, selector: {{app: web}}, "
        "ports: [{port: 80, nodePort: 30080}]}"))
    pod = next(p for p in c.store.list("pods", "default") if p["metadata"]["name"].startswith("web-"))
    other = next(n for n in ("kind-worker", "kind-worker2") if n != pod["spec"]["nodeName"])
    return c, pod, other


def test_nodeport_from_outside_cluster_policy_is_masqueraded():
    """NodePort, Cluster policy, sent to the node without the pod: KUBE-NODEPORTS -> KUBE-EXT
    (KUBE-MARK-MASQ) -> the endpoint on the other node; the pod sees the first node's address."""
    c, pod, other = nodeport_cluster()
    t = c.trace("external", f"{other}:30080")
    assert t.verdict == "delivered", str(t)
    assert t.endpoint == f"{pod['status']['podIP']}:80"
    assert "-A KUBE-NODEPORTS" in rules(t) and "masquerade traffic for default/web external destinations" in rules(t)
    assert t.walk.packet.src == c.machine(other).ip  # SNAT to the node's address (second hop over eth0)
    assert t.reply.verdict == "delivered" and t.reply.walk.packet.src == c.machine(other).ip
    assert t.reply.walk.packet.sport == 30080
    assert c.trace("external", "node/" + other, 30080).verdict == "delivered"


def test_nodeport_local_policy_keeps_the_client_address():
    c, pod, other = nodeport_cluster("Local")
    t = c.trace("external", f"{pod['spec']['nodeName']}:30080")
    assert t.verdict == "delivered", str(t)
    assert t.endpoint == f"{pod['status']['podIP']}:80" and t.walk.packet.src == "172.18.0.1"
    assert "KUBE-SVL-" in rules(t)


def test_nodeport_local_policy_drops_on_a_node_without_a_local_endpoint():
    """The classic surprise: Local policy, the node has no local endpoint -> dropped (the client
    times out), by KUBE-EXTERNAL-SERVICES' "has no local endpoints" DROP."""
    c, pod, other = nodeport_cluster("Local")
    t = c.trace("external", f"{other}:30080")
    assert t.verdict == "dropped", str(t)
    assert t.reply is None
    assert "default/web has no local endpoints" in rules(t) and "-j DROP" in rules(t)


# -- session affinity, ExternalName, internalTrafficPolicy -----------------------------------------------

def test_session_affinity_client_ip_sticks_per_client():
    """sessionAffinity: ClientIP: `-m recent --rcheck` rules send a client back to the endpoint its
    first connection reached (`--set` in KUBE-SEP); other clients are balanced independently."""
    c = k8slab.kind(workers=2)
    c.apply(WEB.replace("spec: {selector:", "spec: {sessionAffinity: ClientIP, selector:"))
    for name in ("a", "b", "d", "e"):
        client(c, name)
    seen = {}
    for name in ("a", "b", "d", "e"):
        first = c.trace(f"pod/{name}", "svc/web", 80)
        assert "-m recent --set --name KUBE-SEP-" in rules(first)
        again = [c.trace(f"pod/{name}", "svc/web", 80) for _ in range(3)]
        assert {t.endpoint for t in again} == {first.endpoint}
        assert all("-m recent --rcheck --seconds 10800 --reap" in rules(t) for t in again)
        seen[name] = first.endpoint
    assert len(set(seen.values())) == 2  # different clients may land on different endpoints
    save = c.exec("kind-worker", "iptables-save -t nat")
    assert save.count("-m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-") == 2


def test_session_affinity_in_ipvs_mode_is_persistence():
    c = k8slab.kind(workers=2, proxy_mode="ipvs")
    c.apply(WEB.replace("spec: {selector:", "spec: {sessionAffinity: ClientIP, selector:"))
    client(c)
    vip = c.store.get("services", "web", "default")["spec"]["clusterIP"]
    assert f"TCP  {vip}:80 rr persistent 10800" in c.exec("kind-worker", "ipvsadm -Ln").splitlines()
    assert len({c.trace("pod/client", "svc/web", 80).endpoint for _ in range(4)}) == 1


def test_external_name_is_a_cname_and_no_rules():
    c = k8slab.kind(workers=2)
    c.apply("apiVersion: v1\nkind: Service\nmetadata: {name: ext}\nspec: {type: ExternalName, externalName: "
            "example.com}\n")
    client(c)
    row = next(ln for ln in c.kubectl("get svc").splitlines() if ln.startswith("ext "))
    assert row.split()[:5] == ["ext", "ExternalName", "<none>", "example.com", "<none>"]
    out = c.exec("pod/client", "nslookup ext")
    assert "canonical name = example.com." in out and "Address: 93.184.215.14" in out
    for node in c.machines:
        assert "default/ext" not in c.exec(node, "iptables-save")


def test_internal_traffic_policy_local():
    """internalTrafficPolicy: Local: KUBE-SERVICES jumps to KUBE-SVL (local endpoints only); a pod
    on a node without one is dropped (no REJECT: the client times out)."""
    c = k8slab.kind(workers=2)
    c.apply(WEB.replace("replicas: 2", "replicas: 1").replace(
        "spec: {selector:", "spec: {internalTrafficPolicy: Local, selector:"))
    pod = next(p for p in c.store.list("pods", "default") if p["metadata"]["name"].startswith("web-"))
    here = pod["spec"]["nodeName"]
    other = next(n for n in ("kind-worker", "kind-worker2") if n != here)
    client(c, "near", here)
    client(c, "far", other)
    t = c.trace("pod/near", "svc/web", 80)
    assert t.verdict == "delivered" and t.endpoint == f"{pod['status']['podIP']}:80", str(t)
    assert "KUBE-SVL-" in rules(t) and "KUBE-SVC-" not in rules(t)
    t = c.trace("pod/far", "svc/web", 80)
    assert t.verdict == "dropped" and t.reply is None, str(t)
    assert "has no local endpoints" in rules(t)


# -- proxy ARP (kernel neighbour proxy entries) -------------------------------------------------------------

def test_ip_neigh_proxy_entries():
    c = k8slab.kind(workers=1)
    n = "kind-worker"
    assert c.exec(n, "ip neigh add proxy 172.18.255.9 dev eth0") == ""
    assert c.exec(n, "ip neigh show proxy") == "172.18.255.9 dev eth0 proxy \n"
    assert c.exec(n, "ip neigh show proxy dev eth0") == "172.18.255.9 proxy \n"
    assert "172.18.255.9" not in c.exec(n, "ip neigh show")
    assert "File exists" in c.exec(n, "ip neigh add proxy 172.18.255.9 dev eth0")
    assert c.exec(n, "ip neigh del proxy 172.18.255.9 dev eth0") == "" and c.exec(n, "ip neigh show proxy") == ""


def test_proxy_arp_answers_only_where_the_kernel_would():
    """arp_process: a proxy entry is answered only with forwarding on and a unicast route to the
    address through another device. For an address of the kind network (routed out of eth0
    itself) the node stays silent; for its pod (routed to the pod's veth) it answers."""
    c = k8slab.kind(workers=1)
    n = "kind-worker"
    c.exec(n, "ip neigh add proxy 172.18.255.9 dev eth0")
    t = c.trace("external", "172.18.255.9", 80)
    assert t.verdict == "dropped" and "no answer" in next(h for h in t.hops if h.stage == "arp").what
    client(c, "p", n)
    pod_ip = c.store.get("pods", "p", "default")["status"]["podIP"]
    bridge = next(d for d in c.host.links if d.startswith("br-"))
    c.host.add_route(f"{pod_ip}/32", dev=bridge)  # the laptop sends the pod's address onto the kind network
    assert c.trace("external", "pod/p", 80).verdict == "dropped"  # no one answers ARP for it
    c.exec(n, f"ip neigh add proxy {pod_ip} dev eth0")
    t = c.trace("external", "pod/p", 80)
    arp = next(h for h in t.hops if h.stage == "arp")
    assert f"proxy ARP: {pod_ip} dev eth0 proxy" in arp.what and f"({n} eth0, " in arp.what, str(t)
    assert t.walk.netns == c.sandbox("p").netns.name  # forwarded by the node to the pod
    c.exec(n, "sysctl -w net.ipv4.ip_forward=0")
    c.host.neigh.flush_dev(c.host.link(bridge))
    assert "no answer" in next(h for h in c.trace("external", "pod/p", 80).hops if h.stage == "arp").what


# -- iptables mode: ClusterIP on the same node and across nodes, hairpin ----------------------------

def test_cluster_ip_same_node_and_other_node_iptables():
    """The statistic rule picks the endpoint with the seeded random source (DNAT in the client's
    node PREROUTING); conntrack un-DNATs the answer so it comes from the ClusterIP."""
    c = k8slab.kind(workers=2)
    c.apply(WEB)
    client(c)
    vip = c.store.get("services", "web", "default")["spec"]["clusterIP"]
    by_node = {p["status"]["podIP"]: p["spec"]["nodeName"] for p in c.store.list("pods", "default")
               if p["metadata"]["name"].startswith("web-")}
    seen = {}
    for _ in range(12):
        t = c.trace("pod/client", "svc/web", 80)
        assert t.verdict == "delivered", str(t)
        assert "KUBE-SEP-" in rules(t)
        dnat = next(h for h in t.hops if h.stage == "netfilter" and "DNAT" in h.what)
        assert t.where(dnat) == "kind-worker" and dnat.before.dst == vip
        assert t.reply.walk.packet.src == vip and any("un-DNAT" in h.what for h in t.reply.hops)
        seen[by_node[t.endpoint.split(":")[0]]] = t
    assert set(seen) == {"kind-worker", "kind-worker2"}, "both endpoints picked over a dozen connections"
    assert any("-m statistic --mode random --probability 0.50000000000" in rules(t) for t in seen.values())
    across = seen["kind-worker2"]
    assert any(t_h.netns == c.machine("kind-worker2").netns.name for t_h in across.hops)
    assert all(h.netns != c.machine("kind-worker2").netns.name for h in seen["kind-worker"].hops)


def test_hairpin_through_the_service_is_masqueraded():
    """A pod reaching itself through its Service: KUBE-SEP's `-s <ep> -j KUBE-MARK-MASQ`, then
    MASQUERADE, so the pod sees a node-side address as the source."""
    c = k8slab.kind(workers=2)
    c.apply(WEB.replace("replicas: 2", "replicas: 1"))
    pod = next(p for p in c.store.list("pods", "default") if p["metadata"]["name"].startswith("web-"))
    ip = pod["status"]["podIP"]
    t = c.trace(f"pod/{pod['metadata']['name']}", "svc/web", 80)
    assert t.verdict == "delivered" and t.endpoint == f"{ip}:80", str(t)
    assert "-A KUBE-SEP-" in rules(t) and f"-s {ip}/32" in rules(t) and "MASQUERADE" in rules(t)
    assert t.walk.packet.src != ip
    assert t.reply.verdict == "delivered"
