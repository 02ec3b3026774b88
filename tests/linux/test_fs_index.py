"""FileSystem.names is listdir's set for folders (empty otherwise), through writes and removes
that make and empty folders, files beside folders of the same name included."""

import posixpath
import random

from k8slab.linux.fs import FileSystem


def test_names_is_the_set_of_listdir():
    rng = random.Random(9)
    fs, files = FileSystem(), set()
    parts = ["a", "b", "a.b"]
    fs.isdir("/")                      # the folder index exists from here on
    for _ in range(3000):
        path = "/" + "/".join(rng.choice(parts) for _ in range(rng.randint(1, 5)))
        if rng.random() < 0.55:
            fs.write(path, "x")
            files.add(path)
        elif path in files:
            fs.remove(path)
            files.discard(path)
        probe = "/" + "/".join(rng.choice(parts) for _ in range(rng.randint(0, 4)))
        probe = posixpath.normpath(probe)
        if fs.isdir(probe):
            if probe not in files:     # (a file's listdir is its own name)
                assert fs.names(probe) == set(fs.listdir(probe))
            prefix = probe.rstrip("/") + "/"
            assert fs.names(probe) == {f[len(prefix):].split("/", 1)[0] for f in files if f.startswith(prefix)}
        else:
            assert fs.names(probe) == set()
