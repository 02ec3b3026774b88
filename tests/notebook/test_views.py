"""The views' static fallbacks: deterministic text/plain and SVG, byte-identical across runs."""

from __future__ import annotations

import subprocess
import sys
import xml.dom.minidom

from k8slab.notebook.chains import ChainView, chain_model
from k8slab.notebook.views import layers

from .conftest import make

SCRIPT = """
import hashlib, sys
sys.path.insert(0, {root!r})
from tests.notebook.conftest import make
c = make("flannel")
t = c.trace("pod/client", "pod/web", 80)
parts = [c.show().svg(), c.show().text(), c.show(trace=t).svg(), t.show(c).svg(), t.show(c).text()]
print(hashlib.sha256("\\x00".join(parts).encode()).hexdigest())
"""


def test_static_images_are_byte_identical_across_processes():
    from pathlib import Path

    root = str(Path(__file__).resolve().parents[2])
    outs = {subprocess.run([sys.executable, "-c", SCRIPT.format(root=root)], capture_output=True, text=True,
                           check=True).stdout for _ in range(2)}
    assert len(outs) == 1


def test_svgs_are_well_formed(flannel_cluster):
    t = flannel_cluster.trace("pod/client", "pod/web", 80)
    for svg in (flannel_cluster.show().svg(), flannel_cluster.show(trace=t, pause=True).svg(), t.show().svg(),
                layers().svg(), ChainView(flannel_cluster.machines["kind-worker"].netns).svg()):
        xml.dom.minidom.parseString(svg)


def test_mimebundle_outside_a_kernel_is_text_and_svg(kind_cluster):
    bundle = kind_cluster.show()._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "image/svg+xml"}
    assert bundle["text/plain"].startswith("Cluster kind: 3 nodes, 5 pods, 2 services (cni kindnet")
    assert repr(kind_cluster.show()) == bundle["text/plain"]


def test_topology_text_with_a_trace_names_the_path(kind_cluster):
    t = kind_cluster.trace("pod/client", "pod/web", 80)
    text = kind_cluster.show(trace=t).text()
    assert "path: pod:" in text and "=> delivered: reached nginx on 10.244.2.2:80 in pod/web" in text


def test_player_text_lists_every_hop_and_the_verdict(kind_cluster):
    t = kind_cluster.trace("pod/client", "pod/web", 80)
    text = t.show(kind_cluster).text().splitlines()
    assert text[0].startswith("  1. [pod/client] send: a socket sends IPv4 10.244.1.2 > 10.244.2.2")
    assert "reply:" in text
    assert text[-1] == "=> delivered: reached nginx on 10.244.2.2:80 in pod/web · answer delivered"


def test_player_without_a_cluster_still_lists_the_hops(kind_cluster):
    from k8slab.notebook.player import PacketPlayer

    t = kind_cluster.trace("pod/client", "pod/web", 80)
    p = PacketPlayer(t, None)
    if p.cluster is None:
        assert p.topo is None and "<svg" in p.svg()
    assert len(p.steps) == len(t.hops) + len(t.reply.hops)


def test_layers_picture_text():
    text = layers().text()
    assert "outer Ether     14 bytes" in text
    assert "encapsulation overhead: 14 + 20 + 8 + 8 = 50 bytes" in text


NAT = """*nat
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-SVC-WEB - [0:0]
:KUBE-SEP-A - [0:0]
:KUBE-SEP-B - [0:0]
-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A KUBE-SERVICES -d 10.96.0.80/32 -p tcp -m comment --comment "default/web cluster IP" -m tcp --dport 80 -j KUBE-SVC-WEB
-A KUBE-SVC-WEB -m comment --comment "default/web -> 10.244.2.2:80" -m statistic --mode random --probability 0.5 -j KUBE-SEP-A
-A KUBE-SVC-WEB -m comment --comment "default/web -> 10.244.2.3:80" -j KUBE-SEP-B
-A KUBE-SEP-A -p tcp -m comment --comment "default/web" -m tcp -j DNAT --to-destination 10.244.2.2:80
-A KUBE-SEP-B -p tcp -m comment --comment "default/web" -m tcp -j DNAT --to-destination 10.244.2.3:80
COMMIT
"""


def test_chain_view_follows_kube_proxy_jumps_and_shows_the_counters_a_trace_left():
    c = make("kind")
    ns = c.netns_of("pod/client")  # the client's own OUTPUT path runs these rules
    out, err, rc = ns.netfilter.iptables_restore(NAT)
    assert rc == 0, err
    t = c.trace("pod/client", "10.96.0.80", 80)
    m = chain_model(ns)
    names = [ch["name"] for ch in m["chains"]]
    assert names == ["KUBE-SERVICES", "KUBE-SVC-WEB", "KUBE-SEP-A", "KUBE-SEP-B"]
    assert [ch["column"] for ch in m["chains"]] == [0, 1, 2, 2]
    hit = [(ch["name"], r["num"]) for ch in m["chains"] for r in ch["rules"] if r["pkts"]]
    assert hit[:2] == [("KUBE-SERVICES", 1), ("KUBE-SVC-WEB", hit[1][1])]
    assert len(hit) == 3 and t.endpoint in ("10.244.2.2:80", None)
    view = ChainView(ns)
    assert view.text().splitlines()[1] == "Chain KUBE-SERVICES (2 references)"
    assert "-j KUBE-SVC-WEB" in view.svg()
