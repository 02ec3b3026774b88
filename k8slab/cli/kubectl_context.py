"""What every kubectl verb works with: the cluster, the parsed command line, the streams.

Kept apart from :mod:`k8slab.cli.kubectl` so the verb modules can share it without import cycles.
"""

from __future__ import annotations

import os

from k8slab.api.errors import APIError, ClientError, kubectl_message
from k8slab.api.meta import rfc3339
from k8slab.api.resources import Resource, lookup

from .errors import KubectlError
from .kubectl_cmdline import Parsed

CONTEXT = "kind-kind"
SERVER = "https://127.0.0.1:6443"  # kind maps the API server to a random host port; we pick one, always the same


class Exit(Exception):
    """Stop the command with this exit code (what was written stays written)."""

    def __init__(self, code: int = 1):
        super().__init__(code)
        self.code = code


class Ctx:
    """One kubectl invocation: ``cluster``, parsed flags ``p``, ``stdin`` text, and ``out``/``err`` buffers."""

    def __init__(self, cluster, p: Parsed, stdin: str | None):
        self.cluster = cluster
        self.store = cluster.store
        self.p = p
        self.stdin = stdin
        self._out: list[str] = []
        self._err: list[str] = []
        ns = p.get("namespace")
        self.explicit_namespace = bool(ns)
        self.namespace = ns or "default"
        self.stdin_used = False

    # -- streams ---------------------------------------------------------------------------------------
    def out(self, text: str) -> None:
        self._out.append(text)

    def err(self, text: str) -> None:
        self._err.append(text)

    @property
    def stdout(self) -> str:
        return "".join(self._out)

    @property
    def stderr(self) -> str:
        return "".join(self._err)

    def fail(self, err) -> None:
        """Write an error as kubectl's CheckErr does (one newline at the end)."""
        self.err(message_of(err).rstrip("\n") + "\n")

    # -- cluster ---------------------------------------------------------------------------------------
    @property
    def now(self) -> str:
        return rfc3339(self.cluster.kernel.now)

    def settle(self) -> None:
        """Let the controllers react to a change, as a real cluster does within moments."""
        self.cluster.settle()

    def resource(self, name: str) -> Resource:
        return lookup(name)

    def namespace_for(self, res: Resource) -> str | None:
        return self.namespace if res.namespaced else None

    # -- files -----------------------------------------------------------------------------------------
    def read_filenames(self) -> list[tuple[str, str]]:
        """The manifests named by ``-f``: (source as kubectl quotes it, text). ``-`` is stdin; a
        directory gives its .json/.yaml/.yml files in name order (``-R``: recursively)."""
        out = []
        for name in self.p.get("filename") or []:
            if name == "-":
                if self.stdin_used:
                    raise KubectlError("error: standard input cannot be used for multiple arguments")
                self.stdin_used = True
                out.append(("STDIN", self.stdin or ""))
            elif name.startswith(("http://", "https://")):
                raise KubectlError(f"error: k8slab cannot fetch {name}: download the file and use -f FILE")
            else:
                out.extend(self._read_path(name))
        return out

    def _read_path(self, name: str) -> list[tuple[str, str]]:
        if not os.path.exists(name):
            raise KubectlError(f'error: the path "{name}" does not exist')
        if os.path.isdir(name):
            files = []
            recursive = bool(self.p.get("recursive"))
            for root, dirs, names in os.walk(name):
                dirs.sort()
                for n in sorted(names):
                    if n.endswith((".json", ".yaml", ".yml")):
                        files.append(os.path.join(root, n))
                if not recursive:
                    break
            result = []
            for f in files:
                result.extend(self._read_path(f))
            if not files:
                raise KubectlError(f'error: error reading [{name}]: recognized file extensions are [.json .yaml .yml]')
            return result
        try:
            with open(name, encoding="utf-8", errors="replace") as f:
                return [(name, f.read())]
        except OSError as e:
            raise KubectlError(f'error: the path "{name}" cannot be accessed: {e.strerror}') from None


def message_of(err) -> str:
    """kubectl's text for any error this package raises."""
    if isinstance(err, KubectlError):
        return err.message
    if isinstance(err, APIError):
        return kubectl_message(err)
    if isinstance(err, str):
        return err if err.startswith("error: ") else "error: " + err
    return f"error: {err}"


__all__ = ["Ctx", "Exit", "CONTEXT", "SERVER", "message_of", "ClientError"]
