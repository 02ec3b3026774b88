"""CoreDNS as kind runs it: the Kubernetes DNS records computed from API objects.

kind's CoreDNS is kubeadm's: CoreDNS 1.12 with this Corefile (kubeadm's CoreDNSConfigMap)::

    .:53 {
        errors
        health { lameduck 5s }
        ready
        kubernetes cluster.local in-addr.arpa ip6.arpa {
           pods insecure
           fallthrough in-addr.arpa ip6.arpa
           ttl 30
        }
        prometheus :9153
        forward . /etc/resolv.conf { max_concurrent 1000 }
        cache 30 { disable success cluster.local; disable denial cluster.local }
        loop
        reload
        loadbalance
    }

A query goes through the plugins in CoreDNS's order (loadbalance, cache, kubernetes, forward)
and each does what its source does:

* **kubernetes** answers names in the cluster zone from Services, EndpointSlices (ready
  endpoints only; a missing ``ready`` condition counts as ready) and Namespaces, as the
  plugin's ``parseRequest``/``findServices``/``findPods``/``serviceRecordForIP`` do: ClusterIP
  A/AAAA and SRV (one per port matching ``_port._proto``, so an unnamed port never matches),
  headless A per ready endpoint and NXDOMAIN when there is none, ``<hostname>.<svc>`` per
  endpoint (the endpoint's hostname, else its IP with dashes), ExternalName CNAME (chased
  through the upstream), ``dns-version`` TXT, ``a-b-c-d.<ns>.pod`` A (``pods insecure``: any
  address, in a namespace that exists), PTR for ClusterIPs and endpoint IPs. Matching is
  case-insensitive and answers keep the question's case. A name that does not exist is
  NXDOMAIN with the zone's SOA (``ns.dns.<zone> hostmaster.<zone> <serial> 7200 1800 86400
  30``); a name that exists without that type is NOERROR with no answer (NODATA). Reverse
  names it does not know fall through to ``forward``.
* **forward** sends everything else to the upstream resolver. There is no internet here: the
  caller gives an ``upstream`` table (``{"example.com": "93.184.215.14"}``); names missing from
  it are NXDOMAIN, and with no table at all the upstream is unreachable: SERVFAIL.
* **cache 30** caps every TTL of a reply at 30 s (and at least 5 s), giving all records the
  message's smallest TTL; answers outside ``cluster.local`` are kept and served again with the
  TTL counting down (cached replies carry the AA bit, as CoreDNS sets it).
* **loadbalance** shuffles A/AAAA records of successful answers (seeded, so repeatable).

Replies echo the query's EDNS OPT (udp size and cookie, as CoreDNS's ``SizeAndDo`` does),
are not name-compressed unless too big for UDP, and are truncated (TC) when they do not fit.

>>> svc = {"metadata": {"name": "web", "namespace": "default"},
...        "spec": {"clusterIP": "10.96.0.23", "ports": [{"name": "http", "port": 80, "protocol": "TCP"}]}}
>>> dns = CoreDNS(services=[svc])
>>> from k8slab.linux.packet import DNS
>>> r = dns.answer(DNS(id=1, qname="web.default.svc.cluster.local.", qtype="A"))
>>> r.rcode, [str(rr) for rr in r.an]
('NOERROR', ['web.default.svc.cluster.local.\\t30\\tIN\\tA\\t10.96.0.23'])
>>> dns.answer(DNS(id=2, qname="web.svc.cluster.local.", qtype="A")).rcode
'NXDOMAIN'
"""

from __future__ import annotations

import dataclasses
import ipaddress
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from k8slab.linux.packet import DNS, DNSRecord, Packet

