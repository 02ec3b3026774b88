"""The in-memory filesystem: its folder index agrees with a scan of every path."""

import posixpath
import random

import pytest

from k8slab.linux.fs import FileSystem, FileSystemError


def _scan(files: set[str], path: str) -> list[str] | None:
    """What ``listdir`` answered before the index: names below ``path`` found by scanning."""
    p = posixpath.normpath("/" + path.lstrip("/"))
    if p in files:
        return [posixpath.basename(p)]
    prefix = p.rstrip("/") + "/"
    if p != "/" and not any(f.startswith(prefix) for f in files):
        return None
    return sorted({f[len(prefix):].split("/", 1)[0] for f in files if f.startswith(prefix)})


def test_index_follows_writes_and_removes():
    rng = random.Random(4)
    fs, files = FileSystem(), set()
    parts = ["a", "b", "c", ".d", "e.f"]
    for _ in range(2000):
        path = "/".join(rng.choice(parts + ["", ".", ".."]) for _ in range(rng.randint(1, 4)))
        norm = posixpath.normpath("/" + path.lstrip("/"))
        if rng.random() < 0.6:
            if norm != "/":
                fs.write(path, "x")
                files.add(norm)
        elif norm in files:
            fs.remove(path)
            files.discard(norm)
        probe = "/".join(rng.choice(parts + [""]) for _ in range(rng.randint(0, 3)))
        want = _scan(files, probe)
        if want is None:
            assert not fs.isdir(probe) and not fs.exists(probe)
            with pytest.raises(FileSystemError, match="No such file or directory"):
                fs.listdir(probe)
        else:
            assert fs.listdir(probe) == want
            assert fs.exists(probe)


def test_messages_and_paths_spelt_loosely():
    fs = FileSystem()
    fs.write("var//lib/./cni/networks/kindnet/10.244.1.2", "id\r\neth0")
    assert fs.listdir("/var/lib/cni/networks/kindnet/") == ["10.244.1.2"]
    assert fs.read("/var/lib/cni/../cni/networks/kindnet/10.244.1.2") == "id\r\neth0"
    with pytest.raises(FileSystemError, match="cat: /var/lib: Is a directory"):
        fs.read("/var/lib")
    fs.remove("/var/lib/cni/networks/kindnet/10.244.1.2")
    assert not fs.isdir("/var") and fs.listdir("/") == []
    with pytest.raises(FileSystemError, match="rm: cannot remove '/var': No such file or directory"):
        fs.remove("/var")
