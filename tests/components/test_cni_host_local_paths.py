"""host-local's record of a state directory is keyed by each IP file's path, the very string
the filesystem keys the file by (a pod's record then holds no second copy of its name).
Through random ADDs, DELs and new files written or files removed by hand, the record after
every call holds exactly the directory's IP files, and every call answers as on a Host that
reads the whole directory afresh; an odd ``dataDir`` (doubled and trailing slashes) too."""

import json
import random

import pytest

from k8slab.components.cni import CNIError, add_network_list, del_network_list
from tests.components.test_cni_host_local_owners import STATE, _step, _world


def _names(host) -> list[str]:
    """The IP files of the state directory, listed afresh."""
    fs = host.fs
    return sorted(n for n in (fs.listdir(STATE) if fs.isdir(STATE) else []) if not n.startswith("last_reserved_ip"))


def test_record_is_the_directory_keyed_by_path():
    rnd = random.Random(11)
    kinds = ("add", "add", "add", "del", "write", "remove")
    for _ in range(30):
        kept, fresh = _world(), _world()
        steps = [(rnd.choice(kinds), rnd.randrange(1, 9), rnd.choice(("id3\r\neth0", "", "junk")))
                 for _ in range(rnd.randrange(1, 40))]
        for op in steps:
            if op[0] == "write" and kept.fs.exists(f"{STATE}/10.244.1.{op[1]}"):
                continue   # a file rewritten in place by hand is not seen (_reservations)
            answer = _step(kept, op)
            fresh.ipam_files.clear()
            fresh.ipam_versions.clear()
            assert answer == _step(fresh, op), op
            if op[0] in ("add", "del"):   # in step with the directory after each call
                paths = kept.ipam_files[STATE]
                assert sorted(p.removeprefix(f"{STATE}/") for p in paths) == _names(kept)


def test_paths_share_the_filesystem_keys_and_an_odd_data_dir_works():
    for data_dir in ("/run/cni-ipam-state", "/run//cni-ipam-state/"):
        host = _world()
        conflist = json.dumps({"cniVersion": "0.3.1", "name": "kindnet", "plugins": [
            {"type": "ptp", "ipam": {"type": "host-local", "dataDir": data_dir, "ranges": [[{"subnet": "10.244.1.0/29"}]]}}]})
        for i in range(5):
            host.netns.kernel.add_netns(f"p{i}")
            add_network_list(host, conflist, f"id{i}", f"/var/run/netns/p{i}")
        record = host.ipam_files[f"{data_dir}/kindnet"]
        assert len(record) == 5
        if data_dir == "/run/cni-ipam-state":   # normal: the record holds the filesystem's own keys
            keys = {id(k) for k in host.fs._files}
            assert all(id(p) in keys for p in record)
        with pytest.raises(CNIError, match=r"range 0: 10\.244\.1\.3 has been allocated to id1, duplicate"):
            add_network_list(host, conflist, "id1", "/var/run/netns/p1")
        del_network_list(host, conflist, "id2", "/var/run/netns/p2")
        assert sorted(p.rsplit("/", 1)[1] for p in record) == _names(host) == [
            "10.244.1.2", "10.244.1.3", "10.244.1.5", "10.244.1.6"]


def test_the_state_paths_are_made_once_per_network_and_as_formatted():
    """_paths gives the directory, its prefix and last_reserved_ip.0 as formatting the config's
    dataDir and name gives them, for odd names and dataDirs too (1, true and 1.0 differ; a list
    is formatted, not cached), shared while asked again."""
    from k8slab.components.cni import host_local

    values = ["kindnet", "", 1, True, 1.0, 0, False, None, ["a"], {"b": 1}, "/run//cni-ipam-state/"]
    rnd = random.Random(5)
    for _ in range(600):
        ipam = {"type": "host-local"}
        if rnd.random() < 0.7:
            ipam["dataDir"] = rnd.choice(values)
        conf = {"name": rnd.choice(values), "ipam": ipam}
        data_dir = ipam.get("dataDir", host_local.DEFAULT_DATA_DIR)
        d = f"{data_dir}/{conf['name']}"
        paths = host_local._paths(conf)
        assert paths == (d, f"{d}/", f"{d}/last_reserved_ip.0")
        assert host_local._dir(conf) == d
        if all(type(v) in (str, int, bool, float, type(None)) for v in (data_dir, conf["name"])):
            assert host_local._paths(conf) is paths
    with pytest.raises(KeyError):
        host_local._paths({"ipam": {}})
