"""iproute2's text, byte for byte as iproute2 6.1.0 prints it, and its argv front ends.

The ``*_show`` functions render a namespace's state as ``ip`` and ``bridge`` print it
(formats observed on Linux 6.x with iproute2 6.1.0; note the trailing space that ends every
``ip route`` and ``ip neigh`` line). :func:`ip` and :func:`bridge` take an argv list as a
learner or a CNI plugin would type it and return ``(stdout, stderr, exit_code)`` with
iproute2's own messages for bad input; they never raise.

>>> from k8slab.linux.kernel import Kernel
>>> ns = Kernel().add_netns("n")
>>> ip(ns, ["route", "add", "10.0.0.300/24", "dev", "lo"])
('', 'Error: any valid prefix is expected rather than "10.0.0.300/24".\\n', 1)

IPv6 is shown only as far as the kernel configures it by itself (``::1`` on lo, the EUI-64
link-local address of each running device, their fe80::/64 and ff00::/8 routes) unless
``net.ipv6.conf.all.disable_ipv6`` is 1; IPv6 cannot be configured here.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, IPv6Address
from typing import TYPE_CHECKING

from k8slab.linux.address import SCOPE_NAMES, SCOPES
from k8slab.linux.errors import NetlinkError
from k8slab.linux.link import Bridge, Dummy, Link, Loopback, Veth, Vxlan, normalize_mac
from k8slab.linux.neigh import HIDDEN_BY_DEFAULT, STATES
from k8slab.linux.route import PROTOS, ROUTE_TYPES, RT_TABLE_LOCAL, RT_TABLE_MAIN, TABLE_NAMES, RouteResult

if TYPE_CHECKING:  # pragma: no cover
    from k8slab.linux.netns import NetNS

Result = tuple[str, str, int]


# ------------------------------------------------------------------------------------------
# helpers shared by the views
# ------------------------------------------------------------------------------------------
def ipv6_enabled(ns: NetNS) -> bool:
    return ns.sysctl("net.ipv6.conf.all.disable_ipv6") != "1"


def link_local6(link: Link) -> IPv6Address | None:
    """The EUI-64 link-local address the kernel gives a running ether-like device."""
    if isinstance(link, Loopback) or not link.admin_up or not link.running_seq:
        return None
    b = bytes(int(x, 16) for x in link.mac.split(":"))
    eui = bytes([b[0] ^ 0x02]) + b[1:3] + b"\xff\xfe" + b[3:]
    return IPv6Address(b"\xfe\x80" + b"\x00" * 6 + eui)


def _peer_suffix(link: Link) -> str:
    if isinstance(link, Veth) and link.peer is not None:
        if link.peer.netns is link.netns:
            return f"@{link.peer.name}"
        return f"@if{link.peer.ifindex}"
    return ""


def _netns_ref(link: Link) -> str:
    """`` link-netns NAME`` / `` link-netnsid N`` for a veth whose peer is elsewhere."""
    if isinstance(link, Veth) and link.peer is not None and link.peer.netns is not link.netns:
        other = link.peer.netns
        for name, ns in link.netns.named_netns.items():
            if ns is other:
                return f" link-netns {name}"
        return f" link-netnsid {link.netns.nsid_of(other)}"
    return ""


def _header(link: Link, mode: bool) -> str:
    master = f" master {link.master.name}" if link.master is not None else ""
    return (f"{link.ifindex}: {link.name}{_peer_suffix(link)}: <{','.join(link.flags)}> mtu {link.mtu} "
            f"qdisc {link.qdisc}{master} state {link.operstate}{' mode DEFAULT' if mode else ''} "
            f"group default qlen 1000")


def _short_mac(mac: str) -> str:
    return ":".join(f"{int(x, 16):x}" for x in mac.split(":"))


def _tso(link: Link) -> int:
    if isinstance(link, Vxlan):
        return 524280 if link.dev is not None else 65536
    if isinstance(link, Dummy):
        return 65536  # not observed (no dummy module on the reference machine)
    return 524280


def _details(link: Link) -> str:
    """What ``ip -d link`` adds after the link/ether line's addresses."""
    out = (f" promiscuity {link.promiscuity}  allmulti {link.allmulti} minmtu {link.min_mtu} "
           f"maxmtu {link.max_mtu} ")
    kind_lines = []
    if isinstance(link, Veth):
        kind_lines.append("veth ")
    elif isinstance(link, Vxlan):
        s = f"vxlan id {link.vni} "
        if link.remote is not None:
            s += f"remote {link.remote} "
        if link.local is not None:
            s += f"local {link.local} "
        if link.dev is not None:
            s += f"dev {link.dev.name} "
        s += f"srcport 0 0 dstport {link.dstport} "
        if not link.learning:
            s += "nolearning "
        s += f"ttl {link.ttl or 'auto'} ageing {link.ageing} udpcsum noudp6zerocsumtx noudp6zerocsumrx "
        kind_lines.append(s)
    elif isinstance(link, Bridge):
        bid = f"8000.{_short_mac(link.mac)}"
        kind_lines.append(
            "bridge forward_delay 1500 hello_time 200 max_age 2000 "
            f"ageing_time {int(link.ageing_time * 100)} "
            f"stp_state 0 priority 32768 vlan_filtering 0 bridge_id {bid} designated_root {bid} root_port 0 "
            "root_path_cost 0 topology_change 0 topology_change_detected 0 hello_timer    0.00 "
            "tcn_timer    0.00 topology_change_timer    0.00 gc_timer    0.00 group_fwd_mask 0 "
            "group_address 01:80:c2:00:00:00 mcast_snooping 1 no_linklocal_learn 0 mcast_vlan_snooping 0 "
            "mcast_router 1 mcast_query_use_ifaddr 0 mcast_querier 0 mcast_hash_elasticity 16 "
            "mcast_hash_max 4096 mcast_last_member_count 2 mcast_startup_query_count 2 "
            "mcast_last_member_interval 100 mcast_membership_interval 26000 mcast_querier_interval 25500 "
            "mcast_query_interval 12500 mcast_query_response_interval 1000 mcast_startup_query_interval 3124 "
            "mcast_stats_enabled 0 mcast_igmp_version 2 mcast_mld_version 1 "
            f"nf_call_iptables {link.nf_call_iptables} nf_call_ip6tables 0 nf_call_arptables 0 ")
    elif isinstance(link, Dummy):
        kind_lines.append("dummy ")
    if link.master is not None:
        br = link.master
        n = br.ports.index(link) + 1
        bid = f"8000.{_short_mac(br.mac)}"
        state = "forwarding" if link.running else "disabled"
        kind_lines.append(
            f"bridge_slave state {state} priority 32 cost 2 hairpin off guard off root_block off "
            "fastleave off "
            f"learning on flood on port_id 0x{0x8000 + n:04x} port_no 0x{n:x} designated_port {0x8000 + n} "
            f"designated_cost 0 designated_bridge {bid} designated_root {bid} hold_timer    0.00 "
            "message_age_timer    0.00 forward_delay_timer    0.00 topology_change_ack 0 config_pending 0 "
            "proxy_arp off proxy_arp_wifi off mcast_router 1 mcast_fast_leave off mcast_flood on "
            "bcast_flood on mcast_to_unicast off neigh_suppress off group_fwd_mask 0 group_fwd_mask_str 0x0 "
            "vlan_tunnel off isolated off locked off ")
    queues = link.netns.kernel.ncpus if isinstance(link, Veth) else 1
    tail = (f"addrgenmode eui64 numtxqueues {queues} numrxqueues {queues} gso_max_size 65536 "
            f"gso_max_segs 65535 tso_max_size {_tso(link)} tso_max_segs 65535 gro_max_size 65536 ")
    if not kind_lines:
        return out + tail
    kind_lines[-1] += tail
    return out + "".join("\n    " + k for k in kind_lines)


