"""The DNS tools a learner types inside a pod: nslookup, dig, host and getent hosts.

Each tool builds the queries the real program sends and prints what the real program prints
from the answers it gets back, nothing else: every question goes through ``exchange(query,
server)`` (a :class:`~k8slab.linux.packet.DNS` query and the nameserver's address; it returns
the response, or None when nothing came back). The cluster plugs in "send it as a UDP packet
to the server through the walk"; tests can plug in a :class:`CoreDNS` directly.

Which program answers depends on the image (:func:`flavor_for_image`):

* ``busybox`` (1.29 and later, and alpine's busybox): busybox's own nslookup, which sends A and
  AAAA for every search domain at once (only for names without a dot) and prints each reply;
* ``busybox-1.28`` (``busybox:1.28``, the image the Kubernetes docs use): the old applet, which
  asks the C library (getaddrinfo) and prints ``Address 1: <ip> <reverse name>``;
* ``bind9.9`` (``jessie-dnsutils``, Debian 8's BIND 9.9.5): nslookup asks A only;
* ``bind9.18`` (``dnsutils``, ``netshoot``, ``agnhost``): nslookup asks A, then AAAA.

BIND's tools walk the search list themselves (``ndots`` from resolv.conf) and move on only on
NXDOMAIN; ``getent`` and busybox 1.28 go through the C library (:mod:`k8slab.linux.resolver`).

Every function returns ``(stdout, stderr, exit code)`` and ``lookups``/``queries`` of the last
call stay on :data:`LAST` so a lesson can show each query, NXDOMAINs included.
"""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from k8slab.linux.packet import DNS, EDNS, DNSRecord
from k8slab.linux.resolver import ResolvConf, parse_resolv_conf, resolve

Result = tuple[str, str, int]
Exchange = Callable[[DNS, str], "DNS | None"]

BIND_VERSIONS = {"bind9.9": "9.9.5-9+deb8u19-Debian", "bind9.18": "9.18.33-1~deb12u2-Debian"}
BUSYBOX_RCODES = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"]
RTYPE_TEXT = {"CNAME": "canonical name = ", "PTR": "name = ", "MX": "mail exchanger = ", "TXT": "text = ",
              "SRV": "service = ", "NS": "nameserver = ", "AAAA": "has AAAA address "}
RCODE_NUM = {"NOERROR": 0, "FORMERR": 1, "SERVFAIL": 2, "NXDOMAIN": 3, "NOTIMP": 4, "REFUSED": 5}


@dataclass
class Session:
    """What one tool run sent and received, in order (for traces and exercises)."""

    queries: list[tuple[DNS, str, DNS | None]] = field(default_factory=list)

    def __str__(self) -> str:
        out = []
        for q, server, r in self.queries:
            out.append(f"{server}: {q.summary()}")
            out.append(f"    -> {r.summary() if r is not None else 'no answer'}")
        return "\n".join(out)


LAST = Session()


def flavor_for_image(image: str) -> str:
    """Which nslookup/dig an image ships: ``busybox``, ``busybox-1.28``, ``bind9.9`` or ``bind9.18``."""
    ref = image.rsplit("/", 1)[-1]
    name, _, tag = ref.partition("@")[0].partition(":")
    if name == "busybox":
        try:
            major, minor = (int(x) for x in tag.split("-")[0].split(".")[:2])
        except ValueError:
            return "busybox"
        return "busybox-1.28" if (major, minor) <= (1, 28) else "busybox"
    if name == "alpine":
        return "busybox"
    if name == "jessie-dnsutils":
        return "bind9.9"
    return "bind9.18"


