"""kubectl's command line: the command tree and a flag parser that behaves as cobra and pflag do.

kubectl is a cobra program (``k8s.io/kubectl/pkg/cmd/cmd.go``, cobra v1.8.1, pflag v1.0.5 at
kubectl v1.33). What a learner sees of that machinery, and what this module reproduces:

- the command is found by walking sub-command names, skipping flags (cobra ``Find``/``stripFlags``);
  an unknown first word is ``unknown command "gett" for "kubectl"`` followed by cobra's
  ``Did you mean this?`` list (Levenshtein distance <= 2, or a prefix, or ``SuggestFor``);
- flags may come anywhere (pflag is "interspersed"), as ``--name value``, ``--name=value``,
  ``-n value``, ``-nvalue``, ``-n=value``, and bool shorthands combine (``-it``); ``--``
  ends the flags (``ArgsLenAtDash``); ``_`` in a flag name reads as ``-`` (kubectl's
  ``WordSepNormalizeFunc``);
- a flag error is pflag's text plus ``See 'kubectl get --help' for usage.`` (kubectl's
  ``templater.FlagErrorFunc``).

>>> p = parse(["get", "pods", "-owide", "-n=kube-system", "-A"])
>>> p.path, p.args, p.get("output"), p.get("namespace"), p.get("all-namespaces")
('kubectl get', ['pods'], 'wide', 'kube-system', True)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import KubectlError


@dataclass(frozen=True)
class Flag:
    """One pflag flag: ``kind`` is bool, string, int, int64, int32, stringSlice, stringArray or duration;
    ``noopt`` is the value used when the flag is given without one (bools: ``true``)."""

    name: str
    short: str = ""
    kind: str = "string"
    default: object = None
    noopt: str | None = None

    def takes_value(self) -> bool:
        return self.noopt is None and self.kind != "bool"


def F(spec: str, kind: str = "string", default=None, noopt: str | None = None) -> Flag:
    """``F("output,o")`` -> Flag("output", "o")."""
    name, _, short = spec.partition(",")
    if kind == "bool" and noopt is None:
        noopt = "true"
    if default is None:
        default = {"bool": False, "int": 0, "int32": 0, "int64": 0, "stringSlice": [], "stringArray": [],
                   "duration": 0.0}.get(kind, "")
    return Flag(name, short, kind, default, noopt)


# --- the flags every command has (root persistent flags: ConfigFlags, klog, profiling...) ----------

GLOBAL_FLAGS = (
    F("kubeconfig"), F("cache-dir"), F("certificate-authority"), F("client-certificate"), F("client-key"),
    F("token"), F("as"), F("as-group", "stringArray"), F("as-uid"), F("username"), F("password"),
    F("cluster"), F("user"), F("namespace,n"), F("context"), F("server,s"), F("tls-server-name"),
    F("insecure-skip-tls-verify", "bool"), F("request-timeout", default="0"), F("disable-compression", "bool"),
    F("match-server-version", "bool"), F("warnings-as-errors", "bool"), F("profile", default="none"),
    F("profile-output", default="profile.pprof"), F("v,v", "int"), F("vmodule"),
    F("log-flush-frequency", "duration", 5.0), F("help,h", "bool"),
)

PRINT = (F("output,o"), F("template"), F("allow-missing-template-keys", "bool", True),
         F("show-managed-fields", "bool"))
FILENAME = (F("filename,f", "stringSlice"), F("kustomize,k"), F("recursive,R", "bool"))
DRY_RUN = (F("dry-run", default="none", noopt="unchanged"),)
VALIDATE = (F("validate", default="strict", noopt="strict"),)
SELECTOR = (F("selector,l"),)
FIELD_SELECTOR = (F("field-selector"),)
ALL_NS = (F("all-namespaces,A", "bool"),)


def _fm(default: str) -> tuple[Flag, ...]:
    return (F("field-manager", default=default),)


GET = PRINT + FILENAME + SELECTOR + FIELD_SELECTOR + ALL_NS + (
    F("no-headers", "bool"), F("show-labels", "bool"), F("sort-by"), F("label-columns,L", "stringSlice"),
    F("show-kind", "bool"), F("server-print", "bool", True), F("raw"), F("watch,w", "bool"),
    F("watch-only", "bool"), F("output-watch-events", "bool"), F("ignore-not-found", "bool"),
    F("chunk-size", "int64", 500), F("subresource"))
DESCRIBE = FILENAME + SELECTOR + ALL_NS + (F("show-events", "bool", True), F("chunk-size", "int64", 500))
APPLY = PRINT + FILENAME + DRY_RUN + VALIDATE + SELECTOR + _fm("kubectl-client-side-apply") + (
    F("overwrite", "bool", True), F("prune", "bool"), F("prune-allowlist", "stringArray"), F("all", "bool"),
    F("applyset"), F("cascade", default="background", noopt="background"), F("force", "bool"),
    F("grace-period", "int", -1), F("timeout", "duration"), F("wait", "bool"), F("openapi-patch", "bool", True),
    F("server-side", "bool"), F("force-conflicts", "bool"), F("record", "bool"))
DELETE = FILENAME + SELECTOR + FIELD_SELECTOR + ALL_NS + (
    F("all", "bool"), F("force", "bool"), F("cascade", default="background", noopt="background"),
    F("now", "bool"), F("grace-period", "int", -1), F("timeout", "duration"), F("ignore-not-found", "bool"),
    F("wait", "bool", True), F("output,o"), F("raw"), F("interactive,i", "bool")) + DRY_RUN
CREATE_COMMON = PRINT + DRY_RUN + VALIDATE + (F("save-config", "bool"),)
CREATE = CREATE_COMMON + FILENAME + SELECTOR + _fm("kubectl-create") + (
    F("edit", "bool"), F("windows-line-endings", "bool"), F("raw"))
CREATE_DEPLOYMENT = CREATE_COMMON + _fm("kubectl-create") + (
    F("image", "stringSlice"), F("port", "int32", -1), F("replicas,r", "int32", 1))
CREATE_NAMESPACE = CREATE_COMMON + _fm("kubectl-create")
CREATE_SERVICE = CREATE_COMMON + _fm("kubectl-create") + (F("tcp", "stringSlice"), F("cluster-ip"))
CREATE_NODEPORT = CREATE_COMMON + _fm("kubectl-create") + (F("tcp", "stringSlice"), F("node-port", "int"))
CREATE_EXTERNALNAME = CREATE_COMMON + _fm("kubectl-create") + (F("tcp", "stringSlice"), F("external-name"))
CREATE_CONFIGMAP = CREATE_COMMON + _fm("kubectl-create") + (
    F("from-literal", "stringArray"), F("from-file", "stringSlice"), F("from-env-file", "stringSlice"),
    F("append-hash", "bool"))
EXPOSE = PRINT + FILENAME + DRY_RUN + _fm("kubectl-expose") + (
    F("protocol"), F("port"), F("type"), F("load-balancer-ip"), F("selector"), F("labels,l"), F("target-port"),
    F("external-ip"), F("name"), F("session-affinity"), F("cluster-ip"), F("override-type", default="merge"))
RUN = PRINT + DRY_RUN + _fm("kubectl-run") + (
    F("annotations", "stringArray"), F("image"), F("image-pull-policy"), F("rm", "bool"), F("env", "stringArray"),
    F("port"), F("labels,l"), F("stdin,i", "bool"), F("tty,t", "bool"), F("attach", "bool"),
    F("leave-stdin-open", "bool"), F("restart", default="Always"), F("command", "bool"), F("expose", "bool"),
    F("quiet,q", "bool"), F("privileged", "bool"), F("override-type", default="merge"), F("overrides"),
    F("pod-running-timeout", "duration", 60.0), F("save-config", "bool"), F("cascade", default="background"),
    F("filename,f", "stringSlice"), F("force", "bool"), F("grace-period", "int", -1), F("kustomize,k"),
    F("recursive,R", "bool"), F("timeout", "duration"), F("wait", "bool"))
EXEC = FILENAME[:1] + (F("container,c"), F("stdin,i", "bool"), F("tty,t", "bool"), F("quiet,q", "bool"),
                       F("pod-running-timeout", "duration", 60.0))
LOGS = SELECTOR + (
    F("all-pods", "bool"), F("all-containers", "bool"), F("follow,f", "bool"), F("timestamps", "bool"),
    F("limit-bytes", "int64"), F("previous,p", "bool"), F("tail", "int64", -1), F("ignore-errors", "bool"),
    F("since-time"), F("since", "duration"), F("container,c"), F("insecure-skip-tls-verify-backend", "bool"),
    F("max-log-requests", "int", 5), F("prefix", "bool"), F("pod-running-timeout", "duration", 20.0))
SCALE = PRINT + FILENAME + SELECTOR + DRY_RUN + (
    F("all", "bool"), F("resource-version"), F("current-replicas", "int", -1), F("replicas", "int", -1),
    F("timeout", "duration"))
LABEL = PRINT + FILENAME + SELECTOR + FIELD_SELECTOR + ALL_NS + DRY_RUN + _fm("kubectl-label") + (
    F("overwrite", "bool"), F("list", "bool"), F("local", "bool"), F("all", "bool"), F("resource-version"))
ANNOTATE = PRINT + FILENAME + SELECTOR + FIELD_SELECTOR + ALL_NS + DRY_RUN + _fm("kubectl-annotate") + (
    F("overwrite", "bool"), F("list", "bool"), F("local", "bool"), F("all", "bool"), F("resource-version"))
ROLLOUT_RESTART = PRINT + FILENAME + SELECTOR + _fm("kubectl-rollout")
ROLLOUT_STATUS = FILENAME + SELECTOR + (F("revision", "int64"), F("watch,w", "bool", True), F("timeout", "duration"))
ROLLOUT_HISTORY = PRINT + FILENAME + SELECTOR + (F("revision", "int64"),)
CORDON = SELECTOR + DRY_RUN
DRAIN = SELECTOR + DRY_RUN + (
    F("force", "bool"), F("ignore-daemonsets", "bool"), F("delete-emptydir-data", "bool"),
    F("grace-period", "int", -1), F("timeout", "duration"), F("pod-selector"), F("disable-eviction", "bool"),
    F("skip-wait-for-delete-timeout", "int"), F("chunk-size", "int64", 500))
VERSION = (F("client", "bool"), F("output,o"))
API_RESOURCES = (F("no-headers", "bool"), F("output,o"), F("api-group"), F("namespaced", "bool", True),
                 F("verbs", "stringSlice"), F("sort-by"), F("cached", "bool"), F("categories", "stringSlice"))
EXPLAIN = (F("recursive", "bool"), F("api-version"), F("output", default="plaintext"))
CLUSTER_INFO = ()
CONFIG_VIEW = PRINT + (F("merge", "bool", True), F("flatten", "bool"), F("minify", "bool"), F("raw", "bool"))
TOP = SELECTOR + ALL_NS + (F("no-headers", "bool"), F("sort-by"), F("containers", "bool"), F("use-protocol-buffers",
                                                                                        "bool", True))


class Command:
    """A cobra command: ``name``, ``aliases``, local ``flags``, sub-commands, and whether it runs
    (``runnable``; a group such as ``kubectl rollout`` only prints its help). ``any_flags``
    marks the commands k8slab does not simulate: their flags are not checked."""

    def __init__(self, name: str, flags=(), children=(), *, aliases=(), suggest_for=(), runnable=True,
                 any_flags=False, hidden=False):
        self.name = name
        self.flags = tuple(flags)
        self.children: list[Command] = list(children)
        self.aliases = tuple(aliases)
        self.suggest_for = tuple(suggest_for)
        self.runnable = runnable
        self.any_flags = any_flags
        self.hidden = hidden
        self.parent: Command | None = None
        for c in self.children:
            c.parent = self

    @property
    def path(self) -> str:
        """``CommandPath()``: ``kubectl create deployment``."""
        return f"{self.parent.path} {self.name}" if self.parent else self.name

    def child(self, word: str) -> Command | None:
        for c in self.children:
            if c.name == word or word in c.aliases:
                return c
        return None

    def all_flags(self) -> dict[str, Flag]:
        """Local flags, then the root's persistent ones (a local flag wins a name clash)."""
        out: dict[str, Flag] = {}
        for f in GLOBAL_FLAGS:
            out[f.name] = f
        for f in self.flags:
            out[f.name] = f
        return out