def _link_line(link: Link, details: bool) -> str:
    if isinstance(link, Loopback):
        s = "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00"
    else:
        s = f"    link/ether {link.mac} brd ff:ff:ff:ff:ff:ff{_netns_ref(link)}"
    if details:
        s += _details(link)
    return s


def _select_links(ns: NetNS, dev: str | None = None, master: str | None = None,
                  kind: str | None = None, up: bool = False) -> list[Link]:
    if dev is not None:
        link = ns.get_link(dev)
        if link is None:
            raise NetlinkError(f'Device "{dev}" does not exist.', 1)
        links = [link]
    else:
        links = ns.links_by_index()
    if master is not None:
        br = ns.link(master)
        links = [x for x in links if x.master is br]
    if kind is not None:
        links = [x for x in links if x.kind == kind]
    if up:
        links = [x for x in links if x.admin_up]
    return links


# ------------------------------------------------------------------------------------------
# views
# ------------------------------------------------------------------------------------------
def link_show(ns: NetNS, dev: str | None = None, details: bool = False, master: str | None = None,
              kind: str | None = None, up: bool = False) -> str:
    """``ip [-d] link show [dev DEV] [master BR] [type KIND] [up]``."""
    out = []
    for link in _select_links(ns, dev, master, kind, up):
        out.append(_header(link, True))
        out.append(_link_line(link, details))
    return "".join(line + "\n" for line in out)


def addr_show(ns: NetNS, dev: str | None = None, family: int | None = None, details: bool = False,
              up: bool = False) -> str:
    """``ip [-4|-6] addr show [dev DEV] [up]``."""
    out = []
    v6 = ipv6_enabled(ns) and family != 4
    for link in _select_links(ns, dev, up=up):
        lines4, lines6 = [], []
        if family != 6:
            for a in link.addresses:
                brd = f" brd {a.broadcast}" if a.broadcast is not None else ""
                sec = " secondary" if a.secondary else ""
                lines4.append(f"    inet {a.cidr}{brd} scope {SCOPE_NAMES.get(a.scope, a.scope)}{sec} "
                              f"{link.name}")
                lines4.append("       valid_lft forever preferred_lft forever")
        if v6:
            if isinstance(link, Loopback) and link.admin_up:
                lines6 += ["    inet6 ::1/128 scope host ", "       valid_lft forever preferred_lft forever"]
            ll = link_local6(link)
            if ll is not None:
                lines6 += [f"    inet6 {ll}/64 scope link ", "       valid_lft forever preferred_lft forever"]
        if family is not None and not (lines4 or lines6):
            continue
        if family is None:
            out.append(_header(link, False))
            out.append(_link_line(link, details))
        else:
            out.append(_header(link, False) + _netns_ref(link))
        out += lines4 + lines6
    return "".join(line + "\n" for line in out)


def _routes6(ns: NetNS, table: str) -> list[str]:
    """The IPv6 routes the kernel makes by itself (``ip route show table all`` shows them)."""
    if not ipv6_enabled(ns):
        return []
    running = sorted((x for x in ns.links_by_index() if link_local6(x) is not None),
                     key=lambda x: x.running_seq)
    out = []
    if table in ("all", "main"):
        for x in running:
            ld = "linkdown " if not x.carrier else ""
            out.append(f"fe80::/64 dev {x.name} proto kernel metric 256 {ld}pref medium")
    if table in ("all", "local"):
        tbl = " table local" if table == "all" else ""
        lo = ns.get_link("lo")
        if lo is not None and lo.admin_up:
            out.append(f"local ::1 dev lo{tbl} proto kernel metric 0 pref medium")
        for x in sorted(running, key=lambda x: link_local6(x)):
            out.append(f"local {link_local6(x)} dev {x.name}{tbl} proto kernel metric 0 pref medium")
        for x in running:
            ld = "linkdown " if not x.carrier else ""
            out.append(f"multicast ff00::/8 dev {x.name}{tbl} proto kernel metric 256 {ld}pref medium")
    return out


