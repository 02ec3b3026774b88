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
    """Files by absolute path; folders exist when a file lies below them."""

    __slots__ = ("_files",)

    def __init__(self) -> None:
        self._files: dict[str, str] = {}

    @staticmethod
    def _norm(path: str) -> str:
        return posixpath.normpath("/" + path.lstrip("/"))

    def write(self, path: str, text: str) -> None:
        self._files[self._norm(path)] = text

    def append(self, path: str, text: str) -> None:
        p = self._norm(path)
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
        prefix = p.rstrip("/") + "/"
        return p == "/" or any(f.startswith(prefix) for f in self._files)

    def remove(self, path: str) -> None:
        p = self._norm(path)
        if p not in self._files:
            raise FileSystemError(f"rm: cannot remove '{path}': No such file or directory")
        del self._files[p]

    def listdir(self, path: str) -> list[str]:
        """Names directly below ``path``, sorted as ``ls`` sorts them in the C locale."""
        p = self._norm(path)
        if p in self._files:
            return [posixpath.basename(p)]
        if not self.isdir(p):
            raise FileSystemError(f"ls: cannot access '{path}': No such file or directory")
        prefix = p.rstrip("/") + "/"
        names = {f[len(prefix):].split("/", 1)[0] for f in self._files if f.startswith(prefix)}
        return sorted(names)
