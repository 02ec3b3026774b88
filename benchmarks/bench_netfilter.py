"""Netfilter benchmarks: load a kube-proxy-sized ruleset with iptables-restore and walk packets.

``bench()`` returns ``[{"name", "size", "seconds"}, ...]``; run this file to print them.
The ruleset is kube-proxy-like text generated here: per Service a KUBE-SERVICES rule, a
KUBE-SVC chain (masquerade rule, statistic rules) and KUBE-SEP chains (hairpin mark, DNAT).
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from k8slab.linux.netfilter import HookContext, Netfilter  # noqa: E402
from k8slab.linux.packet import TCP, IPv4  # noqa: E402


def kube_proxy_text(services: int) -> str:
    """An iptables-restore input in kube-proxy's format for ``services`` Services (1 or 2 endpoints)."""
    chains = [
        ":KUBE-SERVICES - [0:0]",
        ":KUBE-NODEPORTS - [0:0]",
        ":KUBE-POSTROUTING - [0:0]",
        ":KUBE-MARK-MASQ - [0:0]",
    ]
    rules = [
        "-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN",
        "-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000",
        '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" '
        "-j MASQUERADE --random-fully",
        "-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000",
    ]
    for i in range(services):
        vip = f"10.96.{i // 250}.{i % 250 + 1}"
        spn = f"ns{i}/svc{i}:http"
        svc = f"KUBE-SVC-{i:016X}"
        chains.append(f":{svc} - [0:0]")
        rules.append(
            f'-A KUBE-SERVICES -m comment --comment "{spn} cluster IP" -m tcp -p tcp -d {vip} '
            f"--dport 80 -j {svc}"
        )
        rules.append(
            f'-A {svc} -m comment --comment "{spn} cluster IP" -m tcp -p tcp -d {vip} --dport 80 '
            f"! -s 10.244.0.0/16 -j KUBE-MARK-MASQ"
        )
        n = 1 + i % 2
        for k in range(n):
            ep = f"10.244.{(i * 2 + k) // 250 % 250}.{(i * 2 + k) % 250 + 2}"
            sep = f"KUBE-SEP-{i:014X}{k:02X}"
            chains.append(f":{sep} - [0:0]")
            stat = f"-m statistic --mode random --probability {1 / (n - k):.10f} " if k < n - 1 else ""
            rules.append(f'-A {svc} -m comment --comment "{spn} -> {ep}:8080" {stat}-j {sep}')
            rules.append(f"-A {sep} -m comment --comment {spn} -s {ep} -j KUBE-MARK-MASQ")
            rules.append(
                f"-A {sep} -m comment --comment {spn} -m tcp -p tcp -j DNAT --to-destination {ep}:8080"
            )
    rules.append(
        '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the '
        'last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS'
    )
    return "\n".join(["*nat", *chains, *rules, "COMMIT", ""])


def _timed(fn, repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def real_restore_seconds(text: str) -> float | None:
    """The kernel's own load time for the same text, side by side: ``iptables-restore --noflush`` in a
    scratch network namespace (needs root, unshare and iptables; None where the machine has not)."""
    import os
    import shutil
    import subprocess
    import tempfile

    if os.geteuid() != 0 or not shutil.which("unshare") or not shutil.which("iptables-restore"):
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".rules", delete=False) as f:
        f.write(text)
    try:
        script = f"s=$(date +%s.%N); iptables-restore --noflush < {f.name} || exit 1; e=$(date +%s.%N); echo $s $e"
        out = subprocess.run(["unshare", "-n", "sh", "-c", script], capture_output=True, text=True, timeout=600)
        if out.returncode != 0:
            return None
        start, end = map(float, out.stdout.split())
        return end - start
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return None
    finally:
        os.unlink(f.name)


def bench(services: int = 10_000) -> list[dict]:
    text = kube_proxy_text(services)
    lines = text.count("\n")
    results = []
    nf = Netfilter()

    def load():
        out = nf.iptables_restore(text, ["--noflush"])
        assert out[2] == 0, out[1]

    results.append({"name": "iptables-restore kube-proxy nat", "size": lines, "seconds": _timed(load), "target": 2.0})
    real = real_restore_seconds(text)
    if real is not None:
        results.append({"name": "  the real iptables-restore, same text (unshare -n)", "size": lines, "seconds": real})
    for args in (
        ["-t", "nat", "-I", "PREROUTING", "-j", "KUBE-SERVICES"],
        ["-t", "nat", "-I", "POSTROUTING", "-j", "KUBE-POSTROUTING"],
    ):
        nf.iptables(args)
    rng = random.Random(0)
    last = services - 1
    vip = f"10.96.{last // 250}.{last % 250 + 1}"
    port = [40000]

    def first_packet(dst):
        port[0] += 1
        ctx = HookContext(in_iface="eth0", random=rng, is_local=lambda a: a == "172.18.0.2")
        p = IPv4(src="10.244.7.7", dst=dst) / TCP(sport=port[0], dport=80)
        r = nf.hook("PREROUTING", p, ctx)
        assert r.verdict == "ACCEPT"

    results.append(
        {
            "name": "packet to the last Service (PREROUTING, new connection)",
            "size": services,
            "target": 0.05,
            "seconds": _timed(lambda: first_packet(vip), repeat=5),
        }
    )
    results.append(
        {
            "name": "packet to no Service (whole KUBE-SERVICES)",
            "size": services,
            "seconds": _timed(lambda: first_packet("10.200.0.1"), repeat=5),
        }
    )

    def cold():
        nf.tables["nat"].chains["KUBE-SERVICES"].changed()
        first_packet(vip)

    results.append(
        {
            "name": "packet after a ruleset change (index rebuilt)",
            "size": services,
            "seconds": _timed(cold, repeat=3),
        }
    )
    from k8slab.linux.netfilter import tables

    def linear():
        old = tables.INDEX_MIN_RULES
        tables.INDEX_MIN_RULES = 10**9  # no index: every KUBE-SERVICES rule is tested in turn
        try:
            first_packet("10.200.0.1")
        finally:
            tables.INDEX_MIN_RULES = old

    results.append(
        {
            "name": "packet to no Service, rule-by-rule scan without the index",
            "size": services,
            "seconds": _timed(linear, repeat=3),
        }
    )
    results.append(
        {
            "name": "iptables-save -t nat",
            "size": lines,
            "seconds": _timed(lambda: nf.iptables_save(["-t", "nat"])),
        }
    )
    return results


if __name__ == "__main__":
    for r in bench():
        print(f"{r['name']:<58} size={r['size']:<7} {r['seconds'] * 1000:9.2f} ms")
