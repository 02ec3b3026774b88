"""Two more iptables match extensions kube-proxy's rules use, registered with netfilter's
match registry (``k8slab.linux.netfilter.matches.MATCHES``) when this module is imported:

* ``-m set --match-set NAME dst,dst`` (xt_set): tests the packet's addresses/ports, in the
  directions given, against an :mod:`k8slab.linux.ipset` set of the same namespace;
* ``-m nfacct --nfacct-name NAME`` (xt_nfacct): always matches and counts the packet in the
  named accounting object (``nf.nfacct[NAME] = [packets, bytes]``).

iptables-save prints ``-m set --match-set KUBE-CLUSTER-IP dst,dst`` and
``-m nfacct --nfacct-name ct_state_invalid_dropped_pkts``.
"""

from __future__ import annotations

from k8slab.linux.ipset import ipsets_of
from k8slab.linux.netfilter.conntrack import PROTO_NAMES
from k8slab.linux.netfilter.errors import NetfilterError
from k8slab.linux.netfilter.matches import MATCHES, Match

_PROTO = {6: "tcp", 17: "udp", 132: "sctp", 1: "icmp"}


class SetMatch(Match):
    """``-m set [!] --match-set NAME FLAGS``: FLAGS is ``src``/``dst`` per set dimension."""

    name = "set"
    OPTIONS = {"--match-set": 2, "--set": 2}

    def __init__(self):
        self.set_name: str | None = None
        self.flags: tuple[str, ...] = ()
        self.inv = False

    def parse(self, opt, args, inv):
        if self.set_name is not None:
            raise NetfilterError("set: --match-set can be specified only once\n")
        flags = tuple(args[1].split(","))
        if not flags or any(f not in ("src", "dst") for f in flags) or len(flags) > 6:
            raise NetfilterError("set: You must specify (the comma separated list of) 'src' or 'dst'.\n")
        self.set_name, self.flags, self.inv = args[0], flags, inv

    def finalize(self):
        if self.set_name is None:
            raise NetfilterError("set: You must specify `--match-set' with proper arguments\n")

    def save(self):
        return f" {'! ' if self.inv else ''}--match-set {self.set_name} {','.join(self.flags)}"

    def listing(self, numeric=True):
        return f"{'! ' if self.inv else ''}match-set {self.set_name} {','.join(self.flags)}"

    def compile(self):
        name, flags, inv = self.set_name, self.flags, self.inv

        def match(pv):
            s = ipsets_of(pv.nf).get(name)
            if s is None:
                return inv
            key = _key(pv, s.type, flags)
            return (key is not None and s.test(key)) != inv

        return match


def _key(pv, settype: str, flags: tuple[str, ...]):
    """The tuple of packet fields a set of ``settype`` is looked up with, by direction flags."""
    def addr(i):
        return pv.src_s if flags[min(i, len(flags) - 1)] == "src" else pv.dst_s

    def port(i):
        return pv.sport if flags[min(i, len(flags) - 1)] == "src" else pv.dport

    if settype in ("hash:ip", "hash:net"):
        return (addr(0),)
    if settype == "bitmap:port":
        p = port(0)
        return None if p is None else (p,)
    p = port(1)
    proto = _PROTO.get(pv.proto, PROTO_NAMES.get(pv.proto))
    if p is None or proto is None:
        return None
    if settype == "hash:ip,port":
        return (addr(0), proto, p)
    return (addr(0), proto, p, addr(2))


class NfacctMatch(Match):
    """``-m nfacct --nfacct-name NAME``: counts the packet in the named object; always matches."""

    name = "nfacct"
    OPTIONS = {"--nfacct-name": 1}

    def __init__(self):
        self.acct: str | None = None

    def parse(self, opt, args, inv):
        if len(args[0]) > 31:
            raise NetfilterError("nfacct: Maximum nfacct name length is 31 characters\n")
        self.acct = args[0]

    def finalize(self):
        if self.acct is None:
            raise NetfilterError('nfacct: option "--nfacct-name" must be specified\n')

    def save(self):
        return f" --nfacct-name {self.acct}"

    def listing(self, numeric=True):
        return f"nfacct-name  {self.acct}"

    def compile(self):
        name = self.acct

        def count(pv):
            table = getattr(pv.nf, "nfacct", None)
            if table is None:
                table = pv.nf.nfacct = {}
            c = table.setdefault(name, [0, 0])
            c[0] += 1
            c[1] += pv.length
            return True

        return count


def register() -> None:
    """Add ``set`` and ``nfacct`` to the match registry (idempotent)."""
    MATCHES.setdefault("set", SetMatch)
    MATCHES.setdefault("nfacct", NfacctMatch)


register()
