"""The magics in a plain IPython shell: output, errors in the tools' words, completion, the active cluster."""

from __future__ import annotations

import pytest
from IPython.testing.globalipapp import start_ipython

from k8slab.notebook import magics, session

from .conftest import PODS


@pytest.fixture(scope="module")
def ip():
    shell = start_ipython()
    shell.run_line_magic("load_ext", "k8slab")
    session.reset()
    shell.run_cell("import k8slab\nc = k8slab.kind()")
    shell.run_cell("%%kubectl apply -f -\n" + PODS)
    return shell


def run(ip, capsys, cell):
    capsys.readouterr()
    r = ip.run_cell(cell)
    out, err = capsys.readouterr()
    assert r.error_in_exec is None, r.error_in_exec  # never a traceback
    return out, err


def test_cell_magic_applies_yaml(ip, capsys):
    out, err = run(ip, capsys, "%%kubectl apply -f -\n" + PODS)
    assert out == "pod/client unchanged\npod/web unchanged\n" and err == ""
    assert sorted(p["metadata"]["name"] for p in ip.user_ns["c"].store.list("pods", "default")) == ["client", "web"]


def test_cell_magic_bad_yaml_says_so_on_stderr(ip, capsys):
    out, err = run(ip, capsys, "%%kubectl apply -f -\napiVersion: v1\nkind: Foo\nmetadata: {name: x}\n")
    assert out == "" and err.startswith("error: resource mapping not found")


def test_kubectl_line_magic_never_raises(ip, capsys):
    out, err = run(ip, capsys, "%kubectl get nodes")
    assert out or err  # the front end's table, or a one-line error until it lands
    assert "Traceback" not in out + err


def test_docker_exec_runs_in_the_node(ip, capsys):
    out, err = run(ip, capsys, "%docker exec kind-worker ip route | grep 10.244.2")
    assert out == "10.244.2.0/24 via 172.18.0.4 dev eth0 \n" and err == ""
    out, err = run(ip, capsys, "%docker exec -it kind-worker2 hostname")
    assert out == "kind-worker2\n"


def test_docker_errors_in_dockers_words(ip, capsys):
    assert run(ip, capsys, "%docker exec kind-wroker ip r")[1] == "Error response from daemon: No such container: kind-wroker\n"
    assert run(ip, capsys, "%docker exec kind-worker")[1].startswith('"docker exec" requires at least 2 arguments.')
    assert run(ip, capsys, "%docker run x")[1].startswith("docker: 'run' is not a docker command.")


def test_k8s_exec(ip, capsys):
    out, err = run(ip, capsys, "%k8s exec client -- ip -4 addr show eth0 | grep inet")
    assert out == "    inet 10.244.1.2/24 scope global eth0\n"
    assert run(ip, capsys, "%k8s exec client ip addr")[1] == (
        "error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\n")
    assert run(ip, capsys, "%k8s exec nope -- ip addr")[1] == 'Error from server (NotFound): pods "nope" not found\n'


def test_k8s_trace_text_and_view(ip, capsys):
    out, err = run(ip, capsys, "%k8s trace pod/client -> pod/web:80 --text")
    assert out.rstrip().endswith("=> delivered: the answer reached the sender 10.244.1.2:" + out.split(":")[-1].strip())
    out, err = run(ip, capsys, "%k8s trace pod/client pod/web:80")
    assert out.startswith("  1. [pod/client] send:") and err == ""
    out, err = run(ip, capsys, "%k8s trace pod/client pod/nope:80")
    assert err == 'error: pods "nope" not found\n'
    out, err = run(ip, capsys, "%k8s trace pod/client")
    assert err.startswith("usage: %k8s trace SRC DST[:PORT]")


def test_k8s_show_layers_chains(ip, capsys):
    # 2 pods of ours + CoreDNS x2 + the local-path provisioner (host-network pods have no box of their own)
    assert run(ip, capsys, "%k8s show")[0].startswith("Cluster kind: 3 nodes, 5 pods, 2 services")
    assert "encapsulation overhead" in run(ip, capsys, "%k8s layers")[0]
    assert run(ip, capsys, "%k8s chains kind-worker nat")[0].startswith("# kind-worker: iptables -t nat")
    assert run(ip, capsys, "%k8s frobnicate")[1].startswith('unknown command "frobnicate" for "k8s"')


def test_the_last_cluster_created_is_active_and_use_switches(ip, capsys):
    run(ip, capsys, "c2 = k8slab.flannel(workers=1)")
    out, _ = run(ip, capsys, "%k8s use")
    assert "* c2  (kind, 2 nodes, cni flannel)" in out and "  c  (kind, 3 nodes, cni kindnet)" in out
    run(ip, capsys, "%k8s use c")
    assert session.active(ip.user_ns) is ip.user_ns["c"]
    assert run(ip, capsys, "%k8s use nope")[1].startswith('error: no cluster named "nope"')
    run(ip, capsys, "k8slab.notebook.use(c2)")
    assert session.active(ip.user_ns) is ip.user_ns["c2"]
    run(ip, capsys, "%k8s use c\ndel c2")


def test_no_cluster_answers_like_kubectl():
    out, err, code = magics.run_kubectl(None, "get pods")
    assert err.startswith("The connection to the server localhost:8080 was refused") and code == 1


def complete(ip, line):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        return ip.Completer.complete(line_buffer=line, cursor_pos=len(line))[1]


def test_completion_of_verbs_types_and_names(ip):
    assert complete(ip, "%kubectl ge") == ["get"]
    assert complete(ip, "%kubectl get po") == ["po", "pod", "pods"]
    assert complete(ip, "%kubectl get pods cl") == ["client"]
    assert complete(ip, "%kubectl describe pod/w") == ["pod/web"]
    assert complete(ip, "%kubectl get nodes kind-w") == ["kind-worker", "kind-worker2"]
    assert complete(ip, "%kubectl exec we") == ["web"]
    assert complete(ip, "%kubectl get pods -o ya") == ["yaml"]
    assert complete(ip, "%docker exec kind-c") == ["kind-control-plane"]
    assert complete(ip, "%k8s tr") == ["trace"]
    assert complete(ip, "%k8s trace pod/c") == ["pod/client"]
    assert complete(ip, "%k8s exec cl") == ["client"]
