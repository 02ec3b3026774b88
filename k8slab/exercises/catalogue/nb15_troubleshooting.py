"""Notebook 15 (troubleshooting lab): break/fix scenarios an instructor can hand out.

Each scenario is a ``task`` exercise whose ``setup`` builds a broken cluster and whose ``prompt``
is the symptom as a user would report it; ``k8slab.scenario(name)`` hands it out and its
``verify()`` is ``check()`` on that cluster. ``verify`` passes only when traffic works again,
decided by traces (the data plane), never by reading the objects.

Scenarios that need parts of the engine still being built are declared with ``pending`` (what
is missing): they are listed, and say "not available yet" instead of pretending.
"""

from __future__ import annotations

import re

from k8slab.exercises.model import Exercise, Misconception, Probe
from k8slab.exercises.tasks import reach

NOTEBOOK = "15-troubleshooting"
NETWORK_POLICY_PENDING = ("This scenario needs NetworkPolicy enforcement in the simulated cluster, which is still "
                          "being built; it is not available yet.")
KUBE_PROXY_PENDING = ("This scenario needs kube-proxy to come back when its pod is recreated (kubectl -n kube-system "
                      "delete pod, or a rollout restart of the kube-proxy DaemonSet): in the simulated cluster a "
                      "stopped kube-proxy cannot be started again yet, so the scenario could not be fixed; it is "
                      "not available yet.")


def _mtu_setup():
    """flannel (VXLAN), pod a on kind-worker, nginx in pod b on kind-worker2; then someone 'tuned'
    a's eth0 to the node's MTU, 1500, which leaves no room for the VXLAN headers."""
    from k8slab.cluster import flannel

    c = flannel(workers=2)
    for name, node, image in (("a", "kind-worker", "nicolaka/netshoot"), ("b", "kind-worker2", "nginx")):
        c.store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
                        "spec": {"nodeName": node, "containers": [{"name": name, "image": image}]}})
    c.settle()
    c.exec("pod/a", "ip link set dev eth0 mtu 1500")
    return c


def _mtu_probe(c) -> Probe:
    """A small request, then a full-size segment as TCP would send it (pod a's MTU minus 40 bytes
    of IP and TCP headers, DF set): both must reach nginx in b and be answered."""
    small = reach(c, "pod/a", "pod/b", 80, size=100)
    if not small.ok:
        return Probe(False, small.code, f"even a small request fails: {small.detail}")
    mtu = c.netns_of("pod/a").link("eth0").mtu
    big = reach(c, "pod/a", "pod/b", 80, size=mtu - 40)
    if not big.ok:
        return Probe(False, big.code, f"a full-size packet ({mtu} bytes, DF set) fails: {big.detail}")
    return Probe(True, "", f"small and full-size ({mtu}-byte) packets from pod/a reach pod/b and are answered")


# -- Services scenarios: a web Deployment (nginx), its Service, a client pod --------------------------------------

NGINX_PAGE_MARK = "Welcome to nginx!"   # what the web pods serve: the data plane says who answered
TRIES = 12                              # requests per verify: each picks an endpoint at random, as kube-proxy does


def _safe(probe):
    """A probe that reports what went wrong instead of raising (a Service or pod the learner deleted)."""
    import functools

    @functools.wraps(probe)
    def run(c) -> Probe:
        try:
            return probe(c)
        except Exception as e:  # noqa: BLE001 - the store's NotFound, a lookup error: say it, never a traceback
            return Probe(False, "error", str(e).strip("'\"") or type(e).__name__)

    return run


def _deployment(name: str, labels: dict, container: dict, replicas: int = 2) -> dict:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "labels": dict(labels)},
            "spec": {"replicas": replicas, "selector": {"matchLabels": dict(labels)},
                     "template": {"metadata": {"labels": dict(labels)}, "spec": {"containers": [container]}}}}


def _nginx(probe: bool = False) -> dict:
    c = {"name": "nginx", "image": "nginx:1.27", "ports": [{"name": "http", "containerPort": 80}]}
    if probe:
        c["readinessProbe"] = {"httpGet": {"path": "/", "port": 80}, "periodSeconds": 5, "failureThreshold": 3}
    return c


def _service(name: str, selector: dict, port: int = 80, target_port=80) -> dict:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
            "spec": {"selector": dict(selector), "ports": [{"name": "http", "port": port, "targetPort": target_port}]}}


