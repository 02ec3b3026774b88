"""Notebook 05 (across nodes): a podCIDR per node, routes to the other nodes' pods, longest prefix match.

Answers are salted hashes and solutions obfuscated (made with ``python -m k8slab.exercises.author
render``; see ``k8slab/exercises/README.md``). The functions below say *how* to look, for the
instructor validation (``observe``) and for the task's probe (which asks the data plane only).
"""

from __future__ import annotations

from ipaddress import ip_address, ip_network

from k8slab.exercises.model import Exercise, Misconception, Probe
from k8slab.exercises.tasks import reach

NOTEBOOK = "05-across-nodes"

# The notebook's pods: my-shell on kind-worker (as in seed 000), b (agnhost on 8080) on kind-worker2.
PODS = """\
apiVersion: v1
kind: Pod
metadata: {name: my-shell}
spec:
  nodeName: kind-worker
  containers:
  - {name: my-shell, image: nicolaka/netshoot, command: [sleep, infinity]}
---
apiVersion: v1
kind: Pod
metadata: {name: b}
spec:
  nodeName: kind-worker2
  containers:
  - name: agnhost
    image: registry.k8s.io/e2e-test-images/agnhost:2.53
    args: [netexec, --http-port=8080]
"""


def _with_pods():
    from k8slab.cluster import kind

    c = kind(workers=2)
    c.apply(PODS)
    return c


def _route_lost():
    c = _with_pods()
    c.exec("kind-worker", "ip route del 10.244.2.0/24")
    return c


def _count_matches(where: str, dst: str):
    """How many lines of ``ip route`` contain ``dst`` in their prefix."""
    def observe(c):
        n = 0
        for line in c.exec(where, "ip route").splitlines():
            prefix = line.split()[0]
            if ip_address(dst) in ip_network("0.0.0.0/0" if prefix == "default" else prefix):
                n += 1
        return n

    return observe


def _source_seen(c) -> str:
    """The source address of the packet as it is delivered in pod b."""
    return c.trace("pod/my-shell", "pod/b", 8080).walk.packet.src


def _ttl_hops(c) -> int:
    """How many forward hops (TTL decrements) the packet took to b."""
    return sum(1 for h in c.trace("pod/my-shell", "pod/b", 8080).hops if h.stage == "forward")


def _restored(c) -> Probe:
    p = reach(c, "pod/my-shell", "pod/b", 8080, through=("kind-worker", "kind-worker2"))
    if not p.ok:
        return p
    t = c.trace("pod/my-shell", "pod/b", 8080)
    if any(t.where(h) == "kind-control-plane" for h in t.hops):
        return Probe(False, "detour", "the packet reached b, but by way of kind-control-plane")
    return p


