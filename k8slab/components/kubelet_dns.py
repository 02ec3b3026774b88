"""The /etc/resolv.conf a pod gets: the kubelet's DNS configurer and the runtime's file.

The kubelet (pkg/kubelet/network/dns/dns.go, ``GetPodDNS``) starts from the node's resolv.conf
(its ``--resolv-conf``, /etc/resolv.conf on kind) and, by ``dnsPolicy``:

* ``ClusterFirst`` (the default; a hostNetwork pod falls back to ``Default``) and
  ``ClusterFirstWithHostNet``: the cluster DNS address(es) as the only nameservers, search
  ``<ns>.svc.<domain> svc.<domain> <domain>`` followed by the node's search domains
  (duplicates dropped), and options ``ndots:5`` (the node's options are not kept);
* ``Default``: the node's nameservers, search list and options as they are;
* ``None``: nothing but the pod's ``dnsConfig``.

Then ``dnsConfig`` is appended (nameservers and searches without duplicates; options merged by
name, the pod's value winning), and the limits are applied: 3 nameservers; 32 search domains
and 2048 characters (the limits since Kubernetes 1.28; ``expanded=False`` gives the older 6
and 256), search domains longer than 253 characters dropped; each cut leaves a warning event
with the kubelet's text. containerd writes the file as ``search``, ``nameserver`` lines,
``options`` (pkg/cri ``parseDNSOptions``); with nothing to write it copies the node's file.

>>> pod = {"metadata": {"name": "client", "namespace": "test"}, "spec": {}}
>>> print(pod_resolv_conf(pod, node_resolv_conf="nameserver 172.18.0.1\\noptions ndots:0\\n"), end="")
search test.svc.cluster.local svc.cluster.local cluster.local
nameserver 10.96.0.10
options ndots:5
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

MAX_NAMESERVERS = 3
MAX_SEARCH_PATHS, MAX_SEARCH_CHARS = 32, 2048            # ExpandedDNSConfig (GA in 1.28)
MAX_SEARCH_PATHS_LEGACY, MAX_SEARCH_CHARS_LEGACY = 6, 256
MAX_DOMAIN_LEN = 253                                     # DNS1123SubdomainMaxLength
DEFAULT_OPTIONS = ["ndots:5"]


@dataclass
class PodDNS:
    """What the kubelet hands the runtime (CRI DNSConfig), plus the events it recorded."""

    servers: list[str] = field(default_factory=list)
    searches: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)

    def render(self, node_resolv_conf: str = "") -> str:
        """The file containerd writes (the node's file when there is nothing to write)."""
        out = ""
        if self.searches:
            out += "search " + " ".join(self.searches) + "\n"
        if self.servers:
            out += "nameserver " + "\nnameserver ".join(self.servers) + "\n"
        if self.options:
            out += "options " + " ".join(self.options) + "\n"
        return out or node_resolv_conf


def _parse_host(text: str) -> tuple[list[str], list[str], list[str]]:
    """parseResolvConf: nameservers accumulate; the last search/options line wins."""
    servers: list[str] = []
    searches: list[str] = []
    options: list[str] = []
    for line in text.split("\n"):
        trimmed = line.strip()
        if trimmed.startswith("#"):
            continue
        fields = trimmed.split()
        if not fields:
            continue
        if fields[0] == "nameserver" and len(fields) >= 2:
            servers.append(fields[1])
        if fields[0] == "search":
            searches = [s.removesuffix(".") for s in fields[1:]]
        if fields[0] == "options":
            options = fields[1:]
    return servers, searches, options


def _unique(items: list[str]) -> list[str]:
    seen: set[str] = set()
    return [x for x in items if not (x in seen or seen.add(x))]


def _merge_options(existing: list[str], pod_options: list[dict]) -> list[str]:
    """mergeDNSOptions: by name, the pod's value wins. (The kubelet goes through a Go map, so
    its order varies; here the existing options come first, then new ones, as written.)"""
    merged: dict[str, str] = {}
    for op in existing:
        name, sep, value = op.partition(":")
        merged[name] = value if sep else ""
    for op in pod_options:
        merged[op.get("name", "")] = op.get("value") or ""
    return [f"{k}:{v}" if v else k for k, v in merged.items()]


def pod_dns_config(pod: dict, cluster_domain: str = "cluster.local", cluster_dns: list[str] | tuple = ("10.96.0.10",),
                   node_resolv_conf: str | None = "nameserver 172.18.0.1\noptions ndots:0\n",
                   expanded: bool = True) -> PodDNS:
    """GetPodDNS for ``pod`` (a dict). ``node_resolv_conf`` is the text of the kubelet's
    ``--resolv-conf`` file (None: the flag is empty, so host-DNS pods get 127.0.0.1)."""
    spec = pod.get("spec") or {}
    namespace = (pod.get("metadata") or {}).get("namespace", "default")
    policy = spec.get("dnsPolicy") or "ClusterFirst"
    host_network = bool(spec.get("hostNetwork"))
    servers, searches, options = _parse_host(node_resolv_conf or "")
    dns = PodDNS(servers, searches, options)
    if policy == "None":
        kind = "none"
    elif policy == "ClusterFirstWithHostNet" or (policy == "ClusterFirst" and not host_network):
        kind = "cluster"
    elif policy in ("ClusterFirst", "Default"):
        kind = "host"
    else:
        kind = "cluster"  # an invalid policy: the kubelet logs it and uses ClusterFirst
    if kind == "none":
        dns = PodDNS()
    elif kind == "cluster" and cluster_dns:
        cluster = [] if not cluster_domain else [f"{namespace}.svc.{cluster_domain}", f"svc.{cluster_domain}",
                                                 cluster_domain]
        dns.servers = list(cluster_dns)
        dns.searches = _unique(cluster + dns.searches) if cluster_domain else dns.searches
        dns.options = list(DEFAULT_OPTIONS)
    else:
        if kind == "cluster":
            msg = ('kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" '
                   'policy. Falling back to "Default" policy.')
            dns.events.append(f"Warning MissingClusterDNS {msg}")
        if node_resolv_conf is None:
            dns.servers = ["127.0.0.1"]
            dns.searches = ["."]
    cfg = spec.get("dnsConfig")
    if cfg:
        dns.servers = _unique(dns.servers + list(cfg.get("nameservers") or []))
        dns.searches = _unique(dns.searches + list(cfg.get("searches") or []))
        dns.options = _merge_options(dns.options, list(cfg.get("options") or []))
    _fit_limits(dns, expanded)
    return dns


def _fit_limits(dns: PodDNS, expanded: bool) -> None:
    """formDNSConfigFitsLimits: cut nameservers and search domains as the kubelet does."""
    if len(dns.servers) > MAX_NAMESERVERS:
        dns.servers = dns.servers[:MAX_NAMESERVERS]
        dns.events.append("Warning DNSConfigForming Nameserver limits were exceeded, some nameservers have been "
                          f"omitted, the applied nameserver line is: {' '.join(dns.servers)}")
    max_paths, max_chars = (MAX_SEARCH_PATHS, MAX_SEARCH_CHARS) if expanded else (
        MAX_SEARCH_PATHS_LEGACY, MAX_SEARCH_CHARS_LEGACY)
    search, exceeded = list(dns.searches), False
    if len(search) > max_paths:
        search, exceeded = search[:max_paths], True
    kept = [s for s in search if len(s) <= MAX_DOMAIN_LEN]
    exceeded = exceeded or len(kept) != len(search)
    search = kept
    line_len = len(" ".join(search))
    if line_len > max_chars:
        cut_len = cut_num = 0
        for s in reversed(search):
            cut_len += len(s) + 1
            cut_num += 1
            if line_len - cut_len <= max_chars:
                break
        search, exceeded = search[: len(search) - cut_num], True
    if exceeded:
        dns.events.append("Warning DNSConfigForming Search Line limits were exceeded, some search paths have been "
                          f"omitted, the applied search line is: {' '.join(search)}")
    dns.searches = search


def pod_resolv_conf(pod: dict, cluster_domain: str = "cluster.local", cluster_dns: list[str] | tuple = ("10.96.0.10",),
                    node_resolv_conf: str | None = "nameserver 172.18.0.1\noptions ndots:0\n",
                    expanded: bool = True) -> str:
    """The text of the pod's /etc/resolv.conf (see :func:`pod_dns_config`).

    Without a ``dnsConfig`` the text depends on the pod only through its namespace,
    ``dnsPolicy`` and ``hostNetwork`` (every pod of a Deployment has the same), so it is made
    once per such shape and kubelet setting (:func:`_shape_resolv_conf`)."""
    spec = pod.get("spec") or {}
    namespace = (pod.get("metadata") or {}).get("namespace", "default")
    policy = spec.get("dnsPolicy") or "ClusterFirst"
    if not spec.get("dnsConfig") and type(namespace) is str and type(policy) is str:
        return _shape_resolv_conf(namespace, policy, bool(spec.get("hostNetwork")), cluster_domain,
                                  tuple(cluster_dns), node_resolv_conf, expanded)
    dns = pod_dns_config(pod, cluster_domain, cluster_dns, node_resolv_conf, expanded)
    return dns.render(node_resolv_conf or "")


@functools.lru_cache(maxsize=1024)
def _shape_resolv_conf(namespace: str, policy: str, host_network: bool, cluster_domain: str,
                       cluster_dns: tuple, node_resolv_conf: str | None, expanded: bool) -> str:
    """pod_resolv_conf for a pod without ``dnsConfig`` of this shape (a pure function of its
    arguments, so remembering it cannot go stale)."""
    pod = {"metadata": {"namespace": namespace}, "spec": {"dnsPolicy": policy, "hostNetwork": host_network}}
    return pod_dns_config(pod, cluster_domain, cluster_dns, node_resolv_conf, expanded).render(node_resolv_conf or "")


__all__ = ["PodDNS", "pod_dns_config", "pod_resolv_conf"]