class _Client:
    """Sends queries through ``exchange`` and records them."""

    def __init__(self, exchange: Exchange, rng: random.Random, session: Session) -> None:
        self.exchange, self.rng, self.session = exchange, rng, session

    def ask(self, name: str, qtype: str, server: str, edns: EDNS | None = None, rd: bool = True) -> DNS | None:
        q = DNS(id=self.rng.randrange(65536), rd=rd, qname=_abs(name), qtype=qtype, edns=edns)
        try:
            r = self.exchange(q, server)
        except Exception:  # a broken data path must not become a traceback for the learner
            r = None
        self.session.queries.append((q, server, r))
        return r

    def query_fn(self, servers_default: str):
        def fn(fqdn: str, qtype: str, server: str | None = None):
            return self.ask(fqdn, qtype, server or servers_default)
        return fn


def _abs(name: str) -> str:
    return name if name.endswith(".") else name + "."


def _plain(name: str) -> str:
    """A name as dns_name_format / ns_rr_name print it: no final dot (the root stays ".")."""
    return name.rstrip(".") or "."


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _ptr_name(ip: str) -> str:
    return ipaddress.ip_address(ip).reverse_pointer + "."


def _setup(resolv_conf: str, seed: int | None, exchange: Exchange) -> tuple[ResolvConf, _Client]:
    global LAST
    LAST = Session()
    conf = parse_resolv_conf(resolv_conf or "")
    return conf, _Client(exchange, random.Random(seed), LAST)


# -- nslookup -----------------------------------------------------------------------------------

def nslookup(argv: list[str], exchange: Exchange, resolv_conf: str, image: str = "busybox",
             seed: int | None = 0) -> Result:
    """``nslookup [-type=T] NAME [SERVER]`` as the image's nslookup prints it."""
    flavor = flavor_for_image(image)
    conf, client = _setup(resolv_conf, seed, exchange)
    opts = [a for a in argv if a.startswith("-")]
    args = [a for a in argv if not a.startswith("-")]
    qtype = None
    for o in opts:
        key, _, val = o.lstrip("-").partition("=")
        if key in ("type", "query", "q", "ty") and val:
            qtype = val.upper()
    if flavor == "busybox-1.28":
        if not args or opts or len(args) > 2:
            return "", _BUSYBOX_128_USAGE, 1
        return _nslookup_busybox_old(args[0], args[1] if len(args) > 1 else None, conf, client)
    if not args or len(args) > 2:
        if flavor == "busybox":
            return "", _BUSYBOX_USAGE, 1
        return "", "", 1  # BIND's nslookup without a name goes interactive: nothing to show here
    server = args[1] if len(args) > 1 else None
    if flavor == "busybox":
        return _nslookup_busybox(args[0], server, qtype, conf, client)
    return _nslookup_bind(args[0], server, qtype, conf, client, flavor)


_BUSYBOX_USAGE = ("BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\n"
                  "Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n\n"
                  "Query DNS about HOST\n\nQUERY_TYPE: soa,ns,a,aaaa,cname,mx,txt,ptr,srv,any\n")
_BUSYBOX_128_USAGE = ("BusyBox v1.28.4 (2018-05-22 17:00:17 UTC) multi-call binary.\n\n"
                      "Usage: nslookup [HOST] [SERVER]\n\n"
                      "Query the nameserver for the IP address of the given HOST\n"
                      "optionally using a specified DNS server\n")


def _bb_record(rr: DNSRecord) -> str:
    """busybox parse_reply(): one answer record."""
    name = _plain(rr.name)
    if rr.type in ("A", "AAAA"):
        return f"Name:\t{name}\nAddress: {rr.data}\n"
    if rr.type in ("CNAME", "PTR", "NS"):
        label = {"CNAME": "canonical name", "PTR": "name", "NS": "nameserver"}[rr.type]
        return f"{name}\t{label} = {_plain(rr.data)}\n"
    if rr.type == "MX":
        pref, host = rr.data.split()
        return f"{name}\tmail exchanger = {pref} {_plain(host)}\n"
    if rr.type == "TXT":
        return f'{name}\ttext = "{rr.data.strip(chr(34))}"\n'
    if rr.type == "SRV":
        prio, weight, port, target = rr.data.split()
        return f"{name}\tservice = {prio} {weight} {port} {_plain(target)}\n"
    if rr.type == "SOA":
        m, r, serial, refresh, retry, expire, minimum = rr.data.split()
        return (f"{name}\n\torigin = {_plain(m)}\n\tmail addr = {_plain(r)}\n\tserial = {serial}\n"
                f"\trefresh = {refresh}\n\tretry = {retry}\n\texpire = {expire}\n\tminimum = {minimum}\n")
    return ""