def _client(name: str = "client", node: str = "kind-worker") -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {"run": name}},
            "spec": {"nodeName": node, "containers": [{"name": name, "image": "nicolaka/netshoot",
                                                       "command": ["sleep", "infinity"]}]}}


def _fresh_kind():
    """kind(workers=2): a new cluster for each scenario."""
    from k8slab.cluster import kind

    return kind(workers=2)


def _cluster(objects: list[dict]):
    c = _fresh_kind()
    c.apply(objects)
    c.advance(10)
    return c


def _curl(c, src: str, url: str) -> tuple[int, int | None, str, str]:
    """``curl -sS -v URL`` in ``src`` (names resolve by DNS packets, connections go through the node's
    rules): (exit code, HTTP status or None, body, curl's error line)."""
    from k8slab.cli.shell import run

    out, err, rc = run(c, src, f"curl -sS -v {url}")
    m = re.search(r"^< HTTP/\S+ (\d{3})", err, re.M)
    errors = [line for line in err.splitlines() if line.startswith(("curl:", "error:")) or "not found" in line]
    return rc, int(m.group(1)) if m else None, out, (errors[-1] if errors else err.strip()[:200])


def _why_refused(c, src: str, port: int = 80) -> str:
    """What a trace to the web Service says when the connection is refused: a REJECT rule (no endpoints)
    or a reset from the pod (nothing listens on the port the packet was sent to)."""
    try:
        return c.trace(src, "svc/web", port).reason
    except Exception as e:  # the Service may be gone: then curl's line is all there is
        return str(e).strip("'\"")


def _web_answers(c, src: str = "pod/client", url: str = "http://web", tries: int = TRIES) -> Probe:
    """``tries`` requests from ``src``: every one must get HTTP 200 with the web pods' page.

    Codes: ``no-client``, ``dns``, ``no-endpoints`` (refused at once by kube-proxy's REJECT rule),
    ``refused`` (a pod reset the connection: nothing listens there), ``timeout`` (no answer at all),
    ``http-error`` (an answer with a 4xx/5xx status), ``wrong-backend`` (some answers came from pods
    that are not the web server), ``failed``."""
    good, other = 0, ""
    for _ in range(tries):
        rc, status, body, err = _curl(c, src, url)
        if rc == 1 and status is None and not err.startswith("curl:"):
            return Probe(False, "no-client", err)
        if rc == 6:
            return Probe(False, "dns", err)
        if rc == 7:
            why = _why_refused(c, src)
            code = "no-endpoints" if "ICMP" in why else "refused"
            return Probe(False, code, f"{err.strip()} (the trace: {why})")
        if rc == 28:
            return Probe(False, "timeout", err.strip())
        if rc != 0 or status is None:
            return Probe(False, "failed", err.strip() or f"curl exited with {rc}")
        if status >= 400:
            return Probe(False, "http-error", f"the answer was HTTP {status}: {body.strip()[:80]}")
        if NGINX_PAGE_MARK in body:
            good += 1
        elif not other:
            other = body.strip()[:80]
    if good < tries:
        return Probe(False, "wrong-backend", f"{tries - good} of {tries} requests from {src} were answered by "
                                             f"something else than the web pods: {other!r}")
    return Probe(True, "", f"{tries} requests from {src} to {url} all got HTTP 200 and the web pods' page")


# wrong-selector: this morning's deploy moved the pods to the recommended labels; the Service still selects app=web.
SHOP = "app.kubernetes.io/part-of"
NAME = "app.kubernetes.io/name"


def _wrong_selector_setup():
    web = _deployment("web", {NAME: "web", SHOP: "shop"}, _nginx())
    api = _deployment("api", {NAME: "api", SHOP: "shop"},
                      {"name": "api", "image": "hashicorp/http-echo:1.0", "args": ["--listen=:80", "--text=shop api v1"],
                       "ports": [{"name": "http", "containerPort": 80}]})
    return _cluster([web, api, _service("web", {"app": "web"}), _service("api", {NAME: "api"}), _client()])


@_safe
def _wrong_selector_probe(c) -> Probe:
    got = _web_answers(c)
    if got.code == "wrong-backend" and "shop api" in got.detail:
        return Probe(False, "too-broad", got.detail)
    return got


# wrong-target-port: the Service sends to 8080, nginx listens on 80.
def _wrong_target_port_setup():
    return _cluster([_deployment("web", {"app": "web"}, _nginx()), _service("web", {"app": "web"}, 80, 8080),
                     _client()])


