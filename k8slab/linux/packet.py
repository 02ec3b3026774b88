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
PROTO_NAMES = {IPPROTO_ICMP: "icmp", IPPROTO_TCP: "tcp", IPPROTO_UDP: "udp"}
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
                proto = {TCP: IPPROTO_TCP, UDP: IPPROTO_UDP, ICMP: IPPROTO_ICMP}.get(type(above))
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
