"""What runs inside containers: the behaviour of the images the course uses.

Manifests in the course use real images so they apply unchanged to a real cluster; here each
image is a small deterministic program: which sockets it opens, what it answers, what ``ps``
shows. Unknown images open the container ports their manifest declares and answer with a short
line naming the pod, so a learner's own Deployment still serves something recognisable.

>>> app = app_for({"name": "web", "image": "nginx:1.27"}, pod_name="web-1")
>>> app.listens, app.command
((('tcp', 80),), 'nginx: master process nginx -g daemon off;')
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

NGINX_PAGE = """<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
"""


# Ports the control-plane and node components listen on (host network).
CONTROL_PLANE = {"kube-apiserver": (6443,), "etcd": (2379, 2380, 2381), "kube-controller-manager": (10257,),
                 "kube-scheduler": (10259,), "kube-proxy": (10249, 10256), "kindnetd": (), "flannel": (),
                 "local-path-provisioner": ()}


@dataclass(slots=True)
class App:
    """A container's program: sockets it listens on, its answer to a request, its command line.

    ``healthy`` is what a lesson flips to make probes fail (the program answers 500 then).
    A slots class (one per container started, ~90 bytes where a dict-backed one takes ~145)."""

    name: str
    command: str
    listens: tuple[tuple[str, int], ...] = ()
    body: str = ""
    server: str = ""
    healthy: bool = True
    pod_name: str = ""

    def respond(self, packet) -> str:
        """The bytes the program sends back to a request (an HTTP response for TCP)."""
        if not self.healthy:
            return http_response(500, "Internal Server Error", "unhealthy\n", self.server)
        return http_response(200, "OK", self.body, self.server)


class AnsweredElsewhere(App):
    """A program whose answers its cluster supplies (CoreDNS answers from the API objects): it
    takes a ``respond`` of its own, which a slots :class:`App` cannot."""


def http_response(code: int, reason: str, body: str, server: str = "") -> str:
    headers = [f"HTTP/1.1 {code} {reason}"]
    if server:
        headers.append(f"Server: {server}")
    headers += ["Content-Type: text/plain; charset=utf-8" if not body.startswith("<!DOCTYPE") else
                "Content-Type: text/html", f"Content-Length: {len(body.encode())}"]
    return "\r\n".join(headers) + "\r\n\r\n" + body


@functools.lru_cache(maxsize=256)
def _image_name(image: str) -> str:
    """``registry.k8s.io/e2e-test-images/agnhost:2.53`` -> ``agnhost``; ``nginx`` -> ``nginx``
    (memoised: a pure function of the image, asked once per container started)."""
    last = image.rsplit("/", 1)[-1]
    return last.split("@", 1)[0].split(":", 1)[0]


def _flag(args: list[str], name: str, default: str) -> str:
    for a in args:
        if a.startswith((f"--{name}=", f"-{name}=")):  # Go's flag package takes both spellings
            return a.split("=", 1)[1]
    return default


def app_for(container: dict, pod_name: str, node: str | None = None) -> App:
    """The program a container runs, from its image, command and args."""
    name = _image_name(container.get("image", ""))
    if name == "pause":
        return App("pause", "/pause", pod_name=pod_name)
    if name in ("nginx", "nginx-unprivileged"):
        return App("nginx", "nginx: master process nginx -g daemon off;", (("tcp", 80),), NGINX_PAGE,
                   "nginx/1.27.5", pod_name=pod_name)
    args = list(container.get("command", [])) + list(container.get("args", []))
    if name == "agnhost":
        sub = next((a for a in args if not a.startswith("-") and not a.startswith("/")), "pause")
        if sub == "netexec":
            port = int(_flag(args, "http-port", "8080"))
            udp = int(_flag(args, "udp-port", "8081"))
            return App("agnhost", "/agnhost " + " ".join(args), (("tcp", port), ("udp", udp)), f"{pod_name}",
                       pod_name=pod_name)
        if sub == "serve-hostname":
            port = int(_flag(args, "port", "9376"))
            return App("agnhost", "/agnhost " + " ".join(args), (("tcp", port),), pod_name, pod_name=pod_name)
        return App("agnhost", "/agnhost " + " ".join(args), pod_name=pod_name)
    if name == "http-echo":
        text = _flag(args, "text", "hello-world").strip('"')
        listen = _flag(args, "listen", ":5678")
        return App("http-echo", "/http-echo " + " ".join(args), (("tcp", int(listen.rsplit(":", 1)[1])),),
                   text + "\n", pod_name=pod_name)
    if name in CONTROL_PLANE:
        return App(name, " ".join(args) or name, tuple(("tcp", port) for port in CONTROL_PLANE[name]),
                   '{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Forbidden","code":403}\n'
                   if name == "kube-apiserver" else "ok", pod_name=pod_name)
    if name == "coredns":
        return AnsweredElsewhere("coredns", "/coredns -conf /etc/coredns/Corefile",
                                 (("udp", 53), ("tcp", 53), ("tcp", 8080), ("tcp", 8181), ("tcp", 9153)),
                                 pod_name=pod_name)
    ports = tuple((p.get("protocol", "TCP").lower(), int(p["containerPort"])) for p in container.get("ports", [])
                  if "containerPort" in p)
    defaults = {"busybox": "sh", "alpine": "/bin/sh", "curl": "sleep infinity", "netshoot": "zsh"}
    command = " ".join(args) if args else defaults.get(name, f"/{name}")
    return App(name, command, ports, f"Hello from {pod_name}\n", pod_name=pod_name)