SCHEMA_VERSION = "1.1.0"  # CoreDNS's kubernetes plugin (DNSSchemaVersion) since 1.6.7
DEFAULT_TTL = 30
VERSION_TTL = 28800
CACHE_MAX_TTL = 30  # "cache 30"
CACHE_MIN_TTL = 5  # the cache plugin's minimum TTL (and MinimalDefaultTTL)
UPSTREAM_TTL = 300
SOA_REFRESH, SOA_RETRY, SOA_EXPIRE = 7200, 1800, 86400
DEFAULT_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")
SERVICE_NAME_LABEL = "kubernetes.io/service-name"

Source = Iterable[dict] | Callable[[], Iterable[dict]]


def _items(src) -> list:
    if src is None:
        return []
    return list(src() if callable(src) else src)


def _fqdn(name: str) -> str:
    return name if name.endswith(".") else name + "."


def _eq(a: str, b: str) -> bool:
    return a.lower() == b.lower()


def _is_subdomain(parent: str, child: str) -> bool:
    p, c = _fqdn(parent).lower(), _fqdn(child).lower()
    return p == "." or c == p or c.endswith("." + p)


def _ip_type(host: str) -> str:
    """'A', 'AAAA' or 'CNAME' (a name), as msg.Service.HostType decides."""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return "CNAME"
    return "A" if ip.version == 4 else "AAAA"


def _reverse_to_ip(name: str) -> str | None:
    """The address a full in-addr.arpa / ip6.arpa name stands for, else None."""
    labels = name.rstrip(".").lower().split(".")
    if labels[-2:] == ["in-addr", "arpa"] and len(labels) == 6:
        try:
            return str(ipaddress.IPv4Address(".".join(reversed(labels[:4]))))
        except ValueError:
            return None
    if labels[-2:] == ["ip6", "arpa"] and len(labels) == 34:
        nibbles = "".join(reversed(labels[:32]))
        try:
            return str(ipaddress.IPv6Address(int(nibbles, 16)))
        except ValueError:
            return None
    return None


def reverse_name(ip: str) -> str:
    """The PTR owner name of an address: ``10.96.0.1`` -> ``1.0.96.10.in-addr.arpa.``."""
    return ipaddress.ip_address(ip).reverse_pointer + "."


@dataclass
class _Svc:
    """One answer candidate (CoreDNS's msg.Service): a host (IP or name), port and key path."""

    host: str
    port: int = -1
    key: str = ""  # the domain this record is "about" (SRV target)
    text: str = ""
    ttl: int = DEFAULT_TTL


@dataclass
class _Endpoint:
    ip: str
    hostname: str
    target: str


@dataclass
class _Slice:
    service: str
    namespace: str
    ports: list[tuple[str, int, str]]  # (name, port, protocol); [("", -1, "")] when none
    endpoints: list[_Endpoint] = field(default_factory=list)


class _NameError(Exception):
    """errNoItems / errNsNotExposed / errInvalidRequest: the name does not exist."""