def route_show(ns: NetNS, table: str | int = "main", dev: str | None = None, prefix: str | None = None,
               family: int | None = 4, proto: str | None = None, scope: str | None = None,
               type: str | None = None, selector: str = "exact") -> str:
    """``ip route show [table T] [dev D] [[exact|root|match] PREFIX] [proto P] [scope S] [type T]``
    (a bare prefix is ``exact``; ``root P``: routes inside P; ``match P``: routes covering P); table
    ``all`` lists every table (tables other than main say ``table X``), then IPv6."""
    link = ns.link(dev) if dev is not None else None
    if table == "all":
        tids = sorted(ns.tables, key=lambda t: (t & 0xFF, t))
    else:
        tids = [_table_id(table)]
    net = IPv4Network(prefix) if prefix is not None else None
    lines = []
    if family != 6:
        for tid in tids:
            for r in ns.routes(tid):
                if link is not None and r.dev is not link:
                    continue
                if net is not None and not (r.dst == net if selector == "exact" else
                                            r.dst.subnet_of(net) if selector == "root" else
                                            net.subnet_of(r.dst)):
                    continue
                if proto is not None and r.proto != proto:
                    continue
                if scope is not None and r.scope != SCOPES[scope]:
                    continue
                if type is not None and r.type != type:
                    continue
                lines.append(r.line(show_table=(table == "all"), omit_dev=link is not None))
    if family != 4 and link is None and net is None:
        name = table if table == "all" else TABLE_NAMES.get(_table_id(table))
        if name in ("all", "main", "local"):
            lines += _routes6(ns, name)
    return "".join(line + "\n" for line in lines)


def route_get_text(result: RouteResult, src_given: bool = False) -> str:
    """The two lines ``ip route get`` prints for a successful lookup."""
    parts = []
    if result.type in ("local", "broadcast"):
        parts.append(result.type)
    parts.append(str(result.dst))
    if src_given:
        parts.append(f"from {result.src}")
    if result.gateway is not None:
        parts.append(f"via {result.gateway}")
    parts.append(f"dev {result.dev.name}")
    if result.iif is None:
        if not src_given and result.src is not None:
            parts.append(f"src {result.src}")
        parts.append("uid 0")
    cache = ["cache"]
    if result.type == "local":
        cache.append("<local>")
    elif result.type == "broadcast":
        cache.append("<local,brd>")
    if result.iif is not None:
        cache.append(f"iif {result.iif.name}")
    return " ".join(parts) + " \n    " + " ".join(cache) + " \n"


def neigh_show(ns: NetNS, dev: str | None = None, address: str | None = None, nud: str | None = None,
               proxy: bool = False) -> str:
    """``ip neigh show [proxy] [dev D] [ADDR] [nud STATE|all]`` (NOARP entries hidden by default;
    ``proxy`` lists the proxy entries, and only them, as the kernel's pneigh dump does)."""
    link = ns.link(dev) if dev is not None else None
    out = []
    if proxy:
        for p in ns.neigh.proxies():
            if (link is None or p.dev is link) and (address is None or str(p.dst) == address):
                out.append(p.line(omit_dev=link is not None))
        return "".join(line + "\n" for line in out)
    for e in ns.neigh:
        if link is not None and e.dev is not link:
            continue
        if address is not None and str(e.dst) != address:
            continue
        if nud is None and e.state in HIDDEN_BY_DEFAULT:
            continue
        if nud not in (None, "all") and e.state != nud.upper():
            continue
        out.append(e.line(omit_dev=link is not None))
    return "".join(line + "\n" for line in out)


def _self_mc(link: Link) -> list[str]:
    """The multicast addresses a device lists as ``self permanent`` FDB entries."""
    v6 = ipv6_enabled(link.netns)
    if not link.admin_up:
        return ["33:33:00:00:00:01"] if v6 else []
    out = ["33:33:00:00:00:01"] if v6 else []
    if isinstance(link, Bridge):
        out += ["01:00:5e:00:00:6a"] + (["33:33:00:00:00:6a"] if v6 else [])
    out.append("01:00:5e:00:00:01")
    if v6 and link_local6(link) is not None:
        out.append("33:33:ff:" + link.mac[9:])
    return out


def fdb_show(ns: NetNS, dev: str | None = None, br: str | None = None) -> str:
    """``bridge fdb show [dev D] [br B]``."""
    link = ns.link(dev) if dev is not None else None
    bridge_f = ns.link(br) if br is not None else None
    out = []

    def emit(mac, d, master=None, self_=False, dst=None, via=None, state=""):
        tokens = [mac]
        if link is None:
            tokens.append(f"dev {d.name}")
        if dst is not None:
            tokens.append(f"dst {dst}")
        if via is not None:
            tokens.append(f"via {via.name}")
        if master is not None:
            tokens.append(f"master {master.name}")
        if self_:
            tokens.append("self")
        out.append(" ".join(tokens) + " " + state)

    now = ns.kernel.now
    for d in ns.links_by_index():
        if link is not None and d is not link:
            continue
        if bridge_f is not None and d is not bridge_f and d.master is not bridge_f:
            continue
        if isinstance(d, Loopback):
            continue
        if isinstance(d, Vxlan):
            for e in d.fdb:
                emit(e.mac, d, self_=True, dst=e.dst, via=e.via, state=e.state)
            if d.master is None:
                continue
        if isinstance(d, Bridge):
            for mac in _self_mc(d):
                emit(mac, d, self_=True, state="permanent")
            for e in d.fdb.local_entries():
                if e.port is None:
                    emit(e.mac, d, master=d, state="permanent")
            continue
        if d.master is not None:
            entries = d.master.fdb.entries(now)
            for e in [e for e in entries if e.port is d and not e.local] + \
                     [e for e in entries if e.port is d and e.local]:
                emit(e.mac, d, master=d.master, state=e.state)
        if not isinstance(d, Vxlan):
            for mac in _self_mc(d):
                emit(mac, d, self_=True, state="permanent")
    return "".join(line + "\n" for line in out)


def bridge_link_show(ns: NetNS) -> str:
    """``bridge link show``: one line per bridge port."""
    out = []
    for d in ns.links_by_index():
        if d.master is None:
            continue
        suffix = ""
        if isinstance(d, Veth) and d.peer is not None:
            other = ns.link_by_index(d.peer.ifindex)
            suffix = f"@{other.name}" if other is not None else f"@if{d.peer.ifindex}"
        state = "forwarding" if d.running else "disabled"
        out.append(f"{d.ifindex}: {d.name}{suffix}: <{','.join(d.flags)}> mtu {d.mtu} master {d.master.name} "
                   f"state {state} priority 32 cost 2 ")
    return "".join(line + "\n" for line in out)


