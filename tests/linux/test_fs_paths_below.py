"""FileSystem's folder index keeps the paths below a folder, a file's being the very string
that keys its text, and gives names from them: listdir sorts as ``ls`` does by name, in the
root and deeper, names that prefix one another and sort around "/" included."""

from k8slab.linux.fs import FileSystem

NAMES = ["a", "a-b", "a.b", "a0", "A", "a b", "a~", "!", "z", "10.244.1.10", "10.244.1.2"]


def test_listdir_and_names_from_paths_below():
    for folder in ("/", "/d", "/var/lib/cni/networks/kindnet"):
        fs = FileSystem()
        fs.isdir("/")                                   # the index exists from here on
        base = folder.rstrip("/")
        for n in NAMES:
            fs.write(f"{base}/{n}", n)
        fs.write(f"{base}/a/inner", "x")                # "a" is a file and a folder
        assert fs.listdir(folder) == sorted(NAMES)
        assert fs.names(folder) == set(NAMES)
        below = fs._children[folder]
        keys = {id(k) for k in fs._files}
        assert all(id(p) in keys for p in below if p != f"{base}/a")   # no second string a file
        fs.remove(f"{base}/a")
        assert fs.listdir(folder) == sorted(NAMES)      # still a folder
        fs.remove(f"{base}/a/inner")
        assert fs.listdir(folder) == sorted(set(NAMES) - {"a"})