def _nslookup_busybox(name: str, server: str | None, qtype: str | None, conf: ResolvConf, client) -> Result:
    """busybox >= 1.29: all queries go out at once; each reply is printed as it comes."""
    servers = [server] if server else (conf.nameservers or ["127.0.0.1"])
    search = " ".join(d for d in conf.search if d != ".") or None
    queries: list[tuple[str, str]] = []

    def add_with_search(t: str) -> None:
        if t == "PTR" or not search or "." in name:
            queries.append((t, name))
        else:
            queries.extend((t, f"{name}.{d}") for d in search.split())

    if qtype is None:
        if _is_ip(name):
            queries.append(("PTR", _ptr_name(name).rstrip(".")))
        else:
            add_with_search("A")
            add_with_search("AAAA")
    else:
        if qtype not in ("SOA", "NS", "A", "AAAA", "CNAME", "MX", "TXT", "SRV", "PTR", "ANY"):
            return "", f'nslookup: invalid query type "{qtype.lower()}"\n', 1
        add_with_search(qtype)
    out, code = "", 0
    for srv in servers:
        replies = []
        for t, qname in queries:
            r = client.ask(qname, t, srv)
            servfails = 2 * len(queries)
            while r is not None and r.rcode == "SERVFAIL" and servfails:
                servfails -= 1
                r = client.ask(qname, t, srv)
            if r is None:  # resent once more after the retry interval
                r = client.ask(qname, t, srv)
            replies.append((qname, r))
        if all(r is None for _, r in replies):
            continue
        out += f"Server:\t\t{srv}\nAddress:\t{srv}:53\n\n"
        for qname, r in replies:
            if r is None:
                continue
            if r.rcode != "NOERROR":
                out += f"** server can't find {qname}: {r.rcode}\n"
                code = 1
            else:
                if not r.aa:
                    out += "Non-authoritative answer:\n"
                out += "".join(_bb_record(rr) for rr in r.an)
            out += "\n"
        missing = [q for q, r in replies if r is None]
        for q in missing:
            out += f"*** Can't find {q}: No answer\n"
        if missing:
            out += "\n"
        return out, "", code
    return out + ";; connection timed out; no servers could be reached\n\n", "", 1


def _nslookup_busybox_old(name: str, server: str | None, conf: ResolvConf, client) -> Result:
    """busybox 1.28: ``Server:`` and ``Name:`` lines from getaddrinfo and reverse lookups."""
    ns = server or (conf.nameservers[0] if conf.nameservers else "127.0.0.1")
    libc_conf = conf if server is None else ResolvConf([ns], conf.search, conf.ndots, conf.timeout, conf.attempts)
    qf = client.query_fn(ns)

    def reverse(ip: str) -> str | None:
        lk = resolve(_ptr_name(ip), "PTR", qf, libc_conf)
        ptrs = lk.records("PTR")
        return _plain(ptrs[0].data) if ptrs else None

    def block(header: str, host: str, addrs: list[str]) -> str:
        text = f"{header:<10} {host}\n"
        for i, ip in enumerate(addrs, 1):
            rev = reverse(ip)
            text += f"Address {i}: {ip}" + (f" {rev}\n" if rev else "\n")
        return text

    out = block("Server:", ns, [ns]) + "\n"
    if _is_ip(name):
        return out + block("Name:", name, [name]), "", 0
    lk = resolve(name, "A+AAAA", qf, libc_conf)
    if not lk.ok:
        return out, f"nslookup: can't resolve '{name}'\n", 1
    return out + block("Name:", name, lk.addresses()), "", 0


