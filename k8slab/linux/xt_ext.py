"""More iptables match extensions, registered with netfilter's match registry
(``k8slab.linux.netfilter.matches.MATCHES``) when this module is imported:

* ``-m set --match-set NAME dst,dst`` (xt_set): tests the packet's addresses/ports, in the
  directions given, against an :mod:`k8slab.linux.ipset` set of the same namespace;
* ``-m nfacct --nfacct-name NAME`` (xt_nfacct): always matches and counts the packet in the
  named accounting object (``nf.nfacct[NAME] = [packets, bytes]``);
* ``-m ipvs`` (xt_ipvs): the packet belongs to a connection of :mod:`k8slab.linux.ipvs`.

iptables-save prints ``-m set --match-set KUBE-CLUSTER-IP dst,dst``,
``-m nfacct --nfacct-name ct_state_invalid_dropped_pkts`` and
``-m ipvs --vproto 6 --vaddr 10.96.0.0/16 --vport 443 --vdir ORIGINAL --vmethod MASQ``.
"""

from __future__ import annotations

from k8slab.linux.ipset import ipsets_of
from k8slab.linux.netfilter.addr import int_to_ip, ip_to_int, mask_to_prefix, prefix_to_mask
from k8slab.linux.netfilter.conntrack import PROTO_NAMES, REPLY
from k8slab.linux.netfilter.errors import NetfilterError
from k8slab.linux.netfilter.matches import MATCHES, PORT_NAMES, Match
from k8slab.linux.netfilter.rule import PROTOCOLS

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


IPVS_OPTIONS = ("--ipvs", "--vproto", "--vaddr", "--vport", "--vdir", "--vmethod", "--vportctl")
VMETHODS = ("GATE", "IPIP", "MASQ")
FORWARD_METHOD = {"Masq": "MASQ", "Route": "GATE", "Tunnel": "IPIP"}  # ipvsadm's word -> iptables'


class IpvsMatch(Match):
    """``-m ipvs`` (libxt_ipvs/xt_ipvs). Parsed and printed as iptables 1.8.9 does (checked with
    ``iptables -v``, which prints a rule before the kernel, here without xt_ipvs, refuses it).

    Evaluation, as the kernel: ``--ipvs`` alone tests that IPVS handled the packet: here a
    client->real server packet after IPVS's DNAT, or the real server's answer rewritten back
    (client <- VIP). Any other option needs the connection of a client->real server packet
    (xt_ipvs looks it up inverted) and tests its virtual address/port and forwarding method;
    ``--vdir`` tests the conntrack direction; ``--vproto`` the packet's protocol. There are no
    control connections (FTP), so ``--vportctl`` never matches unless negated."""

    name = "ipvs"
    OPTIONS = {opt: 0 if opt == "--ipvs" else 1 for opt in IPVS_OPTIONS}

    def __init__(self):
        self.given: dict[str, bool] = {}  # option -> inverted
        self.proto = 0
        self.vaddr = self.vmask = 0
        self.vport = self.vportctl = 0
        self.reply = False
        self.method = ""

    def parse(self, opt, args, inv):
        if opt in self.given:
            raise NetfilterError(f'ipvs: option "{opt}" can only be used once.\n')
        v = args[0] if args else ""
        if opt == "--vproto":
            self.proto = _protocol(v)
        elif opt == "--vaddr":
            self.vaddr, self.vmask = _hostmask(v)
        elif opt in ("--vport", "--vportctl"):
            port = _port(v)
            if opt == "--vport":
                self.vport = port
            else:
                self.vportctl = port
        elif opt == "--vdir":
            if inv:
                raise NetfilterError('ipvs: option "--vdir" cannot be inverted.\n')
            if v.upper() not in ("ORIGINAL", "REPLY"):
                raise NetfilterError(f'ipvs: Bad value for "--vdir" option: "{v}"')
            self.reply = v.upper() == "REPLY"
        elif opt == "--vmethod":
            if v.upper() not in VMETHODS:
                raise NetfilterError(f'ipvs: Bad value for "--vmethod" option: "{v}"')
            self.method = v.upper()
        self.given[opt] = inv

    def finalize(self):
        if not self.given:
            raise NetfilterError("IPVS: At least one option is required")
        if self.given.get("--ipvs") and len(self.given) > 1:
            raise NetfilterError("! --ipvs cannot be together with other options")

    def _text(self, prefix: str, numeric: bool) -> list[str]:
        g = self.given
        out = []

        def bang(opt):
            return "! " if g.get(opt) else ""

        if list(g) == ["--ipvs"]:
            out.append(f"{bang('--ipvs')}{prefix}ipvs")
        if "--vproto" in g:
            out.append(f"{bang('--vproto')}{prefix}vproto {self.proto}")
        if "--vaddr" in g:
            if not numeric and self.vaddr == 0:
                addr = "anywhere"
            else:
                plen = mask_to_prefix(self.vmask)
                addr = int_to_ip(self.vaddr) + ("" if plen in (None, 32) else f"/{plen}")
            out.append(f"{bang('--vaddr')}{prefix}vaddr {addr}")
        if "--vport" in g:
            out.append(f"{bang('--vport')}{prefix}vport {self.vport}")
        if "--vdir" in g:
            out.append(f"{prefix}vdir {'REPLY' if self.reply else 'ORIGINAL'}")
        if "--vmethod" in g:
            out.append(f"{bang('--vmethod')}{prefix}vmethod {self.method}")
        if "--vportctl" in g:
            out.append(f"{bang('--vportctl')}{prefix}vportctl {self.vportctl}")
        return out

    def save(self):
        return "".join(" " + t for t in self._text("--", True))

    def listing(self, numeric=True):
        return " ".join(self._text("", numeric))

    def compile(self):
        m = self
        g = dict(self.given)
        only_property = list(g) == ["--ipvs"]

        def ipvs(pv):
            table = getattr(pv.nf, "ipvs", None)
            proto = _PROTO.get(pv.proto, "").upper()
            conn = None
            if table is not None and proto and pv.sport is not None:
                conn = table.by_real.get((proto, pv.dst_s, pv.dport, pv.src_s, pv.sport))
                if only_property and conn is None:
                    conn = table.conns.get((proto, pv.dst_s, pv.dport, pv.src_s, pv.sport))
            if only_property:
                return (conn is not None) != g["--ipvs"]
            if conn is None:
                return False
            tests = (
                ("--vproto", lambda: pv.proto == m.proto),
                ("--vport", lambda: conn.vip[1] == m.vport),
                ("--vportctl", lambda: False),
                ("--vmethod", lambda: FORWARD_METHOD.get(conn.real.forward) == m.method),
                ("--vaddr", lambda: (ip_to_int(conn.vip[0]) ^ m.vaddr) & m.vmask == 0),
            )
            for opt, test in tests:
                if opt in g and test() == g[opt]:
                    return False
            if "--vdir" in g and (pv.ct is None or (pv.ctx.ct_dir == REPLY) != m.reply):
                return False
            return True

        return ipvs


