"""kube-proxy, iptables mode: the rules ``syncProxyRules`` writes, and a proxier that applies them.

:func:`sync_proxy_rules` turns a ServicePortMap and an EndpointsMap into exactly the
``iptables-restore --noflush --counters`` input a full sync of ``pkg/proxy/iptables/proxier.go``
produces: ``*filter`` (chain lines, per-service REJECT/DROP/ACCEPT rules, KUBE-FORWARD) then
``*nat`` (KUBE-POSTROUTING and KUBE-MARK-MASQ, then per Service port the KUBE-SERVICES /
KUBE-NODEPORTS captures and its KUBE-SVC / KUBE-SVL / KUBE-EXT / KUBE-FW / KUBE-SEP chains,
``-X`` for stale chains, and the final "kubernetes service nodeports" rule).
Services come in sorted ServicePortName order where the real one iterates a Go map (random).

:class:`IPTablesProxier` applies it to a namespace's netfilter the way kube-proxy does: on a
full sync it first makes sure its jump rules exist in the built-in chains (``iptables -N`` and
``iptables -C`` / ``-I``, i.e. EnsureChain / EnsureRule(Prepend)), then restores; stale
service chains are flushed and deleted with ``-X`` in the next restore. :func:`kubelet_iptables`
adds what the kubelet itself writes on a node (KUBE-FIREWALL, KUBE-IPTABLES-HINT and the
KUBE-KUBELET-CANARY chains).

>>> from k8slab.linux.netfilter import Netfilter
>>> svc = {"metadata": {"namespace": "default", "name": "web"},
...        "spec": {"clusterIP": "10.96.0.20", "ports": [{"port": 80}]}}
>>> eps = {"metadata": {"namespace": "default", "name": "web-abc",
...                     "labels": {"kubernetes.io/service-name": "web"}},
...        "addressType": "IPv4", "ports": [{"name": "", "port": 8080, "protocol": "TCP"}],
...        "endpoints": [{"addresses": ["10.244.1.2"], "nodeName": "kind-worker"}]}
>>> nf = Netfilter()
>>> proxier = IPTablesProxier(nf, ProxierConfig("kind-worker", ["172.18.0.2"]))
>>> result = proxier.sync([svc], [eps])
>>> result.ok, result.rules_total
(True, {'filter': 4, 'nat': 10})
>>> [ln for ln in result.text.splitlines() if "cluster IP" in ln][0].split(" -j ")
['-A KUBE-SERVICES -m comment --comment "default/web cluster IP" -m tcp -p tcp -d 10.96.0.20 --dport 80', \
'KUBE-SVC-LOLE4ISW44XBNF3G']
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field, fields

from k8slab.components.collector import collector_paused
from k8slab.linux import xt_ext  # noqa: F401  (registers -m set and -m nfacct)
from k8slab.linux.netfilter.iptables_cmd import check_or_add

from .model import (
    EndpointsMap,
    ServicePortInfo,
    ServicePortMap,
    categorize_endpoints,
    endpoints_map,
    service_port_map,
)

LARGE_CLUSTER_ENDPOINTS_THRESHOLD = 1000
SERVICE_CHAIN_PREFIXES = ("KUBE-SVC-", "KUBE-SVL-", "KUBE-SEP-", "KUBE-FW-", "KUBE-EXT-")
CT_INVALID_COUNTER = "ct_state_invalid_dropped_pkts"
LOCALHOST_NP_COUNTER = "localhost_nps_accepted_pkts"

# iptablesJumpChains, in proxier.go's order: (table, chain jumped to, built-in chain, comment, extra args).
JUMP_CHAINS = (
    ("filter", "KUBE-EXTERNAL-SERVICES", "INPUT", "kubernetes externally-visible service portals", True),
    ("filter", "KUBE-EXTERNAL-SERVICES", "FORWARD", "kubernetes externally-visible service portals", True),
    ("filter", "KUBE-NODEPORTS", "INPUT", "kubernetes health check service ports", False),
    ("filter", "KUBE-SERVICES", "FORWARD", "kubernetes service portals", True),
    ("filter", "KUBE-SERVICES", "OUTPUT", "kubernetes service portals", True),
    ("filter", "KUBE-FORWARD", "FORWARD", "kubernetes forwarding rules", False),
    ("filter", "KUBE-PROXY-FIREWALL", "INPUT", "kubernetes load balancer firewall", True),
    ("filter", "KUBE-PROXY-FIREWALL", "OUTPUT", "kubernetes load balancer firewall", True),
    ("filter", "KUBE-PROXY-FIREWALL", "FORWARD", "kubernetes load balancer firewall", True),
    ("nat", "KUBE-SERVICES", "OUTPUT", "kubernetes service portals", False),
    ("nat", "KUBE-SERVICES", "PREROUTING", "kubernetes service portals", False),
    ("nat", "KUBE-POSTROUTING", "POSTROUTING", "kubernetes postrouting rules", False),
    # iptablesKubeletJumpChains: duplicates of the kubelet's own jumps (no comment).
    ("filter", "KUBE-FIREWALL", "INPUT", "", False),
    ("filter", "KUBE-FIREWALL", "OUTPUT", "", False),
)


def masquerade_mark(bit: int = 14) -> str:
    """The mark string kube-proxy builds with Go's ``%#08x``: bit 14 -> ``0x00004000``."""
    return "0x" + format(1 << bit, "08x")


