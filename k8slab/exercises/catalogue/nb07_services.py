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
        salt='f28acf37c0ba8463',
        answers=(
            '4b52d24ccb734c1a4e377ffa442420f620766e26703189d38564a54563438300',
        ),
        misconceptions=(
            Misconception(
                name='pod-cidr',
                feedback=(
                    "That is the pod network (kube-controller-manager's --cluster-cidr), where pod IPs come from. "
                    "Services are numbered from a separate range so that no ClusterIP can ever be a pod's address."
                ),
                answers=(
                    'fbd38965f26559d22b0db73c93553d85a52f7ada53efe60c2973eeaf62ef62b6',
                ),
            ),
            Misconception(
                name='node-network',
                feedback=(
                    'That is the docker network the nodes sit on. ClusterIPs belong to no network at all; they come '
                    'from a range the API server keeps for Services.'
                ),
                answers=(
                    '062365c33cc65afd06da395d6c57d0afa93b38c5bb60f1e513bdf139b293dbf6',
                ),
            ),
            Misconception(
                name='builtin-default',
                feedback=(
                    "That is a default you may have seen elsewhere (kube-apiserver's own, or kubeadm's). kind passes "
                    'its own range; read the flag the API server in this cluster runs with.'
                ),
                answers=(
                    'c04920d5205f98e335df62df91cd9c5d3ae1b31bbd13eb551bd2647de921ec4f',
                    'f147ced5f54a701478df357b288511bdcdc0609c5ea7cfe9ce12b0fcebc45896',
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
        kind='value',
        title="The port in web's EndpointSlice",
        prompt=(
            'The Service web says `port 80, targetPort http`. Which port number does its EndpointSlice list for the '
            'pods?'
        ),
        normaliser='port',
        salt='9aa8f9bfd56c9a10',
        answers=(
            '2b6b980d6659e8307e8ec47071467f67560414abc54aa1a89b28841a7fb80d9f',
        ),
        misconceptions=(
            Misconception(
                name='service-port',
                feedback=(
                    "80 is the Service's port, the one clients connect to on the ClusterIP. The EndpointSlice lists "
                    'where the pods themselves listen, the targetPort resolved in each pod.'
                ),
                answers=(
                    'ee3fce10a5ad8af070467ef9b8b6de5c0e406602a11508e8d47188f307850a01',
                ),
            ),
        ),
        hints=(
            "A named targetPort is looked up in each pod's container ports.",
            '`%kubectl get endpointslices -l kubernetes.io/service-name=web` has a PORTS column.',
        ),
        solution=(
            'k8s1:uvD04W+bjdGXNhxRnj53LILK6P+TcWjRDYPuVoU6QZEpTASigITzkC0e6x1UaDLOUHlXEI0gp2no43mmAB8eqbWn5Dg0gZI'
            'ctrnSFsvQJrktgZOmyCy7WqF+MAlzzsThy7iOWuZ2aaCTRL/0KVvKpWdj+CiIOUFrswYowaB6sFFrgl5RMT8WECfmWdVP0c5bXc7'
            'b7y66Tdi0xHis9eoHFOVGDLTbNf4T2hbOJvUfBYNovo1NlJNiEDL8elFOXvKlAii5JNk='
        ),
        observe=_dnat_port,
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
        salt='5790ef083b20ed3c',
        answers=(
            '34d8dad982868812b228de174735d17d51e45f483a5fdb14923b55d7917ed7ee',
        ),
        misconceptions=(
            Misconception(
                name='running-is-enough',
                feedback=(
                    'Running only says the containers are up. Services send traffic to Ready pods: the failing probe '
                    "sets the endpoint's condition to ready=false, and kube-proxy leaves it out."
                ),
                answers=(
                    'e4d7677d9cd917d06b78c80457a94b6a9167407ee23e5794d012b3adb6562bd6',
                ),
            ),
            Misconception(
                name='all-or-nothing',
                feedback=(
                    "One pod failing its probe does not take the whole Service down; only that pod's endpoint is "
                    'left out.'
                ),
                answers=(
                    '438638e22ed9434ab2ffbac779629785fc9acb7c79a229f59c229900b32c2d14',
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
        salt='c1daa10cfa846c1c',
        answers=(
            'c4f1ab6b0d5f5bdc9813f99b0f9fb1e8fd7caf3ddefd9cc506148f3658f6b9e3',
        ),
        misconceptions=(
            Misconception(
                name='headless-has-vip',
                feedback=(
                    'Headless means exactly that there is no ClusterIP: `kubectl get svc` shows None, and kube-proxy '
                    'writes nothing for it.'
                ),
                answers=(
                    'e8014492d4d27c10b47253eedc273b2032c94cc16ea1459687d868f10dda7cbb',
                ),
            ),
            Misconception(
                name='nodeport',
                feedback=(
                    'That is a NodePort Service (notebook 11), a different type. A headless Service opens nothing on '
                    'the nodes.'
                ),
                answers=(
                    'e377bcaec86f2ad57c4969e8670d8d9fa193f923e7d3f57ebded9b30f5f5304c',
                ),
            ),
            Misconception(
                name='no-endpoints',
                feedback=(
                    'The selector still works and the EndpointSlice still lists the pods; only the virtual IP is '
                    'missing.'
                ),
                answers=(
                    '73171166cf8fe25684f239ae0cb9b3d3b12ec662be446c02ffbffb793ae17349',
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
