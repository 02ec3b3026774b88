"""The stub resolver: /etc/resolv.conf and the queries a C library sends for one name.

:func:`parse_resolv_conf` reads the file the way glibc's ``res_init`` does (``nameserver``,
``search``/``domain``, ``options ndots: timeout: attempts:``). :func:`candidates` gives the
names tried, in order, and :func:`resolve` asks them through a ``query_fn(fqdn, qtype)``
that returns the response (a :class:`~k8slab.linux.packet.DNS` layer) or None when nothing
came back, keeping *every* try with its outcome so a lesson can show all of them, NXDOMAINs
included.

The search rules follow glibc's ``__res_context_search`` (resolv/res_query.c):

* a name ending in ``.`` is asked as is, and only as is;
* a name with at least ``ndots`` dots is asked as is first, then with each search domain;
* otherwise each search domain in order, then the name as is;
* NXDOMAIN *and* NODATA (NOERROR, no answer) both move on to the next candidate (a NODATA
  is remembered: "a wildcard entry of another type could keep us from finding this entry
  higher in the domain"); SERVFAIL moves on too; a timeout or any other error stops the
  search list, but the as-is name is still tried if it has not been.

``libc="musl"`` follows musl's ``name_from_dns_search`` instead: names with ``ndots`` dots
or more are never searched, and only NXDOMAIN moves on (NODATA and SERVFAIL stop).

Address lookups (getaddrinfo with AF_UNSPEC) ask A and AAAA for the same name together: glibc
sends both queries back to back from one socket and waits for both answers (``options
single-request`` makes it wait for the A answer before sending the AAAA); the pair counts as
found when either answer has records. Pass ``qtype="A+AAAA"`` (or a tuple) for that: each
candidate is then one :class:`Try` holding two :class:`Query` entries, A first.

>>> conf = parse_resolv_conf("search default.svc.cluster.local svc.cluster.local cluster.local\\n"
...                          "nameserver 10.96.0.10\\noptions ndots:5\\n")
>>> candidates("kubernetes.default", conf)[:2]
['kubernetes.default.default.svc.cluster.local.', 'kubernetes.default.svc.cluster.local.']
>>> candidates("example.com.", conf)
['example.com.']
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field

MAXNS = 3          # resolv.h: nameservers beyond the third are ignored
MAXDNSRCH = 6      # glibc before 2.26 kept 6 search domains; later versions keep them all
RES_MAXNDOTS = 15  # "silently capped to 15"
RES_MAXRETRANS = 30
RES_MAXRETRY = 5


@dataclass
class ResolvConf:
    """What resolv.conf says, with glibc's defaults (ndots 1, timeout 5 s, attempts 2)."""

    nameservers: list[str] = field(default_factory=list)
    search: list[str] = field(default_factory=list)
    ndots: int = 1
    timeout: int = 5
    attempts: int = 2
    options: list[str] = field(default_factory=list)  # every option word, as written

    @property
    def single_request(self) -> bool:
        return "single-request" in self.options or "single-request-reopen" in self.options

    def servers(self) -> list[str]:
        """The servers queried: the listed ones, or the local host when none is listed."""
        return self.nameservers[:MAXNS] or ["127.0.0.1"]


def parse_resolv_conf(text: str) -> ResolvConf:
    """Parse resolv.conf(5) text. Later ``search``/``domain`` lines replace earlier ones;
    unknown keywords and malformed values are ignored, as the C library ignores them."""
    conf = ResolvConf()
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].split(";", 1)[0].strip()
        words = line.split()
        if not words:
            continue
        key, args = words[0], words[1:]
        if key == "nameserver" and args:
            conf.nameservers.append(args[0])
        elif key == "domain" and args:
            conf.search = [args[0].rstrip(".") or "."]
        elif key == "search":
            conf.search = [a.rstrip(".") or "." for a in args]
        elif key == "options":
            for opt in args:
                conf.options.append(opt)
                name, _, value = opt.partition(":")
                if not value.isdecimal():
                    continue
                if name == "ndots":
                    conf.ndots = min(int(value), RES_MAXNDOTS)
                elif name == "timeout":
                    conf.timeout = max(1, min(int(value), RES_MAXRETRANS))
                elif name == "attempts":
                    conf.attempts = max(1, min(int(value), RES_MAXRETRY))
    return conf


def _absolute(name: str) -> str:
    return name if name.endswith(".") else name + "."


