"""host-local's record counts who holds each IP file (``_Record.owners``), so that an ADD
learns its new container holds nothing without reading every file's text. Through random
ADDs, DELs and files written or removed by hand, the counts stay those of the recorded
files, and every call answers as it does on a Host that reads the whole directory afresh."""

import json
import random
from collections import Counter

from k8slab.components.cni import CNIError, add_network_list, del_network_list
from k8slab.components.cni.runtime import Host
from k8slab.linux.fs import FileSystem
from k8slab.linux.kernel import Kernel

STATE = "/run/cni-ipam-state/kindnet"
CONFLIST = json.dumps({
    "cniVersion": "0.3.1", "name": "kindnet",
    "plugins": [{"type": "ptp", "ipam": {"type": "host-local", "dataDir": "/run/cni-ipam-state",
                                          "ranges": [[{"subnet": "10.244.1.0/29"}]]}}],
})


def _world():
    return Host(Kernel(seed=3).add_netns("node"), FileSystem())


def _step(host: Host, op: tuple) -> object:
    """Do ``op`` on ``host``; what it answered (a result, an error, or None)."""
    kind, n, text = op
    try:
        if kind == "add":
            name = f"p{n}"
            if name not in host.netns.kernel.namespaces:
                host.netns.kernel.add_netns(name)
            return add_network_list(host, CONFLIST, f"id{n}", f"/var/run/netns/{name}")
        if kind == "del":
            return del_network_list(host, CONFLIST, f"id{n}", f"/var/run/netns/p{n}")
        path = f"{STATE}/10.244.1.{n}"
        if kind == "write":
            host.fs.write(path, text)
        elif host.fs.exists(path):
            host.fs.remove(path)
    except CNIError as e:
        return ("error", e.code, e.msg)
    return None


def _holders(fs: FileSystem, owner: str) -> list[str]:
    """The IP files holding ``owner``, found by reading every one."""
    names = fs.listdir(STATE) if fs.isdir(STATE) else []
    return [n for n in names if not n.startswith("last_") and fs.read(f"{STATE}/{n}") == owner]


def test_owner_counts_and_answers_match_a_fresh_reading():
    rnd = random.Random(8)
    for _ in range(25):
        kept, fresh = _world(), _world()
        for _ in range(rnd.randrange(1, 40)):
            kind = rnd.choice(("add", "add", "add", "del", "write", "remove"))
            n = rnd.randrange(1, 9)
            text = rnd.choice((f"id{rnd.randrange(1, 9)}\r\neth0", f"id{n}\r\neth1", "", "junk"))
            op = (kind, n, text)
            holders = _holders(kept.fs, f"id{n}\r\neth0")
            a = _step(kept, op)
            if kind == "add" and holders:   # a duplicate ADD, whatever else is wrong
                assert a[0] == "error" and f"{holders[0]} has been allocated to id{n}" in a[2]
            if kind == "del":
                assert _holders(kept.fs, f"id{n}\r\neth0") == []
            # The fresh side forgets its record first: it reads every file, as the plugin does.
            fresh.ipam_files.clear()
            fresh.ipam_versions.clear()
            b = _step(fresh, op)
            assert a == b, op
            record = kept.ipam_files.get(STATE)
            if record is not None:
                assert record.owners == Counter(record.values())
                assert all(n > 0 for n in record.owners.values())
        assert kept.fs.listdir("/") == fresh.fs.listdir("/")
