"""The network tools a learner runs inside a pod or node: curl, wget, ping, nc, and the DNS tools.

Nothing here looks at API objects. Names are resolved the way the C library does it, from the
pod's /etc/resolv.conf, by DNS queries that travel as UDP packets to the nameserver (the
kube-dns Service: kube-proxy's rules send them to a CoreDNS pod); connections are packets
walked through the data plane (:func:`k8slab.linux.walk.send`). What the tools print follows
the real tools (curl 8, iputils ping, OpenBSD nc, busybox wget).
"""

from __future__ import annotations

import random
import zlib
from ipaddress import IPv4Address
from urllib.parse import urlsplit

from k8slab.cli import dns as dnstools
from k8slab.linux.packet import DNS, ICMP, TCP, UDP, IPv4, Raw
from k8slab.linux.resolver import parse_resolv_conf, resolve, stub_query
from k8slab.linux.walk import send

Result = tuple[str, str, int]
CURL_VERSION = "8.14.1"
SERVICES = {80: "http", 443: "https", 53: "domain", 8080: "http-alt", 6443: "sun-sr-https", 9153: "*"}


class Endpoint:
    """Where a tool runs: its network namespace, files and a seeded source for ports and ids."""

    def __init__(self, target) -> None:
        self.netns = target.netns
        self.fs = target.fs
        self.image = getattr(target, "image", "") or ""
        seed = zlib.crc32(f"{target.name}:{self.netns.kernel.now}".encode()) ^ self.netns.kernel.random.getrandbits(16)
        self.rng = random.Random(seed)
        self.walks: list = []

    def resolv_conf(self) -> str:
        try:
            return self.fs.read("/etc/resolv.conf")
        except Exception:  # noqa: BLE001 - a machine without the file resolves nothing
            return ""

    def exchange(self, query: DNS, server: str | None) -> DNS | None:
        """Send one DNS query as a UDP packet and return the answer, or None (no answer)."""
        if server is None:
            servers = parse_resolv_conf(self.resolv_conf()).nameservers
            if not servers:
                return None
            server = servers[0]
        pkt = IPv4(dst=server) / UDP(self.rng.randint(32768, 60999), 53) / query
        w = send(self.netns, pkt)
        self.walks.append(w)
        if w.reply is None or w.reply.verdict != "delivered" or w.reply.packet is None:
            return None
        return w.reply.packet.get(DNS)

    def lookup(self, name: str) -> str | None:
        """getaddrinfo(): /etc/hosts, then DNS (A and AAAA, the search list); the first IPv4 address."""
        try:
            IPv4Address(name)
            return name
        except ValueError:
            pass
        try:
            hosts = self.fs.read("/etc/hosts")
        except Exception:  # noqa: BLE001
            hosts = ""
        for line in hosts.splitlines():
            parts = line.split("#", 1)[0].split()
            if len(parts) > 1 and name in parts[1:] and ":" not in parts[0]:
                return parts[0]
        found = resolve(name, "A+AAAA", stub_query(self.exchange, self.rng), parse_resolv_conf(self.resolv_conf()))
        ipv4 = [a for a in found.addresses() if ":" not in a]
        return ipv4[0] if ipv4 else None

    def connect(self, ip: str, port: int, proto: str = "tcp", payload: str | None = None):
        """A connection attempt (TCP SYN, or one UDP datagram); with ``payload``, the request that
        follows the handshake on the same ports. Returns (handshake walk, request walk or None)."""
        sport = self.rng.randint(32768, 60999)
        if proto == "udp":
            w = send(self.netns, IPv4(dst=ip) / UDP(sport, port) / Raw(payload or ""))
            self.walks.append(w)
            return w, None
        syn = send(self.netns, IPv4(dst=ip) / TCP(sport, port, "S"))
        self.walks.append(syn)
        if syn.verdict != "delivered" or payload is None:
            return syn, None
        req = send(self.netns, IPv4(dst=ip) / TCP(sport, port, "PA", 1, 1) / Raw(payload))
        self.walks.append(req)
        return syn, req


def _refused(walk) -> bool:
    """Did the sender hear a no (RST, ICMP error) rather than nothing?"""
    return walk.verdict == "rejected"


def _ms(walk) -> str:
    """A deterministic round-trip time: 0.020 ms per hop, there and back."""
    hops = len(walk.hops) + (len(walk.reply.hops) if walk.reply is not None else 0)
    return f"{hops * 0.02:.3f}"


# -- curl / wget --------------------------------------------------------------------------------------

