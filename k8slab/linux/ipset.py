"""ipset: named sets of addresses (and ports) in one network namespace, and ``ipset list``.

kube-proxy's IPVS mode keeps its Service addresses in sets (KUBE-CLUSTER-IP is
``hash:ip,port``, KUBE-LOOP-BACK ``hash:ip,port,ip``, KUBE-NODE-PORT-TCP ``bitmap:port``...)
and matches them from iptables with ``-m set --match-set NAME dst,dst``. A set's members are
kept as tuples of the dimensions its type names, in the kernel's canonical text
(``10.96.0.10,udp:53``). The ``-m set`` match itself lives in :mod:`k8slab.linux.xt_ext`.

>>> sets = IPSets()
>>> s = sets.create("KUBE-CLUSTER-IP", "hash:ip,port", comment=True)
>>> s.add("10.96.0.10,udp:53")
>>> s.test(("10.96.0.10", "udp", 53))
True
>>> print(sets.list("KUBE-CLUSTER-IP").splitlines()[0])
Name: KUBE-CLUSTER-IP
"""

from __future__ import annotations

import ipaddress

TYPES = ("hash:ip", "hash:ip,port", "hash:ip,port,ip", "hash:ip,port,net", "hash:net", "bitmap:port")
PROTOS = ("tcp", "udp", "sctp", "icmp")


class IPSetError(Exception):
    """An ipset command that failed, with the tool's message."""


def _ip(text: str) -> str:
    try:
        return str(ipaddress.IPv4Address(text))
    except ValueError:
        raise IPSetError(f"Syntax error: '{text}' is not a valid IPv4 address") from None


def _port(text: str) -> tuple[str, int]:
    proto, _, port = text.rpartition(":")
    proto = proto or "tcp"
    if proto not in PROTOS or not port.isdecimal() or int(port) > 65535:
        raise IPSetError(f"Syntax error: '{text}' is not a valid protocol:port")
    return proto, int(port)


def _net(text: str) -> str:
    try:
        return str(ipaddress.IPv4Network(text, strict=False))
    except ValueError:
        raise IPSetError(f"Syntax error: '{text}' is not a valid IPv4 network") from None