def _unsupported(name: str, **kw) -> Command:
    return Command(name, any_flags=True, **kw)


def _tree() -> Command:
    create = Command("create", CREATE, [
        Command("deployment", CREATE_DEPLOYMENT, aliases=("deploy",)),
        Command("namespace", CREATE_NAMESPACE, aliases=("ns",)),
        Command("service", (), [
            Command("clusterip", CREATE_SERVICE),
            Command("externalname", CREATE_EXTERNALNAME),
            Command("loadbalancer", CREATE_SERVICE),
            Command("nodeport", CREATE_NODEPORT),
        ], aliases=("svc",), runnable=False),
        Command("configmap", CREATE_CONFIGMAP, aliases=("cm",)),
        _unsupported("clusterrole"), _unsupported("clusterrolebinding"), _unsupported("cronjob", aliases=("cj",)),
        _unsupported("ingress", aliases=("ing",)), _unsupported("job"), _unsupported("poddisruptionbudget",
                                                                                  aliases=("pdb",)),
        _unsupported("priorityclass", aliases=("pc",)), _unsupported("quota", aliases=("resourcequota",)),
        _unsupported("role"), _unsupported("rolebinding"), _unsupported("secret"),
        _unsupported("serviceaccount", aliases=("sa",)), _unsupported("token"),
    ])
    rollout = Command("rollout", (), [
        _unsupported("history"), _unsupported("pause"), Command("restart", ROLLOUT_RESTART),
        _unsupported("resume"), Command("status", ROLLOUT_STATUS), _unsupported("undo"),
    ], runnable=False)
    config = Command("config", (), [
        Command("current-context"), Command("get-contexts", (F("no-headers", "bool"), F("output,o"))),
        Command("get-clusters"), Command("view", CONFIG_VIEW),
        Command("use-context", aliases=("use",)), _unsupported("set-context"), _unsupported("set"),
        _unsupported("unset"), _unsupported("get-users"), _unsupported("delete-context"),
        _unsupported("delete-cluster"), _unsupported("delete-user"), _unsupported("rename-context"),
        _unsupported("set-cluster"), _unsupported("set-credentials"),
    ], runnable=False)
    # In the order kubectl adds them (cmd.go): cobra suggests in this order.
    return Command("kubectl", (), [
        create, Command("expose", EXPOSE), Command("run", RUN), _unsupported("set"),
        Command("explain", EXPLAIN), Command("get", GET, suggest_for=("list", "ps")), _unsupported("edit"),
        Command("delete", DELETE, suggest_for=("rm",)),
        rollout, Command("scale", SCALE), _unsupported("autoscale"),
        _unsupported("certificate"), Command("cluster-info", CLUSTER_INFO, [_unsupported("dump")]),
        Command("top", (), [Command("node", TOP, aliases=("nodes", "no")), Command("pod", TOP, aliases=("pods", "po"))],
                runnable=False),
        Command("cordon", CORDON), Command("uncordon", CORDON), Command("drain", DRAIN), _unsupported("taint"),
        Command("describe", DESCRIBE), Command("logs", LOGS), _unsupported("attach"), Command("exec", EXEC),
        _unsupported("port-forward"), _unsupported("proxy"), _unsupported("cp"), _unsupported("auth"),
        _unsupported("debug"), _unsupported("events"), _unsupported("diff"), Command("apply", APPLY),
        _unsupported("patch"), _unsupported("replace"), _unsupported("wait"), _unsupported("kustomize"),
        Command("label", LABEL), Command("annotate", ANNOTATE), _unsupported("completion"),
        Command("alpha", (), runnable=False, hidden=True), config, _unsupported("plugin"), Command("version", VERSION),
        Command("api-versions"), Command("api-resources", API_RESOURCES), _unsupported("options"),
        Command("help", any_flags=False, hidden=True),  # cobra's own; never suggested
    ])


