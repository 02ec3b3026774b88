"""Packets as stacked headers, in the spirit of scapy's layers.

A packet is an immutable tuple of layers, outermost first. Stack layers with ``/``:

>>> eth = Ether(src="02:42:ac:12:00:02", dst="02:42:ac:12:00:03")
>>> p = eth / IPv4(src="10.244.1.2", dst="10.96.0.10") / UDP(sport=40000, dport=53)
>>> p.summary()
'Ether 02:42:ac:12:00:02 > 02:42:ac:12:00:03 / IPv4 10.244.1.2 > 10.96.0.10 ttl 64 / UDP 40000 > 53'
>>> p[IPv4].dst
'10.96.0.10'
>>> len(p)   # bytes on the wire: 14 (Ethernet) + 20 (IPv4) + 8 (UDP)
42

Changing a header gives a new packet (``p.replace(IPv4, dst="10.244.2.3")``), so a walk can
keep the packet before and after each step. A VXLAN packet is simply a longer stack:
``Ether/IPv4/UDP/VXLAN/Ether/IPv4/TCP``; ``p.inner()`` returns what follows the VXLAN header.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar, TypeVar

ETH_P_IP = 0x0800
ETH_P_ARP = 0x0806
IPPROTO_ICMP = 1
IPPROTO_TCP = 6
IPPROTO_UDP = 17
IPPROTO_SCTP = 132
PROTO_NAMES = {IPPROTO_ICMP: "icmp", IPPROTO_TCP: "tcp", IPPROTO_UDP: "udp", IPPROTO_SCTP: "sctp"}
PROTO_NUMBERS = {v: k for k, v in PROTO_NAMES.items()}
BROADCAST_MAC = "ff:ff:ff:ff:ff:ff"

L = TypeVar("L", bound="Layer")


@dataclass(frozen=True)
class Layer:
    """One header. Subclasses set ``header_len`` (bytes) and ``summary()``."""

    header_len: ClassVar[int] = 0

    def __truediv__(self, other: Layer | Packet) -> Packet:
        return Packet((self,)) / other

    def summary(self) -> str:  # pragma: no cover - overridden
        return type(self).__name__

    def fields(self) -> dict:
        """The header's fields in declaration order."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def show(self) -> str:
        """Multi-line view of this one layer, scapy style."""
        lines = [f"###[ {type(self).__name__} ]###"]
        for name, value in self.fields().items():
            lines.append(f"  {name:<9}= {value}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


@dataclass(frozen=True)
class Ether(Layer):
    src: str = "00:00:00:00:00:00"
    dst: str = BROADCAST_MAC
    type: int = ETH_P_IP
    header_len: ClassVar[int] = 14

    def summary(self) -> str:
        return f"Ether {self.src} > {self.dst}"


@dataclass(frozen=True)
class ARP(Layer):
    """An ARP request (op 1, "who-has") or reply (op 2, "is-at")."""

    op: int = 1
    hwsrc: str = "00:00:00:00:00:00"
    psrc: str = "0.0.0.0"
    hwdst: str = "00:00:00:00:00:00"
    pdst: str = "0.0.0.0"
    header_len: ClassVar[int] = 28

    def summary(self) -> str:
        if self.op == 1:
            return f"ARP who-has {self.pdst} tell {self.psrc}"
        return f"ARP {self.psrc} is-at {self.hwsrc}"


@dataclass(frozen=True)
class IPv4(Layer):
    src: str = "0.0.0.0"
    dst: str = "0.0.0.0"
    proto: int | None = None  # None: taken from the layer above when stacked
    ttl: int = 64
    id: int = 0
    df: bool = True
    tos: int = 0
    header_len: ClassVar[int] = 20

    def summary(self) -> str:
        return f"IPv4 {self.src} > {self.dst} ttl {self.ttl}"


@dataclass(frozen=True)
class TCP(Layer):
    sport: int = 0
    dport: int = 80
    flags: str = "S"
    seq: int = 0
    ack: int = 0
    header_len: ClassVar[int] = 20

    def summary(self) -> str:
        return f"TCP {self.sport} > {self.dport} [{self.flags}]"


@dataclass(frozen=True)
class UDP(Layer):
    sport: int = 0
    dport: int = 53
    header_len: ClassVar[int] = 8

    def summary(self) -> str:
        return f"UDP {self.sport} > {self.dport}"


@dataclass(frozen=True)
class SCTP(Layer):
    """The SCTP common header (ports and verification tag); chunks are not modelled."""

    sport: int = 0
    dport: int = 80
    vtag: int = 0
    header_len: ClassVar[int] = 12

    def summary(self) -> str:
        return f"SCTP {self.sport} > {self.dport}"


ICMP_NAMES = {
    (0, 0): "echo-reply",
    (8, 0): "echo-request",
    (3, 0): "net-unreachable",
    (3, 1): "host-unreachable",
    (3, 3): "port-unreachable",
    (3, 4): "fragmentation-needed",
    (3, 10): "host-prohibited",
    (3, 13): "admin-prohibited",
    (11, 0): "time-exceeded",
}


@dataclass(frozen=True)
class ICMP(Layer):
    """ICMP header. Errors (type 3, 11) carry the offending packet's IP header and the
    first 8 bytes above it as the following layers; ``mtu`` is the next-hop MTU of a
    "fragmentation needed" error."""

    type: int = 8
    code: int = 0
    id: int = 0
    seq: int = 0
    mtu: int = 0
    header_len: ClassVar[int] = 8

    @property
    def name(self) -> str:
        return ICMP_NAMES.get((self.type, self.code), f"type {self.type} code {self.code}")

    def summary(self) -> str:
        if self.type == 3 and self.code == 4:
            return f"ICMP fragmentation-needed mtu {self.mtu}"
        if self.type in (0, 8):
            return f"ICMP {self.name} id {self.id} seq {self.seq}"
        return f"ICMP {self.name}"


@dataclass(frozen=True)
class VXLAN(Layer):
    vni: int = 1
    flags: int = 0x08
    header_len: ClassVar[int] = 8

    def summary(self) -> str:
        return f"VXLAN vni {self.vni}"


@dataclass(frozen=True)
class Raw(Layer):
    """Payload: ``load`` is the text an application sent (shown); ``pad`` adds bytes
    that are counted but not shown (to build a packet of a given size)."""

    load: str = ""
    pad: int = 0

    @property
    def length(self) -> int:
        return len(self.load.encode()) + self.pad

    def summary(self) -> str:
        return f"Raw {self.length} bytes"


_ENCAP_AFTER = (VXLAN,)


@dataclass(frozen=True)
class Packet:
    """An immutable stack of layers, outermost first."""

    layers: tuple[Layer, ...] = ()

    def __post_init__(self) -> None:
        # Fill in IPv4.proto from the layer above it, as scapy does when it builds.
        fixed = list(self.layers)
        changed = False
        for i, layer in enumerate(fixed):
            if isinstance(layer, IPv4) and layer.proto is None and i + 1 < len(fixed):
                above = fixed[i + 1]
                proto = {TCP: IPPROTO_TCP, UDP: IPPROTO_UDP, ICMP: IPPROTO_ICMP,
                         SCTP: IPPROTO_SCTP}.get(type(above))
                if proto is not None:
                    fixed[i] = dataclasses.replace(layer, proto=proto)
                    changed = True
        if changed:
            object.__setattr__(self, "layers", tuple(fixed))

    def __truediv__(self, other: Layer | Packet) -> Packet:
        if isinstance(other, Packet):
            return Packet(self.layers + other.layers)
        if isinstance(other, Layer):
            return Packet(self.layers + (other,))
        return NotImplemented

    def __iter__(self) -> Iterator[Layer]:
        return iter(self.layers)

    def __len__(self) -> int:
        return sum(layer.length if isinstance(layer, Raw) else layer.header_len for layer in self.layers)

    def __contains__(self, cls: type) -> bool:
        return any(isinstance(layer, cls) for layer in self.layers)

    def __getitem__(self, cls: type[L]) -> L:
        for layer in self.layers:
            if isinstance(layer, cls):
                return layer
        raise KeyError(f"no {cls.__name__} layer in {self.summary()}")

    def get(self, cls: type[L]) -> L | None:
        """The outermost layer of that type, or None."""
        for layer in self.layers:
            if isinstance(layer, cls):
                return layer
        return None

    def index(self, cls: type) -> int:
        for i, layer in enumerate(self.layers):
            if isinstance(layer, cls):
                return i
        raise KeyError(cls.__name__)

    def replace(self, cls: type[L], **changes) -> Packet:
        """A copy with the outermost layer of type ``cls`` changed."""
        i = self.index(cls)
        layers = list(self.layers)
        layers[i] = dataclasses.replace(layers[i], **changes)
        return Packet(tuple(layers))

    def strip(self, count: int) -> Packet:
        """A copy without the ``count`` outermost layers (e.g. decapsulation)."""
        return Packet(self.layers[count:])

    def l3(self) -> Packet:
        """The packet from its first IPv4 header on (what leaves an L3 device)."""
        return Packet(self.layers[self.index(IPv4):])

    def inner(self) -> Packet | None:
        """What a VXLAN header carries, or None if this is not an encapsulated packet."""
        for i, layer in enumerate(self.layers):
            if isinstance(layer, _ENCAP_AFTER):
                return Packet(self.layers[i + 1:])
        return None

    def ip_len(self) -> int:
        """The IPv4 total length (what the MTU is compared with)."""
        return len(self.l3())

    # Convenient flow accessors for the outermost IPv4 header and its transport.
    @property
    def src(self) -> str:
        return self[IPv4].src

    @property
    def dst(self) -> str:
        return self[IPv4].dst

    @property
    def proto(self) -> str:
        """'tcp', 'udp', 'icmp' for the outermost IPv4 header."""
        return PROTO_NAMES.get(self[IPv4].proto or 0, str(self[IPv4].proto))

    def transport(self) -> Layer | None:
        """The layer right above the outermost IPv4 header."""
        i = self.index(IPv4)
        return self.layers[i + 1] if i + 1 < len(self.layers) else None

    @property
    def sport(self) -> int | None:
        t = self.transport()
        return getattr(t, "sport", None)

    @property
    def dport(self) -> int | None:
        t = self.transport()
        return getattr(t, "dport", None)

    def summary(self) -> str:
        return " / ".join(layer.summary() for layer in self.layers)

    def show(self) -> str:
        """Every layer on its own, outermost first."""
        return "\n".join(layer.show() for layer in self.layers)

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        return f"<Packet {self.summary()}>"


# -- DNS ------------------------------------------------------------------------------------
# A DNS message as a layer (RFC 1035 section 4). Records keep their data in presentation form
# (what dig prints: "10.96.0.1", "0 100 443 web.default.svc.cluster.local.", '"1.1.0"'), and
# the layer's length is the message's real wire size, so MTU math and dig's "MSG SIZE" agree.

DNS_RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED"}
DNS_TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "MX": 15, "TXT": 16, "AAAA": 28,
             "SRV": 33, "OPT": 41, "ANY": 255}