@dataclass
class ProxierConfig:
    """What one node's kube-proxy is started with.

    ``node_ips``: the node's IPv4 addresses (the first is ``nodeIP``); ``cluster_cidr``: the
    pod CIDR of the ClusterCIDR local-traffic detector (None: no detector, as without
    ``--cluster-cidr``); ``node_port_addresses``: ``--nodeport-addresses`` CIDRs or
    ``"primary"`` (empty: all local addresses); ``nfacct``: whether the kernel has nfacct (real
    nodes of 1.29+ show the ``-m nfacct`` rules); ``random_fully``: iptables has
    ``--random-fully``; ``tcp_be_liberal``: nf_conntrack_tcp_be_liberal is set (no INVALID drop)."""

    node_name: str
    node_ips: list[str] = field(default_factory=list)
    cluster_cidr: str | None = "10.244.0.0/16"
    masquerade_bit: int = 14
    mark: str | None = None
    masquerade_all: bool = False
    localhost_nodeports: bool = True
    node_port_addresses: list[str] = field(default_factory=list)
    nfacct: bool = True
    random_fully: bool = True
    tcp_be_liberal: bool = False
    sync_period: float = 30.0

    @property
    def masq_mark(self) -> str:
        return self.mark or masquerade_mark(self.masquerade_bit)


class _NodePortAddresses:
    """``proxyutil.NodePortAddresses`` for IPv4: which local addresses accept NodePorts."""

    def __init__(self, cidrs: list[str], node_ips: list[str]):
        self.nets = []
        for c in cidrs or []:
            if c == "primary":
                if node_ips:
                    self.nets.append(ipaddress.ip_network(node_ips[0] + "/32"))
                continue
            try:
                net = ipaddress.ip_network(c, strict=False)
            except ValueError:
                continue
            if net.version == 4:
                self.nets.append(net)
        self.match_all = not self.nets or any(n.prefixlen == 0 for n in self.nets)
        self.node_ips = node_ips

    def contains_ipv4_loopback(self) -> bool:
        lo = ipaddress.ip_address("127.0.0.1")
        return self.match_all or any(lo in n for n in self.nets)

    def get_node_ips(self) -> list[str]:
        """Local addresses inside the CIDRs, ``lo`` first as the interfaces are listed."""
        out = []
        for ip in ["127.0.0.1"] + list(self.node_ips):
            a = ipaddress.ip_address(ip)
            if any(a in n for n in self.nets) and ip not in out:
                out.append(ip)
        return out


@dataclass
class RulesResult:
    """One sync's output: the restore text, its rule counts (the ``sync_proxy_rules_iptables_total``
    metric, by table) and the nat chains it keeps."""

    text: str
    rules_total: dict[str, int]
    active_nat_chains: set[str]
    deleted_chains: list[str]
    no_local_endpoints: dict[str, int]
    large_cluster_mode: bool


def _line(*parts) -> str:
    return " ".join(parts)


