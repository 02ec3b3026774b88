"""Property tests: random kubectl command lines and random manifests never produce a traceback.

Whatever a learner types, kubectl() answers (stdout, stderr, exit code) with kubectl's own words; an
internal exception would surface as "failed unexpectedly", which these tests treat as a failure.
"""

from __future__ import annotations

import shlex

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import k8slab
from k8slab.cli.kubectl import kubectl, split_command

VERBS = ["get", "describe", "apply", "create", "delete", "scale", "expose", "label", "annotate", "run", "exec",
         "logs", "rollout", "cordon", "uncordon", "drain", "version", "cluster-info", "api-resources", "config",
         "explain", "top", "edit", "patch", "gett", "", "help", "deployment", "service", "namespace", "restart",
         "status", "current-context", "clusterip", "nodeport"]
TYPES = ["pods", "po", "pod", "svc", "services", "deploy", "deployments.apps", "rs", "nodes", "no", "ns", "ep",
         "endpointslices", "events", "all", "pods,svc", "netpol", "ing", "podz", "pod/web", "svc/web",
         "deployment/web", "node/kind-worker", "a/b/c", "/", ",", "pods,", "Pods"]
NAMES = ["web", "kind-worker", "kind-control-plane", "default", "kube-system", "nope", "Web", "x" * 70, "",
         "-", "--", "a=b", "tier-", "app=web", "80:8080", "--", "sh", "-c", "ls", "hostname", "ip route"]
FLAGS = ["-n", "kube-system", "-A", "--all-namespaces", "-o", "wide", "-owide", "-o=yaml", "-ojson", "-o name",
         "-o=custom-columns=N:.metadata.name", "-o=jsonpath={.items[*].metadata.name}", "-o", "jsonpath={",
         "-l", "app=web", "-l", "app in (", "--field-selector", "spec.nodeName=kind-worker", "--field-selector=x",
         "--show-labels", "--no-headers", "-f", "-", "--filename=-", "-w", "--watch", "--context", "kind-kind",
         "--context=other", "--kubeconfig", "/tmp/x", "--all", "--force", "--grace-period=0", "--replicas=2",
         "--replicas=-1", "--replicas=abc", "--image=nginx", "--image", "--port=80", "--port", "x", "--tcp=80:80",
         "--tcp=abc", "--overwrite", "--dry-run", "--dry-run=client", "--dry-run=bogus", "-it", "-c", "web",
         "--tail=2", "--tail=-5", "-L", "app", "--sort-by=.metadata.name", "--sort-by={", "--foo", "-x", "-h",
         "--help", "--ignore-not-found", "--cascade=orphan", "--cascade=bogus", "--type=NodePort", "--name=n",
         "--target-port=http", "--command", "--restart=Never", "--restart=bogus", "--env=A=1", "--env=1A",
         "--ignore-daemonsets", "--raw", "/api", "-v=6", "--", "'", '"', "'quoted value'", "\\", "$HOME", "|",
         "--namespace", "-n=", "--output=", "-o", "--selector=", "--all_namespaces"]

WORDS = st.sampled_from(VERBS + TYPES + NAMES + FLAGS)
SAFE_SETTINGS = settings(max_examples=300, deadline=None,
                         suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def cluster():
    c = k8slab.kind(workers=2)
    c.store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "labels": {"app": "web"}},
                    "spec": {"nodeName": "kind-worker", "containers": [{"name": "web", "image": "nginx:1.27"}]}})
    c.settle()
    return c


def _check(result):
    assert isinstance(result, tuple) and len(result) == 3
    out, err, code = result
    assert isinstance(out, str) and isinstance(err, str) and isinstance(code, int)
    assert "failed unexpectedly" not in err, err
    assert "Traceback" not in out + err
    if code:
        assert err, "a failing command says why"


@SAFE_SETTINGS
@given(st.lists(WORDS, max_size=8), st.sampled_from(VERBS))
def test_random_command_lines_never_raise(cluster, words, verb):
    argv = [verb, *words] if verb else words
    _check(kubectl(cluster, argv, stdin="apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n"))


@SAFE_SETTINGS
@given(st.lists(st.sampled_from(list("kubectl getpods -wAo='\"{}[],.:/|\\\t\n") + ["--", " -n ", " -o "]),
                max_size=30).map("".join))
def test_random_text_never_raises(cluster, text):
    _check(kubectl(cluster, text))


@SAFE_SETTINGS
@given(st.lists(WORDS, min_size=1, max_size=6))
def test_quoted_lines_parse_like_argv(cluster, words):
    # The line must give back the argv. (Running both forms and comparing their output would not do:
    # the first run can change the cluster, e.g. `run sh` makes the pod the second run finds.)
    line = " ".join(shlex.quote(w) for w in words)
    assert split_command(line) == split_command(words) == words
    _check(kubectl(cluster, line))


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 70000), st.text(max_size=12),
                    st.sampled_from(["v1", "apps/v1", "Pod", "Service", "Deployment", "ConfigMap", "Namespace",
                                     "web", "nginx", "TCP", "NodePort", "---", "{", "[", ":", "- a", "&x", "*x"]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.sampled_from(
                                                           ["apiVersion", "kind", "metadata", "name", "spec",
                                                            "containers", "image", "ports", "port", "selector",
                                                            "labels", "namespace", "items", "replicas", "type"]),
                                                           inner, max_size=4)), max_leaves=12)


@SAFE_SETTINGS
@given(st.lists(VALUES, min_size=0, max_size=3))
def test_random_manifests_to_apply_never_raise(cluster, docs):
    import yaml

    text = "\n---\n".join(yaml.safe_dump(d, default_flow_style=False) for d in docs)
    for verb in ("apply -f -", "create -f -", "delete -f -", "get -f -"):
        _check(kubectl(cluster, verb, stdin=text))


@SAFE_SETTINGS
@given(st.text(max_size=200))
def test_random_yaml_text_never_raises(cluster, text):
    _check(kubectl(cluster, "apply -f -", stdin=text))