_TCPDUMP_RCODES = {"NOERROR": "", "FORMERR": " FormErr", "SERVFAIL": " ServFail", "NXDOMAIN": " NXDomain",
                   "NOTIMP": " NotImp", "REFUSED": " Refused"}
_NAME_RDATA = {"CNAME", "PTR", "NS"}  # rdata that is one domain name (compressible)


def _labels(name: str) -> list[str]:
    """A name's labels, root excluded (``"a.b."`` and ``"a.b"`` are the same)."""
    return [label for label in name.rstrip(".").split(".") if label] if name not in ("", ".") else []


def _txt_strings(text: str) -> list[str]:
    """The character-strings of TXT presentation data: ``'"a" "b c"'`` -> ``['a', 'b c']``."""
    out, cur, quoted, i = [], "", False, 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            cur += text[i + 1]
            i += 2
            continue
        if ch == '"':
            if quoted:
                out.append(cur)
                cur = ""
            quoted = not quoted
        elif ch == " " and not quoted:
            if cur:
                out.append(cur)
                cur = ""
        else:
            cur += ch
        i += 1
    if cur:
        out.append(cur)
    return out


class _Wire:
    """Counts the bytes of names as a packer would, with RFC 1035 compression when asked."""

    def __init__(self, compress: bool) -> None:
        self.compress = compress
        self.offsets: dict[tuple[str, ...], int] = {}
        self.pos = 0

    def name(self, name: str, compressible: bool = True) -> int:
        labels = [label.lower() for label in _labels(name)]
        size = 0
        for i in range(len(labels)):
            suffix = tuple(labels[i:])
            if self.compress and compressible and suffix in self.offsets:
                return size + 2
            if self.pos + size < 0x4000:
                self.offsets.setdefault(suffix, self.pos + size)
            size += 1 + len(labels[i].encode())
        return size + 1

    def add(self, n: int) -> None:
        self.pos += n