def sync_proxy_rules(
    svc_map: ServicePortMap,
    ep_map: EndpointsMap,
    config: ProxierConfig,
    existing_nat_chains=(),
    cleanup: bool = True,
) -> RulesResult:
    """The ``iptables-restore`` input of one full sync (proxier.go ``syncProxyRules``).

    ``existing_nat_chains`` are the nat chains the node has now: our stale service chains
    among them get a chain line (which flushes them) and a ``-X``."""
    mark = config.masq_mark
    npa = _NodePortAddresses(config.node_port_addresses, config.node_ips)
    localhost_np = config.localhost_nodeports and npa.contains_ipv4_loopback()
    cidr = config.cluster_cidr
    if_not_local = ("!", "-s", cidr) if cidr else None
    if_local = ("-s", cidr) if cidr else None
    node_ip = ipaddress.ip_address(config.node_ips[0]) if config.node_ips else None

    filter_chains = [f":{c} - [0:0]" for c in (
        "KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES", "KUBE-FORWARD", "KUBE-NODEPORTS", "KUBE-PROXY-FIREWALL")]
    filter_rules: list[str] = []
    nat_chains = [f":{c} - [0:0]" for c in ("KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-MARK-MASQ")]
    masq = '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE'
    nat_rules = [
        f"-A KUBE-POSTROUTING -m mark ! --mark {mark}/{mark} -j RETURN",
        f"-A KUBE-POSTROUTING -j MARK --xor-mark {mark}",
        masq + (" --random-fully" if config.random_fully else ""),
        f"-A KUBE-MARK-MASQ -j MARK --or-mark {mark}",
    ]
    if localhost_np:
        filter_chains.append(":KUBE-FIREWALL - [0:0]")
        filter_rules.append(
            '-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 '
            "! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP")

    active: set[str] = set()
    total_eps = sum(len(ep_map.get(name, ())) for name in svc_map)
    large = total_eps > LARGE_CLUSTER_ENDPOINTS_THRESHOLD
    no_local_internal = no_local_external = 0
    fr, nc, nr = filter_rules.append, nat_chains.append, nat_rules.append

    for name, svc in svc_map.items():
        proto = svc.protocol
        spn = svc.name_string
        cluster_eps, local_eps, reachable, has_eps = categorize_endpoints(ep_map.get(name, []), svc)
        uses_cluster_chain = bool(cluster_eps) and svc.uses_cluster_endpoints
        uses_local_chain = bool(local_eps) and svc.uses_local_endpoints
        internal_chain, has_internal = svc.svc_chain, has_eps
        if svc.internal_policy_local:
            internal_chain = svc.svl_chain
            has_internal = has_eps and bool(local_eps)
        external_policy_chain, has_external = svc.svc_chain, has_eps
        if svc.external_policy_local:
            external_policy_chain = svc.svl_chain
            has_external = has_eps and bool(local_eps)
        ext_chain = svc.ext_chain
        uses_ext = has_eps and svc.externally_accessible
        uses_fw = has_eps and bool(svc.load_balancer_vips) and bool(svc.load_balancer_source_ranges)
        lb_chain = svc.fw_chain if uses_fw else ext_chain
        int_target = int_comment = ext_target = ext_comment = ""
        if not has_eps:
            int_target = ext_target = "REJECT"
            int_comment = ext_comment = f'"{spn} has no endpoints"'
        else:
            if not has_internal:
                int_target, int_comment = "DROP", f'"{spn} has no local endpoints"'
                no_local_internal += 1
            if not has_external:
                ext_target, ext_comment = "DROP", f'"{spn} has no local endpoints"'
                no_local_external += 1
        mp = f"-m {proto} -p {proto}"
        dport = f"--dport {svc.port}"

        # Capture the cluster IP.
        if has_internal:
            nr(f'-A KUBE-SERVICES -m comment --comment "{spn} cluster IP" {mp} -d {svc.cluster_ip} {dport} '
               f"-j {internal_chain}")
        else:
            fr(f"-A KUBE-SERVICES -m comment --comment {int_comment} {mp} -d {svc.cluster_ip} {dport} "
               f"-j {int_target}")
        for eip in svc.external_ips:
            if has_eps:
                nr(f'-A KUBE-SERVICES -m comment --comment "{spn} external IP" {mp} -d {eip} {dport} -j {ext_chain}')
            if not has_external:
                fr(f"-A KUBE-EXTERNAL-SERVICES -m comment --comment {ext_comment} {mp} -d {eip} {dport} "
                   f"-j {ext_target}")
        for lbip in svc.load_balancer_vips:
            if has_eps:
                nr(f'-A KUBE-SERVICES -m comment --comment "{spn} loadbalancer IP" {mp} -d {lbip} {dport} '
                   f"-j {lb_chain}")
            if uses_fw:
                fr(f'-A KUBE-PROXY-FIREWALL -m comment --comment "{spn} traffic not accepted by {svc.fw_chain}" '
                   f"{mp} -d {lbip} {dport} -j DROP")
        if not has_external:
            for lbip in svc.load_balancer_vips:
                fr(f"-A KUBE-EXTERNAL-SERVICES -m comment --comment {ext_comment} {mp} -d {lbip} {dport} "
                   f"-j {ext_target}")
        if svc.node_port:
            if has_eps:
                if localhost_np and config.nfacct:
                    nr(f"-A KUBE-NODEPORTS -m comment --comment {spn} {mp} -d 127.0.0.0/8 --dport {svc.node_port} "
                       f"-m nfacct --nfacct-name {LOCALHOST_NP_COUNTER} -j {ext_chain}")
                nr(f"-A KUBE-NODEPORTS -m comment --comment {spn} {mp} --dport {svc.node_port} -j {ext_chain}")
            if not has_external:
                fr(f"-A KUBE-EXTERNAL-SERVICES -m comment --comment {ext_comment} -m addrtype --dst-type LOCAL "
                   f"{mp} --dport {svc.node_port} -j {ext_target}")
        if svc.health_check_node_port:
            fr(f'-A KUBE-NODEPORTS -m comment --comment "{spn} health check node port" -m tcp -p tcp '
               f"--dport {svc.health_check_node_port} -j ACCEPT")

        # Internal traffic: masquerade what comes from outside the pod network.
        if has_internal:
            args = f'-m comment --comment "{spn} cluster IP" {mp} -d {svc.cluster_ip} {dport}'
            if config.masquerade_all:
                nr(f"-A {internal_chain} {args} -j KUBE-MARK-MASQ")
            elif if_not_local:
                nr(f"-A {internal_chain} {args} {' '.join(if_not_local)} -j KUBE-MARK-MASQ")

        # External traffic (NodePort, external IPs, LB IPs) goes through KUBE-EXT.
        if uses_ext:
            nc(f":{ext_chain} - [0:0]")
            active.add(ext_chain)
            if not svc.external_policy_local:
                nr(f'-A {ext_chain} -m comment --comment "masquerade traffic for {spn} external destinations" '
                   "-j KUBE-MARK-MASQ")
            else:
                if if_local:
                    nr(f'-A {ext_chain} -m comment --comment "pod traffic for {spn} external destinations" '
                       f"{' '.join(if_local)} -j {svc.svc_chain}")
                nr(f'-A {ext_chain} -m comment --comment "masquerade LOCAL traffic for {spn} external destinations" '
                   "-m addrtype --src-type LOCAL -j KUBE-MARK-MASQ")
                nr(f'-A {ext_chain} -m comment --comment "route LOCAL traffic for {spn} external destinations" '
                   f"-m addrtype --src-type LOCAL -j {svc.svc_chain}")
            if has_external:
                nr(f"-A {ext_chain} -j {external_policy_chain}")

        if uses_fw:
            fw = svc.fw_chain
            nc(f":{fw} - [0:0]")
            active.add(fw)
            head = f'-A {fw} -m comment --comment "{spn} loadbalancer IP"'
            allow_node = False
            for rng in svc.load_balancer_source_ranges:
                nr(f"{head} -s {rng} -j {ext_chain}")
                if node_ip is not None and node_ip in ipaddress.ip_network(rng):
                    allow_node = True
            if allow_node:
                for lbip in svc.load_balancer_vips:
                    nr(f"{head} -s {lbip} -j {ext_chain}")
            nr(f'-A {fw} -m comment --comment "other traffic to {spn} will be dropped by KUBE-PROXY-FIREWALL"')

        if uses_cluster_chain:
            nc(f":{svc.svc_chain} - [0:0]")
            active.add(svc.svc_chain)
            _service_to_endpoints(nr, spn, svc, svc.svc_chain, cluster_eps, large)
        if uses_local_chain:
            nc(f":{svc.svl_chain} - [0:0]")
            active.add(svc.svl_chain)
            _service_to_endpoints(nr, spn, svc, svc.svl_chain, local_eps, large)

        comment = "" if large else f" -m comment --comment {spn}"
        for ep in reachable:
            nc(f":{ep.chain} - [0:0]")
            active.add(ep.chain)
            nr(f"-A {ep.chain}{comment} -s {ep.ip} -j KUBE-MARK-MASQ")
            recent = f" -m recent --name {ep.chain} --set" if svc.session_affinity_client_ip else ""
            nr(f"-A {ep.chain}{comment}{recent} {mp} -j DNAT --to-destination {ep}")

    deleted = []
    if cleanup:
        for chain in sorted(set(existing_nat_chains) - active):
            if chain.startswith(SERVICE_CHAIN_PREFIXES):
                nc(f":{chain} - [0:0]")
                nr(f"-X {chain}")
                deleted.append(chain)

    last = ('-A KUBE-SERVICES -m comment --comment '
            '"kubernetes service nodeports; NOTE: this must be the last rule in this chain"')
    if npa.match_all:
        dest = "-m addrtype --dst-type LOCAL" + ("" if localhost_np else " ! -d 127.0.0.0/8")
        nr(f"{last} {dest} -j KUBE-NODEPORTS")
    else:
        for ip in npa.get_node_ips():
            if ip.startswith("127.") and not localhost_np:
                continue
            nr(f"{last} -d {ip} -j KUBE-NODEPORTS")

    if not config.tcp_be_liberal:
        fr("-A KUBE-FORWARD -m conntrack --ctstate INVALID"
           + (f" -m nfacct --nfacct-name {CT_INVALID_COUNTER}" if config.nfacct else "") + " -j DROP")
    fr(f'-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark {mark}/{mark} -j ACCEPT')
    fr('-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack '
       "--ctstate RELATED,ESTABLISHED -j ACCEPT")

    text = "\n".join(["*filter", *filter_chains, *filter_rules, "COMMIT",
                      "*nat", *nat_chains, *nat_rules, "COMMIT", ""])
    return RulesResult(
        text=text,
        rules_total={"filter": len(filter_rules), "nat": len(nat_rules) - len(deleted)},
        active_nat_chains=active,
        deleted_chains=deleted,
        no_local_endpoints={"internal": no_local_internal, "external": no_local_external},
        large_cluster_mode=large,
    )