class IPSet:
    """One set: its name, type, options and members (a set of tuples)."""

    def __init__(self, name: str, settype: str, comment: bool = False, port_range: tuple[int, int] | None = None,
                 hashsize: int = 1024, maxelem: int = 65536):
        if settype not in TYPES:
            raise IPSetError(f"Syntax error: unknown settype {settype}")
        self.name, self.type = name, settype
        self.comment = comment
        self.port_range = port_range or (0, 65535)
        self.hashsize, self.maxelem = hashsize, maxelem
        self.members: dict[tuple, str] = {}  # entry -> comment
        self._nets: list[tuple] = []

    def parse(self, text: str) -> tuple:
        parts = text.split(",")
        t = self.type
        if t == "hash:ip":
            return (_ip(parts[0]),)
        if t == "hash:net":
            return (_net(parts[0]),)
        if t == "bitmap:port":
            _, port = _port(parts[0])
            lo, hi = self.port_range
            if not lo <= port <= hi:
                raise IPSetError("Element is out of the range of the set")
            return (port,)
        if len(parts) < 2:
            raise IPSetError(f"Syntax error: second element is missing from {text}")
        proto, port = _port(parts[1])
        if t == "hash:ip,port":
            return (_ip(parts[0]), proto, port)
        if len(parts) < 3:
            raise IPSetError(f"Syntax error: third element is missing from {text}")
        third = _ip(parts[2]) if t == "hash:ip,port,ip" else _net(parts[2])
        return (_ip(parts[0]), proto, port, third)

    def add(self, entry: str | tuple, comment: str = "") -> None:
        key = self.parse(entry) if isinstance(entry, str) else tuple(entry)
        self.members[key] = comment
        self._nets = []

    def delete(self, entry: str | tuple) -> None:
        key = self.parse(entry) if isinstance(entry, str) else tuple(entry)
        if self.members.pop(key, None) is None:
            raise IPSetError("Element cannot be deleted from the set: it's not added")
        self._nets = []

    def flush(self) -> None:
        self.members.clear()
        self._nets = []

    def test(self, key: tuple) -> bool:
        """Is the packet tuple (the dimensions the match extracted) in the set?"""
        if key in self.members:
            return True
        t = self.type
        if t in ("hash:net", "hash:ip,port,net"):
            addr = ipaddress.IPv4Address(key[-1])
            if not self._nets:
                self._nets = [(m, ipaddress.IPv4Network(m[-1])) for m in self.members]
            return any(addr in net and m[:-1] == tuple(key[:-1]) for m, net in self._nets)
        return False

    @staticmethod
    def entry_text(key: tuple) -> str:
        if len(key) == 1:
            return str(key[0])
        text = f"{key[0]},{key[1]}:{key[2]}"
        return text + (f",{key[3]}" if len(key) > 3 else "")

    def header(self) -> str:
        if self.type == "bitmap:port":
            opts = f"range {self.port_range[0]}-{self.port_range[1]}"
        else:
            opts = f"family inet hashsize {self.hashsize} maxelem {self.maxelem}"
        return opts + (" comment" if self.comment else "")

    def listing(self) -> str:
        """``ipset list NAME`` (members in sorted order; the kernel's hash order is not modelled)."""
        lines = [f"Name: {self.name}", f"Type: {self.type}", "Revision: " + _REVISIONS[self.type],
                 f"Header: {self.header()}", f"Size in memory: {self._memsize()}", "References: 0",
                 f"Number of entries: {len(self.members)}", "Members:"]
        for key in sorted(self.members, key=_sort_key):
            c = self.members[key]
            lines.append(self.entry_text(key) + (f' comment "{c}"' if c else ""))
        return "\n".join(lines) + "\n"

    def _memsize(self) -> int:
        return 200 + 32 * len(self.members) if self.type == "bitmap:port" else 440 + 72 * len(self.members)


_REVISIONS = {"hash:ip": "6", "hash:ip,port": "7", "hash:ip,port,ip": "5", "hash:ip,port,net": "7",
              "hash:net": "7", "bitmap:port": "3"}


def _sort_key(key: tuple):
    return tuple((0, int(ipaddress.ip_network(x, strict=False).network_address), x) if isinstance(x, str)
                 and x[:1].isdecimal() else (1, 0, str(x)) for x in key)


class IPSets:
    """The sets of one namespace, by name, with the ``ipset`` commands kube-proxy uses."""

    def __init__(self) -> None:
        self.sets: dict[str, IPSet] = {}

    def create(self, name: str, settype: str, exist: bool = True, **opts) -> IPSet:
        s = self.sets.get(name)
        if s is not None:
            if not exist:
                raise IPSetError("Set cannot be created: set with the same name already exists")
            return s
        s = self.sets[name] = IPSet(name, settype, **opts)
        return s

    def get(self, name: str) -> IPSet | None:
        return self.sets.get(name)

    def destroy(self, name: str) -> None:
        if self.sets.pop(name, None) is None:
            raise IPSetError("The set with the given name does not exist")

    def list(self, name: str | None = None) -> str:
        """``ipset list [NAME]`` output; every set, separated by a blank line, if no name."""
        if name is not None:
            s = self.sets.get(name)
            if s is None:
                raise IPSetError("The set with the given name does not exist")
            return s.listing()
        return "\n".join(self.sets[n].listing() for n in sorted(self.sets))


def ipsets_of(nf) -> IPSets:
    """The ipsets of the namespace owning netfilter ``nf`` (created on first use)."""
    sets = getattr(nf, "ipsets", None)
    if sets is None:
        sets = IPSets()
        nf.ipsets = sets
    return sets
