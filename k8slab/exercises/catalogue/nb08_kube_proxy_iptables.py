"""Notebook 08 (kube-proxy, iptables mode): the ClusterIP as a netfilter target, KUBE-SERVICES ->
KUBE-SVC -> KUBE-SEP, the random probabilities, DNAT, conntrack and masquerade.

Answers are salted hashes and solutions obfuscated (``python -m k8slab.exercises.author render``;
see ``k8slab/exercises/README.md``). The helpers read the nodes' own tables and traces.
"""

from __future__ import annotations

import re

from k8slab.exercises.catalogue.nb07_services import WEB, WEB_SERVICE
from k8slab.exercises.model import Exercise, Misconception, Probe
from k8slab.exercises.tasks import reach

NOTEBOOK = "08-kube-proxy-iptables"


def _alt_service(selector: str = "app: web", target: str = "http") -> str:
    return ("apiVersion: v1\nkind: Service\nmetadata:\n  name: web-alt\nspec:\n  selector:\n"
            f"    {selector}\n  ports:\n  - port: 9090\n    targetPort: {target}\n")


def _cluster():
    """The notebook's cluster: three web pods, a client on kind-worker, the Service web."""
    from k8slab.cluster import kind

    c = kind(workers=2)
    c.apply(WEB)
    c.advance(10)
    c.apply(WEB_SERVICE)
    return c


def _cluster_four():
    c = _cluster()
    c.kubectl("scale deployment web --replicas=4")
    c.advance(10)
    return c


def _web_ip(c) -> str:
    return c.kubectl("get svc web -o jsonpath='{.spec.clusterIP}'").strip()


def _route_get_via(c) -> str:
    return re.search(r" via (\S+)", c.exec("kind-worker", f"ip route get {_web_ip(c)}")).group(1)


def _svc_chain(c) -> str:
    t = c.trace("pod/client", "svc/web", 80)
    hop = next(h for h in t.hops if h.stage == "netfilter" and "DNAT" in h.what)
    return re.search(r"jump to (KUBE-SVC-\w+)", hop.what).group(1)


def _second_probability(c) -> str:
    rules = c.exec("kind-worker", "iptables-save -t nat")
    probs = re.findall(r'--comment "default/web -> [^"]+" -m statistic --mode random --probability (\S+)', rules)
    return probs[1]


def _mark_chain(c) -> str:
    rules = c.exec("kind-worker", "iptables-save -t nat")
    return re.search(r"^-A (\S+) -j MARK --set-xmark 0x4000/0x4000$", rules, re.M).group(1)


def _alt_probe(c) -> Probe:
    """client -> svc/web-alt:9090 must reach a web pod and get its answer (the trace decides)."""
    probe = reach(c, "pod/client", "svc/web-alt", None)
    if probe.code == "no-destination":
        return probe
    t = c.trace("pod/client", "svc/web-alt", 9090)
    if "port-unreachable" in t.reason:
        return Probe(False, "no-endpoints", f"{t.verdict}: {t.reason}")
    if t.verdict != "delivered":
        return Probe(False, "refused" if "refused" in t.reason.lower() else t.verdict, f"{t.verdict}: {t.reason}")
    if t.reply is None or t.reply.verdict != "delivered" or "refused" in t.reply.reason.lower():
        return Probe(False, "no-reply", "the answer did not get back")
    return Probe(True, "", f"pod/client reached {t.endpoint} through svc/web-alt:9090")


