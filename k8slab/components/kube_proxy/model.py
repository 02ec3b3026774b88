"""What kube-proxy knows before it writes a rule: its ServicePortMap and EndpointsMap.

From Service and EndpointSlice objects (plain dicts in the apiserver's JSON shape) this
computes, for one node and the IPv4 family, what ``pkg/proxy`` holds:

* one :class:`ServicePortInfo` per Service port, keyed by :class:`ServicePortName`
  (``ns/name:portname`` plus the protocol), with the cluster IP, node port, external IPs,
  load-balancer IPs (``status.loadBalancer.ingress`` in VIP mode), source ranges, traffic
  policies, session affinity and the health-check node port. Headless Services
  (``clusterIP: None``) and ExternalName Services are skipped, as ``ShouldSkipService`` does;
* the endpoints of each Service port (:class:`Endpoint`: ``ip:port``, ready / serving /
  terminating, local or not), deduplicated and sorted by the string ``"ip:port"`` as
  ``endpointslicecache.go`` does (so ``10.0.0.10:80`` sorts before ``10.0.0.2:80``);
* :func:`categorize_endpoints`, ``topology.go``'s ``CategorizeEndpoints``: which endpoints
  Cluster and Local policy use, with the fall-back to serving-and-terminating endpoints.

kube-proxy reads the EndpointSlice conditions as they are: ``publishNotReadyAddresses`` is
honoured upstream by the EndpointSlice controller (it publishes such endpoints as ready),
not here. Selector-less Services simply have whatever slices were written for them.
Topology hints are not modelled (kube-proxy ignores them unless the Service asks for them).

Malformed objects never raise: what kube-proxy would skip is skipped, and the reason is
kept in :attr:`ServicePortMap.skipped` for a learner to read.

>>> svc = {"metadata": {"namespace": "kube-system", "name": "kube-dns"},
...        "spec": {"clusterIP": "10.96.0.10", "ports": [{"name": "dns", "port": 53, "protocol": "UDP"}]}}
>>> spm = service_port_map([svc])
>>> [str(k) for k in spm]
['kube-system/kube-dns:dns']
>>> spm[next(iter(spm))].svc_chain
'KUBE-SVC-TCOU7JCQXEZGVUNU'
"""

from __future__ import annotations

import base64
import functools
import hashlib
import ipaddress
from dataclasses import dataclass, field

DEFAULT_STICKY_SECONDS = 10800
PROTOCOLS = ("TCP", "UDP", "SCTP")


@functools.lru_cache(maxsize=65536)   # pure; every node's kube-proxy names the same chains
def port_proto_hash(service_port_name: str, protocol: str) -> str:
    """``portProtoHash``: base32(sha256(servicePortName + protocol)), first 16 characters."""
    # 16 base32 characters are exactly the first 80 bits (10 bytes) of the digest.
    return base64.b32encode(hashlib.sha256((service_port_name + protocol).encode()).digest()[:10]).decode()


@functools.lru_cache(maxsize=65536)
def endpoint_chain_name(service_port_name: str, protocol: str, endpoint: str) -> str:
    """``servicePortEndpointChainName``: KUBE-SEP- + the hash of name, protocol and ``ip:port``."""
    digest = hashlib.sha256((service_port_name + protocol + endpoint).encode()).digest()[:10]
    return "KUBE-SEP-" + base64.b32encode(digest).decode()


@dataclass(frozen=True, order=True)
class ServicePortName:
    """``proxy.ServicePortName``; ``str()`` is ``ns/name`` plus ``:port`` if the port is named."""

    namespace: str
    name: str
    port: str = ""
    protocol: str = "TCP"

    def __str__(self) -> str:
        return f"{self.namespace}/{self.name}" + (f":{self.port}" if self.port else "")