def rule_show(ns: NetNS) -> str:
    """``ip rule show``."""
    return "".join(f"{prio}:\tfrom all lookup {TABLE_NAMES.get(t, t)}\n" for prio, t in ns.rules)


def netns_list(ns: NetNS) -> str:
    """``ip netns list`` as seen from ``ns`` (newest first, as /run/netns reads back)."""
    out = []
    for name, other in reversed(list(ns.named_netns.items())):
        nsid = ns.nsid(other)
        out.append(f"{name} (id: {nsid})" if nsid is not None else name)
    return "".join(line + "\n" for line in out)


# ------------------------------------------------------------------------------------------
# argv front ends
# ------------------------------------------------------------------------------------------
class _Usage(Exception):
    def __init__(self, message: str, code: int) -> None:
        self.message, self.code = message, code


def _garbage(key: str, word: str) -> _Usage:
    return _Usage(f'Error: either "{key}" is duplicate, or "{word}" is a garbage.', 255)


def _matches(word: str, full: str) -> bool:
    """iproute2's ``matches``: ``word`` is a non-empty prefix of ``full``."""
    return 0 < len(word) <= len(full) and full.startswith(word)


def _table_id(table: str | int) -> int:
    if isinstance(table, int):
        return table
    for k, v in TABLE_NAMES.items():
        if table == v:
            return k
    try:
        n = int(table, 0)
    except ValueError:
        raise _Usage(f'Error: argument "{table}" is wrong: table id value is invalid\n', 255) from None
    return n


def _addr(word: str) -> IPv4Address:
    try:
        return IPv4Address(word)
    except ValueError:
        raise _Usage(f'Error: inet address is expected rather than "{word}".', 1) from None


def _prefix(word: str, what: str = "any valid prefix") -> IPv4Network | str:
    if word in ("default", "all", "any"):
        return IPv4Network("0.0.0.0/0")
    try:
        addr, _, plen = word.partition("/")
        IPv4Address(addr)
        n = int(plen) if plen else 32
        if not 0 <= n <= 32 or (plen and not plen.isdecimal()):
            raise ValueError
        return f"{addr}/{n}"
    except ValueError:
        raise _Usage(f'Error: {what} is expected rather than "{word}".', 1) from None


def _num(word: str, name: str) -> int:
    try:
        n = int(word, 0)
        if n < 0:
            raise ValueError
        return n
    except ValueError:
        raise _Usage(f'Error: argument "{word}" is wrong: "{name}" value is invalid\n', 255) from None


IP_USAGE = ('Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n'
            '       ip [ -force ] -batch filename\n'
            'where  OBJECT := { address | addrlabel | amt | fou | help | ila | ioam | l2tp | link |\n'
            '                   macsec | maddress | monitor | mptcp | mroute | mrule |\n'
            '                   neighbor | neighbour | netconf | netns | nexthop | ntable |\n'
            '                   ntbl | route | rule | sr | tap | tcpmetrics |\n'
            '                   token | tunnel | tuntap | vrf | xfrm }\n'
            '       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] | -r[esolve] |\n'
            '                    -h[uman-readable] | -iec | -j[son] | -p[retty] |\n'
            '                    -f[amily] { inet | inet6 | mpls | bridge | link } |\n'
            '                    -4 | -6 | -M | -B | -0 |\n'
            '                    -l[oops] { maximum-addr-flush-attempts } | -br[ief] |\n'
            '                    -o[neline] | -t[imestamp] | -ts[hort] | -b[atch] [filename] |\n'
            '                    -rc[vbuf] [size] | -n[etns] name | -N[umeric] | -a[ll] |\n'
            '                    -c[olor]}\n')

_OBJECTS = ["address", "addrlabel", "maddress", "route", "rule", "neighbor", "neighbour", "ntable", "ntbl",
            "link", "l2tp", "fou", "ila", "macsec", "tunnel", "tunl", "tuntap", "tap", "token",
            "tcpmetrics", "tcp_metrics", "monitor", "xfrm", "mroute", "mrule", "netns", "netconf", "vrf",
            "sr", "nexthop", "mptcp", "ioam", "stats", "help"]


def ip(ns: NetNS, argv: list[str] | str) -> Result:
    """Run ``ip ARGV`` in ``ns``: ``(stdout, stderr, exit_code)``, never an exception."""
    if isinstance(argv, str):
        argv = argv.split()
    argv = list(argv)
    if argv and argv[0] == "ip":
        argv = argv[1:]
    opts = {"family": None, "details": False}
    while argv and argv[0].startswith("-"):
        o = argv.pop(0)
        if o == "-4":
            opts["family"] = 4
        elif o == "-6":
            opts["family"] = 6
        elif o in ("-d", "-details") or (o.startswith("-d") and "-details".startswith(o)):
            opts["details"] = True
        else:
            return "", f'Option "{o}" is unknown, try "ip -help".\n', 255
    if not argv:
        return "", IP_USAGE, 255
    obj = next((o for o in _OBJECTS if _matches(argv[0], o)), None)
    handlers = {"address": _ip_addr, "route": _ip_route, "link": _ip_link, "neighbor": _ip_neigh,
                "neighbour": _ip_neigh, "rule": _ip_rule, "netns": _ip_netns}
    if obj not in handlers:
        return "", f'Object "{argv[0]}" is unknown, try "ip help".\n', 1
    try:
        return handlers[obj](ns, argv[1:], opts)
    except _Usage as e:
        return "", e.message + "\n", e.code
    except NetlinkError as e:
        return "", e.message + "\n", e.exit_code


def _unknown(cmd: str, obj: str) -> _Usage:
    return _Usage(f'Command "{cmd}" is unknown, try "ip {obj} help".', 255)


def _ip_rule(ns, argv, opts) -> Result:
    if not argv or _matches(argv[0], "show") or _matches(argv[0], "list"):
        return rule_show(ns), "", 0
    raise _Usage("Error: only the default rule list is simulated (local, main, default).", 2)


def _ip_netns(ns, argv, opts) -> Result:
    if not argv or _matches(argv[0], "list") or argv[0] == "show":
        return netns_list(ns), "", 0
    raise _Usage("Error: namespaces are created by the simulation, not from inside one.", 1)


