"""host-local IPAM: addresses from a range, remembered as files on the node.

State lives in ``<dataDir>/<network name>/``: one file per reserved IP holding
``<containerID>\\r\\n<ifname>``, and ``last_reserved_ip.0``. Allocation is round robin: it
starts after the last reserved address, so a freed IP is not handed out again until the range
wraps; the gateway (the range's first address by default) is never handed out.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network

from k8slab.components.cni.runtime import CNIError, Host

DEFAULT_DATA_DIR = "/var/lib/cni/networks"


def _range(conf: dict) -> tuple[IPv4Network, IPv4Address, IPv4Address, IPv4Address]:
    ipam = conf.get("ipam", {})
    ranges = ipam.get("ranges") or ([[{"subnet": ipam["subnet"]}]] if "subnet" in ipam else None)
    if not ranges or not ranges[0]:
        raise CNIError("no IP ranges specified")
    r = ranges[0][0]
    try:
        net = IPv4Network(r["subnet"], strict=False)
    except (KeyError, ValueError) as e:
        raise CNIError(f"invalid CIDR {r.get('subnet')}: {e}") from None
    start = IPv4Address(r["rangeStart"]) if "rangeStart" in r else net.network_address + 1
    end = IPv4Address(r["rangeEnd"]) if "rangeEnd" in r else net.broadcast_address - 1
    gw = IPv4Address(r["gateway"]) if "gateway" in r else net.network_address + 1
    return net, start, end, gw


def _dir(conf: dict) -> str:
    return f"{conf.get('ipam', {}).get('dataDir', DEFAULT_DATA_DIR)}/{conf['name']}"


def add(host: Host, env: dict, conf: dict) -> dict:
    net, start, end, gw = _range(conf)
    d = _dir(conf)
    fs = host.fs
    cid, ifname = env["CNI_CONTAINERID"], env["CNI_IFNAME"]
    for name in fs.listdir(d) if fs.isdir(d) else []:
        if name.startswith("last_reserved_ip"):
            continue
        if fs.read(f"{d}/{name}").split("\r\n") == [cid, ifname]:
            raise CNIError(f"failed to allocate for range 0: {name} has been allocated to {cid}, "
                           "duplicate allocation is not allowed")
    last = None
    if fs.exists(f"{d}/last_reserved_ip.0"):
        last = IPv4Address(fs.read(f"{d}/last_reserved_ip.0").strip())
    size = int(end) - int(start) + 1
    first = int(last) + 1 if last is not None and int(start) <= int(last) <= int(end) else int(start)
    chosen = None
    for i in range(size):
        cand = IPv4Address(int(start) + (first - int(start) + i) % size)
        if cand == gw or fs.exists(f"{d}/{cand}"):
            continue
        chosen = cand
        break
    if chosen is None:
        raise CNIError(f"failed to allocate for range 0: no IP addresses available in range set: {start}-{end}")
    fs.write(f"{d}/{chosen}", f"{cid}\r\n{ifname}")
    fs.write(f"{d}/last_reserved_ip.0", str(chosen))
    routes = [{"dst": r["dst"], **({"gw": r["gw"]} if "gw" in r else {})}
              for r in conf.get("ipam", {}).get("routes", [])]
    return {"ips": [{"address": f"{chosen}/{net.prefixlen}", "gateway": str(gw)}], "routes": routes, "dns": {}}


def delete(host: Host, env: dict, conf: dict) -> None:
    d = _dir(conf)
    fs = host.fs
    if not fs.isdir(d):
        return None
    for name in fs.listdir(d):
        if name.startswith("last_reserved_ip"):
            continue
        if fs.read(f"{d}/{name}").split("\r\n") == [env["CNI_CONTAINERID"], env["CNI_IFNAME"]]:
            fs.remove(f"{d}/{name}")
    return None


def check(host: Host, env: dict, conf: dict) -> None:
    return None