# What sync_proxy_rules reads of a ProxierConfig besides the node's addresses (the node's name
# reaches it only through the EndpointsMap; sync_period is the proxier's).
_RULES_CONFIG = tuple(f.name for f in fields(ProxierConfig) if f.name not in ("node_name", "node_ips", "sync_period"))
_LAST_RULES: list = [None, None]   # [inputs, RulesResult] of the last shared_rules that worked them out


def shared_rules(svc_map: ServicePortMap, ep_map: EndpointsMap, config: ProxierConfig,
                 existing_nat_chains=(), cleanup: bool = True) -> RulesResult:
    """:func:`sync_proxy_rules`, its last result given again to the next node with the same
    inputs: the same frozen maps (SharedMaps gives every node the same ones, and nobody changes
    them), the config but for the node's name and (where they cannot matter: no
    --nodeport-addresses, no loadBalancerSourceRanges) its addresses, and the same stale
    service chains. Maps that are not frozen are always worked out. Read-only, like the maps."""
    if not (svc_map.frozen and ep_map.frozen):
        return sync_proxy_rules(svc_map, ep_map, config, existing_nat_chains, cleanup)
    ips_matter = bool(config.node_port_addresses) or any(s.load_balancer_source_ranges for s in svc_map.values())
    inputs = (svc_map, ep_map, [getattr(config, f) for f in _RULES_CONFIG], config.node_ips if ips_matter else None,
              {c for c in existing_nat_chains if c.startswith(SERVICE_CHAIN_PREFIXES)} if cleanup else None, cleanup)
    last = _LAST_RULES[0]
    if last is not None and last[0] is svc_map and last[1] is ep_map and last[2:] == inputs[2:]:
        return _LAST_RULES[1]
    res = sync_proxy_rules(svc_map, ep_map, config, existing_nat_chains, cleanup)
    _LAST_RULES[:] = [inputs, res]
    return res