class _View:
    """The API objects as CoreDNS's informers hold them (built per query: always current)."""

    def __init__(self, services, slices, pods, namespaces) -> None:
        self.services: dict[tuple[str, str], dict] = {}
        for s in services:
            m = s.get("metadata", {})
            self.services[(m.get("namespace", "default").lower(), m.get("name", "").lower())] = s
        pods_by_name = {(p.get("metadata", {}).get("namespace", "default"), p.get("metadata", {}).get("name")): p
                        for p in pods}
        self.slices: dict[tuple[str, str], list[_Slice]] = {}
        for es in sorted(slices, key=lambda e: (e.get("metadata", {}).get("namespace", ""),
                                                e.get("metadata", {}).get("name", ""))):
            m = es.get("metadata", {})
            svc_name = (m.get("labels") or {}).get(SERVICE_NAME_LABEL)
            if not svc_name:
                continue
            ns = m.get("namespace", "default")
            ports = [(p.get("name") or "", p.get("port", -1) if p.get("port") is not None else -1,
                      p.get("protocol") or "") for p in es.get("ports") or []] or [("", -1, "")]
            sl = _Slice(svc_name, ns, ports)
            svc = self.services.get((ns.lower(), svc_name.lower()))
            for ep in es.get("endpoints") or []:
                ready = (ep.get("conditions") or {}).get("ready")
                if ready is False:
                    continue
                ref = ep.get("targetRef") or {}
                target = ref.get("name", "") if len(ref.get("name", "")) < 64 else ""
                hostname = ep.get("hostname") or ""
                if not hostname and ref.get("kind", "Pod") == "Pod" and svc is not None:
                    # What the EndpointSlice controller fills in: a pod whose subdomain is
                    # this Service gets its spec.hostname as the endpoint's hostname.
                    pod = pods_by_name.get((ns, ref.get("name")))
                    spec = (pod or {}).get("spec") or {}
                    if spec.get("hostname") and spec.get("subdomain") == svc_name:
                        hostname = spec["hostname"]
                for addr in ep.get("addresses") or []:
                    sl.endpoints.append(_Endpoint(addr, hostname, target))
            self.slices.setdefault((ns.lower(), svc_name.lower()), []).append(sl)
        if namespaces is None:
            names = set(DEFAULT_NAMESPACES)
            for obj in list(services) + list(slices) + list(pods):
                names.add(obj.get("metadata", {}).get("namespace", "default"))
        else:
            names = {n if isinstance(n, str) else n.get("metadata", {}).get("name", "") for n in namespaces}
        self.namespaces = {n.lower() for n in names}

    def namespace_exists(self, ns: str) -> bool:
        return ns.lower() in self.namespaces

    def endpoint_slices(self, ns: str, name: str) -> list[_Slice]:
        return self.slices.get((ns.lower(), name.lower()), [])


def _endpoint_hostname(ep: _Endpoint) -> str:
    """endpointHostname(): the hostname, else the IP with dashes."""
    if ep.hostname:
        return ep.hostname
    return ep.ip.replace(".", "-") if "." in ep.ip else ep.ip.replace(":", "-")


def _cluster_ips(spec: dict) -> list[str]:
    ips = spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else [])
    return [ip for ip in ips if ip and ip != "None"]


@dataclass
class _Answer:
    """What a plugin produced: rcode, sections, and the flags it sets."""

    rcode: str = "NOERROR"
    an: list = field(default_factory=list)
    ns: list = field(default_factory=list)
    ar: list = field(default_factory=list)
    aa: bool = True
    ra: bool = False
    zone: str | None = None  # the cluster zone that answered (cache: "disable ... cluster.local")