ROOT = _tree()


# --- finding the command (cobra Find) --------------------------------------------------------------

def _strip_flags(args: list[str], flags: dict[str, Flag], shorts: dict[str, Flag]) -> list[str]:
    """cobra's stripFlags: the words that are not flags or flag values."""
    out = []
    i = 0
    while i < len(args):
        s = args[i]
        i += 1
        if s == "--":
            break
        if s.startswith("--") and "=" not in s:
            f = flags.get(_normalize(s[2:]))
            if f is None or f.takes_value():
                i += 1  # cobra assumes an unknown long flag takes the next word
        elif s.startswith("-") and len(s) == 2 and s != "-":
            f = shorts.get(s[1])
            if f is None or f.takes_value():
                i += 1
        elif s.startswith("-") and s != "-":
            continue
        else:
            out.append(s)
    return out


def _normalize(name: str) -> str:
    return name.replace("_", "-")


def find(argv: list[str]) -> tuple[Command, list[str]]:
    """The command ``argv`` names and the words left for it (sub-command names removed)."""
    cmd = ROOT
    args = list(argv)
    while True:
        flags = cmd.all_flags()
        shorts = {f.short: f for f in flags.values() if f.short}
        words = _strip_flags(args, flags, shorts)
        if not words or not cmd.children:
            return cmd, args
        nxt = cmd.child(words[0])
        if nxt is None:
            return cmd, args
        args.remove(words[0])
        cmd = nxt