@_safe
def _wrong_target_port_probe(c) -> Probe:
    got = _web_answers(c)
    if got.code == "timeout":
        return Probe(False, "port-vs-targetport", got.detail)
    return got


# failing-readiness: the web program went bad overnight (answers 500), so its readiness probe fails.
def _failing_readiness_setup():
    c = _cluster([_deployment("web", {"app": "web"}, _nginx(probe=True)), _service("web", {"app": "web"}),
                  _client()])
    for pod in sorted(p["metadata"]["name"] for p in c.store.list("pods", "default", "app=web")):
        c.set_healthy(pod, False)
    c.advance(30)
    return c


@_safe
def _failing_readiness_probe(c) -> Probe:
    got = _web_answers(c)
    if got.code == "http-error":
        return Probe(False, "serves-unready", got.detail)
    return got


# kube-proxy-stopped: kube-proxy stopped on kind-worker2, then the web Service was created.
def _kube_proxy_stopped_setup():
    c = _fresh_kind()
    c.apply([_client("client-1", "kind-worker"), _client("client-2", "kind-worker2")])
    c.stop_kube_proxy("kind-worker2")
    c.apply([_deployment("web", {"app": "web"}, _nginx()), _service("web", {"app": "web"})])
    c.advance(10)
    return c


def _clients_on(c, node: str) -> list[str]:
    """The client pods running on ``node`` (where the requests are sent from, not what decides)."""
    return sorted(f"pod/{p['metadata']['name']}" for p in c.store.list("pods", "default", "run")
                  if p["spec"].get("nodeName") == node and p.get("status", {}).get("podIP"))


@_safe
def _kube_proxy_stopped_probe(c) -> Probe:
    """From every client pod on each worker, and from each worker node itself (its own traffic crosses
    the same rules): every request must get the web page."""
    for node in ("kind-worker", "kind-worker2"):
        sources = _clients_on(c, node)
        if node == "kind-worker2" and not sources:
            t = c.trace(node, "svc/web", 80)
            if t.verdict != "delivered":
                return Probe(False, "moved-client", f"no client pod runs on {node} any more, and {node} itself "
                                                    f"still cannot reach the web Service: {t.reason}")
        for src in sources + [node]:
            if src == node:
                t = c.trace(node, "svc/web", 80)
                if t.verdict != "delivered":
                    return Probe(False, f"{t.verdict}-from-node", f"from {node} itself: {t.verdict}: {t.reason}")
                continue
            got = _web_answers(c, src, tries=4)
            if not got.ok:
                return Probe(False, got.code, f"from {src} on {node}: {got.detail}")
    return Probe(True, "", "requests from the client pods and from both workers all get the web pods' page")