class CoreDNS:
    """A CoreDNS server with kind's Corefile, reading API objects (lists of dicts in the
    apiserver's JSON shape, or callables returning them, read at each query).

    ``upstream`` is the outside world as ``forward . /etc/resolv.conf`` would reach it: a table
    ``{name: address | [addresses] | {"A": [...], "AAAA": [...], "CNAME": name, "TXT": [...],
    "MX": [...], "PTR": name}}``; names not in it are NXDOMAIN; ``None`` means no upstream
    answers (SERVFAIL). ``clock`` returns the virtual time in seconds (the cache's TTLs, the
    SOA serial); ``seed`` drives loadbalance's shuffling."""

    def __init__(self, services: Source = (), endpointslices: Source = (), pods: Source = (),
                 namespaces: Source | None = None, zone: str = "cluster.local",
                 upstream: dict | None = None, ttl: int = DEFAULT_TTL, cache_ttl: int = CACHE_MAX_TTL,
                 dns_service: tuple[str, str] = ("kube-system", "kube-dns"),
                 clock: Callable[[], float] | None = None, seed: int = 0, loadbalance: bool = True,
                 name: str = "coredns") -> None:
        self.services, self.endpointslices, self.pods, self.namespaces = services, endpointslices, pods, namespaces
        self.zone = _fqdn(zone.lower())
        self.zones = [self.zone, "in-addr.arpa.", "ip6.arpa."]
        self.upstream = None if upstream is None else {_fqdn(k).lower(): v for k, v in upstream.items()}
        self.ttl, self.cache_ttl = ttl, cache_ttl
        self.dns_service = dns_service
        self.clock = clock or (lambda: 0.0)
        self.random = random.Random(seed)
        self.loadbalance = loadbalance
        self.name = name
        self._cache: dict[tuple[str, str], tuple[float, int, _Answer]] = {}
        self._fingerprint: object = None
        self._modified = 0
        self.log: list[tuple[float, DNS, DNS]] = []  # (time, query, reply), as the log plugin would show

    # -- the server ---------------------------------------------------------------------------
    def respond(self, packet: Packet) -> DNS | None:
        """Socket owner hook for the packet walk: answer the DNS query a packet carries."""
        query = packet.get(DNS)
        if query is None or query.qr:
            return None  # not a query: a DNS server ignores it
        return self.answer(query, tcp=packet.proto == "tcp")

    def listen(self, netns, addr: str = "0.0.0.0", port: int = 53) -> None:
        """Bind UDP and TCP ``port`` in ``netns`` (what ``.:53`` does in the CoreDNS pod)."""
        netns.sockets.bind("udp", addr, port, self)
        netns.sockets.bind("tcp", addr, port, self)

    def answer(self, query: DNS, now: float | None = None, tcp: bool = False) -> DNS:
        """The reply CoreDNS sends for ``query``."""
        now = self.clock() if now is None else now
        if query.opcode != 0:
            reply = query.reply(rcode="NOTIMP")
        else:
            ans = self._serve(query.qname, query.qtype, now, view=self._view(now))
            reply = query.reply(rcode=ans.rcode, aa=ans.aa, ra=ans.ra, an=tuple(ans.an), ns=tuple(ans.ns),
                                ar=tuple(ans.ar))
        if reply.edns is not None:  # SizeAndDo: echo the OPT record; keep only the client cookie
            cookie = reply.edns.cookie[:16] if reply.edns.cookie else None
            reply = dataclasses.replace(reply, edns=dataclasses.replace(reply.edns, cookie=cookie, do=False))
        reply = self._fit(reply, query, tcp)
        self.log.append((now, query, reply))
        return reply

    def _fit(self, reply: DNS, query: DNS, tcp: bool) -> DNS:
        """Scrub/Truncate: compress when too big for the client's UDP size, then drop records."""
        if tcp:
            return reply
        size = max(512, query.edns.udp_size if query.edns else 512)
        if reply.header_len <= size:
            return reply
        reply = dataclasses.replace(reply, compress=True)
        if reply.header_len <= size:
            return reply
        an, ns, ar = list(reply.an), list(reply.ns), list(reply.ar)
        while (ar or ns or an) and dataclasses.replace(reply, an=tuple(an), ns=tuple(ns),
                                                       ar=tuple(ar)).header_len > size:
            (ar or ns or an).pop()
        return dataclasses.replace(reply, an=tuple(an), ns=tuple(ns), ar=tuple(ar), tc=len(an) < len(reply.an))

    def _view(self, now: float) -> _View:
        services, slices = _items(self.services), _items(self.endpointslices)
        pods = _items(self.pods)
        namespaces = None if self.namespaces is None else _items(self.namespaces)
        fp = repr((services, slices))
        if fp != self._fingerprint:  # the informers saw a change: it becomes the SOA serial
            self._fingerprint, self._modified = fp, int(now)
        return _View(services, slices, pods, namespaces)

    def _serve(self, qname: str, qtype: str, now: float, view: _View) -> _Answer:
        """loadbalance -> cache -> kubernetes -> forward, for one question."""
        key = (qname.lower(), qtype)
        hit = self._cache.get(key)
        if hit is not None:
            stored, duration, ans = hit
            left = duration - int(now - stored)
            if left > 0:
                ans = _with_ttl(ans, left)
                ans.aa = True  # "some DNS clients discard the entire packet when it's non-authoritative"
                return self._shuffle(ans)
            del self._cache[key]
        ans = self._kubernetes(qname, qtype, view, now)
        if ans is None:
            ans = self._forward(qname, qtype, view, now)
        duration = self._cache_duration(ans)
        if duration > 0:
            ans = _with_ttl(ans, duration)
            if ans.zone is None and ans.rcode in ("NOERROR", "NXDOMAIN"):
                self._cache[key] = (now, duration, _copy(ans))
        return self._shuffle(ans)

    def _cache_duration(self, ans: _Answer) -> int:
        """The cache plugin's TTL for a reply: the smallest TTL in it, within [5, 30]."""
        if ans.rcode not in ("NOERROR", "NXDOMAIN"):
            return 0
        rrs = ans.an + ans.ns + ans.ar
        if not rrs:
            return CACHE_MIN_TTL
        ttl = min(rr.ttl for rr in rrs)
        return max(CACHE_MIN_TTL, min(ttl, self.cache_ttl))

    def _shuffle(self, ans: _Answer) -> _Answer:
        """loadbalance round_robin: CNAMEs, then other records, then shuffled addresses."""
        if not self.loadbalance or ans.rcode != "NOERROR":
            return ans
        ans.an = self._round_robin(ans.an)
        ans.ar = self._round_robin(ans.ar)
        return ans

    def _round_robin(self, rrs: list) -> list:
        cname = [r for r in rrs if r.type == "CNAME"]
        addr = [r for r in rrs if r.type in ("A", "AAAA")]
        mx = [r for r in rrs if r.type == "MX"]
        rest = [r for r in rrs if r.type not in ("CNAME", "A", "AAAA", "MX")]
        for group in (addr, mx):
            n = len(group)
            if n == 2 and self.random.randrange(65536) % 2 == 0:
                group.reverse()
            elif n > 2:
                for j in range(n):
                    p = j + self.random.randrange(65536) % (n - j)
                    group[j], group[p] = group[p], group[j]
        return cname + rest + addr + mx

    # -- the kubernetes plugin ----------------------------------------------------------------
    def _match_zone(self, qname: str) -> str | None:
        q = _fqdn(qname).lower()
        best = None
        for z in self.zones:
            if (q == z or q.endswith("." + z)) and (best is None or len(z) > len(best)):
                best = z
        return best

    def _kubernetes(self, qname: str, qtype: str, view: _View, now: float) -> _Answer | None:
        """ServeDNS of the kubernetes plugin; None means "next plugin" (fallthrough)."""
        zone_l = self._match_zone(qname)
        if zone_l is None:
            return None
        zone = _fqdn(qname)[len(_fqdn(qname)) - len(zone_l):]  # keep the question's case
        reverse = zone_l != self.zone
        try:
            records, extra = self._records_for(qname, qtype, zone, view, now)
        except _NameError:
            if reverse:
                return None  # fallthrough in-addr.arpa ip6.arpa
            return _Answer("NXDOMAIN", ns=[self._soa(zone)], zone=zone_l)
        except _Refused:
            return _Answer("REFUSED", aa=False, zone=zone_l)
        if not records:
            return _Answer("NOERROR", ns=[self._soa(zone)], zone=zone_l)
        return _Answer("NOERROR", an=records, ar=extra, zone=zone_l)

    def _soa(self, zone: str) -> DNSRecord:
        zone = _fqdn(zone)
        ttl = min(self.ttl, 300)
        data = f"ns.dns.{zone} hostmaster.{zone} {self._modified} {SOA_REFRESH} {SOA_RETRY} {SOA_EXPIRE} {self.ttl}"
        return DNSRecord(zone, "SOA", ttl, data)

    def _records_for(self, qname: str, qtype: str, zone: str, view: _View, now: float) -> tuple[list, list]:
        name = _fqdn(qname)
        if qtype == "A" or qtype == "AAAA":
            return self._addresses(name, qtype, zone, view, now, []), []
        if qtype == "TXT":
            base = name[: len(name) - len(zone)].rstrip(".")
            if base.lower() == "dns-version":
                return [DNSRecord(name, "TXT", VERSION_TTL, f'"{SCHEMA_VERSION}"')], []
            try:
                found = self._services(name, zone, view)
            except _NameError:
                found = []
            if found:
                return [], []  # the name exists with other types: NODATA
            raise _NameError
        if qtype == "SRV":
            return self._srv(name, zone, view)
        if qtype == "PTR":
            return self._ptr(name, zone, view), []
        if qtype == "CNAME":
            svcs = self._services(name, zone, view)
            if svcs and _ip_type(svcs[0].host) == "CNAME":
                return [DNSRecord(name, "CNAME", svcs[0].ttl, _fqdn(svcs[0].host))], []
            return [], []
        if qtype == "SOA":
            return ([self._soa(zone)] if name.lower() == _fqdn(zone).lower() else []), []
        if qtype in ("AXFR", "IXFR"):
            raise _Refused
        if qtype == "NS" and name.lower() == _fqdn(zone).lower():
            ns = f"ns.dns.{_fqdn(zone)}"
            ips = self._dns_ips(view)
            return ([DNSRecord(name, "NS", self.ttl, ns)] if ips else []), [
                DNSRecord(ns, _ip_type(ip), self.ttl, ip) for ip in ips]
        if qtype == "MX":
            self._services(name, zone, view)
            return [], []
        # Anything else: a fake A lookup tells NODATA from NXDOMAIN.
        self._addresses(name, "A", zone, view, now, [])
        return [], []

    def _dns_ips(self, view: _View) -> list[str]:
        svc = view.services.get((self.dns_service[0], self.dns_service[1]))
        return _cluster_ips(svc.get("spec", {})) if svc else []

    def _addresses(self, name: str, qtype: str, zone: str, view: _View, now: float, previous: list) -> list:
        """plugin.A / plugin.AAAA: addresses, and CNAMEs chased inside or outside the zone."""
        if name.lower() == _fqdn(zone).lower():
            return []  # the apex has no address
        svcs = self._services(name, zone, view)
        out, seen = [], set()
        for s in svcs:
            what = _ip_type(s.host)
            if what == "CNAME":
                target = _fqdn(s.host)
                if _eq(target, name) or len(previous) > 10:
                    continue
                cname = DNSRecord(name, "CNAME", s.ttl, target)
                if any(_eq(p.data, cname.data) and _eq(p.name, cname.name) for p in previous):
                    continue
                if _is_subdomain(zone, target):
                    try:
                        more = self._addresses(target, qtype, zone, view, now, previous + [cname])
                    except _NameError:
                        more = []
                    if more:
                        out += [cname] + more
                    continue
                sub = self._serve(target, qtype, now, view)  # Upstream.Lookup: the whole server again
                if sub.rcode == "SERVFAIL":
                    continue
                out += [cname] + sub.an
            elif what == qtype and s.host not in seen:
                seen.add(s.host)
                out.append(DNSRecord(name, qtype, s.ttl, s.host))
        return out

    def _services(self, name: str, zone: str, view: _View) -> list[_Svc]:
        """Services(): the dns-version/ns.dns special names, then Records()."""
        base = name[: len(name) - len(_fqdn(zone))].rstrip(".")
        if base.lower() == "ns.dns":
            return [_Svc(ip, key=name) for ip in self._dns_ips(view)]
        return self._records(base, zone, view)

    def _records(self, base: str, zone: str, view: _View) -> list[_Svc]:
        """Records(): parseRequest, then findPods or findServices."""
        if base == "":
            return []
        segs = base.split(".")
        kind = segs[-1].lower()
        if kind not in ("svc", "pod"):
            raise _NameError  # errInvalidRequest
        rest = segs[:-1]
        if not rest:
            return []  # "svc.<zone>" or "pod.<zone>": NODATA
        namespace = rest[-1]
        rest = rest[:-1]
        service = rest[-1] if rest else ""
        rest = rest[:-1]
        endpoint = port = protocol = ""
        if len(rest) == 1:
            endpoint = rest[0]
        elif len(rest) == 2:
            port, protocol = rest[0].removeprefix("_"), rest[1].removeprefix("_")
        elif len(rest) > 2:
            raise _NameError
        if _fqdn(zone).lower() != self.zone:
            raise _NameError  # a reverse zone name that is not an address
        if not view.namespace_exists(namespace):
            raise _NameError  # errNsNotExposed
        zone_path = _fqdn(zone)
        if kind == "pod":
            return self._find_pod(namespace, service, zone_path)
        return self._find_services(namespace, service, endpoint, port, protocol, zone_path, view)

    def _find_pod(self, namespace: str, podname: str, zone: str) -> list[_Svc]:
        if podname == "":
            return []  # NODATA
        if podname.count("-") == 3 and "--" not in podname:
            ip = podname.replace("-", ".")
        else:
            ip = podname.replace("-", ":")
        try:
            ipaddress.ip_address(ip)
        except ValueError:
            raise _NameError from None
        return [_Svc(ip, key=f"{podname}.{namespace}.pod.{zone}", ttl=self.ttl)]

    def _find_services(self, namespace: str, service: str, endpoint: str, port: str, protocol: str,
                       zone: str, view: _View) -> list[_Svc]:
        if service == "":
            return []  # NODATA for "<ns>.svc.<zone>"
        svc = view.services.get((namespace.lower(), service.lower()))
        if svc is None:
            raise _NameError
        meta, spec = svc.get("metadata", {}), svc.get("spec", {})
        sname, sns = meta.get("name", ""), meta.get("namespace", "default")
        out: list[_Svc] = []
        if spec.get("type") == "ExternalName":
            if endpoint or port or protocol:
                raise _NameError
            host = spec.get("externalName", "")
            if _ip_type(host) != "CNAME":
                raise _NameError
            return [_Svc(host, key=f"{sname}.{sns}.svc.{zone}", ttl=self.ttl)]
        headless = spec.get("clusterIP") == "None"
        if headless or endpoint:
            for sl in view.endpoint_slices(sns, sname):
                for ep in sl.endpoints:
                    if endpoint and not _eq(endpoint, _endpoint_hostname(ep)):
                        continue
                    for pname, pnum, pproto in sl.ports:
                        if not _port_matches(port, pname, protocol, pproto):
                            continue
                        out.append(_Svc(ep.ip, pnum, f"{_endpoint_hostname(ep)}.{sname}.{sns}.svc.{zone}",
                                        ttl=self.ttl))
            if not out:
                raise _NameError
            return out
        matched = False
        for p in spec.get("ports") or []:
            if not _port_matches(port, p.get("name") or "", protocol, p.get("protocol") or "TCP"):
                continue
            matched = True
            for ip in _cluster_ips(spec):
                out.append(_Svc(ip, int(p.get("port", -1)), f"{sname}.{sns}.svc.{zone}", ttl=self.ttl))
        if not matched:
            raise _NameError
        return out

    def _srv(self, name: str, zone: str, view: _View) -> tuple[list, list]:
        """plugin.SRV: one record per (target, port); weights share 100 within a priority."""
        svcs = [s for s in self._services(name, zone, view) if _ip_type(s.host) != "CNAME"]
        total = 100 * len(svcs)
        records, extra, seen_srv, seen_addr = [], [], set(), set()
        for s in svcs:
            if s.port == -1:
                continue
            weight = max(1, int(100.0 / total * 100)) if total else 100
            target = _fqdn(s.key)
            if (target.lower(), s.port) not in seen_srv:
                seen_srv.add((target.lower(), s.port))
                records.append(DNSRecord(name, "SRV", s.ttl, f"0 {weight} {s.port} {target}"))
            if (target.lower(), s.host) not in seen_addr:
                seen_addr.add((target.lower(), s.host))
                extra.append(DNSRecord(target, _ip_type(s.host), s.ttl, s.host))
        return records, extra

    def _ptr(self, name: str, zone: str, view: _View) -> list:
        """plugin.PTR via Reverse(): a ClusterIP's Service, else every endpoint with that IP."""
        ip = _reverse_to_ip(name)
        if ip is None:
            svcs = self._services(name, zone, view)
            return [DNSRecord(name, "PTR", s.ttl, _fqdn(s.host)) for s in svcs if _ip_type(s.host) == "CNAME"]
        for (_ns, _n), svc in sorted(view.services.items()):
            if ip in _cluster_ips(svc.get("spec", {})):
                m = svc["metadata"]
                target = f"{m['name']}.{m.get('namespace', 'default')}.svc.{self.zone}"
                return [DNSRecord(name, "PTR", self.ttl, target)]
        out, seen = [], set()
        for (_ns, _n), slices in sorted(view.slices.items()):
            for sl in slices:
                for ep in sl.endpoints:
                    if ep.ip == ip:
                        target = f"{_endpoint_hostname(ep)}.{sl.service}.{sl.namespace}.svc.{self.zone}"
                        if target not in seen:
                            seen.add(target)
                            out.append(DNSRecord(name, "PTR", self.ttl, target))
        if not out:
            raise _NameError
        return out

    # -- the forward plugin -------------------------------------------------------------------
    def _forward(self, qname: str, qtype: str, view: _View, now: float) -> _Answer:
        """What the upstream resolver answers (a recursive resolver: RA set, AA not)."""
        if self.upstream is None:
            return _Answer("SERVFAIL", aa=False, ra=False)
        an: list = []
        name = _fqdn(qname)
        for _hop in range(8):  # follow CNAMEs as a recursive resolver does
            entry = self.upstream.get(name.lower())
            if entry is None:
                if an:
                    break
                return _Answer("NXDOMAIN", aa=False, ra=True)
            table = _upstream_entry(entry)
            if "CNAME" in table and qtype != "CNAME":
                target = _fqdn(table["CNAME"][0])
                an.append(DNSRecord(name, "CNAME", UPSTREAM_TTL, target))
                name = target
                continue
            for value in table.get(qtype, []):
                an.append(DNSRecord(name, qtype, UPSTREAM_TTL, _fqdn(value) if qtype in ("CNAME", "PTR", "NS")
                                    else value))
            break
        return _Answer("NOERROR", an=an, aa=False, ra=True)