def levenshtein(s: str, t: str) -> int:
    """cobra's ``ld`` with ignoreCase: the edit distance of the lower-cased words."""
    s, t = s.lower(), t.lower()
    prev = list(range(len(t) + 1))
    for i, a in enumerate(s, 1):
        cur = [i] + [0] * len(t)
        for j, b in enumerate(t, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a != b))
        prev = cur
    return prev[-1]


def suggestions(cmd: Command, typed: str) -> list[str]:
    """cobra ``SuggestionsFor`` (minimum distance 2), in the order the commands were added."""
    out = []
    for c in cmd.children:
        if c.hidden or not (c.runnable or c.children):
            continue
        if levenshtein(typed, c.name) <= 2 or c.name.lower().startswith(typed.lower()):
            out.append(c.name)
        for s in c.suggest_for:
            if s.lower() == typed.lower():
                out.append(c.name)
    return out


def unknown_command(typed: str) -> KubectlError:
    """``error: unknown command "gett" for "kubectl"`` and cobra's suggestions (kubectl sets
    SilenceErrors, so no ``Run 'kubectl --help'`` line follows: cmdutil.CheckErr prints it)."""
    msg = f'error: unknown command {_go_q(typed)} for "kubectl"'
    found = suggestions(ROOT, typed)
    if found:
        msg += "\n\nDid you mean this?\n" + "".join(f"\t{s}\n" for s in found)
    return KubectlError(msg)


