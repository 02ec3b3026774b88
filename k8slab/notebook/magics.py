"""The magics: ``%kubectl``, ``%%kubectl``, ``%docker exec``, ``%k8s`` (exec, trace, show, chains,
layers, use), and their tab completion.

Each magic prints what the terminal would: stdout to stdout, errors to stderr in the real
tool's words. Nothing a learner types ends in a Python traceback: every exception is caught
at the magic's boundary and said in one line. No frontend-specific code: the magics work the
same in JupyterLab, Notebook 7, VS Code and a plain IPython terminal.
"""

from __future__ import annotations

import inspect
import re
import shlex
import sys

from IPython.core.magic import Magics, line_cell_magic, line_magic, magics_class

import k8slab
from k8slab.notebook import complete, session

NO_CLUSTER = ("The connection to the server localhost:8080 was refused - did you specify the right host or port?\n"
              "(no cluster in this notebook yet: create one, e.g. cluster = k8slab.kind())\n")
K8S_HELP = """\
%k8s exec POD [-n NS] [-c CONTAINER] -- CMD   run a command in a pod (like kubectl exec)
%k8s trace SRC DST[:PORT] [--udp|--icmp]      follow one packet hop by hop (SRC: pod/NAME, a node, external;
                                              DST: pod/NAME, svc/NAME, node/NAME or an IP)
%k8s show [--pause]                           the cluster's topology
%k8s chains NODE [TABLE [CHAIN]]              a node's netfilter chains with their counters
%k8s layers                                   the layers of a VXLAN packet, byte by byte
%k8s use [NAME]                               which cluster the magics talk to (NAME: a variable)
"""


def _out(text: str) -> None:
    if text:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        sys.stdout.flush()


def _err(text: str) -> None:
    if text:
        sys.stderr.write(text if text.endswith("\n") else text + "\n")
        sys.stderr.flush()


class Said(Exception):
    """An error already in the tool's words: printed as it is."""


def _guarded(fn):
    """Run a magic; any exception becomes one line on stderr, never a traceback."""
    def wrapper(self, *args, **kwargs):
        try:
            return fn(self, *args, **kwargs)
        except KeyboardInterrupt:
            raise
        except Said as e:
            _err(str(e))
        except Exception as e:  # the boundary: learners see a message, not a stack
            msg = str(e).strip("'\"") or type(e).__name__
            _err(msg if msg.startswith(("error", "Error")) else f"error: {msg}")
    wrapper.__name__, wrapper.__doc__ = fn.__name__, fn.__doc__
    return wrapper


def run_kubectl(cluster, command: str, stdin: str | None = None) -> tuple[str, str, int]:
    """kubectl through the CLI front end; ``apply``/``create -f -`` with a cell body work even
    before the front end takes standard input (through the API's manifest apply)."""
    if cluster is None:
        return "", NO_CLUSTER, 1
    try:
        from k8slab.cli.kubectl import kubectl
    except ImportError:
        kubectl = None
    if kubectl is not None:
        params = inspect.signature(kubectl).parameters
        if stdin is None:
            return kubectl(cluster, command)
        if "stdin" in params:
            return kubectl(cluster, command, stdin=stdin)
    argv = shlex.split(command)
    if stdin is not None and argv[:1] in (["apply"], ["create"]) and "-" in argv:
        return _apply_stdin(cluster, argv, stdin)
    if kubectl is None:
        return "", "error: kubectl is not available in this version of k8slab\n", 1
    return "", f"error: kubectl {argv[0] if argv else ''} does not read a cell body here; use %kubectl\n", 1


def _apply_stdin(cluster, argv: list[str], text: str) -> tuple[str, str, int]:
    from k8slab.api.manifest import apply_manifest, format_apply

    ns = None
    for i, a in enumerate(argv):
        if a in ("-n", "--namespace") and i + 1 < len(argv):
            ns = argv[i + 1]
        elif a.startswith("--namespace="):
            ns = a.split("=", 1)[1]
    results = apply_manifest(cluster.store, text, ns)
    cluster.settle()
    out, err = format_apply(results)
    return out, err, 1 if err else 0


