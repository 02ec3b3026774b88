"""A container's sockets: those its program listens on, bound in the pod's namespace; the containers of an
image share one tuple of them. When one cannot be bound (a port another container of the pod holds) the
ones bound before it are let go, the container backs off with none, and its pod's other sockets stay."""

from __future__ import annotations

import k8slab


def _pod(name, containers):
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"},
            "spec": {"containers": containers}}


def _netexec(name, http, udp):
    return {"name": name, "image": "registry.k8s.io/e2e-test-images/agnhost:2.53",
            "args": ["netexec", f"--http-port={http}", f"--udp-port={udp}"]}


def test_sockets_bound_shared_and_let_go():
    c = k8slab.kind(workers=1)
    c.store.create(_pod("a", [{"name": "web", "image": "nginx"}]))
    c.store.create(_pod("b", [{"name": "web", "image": "nginx"}]))
    # "second" binds tcp 8080, then finds udp 8081 held by "first": tcp 8080 is let go again
    c.store.create(_pod("clash", [_netexec("first", 9000, 8081), _netexec("second", 8080, 8081)]))
    c.settle()
    a, b, clash = c.sandbox("a"), c.sandbox("b"), c.sandbox("clash")
    assert a.containers["web"].sockets == (("tcp", "0.0.0.0", 80),)
    assert a.containers["web"].sockets is b.containers["web"].sockets
    assert sorted(a.netns.sockets) == [("tcp", "0.0.0.0", 80)]
    first, second = clash.containers["first"], clash.containers["second"]
    assert first.running and first.sockets == (("tcp", "0.0.0.0", 9000), ("udp", "0.0.0.0", 8081))
    assert not second.running and second.sockets == () and second.restarts == 1
    assert second.error == "listen udp 0.0.0.0:8081: bind: address already in use"
    assert sorted(clash.netns.sockets) == [("tcp", "0.0.0.0", 9000), ("udp", "0.0.0.0", 8081)]
    assert [p.command for p in clash.pids] == ["/pause", "/agnhost netexec --http-port=9000 --udp-port=8081"]
    node = c.machines["kind-worker"]
    c.store.delete("pods", "clash")
    c.settle()
    assert len(clash.netns.sockets) == 0
    assert not any(p in node.processes for p in clash.pids)