def curl(target, argv: list[str], stdin=None) -> Result:
    flags = set()
    url = None
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("-m", "--max-time", "--connect-timeout", "-H", "-X", "-o", "-w"):
            i += 2
            continue
        if a.startswith("--"):
            flags.add(a)
        elif a.startswith("-"):
            flags.update(f"-{c}" for c in a[1:])
        else:
            url = a
        i += 1
    if url is None:
        return "", "curl: try 'curl --help' or 'curl --manual' for more information\n", 2
    if "://" not in url:
        url = "http://" + url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return "", f"curl: (1) Protocol \"{parts.scheme}\" not supported\n", 1
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    path = parts.path or "/"
    verbose = "-v" in flags or "--verbose" in flags
    silent = "-s" in flags or "--silent" in flags
    show_err = not silent or "-S" in flags or "--show-error" in flags
    ep = Endpoint(target)
    ip = ep.lookup(host)
    err = ""
    if ip is None:
        return "", (f"curl: (6) Could not resolve host: {host}\n" if show_err else ""), 6
    if verbose:
        err += f"*   Trying {ip}:{port}...\n"
    request = f"GET {path} HTTP/1.1\r\nHost: {host}{'' if port in (80, 443) else f':{port}'}\r\n" \
              f"User-Agent: curl/{CURL_VERSION}\r\nAccept: */*\r\n\r\n"
    syn, req = ep.connect(ip, port, "tcp", request)
    if syn.verdict != "delivered":
        if _refused(syn):
            return "", err + (f"curl: (7) Failed to connect to {host} port {port} after 0 ms: "
                              "Couldn't connect to server\n" if show_err else ""), 7
        return "", err + (f"curl: (28) Failed to connect to {host} port {port} after 134000 ms: "
                          "Couldn't connect to server\n" if show_err else ""), 28
    if req is None or req.reply is None or req.reply.verdict != "delivered":
        return "", err + ("curl: (56) Recv failure: Connection reset by peer\n" if show_err else ""), 56
    raw = req.reply.packet.get(Raw)
    response = raw.load if raw is not None else ""
    head, _, body = response.partition("\r\n\r\n")
    if parts.scheme == "https":
        return "", err + ("curl: (35) OpenSSL/3.3.2: error:0A00010B:SSL routines::wrong version number\n"
                          if show_err else ""), 35
    if verbose:
        err += f"* Connected to {host} ({ip}) port {port}\n"
        err += "".join(f"> {line}\n" for line in request.rstrip("\r\n").split("\r\n")) + ">\n"
        err += "".join(f"< {line}\n" for line in head.split("\r\n")) + "<\n"
    out = head.replace("\r\n", "\n") + "\n\n" if ("-I" in flags or "--head" in flags) else body
    if verbose:
        err += f"* Connection #0 to host {host} left intact\n"
    return out, err, 0


def wget(target, argv: list[str], stdin=None) -> Result:
    """busybox wget: ``wget -qO- URL`` prints the body."""
    urls = [a for a in argv if not a.startswith("-") and a not in ("-", "/dev/null")]
    if not urls:
        return "", "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: wget [-cqS] URL\n", 1
    url = urls[-1] if "://" in urls[-1] else "http://" + urls[-1]
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port or 80
    ep = Endpoint(target)
    ip = ep.lookup(host)
    if ip is None:
        return "", f"wget: bad address '{host}'\n", 1
    syn, req = ep.connect(ip, port, "tcp", f"GET {parts.path or '/'} HTTP/1.1\r\nHost: {host}\r\n\r\n")
    if syn.verdict != "delivered":
        why = "Connection refused" if _refused(syn) else "Connection timed out"
        return "", f"wget: can't connect to remote host ({ip}): {why}\n", 1
    raw = req.reply.packet.get(Raw) if req and req.reply and req.reply.packet else None
    head, _, body = (raw.load if raw else "").partition("\r\n\r\n")
    quiet = any(a.startswith("-q") or a == "-qO-" for a in argv)
    err = "" if quiet else f"Connecting to {host}{'' if port == 80 else f':{port}'} ({ip}:{port})\n"
    return body, err, 0


# -- ping -----------------------------------------------------------------------------------------------