@dataclass
class ServicePortInfo:
    """One Service port as kube-proxy's ``servicePortInfo`` sees it."""

    name: ServicePortName
    cluster_ip: str
    port: int
    protocol: str  # lower case, as in rules: tcp / udp / sctp
    target_port: object = None
    node_port: int = 0
    external_ips: list[str] = field(default_factory=list)
    load_balancer_vips: list[str] = field(default_factory=list)
    load_balancer_source_ranges: list[str] = field(default_factory=list)
    external_policy_local: bool = False
    internal_policy_local: bool = False
    session_affinity_client_ip: bool = False
    sticky_max_age_seconds: int = 0
    health_check_node_port: int = 0
    service_type: str = "ClusterIP"

    def __post_init__(self) -> None:
        self.name_string = str(self.name)
        h = port_proto_hash(self.name_string, self.protocol)
        self.svc_chain = "KUBE-SVC-" + h
        self.svl_chain = "KUBE-SVL-" + h
        self.ext_chain = "KUBE-EXT-" + h
        self.fw_chain = "KUBE-FW-" + h

    @property
    def externally_accessible(self) -> bool:
        """Any NodePort, external IP or load-balancer IP."""
        return bool(self.node_port or self.load_balancer_vips or self.external_ips)

    @property
    def uses_cluster_endpoints(self) -> bool:
        """Cluster policy is used by ClusterIP traffic, or by external traffic's short circuit."""
        return not self.internal_policy_local or self.externally_accessible

    @property
    def uses_local_endpoints(self) -> bool:
        return self.internal_policy_local or (self.external_policy_local and self.externally_accessible)


@dataclass(slots=True)
class Endpoint:
    """``BaseEndpointInfo``: one address:port of one Service port, with its conditions."""

    ip: str
    port: int
    is_local: bool = False
    ready: bool = True
    serving: bool = True
    terminating: bool = False
    node_name: str | None = None
    chain: str = ""  # KUBE-SEP-...

    def __str__(self) -> str:
        return f"{self.ip}:{self.port}"


class ServicePortMap(dict):
    """``proxy.ServicePortMap``: ServicePortName -> ServicePortInfo, plus what was skipped and why.
    ``frozen``: shared by :class:`SharedMaps`, never changed again."""

    frozen = False

    def __init__(self) -> None:
        super().__init__()
        self.skipped: list[str] = []


class EndpointsMap(dict):
    """``proxy.EndpointsMap``: ServicePortName -> endpoints in kube-proxy's order (``frozen``:
    as for ServicePortMap)."""

    frozen = False

    def __init__(self) -> None:
        super().__init__()
        self.skipped: list[str] = []


def _ipv4(text) -> str | None:
    """A valid IPv4 address in canonical form, or None (other families and junk)."""
    if not isinstance(text, str):
        return None
    parts = text.split(".")
    if len(parts) == 4 and all(p.isdecimal() and len(p) <= 3 and (len(p) == 1 or p[0] != "0") and int(p) < 256
                               for p in parts):
        return text
    try:
        return str(ipaddress.IPv4Address(text.strip()))
    except ValueError:
        return None


def _int(v, default: int = 0) -> int:
    if isinstance(v, bool):
        return default
    if isinstance(v, int):
        return v
    if isinstance(v, str) and v.isdecimal():
        return int(v)
    return default


