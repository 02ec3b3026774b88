"""The model-to-view functions: boxes, edges, positions and labels from a cluster and a trace."""

from __future__ import annotations

import k8slab
from k8slab.notebook import model
from k8slab.notebook.player import steps
from k8slab.notebook.views import layers_model

from .conftest import make


def _overlap(a, b) -> bool:
    return a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.y + b.h and b.y < a.y + a.h


def test_kind_topology_has_nodes_pods_veths_and_the_node_network(kind_cluster):
    t = model.topology(kind_cluster)
    kinds = {}
    for b in t.boxes:
        kinds.setdefault(b.kind, []).append(b.label)
    assert kinds["node"] == ["kind-control-plane", "kind-worker", "kind-worker2"]
    assert sorted(p for p in kinds["pod"] if "/" not in p) == ["client", "web"]  # kube-system pods are namespaced
    assert sorted(p.rsplit("-", 2)[0] for p in kinds["pod"] if "/" in p) == [
        "kube-system/coredns", "kube-system/coredns", "local-path-storage/local-path-provisioner"]
    assert kinds["network"] == ["node network 172.18.0.0/16"]
    client = next(b for b in t.boxes if b.kind == "pod" and b.label == "client")
    assert client.lines[0] == "10.244.1.2" and client.parent == "node:kind-worker"
    veths = [e for e in t.edges if e.kind == "veth"]
    assert len(veths) == 5 + 3  # five pods' pairs, three node eth0 <-> docker bridge ports
    assert not [e for e in t.edges if e.kind == "tunnel"]  # kindnet routes, no VXLAN


def test_flannel_topology_has_cni0_and_vxlan_tunnels_between_every_pair(flannel_cluster):
    t = model.topology(flannel_cluster)
    devs = {b.label.split()[0] for b in t.boxes if b.kind == "dev"}
    assert {"cni0", "flannel.1", "eth0"} <= devs
    tunnels = [(e.a, e.b) for e in t.edges if e.kind == "tunnel"]
    assert tunnels == [("dev:kind-control-plane:flannel.1", "dev:kind-worker:flannel.1"),
                       ("dev:kind-control-plane:flannel.1", "dev:kind-worker2:flannel.1"),
                       ("dev:kind-worker:flannel.1", "dev:kind-worker2:flannel.1")]
    assert [e for e in t.edges if e.kind == "port"]  # veths enslaved to cni0


def test_boxes_of_one_parent_do_not_overlap(flannel_cluster):
    t = model.topology(flannel_cluster)
    by_parent = {}
    for b in t.boxes:
        if b.kind in ("dev", "pod") and b.parent and b.parent.startswith("node:"):
            by_parent.setdefault(b.parent, []).append(b)
    for boxes in by_parent.values():
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                assert not _overlap(a, b), (a, b)
    for b in t.boxes:  # everything inside the picture
        assert 0 <= b.x and b.x + b.w <= t.width and 0 <= b.y and b.y + b.h <= t.height, b


def test_pause_containers_on_request(kind_cluster):
    plain = model.topology(kind_cluster)
    shown = model.topology(kind_cluster, pause=True)
    pod = next(b for b in shown.boxes if b.kind == "pod")
    assert any("pause" in line for line in pod.lines)
    assert not any("pause" in line for b in plain.boxes for line in b.lines)


def test_pod_details_are_ip_addr_and_ip_route(kind_cluster):
    t = model.topology(kind_cluster)
    pid = next(b.id for b in t.boxes if b.kind == "pod" and b.label == "client")
    text = t.details[pid]
    assert "$ ip addr" in text and "inet 10.244.1.2/24 scope global eth0" in text
    assert "default via 10.244.1.1 dev eth0" in text


def test_services_are_virtual_ips_linked_to_their_endpoints(kind_cluster):
    c = make("kind")
    c.store.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
                    "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}})
    c.settle()
    t = model.topology(c)
    svc = [b for b in t.boxes if b.kind == "svc"]
    assert [b.label.split()[0] for b in svc] == ["svc/kubernetes", "svc/web", "svc/kube-dns"]
    assert svc[1].label.startswith("svc/web  10.96.")
    assert any(b.kind == "services" for b in t.boxes)


def test_text_is_deterministic_across_builds():
    a = model.topology(make("flannel")).text()
    b = model.topology(make("flannel")).text()
    assert a == b
    assert "tunnel kind-worker flannel.1 <-> kind-worker2 flannel.1" in a


def test_trace_path_maps_hops_onto_boxes(flannel_cluster):
    t = model.topology(flannel_cluster)
    tr = flannel_cluster.trace("pod/client", "pod/web", 80)
    pts = model.path(t, tr)
    assert len(pts) == len(tr.hops) + len(tr.reply.hops)
    boxes = [p.box for p in pts if not p.reply]
    assert boxes[0].startswith("pod:") and boxes[-1].startswith(("pod:", "dev:cni-"))
    assert "dev:kind-worker:flannel.1" in boxes and "dev:kind-worker2:flannel.1" in boxes
    assert all(p.box is not None for p in pts)


def test_player_steps_show_vxlan_outer_and_inner_and_counters(flannel_cluster):
    t = model.topology(flannel_cluster)
    tr = flannel_cluster.trace("pod/client", "pod/web", 80)
    st = steps(tr, t, flannel_cluster.kernel.namespaces.get)
    encap = next(s for s in st if s["stage"] == "vxlan-encap")
    assert "(outer)" in encap["html"] and "(inner)" in encap["html"] and 'class="chg"' in encap["html"]
    nf = next(s for s in st if s["stage"] == "netfilter")
    assert nf["rule"][0].startswith("[") and " pkts " in nf["rule"][0]
    assert st[0]["where"] == "pod/client" and not st[0]["reply"]
    assert any(s["first_reply"] for s in st)


def test_player_steps_show_dnat_before_and_after():
    from k8slab.linux.netfilter import Netfilter  # noqa: F401 (the nat rule below is loaded by hand)

    c = make("kind")
    ns = c.machines["kind-worker"].netns
    out, err, rc = ns.netfilter.iptables(["-t", "nat", "-I", "PREROUTING", "1", "-d", "10.96.0.50", "-p", "tcp",
                                          "--dport", "80", "-j", "DNAT", "--to-destination", "10.244.2.2:80"])
    assert rc == 0, err
    tr = c.trace("pod/client", "10.96.0.50", 80)
    st = steps(tr, model.topology(c), c.kernel.namespaces.get)
    dnat = next(s for s in st if s["stage"] == "netfilter" and "DNAT" in s["what"])
    assert "before" in dnat["html"] and "after" in dnat["html"]
    assert '<span class="chg">dst=10.244.2.2</span>' in dnat["html"]
    assert "[1 pkts" in dnat["rule"][0]


def test_layers_model_counts_the_vxlan_overhead():
    m = layers_model(k8slab.notebook.views.example_vxlan_packet())
    assert [r["bytes"] for r in m["rows"][:4]] == [14, 20, 8, 8]
    assert m["overhead"] == 50
    labels = [e["label"] for e in m["envelopes"]]
    assert labels[:4] == ["outer Ethernet frame", "outer IP packet", "outer UDP datagram",
                          "VXLAN header + the original frame"]