def candidates(name: str, conf: ResolvConf, libc: str = "glibc") -> list[str]:
    """The names a lookup of ``name`` may ask, in order (absolute, with a trailing dot).

    The list is what is asked when every try fails; a lookup stops at the first success."""
    dots = name.count(".")
    if name.endswith("."):
        return [name]
    suffixed = [name + "." if d in (".", "") else f"{name}.{d}." for d in conf.search]
    if libc == "musl":
        return ([] if dots >= conf.ndots else suffixed) + [_absolute(name)]
    if dots >= conf.ndots:
        return [_absolute(name)] + [s for s in suffixed if s != _absolute(name)]
    root_on_list = any(d in (".", "") for d in conf.search)
    return suffixed + ([] if root_on_list else [_absolute(name)])


@dataclass
class Query:
    """One query sent and what came back: ``response`` (a DNS layer) or None (timed out)."""

    fqdn: str
    qtype: str
    server: str
    response: object = None
    elapsed: float = 0.0  # seconds spent waiting (timeouts)

    @property
    def outcome(self) -> str:
        """``NOERROR``, ``NODATA``, ``NXDOMAIN``, ``SERVFAIL``, ... or ``timeout``."""
        r = self.response
        if r is None:
            return "timeout"
        if r.rcode == "NOERROR" and not r.an:
            return "NODATA"
        return r.rcode

    def __str__(self) -> str:
        return f"{self.qtype}? {self.fqdn} @{self.server}: {self.outcome}"


@dataclass
class Try:
    """One candidate name: the queries sent for it (one per type, plus retries)."""

    fqdn: str
    queries: list[Query] = field(default_factory=list)

    @property
    def found(self) -> bool:
        """An answer with records for any of the types (what ends a glibc search)."""
        return any(q.response is not None and q.response.rcode == "NOERROR" and q.response.an
                   for q in self.queries)

    @property
    def outcome(self) -> str:
        """The candidate's verdict as glibc's ``__res_context_query`` sees it: found when any
        answer has records; else the A answer's rcode, or the AAAA one's when A said NOERROR;
        NOERROR without records is NODATA."""
        if self.found:
            return "NOERROR"
        last = _last_answers(self.queries)
        if not last or any(q.response is None for q in last):
            return "timeout"
        first, second = last[0].response, last[-1].response
        code = second.rcode if first.rcode == "NOERROR" else first.rcode
        return "NODATA" if code == "NOERROR" else code

    def __str__(self) -> str:
        return f"{self.fqdn}: {self.outcome}"


def _last_answers(queries: list[Query]) -> list[Query]:
    """Per query type, the last attempt (earlier ones timed out)."""
    last: dict[str, Query] = {}
    for q in queries:
        last[q.qtype] = q
    return list(last.values())


@dataclass
class Lookup:
    """The result of :func:`resolve`: every try, and how the lookup ended."""

    name: str
    qtypes: tuple[str, ...]
    tries: list[Try] = field(default_factory=list)
    status: str = "NXDOMAIN"  # NOERROR, NXDOMAIN, NODATA, SERVFAIL, timeout, ...

    @property
    def ok(self) -> bool:
        return self.status == "NOERROR"

    @property
    def answer(self) -> Try | None:
        """The try that found the name, or None."""
        return self.tries[-1] if self.ok else None

    @property
    def fqdn(self) -> str | None:
        return self.answer.fqdn if self.answer else None

    def records(self, rtype: str | None = None) -> list:
        """Answer records of the successful try (all types, or one), A before AAAA."""
        if not self.ok:
            return []
        out = []
        for q in _last_answers(self.answer.queries):
            if q.response is not None and q.response.rcode == "NOERROR":
                out += [rr for rr in q.response.an if rtype is None or rr.type == rtype]
        return out

    def addresses(self) -> list[str]:
        return [rr.data for rr in self.records() if rr.type in ("A", "AAAA")]

    @property
    def queries(self) -> list[Query]:
        return [q for t in self.tries for q in t.queries]

    def __str__(self) -> str:
        lines = [str(q) for q in self.queries]
        lines.append(f"=> {self.status}" + (f": {self.fqdn} {' '.join(self.addresses())}" if self.ok else ""))
        return "\n".join(lines)


QueryFn = Callable[..., object]


def _accepts_server(fn: QueryFn) -> bool:
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return "server" in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


def _ask(fqdn: str, qtypes: tuple[str, ...], query_fn: QueryFn, conf: ResolvConf) -> Try:
    """Send one candidate's queries, retrying timeouts over the servers as res_send does
    (``attempts`` rounds over the nameservers, ``timeout`` seconds each)."""
    t = Try(fqdn)
    pass_server = _accepts_server(query_fn)
    servers = conf.servers()
    pending = list(qtypes)
    for _round in range(conf.attempts):
        for server in servers:
            if not pending:
                return t
            got = []
            for qtype in pending:
                resp = query_fn(fqdn, qtype, server=server) if pass_server else query_fn(fqdn, qtype)
                q = Query(fqdn, qtype, server, resp, 0.0 if resp is not None else float(conf.timeout))
                t.queries.append(q)
                if resp is not None:
                    got.append(qtype)
            pending = [qt for qt in pending if qt not in got]
            if not pending:
                return t
    return t


