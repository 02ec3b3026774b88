"""What each image runs: its command line and the sockets it listens on (a tuple of (proto, port))."""

import pytest

from k8slab.components.apps import app_for

CASES = [
    ({"image": "nginx"}, "nginx: master process nginx -g daemon off;", (("tcp", 80),)),
    ({"image": "docker.io/nginxinc/nginx-unprivileged:1.27@sha256:ab", "args": ["x"]},
     "nginx: master process nginx -g daemon off;", (("tcp", 80),)),
    ({"image": "registry.k8s.io/pause:3.10", "command": ["/other"]}, "/pause", ()),
    ({"image": "registry.k8s.io/e2e-test-images/agnhost:2.53", "args": ["netexec", "--http-port=9000"]},
     "/agnhost netexec --http-port=9000", (("tcp", 9000), ("udp", 8081))),
    ({"image": "agnhost", "command": ["/agnhost"], "args": ["serve-hostname", "-port=9376"]},
     "/agnhost /agnhost serve-hostname -port=9376", (("tcp", 9376),)),
    ({"image": "agnhost", "args": ["pause"]}, "/agnhost pause", ()),
    ({"image": "hashicorp/http-echo", "args": ["-listen=:8080", "-text=hi"]}, "/http-echo -listen=:8080 -text=hi",
     (("tcp", 8080),)),
    ({"image": "registry.k8s.io/etcd:3.5", "command": ["etcd"]}, "etcd", (("tcp", 2379), ("tcp", 2380), ("tcp", 2381))),
    ({"image": "kindnetd"}, "kindnetd", ()),
    ({"image": "coredns/coredns:1.12"}, "/coredns -conf /etc/coredns/Corefile",
     (("udp", 53), ("tcp", 53), ("tcp", 8080), ("tcp", 8181), ("tcp", 9153))),
    ({"image": "busybox", "ports": [{"containerPort": 8080}, {"containerPort": 53, "protocol": "UDP"}, {"name": "x"}]},
     "sh", (("tcp", 8080), ("udp", 53))),
    ({"image": "myapp:v2", "command": ["/run", "--fast"]}, "/run --fast", ()),
    ({}, "/", ()),
]


@pytest.mark.parametrize(("container", "command", "listens"), CASES)
def test_app_for(container, command, listens):
    app = app_for(dict(container, name="c"), "web-1")
    assert (app.command, app.listens, app.pod_name) == (command, listens, "web-1")