@dataclass(frozen=True)
class DNSRecord:
    """One resource record: owner name, type, TTL and data in presentation form."""

    name: str
    type: str
    ttl: int
    data: str
    rclass: str = "IN"

    def _rdata(self, w: _Wire) -> int:
        t, d = self.type, self.data
        if t == "A":
            return 4
        if t == "AAAA":
            return 16
        if t in _NAME_RDATA:
            return w.name(d)
        if t == "SRV":  # priority weight port target (the target is never compressed)
            return 6 + w.name(d.split()[3], compressible=False)
        if t == "MX":
            return 2 + w.name(d.split()[1])
        if t == "TXT":
            return sum(1 + len(s.encode()) for s in _txt_strings(d)) or 1
        if t == "SOA":  # mname rname serial refresh retry expire minimum
            parts = d.split()
            size = w.name(parts[0])
            w.add(size)
            size2 = w.name(parts[1])
            w.add(size2 + 20)
            w.pos -= size + size2 + 20  # the caller advances by the total
            return size + size2 + 20
        return len(d.encode())

    def wire_len(self, w: _Wire) -> int:
        owner = w.name(self.name)
        w.add(owner + 10)
        rdlen = self._rdata(w)
        w.add(rdlen)
        return owner + 10 + rdlen

    def text(self) -> str:
        """The record as one line of a zone file (tab-separated)."""
        return f"{self.name}\t{self.ttl}\t{self.rclass}\t{self.type}\t{self.data}"

    def __str__(self) -> str:
        return self.text()