def resolve(name: str, qtype: str | tuple[str, ...], query_fn: QueryFn, conf: ResolvConf | None = None,
            libc: str = "glibc") -> Lookup:
    """Look ``name`` up as the C library does; ``query_fn(fqdn, qtype)`` (optionally with a
    ``server=`` keyword) asks one question and returns the DNS response or None.

    ``qtype`` is ``"A"``, ``"AAAA"``, ``"PTR"``..., or ``"A+AAAA"`` / ``("A", "AAAA")`` for an
    address lookup of both families."""
    conf = conf or ResolvConf()
    qtypes = tuple(qtype.split("+")) if isinstance(qtype, str) else tuple(qtype)
    lookup = Lookup(name, qtypes)
    name = name.strip()
    if not name or name == "." or ".." in name.rstrip(".") or len(name.rstrip(".")) > 253:
        lookup.status = "NXDOMAIN"  # glibc refuses these before sending anything
        return lookup
    dots, trailing = name.count("."), name.endswith(".")
    if libc == "musl":
        return _resolve_musl(name, qtypes, query_fn, conf, lookup)

    def ask(fqdn: str) -> Try:
        t = _ask(fqdn, qtypes, query_fn, conf)
        lookup.tries.append(t)
        return t

    saved = None
    tried_as_is = False
    if dots >= conf.ndots or trailing:
        t = ask(_absolute(name))
        if t.found or trailing:
            lookup.status = t.outcome
            return lookup
        saved = t.outcome
        tried_as_is = True
    got_nodata = got_servfail = False
    root_on_list = False
    for domain in conf.search:
        d = domain.lstrip(".")
        if not d:
            root_on_list = True
        fqdn = f"{name}." if not d else f"{name}.{d}."
        t = ask(fqdn)
        if t.found:
            lookup.status = "NOERROR"
            return lookup
        o = t.outcome
        if o == "NODATA":
            got_nodata = True
        elif o == "SERVFAIL":
            got_servfail = True
        elif o != "NXDOMAIN":
            break  # a timeout or another error: stop searching, try the name as is below
    if not (tried_as_is or root_on_list):
        t = ask(_absolute(name))
        if t.found:
            lookup.status = "NOERROR"
            return lookup
        last = t.outcome
    else:
        last = lookup.tries[-1].outcome if lookup.tries else "NXDOMAIN"
    if saved is not None:
        lookup.status = saved
    elif got_nodata:
        lookup.status = "NODATA"
    elif got_servfail:
        lookup.status = "SERVFAIL"
    else:
        lookup.status = last
    return lookup


def _resolve_musl(name, qtypes, query_fn, conf, lookup: Lookup) -> Lookup:
    """musl's name_from_dns_search: search only below ndots; any NXDOMAIN moves on, any
    other failure (SERVFAIL, NODATA, timeout) ends the lookup."""
    for fqdn in candidates(name, conf, libc="musl"):
        t = _ask(fqdn, qtypes, query_fn, conf)
        lookup.tries.append(t)
        verdict = None
        for q in _last_answers(t.queries):  # checked in the order the queries were made
            if q.response is None or q.response.rcode == "SERVFAIL":
                verdict = "timeout" if q.response is None else "SERVFAIL"
                break
            if q.response.rcode == "NXDOMAIN":
                verdict = "next"
                break
            if q.response.rcode != "NOERROR":
                verdict = q.response.rcode
                break
        if verdict == "next":
            lookup.status = "NXDOMAIN"
            continue
        lookup.status = verdict or ("NOERROR" if t.found else "NODATA")
        return lookup
    return lookup


def stub_query(exchange: Callable, rng, rd: bool = True) -> QueryFn:
    """A ``query_fn`` for :func:`resolve` that builds the query a C library sends (random id,
    RD set, no EDNS) and hands it to ``exchange(query, server)`` for delivery."""
    from k8slab.linux.packet import DNS

    def query_fn(fqdn: str, qtype: str, server: str | None = None):
        q = DNS(id=rng.randrange(65536), rd=rd, qname=fqdn, qtype=qtype)
        return exchange(q, server)

    return query_fn


__all__ = ["Lookup", "Query", "ResolvConf", "Try", "candidates", "parse_resolv_conf", "resolve", "stub_query"]