def parse_exec(line: str) -> tuple[str, str, str | None, str]:
    """``POD [-n NS] [-c C] [-it] -- CMD`` -> (pod, namespace, container, command)."""
    head, sep, cmd = line.partition(" -- ")
    if not sep and line.rstrip().endswith(" --"):
        head, sep, cmd = line.rstrip()[:-3], " -- ", ""
    words = shlex.split(head)
    pod, ns, container, i = None, "default", None, 0
    while i < len(words):
        w = words[i]
        if w in ("-n", "--namespace", "-c", "--container") and i + 1 < len(words):
            if w in ("-n", "--namespace"):
                ns = words[i + 1]
            else:
                container = words[i + 1]
            i += 2
            continue
        if w.startswith("--namespace="):
            ns = w.split("=", 1)[1]
        elif w.startswith("--container="):
            container = w.split("=", 1)[1]
        elif w.startswith("-"):
            pass  # -i, -t, -it: a notebook cell has no terminal; accepted and ignored
        elif pod is None:
            pod = w
        else:
            raise Said("error: exec [POD] [COMMAND] is not supported anymore. "
                             "Use exec [POD] -- [COMMAND] instead")
        i += 1
    if pod is None:
        raise Said("error: you must specify at least one command for the container")
    if not sep:
        raise Said("error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead")
    if not cmd.strip():
        raise Said("error: you must specify at least one command for the container")
    return pod.removeprefix("pod/").removeprefix("pods/"), ns, container, cmd.strip()


def parse_trace(line: str) -> dict:
    """``SRC [->] DST[:PORT] [--udp|--icmp|--tcp] [-n NS] [--text]`` -> Cluster.trace arguments."""
    words = [w for w in shlex.split(line) if w not in ("->", "→", "to")]
    proto, ns, text, pos = "tcp", "default", False, []
    i = 0
    while i < len(words):
        w = words[i]
        if w in ("--udp", "--icmp", "--tcp"):
            proto = w[2:]
        elif w in ("-n", "--namespace") and i + 1 < len(words):
            ns = words[i + 1]
            i += 1
        elif w == "--text":
            text = True
        elif w.startswith("-"):
            raise Said(f"error: unknown flag: {w}")
        else:
            pos.append(w)
        i += 1
    if len(pos) != 2:
        raise Said("usage: %k8s trace SRC DST[:PORT] [--udp|--icmp]   e.g. %k8s trace pod/client svc/web:80")
    src, dst = pos
    port = None
    m = re.fullmatch(r"(.+):(\d+)", dst)
    if m:
        dst, port = m.group(1), int(m.group(2))
    return {"src": src, "dst": dst, "port": port, "proto": proto, "namespace": ns, "text": text}