class _Refused(Exception):
    pass


def _port_matches(qport: str, port: str, qproto: str, proto: str) -> bool:
    """matchPortAndProtocol: empty query parts match anything; else case-insensitive equality."""
    return (qport == "" or _eq(qport, port)) and (qproto == "" or _eq(qproto, proto))


def _upstream_entry(entry) -> dict[str, list[str]]:
    if isinstance(entry, dict):
        return {k.upper(): ([v] if isinstance(v, str) else list(v)) for k, v in entry.items()}
    values = [entry] if isinstance(entry, str) else list(entry)
    table: dict[str, list[str]] = {}
    for v in values:
        table.setdefault(_ip_type(v), []).append(v)
    return table


def _with_ttl(ans: _Answer, ttl: int) -> _Answer:
    out = _copy(ans)
    out.an = [dataclasses.replace(r, ttl=ttl) for r in out.an]
    out.ns = [dataclasses.replace(r, ttl=ttl) for r in out.ns]
    out.ar = [dataclasses.replace(r, ttl=ttl) for r in out.ar]
    return out


def _copy(ans: _Answer) -> _Answer:
    return dataclasses.replace(ans, an=list(ans.an), ns=list(ans.ns), ar=list(ans.ar))


__all__ = ["CoreDNS", "SCHEMA_VERSION", "reverse_name"]