@dataclass(frozen=True)
class EDNS:
    """The OPT pseudo-record (RFC 6891): advertised UDP payload size, DO bit, and a COOKIE
    option (client cookie, plus the server's part when it sends one) as hex."""

    udp_size: int = 1232
    do: bool = False
    cookie: str | None = None

    def wire_len(self) -> int:
        opts = 4 + len(self.cookie) // 2 if self.cookie else 0
        return 1 + 10 + opts


@dataclass(frozen=True)
class DNS(Layer):
    """A DNS message. ``rcode`` is its name (``NOERROR``, ``NXDOMAIN``, ...); ``an``, ``ns``
    and ``ar`` are the answer, authority and additional records; ``edns`` the OPT record.
    ``compress`` says whether names are compressed on the wire (it changes the size only).

    >>> q = DNS(id=4660, qname="web.default.svc.cluster.local.", qtype="A")
    >>> q.summary(), q.header_len
    ('DNS 4660+ A? web.default.svc.cluster.local. (47)', 47)
    """

    id: int = 0
    qr: bool = False
    opcode: int = 0
    aa: bool = False
    tc: bool = False
    rd: bool = True
    ra: bool = False
    ad: bool = False
    cd: bool = False
    rcode: str = "NOERROR"
    qname: str = "."
    qtype: str = "A"
    qclass: str = "IN"
    an: tuple[DNSRecord, ...] = ()
    ns: tuple[DNSRecord, ...] = ()
    ar: tuple[DNSRecord, ...] = ()
    edns: EDNS | None = None
    compress: bool = False

    @property
    def header_len(self) -> int:  # type: ignore[override]
        """The message's size on the wire (the UDP payload)."""
        w = _Wire(self.compress)
        w.add(12)
        qn = w.name(self.qname)
        w.add(qn + 4)
        for rr in self.an + self.ns + self.ar:
            rr.wire_len(w)
        if self.edns is not None:
            w.add(self.edns.wire_len())
        return w.pos

    @property
    def length(self) -> int:
        return self.header_len

    @property
    def counts(self) -> tuple[int, int, int, int]:
        """QUERY, ANSWER, AUTHORITY, ADDITIONAL as the header carries them (OPT counts)."""
        return 1, len(self.an), len(self.ns), len(self.ar) + (1 if self.edns is not None else 0)

    def reply(self, **changes) -> DNS:
        """A response to this query: same id, question, RD, CD and (echoed) EDNS; QR set."""
        base = dataclasses.replace(self, qr=True, an=(), ns=(), ar=(), aa=False, ra=False, tc=False, ad=False)
        return dataclasses.replace(base, **changes)

    def summary(self) -> str:
        """One line as tcpdump prints a DNS message."""
        n = self.header_len
        if not self.qr:
            flags = ("+" if self.rd else "") + ("%" if self.cd else "")
            extra = f" [{self.counts[3]}au]" if self.counts[3] else ""
            return f"DNS {self.id}{flags}{extra} {self.qtype}? {self.qname} ({n})"
        flags = (_TCPDUMP_RCODES.get(self.rcode, f" {self.rcode}") + ("*" if self.aa else "")
                 + ("" if self.ra else "-") + ("|" if self.tc else "") + ("$" if self.ad else ""))
        _, an, ns, ar = self.counts
        answers = ",".join(f" {_tcpdump_rdata(rr)}" for rr in self.an)
        return f"DNS {self.id}{flags} {an}/{ns}/{ar}{answers} ({n})"


def _tcpdump_rdata(rr: DNSRecord) -> str:
    if rr.type == "SRV":  # tcpdump: "SRV target:port priority weight"
        prio, weight, port, target = rr.data.split()
        return f"SRV {target}:{port} {prio} {weight}"
    return f"{rr.type} {rr.data}"
