"""host-local IPAM: addresses from a range, remembered as files on the node.

State lives in ``<dataDir>/<network name>/``: one file per reserved IP holding
``<containerID>\\r\\n<ifname>``, and ``last_reserved_ip.0``. Allocation is round robin: it
starts after the last reserved address, so a freed IP is not handed out again until the range
wraps; the gateway (the range's first address by default) is never handed out.
"""

from __future__ import annotations

import functools

from k8slab.components.cni.runtime import CNIError, Host
from k8slab.linux.fs import FileSystemError
from k8slab.linux.ipv4 import broadcast_of, format_ip, network_of, parse_interface, parse_ip

DEFAULT_DATA_DIR = "/var/lib/cni/networks"
LAST_RESERVED = "last_reserved_ip"


def _range(conf: dict) -> tuple[int, int, int, int]:
    """(prefix length, first, last, gateway) of the first range, addresses as ints."""
    ipam = conf.get("ipam", {})
    ranges = ipam.get("ranges") or ([[{"subnet": ipam["subnet"]}]] if "subnet" in ipam else None)
    if not ranges or not ranges[0]:
        raise CNIError("no IP ranges specified")
    r = ranges[0][0]
    if "subnet" not in r:
        raise CNIError("invalid CIDR None: 'subnet'")
    fields = (r["subnet"], r.get("rangeStart"), r.get("rangeEnd"), r.get("gateway"))
    try:
        return _range_numbers(*fields)
    except TypeError:   # a list or an object where text belongs: not cached, it fails as it did
        return _range_numbers.__wrapped__(*fields)


@functools.lru_cache(maxsize=8192, typed=True)   # typed: a subnet of 1 (an address) and 1.0 (none) differ
def _range_numbers(subnet: str, range_start, range_end, gateway) -> tuple[int, int, int, int]:
    """:func:`_range` of a range's fields, None for those not given (worked out once per
    node: each node's range differs by its podCIDR; a CNIError is raised afresh each time).
    Go decodes null or "" into a nil net.IP: the same as a field not given."""
    try:
        value, plen = parse_interface(subnet)
    except ValueError as e:
        raise CNIError(f"invalid CIDR {subnet}: {e}") from None
    net = network_of(value, plen)
    broadcast = broadcast_of(net, plen)
    start = _ip_field(range_start) if _given(range_start) else net + 1
    end = _ip_field(range_end) if _given(range_end) else broadcast - 1
    gw = _ip_field(gateway) if _given(gateway) else net + 1
    return plen, start, end, gw


@functools.lru_cache(maxsize=8192)
def _gateway_text(gw: int) -> str:
    """A range's gateway as text, made once per node's range and shared by its results."""
    return format_ip(gw)


def _given(value) -> bool:
    """Whether a range's IP field is given (null and "" are not)."""
    return value is not None and not (type(value) is str and value == "")


def _ip_field(text: str) -> int:
    """An IP field of a range (``rangeStart``, ``rangeEnd``, ``gateway``), failing as Go's JSON
    decoding of a ``net.IP`` does."""
    try:
        return parse_ip(text)
    except ValueError:
        raise CNIError(f"invalid IP address: {text}") from None


def _dir(conf: dict) -> str:
    return _paths(conf)[0]


def _paths(conf: dict) -> tuple[str, str, str]:
    """The state directory ``d``, ``d/`` and ``d/last_reserved_ip.0`` of a config."""
    fields = (conf.get("ipam", {}).get("dataDir", DEFAULT_DATA_DIR), conf["name"])
    try:
        return _dir_paths(*fields)
    except TypeError:   # a list or an object as dataDir or name: not cached, formatted as it was
        return _dir_paths.__wrapped__(*fields)


@functools.lru_cache(maxsize=8192, typed=True)   # typed: a name of 1 and one of true differ
def _dir_paths(data_dir, name) -> tuple[str, str, str]:
    """:func:`_paths` of a config's dataDir and network name: made once per network (the
    same on every node) and shared, each string hashed once for the filesystem's lookups."""
    d = f"{data_dir}/{name}"
    return d, f"{d}/", f"{d}/{LAST_RESERVED}.0"


class _Record(dict):
    """host-local's record of one state directory ``d`` (``host.ipam_files[d]``): IP file path
    (``f"{d}/{name}"``, the very string the filesystem keys the file by, so a pod's record
    holds no second copy of its name) -> what it holds (``<id>\\r\\n<ifname>``),
    ``owners``, how many files hold each text, and ``last``, the text host-local last wrote
    to ``last_reserved_ip.0`` and its number: a read that gives back that very string object
    is that address (a text written since is another object and is parsed).
    An ADD then learns that its new container holds no address without comparing its text
    with every file's (a node's record has one per pod, each far apart in memory). Changed only
    through :meth:`put` and :meth:`drop`, which keep the two in step."""

    __slots__ = ("owners", "last")

    def __init__(self) -> None:
        super().__init__()
        self.owners: dict[str, int] = {}
        self.last: tuple[str, int] | None = None

    def put(self, path: str, text: str) -> None:
        """The file ``path`` holds ``text``."""
        self.drop(path)
        self[path] = text
        self.owners[text] = self.owners.get(text, 0) + 1

    def drop(self, path: str) -> None:
        """The file ``path`` is gone (nothing if it was not recorded)."""
        text = self.pop(path, None)
        if text is not None:
            if self.owners[text] > 1:
                self.owners[text] -= 1
            else:
                del self.owners[text]


