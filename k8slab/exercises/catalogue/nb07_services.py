"""Notebook 07 (Services and EndpointSlices): selectors, port/targetPort, readiness, the Service
range, headless Services.

Answers are salted hashes and solutions obfuscated (``python -m k8slab.exercises.author render``;
see ``k8slab/exercises/README.md``). The helpers say how to look: the data plane (kube-proxy's
rules, traces) wherever it can answer.
"""

from __future__ import annotations

import json
import re

from k8slab.exercises.model import Exercise, Misconception, Probe
from k8slab.exercises.tasks import reach

NOTEBOOK = "07-services"

# The notebook's manifests, as its cells apply them.
WEB = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: registry.k8s.io/e2e-test-images/agnhost:2.53
        args: ["netexec", "--http-port=8080"]
        ports:
        - name: http
          containerPort: 8080
        readinessProbe:
          httpGet:
            path: /healthz
            port: http
          periodSeconds: 5
---
apiVersion: v1
kind: Pod
metadata:
  name: client
spec:
  nodeName: kind-worker
  containers:
  - name: shell
    image: nicolaka/netshoot
    command: ["sleep", "infinity"]
"""

WEB_SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: http
"""

API = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 2
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
    spec:
      containers:
      - name: api
        image: registry.k8s.io/e2e-test-images/agnhost:2.53
        args: ["netexec", "--http-port=8080"]
        ports:
        - name: http
          containerPort: 8080
"""


def _api_service(selector: str = "app: api-server", target: str = "8080") -> str:
    return ("apiVersion: v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  selector:\n"
            f"    {selector}\n  ports:\n  - port: 80\n    targetPort: {target}\n")


def _web_cluster():
    from k8slab.cluster import kind

    c = kind(workers=2)
    c.apply(WEB)
    c.advance(10)
    c.apply(WEB_SERVICE)
    return c


def _web_pods(c) -> list[str]:
    return sorted(p["metadata"]["name"] for p in c.store.list("pods", "default")
                  if p["metadata"].get("labels", {}).get("app") == "web")


def _web_one_unready():
    c = _web_cluster()
    c.set_healthy(_web_pods(c)[0], False)
    return c


def _broken_api():
    c = _web_cluster()
    c.apply(API)
    c.apply(_api_service())
    c.advance(5)
    return c


def _service_range(c) -> str:
    out = c.kubectl("get pod kube-apiserver-kind-control-plane -n kube-system "
                    "-o jsonpath='{.spec.containers[0].command}'")
    flags = json.loads(out)
    return next(f.split("=", 1)[1] for f in flags if f.startswith("--service-cluster-ip-range="))


def _dnat_targets(c) -> list[str]:
    """The ip:port kube-proxy on kind-worker DNATs web's connections to."""
    rules = c.exec("kind-worker", "iptables-save -t nat")
    return re.findall(r'--comment "default/web" .*-j DNAT --to-destination (\S+)', rules)


def _dnat_port(c) -> str:
    return sorted({t.rsplit(":", 1)[1] for t in _dnat_targets(c)})[0]


def _dnat_port_choice(c) -> str:
    """The option letter whose number is the port kube-proxy DNATs to."""
    return {"80": "a", "8080": "c"}.get(_dnat_port(c), "d")


def _web_endpoints_in_rules(c) -> str:
    return str(len(set(_dnat_targets(c))))


def _api_probe(c) -> Probe:
    probe = reach(c, "pod/client", "svc/api", None)
    if probe.ok:
        return probe
    t = c.trace("pod/client", "svc/api", 80)
    if "port-unreachable" in t.reason:
        return Probe(False, "no-endpoints", f"{t.verdict}: {t.reason}")
    if "nothing listens" in t.reason:
        return Probe(False, "wrong-target-port", f"{t.verdict}: {t.reason}")
    return probe