def _ip_addr(ns, argv, opts) -> Result:
    if not argv or _matches(argv[0], "show") or _matches(argv[0], "list") or argv[0] == "lst":
        dev, up = None, False
        rest = argv[1:]
        while rest:
            w = rest.pop(0)
            if w == "dev":
                dev = rest.pop(0) if rest else None
            elif w == "up":
                up = True
            elif dev is None:
                dev = w
            else:
                raise _garbage("dev", w)
        return addr_show(ns, dev, opts["family"], opts["details"], up), "", 0
    cmd = argv[0]
    if cmd in ("add", "del", "delete", "replace", "change") or _matches(cmd, "delete"):
        local = dev = scope = brd = None
        bare = False
        rest = argv[1:]
        while rest:
            w = rest.pop(0)
            if w == "dev":
                dev = rest.pop(0)
            elif w == "scope":
                scope = rest.pop(0)
                if scope not in SCOPES and not scope.isdecimal():
                    raise _Usage(f'Error: argument "{scope}" is wrong: invalid scope value.\n', 255)
            elif w in ("brd", "broadcast"):
                brd = rest.pop(0)
            elif w == "local" and rest:
                local = _prefix(rest.pop(0))
            elif local is None:
                local = _prefix(w)
                bare = "/" not in w
            else:
                raise _garbage("local", w)
        if dev is None:
            raise _Usage('Not enough information: "dev" argument is required.', 1)
        link = ns.link(dev)
        if local is None:
            raise _Usage("RTNETLINK answers: Operation not supported", 2)
        if cmd == "add" or cmd in ("replace", "change"):
            try:
                ns.add_address(link, local, scope or "global", brd)
            except NetlinkError as e:
                if cmd != "add" and e.errno == "EEXIST":
                    return "", "", 0
                raise
            return "", "", 0
        warn = ""
        if bare:
            warn = ("Warning: Executing wildcard deletion to stay compatible with old scripts.\n"
                    f"         Explicitly specify the prefix length ({local}) to avoid this warning.\n"
                    "         This special behaviour is likely to disappear in further releases,\n"
                    "         fix your scripts!\n")
            ip4 = IPv4Address(local.split("/")[0])
            match = next((a for a in link.addresses if a.local == ip4), None)
            if match is None:
                return "", warn + "Error: ipv4: Address not found.\n", 2
            local = match.cidr
        try:
            ns.del_address(link, local)
        except NetlinkError as e:
            return "", warn + e.message + "\n", e.exit_code
        return "", warn, 0
    if _matches(cmd, "flush"):
        rest = argv[1:]
        dev = rest[1] if rest[:1] == ["dev"] and len(rest) > 1 else (rest[0] if rest else None)
        if dev is None:
            raise _Usage('Flush requires arguments.', 1)
        link = ns.link(dev)
        for a in [a for a in link.addresses if not a.secondary]:
            if a in link.addresses:
                ns.del_address(link, a.cidr)
        return "", "", 0
    raise _unknown(cmd, "address")


def _ip_link(ns, argv, opts) -> Result:
    if not argv or _matches(argv[0], "show") or _matches(argv[0], "list") or argv[0] == "lst":
        dev = master = kind = None
        up = False
        rest = argv[1:]
        while rest:
            w = rest.pop(0)
            if w == "dev":
                dev = rest.pop(0)
            elif w == "master":
                master = rest.pop(0)
            elif w == "type":
                kind = rest.pop(0)
            elif w == "up":
                up = True
            elif dev is None:
                dev = w
            else:
                raise _garbage("dev", w)
        return link_show(ns, dev, opts["details"], master, kind, up), "", 0
    cmd = argv[0]
    if cmd == "set" or (_matches(cmd, "set") and len(cmd) > 1):
        return _ip_link_set(ns, argv[1:])
    if cmd == "add":
        return _ip_link_add(ns, argv[1:])
    if _matches(cmd, "delete") or cmd == "del":
        rest = argv[1:]
        if rest[:1] == ["dev"]:
            rest = rest[1:]
        if not rest:
            raise _Usage("Not enough information: \"dev\" argument is required.", 1)
        ns.del_link(ns.link(rest[0]))
        return "", "", 0
    raise _unknown(cmd, "link")


def _ip_link_set(ns, argv) -> Result:
    dev = None
    actions = []
    rest = list(argv)
    while rest:
        w = rest.pop(0)
        if w == "dev":
            dev = rest.pop(0) if rest else None
        elif w in ("up", "down"):
            actions.append((w, None))
        elif w == "mtu":
            v = rest.pop(0) if rest else ""
            try:
                actions.append(("mtu", int(v)))
            except ValueError:
                raise _Usage(f'Error: argument "{v}" is wrong: Invalid "mtu" value\n', 255) from None
        elif w == "master":
            actions.append(("master", rest.pop(0)))
        elif w == "nomaster":
            actions.append(("master", None))
        elif w in ("address", "addr"):
            v = rest.pop(0)
            try:
                actions.append(("address", normalize_mac(v)))
            except ValueError:
                raise _Usage(f'"{v}" is invalid lladdr.', 1) from None
        elif w == "name":
            actions.append(("name", rest.pop(0)))
        elif w == "netns":
            v = rest.pop(0)
            actions.append(("netns", v))
        elif dev is None:
            dev = w
        else:
            raise _garbage("dev", w)
    if dev is None:
        raise _Usage('Not enough information: "dev" argument is required.', 1)
    link = ns.link(dev)
    for what, v in actions:  # check first, so an error changes nothing
        if what == "master" and v is not None and ns.get_link(v) is None:
            raise _Usage(f'Error: argument "{v}" is wrong: Device does not exist\n', 255)
        if what == "mtu" and link.max_mtu and v > link.max_mtu:
            raise NetlinkError.extack("mtu greater than device maximum.")
        if what == "netns":
            raise _Usage("Error: moving devices between namespaces is not simulated.", 2)
    for what, v in actions:
        if what == "up":
            ns.set_link_up(link)
        elif what == "down":
            ns.set_link_down(link)
        elif what == "mtu":
            ns.set_mtu(link, v)
        elif what == "master":
            ns.set_master(link, v)
        elif what == "address":
            ns.set_mac(link, v)
        elif what == "name":
            ns.rename(link, v)
    return "", "", 0