def _bind_search(name: str, qtype: str, server: str, conf: ResolvConf, client, usesearch: bool = True,
                 edns: EDNS | None = None) -> tuple[str, DNS | None]:
    """dighost's search: below ndots each search domain then the name as is; only NXDOMAIN
    moves on. Returns the last name asked and its reply."""
    names = [_abs(name)]
    if usesearch and not name.endswith(".") and name.count(".") < conf.ndots and conf.search:
        names = [f"{name}.{d}." for d in conf.search if d != "."] + [_abs(name)]
    asked, r = names[0], None
    for fqdn in names:
        asked = fqdn
        for _try in range(max(1, conf.attempts) if conf.attempts else 2):
            r = client.ask(fqdn, qtype, server, edns=edns)
            if r is not None:
                break
        if r is None or r.rcode != "NXDOMAIN":
            break
    return asked, r


def _nslookup_bind(name: str, server: str | None, qtype: str | None, conf: ResolvConf, client,
                   flavor: str) -> Result:
    """BIND's nslookup (printmessage/printsection of bin/dig/nslookup.c)."""
    srv = server or (conf.nameservers[0] if conf.nameservers else "127.0.0.1")
    t = qtype or ("PTR" if _is_ip(name) else "A")
    target = _ptr_name(name) if t == "PTR" and _is_ip(name) else name
    asked, r = _bind_search(target, t, srv, conf, client, usesearch=not (t == "PTR" and _is_ip(name)))
    if r is None:
        return ";; connection timed out; no servers could be reached\n\n", "", 1
    out = f"Server:\t\t{srv}\nAddress:\t{srv}#53\n\n"
    if r.rcode != "NOERROR":
        return out + f"** server can't find {_plain(asked)}: {r.rcode}\n\n", "", 1
    default = qtype is None and t == "A"
    if not r.aa:
        out += "Non-authoritative answer:\n"
    out += _bind_section(r.an)
    if not r.an and not (default and flavor == "bind9.18"):
        out += f"*** Can't find {name}: No answer\n"
    if not r.aa and t not in ("A", "AAAA"):
        out += "\nAuthoritative answers can be found from:\n" + _bind_section(r.ns, answer=False)
    if default and flavor == "bind9.18":
        final = asked
        for rr in r.an:  # chase_cnamechain
            if rr.type == "CNAME" and rr.name.lower() == final.lower():
                final = rr.data
        r6 = client.ask(final, "AAAA", srv)
        if r6 is not None and r6.rcode != "NOERROR":
            out += f"** server can't find {_plain(final)}: {r6.rcode}\n"
        elif r6 is not None:
            out += _bind_section(r6.an)
            if not r6.an and not r.an:
                out += f"*** Can't find {_plain(final)}: No answer\n"
    return out + "\n", "", 0


def _bind_section(rrs, answer: bool = True) -> str:
    out = ""
    for rr in rrs:
        name = _plain(rr.name)
        if rr.type in ("A", "AAAA") and answer:
            out += f"Name:\t{name}\nAddress: {rr.data}\n"
        elif rr.type == "SOA":
            m, rname, serial, refresh, retry, expire, minimum = rr.data.split()
            out += (f"{name}\n\torigin = {m}\n\tmail addr = {rname}\n\tserial = {serial}\n\trefresh = {refresh}\n"
                    f"\tretry = {retry}\n\texpire = {expire}\n\tminimum = {minimum}\n")
        else:
            out += f"{name}\t{RTYPE_TEXT.get(rr.type, rr.type.lower() + ' = ')}{rr.data}\n"
    return out


# -- dig ----------------------------------------------------------------------------------------