def _go_q(s: str) -> str:
    """Go's %q for the usual printable strings."""
    out = []
    for ch in s:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ord(ch) < 32 or ord(ch) == 127:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


# --- parsing flags (pflag) --------------------------------------------------------------------------

@dataclass
class Parsed:
    """A parsed command line: the command, flag values, the positional ``args`` and where ``--`` was."""

    command: Command
    values: dict = field(default_factory=dict)
    changed: set = field(default_factory=set)
    args: list = field(default_factory=list)
    dash: int = -1

    @property
    def path(self) -> str:
        return self.command.path

    def get(self, name: str):
        if name in self.values:
            return self.values[name]
        f = self.command.all_flags().get(name)
        if f is None:
            return None
        default = f.default
        return list(default) if isinstance(default, list) else default

    def has(self, name: str) -> bool:
        return name in self.changed


def flag_error(cmd: Command, message: str) -> KubectlError:
    """What kubectl prints for a flag error: pflag's message, then where to look for help."""
    return KubectlError(f"error: {message}\nSee '{cmd.path} --help' for usage.")


def usage_error(cmd: Command, message: str) -> KubectlError:
    """``cmdutil.UsageErrorf``: the message, then ``See 'kubectl get -h' for help and examples``."""
    return KubectlError(f"error: {message}\nSee '{cmd.path} -h' for help and examples")


_INT_RE = re.compile(r"^[+-]?(0[xX][0-9a-fA-F_]+|0[oO]?[0-7_]*|0[bB][01_]+|[1-9][0-9_]*|0)$")
_BOOLS = {"1": True, "t": True, "T": True, "TRUE": True, "true": True, "True": True,
          "0": False, "f": False, "F": False, "FALSE": False, "false": False, "False": False}
_DURATION_RE = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")
_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def _go_int(value: str, bits: int) -> int:
    if not _INT_RE.match(value) or "__" in value or value.endswith("_"):
        raise ValueError(f'strconv.ParseInt: parsing {_go_q(value)}: invalid syntax')
    try:
        n = int(value.replace("_", ""), 0) if not re.match(r"^[+-]?0[0-7]+$", value) else int(value, 8)
    except ValueError:
        raise ValueError(f'strconv.ParseInt: parsing {_go_q(value)}: invalid syntax') from None
    if not -(2 ** (bits - 1)) <= n < 2 ** (bits - 1):
        raise ValueError(f'strconv.ParseInt: parsing {_go_q(value)}: value out of range')
    return n


