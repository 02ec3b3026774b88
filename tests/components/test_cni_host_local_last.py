"""host-local takes the number of the address it wrote last to last_reserved_ip.0 when reading
the file gives back that very text, and parses whatever else it finds there. Through random
ADDs, DELs and the file rewritten by hand (the same text anew, another address, white space,
junk, the file removed), every ADD answers as on a Host that reads the file afresh; the
gateway's text is one shared string per range."""

import random

from k8slab.components.cni import add_network_list, del_network_list
from k8slab.components.cni.host_local import _gateway_text
from k8slab.linux.ipv4 import format_ip, parse_ip
from tests.components.test_cni_host_local_owners import CONFLIST, STATE, _step, _world

LAST = f"{STATE}/last_reserved_ip.0"


def _touch_last(host, rnd: random.Random, n: int) -> None:
    """Rewrite or remove the last_reserved_ip.0 file by hand (or leave it)."""
    fs = host.fs
    was = fs.read(LAST) if fs.exists(LAST) else None
    how = rnd.choice(("keep", "keep", "same", "ip", "space", "junk", "remove"))
    if how == "same" and was is not None:
        fs.write(LAST, "".join(list(was)))   # equal text, another object
    elif how == "ip":
        fs.write(LAST, f"10.244.1.{n}")
    elif how == "space":
        fs.write(LAST, f" 10.244.1.{n}\n")
    elif how == "junk":
        fs.write(LAST, "junk")
    elif how == "remove" and was is not None:
        fs.remove(LAST)


def test_last_reserved_read_or_remembered_answers_alike():
    rnd = random.Random(5)
    for _ in range(40):
        kept, fresh = _world(), _world()
        for _ in range(rnd.randrange(1, 30)):
            n = rnd.randrange(1, 9)
            state = rnd.getstate()
            _touch_last(kept, rnd, n)
            rnd.setstate(state)
            _touch_last(fresh, rnd, n)
            op = (rnd.choice(("add", "add", "add", "del")), rnd.randrange(1, 9), "")
            answer = _step(kept, op)
            fresh.ipam_files.clear()
            fresh.ipam_versions.clear()
            assert answer == _step(fresh, op), op
            assert kept.fs.read(LAST) == fresh.fs.read(LAST) if kept.fs.exists(LAST) else not fresh.fs.exists(LAST)


def test_gateway_text_is_shared_per_range():
    host = _world()
    gws = set()
    for i in range(3):
        host.netns.kernel.add_netns(f"p{i}")
        r = add_network_list(host, CONFLIST, f"id{i}", f"/var/run/netns/p{i}")
        gws.add(id(r["ips"][0]["gateway"]))
        assert r["ips"][0]["gateway"] == "10.244.1.1"
    del_network_list(host, CONFLIST, "id0", "/var/run/netns/p0")
    for gw in ("10.1.0.254", "0.0.0.0", "255.255.255.255"):
        assert _gateway_text(parse_ip(gw)) == format_ip(parse_ip(gw)) == gw