EXERCISES = [
    Exercise(
        id='07.service-cidr',
        kind='value',
        title='The range ClusterIPs come from',
        prompt=(
            'From which range does the API server take ClusterIPs in this cluster? Answer in CIDR form, like '
            '192.0.2.0/24.'
        ),
        normaliser='cidr',
        salt='8ad6eb417d9f4fd8',
        answers=(
            '56183947c1f303471c858625f651a6bde1c9bd2ef01f3189d8fc29d508e4d272',
        ),
        misconceptions=(
            Misconception(
                name='pod-cidr',
                feedback=(
                    "That is the pod network (kube-controller-manager's --cluster-cidr), where pod IPs come from. "
                    "Services are numbered from a separate range so that no ClusterIP can ever be a pod's address."
                ),
                answers=(
                    '5a840a1380bc39e9991c1d0be1c054e3d2d5ccd97c2f006488b8e2c110004e1a',
                ),
            ),
            Misconception(
                name='node-network',
                feedback=(
                    'That is the docker network the nodes sit on. ClusterIPs belong to no network at all; they come '
                    'from a range the API server keeps for Services.'
                ),
                answers=(
                    '706cb628a5aaceb7263b70cc0e474431246d69d6938e0b9b52b202febdec8f20',
                ),
            ),
            Misconception(
                name='builtin-default',
                feedback=(
                    "That is a default you may have seen elsewhere (kube-apiserver's own, or kubeadm's). kind passes "
                    'its own range; read the flag the API server in this cluster runs with.'
                ),
                answers=(
                    'cc333cd773bd18eb39b144a5bb814201a48e0612c33c8df762c69f945c465f2e',
                    '25c88b5314f7640d65aa92542e6aeb571151024531060d8e5ed773c1820f00d0',
                ),
            ),
        ),
        hints=(
            'The API server hands out ClusterIPs, from a range given on its command line.',
            (
                '`%kubectl get pod kube-apiserver-kind-control-plane -n kube-system -o '
                "jsonpath='{.spec.containers[0].command}'` shows the flags."
            ),
            'Look for the flag whose name contains service-cluster-ip-range.',
        ),
        solution=(
            'k8s1:q1zN0ENIXNpLsCzzR7ZQh192Y/3ypOlYKDSwqzqFu7OrrvzMCJB9L7ZOV1KdeVLXCenUVd+V9kI0FrBLwbv0w5oNgulZVw1'
            'ug7ezQnEmFJF9AaVE/hcX5Xh+D4RH6gfcJ1RjGa/NS4LOaHoHjazZZ/74/Go8CCVeCi1RpyJeRutn5bw/TFyc1eL65zYyVRwGrwm'
            'Mfpcagy89JltigpK0dhGJMC5l'
        ),
        observe=_service_range,
    ),
    Exercise(
        id='07.endpoint-port',
        kind='choice',
        title="The port in web's EndpointSlice",
        prompt=(
            'The Service web says `port: 80, targetPort: http`. Which port does its EndpointSlice list for the pods?'
        ),
        normaliser='choice',
        options=(
            "80: the Service's port",
            'http: the name, as the Service gives it',
            '8080: the number of the container port named http',
            'none: ports are only kept in the Service',
        ),
        salt='423c633825d6a002',
        answers=(
            '8fc1cd31844e0ac2a12ff91f9768972e28ed1ef9c2e7084b897207ce16eb5591',
        ),
        misconceptions=(
            Misconception(
                name='service-port',
                feedback=(
                    "80 is the Service's port, the one clients connect to on the ClusterIP. The EndpointSlice lists "
                    'where the pods themselves listen, the targetPort resolved in each pod.'
                ),
                answers=(
                    '9119ff6decf025222a60a49fdb280df218ad8e4ca83d011bb1633e885b727663',
                ),
            ),
            Misconception(
                name='name-not-resolved',
                feedback=(
                    'The name is resolved, pod by pod, to a number; kube-proxy needs a number to write its DNAT rule.'
                ),
                answers=(
                    'a80657819af438e79d8e63aac66f9617522476b9d84c25ffb44a287530564ea0',
                ),
            ),
            Misconception(
                name='no-ports',
                feedback=(
                    'Every EndpointSlice carries a ports list; that is how kube-proxy knows which port to rewrite '
                    'the destination to.'
                ),
                answers=(
                    '65d1f60aa5f708e6a570162601e3fccd509700173f7eb39060bb80c18b94e7b7',
                ),
            ),
        ),
        hints=(
            "A named targetPort is looked up in each pod's container ports.",
            '`%kubectl get endpointslices -l kubernetes.io/service-name=web` has a PORTS column.',
        ),
        solution=(
            'k8s1:uvCs4eO/jdGX98x2A+8pzqBJ3i22OGTc67AMamT0/cDNWw21OZ4CnXZm9gde/qJ52/Q3DmilYxbWbGMK3P0tTgeyhJ1FI04'
            'narUaIzNR0XJzKYC9p1h8KnAvkRO5C2iiTbpXdypV548GisBOPpI5mdiByYqQoG3iLyKeLft7gLwZUwrRbOYRhBwhKf+pMGOpCXI'
            'kx70aeOB8zXK4NSyeiH6Xx2sFSWUF2QrzqG7GDp2TD4bK2H7b0iz+d3s7LBA+KdI='
        ),
        observe=_dnat_port_choice,
        setup=_web_cluster,
    ),
    Exercise(
        id='07.ready-count',
        kind='prediction',
        title='How many pods get traffic after a readiness failure',
        prompt=(
            "One of web's three pods now fails its readiness probe; it keeps Running. Across how many pods will "
            'connections to the Service web be spread? Predict, then look.'
        ),
        normaliser='count',
        salt='26b211ebff53b73c',
        answers=(
            'ca2f8bd859fd6978530b01af0a63e57518a14cb99bbe330b80236fefa64a94fc',
        ),
        misconceptions=(
            Misconception(
                name='running-is-enough',
                feedback=(
                    'Running only says the containers are up. Services send traffic to Ready pods: the failing probe '
                    "sets the endpoint's condition to ready=false, and kube-proxy leaves it out."
                ),
                answers=(
                    'b67a0d2576f57ba48aa1547366ed31b38dcab51f2dc1065dc99dbc13b7aa53ee',
                ),
            ),
            Misconception(
                name='all-or-nothing',
                feedback=(
                    "One pod failing its probe does not take the whole Service down; only that pod's endpoint is "
                    'left out.'
                ),
                answers=(
                    '6f148abf9234fc40fbd508c0a41edfc18a5357c5a9234b0134b69ae9d00cc1d1',
                ),
            ),
        ),
        hints=(
            (
                '`%kubectl get pods -l app=web` shows the READY column; the EndpointSlice has a ready condition per '
                'endpoint.'
            ),
            (
                'kube-proxy turns ready endpoints into rules; send a few traces to the Service and collect '
                '`t.endpoint`.'
            ),
        ),
        solution=(
            'k8s1:xo53hebOINpKs3SY68DGqmaUtK8hpzfG7p60xjrk53icMKheNHSslwjkku6jgCzmTHUc8kieWgncKWnrHbLNkFU3NgrO/JT'
            '3dLZtok0FaVtn7hgb+NZQuzodvbBHfXYt491Qnk7oLg+NHCs2SKpYfvmYBd5lp2VCWy0XUHvbW3Adu0n89WWBGNeMRuL5j7+6tZ1'
            '3e7S+X2OGkf4d3GRkQs2tPtEte9iT'
        ),
        observe=_web_endpoints_in_rules,
        setup=_web_one_unready,
    ),
    Exercise(
        id='07.quiz-headless',
        kind='choice',
        title='Reaching the pods of a headless Service',
        prompt="A Service `db` has `clusterIP: None` (headless). How does a client in the cluster reach db's pods?",
        normaliser='choice',
        options=(
            "through db's ClusterIP, which kube-proxy spreads over the pods",
            'through a port kube-proxy opens on every node',
            "directly at the pods' own IPs: the cluster DNS answers the Service's name with them",
            'it cannot; a Service without a ClusterIP has no endpoints',
        ),
        salt='51f72f68755890c9',
        answers=(
            '15351d81f9fe43e8616b9d886fb1061e56a27e41752bed80e571c6431d4eb70a',
        ),
        misconceptions=(
            Misconception(
                name='headless-has-vip',
                feedback=(
                    'Headless means exactly that there is no ClusterIP: `kubectl get svc` shows None, and kube-proxy '
                    'writes nothing for it.'
                ),
                answers=(
                    '9c5e1cdf1986d7b1ae4e51e7af63c7190f9709ccd84fd990941e4d3de1738de0',
                ),
            ),
            Misconception(
                name='nodeport',
                feedback=(
                    'That is a NodePort Service (notebook 11), a different type. A headless Service opens nothing on '
                    'the nodes.'
                ),
                answers=(
                    '8f8b084713c80571cc57916acd61515368f41fc858f78d29304d71f3431fe9bf',
                ),
            ),
            Misconception(
                name='no-endpoints',
                feedback=(
                    'The selector still works and the EndpointSlice still lists the pods; only the virtual IP is '
                    'missing.'
                ),
                answers=(
                    '9b60ede9826aa391e1b0dfd13b4f1e408edcc67e097b89d87487e5c08ad7d75b',
                ),
            ),
        ),
        hints=(
            (
                "Compare `kubectl get endpointslices` for web and web-headless, and grep kind-worker's iptables-save "
                'for each.'
            ),
            'What is left for a client to use, if there is no virtual IP but there is a list of pod addresses?',
        ),
        solution=(
            'k8s1:u419stfgZPVZD5Z44CZc3klI1AkEbFGKJpILDiKLRFb0uDIr5Rb9r0XPN5/aigBAnaYWkGI5MFUiagG2wkmJwtUXeeIPE6u'
            'w2c9pJRbFFtspIvijF4sZbo0L+WvFBcRS81msgIgunVbVTmpHs+riVlXgmzId1s2BX3pMhlTnRl2CPf7GnfYpOghNZf2xoTt7PKq'
            't1aP8fvJElQzFZJkdZ37d6naId7+kaGiqtMdJ3lKo8iZdegoAc/A9FrLKxlIXfgAW3gtzK21Y+Rqkj8FY70BjhW/npdDJjuNb'
        ),
    ),
    Exercise(
        id='07.fix-api-service',
        kind='task',
        title='Make the api Service reach its pods',
        prompt=(
            'The Service `api` does not reach the two api pods: the client gets Connection refused. Fix the Service '
            '(not the Deployment) so that `client` reaches the api pods through `svc/api` on port 80, then '
            '`check("07.fix-api-service", cluster=cluster)`.'
        ),
        misconceptions=(
            Misconception(
                name='no-endpoints',
                feedback=(
                    'The Service still selects no pods, so it has no endpoints and kube-proxy rejects connections to '
                    'it. Its selector must match the labels the api pods really carry (`kubectl get pods '
                    '--show-labels`).'
                ),
                example="cluster.apply(_api_service(selector='tier: api', target='http'))",
            ),
            Misconception(
                name='wrong-target-port',
                feedback=(
                    'The Service now finds the pods, but sends the connection to a port where nothing listens. The '
                    "targetPort must be the port the api container serves on (its containerPort, or that port's "
                    'name).'
                ),
                example="cluster.apply(_api_service(selector='app: api', target='80'))",
            ),
        ),
        hints=(
            (
                '`%kubectl get endpointslices -l kubernetes.io/service-name=api`: an empty slice means the selector '
                'matches no pod.'
            ),
            (
                "`%kubectl get pods --show-labels` and `%kubectl describe svc api`, then compare the Service's "
                "Selector with the pods' labels."
            ),
            (
                'Re-apply the Service with `%%kubectl apply -f -` and a corrected selector; check the targetPort '
                "against the container's ports too."
            ),
        ),
        solution=(
            'k8s1:Tvh5Z8BdxIqnKEyiHRbTBzetTv44Zc+oz19CYl8AZdKQND8neh/EQS52mX+OCIYJZVnt4dxkIyJJhmCTD7WcLjQEb11UD2z'
            'XryBU/PkQowA9gH1i4Rwj3Fzmbc8ihWDeMVnfpiBYs8nZRlia463sm5pV+hhevq0QM1GNRJ8ZVbrS6R8mhuaI9aE5jXwjX0cQFIR'
            'znr/hc5+gmZzk0kRYoV7YTOcqWHlnwS5XxVTJ1j5ZsvueHFE='
        ),
        setup=_broken_api,
        probe=_api_probe,
    ),
]
