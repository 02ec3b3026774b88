"""The kubelet's CNI config is the first config file of /etc/cni/net.d in lexical order, read
afresh, whatever comes and goes there between two questions (it remembers only which file)."""

import random
from types import SimpleNamespace

from k8slab.components.kubelet import Kubelet
from k8slab.linux.fs import FileSystem, FileSystemError


def plain(fs: FileSystem):
    if not fs.isdir("/etc/cni/net.d"):
        return None
    for name in sorted(fs.listdir("/etc/cni/net.d")):
        if name.endswith((".conflist", ".conf", ".json")):
            return fs.read(f"/etc/cni/net.d/{name}")
    return None


def answer(f):
    try:
        return f()
    except FileSystemError as e:
        return f"error: {e}"


def test_cni_config_follows_the_folder():
    rng = random.Random(11)
    fs = FileSystem()
    kubelet = Kubelet(SimpleNamespace(name="n", fs=fs, host=None))
    names = ["10-kindnet.conflist", "05-a.conf", "99-z.json", "notes.txt", "20-b.conflist", "x.conf/inner"]
    for step in range(3000):
        path = f"/etc/cni/net.d/{rng.choice(names)}"
        if rng.random() < 0.6:
            fs.write(path, f"text {step}")            # a new file, or a rewrite in place
        elif fs.exists(path) and not fs.isdir(path):
            fs.remove(path)
        if rng.random() < 0.05:
            fs.write(f"/etc/other/{step}", "")         # elsewhere: no bearing
        assert answer(kubelet.cni_config) == answer(lambda: plain(fs))


def test_a_new_filesystem_is_read_afresh():
    fs = FileSystem()
    machine = SimpleNamespace(name="n", fs=fs, host=None)
    kubelet = Kubelet(machine)
    fs.write("/etc/cni/net.d/10-a.conflist", "a")
    assert kubelet.cni_config() == "a"
    machine.fs = FileSystem()
    assert kubelet.cni_config() is None
    machine.fs.write("/etc/cni/net.d/10-b.conflist", "b")
    assert kubelet.cni_config() == "b"