def _indent(column: int, to: int, tab: int = 8) -> tuple[str, int]:
    """masterdump.c indent(): tabs (and spaces) to reach ``to``, at least one character."""
    if to < column + 1:
        to = column + 1
    ntabs = max(0, to // tab - column // tab)
    text = "\t" * ntabs
    frm = (to // tab) * tab if ntabs else column
    return text + " " * (to - frm), to


def _dig_rr(rr: DNSRecord) -> str:
    """One record as dig prints it (ttl column 24, class 32, type 40, rdata 48; tabs of 8)."""
    text, col = rr.name, len(rr.name)
    for value, to in ((str(rr.ttl), 24), (rr.rclass, 32), (rr.type, 40)):
        pad, col = _indent(col, to)
        text += pad + value
        col += len(value)
    pad, col = _indent(col, 48)
    return text + pad + rr.data


def _dig_question(r: DNS) -> str:
    text, col = r.qname, len(r.qname)
    for value, to in ((r.qclass, 32), (r.qtype, 40)):
        pad, col = _indent(col, to)
        text += pad + value
        col += len(value)
    return ";" + text


def _when(now) -> str:
    if isinstance(now, datetime):
        dt = now if now.tzinfo else now.replace(tzinfo=timezone.utc)
    else:
        dt = datetime.fromtimestamp(float(now or 0), tz=timezone.utc)
    return dt.astimezone(timezone.utc).strftime("%a %b %d %H:%M:%S UTC %Y")


def dig(argv: list[str], exchange: Exchange, resolv_conf: str, now=0, image: str = "dnsutils",
        seed: int | None = 0, query_time_ms: int = 0) -> Result:
    """``dig [@server] NAME [TYPE] [+short] [+search] [+tcp] [-x ADDR]`` in BIND's layout."""
    flavor = flavor_for_image(image)
    if not flavor.startswith("bind"):
        flavor = "bind9.18"
    conf, client = _setup(resolv_conf, seed, exchange)
    server, name, qtype, short, search, tcp = None, None, None, False, False, False
    args = list(argv)
    i = 0
    while i < len(args):
        a = args[i]
        if a.startswith("@"):
            server = a[1:]
        elif a in ("+short",):
            short = True
        elif a in ("+noshort",):
            short = False
        elif a in ("+search",):
            search = True
        elif a in ("+nosearch", "+nodefname"):
            search = False
        elif a in ("+tcp", "+vc"):
            tcp = True
        elif a in ("+notcp", "+novc"):
            tcp = False
        elif a == "-x" and i + 1 < len(args):
            i += 1
            if not _is_ip(args[i]):
                return "", f"Invalid IP address {args[i]}\n", 1
            name, qtype = _ptr_name(args[i]), "PTR"
        elif a.startswith("+") or a.startswith("-"):
            return "", f"Invalid option: {a}\nUsage:  dig [@global-server] [domain] [q-type] [q-class] " \
                       "{q-opt}\n            {global-d-opt} host [@local-server] {local-d-opt}\n" \
                       "            [ host [@local-server] {local-d-opt} [...]]\n\n" \
                       "Use \"dig -h\" (or \"dig -h | more\") for complete list of options\n", 1
        elif a.upper() in ("A", "AAAA", "CNAME", "PTR", "SRV", "TXT", "SOA", "NS", "MX", "ANY") and name is not None:
            qtype = a.upper()
        elif a.upper() == "IN":
            pass
        elif name is None:
            name = a
        else:
            qtype = qtype or a.upper()
        i += 1
    if name is None:
        name, qtype = ".", "NS"
    qtype = qtype or "A"
    srv = server or (conf.nameservers[0] if conf.nameservers else "127.0.0.1")
    edns = EDNS(1232, cookie=f"{client.rng.getrandbits(64):016x}") if flavor == "bind9.18" else EDNS(4096)
    asked, r = _bind_search(name, qtype, srv, conf, client, usesearch=search, edns=edns)
    version = BIND_VERSIONS[flavor]
    cmdline = f"\n; <<>> DiG {version} <<>> {' '.join(argv)}\n;; global options: +cmd\n"
    if r is None:
        if short:
            return ";; connection timed out; no servers could be reached\n", "", 9
        if flavor == "bind9.18":
            warn = "".join(f";; communications error to {srv}#53: timed out\n" for _ in range(3))
            return warn + cmdline + ";; no servers could be reached\n", "", 9
        return cmdline + ";; connection timed out; no servers could be reached\n", "", 9
    if short:
        return "".join(rr.data + "\n" for rr in r.an), "", 0
    flags = " ".join(f for f, on in (("qr", r.qr), ("aa", r.aa), ("tc", r.tc), ("rd", r.rd), ("ra", r.ra),
                                     ("ad", r.ad), ("cd", r.cd)) if on)
    qd, an, ns, ar = r.counts
    out = cmdline + ";; Got answer:\n"
    out += f";; ->>HEADER<<- opcode: QUERY, status: {r.rcode}, id: {r.id}\n"
    out += f";; flags: {flags}; QUERY: {qd}, ANSWER: {an}, AUTHORITY: {ns}, ADDITIONAL: {ar}\n"
    if r.rd and not r.ra:
        out += ";; WARNING: recursion requested but not available\n"
    out += "\n"
    if r.edns is not None:
        out += ";; OPT PSEUDOSECTION:\n"
        out += f"; EDNS: version: 0, flags:{' do' if r.edns.do else ''}; udp: {r.edns.udp_size}\n"
        if r.edns.cookie:
            out += f"; COOKIE: {r.edns.cookie}" + (" (good)" if len(r.edns.cookie) >= 32 else " (echoed)") + "\n"
    out += ";; QUESTION SECTION:\n" + _dig_question(r) + "\n\n"
    for title, rrs in (("ANSWER", r.an), ("AUTHORITY", r.ns), ("ADDITIONAL", r.ar)):
        if rrs:
            out += f";; {title} SECTION:\n" + "".join(_dig_rr(rr) + "\n" for rr in rrs) + "\n"
    proto = " (TCP)" if tcp else " (UDP)"
    out += f";; Query time: {query_time_ms} msec\n"
    out += f";; SERVER: {srv}#53({srv}){proto if flavor == 'bind9.18' else ''}\n"
    out += f";; WHEN: {_when(now)}\n"
    out += f";; MSG SIZE  rcvd: {r.header_len}\n\n"
    return out, "", 0


# -- host -----------------------------------------------------------------------------------------

def host(argv: list[str], exchange: Exchange, resolv_conf: str, seed: int | None = 0) -> Result:
    """``host [-t TYPE] NAME [SERVER]``: A, then AAAA and MX of the name found."""
    conf, client = _setup(resolv_conf, seed, exchange)
    qtype, args, i = None, [], 0
    while i < len(argv):
        if argv[i] == "-t" and i + 1 < len(argv):
            qtype = argv[i + 1].upper()
            i += 2
            continue
        args.append(argv[i])
        i += 1
    if not args:
        return "", "Usage: host [-aCdilrTvVw] [-c class] [-N ndots] [-t type] [-W time]\n" \
                   "            [-R number] [-m flag] [-p port] hostname [server]\n", 1
    name = args[0]
    srv = args[1] if len(args) > 1 else (conf.nameservers[0] if conf.nameservers else "127.0.0.1")
    out = ""
    if len(args) > 1:
        out += f"Using domain server:\nName: {srv}\nAddress: {srv}#53\nAliases: \n\n"
    if _is_ip(name):
        asked, r = _bind_search(_ptr_name(name), "PTR", srv, conf, client, usesearch=False)
    else:
        asked, r = _bind_search(name, qtype or "A", srv, conf, client)
    if r is None:
        return out + ";; connection timed out; no servers could be reached\n", "", 1
    if r.rcode != "NOERROR":
        shown = name if r.rcode == "NXDOMAIN" else _plain(asked)
        return out + f"Host {shown} not found: {RCODE_NUM.get(r.rcode, 2)}({r.rcode})\n", "", 1
    out += _host_lines(r.an)
    if qtype is None and not _is_ip(name):
        final = asked
        for rr in r.an:
            if rr.type == "CNAME" and rr.name.lower() == final.lower():
                final = rr.data
        for t in ("AAAA", "MX"):
            r2 = client.ask(final, t, srv)
            if r2 is not None and r2.rcode == "NOERROR":
                out += _host_lines([rr for rr in r2.an if rr.type == t])
    if not r.an and qtype is not None:
        out += f"{_plain(asked)} has no {qtype} record\n"
    return out, "", 0


def _host_lines(rrs) -> str:
    out = ""
    for rr in rrs:
        name = _plain(rr.name)
        if rr.type == "A":
            out += f"{name} has address {rr.data}\n"
        elif rr.type == "AAAA":
            out += f"{name} has IPv6 address {rr.data}\n"
        elif rr.type == "CNAME":
            out += f"{name} is an alias for {rr.data}\n"
        elif rr.type == "PTR":
            out += f"{name} domain name pointer {rr.data}\n"
        elif rr.type == "MX":
            out += f"{name} mail is handled by {rr.data}\n"
        elif rr.type == "SRV":
            out += f"{name} has SRV record {rr.data}\n"
        elif rr.type == "TXT":
            out += f"{name} descriptive text {rr.data}\n"
        else:
            out += f"{name} has {rr.type} record {rr.data}\n"
    return out


# -- getent hosts ----------------------------------------------------------------------------------

def getent(argv: list[str], exchange: Exchange, resolv_conf: str, etc_hosts: str = "", seed: int | None = 0,
           libc: str = "glibc") -> Result:
    """``getent hosts NAME...``: /etc/hosts, then DNS with gethostbyname2(AF_INET6), then AF_INET."""
    if not argv:
        return "", "Usage: getent [OPTION...] database [key ...]\n", 1
    if argv[0] != "hosts":
        return "", f"Unknown database: {argv[0]}\nTry `getent --help' or `getent --usage' for more information.\n", 1
    conf, client = _setup(resolv_conf, seed, exchange)
    qf = client.query_fn(conf.servers()[0])
    out, code = "", 0
    for key in argv[1:]:
        line = None
        if _is_ip(key):
            line = _from_hosts(key, etc_hosts, None)
            if line is None:
                lk = resolve(_ptr_name(key), "PTR", qf, conf, libc=libc)
                ptrs = lk.records("PTR")
                line = f"{key:<15} {_plain(ptrs[0].data)}\n" if ptrs else None
        else:
            for family in ("AAAA", "A"):  # gethostbyname2(AF_INET6), then AF_INET; files before dns
                line = _from_hosts(key, etc_hosts, family)
                if line is not None:
                    break
                lk = resolve(key, family, qf, conf, libc=libc)
                if lk.ok and lk.addresses():
                    canon, aliases = _plain(lk.fqdn), []
                    for rr in lk.records():
                        if rr.type == "CNAME":
                            aliases.append(_plain(rr.name))
                            canon = _plain(rr.data)
                    tail = "".join(" " + a for a in aliases)
                    line = "".join(f"{ip:<15} {canon}{tail}\n" for ip in lk.addresses())
                    break
        if line is None:
            code = 2
        else:
            out += line
    return out, "", code


def _from_hosts(key: str, etc_hosts: str, family: str | None) -> str | None:
    """The files backend: the first /etc/hosts line of that family naming ``key`` (or, for an
    address, the line with that address): ``<ip> <official name> <aliases>``."""
    for raw in etc_hosts.splitlines():
        fields = raw.split("#", 1)[0].split()
        if len(fields) < 2 or not _is_ip(fields[0]):
            continue
        ip, names = fields[0], fields[1:]
        if family is None:
            if ip == key:
                return f"{ip:<15} {' '.join(names)}\n"
            continue
        if (":" in ip) != (family == "AAAA"):
            continue
        if any(n.lower() == key.lower().rstrip(".") for n in names):
            return f"{ip:<15} {' '.join(names)}\n"
    return None


__all__ = ["LAST", "Session", "dig", "flavor_for_image", "getent", "host", "nslookup"]