def _ip_link_add(ns, argv) -> Result:
    name = kind = peer = None
    mac = None
    mtu = None
    vx = {"vni": None, "dstport": None, "local": None, "dev": None, "learning": True, "remote": None,
          "ttl": 0}
    rest = list(argv)
    while rest:
        w = rest.pop(0)
        if w == "name":
            name = rest.pop(0)
        elif w == "type":
            kind = rest.pop(0)
        elif w in ("address", "addr"):
            mac = rest.pop(0)
        elif w == "mtu":
            mtu = int(rest.pop(0))
        elif kind == "veth" and w == "peer":
            if rest and rest[0] == "name":
                rest.pop(0)
            peer = rest.pop(0)
        elif kind == "vxlan" and w in ("id", "vni"):
            vx["vni"] = int(rest.pop(0))
        elif kind == "vxlan" and w == "dstport":
            vx["dstport"] = int(rest.pop(0))
        elif kind == "vxlan" and w == "local":
            vx["local"] = str(_addr(rest.pop(0)))
        elif kind == "vxlan" and w == "remote":
            vx["remote"] = str(_addr(rest.pop(0)))
        elif kind == "vxlan" and w == "dev":
            vx["dev"] = ns.link(rest.pop(0))
        elif kind == "vxlan" and w == "nolearning":
            vx["learning"] = False
        elif kind == "vxlan" and w == "learning":
            vx["learning"] = True
        elif kind == "vxlan" and w == "ttl":
            v = rest.pop(0)
            vx["ttl"] = 0 if v in ("auto", "inherit") else int(v)
        elif name is None and kind is None:
            name = w
        else:
            raise _garbage("type", w)
    if name is None:
        raise _Usage('Not enough information: "dev" argument is required.', 1)
    if kind == "veth":
        from k8slab.linux.link import veth_pair

        if peer is None:
            peer = _free_name(ns, "veth")
        a, _b = veth_pair(ns, name, ns, peer, mac_a=mac, mtu=mtu or 1500)
        return "", "", 0
    if kind == "bridge":
        br = ns.add_bridge(name, mac)
        if mtu:
            ns.set_mtu(br, mtu)
        return "", "", 0
    if kind == "dummy":
        ns.add_dummy(name, mac)
        return "", "", 0
    if kind == "vxlan":
        if vx["vni"] is None:
            raise _Usage("vxlan: missing virtual network identifier", 1)
        warn = ""
        if vx["dstport"] is None:
            warn = ("vxlan: destination port not specified\n"
                    "Will use Linux kernel default (non-standard value)\n"
                    "Use 'dstport 4789' to get the IANA assigned value\n"
                    "Use 'dstport 0' to get default and quiet this message\n")
            vx["dstport"] = 8472
        ns.add_vxlan(name, vx["vni"], vx["dstport"] or 8472, vx["local"], vx["dev"], vx["learning"],
                     vx["remote"], vx["ttl"], mac, mtu)
        return "", warn, 0
    if kind is None:
        raise _Usage('Not enough information: "type" argument is required', 1)
    raise NetlinkError.extack("Unknown device type.")


def _free_name(ns, base: str) -> str:
    n = 0
    while f"{base}{n}" in ns.links:
        n += 1
    return f"{base}{n}"


def _ip_route(ns, argv, opts) -> Result:
    if not argv or _matches(argv[0], "show") or _matches(argv[0], "list") or argv[0] == "lst":
        return _ip_route_show(ns, argv[1:], opts)
    cmd = argv[0]
    if cmd == "get" or (len(cmd) > 1 and _matches(cmd, "get")):
        return _ip_route_get(ns, argv[1:])
    verbs = {"add": "add", "append": "add", "replace": "replace", "change": "replace",
             "del": "del", "delete": "del"}
    verb = verbs.get(cmd)
    if verb is None and _matches(cmd, "delete"):
        verb = "del"
    if verb is None:
        raise _unknown(cmd, "route")
    return _ip_route_modify(ns, verb, argv[1:])


def _ip_route_show(ns, argv, opts) -> Result:
    table, dev, prefix, proto, scope, type_ = RT_TABLE_MAIN, None, None, None, None, None
    selector = "exact"
    rest = list(argv)
    while rest:
        w = rest.pop(0)
        if w == "table":
            v = rest.pop(0)
            table = v if v == "all" else _table_id(v)
        elif w == "dev" or w == "oif":
            dev = rest.pop(0)
        elif w == "proto":
            proto = rest.pop(0)
        elif w == "scope":
            scope = rest.pop(0)
        elif w == "type":
            type_ = rest.pop(0)
        elif w in ROUTE_TYPES and type_ is None:
            type_ = w
        elif prefix is None:
            if w in ("root", "match", "exact", "to"):
                selector = "exact" if w == "to" else w
                w = rest.pop(0)
            prefix = str(_prefix(w))
        else:
            raise _garbage("to", w)
    if dev is not None and ns.get_link(dev) is None:
        raise NetlinkError.no_device(dev)
    family = opts["family"]
    if family is None and table != "all":
        family = 4  # iproute2 lists only inet unless the table filter is "all"
    if table != "all" and table not in ns.tables:
        return "", "", 0
    return route_show(ns, table, dev, prefix, family, proto, scope, type_, selector), "", 0


def _ip_route_get(ns, argv) -> Result:
    dst = src = iif = oif = None
    warn = ""
    fibmatch = False
    rest = list(argv)
    while rest:
        w = rest.pop(0)
        if w == "from":
            src = _addr(rest.pop(0))
        elif w == "iif":
            iif = rest.pop(0)
        elif w in ("oif", "dev"):
            oif = rest.pop(0)
        elif w == "fibmatch":
            fibmatch = True
        elif w in ("to",) and rest:
            continue
        elif dst is None:
            p = _prefix(w)
            a, plen = str(p).split("/")
            if "/" in w and plen != "32":
                warn = f"Warning: /{plen} as prefix is invalid, only /32 (or none) is supported.\n"
            dst = IPv4Address(a)
        else:
            raise _garbage("to", w)
    if dst is None:
        raise _Usage("need at least a destination address", 1)
    for d in (iif, oif):
        if d is not None:
            ns.link(d)
    res = ns.route_lookup(dst, src, oif, iif)
    if not res.ok:
        return "", warn + f"RTNETLINK answers: {res.error}\n", 2
    if fibmatch:
        line = res.route.line(show_table=res.table not in (RT_TABLE_MAIN,)) if res.route else ""
        return line + "\n", warn, 0
    return route_get_text(res, src_given=src is not None), warn, 0


