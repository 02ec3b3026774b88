"""The commands a learner runs inside a node (``docker exec``) or a pod (``kubectl exec``).

Each command reads the simulated machine and prints what the real tool prints: ``ip`` and
``bridge`` (iproute2), ``iptables``/``iptables-save`` and ``conntrack`` (netfilter), ``cat`` and
``ls`` (the machine's files), ``hostname``, ``ps``, ``sysctl``. A pipeline into ``grep``, ``head``,
``tail``, ``wc -l`` or ``sort`` works as in a shell. A pod only has the tools its image ships.

>>> import k8slab
>>> c = k8slab.kind(workers=1)
>>> run(c, "kind-worker", "ip route | grep -c via")
('2\\n', '', 0)
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from k8slab.cli.net_tools import COMMANDS as NET_COMMANDS
from k8slab.linux.fs import FileSystemError
from k8slab.linux.iproute2 import bridge as _bridge
from k8slab.linux.iproute2 import ip as _ip

Result = tuple[str, str, int]

# What the images the course uses ship (None: everything the simulator knows).
IMAGE_TOOLS = {
    "netshoot": None,
    "busybox": {"ip", "cat", "ls", "hostname", "ps", "sysctl", "grep", "head", "tail", "wc", "sort", "echo",
                "nslookup", "ping", "wget", "nc", "route", "arp", "ifconfig", "netstat", "sh", "env"},
    "alpine": {"ip", "cat", "ls", "hostname", "ps", "sysctl", "grep", "head", "tail", "wc", "sort", "echo",
               "nslookup", "ping", "wget", "nc", "sh", "env"},
    "nginx": {"cat", "ls", "hostname", "grep", "head", "tail", "wc", "sort", "echo", "curl", "sh", "env"},
    "jessie-dnsutils": {"cat", "ls", "hostname", "ps", "grep", "head", "tail", "wc", "sort", "echo", "nslookup",
                        "dig", "host", "ping", "sh", "env", "ip"},
    "agnhost": {"cat", "ls", "hostname", "grep", "head", "tail", "wc", "sort", "echo", "nslookup", "dig",
                "curl", "sh", "env"},
    "pause": set(),
}


@dataclass
class Target:
    """Where a command runs: a network namespace, files, processes and the tools available."""

    kind: str                 # "node" or "pod"
    name: str
    netns: object
    fs: object
    processes: list
    tools: set | None
    cluster: object
    image: str = ""


def resolve(cluster, target: str, namespace: str = "default", container: str | None = None) -> Target:
    """``"kind-worker"`` (a node) or ``"pod/NAME"`` / ``"NAME"`` with ``namespace``; raises LookupError
    with the message the real front end prints."""
    if target.startswith("pod/") or target not in cluster.machines:
        name = target.removeprefix("pod/")
        if target.startswith("pod/") or name not in cluster.machines:
            obj = cluster.store.try_get("pods", name, namespace)
            if obj is None:
                raise LookupError(f'Error from server (NotFound): pods "{name}" not found')
            sb = cluster.sandbox(name, namespace)
            if sb is None:
                raise LookupError(f"error: unable to upgrade connection: container not found (\"{name}\")")
            containers = obj["spec"]["containers"]
            c = next((c for c in containers if c["name"] == container), None) if container else containers[0]
            if c is None:
                raise LookupError(f"error: unable to upgrade connection: container not found (\"{container}\")")
            image = c.get("image", "").rsplit("/", 1)[-1].split(":", 1)[0].split("@", 1)[0]
            tools = IMAGE_TOOLS.get(image)
            ctr = sb.containers.get(c["name"])
            procs = _pod_processes(obj, sb, ctr)
            return Target("pod", name, sb.netns, sb.fs, procs, tools, cluster, c.get("image", ""))
    m = cluster.machine(target)
    return Target("node", target, m.netns, m.fs, m.processes, None, cluster)


def _pod_processes(pod: dict, sb, ctr) -> list:
    from k8slab.components.node import Process

    procs = []
    if pod["spec"].get("shareProcessNamespace"):
        procs.append(Process(1, "65535", "/pause"))
        for c in sb.containers.values():
            procs.append(Process(len(procs) + 1, "root", c.app.command))
    elif ctr is not None:
        procs.append(Process(1, "root", ctr.app.command))
    return procs


def run(cluster, target: str, command: str, namespace: str = "default", container: str | None = None) -> Result:
    """Run ``command`` (a shell line, ``|`` pipelines allowed) in ``target``; (stdout, stderr, exit code)."""
    try:
        t = resolve(cluster, target, namespace, container)
    except LookupError as e:
        return "", str(e).strip("'\"") + "\n", 1
    except KeyError as e:
        return "", str(e).strip("'\"") + "\n", 1
    try:
        stages = [shlex.split(part) for part in _split_pipeline(command)]
    except ValueError as e:
        return "", f"sh: syntax error: {e}\n", 2
    out, err, rc = "", "", 0
    for i, argv in enumerate(stages):
        if not argv:
            return "", "sh: syntax error: unexpected \"|\"\n", 2
        out, e, rc = run_argv(t, argv, stdin=out if i else None)
        err += e
    return out, err, rc


def _split_pipeline(line: str) -> list[str]:
    parts, cur, quote = [], "", None
    for ch in line:
        if quote:
            cur += ch
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
            cur += ch
        elif ch == "|":
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return parts


def run_argv(t: Target, argv: list[str], stdin: str | None = None) -> Result:
    name = argv[0].rsplit("/", 1)[-1]
    impl = COMMANDS.get(name)
    if impl is None or (t.tools is not None and name not in t.tools):
        if t.kind == "node":
            return "", (f"OCI runtime exec failed: exec failed: unable to start container process: exec: "
                        f"\"{argv[0]}\": executable file not found in $PATH: unknown\n"), 127
        return "", (f"error: Internal error occurred: Internal error occurred: error executing command in "
                    f"container: failed to exec in container: failed to start exec: OCI runtime exec failed: "
                    f"exec failed: unable to start container process: exec: \"{argv[0]}\": executable file not "
                    f"found in $PATH: unknown\n"), 1
    return impl(t, argv[1:], stdin)


# -- the commands ------------------------------------------------------------------------------------

def _cmd_ip(t, args, stdin):
    return _ip(t.netns, args)


def _cmd_bridge(t, args, stdin):
    return _bridge(t.netns, args)


def _save_date(t) -> str:
    import datetime as dt

    from k8slab.api.meta import EPOCH

    when = EPOCH + dt.timedelta(seconds=int(t.netns.kernel.now))
    return when.strftime("%a %b %e %H:%M:%S %Y")  # ctime(): "Sun Jan  5 ..." for a one-digit day


def _cmd_iptables(t, args, stdin):
    return t.netns.netfilter.iptables(args)


def _cmd_iptables_save(t, args, stdin):
    return t.netns.netfilter.iptables_save(args, date=_save_date(t))


def _cmd_conntrack(t, args, stdin):
    if args[:1] not in (["-L"], ["--dump"]) and args[:2] != ["-L", "-n"]:
        if args[:1] in (["-F"], ["--flush"]):
            t.netns.netfilter.conntrack.flush()
            return "", "conntrack v1.4.7 (conntrack-tools): connection tracking table has been emptied.\n", 0
        return "", "conntrack v1.4.7 (conntrack-tools): Operation not supported here: try conntrack -L\n", 2
    out, err = t.netns.netfilter.conntrack.listing(t.netns.kernel.now)
    return out, err, 0


def _cmd_cat(t, args, stdin):
    if not args:
        return stdin or "", "", 0
    out, err, rc = "", "", 0
    for path in args:
        try:
            out += t.fs.read(path)
        except FileSystemError as e:
            err += f"{e}\n"
            rc = 1
    return out, err, rc


def _cmd_ls(t, args, stdin):
    paths = [a for a in args if not a.startswith("-")] or ["/"]
    out, err, rc = "", "", 0
    for p in paths:
        try:
            names = t.fs.listdir(p)
        except FileSystemError as e:
            err += f"{e}\n"
            rc = 2
            continue
        if len(paths) > 1:
            out += f"{p}:\n"
        out += "".join(f"{n}\n" for n in names)
    return out, err, rc


def _cmd_hostname(t, args, stdin):
    if args[:1] == ["-i"]:
        addrs = [str(a.local) for link in t.netns.links_by_index() if link.name != "lo" for a in link.addresses]
        return " ".join(addrs) + " \n", "", 0
    return t.fs.read("/etc/hostname"), "", 0


def _cmd_ps(t, args, stdin):
    if t.kind == "pod" and t.tools is not None and "ps" in t.tools:  # busybox ps
        lines = ["PID   USER     TIME  COMMAND"]
        lines += [f"{p.pid:>5} {p.user:<8} 0:00 {p.command}" for p in t.processes]
        return "\n".join(lines) + "\n", "", 0
    lines = ["UID          PID    PPID  C STIME TTY          TIME CMD"]
    for p in t.processes:
        user = "65535" if p.user == "65535" else p.user
        lines.append(f"{user:<8} {p.pid:>7} {0 if p.pid == 1 else 1:>7}  0 10:00 ?        00:00:00 {p.command}")
    return "\n".join(lines) + "\n", "", 0


def _cmd_sysctl(t, args, stdin):
    out = ""
    for a in args:
        if a.startswith("-"):
            continue
        if "=" in a:
            k, v = a.split("=", 1)
            t.netns.set_sysctl(k, v)
            out += f"{k} = {v}\n"
            continue
        v = t.netns.sysctl(a)
        if v is None:
            return out, f"sysctl: cannot stat /proc/sys/{a.replace('.', '/')}: No such file or directory\n", 255
        out += f"{a} = {v}\n"
    return out, "", 0


def _cmd_echo(t, args, stdin):
    return " ".join(args) + "\n", "", 0


def _cmd_grep(t, args, stdin):
    flags = {a for a in args if a.startswith("-")}
    pats = [a for a in args if not a.startswith("-")]
    if not pats:
        return "", "Usage: grep [OPTION]... PATTERNS [FILE]...\n", 2
    pat = pats[0]
    text = stdin or ""
    if len(pats) > 1:
        out, err, rc = _cmd_cat(t, pats[1:], None)
        if rc:
            return "", err.replace("cat:", "grep:"), 2
        text = out
    try:
        rx = re.compile(pat if "-F" not in flags else re.escape(pat), re.I if "-i" in flags else 0)
    except re.error:
        rx = re.compile(re.escape(pat))
    lines = [ln for ln in text.splitlines() if bool(rx.search(ln)) != ("-v" in flags)]
    if "-c" in flags:
        return f"{len(lines)}\n", "", 0 if lines else 1
    return "".join(ln + "\n" for ln in lines), "", 0 if lines else 1


def _count_arg(args, default=10) -> int:
    for i, a in enumerate(args):
        if a == "-n" and i + 1 < len(args):
            return int(args[i + 1])
        if a.startswith("-") and a[1:].isdecimal():
            return int(a[1:])
    return default


def _cmd_head(t, args, stdin):
    lines = (stdin or "").splitlines(keepends=True)
    return "".join(lines[:_count_arg(args)]), "", 0


def _cmd_tail(t, args, stdin):
    n = _count_arg(args)
    lines = (stdin or "").splitlines(keepends=True)
    return "".join(lines[-n:] if n else []), "", 0


def _cmd_wc(t, args, stdin):
    text = stdin or ""
    if "-l" in args:
        return f"{text.count(chr(10))}\n", "", 0
    return f"{text.count(chr(10)):>7} {len(text.split()):>7} {len(text.encode()):>7}\n", "", 0


def _cmd_sort(t, args, stdin):
    return "".join(sorted((stdin or "").splitlines(keepends=True))), "", 0


def _cmd_env(t, args, stdin):
    return "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nHOSTNAME=" + t.fs.read(
        "/etc/hostname"), "", 0


IPVS_PORT_NAMES = {53: "domain", 80: "http", 443: "https", 8080: "http-alt"}  # getservbyport, Debian netbase


def _cmd_ipvsadm(t, args, stdin):
    """``ipvsadm [-L|-l] [-n] [-t|-u VIP:PORT]``: the namespace's IPVS table as ipvsadm lists it."""
    from k8slab.linux.ipvs import ipvs_of

    tryhelp = "Try `ipvsadm -h' or 'ipvsadm --help' for more information.\n"
    numeric, proto, want, listing = False, None, None, not args
    it = iter(args)
    for a in it:
        if a in ("-t", "-u", "--tcp-service", "--udp-service"):
            proto, want = ("TCP" if a in ("-t", "--tcp-service") else "UDP"), next(it, None)
            if want is None:
                return "", f"{a}: missing argument\n", 255
        elif a in ("--list", "--numeric"):
            listing, numeric = listing or a == "--list", numeric or a == "--numeric"
        elif a.startswith("-") and not a.startswith("--") and set(a[1:]) <= set("Lln"):
            listing, numeric = listing or bool(set(a[1:]) & set("Ll")), numeric or "n" in a
        else:
            return "", tryhelp, 255
    if not listing:
        return "", tryhelp, 255
    table = ipvs_of(t.netns)
    text = table.ipvsadm_ln()
    if want is not None:
        vs = next((v for v in table.services.values() if v.protocol == proto and f"{v.ip}:{v.port}" == want), None)
        if vs is None:
            return "", "No such service\n", 1
        lines = text.splitlines(keepends=True)
        start = next(i for i, ln in enumerate(lines) if ln.startswith(f"{proto:<4} {want} "))
        end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith("  ->")), len(lines))
        text = "".join(lines[1:3] + lines[start:end])
    if not numeric:  # names for well-known ports (no reverse DNS for cluster addresses on a node)
        text = re.sub(r"(\d+\.\d+\.\d+\.\d+):(\d+)\b( *)",
                      lambda m: _port_name(m), text)
    return text, "", 0


def _port_name(m) -> str:
    name = IPVS_PORT_NAMES.get(int(m.group(2)))
    if name is None:
        return m.group(0)
    old = f"{m.group(1)}:{m.group(2)}"
    new = f"{m.group(1)}:{name}"
    pad = m.group(3)
    return new + (" " * max(1, len(old) + len(pad) - len(new)) if pad else "")


COMMANDS = {
    "ip": _cmd_ip, "bridge": _cmd_bridge, "iptables": _cmd_iptables, "iptables-save": _cmd_iptables_save,
    "iptables-nft": _cmd_iptables, "iptables-nft-save": _cmd_iptables_save, "conntrack": _cmd_conntrack,
    "cat": _cmd_cat, "ls": _cmd_ls, "hostname": _cmd_hostname, "ps": _cmd_ps, "sysctl": _cmd_sysctl,
    "echo": _cmd_echo, "grep": _cmd_grep, "head": _cmd_head, "tail": _cmd_tail, "wc": _cmd_wc, "sort": _cmd_sort,
    "env": _cmd_env, "ipvsadm": _cmd_ipvsadm,
}
COMMANDS.update(NET_COMMANDS)