@magics_class
class K8sLabMagics(Magics):
    """``%kubectl``, ``%%kubectl``, ``%docker``, ``%k8s`` and ``%k8slab`` (the version)."""

    @property
    def cluster(self):
        return session.active(self.shell.user_ns if self.shell is not None else None)

    @line_magic
    def k8slab(self, line: str = "") -> None:
        print(f"k8slab {k8slab.__version__}")

    @line_cell_magic
    @_guarded
    def kubectl(self, line: str = "", cell: str | None = None) -> None:
        """kubectl against the active cluster; as a cell magic the body is standard input (``apply -f -``)."""
        out, err, _ = run_kubectl(self.cluster, line.strip(), cell)
        _out(out)
        _err(err)

    @line_magic
    @_guarded
    def docker(self, line: str = "") -> None:
        """``%docker exec NODE CMD``: a shell on a node container, as ``docker exec`` gives one on kind."""
        words = line.split()
        if not words:
            raise Said('Usage:  docker [OPTIONS] COMMAND\n\nOnly "docker exec NODE CMD" works here.')
        if words[0] != "exec":
            raise Said(f"docker: '{words[0]}' is not a docker command.\nSee 'docker --help'"
                             " (here: docker exec NODE CMD)")
        m = re.match(r"\s*exec((?:\s+-[a-z]+)*)\s+(\S+)\s*(.*)$", line, re.S)
        if m is None or not m.group(3).strip():
            raise Said('"docker exec" requires at least 2 arguments.\nSee \'docker exec --help\'.\n\n'
                             "Usage:  docker exec [OPTIONS] CONTAINER COMMAND [ARG...]")
        cluster = self.cluster
        if cluster is None:
            raise Said(f"Error response from daemon: No such container: {m.group(2)}")
        from k8slab.cli.shell import run

        node = m.group(2)
        if node not in cluster.machines:
            raise Said(f"Error response from daemon: No such container: {node}")
        out, err, _ = run(cluster, node, m.group(3).strip())
        _out(out)
        _err(err)

    @line_magic
    @_guarded
    def k8s(self, line: str = "") -> object:
        """``%k8s exec|trace|show|chains|layers|use ...`` (``%k8s help`` lists them)."""
        sub, _, rest = line.strip().partition(" ")
        if sub in ("", "help", "-h", "--help"):
            _out(K8S_HELP)
            return None
        if sub == "use":
            return self._use(rest.strip())
        if sub == "layers":
            from k8slab.notebook.views import layers

            return _display(layers())
        cluster = self.cluster
        if cluster is None:
            raise Said(NO_CLUSTER.rstrip())
        if sub == "exec":
            from k8slab.cli.shell import run

            pod, ns, container, cmd = parse_exec(rest)
            out, err, _ = run(cluster, f"pod/{pod}", cmd, ns, container)
            _out(out)
            _err(err)
            return None
        if sub == "trace":
            args = parse_trace(rest)
            text = args.pop("text")
            tr = cluster.trace(**args)
            if text:
                _out(str(tr))
                return None
            from k8slab.notebook.player import PacketPlayer

            return _display(PacketPlayer(tr, cluster))
        if sub == "show":
            return _display(cluster.show(pause="--pause" in rest.split()))
        if sub == "chains":
            from k8slab.notebook.chains import ChainView

            words = shlex.split(rest)
            if not words:
                raise Said("usage: %k8s chains NODE [TABLE [CHAIN]]")
            netns = cluster.netns_of(words[0])
            return _display(ChainView(netns, *words[1:3]))
        raise Said(f'unknown command "{sub}" for "k8s"\n\n{K8S_HELP}')

    def _use(self, name: str) -> None:
        ns = self.shell.user_ns if self.shell is not None else {}
        if name:
            session.use(session.find(name, ns))
        current = session.active(ns)
        found = session.clusters(ns)
        if not found and current is None:
            _out("no cluster yet: create one, e.g. cluster = k8slab.kind()")
            return
        rows = [(var, c) for var, c in found]
        if current is not None and all(c is not current for _, c in rows):
            rows.append(("(unnamed)", current))
        for var, c in rows:
            mark = "*" if c is current else " "
            _out(f"{mark} {var}  ({c.name}, {len(c.machines)} nodes, cni {c.cni})")


def _display(view):
    """Show a view the way the frontend can: the widget in a live kernel, its static image and
    text elsewhere (both come with the view's mime bundle)."""
    from IPython.display import display

    display(view)
    return None


# -- completion ------------------------------------------------------------------------------------------

def _words(event) -> tuple[list[str], str]:
    line = event.text_until_cursor if hasattr(event, "text_until_cursor") else event.line
    current = event.symbol or ""
    head = line[: len(line) - len(current)] if current and line.endswith(current) else line
    try:
        words = shlex.split(head)
    except ValueError:
        words = head.split()
    return words[1:], current  # drop the magic's own name


def _completer(fn):
    def hook(shell, event):
        try:
            words, current = _words(event)
            return fn(session.active(shell.user_ns), words, current)
        except Exception:  # completion must never raise into the frontend
            return []
    return hook


def _complete_k8s(cluster, words, current):
    if words[:1] == ["use"] and len(words) == 1:
        import IPython

        ns = IPython.get_ipython().user_ns
        return sorted(v for v, _ in session.clusters(ns) if v.startswith(current))
    return complete.complete_k8s(cluster, words, current)


def register(ipython) -> None:
    """Register the magics and their completers with a running IPython."""
    ipython.register_magics(K8sLabMagics)
    for key, fn in (("%kubectl", complete.complete_kubectl), ("%%kubectl", complete.complete_kubectl),
                    ("%docker", complete.complete_docker), ("%k8s", _complete_k8s)):
        ipython.set_hook("complete_command", _completer(fn), str_key=key)