def _ip_route_modify(ns, verb, argv) -> Result:
    kw: dict = {}
    dst = None
    type_ = "unicast"
    rest = list(argv)
    while rest:
        w = rest.pop(0)
        if w == "via":
            if rest and rest[0] == "inet":
                rest.pop(0)
            kw["via"] = str(_addr(rest.pop(0)))
        elif w in ("dev", "oif"):
            kw["dev"] = rest.pop(0)
        elif w == "src":
            kw["src"] = str(_addr(rest.pop(0)))
        elif w in ("metric", "priority", "preference"):
            kw["metric"] = _num(rest.pop(0), "metric")
        elif w == "table":
            kw["table"] = _table_id(rest.pop(0))
        elif w == "proto":
            v = rest.pop(0)
            if v not in PROTOS and not v.isdecimal():
                raise _Usage(f'Error: argument "{v}" is wrong: "protocol" value is invalid\n', 255)
            kw["proto"] = v
        elif w == "scope":
            v = rest.pop(0)
            if v not in SCOPES and not v.isdecimal():
                raise _Usage(f'Error: argument "{v}" is wrong: invalid scope value.\n', 255)
            kw["scope"] = v if v in SCOPES else int(v)
        elif w == "onlink":
            kw["onlink"] = True
        elif w in ROUTE_TYPES and dst is None:
            type_ = w
        elif dst is None:
            if w == "to":
                w = rest.pop(0)
            dst = _prefix(w)
        else:
            raise _garbage("to", w)
    if dst is None:
        return "", _ROUTE_USAGE, 255
    net_s = str(dst)
    if "dev" in kw:
        ns.link(kw["dev"])
    if verb == "del":
        ns.del_route(net_s, via=kw.get("via"), dev=kw.get("dev"), metric=kw.get("metric"),
                     table=kw.get("table", "main"), type=None if type_ == "unicast" else type_,
                     proto=kw.get("proto"), scope=kw.get("scope"), src=kw.get("src"))
        return "", "", 0
    ns.add_route(net_s, type=type_, replace=(verb == "replace"), **kw)
    return "", "", 0


_ROUTE_USAGE = """Usage: ip route { list | flush } SELECTOR
       ip route save SELECTOR
       ip route restore
       ip route showdump
       ip route get [ ROUTE_GET_FLAGS ] ADDRESS
                            [ from ADDRESS iif STRING ]
                            [ oif STRING ] [ tos TOS ]
                            [ mark NUMBER ] [ vrf NAME ]
                            [ uid NUMBER ] [ ipproto PROTOCOL ]
                            [ sport NUMBER ] [ dport NUMBER ]
       ip route { add | del | change | append | replace } ROUTE
SELECTOR := [ root PREFIX ] [ match PREFIX ] [ exact PREFIX ]
            [ table TABLE_ID ] [ vrf NAME ] [ proto RTPROTO ]
            [ type TYPE ] [ scope SCOPE ]
ROUTE := NODE_SPEC [ INFO_SPEC ]
NODE_SPEC := [ TYPE ] PREFIX [ tos TOS ]
             [ table TABLE_ID ] [ proto RTPROTO ]
             [ scope SCOPE ] [ metric METRIC ]
             [ ttl-propagate { enabled | disabled } ]
INFO_SPEC := { NH | nhid ID } OPTIONS FLAGS [ nexthop NH ]...
NH := [ encap ENCAPTYPE ENCAPHDR ] [ via [ FAMILY ] ADDRESS ]
      [ dev STRING ] [ weight NUMBER ] NHFLAGS
FAMILY := [ inet | inet6 | mpls | bridge | link ]
OPTIONS := FLAGS [ mtu NUMBER ] [ advmss NUMBER ] [ as [ to ] ADDRESS ]
           [ rtt TIME ] [ rttvar TIME ] [ reordering NUMBER ]
           [ window NUMBER ] [ cwnd NUMBER ] [ initcwnd NUMBER ]
           [ ssthresh NUMBER ] [ realms REALM ] [ src ADDRESS ]
           [ rto_min TIME ] [ hoplimit NUMBER ] [ initrwnd NUMBER ]
           [ features FEATURES ] [ quickack BOOL ] [ congctl NAME ]
           [ pref PREF ] [ expires TIME ] [ fastopen_no_cookie BOOL ]
TYPE := { unicast | local | broadcast | multicast | throw |
          unreachable | prohibit | blackhole | nat }
TABLE_ID := [ local | main | default | all | NUMBER ]
SCOPE := [ host | link | global | NUMBER ]
NHFLAGS := [ onlink | pervasive ]
RTPROTO := [ kernel | boot | static | NUMBER ]
PREF := [ low | medium | high ]
TIME := NUMBER[s|ms]
BOOL := [1|0]
FEATURES := ecn
ENCAPTYPE := [ mpls | ip | ip6 | seg6 | seg6local | rpl | ioam6 | xfrm ]
ENCAPHDR := [ MPLSLABEL | SEG6HDR | SEG6LOCAL | IOAM6HDR | XFRMINFO ]
SEG6HDR := [ mode SEGMODE ] segs ADDR1,ADDRi,ADDRn [hmac HMACKEYID] [cleanup]
SEGMODE := [ encap | encap.red | inline | l2encap | l2encap.red ]
SEG6LOCAL := action ACTION [ OPTIONS ] [ count ]
ACTION := { End | End.X | End.T | End.DX2 | End.DX6 | End.DX4 |
            End.DT6 | End.DT4 | End.DT46 | End.B6 | End.B6.Encaps |
            End.BM | End.S | End.AS | End.AM | End.BPF }
OPTIONS := OPTION [ OPTIONS ]
OPTION := { flavors FLAVORS | srh SEG6HDR | nh4 ADDR | nh6 ADDR | iif DEV | oif DEV |
            table TABLEID | vrftable TABLEID | endpoint PROGNAME }
FLAVORS := { FLAVOR[,FLAVOR] }
FLAVOR := { psp | usp | usd | next-csid }
IOAM6HDR := trace prealloc type IOAM6_TRACE_TYPE ns IOAM6_NAMESPACE size IOAM6_TRACE_SIZE
XFRMINFO := if_id IF_ID [ link_dev LINK ]
ROUTE_GET_FLAGS := [ fibmatch ]
"""


