"""Netfilter for one network namespace: iptables tables, chains and rules evaluated rule by
rule with real counters, conntrack with NAT bindings, and the iptables/iptables-save/
iptables-restore front ends printing exactly what iptables 1.8.9 (nf_tables) prints.

>>> from k8slab.linux.netfilter import Netfilter, HookContext
>>> from k8slab.linux.packet import IPv4, UDP
>>> nf = Netfilter()
>>> nf.iptables(["-t", "nat", "-A", "PREROUTING", "-d", "10.96.0.10", "-p", "udp", "--dport", "53",
...              "-j", "DNAT", "--to-destination", "10.244.2.3:53"])
('', '', 0)
>>> r = nf.hook("PREROUTING", IPv4(src="10.244.1.2", dst="10.96.0.10") / UDP(sport=40000, dport=53),
...             HookContext(in_iface="eth0"))
>>> r.verdict, r.packet.dst, r.ctstate
('ACCEPT', '10.244.2.3', 'NEW')
"""

from .conntrack import Conntrack, ConntrackEntry
from .errors import NetfilterError
from .hooks import HOOKS, HookContext, HookResult, Step
from .iptables_cmd import iptables, iptables_restore, iptables_save
from .listing import list_chains, list_rules
from .restore import RestoreError, restore
from .rule import Rule, parse_rule
from .save import iptables_save_text
from .tables import BUILTIN_CHAINS, Chain, Netfilter, Table

__all__ = [
    "BUILTIN_CHAINS",
    "Chain",
    "Conntrack",
    "ConntrackEntry",
    "HOOKS",
    "HookContext",
    "HookResult",
    "Netfilter",
    "NetfilterError",
    "RestoreError",
    "Rule",
    "Step",
    "Table",
    "iptables",
    "iptables_restore",
    "iptables_save",
    "iptables_save_text",
    "list_chains",
    "list_rules",
    "parse_rule",
    "restore",
]