_PROBABILITIES: list[str] = ["<bad value>"]


def probability(n: int) -> str:
    """``computeProbability``: 1/n printed with ``%0.10f`` (cached, as proxier.go precomputes)."""
    while len(_PROBABILITIES) <= n:
        _PROBABILITIES.append(f"{1.0 / len(_PROBABILITIES):0.10f}")
    return _PROBABILITIES[n]


def _service_to_endpoints(nr, spn: str, svc: ServicePortInfo, chain: str, endpoints, large: bool) -> None:
    """``writeServiceToEndpointRules``: affinity checks first, then the statistic rules 1/(n-i)."""
    if svc.session_affinity_client_ip:
        for ep in endpoints:
            comment = "" if large else f' -m comment --comment "{spn} -> {ep}"'
            nr(f"-A {chain}{comment} -m recent --name {ep.chain} --rcheck --seconds {svc.sticky_max_age_seconds} "
               f"--reap -j {ep.chain}")
    n = len(endpoints)
    for i, ep in enumerate(endpoints):
        comment = "" if large else f' -m comment --comment "{spn} -> {ep}"'
        stat = f" -m statistic --mode random --probability {probability(n - i)}" if i < n - 1 else ""
        nr(f"-A {chain}{comment}{stat} -j {ep.chain}")