def ping(target, argv: list[str], stdin=None) -> Result:
    count, size, df, host = 4, 56, False, None
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "-c" and i + 1 < len(argv):
            count, i = int(argv[i + 1]), i + 2
            continue
        if a == "-s" and i + 1 < len(argv):
            size, i = int(argv[i + 1]), i + 2
            continue
        if a == "-M" and i + 1 < len(argv):
            df, i = argv[i + 1] == "do", i + 2
            continue
        if a in ("-W", "-w", "-i", "-t") and i + 1 < len(argv):
            i += 2
            continue
        if not a.startswith("-"):
            host = a
        i += 1
    if host is None:
        return "", "ping: usage error: Destination address required\n", 1
    ep = Endpoint(target)
    ip = ep.lookup(host)
    if ip is None:
        return "", f"ping: {host}: Name or service not known\n", 2
    out = [f"PING {host} ({ip}) {size}({size + 28}) bytes of data."]
    received, errors = 0, 0
    ident = ep.rng.randint(1, 65535)
    for seq in range(1, count + 1):
        pkt = IPv4(dst=ip, df=df) / ICMP(8, 0, ident, seq) / Raw(pad=size)
        w = send(ep.netns, pkt)
        ep.walks.append(w)
        if w.verdict == "rejected" and w.netns == ep.netns.name and "Message too long" in w.reason:
            mtu = w.reason.split("mtu ")[1].split(" ")[0]
            return "", f"ping: local error: message too long, mtu={mtu}\n", 1
        r = w.reply
        if w.verdict == "delivered" and r is not None and r.verdict == "delivered":
            received += 1
            out.append(f"{size + 8} bytes from {ip}: icmp_seq={seq} ttl={r.packet[IPv4].ttl} time={_ms(w)} ms")
        elif r is not None and r.packet is not None and ICMP in r.packet and r.verdict == "delivered":
            icmp = r.packet[ICMP]
            errors += 1
            what = {(3, 4): f"Frag needed and DF set (mtu = {icmp.mtu})", (3, 1): "Destination Host Unreachable",
                    (3, 0): "Destination Net Unreachable", (3, 3): "Destination Port Unreachable",
                    (11, 0): "Time to live exceeded"}.get((icmp.type, icmp.code), icmp.name)
            out.append(f"From {r.packet.src} icmp_seq={seq} {what}")
    loss = round(100 * (count - received) / count) if count else 0
    stats = f"{count} packets transmitted, {received} received, "
    if errors:
        stats += f"+{errors} errors, "
    stats += f"{loss}% packet loss, time {max(count - 1, 0) * 1000 + 3}ms"
    out += ["", f"--- {host} ping statistics ---", stats]
    if received:
        t = _ms(ep.walks[-1])
        out.append(f"rtt min/avg/max/mdev = {t}/{t}/{t}/0.000 ms")
    return "\n".join(out) + "\n", "", 0 if received else 1


# -- nc -------------------------------------------------------------------------------------------------

def nc(target, argv: list[str], stdin=None) -> Result:
    """``nc -zv HOST PORT`` (OpenBSD netcat) and ``nc -zvu`` for UDP."""
    flags = "".join(a[1:] for a in argv if a.startswith("-"))
    args = [a for a in argv if not a.startswith("-")]
    if len(args) < 2:
        return "", "usage: nc [-46CDdFhklNnrStUuvZz] [destination] [port]\n", 1
    host, port = args[0], int(args[1])
    proto = "udp" if "u" in flags else "tcp"
    ep = Endpoint(target)
    ip = ep.lookup(host)
    if ip is None:
        return "", f"nc: getaddrinfo for host \"{host}\" port {port}: Name or service not known\n", 1
    w, _ = ep.connect(ip, port, proto, None)
    name = SERVICES.get(port, "*")
    if proto == "udp" or w.verdict == "delivered":
        return "", (f"Connection to {host} ({ip}) {port} port [{proto}/{name}] succeeded!\n" if "v" in flags
                    else ""), 0
    why = "Connection refused" if _refused(w) else "Connection timed out"
    return "", f"nc: connect to {host} ({ip}) port {port} ({proto}) failed: {why}\n", 1


# -- DNS tools ------------------------------------------------------------------------------------------

def _dns_tool(fn):
    def run(target, argv, stdin=None):
        ep = Endpoint(target)
        kwargs = {}
        if fn in (dnstools.nslookup, dnstools.dig):
            kwargs["image"] = ep.image or "dnsutils"
        if fn is dnstools.dig:
            import datetime as dt

            from k8slab.api.meta import EPOCH  # virtual time for ";; WHEN:"

            kwargs["now"] = EPOCH + dt.timedelta(seconds=int(ep.netns.kernel.now))
        if fn is dnstools.getent:
            try:
                kwargs["etc_hosts"] = ep.fs.read("/etc/hosts")
            except Exception:  # noqa: BLE001
                pass
        return fn(argv, ep.exchange, ep.resolv_conf(), **kwargs)
    return run


COMMANDS = {
    "curl": curl, "wget": wget, "ping": ping, "nc": nc,
    "nslookup": _dns_tool(dnstools.nslookup), "dig": _dns_tool(dnstools.dig), "host": _dns_tool(dnstools.host),
    "getent": _dns_tool(dnstools.getent),
}
