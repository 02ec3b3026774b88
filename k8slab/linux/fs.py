"""A small in-memory filesystem: the files a learner can ``cat`` inside a node or a pod.

Only what the course needs (regular files and the folders implied by their paths), with
the messages ``cat`` and ``ls`` print when a path is wrong.

>>> fs = FileSystem()
>>> fs.write("/run/flannel/subnet.env", "FLANNEL_MTU=1450\\n")
>>> fs.read("/run/flannel/subnet.env")
'FLANNEL_MTU=1450\\n'
>>> fs.listdir("/run")
['flannel']
"""

from __future__ import annotations

import posixpath


class FileSystemError(Exception):
    """A path that is not there (or not a file): ``str()`` is the tool's message."""


class FileSystem:
    """Files by absolute path; folders exist when a file lies below them. ``_children`` maps
    each such folder to the paths directly below it (a file's is the very key of ``_files``:
    no second string a file), each counted 1 for a file, 1 for a folder (one holding
    anything), 2 for both: ``isdir`` and ``listdir`` then cost what the
    folder holds, not what the whole filesystem does. It is built by the first question about
    folders and from then on kept in step by :meth:`write` and :meth:`remove` (a pod's few
    files are never listed, so its filesystem never pays for one). ``_versions`` counts the
    changes to the names of the folders someone asked :meth:`version` about."""

    __slots__ = ("_files", "_children", "_versions")

    def __init__(self) -> None:
        self._files: dict[str, str] = {}
        self._children: dict[str, dict[str, int]] | None = None
        self._versions: dict[str, int] | None = None

    @staticmethod
    def _norm(path: str) -> str:
        if path[:1] == "/" and path[1:2] != "/" and "//" not in path and "/." not in path and path[-1] != "/":
            return path  # already what normpath would make of it
        return posixpath.normpath("/" + path.lstrip("/"))

    def _folders(self) -> dict[str, dict[str, int]]:
        if self._children is None:
            self._children = {}
            for p in self._files:
                self._link(p, 1)
        return self._children

    def _link(self, p: str, step: int) -> None:
        """Count the file ``p`` into (step 1), or out of (step -1), its folder. Only a folder
        that gets its first name, or loses its last, changes its own folder's count in turn:
        a file written beside others touches one folder."""
        children = self._children
        if children is None:
            return
        versions = self._versions
        while p != "/":
            parent = p[:p.rindex("/")] or "/"
            if versions is not None and parent in versions:
                versions[parent] += 1
            below = children.get(parent)
            if below is None:
                below = children[parent] = {}
            was_empty = not below
            n = below.get(p, 0) + step
            if n:
                below[p] = n
            else:
                del below[p]
            if step > 0:
                if not was_empty:
                    return
            elif below:
                return
            else:
                del children[parent]
            p = parent

    def write(self, path: str, text: str) -> None:
        p = self._norm(path)
        if p not in self._files:
            self._link(p, 1)
        self._files[p] = text

    def append(self, path: str, text: str) -> None:
        p = self._norm(path)
        if p not in self._files:
            self._link(p, 1)
        self._files[p] = self._files.get(p, "") + text

    def read(self, path: str, tool: str = "cat") -> str:
        p = self._norm(path)
        if p in self._files:
            return self._files[p]
        if self.isdir(p):
            raise FileSystemError(f"{tool}: {path}: Is a directory")
        raise FileSystemError(f"{tool}: {path}: No such file or directory")

    def exists(self, path: str) -> bool:
        p = self._norm(path)
        return p in self._files or self.isdir(p)

    def isdir(self, path: str) -> bool:
        p = self._norm(path)
        return p == "/" or p in self._folders()

    def remove(self, path: str) -> None:
        p = self._norm(path)
        if p not in self._files:
            raise FileSystemError(f"rm: cannot remove '{path}': No such file or directory")
        del self._files[p]
        self._link(p, -1)

    def version(self, path: str) -> int:
        """A number that changes whenever a name appears in or leaves the folder ``path`` (a
        file rewritten in place leaves it as it is): whoever remembers what it saw of a folder
        and this number can tell, without listing it, that it holds the same names. Counted
        from the first question on, only for the folders asked about."""
        p = self._norm(path)
        self._folders()
        if self._versions is None:
            self._versions = {}
        return self._versions.setdefault(p, 0)

    def names(self, path: str) -> set[str]:
        """The names directly below the folder ``path`` as a set (empty if it is no folder):
        :meth:`listdir` without the sort, for callers that compare listings."""
        p = self._norm(path)
        cut = len(p) + 1 if p != "/" else 1
        return {q[cut:] for q in self._folders().get(p, ())}

    def listdir(self, path: str) -> list[str]:
        """Names directly below ``path``, sorted as ``ls`` sorts them in the C locale."""
        p = self._norm(path)
        if p in self._files:
            return [posixpath.basename(p)]
        if not self.isdir(p):
            raise FileSystemError(f"ls: cannot access '{path}': No such file or directory")
        cut = len(p) + 1 if p != "/" else 1   # the paths below share all but their names
        return [q[cut:] for q in sorted(self._folders().get(p, ()))]