def _service_ports(svc: dict) -> list[ServicePortInfo]:
    meta = svc.get("metadata") or {}
    spec = svc.get("spec") or {}
    status = svc.get("status") or {}
    ns, name = meta.get("namespace") or "default", meta.get("name")
    if not isinstance(name, str) or not name:
        raise ValueError("a Service without metadata.name")
    stype = spec.get("type") or "ClusterIP"
    if stype == "ExternalName":
        raise ValueError(f"{ns}/{name}: type ExternalName is not proxied")
    cluster_ips = spec.get("clusterIPs") or [spec.get("clusterIP")]
    if not cluster_ips or cluster_ips[0] in (None, "", "None"):
        raise ValueError(f"{ns}/{name}: headless (clusterIP None) is not proxied")
    cluster_ip = next((c for c in map(_ipv4, cluster_ips) if c), None)
    if cluster_ip is None:
        raise ValueError(f"{ns}/{name}: no IPv4 cluster IP")
    external_ips = [ip for ip in map(_ipv4, spec.get("externalIPs") or []) if ip]
    vips = []
    for ing in (status.get("loadBalancer") or {}).get("ingress") or []:
        ip = _ipv4((ing or {}).get("ip"))
        if ip and (ing.get("ipMode") in (None, "VIP")):
            vips.append(ip)
    ranges = []
    for cidr in spec.get("loadBalancerSourceRanges") or []:
        try:
            net = ipaddress.ip_network(str(cidr).strip(), strict=False)
        except ValueError:
            continue
        if net.version == 4:
            ranges.append(str(net))
    externally = stype in ("NodePort", "LoadBalancer") or (stype == "ClusterIP" and bool(spec.get("externalIPs")))
    etp_local = externally and spec.get("externalTrafficPolicy") == "Local"
    itp_local = spec.get("internalTrafficPolicy") == "Local"
    affinity = spec.get("sessionAffinity") == "ClientIP"
    timeout = 0
    if affinity:
        cfg = ((spec.get("sessionAffinityConfig") or {}).get("clientIP") or {})
        timeout = _int(cfg.get("timeoutSeconds"), DEFAULT_STICKY_SECONDS) or DEFAULT_STICKY_SECONDS
    hcnp = _int(spec.get("healthCheckNodePort")) if (stype == "LoadBalancer" and etp_local) else 0
    out = []
    for p in spec.get("ports") or []:
        proto = (p.get("protocol") or "TCP")
        if proto not in PROTOCOLS:
            raise ValueError(f"{ns}/{name}: unsupported protocol {proto!r}")
        port = _int(p.get("port"))
        if not 1 <= port <= 65535:
            raise ValueError(f"{ns}/{name}: port {p.get('port')!r} out of range")
        spn = ServicePortName(ns, name, p.get("name") or "", proto)
        out.append(ServicePortInfo(
            name=spn, cluster_ip=cluster_ip, port=port, protocol=proto.lower(),
            target_port=p.get("targetPort", port), node_port=_int(p.get("nodePort")),
            external_ips=list(external_ips), load_balancer_vips=list(vips),
            load_balancer_source_ranges=list(ranges), external_policy_local=etp_local,
            internal_policy_local=itp_local, session_affinity_client_ip=affinity,
            sticky_max_age_seconds=timeout, health_check_node_port=hcnp, service_type=stype,
        ))
    return out


def service_port_map(services: list[dict]) -> ServicePortMap:
    """Every proxied Service port, sorted by ServicePortName.

    (Real kube-proxy iterates a Go map, so its order is random on every sync; sorting gives a
    deterministic order that reads naturally.)"""
    spm = ServicePortMap()
    items = []
    for svc in services or []:
        try:
            items.extend(_service_ports(svc))
        except (ValueError, TypeError, AttributeError) as e:
            spm.skipped.append(str(e))
    for info in sorted(items, key=lambda i: (i.name_string, i.name.protocol)):
        spm[info.name] = info
    return spm


def endpoints_map(slices: list[dict], node_name: str | None, named: set | None = None) -> EndpointsMap:
    """Endpoints per Service port from IPv4 EndpointSlices, as ``endpointslicecache.go`` builds them.

    Slices are grouped by their ``kubernetes.io/service-name`` label; each slice port (its
    name, protocol and target port number) collects the slice's endpoints; the first address
    of each endpoint is used; duplicates collapse (a local copy wins); the result is sorted
    by ``"ip:port"`` as a string. ``node_name`` None: no endpoint is local. ``named`` (a set)
    collects the node names the endpoints were compared with: for a node not among them the
    map is the one worked out for None."""
    em = EndpointsMap()
    sets: dict[ServicePortName, dict[str, Endpoint]] = {}
    for sl in slices or []:
        try:
            _add_slice(sl, node_name, sets, named)
        except (ValueError, TypeError, AttributeError) as e:
            em.skipped.append(str(e))
    for spn in sorted(sets, key=lambda n: (n.namespace, n.name, n.port, n.protocol)):
        eps = sets[spn]
        em[spn] = [eps[k] for k in sorted(eps)]
    return em


