"""Tab completion for the magics: kubectl verbs, resource types, object names, nodes and pods.

Pure functions from (cluster, the words typed so far) to candidates, so they can be tested
without IPython; :mod:`k8slab.notebook.magics` hooks them into IPython's completer.

>>> complete_kubectl(None, ["get"], "dep")
['deploy', 'deployment', 'deployments']
"""

from __future__ import annotations

from k8slab.api.resources import RESOURCES, lookup

VERBS = (
    "annotate", "api-resources", "api-versions", "apply", "attach", "cluster-info", "config", "cp", "create",
    "delete", "describe", "diff", "edit", "events", "exec", "explain", "expose", "get", "label", "logs", "patch",
    "port-forward", "rollout", "run", "scale", "set", "top", "version", "wait",
)
# Verbs whose first argument is a resource type (then names of that type).
TYPED_VERBS = {"get", "describe", "delete", "edit", "label", "annotate", "patch", "explain", "expose", "scale",
               "wait", "rollout"}
POD_VERBS = {"exec", "logs", "attach", "port-forward", "cp"}
OUTPUTS = ("wide", "yaml", "json", "name", "jsonpath=", "custom-columns=", "go-template=")
ROLLOUT = ("history", "pause", "restart", "resume", "status", "undo")
TOP = ("node", "pod")
FLAGS_WITH_VALUE = {"-n", "--namespace", "-o", "--output", "-l", "--selector", "-c", "--container", "-f",
                    "--filename", "--field-selector", "--sort-by"}
K8S_SUBCOMMANDS = ("chains", "exec", "help", "layers", "show", "trace", "use")


def resource_names() -> list[str]:
    """Every name kubectl accepts for a type: plural, singular, short names."""
    names = set()
    for r in RESOURCES:
        names.update((r.plural, r.singular, *r.short_names))
    return sorted(names)


def _namespace(words: list[str]) -> str:
    for i, w in enumerate(words):
        if w in ("-n", "--namespace") and i + 1 < len(words):
            return words[i + 1]
        if w.startswith("--namespace="):
            return w.split("=", 1)[1]
    return "default"


def _positionals(words: list[str]) -> list[str]:
    out, skip = [], False
    for w in words:
        if skip:
            skip = False
        elif w in FLAGS_WITH_VALUE:
            skip = True
        elif not w.startswith("-"):
            out.append(w)
    return out


def object_names(cluster, resource: str, namespace: str = "default") -> list[str]:
    """Names of the objects of a type (in ``namespace`` when the type is namespaced)."""
    if cluster is None:
        return []
    try:
        res = lookup(resource)
        items = cluster.store.list(res.plural, namespace if res.namespaced else None)
    except Exception:  # an unknown type completes to nothing
        return []
    return [o["metadata"]["name"] for o in items]


def _prefixed(cands, current: str) -> list[str]:
    return sorted({c for c in cands if c.startswith(current)})


def complete_kubectl(cluster, words: list[str], current: str) -> list[str]:
    """Candidates for the word being typed after ``kubectl`` and ``words``."""
    ns = _namespace(words)
    if words and words[-1] in ("-n", "--namespace"):
        return _prefixed(object_names(cluster, "namespaces"), current)
    if words and words[-1] in ("-o", "--output"):
        return _prefixed(OUTPUTS, current)
    if current.startswith("-"):
        return _prefixed(("-n", "--namespace", "-o", "--output", "-l", "--selector", "-A", "--all-namespaces",
                          "-f", "--show-labels", "-w"), current)
    pos = _positionals(words)
    if not pos:
        return _prefixed(VERBS, current)
    verb, args = pos[0], pos[1:]
    if verb == "top":
        return _prefixed(TOP, current) if not args else _prefixed(object_names(cluster, args[0], ns), current)
    if verb == "rollout":
        if not args:
            return _prefixed(ROLLOUT, current)
        verb, args = "rollout-sub", args[1:]
    if verb in POD_VERBS:
        return _prefixed(object_names(cluster, "pods", ns), current) if not args else []
    if verb in TYPED_VERBS or verb == "rollout-sub":
        if "/" in current:
            kind, _, _ = current.partition("/")
            return _prefixed((f"{kind}/{n}" for n in object_names(cluster, kind, ns)), current)
        if not args:
            return _prefixed(resource_names(), current)
        if "/" in args[0]:  # TYPE/NAME form: more of the same
            return []
        return _prefixed(object_names(cluster, args[0].split(",")[0], ns), current)
    return []


def complete_docker(cluster, words: list[str], current: str) -> list[str]:
    """``docker exec NODE CMD``: the subcommand, then node names, then the node's commands."""
    pos = _positionals(words)
    if not pos:
        return _prefixed(("exec",), current)
    if pos[0] == "exec" and len(pos) == 1:
        return _prefixed(sorted(cluster.machines) if cluster is not None else [], current)
    if pos[0] == "exec" and len(pos) == 2:
        return _prefixed(_commands(), current)
    return []


def _commands() -> list[str]:
    from k8slab.cli.shell import COMMANDS

    return sorted(COMMANDS)


def complete_k8s(cluster, words: list[str], current: str) -> list[str]:
    """``%k8s`` subcommands, then pods, nodes and Services where each is expected."""
    pos = _positionals(words)
    if not pos:
        return _prefixed(K8S_SUBCOMMANDS, current)
    sub, args = pos[0], pos[1:]
    ns = _namespace(words)
    pods = object_names(cluster, "pods", ns)
    nodes = sorted(cluster.machines) if cluster is not None else []
    if sub == "exec" and not args:
        return _prefixed(pods, current)
    if sub == "exec" and "--" in words:
        return _prefixed(_commands(), current) if words[-1] == "--" else []
    if sub == "trace" and len([a for a in args if a != "->"]) < 2:
        if not args:
            cands = [f"pod/{p}" for p in pods] + nodes + ["external"]
        else:
            cands = ([f"pod/{p}" for p in pods] + [f"svc/{s}" for s in object_names(cluster, "services", ns)]
                     + [f"node/{n}" for n in nodes])
        return _prefixed(cands, current)
    if sub == "trace":
        return _prefixed(("--udp", "--icmp", "--tcp", "--text", "-n"), current)
    if sub == "chains" and not args:
        return _prefixed(nodes, current)
    if sub == "chains" and len(args) == 1:
        return _prefixed(("nat", "filter", "mangle", "raw"), current)
    if sub == "use" and not args:
        return []  # filled in by the magic, which knows the notebook's variables
    return []
