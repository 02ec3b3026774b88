"""FileSystem.version: unchanged means the folder holds the same names (through writes and
removes that make and empty folders, files beside folders of the same name, rewrites)."""

import posixpath
import random

from k8slab.linux.fs import FileSystem


def test_same_version_means_same_names():
    rng = random.Random(4)
    fs, files = FileSystem(), set()
    parts = ["a", "b", "a.b"]
    seen: dict[str, tuple[int, set]] = {}
    moved = 0
    for _ in range(4000):
        path = "/" + "/".join(rng.choice(parts) for _ in range(rng.randint(1, 4)))
        if rng.random() < 0.55:
            fs.write(path, str(rng.random()))      # a rewrite in place too
            files.add(path)
        elif path in files:
            fs.remove(path)
            files.discard(path)
        probe = posixpath.normpath("/" + "/".join(rng.choice(parts) for _ in range(rng.randint(0, 3))))
        version, names = fs.version(probe), fs.names(probe)
        if probe in seen:
            old_version, old_names = seen[probe]
            if old_version == version:
                assert old_names == names, probe
            else:
                moved += 1
        seen[probe] = (version, names)
    assert moved > 100   # the versions did move


def test_version_before_the_folder_index_exists():
    fs = FileSystem()
    fs.write("/d/x", "1")
    v = fs.version("/d")             # builds the index
    fs.write("/d/x", "2")            # rewrite: same names
    assert fs.version("/d") == v
    fs.write("/d/y", "1")
    assert fs.version("/d") != v
    v = fs.version("/d")
    fs.write("/d/e/f", "1")          # a new folder inside: a new name
    assert fs.version("/d") != v
    v = fs.version("/d")
    fs.write("/d/e/g", "1")          # deeper only
    assert fs.version("/d") == v
    fs.remove("/d/e/f")
    fs.remove("/d/e/g")              # e goes
    assert fs.version("/d") != v