EXERCISES = [
    Exercise(
        id='15.mtu-overlay',
        kind='task',
        title='Big requests hang (flannel VXLAN)',
        prompt=(
            '“From pod a (on kind-worker) small requests to the web server in pod b (on kind-worker2) work fine, but '
            'anything big, an upload or a large POST, never gets through. Nothing changed on b.” The cluster runs '
            'flannel with VXLAN. Find out why and fix it, then run `verify()`.'
        ),
        hints=(
            (
                'Compare a small and a big packet: `print(cluster.trace("pod/a", "pod/b", 80, size=1000))` and with '
                '`size=1460`, then read where the big one stops.'
            ),
            (
                "VXLAN wraps every frame in 50 more bytes, so flannel.1's MTU is 50 less than the node's eth0. "
                'Compare `cluster.exec("pod/a", "ip link show eth0")` with `cluster.exec("kind-worker", "ip link '
                'show flannel.1")`, and with any other pod.'
            ),
            (
                'flanneld writes the MTU every pod should have into /run/flannel/subnet.env on each node. Give pod '
                "a's eth0 that MTU (`ip link set dev eth0 mtu ...` in the pod), or recreate the pod so the CNI "
                'plugin sets it.'
            ),
        ),
        solution=(
            'k8s1:3jtBXVHrnm34wpk2GBqLTNMuwYvGVoPGsKCCjQal4dTFmhL+zU2c+vAzprsBrtqgsA2WFTej56fSjKL7+DMrAHWtOF5UOfk'
            't9Vvtpuj15lsrcO/LfaAxksxDD8NxC4pxldexJz9lJ5zVrMoYT6AwmJzC6EhG8J6VKe2uJjPEMOEuagOX6ahztk9XYOy4rulQB1x'
            'SFEFnInK2TSuNr8DVFcZRb8unk7UUo/yWncWc8ymerJhEf2DjcV2MEvKIKLx0AkphglcPaLOdo05HipsTgZeyDW+Xw0G4YzZqKgT'
            'GvFxfX2b/8HPVLwNEnQkUTEtHWV/fdHYL/seVtMhh5m8g3vdqUi14n0V301X3z8b1LhSni43/McLYKm8y71qlkTPa2OJeJ7iBe+U'
            'SrjyeLQoKedvfYRV1IbOcU6LAV3oFCDLx7HPyw0Qk/mmle6iSZv6ws4dbLQENRvrUF5B08DgRF14FpguUlcCJ8GuL+NZ+cgf58ch'
            'rn3rKt3LLBSYNzLeimhX6rWJhWxFNiW+1V1K8mN4EkxprlXgzPFCyUp5fDBQWp9mKzXUicPdtwXrs+SQ4eQdwrlx6l/kCj+5dRUF'
            'KxWk/SwDGpzlm0uY='
        ),
        setup=_mtu_setup,
        probe=_mtu_probe,
    ),
    Exercise(
        id='15.wrong-selector',
        kind='task',
        title='curl http://web fails at once',
        prompt=(
            "“Since this morning's deploy, `curl http://web` from the client pod fails straight away: `curl: (7) "
            "Failed to connect to web port 80 after 0 ms: Couldn't connect to server`. The web pods are Running and "
            '1/1 Ready, and `curl http://api` still works.” Find out why and fix it, then run `verify()`.'
        ),
        misconceptions=(
            Misconception(
                name='too-broad',
                feedback=(
                    'The Service now has endpoints, but some answers come from the api pods: the label you selected '
                    'is carried by every pod of the shop, not only by the web pods. A selector must match the web '
                    'pods and nothing else.'
                ),
                example=(
                    'cluster.apply("""\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  '
                    'selector:\n    app.kubernetes.io/part-of: shop\n  ports:\n  - name: http\n    port: 80\n    '
                    'targetPort: 80\n""")\n'
                ),
            ),
        ),
        hints=(
            (
                'It fails at once instead of hanging: something on the way says no. Read where: '
                '`print(cluster.trace("pod/client", "svc/web", 80))`, the last rule before the verdict.'
            ),
            (
                'kube-proxy rejects connections to a Service that has no ready endpoints. Which pods does the '
                'Service pick? Compare `cluster.kubectl("get svc web -o wide")` (SELECTOR) with '
                '`cluster.kubectl("get pods --show-labels")`.'
            ),
            (
                'Give the Service a selector that matches the web pods and only them (a label only they carry), and '
                'apply the Service again with `cluster.apply(...)`.'
            ),
        ),
        solution=(
            'k8s1:jIhTy4FdGRFMzGsvFVpkg2zN46lxmYlTVZrPImRe3+F9s9qy54i7b75l9pt2zvadashf1Dlzv6d91i145YTgL7PXF5cT9RK'
            'MTVUEbqs7X72jejI8YobtFQa1sGvB0EZRAE5s3l9xPxryJ2HeSIQRqMQMVwdeBZatN6TUEoRW+Vt+L7P1umuy6GkoGDFay4hU5bl'
            '1ZAA+n/bVFSoFW6rPamoooyjjXQBaOkHGcx3LVc+cYRMpbNTpu5AVk+YRJ50qzlkwfydV64x3vk1T21uDYfWO+tT53rH3YB13cZQ'
            'A2YhjlxwpZSbQquTUTwavKQIbFwXraSfu3WwME5ADs1O2ZgyhxWAQ50TGFWFoFS1Ot7Hhttwb+sWe3ypLb9+E5Vdxpozh8FdCa7E'
            'aqCh9XGQDR9tCFdKarv6trbBz2GbTkh81fqH2rj0BZ2+ResGgIyOqPsVT/uOeZuXEEC/bS/W/SsdiV0NvW/4HAgPXEQr45vapj+D'
            '7iUBPNmj8y+QgD6j95xeCj3Gxv6muAfdkLw3SyYK570oU+A=='
        ),
        setup=_wrong_selector_setup,
        probe=_wrong_selector_probe,
    ),
    Exercise(
        id='15.wrong-target-port',
        kind='task',
        title='The Service refuses, the pods answer',
        prompt=(
            "“`curl http://web` from the client pod fails with `Couldn't connect to server`, yet `kubectl get "
            "endpointslices` lists both web pods, and curling a web pod's IP directly from the client pod returns "
            'the nginx page.” Find out why and fix it, then run `verify()`.'
        ),
        misconceptions=(
            Misconception(
                name='port-vs-targetport',
                feedback=(
                    'Now `curl http://web` hangs: the Service no longer listens on port 80 at its ClusterIP, so no '
                    'rule matches and the packet goes nowhere. `port` is the port clients use on the Service and '
                    'must stay as they call it; `targetPort` is the port in the pod.'
                ),
                example=(
                    'cluster.apply("""\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  '
                    'selector:\n    app: web\n  ports:\n  - name: http\n    port: 8080\n    targetPort: 80\n""")\n'
                ),
            ),
        ),
        hints=(
            (
                'Follow one connection: `print(cluster.trace("pod/client", "svc/web", 80))`. Which address and port '
                'does the DNAT rule send it to, and who answers there?'
            ),
            (
                "The Service's `port` is what clients connect to on the ClusterIP; its `targetPort` is where the "
                "packet goes in the pod. Compare the EndpointSlice's PORTS with the port nginx listens on "
                '(`cluster.exec("pod/client", "nc -zv <pod IP> <port>")`).'
            ),
            (
                'Keep `port: 80` and point `targetPort` at the port the web container listens on (its number or its '
                'name), then apply the Service again.'
            ),
        ),
        solution=(
            'k8s1:jis/nl2IS14UVN0MXIVSOwvl3yrt5lJKxWmjPknYHEpqDV44cdZTZXWF9F2S3llWACAsb/xAbCfX0/r8eVa+kXkx3sVaLDl'
            'yz9/M5omCM70iPzrepcOMfTzq7074pzTspLmdFGnasn4k0FqpU1a7AVqwFrQrBIbm+xDQ0JLLv9erxi22FAbKluoV4W7t3dVCgls'
            'hHgrLRkAkJGF0fRgGHrKSln8nJWxWrkgTpvpukcm1+IOS2vqQjJfM42+a0OAPWdrM1KUw+w0ICp1rC33xyiZ5ID74FrPoc5PhXke'
            'cBsSpZInh66SK11E25xlfeJtOudaDdBb6R+MuclaptU86yApc2DBsJE5QGqFeVtQ/GRgPTaK8LJxTQj1a8ki669Sl2ETDNvhQJyj'
            'DazAAIyQDu102uf8BjfkLKhn3HxGtcuqyaH/j1Ix17Wz7CNfMenEYAmorMzZ6ll79uV4+'
        ),
        setup=_wrong_target_port_setup,
        probe=_wrong_target_port_probe,
    ),
    Exercise(
        id='15.failing-readiness',
        kind='task',
        title='Pods Running but not Ready',
        prompt=(
            '“Overnight the web pods went to 0/1 READY, although they are still Running and nobody deployed '
            "anything. `curl http://web` from the client pod now fails at once with `Couldn't connect to server`.” "
            'Find out why and fix it, then run `verify()`.'
        ),
        misconceptions=(
            Misconception(
                name='serves-unready',
                feedback=(
                    'Now the requests reach the pods, and the pods answer with an error: sending traffic to pods '
                    'that are not ready (publishNotReadyAddresses) shows the fault to the users instead of fixing '
                    'it. Find why the probe fails and fix that.'
                ),
                example=(
                    'cluster.apply("""\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  '
                    'publishNotReadyAddresses: true\n  selector:\n    app: web\n  ports:\n  - name: http\n    port: '
                    '80\n    targetPort: 80\n""")\n'
                ),
            ),
        ),
        hints=(
            (
                'READY 0/1 means the readiness probe fails, and a pod that is not ready is not an endpoint: '
                '`cluster.kubectl("get endpointslices -o yaml")` shows the conditions, `cluster.kubectl("describe '
                'pod ...")` the probe.'
            ),
            (
                "Ask a web pod what its probe asks it: curl the pod's IP directly from the client pod "
                '(`cluster.exec("pod/client", "curl -sv http://<pod IP>/")`). Is the probe wrong, or the program?'
            ),
            (
                'The probe is right: the program answers with an error. Replace the wedged containers (a rollout '
                'restart of the Deployment, or deleting the pods) and wait until they are 1/1.'
            ),
        ),
        solution=(
            'k8s1:AAmY9alQC2+rayG+wy5FFUiGym1mnLYDRKfWT5mVQDVOG1ioCb1pcaZ+iu62Y7DqkWQ8HmQR4T21JvfxkedgsaJtYp7sko3'
            'OBI+FzRyqtkC1TtSayECwf9mUa5h4yNs0ardCy9ofxVmhpGeyjkkYyav8bZvsmEfXXiGb/e5paWFvXiUK6xNZz0Y2gjzxxXqP4cl'
            'jmzhrsVnc2oWW/kmRqsbsVW6dg+aP/4Hp8zp5DU94+v41+5yGNmJQumzlsEZd09N4mgVMRGuQjiB/vyOZ7mr6UHYVknp+Ze7UCbh'
            '/sv4m18GAQFCQAYNz8r/W01LRWaMaNortOUrFwtmnWKKpvOnKDoil2gv6ZpADVGvFTmvy4mtHwlNyMcKkyTQ4vtYOF3lAJDqSM3R'
            '1ApxA/5TR8Dz1F4ZqHfxTeBFfcWW1OC8='
        ),
        setup=_failing_readiness_setup,
        probe=_failing_readiness_probe,
    ),
    Exercise(
        id='15.kube-proxy-stopped',
        kind='task',
        title='Works from some nodes only',
        prompt=(
            '“We created the web Service this morning. `curl http://web` works from client-1 on kind-worker, but '
            'from client-2 on kind-worker2 the same command hangs until it times out.” Find out why and fix it, then '
            'run `verify()`.'
        ),
        misconceptions=(
            Misconception(
                name='moved-client',
                feedback=(
                    'Moving the client off kind-worker2 hides the fault, it does not fix it: kind-worker2 still has '
                    'no rules for the web Service, so any pod scheduled there (and the node itself) still cannot '
                    'reach it.'
                ),
                example=(
                    'print(cluster.kubectl("delete pod client-2"))\ncluster.apply("""\napiVersion: v1\nkind: '
                    'Pod\nmetadata:\n  name: client-2\n  labels:\n    run: client-2\nspec:\n  nodeName: '
                    'kind-worker\n  containers:\n  - name: client-2\n    image: nicolaka/netshoot\n    command: '
                    '[sleep, infinity]\n""")\n'
                ),
            ),
        ),
        hints=(
            (
                'Trace the same request from both clients: `print(cluster.trace("pod/client-2", "svc/web", 80))`. On '
                'kind-worker2, does any rule rewrite the ClusterIP?'
            ),
            (
                'Every node gets its Service rules from its own kube-proxy. Compare `cluster.exec("kind-worker", '
                '"iptables-save -t nat | grep web")` with the same on kind-worker2.'
            ),
            (
                'kube-proxy on kind-worker2 is not programming new Services. Restart it: delete the kube-proxy pod '
                'on that node (`-n kube-system`, label k8s-app=kube-proxy) and let the DaemonSet start a new one.'
            ),
        ),
        solution=(
            'k8s1:DiQjE4V20hdasVDb9mSmVRvlFKIrREvssjJf1AZ7dvvLUr3i6g1NUhGubNl6Qm0NDkW3gtAj6gqtODQkL/FnwKvRofiBvbI'
            'XvW8/AA82hgzz4rBMkAU0WwaNaejV5kBKj+VtNzWmuSca9RbEvzAyPpJxouEhHPznW5CIJN05eP2+8tK5VCbRH+4+/RVBwXh4UaN'
            '/5oGsB3As2HFVfMren+vZ9j96U6NW5845Rp2ImKWgN0a0mdId49vXbpQ2JBcvTQXRUXNVEbEOBBc4VUs3aktrxN4w/XrvyFcFvv/'
            'GoFkj09VOJ+aouql9P9bqnO+enC+s6Z3FUIge7Bu6RSXZl6MDbudUKgdinjr+jkmw3x2GuLv/mNWrOvEs0YwmR2qSNwMbTuFChMV'
            'ee5yONl0kd+qAJMSGKghvgNiQqyNLoROW5T2Bos2DemRfLu04pPaR/QM0ZVcqUx16j0KyLtiqe0UeQQ9R89GMzEG6gg=='
        ),
        setup=_kube_proxy_stopped_setup,
        probe=_kube_proxy_stopped_probe,
    ),
    Exercise(
        id="15.policy-blocks-dns",
        kind="task",
        title="Names do not resolve",
        prompt="“After we added a NetworkPolicy to the app namespace, every request fails with 'Could not "
               "resolve host', but curling IPs works.”",
        pending=NETWORK_POLICY_PENDING,
    ),
]