# ---- applying it to a node ------------------------------------------------------------------

def _nf(target):
    """A Netfilter from a namespace or a Netfilter."""
    return getattr(target, "netfilter", target)


def ensure_chain(nf, table: str, chain: str) -> None:
    """``EnsureChain``: ``iptables -t TABLE -N CHAIN``, an existing chain being fine."""
    if chain not in nf.table(table).chains:
        nf.iptables(["-t", table, "-N", chain])


def ensure_rule(nf, table: str, chain: str, args: list[str], prepend: bool = True) -> bool:
    """``EnsureRule``: ``iptables -C`` and, if the rule is missing, ``-I`` (Prepend) or ``-A``.
    Returns True if a rule was added."""
    return check_or_add(nf, table, chain, args, prepend)


def _jump_args(dst: str, comment: str, new_only: bool) -> list[str]:
    args = ["-m", "conntrack", "--ctstate", "NEW"] if new_only else []
    if comment:
        args += ["-m", "comment", "--comment", comment]
    return args + ["-j", dst]


# (table, chain jumped to, built-in chain, the rule's words) of each JUMP_CHAINS entry, spelled once.
_JUMP_RULES = tuple((table, dst, src, _jump_args(dst, comment, new_only))
                    for table, dst, src, comment, new_only in JUMP_CHAINS)


def ensure_jump_rules(target) -> None:
    """The jumps kube-proxy inserts at the top of the built-in chains on a full sync."""
    nf = _nf(target)
    for table, dst, src, args in _JUMP_RULES:
        ensure_chain(nf, table, dst)
        ensure_rule(nf, table, src, args)


def ensure_canary(target, chain: str) -> None:
    """``iptables.Monitor``'s first step: an empty canary chain in mangle, nat and filter."""
    nf = _nf(target)
    for table in ("mangle", "nat", "filter"):
        ensure_chain(nf, table, chain)


def kubelet_iptables(target) -> None:
    """What the kubelet (pkg/kubelet/kubelet_network_linux.go) writes on an IPv4 node: the
    KUBE-IPTABLES-HINT chain, KUBE-FIREWALL with its martian-packet rule jumped to from OUTPUT
    and INPUT, then its KUBE-KUBELET-CANARY chains."""
    nf = _nf(target)
    ensure_chain(nf, "mangle", "KUBE-IPTABLES-HINT")
    ensure_chain(nf, "filter", "KUBE-FIREWALL")
    ensure_rule(nf, "filter", "OUTPUT", ["-j", "KUBE-FIREWALL"])
    ensure_rule(nf, "filter", "INPUT", ["-j", "KUBE-FIREWALL"])
    ensure_rule(nf, "filter", "KUBE-FIREWALL", [
        "-m", "comment", "--comment", "block incoming localnet connections", "--dst", "127.0.0.0/8",
        "!", "--src", "127.0.0.0/8", "-m", "conntrack", "!", "--ctstate", "RELATED,ESTABLISHED,DNAT",
        "-j", "DROP"], prepend=False)
    ensure_canary(nf, "KUBE-KUBELET-CANARY")