EXERCISES = [
    Exercise(
        id='08.route-without-rules',
        kind='value',
        title='Where the routing table alone would send a ClusterIP',
        prompt=(
            "Ask kind-worker's routing table (not netfilter) about web's ClusterIP. Which next hop would it pick?"
        ),
        normaliser='ip',
        salt='dbd6610462a47f81',
        answers=(
            'c7144915477a06e8d23b12aa66bed4678ee4958a7123d1fd26bfd628ec94237a',
        ),
        misconceptions=(
            Misconception(
                name='vip-on-interface',
                feedback=(
                    'Those are Service addresses; no interface on the node holds any ClusterIP, so routing cannot '
                    'deliver to one locally or use one as a gateway.'
                ),
                answers=(
                    '82b0e47868782537e0ba1dab65eac785e0eba27a5f056a20d765ba1eea520557',
                    'a86509a97fa083bc8868006a8f07c7df382b21b1af17199adcbdadfe2674763e',
                ),
            ),
            Misconception(
                name='pod-after-dnat',
                feedback=(
                    "That is where the packet goes after kube-proxy's DNAT has rewritten it. The question asks what "
                    'routing alone does with the untranslated ClusterIP.'
                ),
                answers=(
                    'bb4b3cb5a396e8ab6374eb88a55127e90ce7c0b1ff57b7d889da37be14a2b9a4',
                    '4824f1fbaeb240ddd57d8bd20c0d6574b8d19b78d611ca7cc444e8acf619f8bb',
                    'ea296b3d6358de81c10ad231629d613f37f22520c67bb3896ef727cee6661cf6',
                    '04fb26fcb7c21b89adcf49d4cbd48d3747aba6dfb9199e455c4d07f11aa87b5c',
                ),
            ),
        ),
        hints=(
            '`ip route get ADDRESS` on the node shows the route the kernel would use.',
            'Which line of `%docker exec kind-worker ip route` matches 10.96.x.x? Only one does.',
        ),
        solution=(
            'k8s1:ulCgq0uWlYuBmLuWeYg4uquWHxTJkt1GDNiUqyFlKCv3fO+xDZwL6xYvfCcKuXdoN/B3YJQoSORMxtVTUcO7x5BO8BsMl9V'
            'V/VwRiOCyEpMPzyNeRDscx56rTHm2Mp+Cvo1pzJl/k8CtzaxjUbymbRBgjT9/U7U5sGDf+t6ZGqkciHl+p0s2a58FrlqWPp/BQK/'
            'l3cLMc1Mq6Gs/zmQ7JmsUad+DD0opislwGDDXVlJ9Dg8ntHP2FELNb46gDgLguiqqOoKwQkZH/4W7R3z/9Z4jgv0vudRt9dBTY4m'
            'N'
        ),
        observe=_route_get_via,
        setup=_cluster,
    ),
    Exercise(
        id='08.svc-chain',
        kind='value',
        title='The chain for web',
        prompt=(
            "Read kind-worker's `iptables-save -t nat`. A TCP packet from client to web's ClusterIP on port 80 "
            'reaches KUBE-SERVICES. To which chain does KUBE-SERVICES send it?'
        ),
        normaliser='chain',
        salt='393515142e0b0ee5',
        answers=(
            'fb7a4e644bfa3a466e20781989d31cd01dc9161c084cef89d61f66ac24da4e1d',
        ),
        misconceptions=(
            Misconception(
                name='kubernetes-service',
                feedback=(
                    "That is the chain of the kubernetes Service (the API server, port 443). Match the rule's -d "
                    "address and --dport against web's ClusterIP and port."
                ),
                answers=(
                    '38ac7772d29f42f9d4a4debfc7f09f3f8ab8e47631e3cae9fd95357f10a52067',
                ),
            ),
            Misconception(
                name='endpoint-chain',
                feedback=(
                    "That is one endpoint's chain (KUBE-SEP-...). KUBE-SERVICES first jumps to the Service's own "
                    'chain (KUBE-SVC-...), which then picks an endpoint.'
                ),
                answers=(
                    '26c797f60146a475e5b91ff742ba30e94e98e7c269c7b2b04c7c0151d315eb11',
                    '0d95687f7f88ff258091045c61547c4a5f114aa628424f6ebd13d2766c57aff9',
                    '0e5b3b24e2fad8de2f5ef2dc56fab2e1b930afb6742e79e1704567b43499a792',
                ),
            ),
            Misconception(
                name='nodeports',
                feedback=(
                    'KUBE-NODEPORTS is the last rule, only for packets addressed to the node itself. A ClusterIP '
                    'packet matches a rule above it.'
                ),
                answers=(
                    'c3c5c0f77fe4415d5e405443614d5b1b75ce6bb42a8e8e9fa880894971f01597',
                ),
            ),
            Misconception(
                name='mark-masq',
                feedback=(
                    'That chain is called from inside the Service chain, and only for packets from outside the pod '
                    'network. KUBE-SERVICES itself jumps to a Service chain.'
                ),
                answers=(
                    '9776aa10000e1c0c0431eb2370389cfe5a3e40fd6cbe736020d93c33b3830da6',
                ),
            ),
        ),
        hints=(
            'Each KUBE-SERVICES rule matches one ClusterIP and port; the comment names the Service.',
            '`%kubectl get svc web` gives the ClusterIP to look for in the -d match.',
            (
                'Confirm with a trace: the PREROUTING hop of `cluster.trace("pod/client", "svc/web", 80)` lists the '
                'jumps.'
            ),
        ),
        solution=(
            'k8s1:kG1SGt9SkA50bp+STQjwyZnNlcBIxA5ns9GvjLK7+Nr4N+BOAtvv2gw6LVVAcd+zApgPXaDpDb3S+xtPU+WaIzRUOe5HPP5'
            'r5uv4ry744nRRFgmMoRDKNlHIFKvrn/8t9LE2sbfsFSyXaX7bds1WZjrbZZd1wfRznWskLKZT/4oFZO9kax6qi7YF5/FyDTey6hV'
            'DgnPCc3cuANwpt4+6CxNJbied7N3irbZAi+Kn6GArgLNUKfqLDXEUDCTxt8etlqP3OSEO96vIzoeiwzG9wBAZ'
        ),
        observe=_svc_chain,
        setup=_cluster,
    ),
    Exercise(
        id='08.second-probability',
        kind='choice',
        title='The probability on the second rule',
        prompt=(
            'Scale web to 4 ready pods. What probability does `iptables-save` print on the second KUBE-SEP rule of '
            "web's KUBE-SVC chain?"
        ),
        normaliser='choice',
        options=('0.25000000000', '0.50000000000', '0.33333333349', '0.75000000000'),
        salt='e9fc1795c8ee594f',
        answers=(
            '22539ddaade45a079ecdd5267a600bf221a3f72f0dfbc1942f3a58b619b0302c',
        ),
        misconceptions=(
            Misconception(
                name='same-share-each-rule',
                feedback=(
                    "1/4 is each endpoint's share in the end, but the second rule only sees the 3/4 of packets the "
                    'first one let through; with 0.25 there, it would get 3/16.'
                ),
                answers=(
                    '4141ee66188508d47b6402901f34ece52a330e5a3b1f3d0d07cedaff0fb8365e',
                ),
            ),
            Misconception(
                name='halves',
                feedback=(
                    'One half is the probability of the second-to-last rule, when two endpoints are left. The second '
                    'of four rules has three left to share among.'
                ),
                answers=(
                    '8884a823ab794ee5a7db6c182c066554231fd06065a732845b606d1503dbbf78',
                ),
            ),
            Misconception(
                name='cumulative',
                feedback=(
                    'The probabilities are not running totals; each is the chance of taking this rule among the '
                    'packets that reach it.'
                ),
                answers=(
                    'b85a9c44a5659eb7001848770eaeb2ca07bc759389ff2d1fcdc805d76e12cb67',
                ),
            ),
        ),
        hints=(
            (
                'With three pods the rules say 0.33333333349, 0.50000000000 and nothing on the last one. What does '
                'each rule see?'
            ),
            (
                'Scale it and look: `%kubectl scale deployment web --replicas=4`, then `iptables-save -t nat` on a '
                'node.'
            ),
        ),
        solution=(
            'k8s1:r6kyYTNmWHyrWNrZaDsx3YFTnvN9pPH9SF3hYkm9eLksSIvUhtQPV3sX0F3mQpFgn8hM0tTHpLuUs4VWeljNMqd4SDR+wix'
            'O8QdzGKcg1lh2O7N873rKy5HjX4azvPlKZhUYY59bNob3OInjHeHw835w7oMQPBj+kVX3izGszHOvB7q/TL/CObeMMpP7EBzMplf'
            'mx9Yqbh+gmgDM5KE/TxPpHYXWY2wOYb1nIvDjEEpZDfbF0FsRgk9cPMaiseCvYq0oIkaCBvEvavUPn1TYHQ=='
        ),
        observe=_second_probability,
        setup=_cluster_four,
    ),
    Exercise(
        id='08.mark-chain',
        kind='value',
        title='Which chain marks a packet for masquerade',
        prompt=(
            "kube-proxy decides in two steps that a connection's source must be rewritten: one chain marks the "
            'packet, and KUBE-POSTROUTING later masquerades packets carrying the mark. Which chain sets the mark?'
        ),
        normaliser='chain',
        salt='680bb6da1118040b',
        answers=(
            '3a9ff1dddf82f075a5ff85147ed9b885ff9b701ef4cd5e1a5f8b4828b03e5800',
        ),
        misconceptions=(
            Misconception(
                name='postrouting',
                feedback=(
                    'KUBE-POSTROUTING acts on the mark (it clears it and masquerades), but it does not set it; the '
                    "mark was set earlier, in PREROUTING or OUTPUT, while the Service's chains ran."
                ),
                answers=(
                    '28e5984d393f99a636f97bba1849f334b7e53d1a2afbd8891939ee9801ea824c',
                ),
            ),
            Misconception(
                name='masquerade-target',
                feedback=(
                    'MASQUERADE is the target that rewrites the source, in KUBE-POSTROUTING. The question asks for '
                    'the chain that marks the packet first.'
                ),
                answers=(
                    'b699afb06d69b09e662708d88fb621f240bf9615b77f4e13e104203a1dc44e0f',
                ),
            ),
        ),
        hints=(
            'Look for `--set-xmark 0x4000/0x4000` in `iptables-save -t nat`.',
            (
                'The Service and endpoint chains jump to it for packets from outside the pod network and for hairpin '
                'connections.'
            ),
        ),
        solution=(
            'k8s1:WVnQhYj2DXAF8h+HAkqD+dBCliX7yjvPSBVApHWJ5YeBWK29T7UUUHpcLtVM8ArxMB7GE79C/MFjkRnjAw2AjwmuTfWjvn6'
            'vceQjzIvqmN2LUGreaT+glYlnGE5AErFMOfYQodFDOxBSPLpzdGK63kYx65tGxgYggBAHBMjpD9A5SK3Lc1xAoQvZda3SBCbW1+F'
            'f1gBBh4hYUzcaZcY='
        ),
        observe=_mark_chain,
    ),
    Exercise(
        id='08.second-service',
        kind='task',
        title='A second Service for the web pods',
        prompt=(
            'Create a Service `web-alt` for the web pods that clients reach on port 9090 of its ClusterIP (the pods '
            'listen on their port named http), so that `client` reaches the pods through `svc/web-alt` on 9090. Then '
            '`check("08.second-service", cluster=cluster)`.'
        ),
        misconceptions=(
            Misconception(
                name='no-destination',
                feedback='There is no Service web-alt yet; create it with `%%kubectl apply -f -`.',
                example="cluster.kubectl('get svc')",
            ),
            Misconception(
                name='no-endpoints',
                feedback=(
                    'The Service selects no pods, so kube-proxy rejects its connections. Its selector must match the '
                    "web pods' labels."
                ),
                example="cluster.apply(_alt_service(selector='app: webapp', target='http'))",
            ),
            Misconception(
                name='refused',
                feedback=(
                    'The connection reaches a pod but a port where nothing listens. The targetPort must be where the '
                    'web container serves (its port named http).'
                ),
                example="cluster.apply(_alt_service(selector='app: web', target='80'))",
            ),
        ),
        hints=(
            'A Service needs a selector matching the web pods and one port entry with `port` and `targetPort`.',
            '`%kubectl get svc web -o yaml` is a good model; change the name and the port.',
            (
                'After applying, the new KUBE-SVC chain appears in `iptables-save -t nat`; trace `pod/client` to '
                '`svc/web-alt:9090`.'
            ),
        ),
        solution=(
            'k8s1:jcs9uBn1IV+QzOLeYqbfl2vdwU+XX4oOvdsITXKIbno/Sd7Q+fpi4iMGgLwLjx4Gf5AEAlIW5vy/WdH1T36n0TRk5AF0hxr'
            'E1xTBJv7QFAN5+raFRW9sU9/wRfvBaWH/3stxj8NOI5rI7v+9t0PYGuy40+Z/E9q1HwLq539cdg68KDg='
        ),
        setup=_cluster,
        probe=_alt_probe,
    ),
]