def _ip_neigh(ns, argv, opts) -> Result:
    if not argv or _matches(argv[0], "show") or _matches(argv[0], "list") or argv[0] == "lst":
        dev = addr = nud = None
        proxy = False
        rest = argv[1:]
        while rest:
            w = rest.pop(0)
            if w == "dev":
                dev = rest.pop(0)
            elif w == "nud":
                nud = rest.pop(0)
            elif w == "proxy":
                proxy = True
            elif addr is None:
                addr = str(_addr(w))
            else:
                raise _garbage("to", w)
        if opts["family"] == 6:
            return "", "", 0
        return neigh_show(ns, dev, addr, nud, proxy), "", 0
    cmd = argv[0]
    if cmd not in ("add", "replace", "change", "del", "delete") and not _matches(cmd, "delete"):
        raise _unknown(cmd, "neigh")
    dst = dev = lladdr = None
    nud = "permanent"
    proxy = False
    rest = argv[1:]
    while rest:
        w = rest.pop(0)
        if _matches(w, "proxy") and rest and dst is None:
            dst, proxy = str(_addr(rest.pop(0))), True
        elif w == "dev":
            dev = rest.pop(0)
        elif w == "lladdr":
            v = rest.pop(0)
            try:
                lladdr = normalize_mac(v)
            except ValueError:
                raise _Usage(f'"{v}" is invalid lladdr.', 1) from None
        elif w == "nud":
            nud = rest.pop(0)
            if nud.upper() not in STATES:
                raise _Usage(f'Error: argument "{nud}" is wrong: nud state is bad\n', 255)
        elif w == "to":
            dst = str(_addr(rest.pop(0)))
        elif dst is None:
            dst = str(_addr(w))
        else:
            raise _garbage("to", w)
    if proxy:  # a proxy entry may name no device (any); lladdr and nud do not apply
        link = ns.link(dev) if dev is not None else None
        if cmd.startswith("d"):
            ns.neigh.delete_proxy(dst, link)
        else:
            ns.neigh.add_proxy(dst, link, replace=cmd != "add")
        return "", "", 0
    if dst is None or dev is None:
        raise _Usage("Device and destination are required arguments.", 255)
    link = ns.link(dev)
    if cmd.startswith("d"):
        ns.neigh.delete(dst, link)
    else:
        ns.neigh.add(dst, link, lladdr, nud, now=ns.kernel.now, replace=cmd != "add")
    return "", "", 0


def bridge(ns: NetNS, argv: list[str] | str) -> Result:
    """Run ``bridge ARGV`` in ``ns`` (``fdb show|add|append|replace|del``, ``link show``)."""
    if isinstance(argv, str):
        argv = argv.split()
    argv = list(argv)
    if argv and argv[0] == "bridge":
        argv = argv[1:]
    try:
        if not argv:
            raise _Usage("Usage: bridge [ OPTIONS ] OBJECT { COMMAND | help }", 255)
        obj = argv[0]
        if _matches(obj, "fdb"):
            return _bridge_fdb(ns, argv[1:])
        if _matches(obj, "link"):
            return bridge_link_show(ns), "", 0
        return "", f'Object "{obj}" is unknown, try "bridge help".\n', 255
    except _Usage as e:
        return "", e.message + "\n", e.code
    except NetlinkError as e:
        return "", e.message + "\n", e.exit_code


def _bridge_fdb(ns, argv) -> Result:
    if not argv or _matches(argv[0], "show") or _matches(argv[0], "list"):
        dev = br = None
        rest = argv[1:]
        while rest:
            w = rest.pop(0)
            if w == "dev":
                dev = rest.pop(0)
            elif w in ("br", "brport"):
                br = rest.pop(0)
            else:
                raise _garbage("dev", w)
        for d in (dev, br):
            if d is not None:
                ns.link(d)
        return fdb_show(ns, dev, br), "", 0
    cmd = argv[0]
    if cmd not in ("add", "append", "replace", "del", "delete"):
        raise _Usage(f'Command "{cmd}" is unknown, try "bridge fdb help".', 255)
    mac = dev = dst = None
    master = False
    static = False
    rest = argv[1:]
    while rest:
        w = rest.pop(0)
        if w == "dev":
            dev = rest.pop(0)
        elif w == "dst":
            dst = str(_addr(rest.pop(0)))
        elif w == "master":
            master = True
        elif w in ("self", "permanent", "local"):
            pass
        elif w == "static":
            static = True
        elif mac is None:
            try:
                mac = normalize_mac(w)
            except ValueError:
                raise _Usage(f'Invalid mac address {w}', 255) from None
        else:
            raise _garbage("addr", w)
    if mac is None or dev is None:
        raise _Usage("Device and address are required arguments.", 255)
    link = ns.link(dev)
    if isinstance(link, Vxlan) and not master:
        if cmd.startswith("d"):
            link.fdb.delete(mac, dst)
        else:
            if dst is None:
                dst = "0.0.0.0"
            link.fdb.add(mac, dst, append=cmd == "append", replace=cmd == "replace", now=ns.kernel.now)
        return "", "", 0
    if link.master is not None:
        if cmd.startswith("d"):
            link.master.fdb.delete(mac, link)
        else:
            link.master.fdb.add_static(mac, link, ns.kernel.now) if static or True else None
        return "", "", 0
    raise NetlinkError.rtnl("Operation not supported", "EOPNOTSUPP")


__all__ = ["ip", "bridge", "link_show", "addr_show", "route_show", "route_get_text", "neigh_show", "fdb_show",
           "bridge_link_show", "rule_show", "netns_list", "RT_TABLE_LOCAL"]