@dataclass
class SyncResult:
    """What one sync did: ``ok``, the restore ``text``, ``rules_total`` per table (the metric
    ``kubeproxy_sync_proxy_rules_iptables_total``), the chains deleted, and the error text of
    a failed restore (kube-proxy logs it and retries; nothing raises)."""

    ok: bool
    text: str
    rules_total: dict[str, int]
    deleted_chains: list[str] = field(default_factory=list)
    error: str = ""
    skipped: list[str] = field(default_factory=list)


_METRIC_NAMES: dict[tuple[str, str, str], str] = {}   # (metric, label, value) -> its name, spelled once


def _metric_name(metric: str, label: str, value: str) -> str:
    """``metric{label="value"}``: one string for every node's kube-proxy, not one per node (the
    labels are the tables and traffic policies: a handful)."""
    key = (metric, label, value)
    name = _METRIC_NAMES.get(key)
    if name is None:
        name = f'{metric}{{{label}="{value}"}}'
        if len(_METRIC_NAMES) < 64:
            _METRIC_NAMES[key] = name
    return name


class IPTablesProxier:
    """One node's kube-proxy in iptables mode, writing into a namespace's netfilter.

    ``sync(services, slices)`` always does a full sync (what kube-proxy does at start, after a
    flush, and at least once an hour): the jump rules are ensured, then the rules restored with
    ``--noflush --counters``. In large-cluster mode (more than 1000 endpoints) stale chains
    are cleaned up at most once per ``sync_period`` of the virtual clock, as upstream."""

    def __init__(self, target, config: ProxierConfig):
        self.nf = _nf(target)
        self.config = config
        self.last_cleanup: float | None = None
        self.metrics: dict[str, float] = {}
        self.last: RulesResult | None = None
        self._started = False

    def sync(self, services: list[dict], slices: list[dict], now: float = 0.0) -> SyncResult:
        with collector_paused():
            svc_map = service_port_map(services)
            ep_map = endpoints_map(slices, self.config.node_name)
            return self.sync_maps(svc_map, ep_map, now)

    def sync_maps(self, svc_map: ServicePortMap, ep_map: EndpointsMap, now: float = 0.0) -> SyncResult:
        nf = self.nf
        if not self._started:
            ensure_canary(nf, "KUBE-PROXY-CANARY")
            self._started = True
        ensure_jump_rules(nf)
        total_eps = sum(len(ep_map.get(n, ())) for n in svc_map)
        large = total_eps > LARGE_CLUSTER_ENDPOINTS_THRESHOLD
        cleanup = not large or self.last_cleanup is None or now - self.last_cleanup > self.config.sync_period
        existing = list(nf.table("nat").chains) if cleanup else ()
        res = shared_rules(svc_map, ep_map, self.config, existing, cleanup=cleanup)
        if cleanup:
            self.last_cleanup = now
        _, err, rc = nf.iptables_restore(res.text, ["-w", "5", "-W", "100000", "--noflush", "--counters"])
        skipped = list(svc_map.skipped) + list(ep_map.skipped)
        if rc != 0:
            self.metrics["sync_proxy_rules_iptables_restore_failures_total"] = (
                self.metrics.get("sync_proxy_rules_iptables_restore_failures_total", 0) + 1)
            return SyncResult(False, res.text, dict(res.rules_total), [], err, skipped)
        self.last = res
        for table, n in res.rules_total.items():
            self.metrics[_metric_name("sync_proxy_rules_iptables_total", "table", table)] = n
        for kind, n in res.no_local_endpoints.items():
            self.metrics[_metric_name("sync_proxy_rules_no_local_endpoints_total", "traffic_policy", kind)] = n
        return SyncResult(True, res.text, dict(res.rules_total), list(res.deleted_chains), "", skipped)


def restore_text(services: list[dict], slices: list[dict], config: ProxierConfig) -> str:
    """The restore input of a first full sync on a fresh node, from Service and EndpointSlice dicts."""
    return sync_proxy_rules(service_port_map(services), endpoints_map(slices, config.node_name), config).text