def parse_duration(value: str) -> float:
    """Go's ``time.ParseDuration`` in seconds (``90s``, ``1m30s``, ``0``)."""
    s = value
    sign = -1.0 if s.startswith("-") else 1.0
    s = s.lstrip("+-")
    if s == "0":
        return 0.0
    if not s:
        raise ValueError(f"time: invalid duration {_go_q(value)}")
    total, pos = 0.0, 0
    for m in _DURATION_RE.finditer(s):
        if m.start() != pos:
            break
        total += float(m.group(1)) * _UNITS[m.group(2)]
        pos = m.end()
    if pos != len(s):
        if re.fullmatch(r"[0-9.]+", s):
            raise ValueError(f"time: missing unit in duration {_go_q(value)}")
        raise ValueError(f"time: invalid duration {_go_q(value)}")
    return sign * total


def _convert(f: Flag, value: str, previous):
    if f.kind == "bool":
        if value not in _BOOLS:
            raise ValueError(f'strconv.ParseBool: parsing {_go_q(value)}: invalid syntax')
        return _BOOLS[value]
    if f.kind in ("int", "int64"):
        return _go_int(value, 64)
    if f.kind == "int32":
        return _go_int(value, 32)
    if f.kind == "duration":
        return parse_duration(value)
    if f.kind == "stringSlice":
        import csv

        items = next(csv.reader([value])) if value else []
        return list(previous or []) + items
    if f.kind == "stringArray":
        return list(previous or []) + [value]
    return value


def parse(argv: list[str]) -> Parsed:
    """Find the command and parse its flags; raises KubectlError with kubectl's text."""
    cmd, rest = find(argv)
    if cmd.parent is None:
        words = _strip_flags(rest, cmd.all_flags(), {f.short: f for f in GLOBAL_FLAGS if f.short})
        if words:
            raise unknown_command(words[0])
    p = Parsed(cmd)
    if cmd.any_flags:
        p.args = [a for a in rest if not a.startswith("-")]
        return p
    flags = cmd.all_flags()
    shorts = {f.short: f for f in flags.values() if f.short}

    def set_flag(f: Flag, value: str) -> None:
        try:
            p.values[f.name] = _convert(f, value, p.values.get(f.name))
        except ValueError as e:
            name = f"-{f.short}, --{f.name}" if f.short else f"--{f.name}"
            raise flag_error(cmd, f"invalid argument {_go_q(value)} for {_go_q(name)} flag: {e}") from None
        p.changed.add(f.name)

    args = list(rest)
    while args:
        s = args.pop(0)
        if len(s) < 2 or s[0] != "-":
            p.args.append(s)
            continue
        if s == "--":
            p.dash = len(p.args)
            p.args.extend(args)
            break
        if s.startswith("--"):
            name = s[2:]
            if not name or name[0] in "-=":
                raise flag_error(cmd, f"bad flag syntax: {s}")
            name, eq, value = name.partition("=")
            f = flags.get(_normalize(name))
            if f is None:
                raise flag_error(cmd, f"unknown flag: --{name}")
            if eq:
                set_flag(f, value)
            elif f.noopt is not None:
                set_flag(f, f.noopt)
            elif args:
                set_flag(f, args.pop(0))
            else:
                raise flag_error(cmd, f"flag needs an argument: {s}")
            continue
        shorthands = s[1:]
        while shorthands:
            c = shorthands[0]
            f = shorts.get(c)
            if f is None:
                raise flag_error(cmd, f"unknown shorthand flag: {_go_char(c)} in -{shorthands}")
            if len(shorthands) > 2 and shorthands[1] == "=":
                set_flag(f, shorthands[2:])
                shorthands = ""
            elif f.noopt is not None:
                set_flag(f, f.noopt)
                shorthands = shorthands[1:]
            elif len(shorthands) > 1:
                set_flag(f, shorthands[1:])
                shorthands = ""
            elif args:
                set_flag(f, args.pop(0))
                shorthands = ""
            else:
                raise flag_error(cmd, f"flag needs an argument: {_go_char(c)} in -{shorthands}")
    return p


def _go_char(c: str) -> str:
    """Go's %q of a byte: ``'x'``."""
    if c == "'":
        return "'\\''"
    if c == "\\":
        return "'\\\\'"
    if ord(c) < 32:
        return f"'\\x{ord(c):02x}'"
    return f"'{c}'"