def _protocol(text: str) -> int:
    """xtables_parse_protocol: a number up to 255 or a name (``all`` is 0), any case."""
    name = text.lower()
    if name.isdecimal() and int(name) <= 255:
        return int(name)
    if name in PROTOCOLS:
        return PROTOCOLS[name]
    raise NetfilterError(f'unknown protocol "{text}" specified')


def _port(text: str) -> int:
    """An XTTYPE_PORT value: a number (kept to 16 bits, as 1.8.9 does: 70000 is 4464) or a name."""
    if text.isdecimal():
        return int(text) & 0xFFFF
    if text in PORT_NAMES or text == "ftp":
        return PORT_NAMES.get(text, 21)
    raise NetfilterError(f'Port "{text}" does not resolve to anything.\n')


def _hostmask(text: str) -> tuple[int, int]:
    """An XTTYPE_HOSTMASK value ``ADDR[/MASK]``: the address is kept unmasked (as printed)."""
    host, _, mask = text.partition("/")
    try:
        addr = 0x7F000001 if host == "localhost" else ip_to_int(host)
    except ValueError:
        raise NetfilterError("getaddrinfo: Name or service not known\n") from None
    if not mask:
        return addr, 0xFFFFFFFF
    if mask.isdecimal():  # a length, or past 32 a number inet_aton reads as a mask (/33 is 0.0.0.33)
        return addr, prefix_to_mask(int(mask)) if int(mask) <= 32 else int(mask) & 0xFFFFFFFF
    try:
        m = ip_to_int(mask)
    except ValueError:
        raise NetfilterError(f"invalid mask `{mask}' specified") from None
    return addr, m


def register() -> None:
    """Add ``set``, ``nfacct`` and ``ipvs`` to the match registry (idempotent)."""
    MATCHES.setdefault("set", SetMatch)
    MATCHES.setdefault("nfacct", NfacctMatch)
    MATCHES.setdefault("ipvs", IpvsMatch)


register()