EXERCISES = [
    Exercise(
        id='05.lpm-node-route',
        kind='choice',
        title='Which route kind-worker uses for a pod on kind-worker2',
        prompt=(
            'kind-worker forwards a packet for 10.244.2.7. Which line of its routing table decides where it goes?'
        ),
        normaliser='choice',
        options=(
            'default via 172.18.0.1 dev eth0',
            '10.244.0.0/24 via 172.18.0.3 dev eth0',
            '172.18.0.0/16 dev eth0 proto kernel scope link src 172.18.0.2',
            '10.244.2.0/24 via 172.18.0.4 dev eth0',
        ),
        salt='30cba4af708db9a6',
        answers=(
            'a4e1f51cfdbbf7a108bdc013badf277e05723bbbb23db04b4f8104c64a873e61',
        ),
        misconceptions=(
            Misconception(
                name='default-route',
                feedback=(
                    'The default route matches every destination, but it is the fallback: it is used only when no '
                    'longer prefix matches. Is there a more specific line containing this address?'
                ),
                answers=(
                    'e856745da6b8a3d9925a0a392cdb5164ef724dd1d1d97376c3d9eb2257709f31',
                ),
            ),
            Misconception(
                name='wrong-node',
                feedback="That line covers 10.244.0.x, kind-control-plane's pods. Does 10.244.2.7 fall inside it?",
                answers=(
                    '93fa5dd64f64cbe7f036a87e5e3884573265f59d8fcd26eec18d3187573f89fc',
                ),
            ),
            Misconception(
                name='node-network',
                feedback=(
                    'That is the docker network the nodes sit on; pod addresses are not in it. A route only matches '
                    'when the destination lies inside its prefix.'
                ),
                answers=(
                    'f37fd7d60658a5ad836fa297943e3da1613fc8d5ac36f603dd92f687dc6862ce',
                ),
            ),
        ),
        hints=(
            'List the lines whose prefix contains the destination address.',
            'Among the lines that match, the one with the longest prefix (the most specific) wins.',
        ),
        solution=(
            'k8s1:E6D3rE0WEPM77/FYhq/bIW2snAdX8MQDVMVeDNw+QbsZ/STgPIxtkLj90o3pB4BvVtsFmydp5m6kUBcusvqHvsXTZRvOfAy'
            'QdSiXRb0hwCnwJF9J88sCFcv/v7OXrCcedroD1DcGpDBFQ8Pr6yzoEMwCkbUe14YrtbvLpD/mmXb6EosWguy7GrWdqbcz8EuY35Q'
            '/SeKI8rH5u3ikrS7fV46EZOohHy2ZIRwBmqoy2FuPzgpadO9EBWgWmWXH4Zthz1utwiwIJ7K30Pdbg45AcaAYbQ=='
        ),
    ),
    Exercise(
        id='05.lpm-match-count',
        kind='value',
        title='How many routes match the gateway',
        prompt=(
            'Inside my-shell, how many lines of `ip route` match the destination 10.244.1.1 (that is, contain it in '
            'their prefix)? Answer with a number.'
        ),
        normaliser='count',
        salt='27f977adb0350b16',
        answers=(
            '6d8215113a8e4b248ca5c230d74fa76979c6ab32012541e89211c147172f49f0',
        ),
        misconceptions=(
            Misconception(
                name='only-the-winner',
                feedback=(
                    'You counted only the route that wins. Several lines can contain the same address; longest '
                    'prefix match then picks one of them. Count every line whose prefix contains 10.244.1.1.'
                ),
                answers=(
                    '842b0665f59c90ee45079b72552159ead797bf16728b3b91caf3155438da9472',
                ),
            ),
            Misconception(
                name='default-forgotten',
                feedback='Count the default route too: it is 0.0.0.0/0, and a /0 contains every address.',
                answers=(
                    '25765ad23e3319d5eb9e7370f95e764a06670c50511b8b5ef9e9e383f181756f',
                ),
            ),
        ),
        hints=(
            '`default` means 0.0.0.0/0. A line without a slash is a single address, a /32.',
            'For each line ask: is 10.244.1.1 inside this prefix?',
        ),
        solution=(
            'k8s1:s45RF8xeDbp1CT9Z719QGUk11xacb7jwFin8KwJWEIeRjJbLhKDOI0KNCz6Y0zTgG7jyzeUdxBb3d84qVxgT+1yZWL6uIlu'
            'k8q9i5zRlpQGqMiGVZpc2tVEUBCqCioN24ah5p/zTDJb3s8ltgb3TnDdsXTc6jJm/BTr73vCXUDp7Cv4dZtHQ9T3L+nF6OTvhlp0'
            'rHv/gk2PXCFY='
        ),
        observe=_count_matches("pod/my-shell", "10.244.1.1"),
        setup=_with_pods,
    ),
    Exercise(
        id='05.lpm-pod-route',
        kind='choice',
        title='A neighbour on the same node',
        prompt=(
            "my-shell sends a packet to 10.244.1.7, another pod on kind-worker. Which route in my-shell's table "
            'decides the next hop?'
        ),
        normaliser='choice',
        options=(
            'default via 10.244.1.1 dev eth0',
            "10.244.1.1 dev eth0 scope link src (my-shell's IP)",
            "10.244.1.0/24 via 10.244.1.1 dev eth0 src (my-shell's IP)",
            'none: same-node pods are on one link, the packet goes straight to the other pod',
        ),
        salt='75f39b4985888355',
        answers=(
            '23e08013e71d11effb7ad45ce07af72693ed0feb59f984eeb1115f5b04ad70ba',
        ),
        misconceptions=(
            Misconception(
                name='default-route',
                feedback='The default route matches, but a longer prefix matches too, and the longest one wins.',
                answers=(
                    '6599b60d8604b587e36a560e4f494d98ad0af4276bcc3873117f12be72d215d8',
                ),
            ),
            Misconception(
                name='gateway-route',
                feedback=(
                    "That line is a /32: it contains exactly one address, the gateway's. 10.244.1.7 is not that "
                    'address.'
                ),
                answers=(
                    'd936661da0e399e81a4c76480aabfccf997cf1218d56bafa6a18786aee0f5832',
                ),
            ),
            Misconception(
                name='same-link',
                feedback=(
                    "That would be true on a bridge, where pods of a node share a link. With kindnet's ptp every pod "
                    'has its own point-to-point veth, and the /24 route sends even same-node traffic via the node.'
                ),
                answers=(
                    'bc7bd06ca313d6527cf910eeca9b786f5ee7a32c51a89c9006efa65a618030f7',
                ),
            ),
        ),
        hints=(
            'Which of the prefixes contain 10.244.1.7? A line without a slash is a /32.',
            '`ip route get 10.244.1.7` inside my-shell asks the kernel itself.',
        ),
        solution=(
            'k8s1:Nx5oG96TPNih2/+9ydMyXN5LyuqzmH/6Qyt3m0KyI/5XGHpBLrsUTRCy553vCIvWiyQ1siz290e3Jm6WJdtjW7u7s80wN7u'
            'xJoFvL8IPC+dnlYy7pMJOxWMvVOqCUs1X+1p3gHOuYv/LVLIEd6dKEftRLyrJcahNaXh3UJ4XZpasVOKh2BYO1rYW38G9Y58yXqG'
            'T/iA7Yos9MBoJLpJtcjhE2so8jELMch8LIZLVJC0EHR362OB2SMt2Y2/2yZB6DEFnIU/k3L5NcHuP'
        ),
    ),
    Exercise(
        id='05.source-ip-seen',
        kind='prediction',
        title='The source address pod b sees',
        prompt=(
            'Predict: my-shell (on kind-worker) opens a connection to pod b on kind-worker2. What source IP does b '
            'see on the packet that arrives?'
        ),
        normaliser='ip',
        salt='6284e6a1be81c89f',
        answers=(
            '25a7a3f1dd6d34ed58c52704c45db294d522b8a417df0d4a01670c20e34958ee',
        ),
        misconceptions=(
            Misconception(
                name='snat-to-node',
                feedback=(
                    "That would be source NAT to kind-worker's node IP. The Kubernetes network model forbids it "
                    "between pods, and kindnet's masquerade rules skip destinations inside the pod network: the "
                    'packet crosses the nodes with its original source.'
                ),
                answers=(
                    'e1797b948bc395d49f2dc1d5b732f2b5f6fa98d7d8fd6fd8b549614ea656f739',
                ),
            ),
            Misconception(
                name='gateway',
                feedback=(
                    'The gateway is the next hop, not a new source: routers forward a packet without changing its '
                    'addresses.'
                ),
                answers=(
                    '48db51252522641c2c4c5b77f0381d133ecefc529833edb7c9e70e4bf1a6ade6',
                ),
            ),
            Misconception(
                name='destination-node',
                feedback=(
                    "That is kind-worker2's node IP; the node forwards the packet into b's veth without changing its "
                    'source.'
                ),
                answers=(
                    '27da71d331245b0ab4a2facbad0b7308872973d6c00cc435238e13ec2e9d4dc8',
                ),
            ),
        ),
        hints=(
            'Does any router on the path change the source address? Which rules would have to exist for that?',
            'Run the trace and read the last hop\'s packet: `print(cluster.trace("pod/my-shell", "pod/b", 8080))`.',
        ),
        solution=(
            'k8s1:vteyGYB3Btpyhv+DnWVbtgBeI44DbhCt4BoOxX05XACS7MXnuL9kbRFSSM1w29jilquD7X47o9VCSBNVNN67MTLraJfjqDi'
            'rU0HWwVq2+dDErRpUNyyKs2KyuVTskzzAEqk2V128MEadovhiKg8Gm0/XdCouJpXSkEPwo77W9ggxsbC3HdEC+sLoXcq3Z/nLiQ4'
            'kZyBHCrQNPTYUAu1AszDZcES3WBT5UJm47Z2WotVFxgXkYpOfpHCJ6bnxV/m0stZXy3cE+T8AzL2P'
        ),
        observe=_source_seen,
        setup=_with_pods,
    ),
    Exercise(
        id='05.ttl-hops',
        kind='prediction',
        title='How many routers',
        prompt=(
            'Predict: my-shell sends to pod b on kind-worker2 with TTL 64. How many times is the TTL decremented '
            'before the packet reaches b? Answer with a number.'
        ),
        normaliser='count',
        salt='f1abd5ce1fdd4ae0',
        answers=(
            'f5dd11bd0536b7f110b31b510af6533e9232c72a19b80c64a8fe70ceb456a747',
        ),
        misconceptions=(
            Misconception(
                name='bridge-routes',
                feedback=(
                    'The docker bridge between the nodes is a switch: it forwards Ethernet frames by MAC address and '
                    'leaves the IP header, TTL included, alone. Only routers decrement the TTL.'
                ),
                answers=(
                    '276cf9075fa93e653e0c99ecaf96a70d631a2f9c4e763a9db212ecf5b810bf48',
                ),
            ),
            Misconception(
                name='one-hop',
                feedback=(
                    "Both nodes route: kind-worker forwards from my-shell's veth to eth0, and kind-worker2 forwards "
                    "from eth0 to b's veth."
                ),
                answers=(
                    '8807baca0a0ce60d2c989981cc9fe3b2b2e9beb57980947e9a697acdd46e88ab',
                ),
            ),
            Misconception(
                name='no-routing',
                feedback=(
                    'Pods on different nodes are not on one link: each node forwards the packet as a router, and '
                    'each forward decrements the TTL.'
                ),
                answers=(
                    '5c24ae46f414900b86b65fa5abb1809c2372e7fa087703880d174b62ceb2ea82',
                ),
            ),
        ),
        hints=(
            'A router decrements the TTL each time it forwards; a switch (bridge) does not.',
            'Which machines forward the packet between two different interfaces at the IP layer?',
        ),
        solution=(
            'k8s1:OiX+5W/HBlcVvoJMNtKc6azM6qTQvFXw78xgaLKuJE5EbgSlR1HiZ+8upBCpcjnp1bmbPkd2Nqegd4yGUr4Nq82+5XY7z5+'
            '/MkMq6KJ21PwKRxqAKPJzGg9wRPXAjWokiWlsqQHYUPZKnwuTo/p6Yhhi06saiGRrsGffPd9/Q/ctJHnJ0no59CmliF8bGuPMK6B'
            'scKlKreVccQLvdGX7AETBAnFjxQYSN/S5nm6xmz6kQZWNOo3WWfHr9vMVa2EhPYVfxcXit4GEJdI/DhQcXfU='
        ),
        observe=_ttl_hops,
        setup=_with_pods,
    ),
    Exercise(
        id='05.task-restore-route',
        kind='task',
        title="Put back the route to kind-worker2's pods",
        prompt=(
            "kind-worker has lost its route to kind-worker2's pod CIDR, so my-shell cannot reach pod b. Add the "
            'route back on kind-worker (with `cluster.exec("kind-worker", "ip route add ...")`) so that my-shell '
            'reaches b on port 8080 directly through the two workers. Then `check("05.task-restore-route", '
            'cluster=cluster)`.'
        ),
        misconceptions=(
            Misconception(
                name='dropped',
                feedback=(
                    'The packet still leaves kind-worker by its default route, to the docker host, which has no idea '
                    "where pod addresses live. kind-worker needs a route for kind-worker2's whole pod CIDR."
                ),
                example='pass',
            ),
            Misconception(
                name='unreachable',
                feedback=(
                    'A route without `via` says the destination is on the link itself: kind-worker asks on the '
                    "docker network who has b's IP, and no one answers, because pod addresses are not on that "
                    'network. Give the route a gateway: the node that owns that pod CIDR.'
                ),
                example="cluster.exec('kind-worker', 'ip route add 10.244.2.0/24 dev eth0')",
            ),
            Misconception(
                name='detour',
                feedback=(
                    'It works, but through kind-control-plane: the route points at a node that does not own that pod '
                    'CIDR, which forwards the packet on. Point the route at the node whose podCIDR it is.'
                ),
                example="cluster.exec('kind-worker', 'ip route add 10.244.2.0/24 via 172.18.0.3')",
            ),
        ),
        hints=(
            (
                "Which node owns the pod CIDR that b's IP is in? `%kubectl get nodes -o=custom-columns=...` shows "
                "each node's CIDR and IP."
            ),
            (
                "Copy the shape of the route kind-worker still has for kind-control-plane's pods: a prefix, `via` a "
                'node IP.'
            ),
            (
                '`ip route add PREFIX via NODE_IP` in `cluster.exec("kind-worker", ...)`; then '
                '`cluster.trace("pod/my-shell", "pod/b", 8080)` should say delivered.'
            ),
        ),
        solution=(
            'k8s1:Wj+hOWlxuMmG8t1jmx+tyuJJQbOP6wdXqirgXYt1W8hwGFeN9dJHQW2Qdp6upn3DWwLPpNctkTn7Rt5q9khQK8s4GjIH8wV'
            'Q1Why9aXJ/HVut2/OtESHGorLA1RWW/ogkU4tXryFYOxpopXjCFVH4fBagRAoZp+Sejsud/eShsvhrZrEurebfP/icD1E9khLLnW'
            'PbcUrYS1UQK2WMhWn8bsJRMPG+EyFVIeOHTjH4yeoc+WRTgoKzt7orcYuN4HODujqoWysri2WZKcw5n90Yx+8XTQ80f2ZPdJV9e6'
            'J7lRGEaaJIwGYJtz4P0+HUMFa+1mocgyAaV7sqhSNmjFG'
        ),
        setup=_route_lost,
        probe=_restored,
    ),
]