def _add_slice(sl: dict, node_name: str | None, sets: dict, named: set | None = None) -> None:
    meta = sl.get("metadata") or {}
    ns = meta.get("namespace") or "default"
    svc = (meta.get("labels") or {}).get("kubernetes.io/service-name")
    if not svc:
        raise ValueError(f"EndpointSlice {ns}/{meta.get('name')} has no kubernetes.io/service-name label")
    if sl.get("addressType", "IPv4") != "IPv4":
        return
    for port in sl.get("ports") or []:
        num = _int(port.get("port"))
        if not num:
            continue
        spn = ServicePortName(ns, svc, port.get("name") or "", port.get("protocol") or "TCP")
        target = sets.setdefault(spn, {})
        name_s, proto = str(spn), spn.protocol.lower()
        for ep in sl.get("endpoints") or []:
            addrs = ep.get("addresses") or []
            ip = _ipv4(addrs[0]) if addrs else None
            if ip is None:
                continue
            cond = ep.get("conditions") or {}
            node = ep.get("nodeName")
            local = node is not None and node == node_name
            if named is not None and isinstance(node, str):
                named.add(node)
            key = f"{ip}:{num}"
            if key in target and not local:
                continue
            target[key] = Endpoint(
                ip, num, is_local=local,
                ready=cond.get("ready") is not False,
                serving=cond.get("serving") is not False,
                terminating=cond.get("terminating") is True,
                node_name=node, chain=endpoint_chain_name(name_s, proto, key),
            )


class SharedMaps:
    """The maps of the lists of Services and EndpointSlices last read from the API store, shared
    by every node's kube-proxy (each would work out the same ones).

    The store never changes an object it handed out (a change is a new dict), so lists holding
    the very same objects in the same order give the same maps; the last lists are kept (their
    objects with them, so identity means what it says) and any other list is worked out afresh.
    A node's endpoints differ from another's only where an endpoint's nodeName is the node's:
    a node no endpoint names gets the map worked out for no node, which is the same map.
    Use it only for lists of stored objects; a caller's own dicts may change in place. The maps
    it keeps are ``frozen``: nobody changes them."""

    def __init__(self) -> None:
        self._services: list | None = None
        self._svc_map: ServicePortMap | None = None
        self._slices: list | None = None
        self._ep_map: EndpointsMap | None = None
        self._named: set = set()

    def services(self, services: list[dict]) -> ServicePortMap:
        if self._services is None or not _same_objects(self._services, services):
            self._svc_map = service_port_map(services)
            self._svc_map.frozen = True
            self._services = list(services)
        return self._svc_map

    def endpoints(self, slices: list[dict], node_name: str) -> EndpointsMap:
        if self._slices is None or not _same_objects(self._slices, slices):
            named: set = set()
            self._ep_map = endpoints_map(slices, None, named)
            self._ep_map.frozen = True
            self._slices, self._named = list(slices), named
        if node_name in self._named:
            return endpoints_map(slices, node_name)
        return self._ep_map


def _same_objects(a: list, b: list) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b))


def categorize_endpoints(endpoints: list[Endpoint], svc: ServicePortInfo):
    """``CategorizeEndpoints``: (cluster endpoints, local endpoints, all reachable, has any).

    Cluster policy uses ready endpoints, or, if none is ready anywhere, those both serving and
    terminating. Local policy uses this node's ready endpoints, else its serving-terminating
    ones. ``all reachable`` (whose KUBE-SEP chains get written) merges both, sorted."""
    cluster: list[Endpoint] = []
    local: list[Endpoint] = []
    has_any = False
    if svc.uses_cluster_endpoints:
        cluster = [e for e in endpoints if e.ready]
        if not cluster:
            cluster = [e for e in endpoints if e.serving and e.terminating]
        has_any = bool(cluster)
    if not svc.uses_local_endpoints:
        return cluster, [], cluster, has_any
    local_ready = local_term = False
    for e in endpoints:
        if e.ready:
            has_any = True
            local_ready = local_ready or e.is_local
        elif e.serving and e.terminating:
            has_any = True
            local_term = local_term or e.is_local
    if local_ready:
        local = [e for e in endpoints if e.is_local and e.ready]
    elif local_term:
        local = [e for e in endpoints if e.is_local and e.serving and e.terminating]
    if not svc.uses_cluster_endpoints:
        return cluster, local, local, has_any
    merged = {str(e): e for e in cluster}
    merged.update((str(e), e) for e in local)
    return cluster, local, [merged[k] for k in sorted(merged)], has_any