def _reservations(host: Host, d: str) -> _Record:
    """The state directory's IP files and what each holds (``<id>\\r\\n<ifname>``).

    Reading every file on every call (as the real plugin does) grows with the pods on the
    node, so what was read is kept on the Host (``host.ipam_files``) and brought in step with
    the directory's listing here: files that appeared are read, files that went are dropped.
    The directory is listed only when its :meth:`~k8slab.linux.fs.FileSystem.version` moved
    since the record was last in step (host-local's own writes bring both along: see
    :func:`_in_step`). Callers confirm a hit by reading that file again before acting on it.
    Not seen: a file rewritten in place by something other than host-local (nothing in k8slab
    does; a new Host, as ``Machine.host`` gives, reads every file)."""
    fs = host.fs
    known = host.ipam_files.get(d)
    if known is None:
        known = host.ipam_files[d] = _Record()
    version = fs.version(d)
    if host.ipam_versions.get(d) != version:
        prefix = f"{d}/"
        for path in {prefix + name for name in fs.names(d)} ^ known.keys():   # files that appeared or went
            if path in known:
                known.drop(path)
            elif not path.startswith(LAST_RESERVED, len(prefix)):
                known.put(path, fs.read(path))
        host.ipam_versions[d] = version
    return known


def _in_step(host: Host, d: str) -> None:
    """After host-local's own writes and removes in ``d``, made to the record as well (with
    nothing else writing between them and the last :func:`_reservations`): the record is in
    step with the directory's new version."""
    host.ipam_versions[d] = host.fs.version(d)


def _held_by(host: Host, d: str, owner: str) -> list[str]:
    """The paths of the IP files that hold ``owner`` (``<id>\\r\\n<ifname>``), in ``ls``
    order (their common ``d/`` leaves the names' order), each read again to be sure."""
    known = _reservations(host, d)
    if owner not in known.owners:
        return []
    held = []
    for path in sorted(p for p, o in known.items() if o == owner):
        text = host.fs.read(path)
        known.put(path, text)
        if text == owner:
            held.append(path)
    return held


def add(host: Host, env: dict, conf: dict) -> dict:
    plen, start, end, gw = _range(conf)
    d, prefix, last_file = _paths(conf)
    fs = host.fs
    cid, owner = env["CNI_CONTAINERID"], f"{env['CNI_CONTAINERID']}\r\n{env['CNI_IFNAME']}"
    held = _held_by(host, d, owner)
    if held:
        raise CNIError(f"failed to allocate for range 0: {held[0][len(d) + 1:]} has been allocated to {cid}, "
                       "duplicate allocation is not allowed")
    taken = host.ipam_files[d]
    try:
        text = fs.read(last_file)
        last = taken.last[1] if taken.last is not None and text is taken.last[0] else parse_ip(text.strip())
    except ValueError:  # not an IP: the plugin starts from the range's beginning
        last = None
    except FileSystemError:  # none yet (a folder there fails as reading it does)
        if fs.isdir(last_file):
            raise
        last = None
    size = end - start + 1
    first = last + 1 if last is not None and start <= last <= end else start
    chosen = None
    for i in range(size):
        cand = start + (first - start + i) % size
        if cand != gw:
            text = format_ip(cand)
            path = prefix + text
            if path not in taken:
                chosen = text
                break
    if chosen is None:
        raise CNIError("failed to allocate for range 0: no IP addresses available in range set: "
                       f"{format_ip(start)}-{format_ip(end)}")
    fs.write(path, owner)
    fs.write(last_file, chosen)
    taken.put(path, owner)
    taken.last = (chosen, cand)
    _in_step(host, d)
    routes = []
    for r in conf.get("ipam", {}).get("routes", ()):
        routes.append({"dst": r["dst"], "gw": r["gw"]} if "gw" in r else {"dst": r["dst"]})
    return {"ips": [{"address": f"{chosen}/{plen}", "gateway": _gateway_text(gw)}], "routes": routes, "dns": {}}


def delete(host: Host, env: dict, conf: dict) -> None:
    d = _dir(conf)
    for path in _held_by(host, d, f"{env['CNI_CONTAINERID']}\r\n{env['CNI_IFNAME']}"):
        host.fs.remove(path)
        host.ipam_files[d].drop(path)
    _in_step(host, d)
    return None


def check(host: Host, env: dict, conf: dict) -> None:
    return None
