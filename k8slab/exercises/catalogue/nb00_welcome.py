"""Notebook 00 (welcome): a first look at the three-node kind cluster.

Answers are salted hashes and solutions obfuscated (made with ``python -m k8slab.exercises.author
render``; see ``k8slab/exercises/README.md``). The functions below say *how* to look, for the
instructor validation (``observe``: the true value on a fresh cluster) and for the task's probe
(which asks the data plane only); they are not the answers.
"""

from __future__ import annotations

import re

from k8slab.exercises.model import Exercise, Misconception, Probe
from k8slab.exercises.tasks import reach

NOTEBOOK = "00-welcome"


def _cluster():
    from k8slab.cluster import kind

    return kind(workers=2)


def _create(cluster, *pods) -> None:
    """Pods pinned with spec.nodeName (the scheduler is not in the engine yet): (name, node, image)."""
    for name, node, image in pods:
        cluster.store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
                              "spec": {"nodeName": node, "containers": [{"name": name, "image": image}]}})
    cluster.settle()


def _with_pods(*pods):
    def setup():
        c = _cluster()
        _create(c, *pods)
        return c

    return setup


def _node_pod_cidr(node: str):
    return lambda c: c.store.get("nodes", node)["spec"]["podCIDR"]


def _node_ip(node: str):
    return lambda c: c.machine(node).ip


def _node_count(c) -> int:
    return len(c.store.list("nodes"))


def _pod_ip(pod: str):
    def observe(c):
        out = c.exec(f"pod/{pod}", "ip -4 addr show dev eth0")
        return re.search(r"inet (\S+)/", out).group(1)

    return observe


def _next_hop(src: str, dst: str, node: str):
    """The gateway of the route the node used to forward the packet, read from the trace."""
    def observe(c):
        t = c.trace(src, dst, 80)
        hop = next(h for h in t.hops if t.where(h) == node and h.stage == "route")
        return re.search(r" via (\S+)", hop.what + " " + (hop.rule or "")).group(1)

    return observe


def _verdict(src: str, dst: str, port: int):
    return lambda c: c.trace(src, dst, port).verdict


def _nat_seen(c) -> str:
    """"True" when pod b sees another source address than pod a's own."""
    t = c.trace("pod/a", "pod/b", 80)
    a_ip = re.search(r"inet (\S+)/", c.exec("pod/a", "ip -4 addr show dev eth0")).group(1)
    return "False" if t.walk.packet.src == a_ip else "True"


def _a_reaches_b(c) -> Probe:
    return reach(c, "pod/a", "pod/b", 80, through=("kind-worker", "kind-worker2"))


EXERCISES = [
    Exercise(
        id='00.worker-pod-cidr',
        kind='value',
        title="kind-worker's pod CIDR",
        prompt=(
            "In `cluster = k8slab.kind(workers=2)`, which pod CIDR (the node's podCIDR) does kind-worker have? "
            'Answer in CIDR form, like 192.0.2.0/24.'
        ),
        normaliser='cidr',
        salt='40b8706171512847',
        answers=(
            'c0515f2f82d5c9e1ddb90c95e93a0433320b87f33a4d7fd46c8d3bf0625567fa',
        ),
        reason=(
            "Node IPAM cuts the cluster's pod network 10.244.0.0/16 into /24s, one per node in the order they "
            'register; kind-worker registered second, so it got the second /24, and every pod on kind-worker gets '
            'its IP from it.'
        ),
        misconceptions=(
            Misconception(
                name='service-cidr',
                feedback=(
                    'That is the Service CIDR: the range ClusterIPs are taken from. Services and pods are numbered '
                    "from different ranges; the question asks for the range kind-worker's pods get their IPs from."
                ),
                answers=(
                    '0017ba947eb07803c4948ad14beab1836233913b7342cb894757f5bf29c8bf75',
                    '0047acaf315bf4f971ca3e47c4c7d3e93417311071c0f503460d7606919c7205',
                ),
            ),
            Misconception(
                name='cluster-pod-cidr',
                feedback=(
                    "That is the whole cluster's pod network (kube-controller-manager's --cluster-cidr). Each node "
                    "is given its own smaller slice of it: the question asks for kind-worker's slice."
                ),
                answers=(
                    '6265f57704cbc8bd8d6af5f55bd6109a3d6704b8a9110d1ebdc847ec0bcf15bf',
                ),
            ),
            Misconception(
                name='other-node',
                feedback=(
                    "That is another node's podCIDR: each node has its own. Check which node you read it from."
                ),
                answers=(
                    '0f799cb70d5dfe47056cbc97c246fdd04e29b639240f671b6c8b8652ef765061',
                    'f27b805405cf098d3bd7241b227d51c46af47c92b42f00db4389a13e3ee6500b',
                ),
            ),
            Misconception(
                name='node-network',
                feedback=(
                    'That is the docker network the nodes themselves sit on: node IPs come from it. Pods get their '
                    'addresses from a different range.'
                ),
                answers=(
                    'bb900420d17bb20668c79fade9eeeef54bfdd37011f307693cb63702398f30bd',
                ),
            ),
        ),
        hints=(
            (
                "Every node is given its own slice of the cluster's pod network, and the slice is written into the "
                "Node object's spec."
            ),
            (
                'Another node\'s routing table shows it too: `cluster.exec("kind-control-plane", "ip route")` has '
                "one route per other node's pod range, via that node's IP."
            ),
            "Ask the API for it: `%kubectl get node kind-worker -o jsonpath='{.spec.podCIDR}'`.",
        ),
        solution=(
            'k8s1:z+YfPilhETWD7oCfDomu/yTFpf/1fouP6SypOycIQEw+63GuiMmo5gfDxrLn1ZQS0NDBwY6E0pId2mNaNWa5SNyroQSzkUf'
            'kU336oxAI5WbIE+e14/SalYUY+JRmQ54PCIBfUwYzGlALS5kVdeaucABUWGOOMl6XSbTpOJXh+r4C8UdtVxmUZxTT99PlxzUpM0b'
            '5Wsz2uRvRcYEbITFX+g00bv0x2ZjwStLKIQnXrhWu8aow/ymbKcm4MgPLzQnX9jyNQRceH1lEjMOuzw8='
        ),
        observe=_node_pod_cidr("kind-worker"),
    ),
    Exercise(
        id='00.control-plane-pod-cidr',
        kind='value',
        title="kind-control-plane's pod CIDR",
        prompt='And which podCIDR does kind-control-plane have?',
        normaliser='cidr',
        salt='9024f4e088a3435b',
        answers=(
            '31c93a433a274052551015526aadd3a438640f6e2630c55e580675248419e574',
        ),
        reason=(
            'The control plane is a node like the others and registered first, so node IPAM gave it the first /24 of '
            '10.244.0.0/16 (its own pods, CoreDNS for one, get their IPs from it).'
        ),
        misconceptions=(
            Misconception(
                name='service-cidr',
                feedback="That is the Service CIDR: the range ClusterIPs are taken from, not a node's pod range.",
                answers=(
                    'becf720ce141a2a1750da5d3535a104708f14bbe6be5f656e910b0d5239ab873',
                    '3388758184000841fe21b3dd65b52050c4bcf45e53a2c22b3f17a54df9a1d98e',
                ),
            ),
            Misconception(
                name='cluster-pod-cidr',
                feedback=(
                    "That is the whole cluster's pod network. Each node, the control plane included, is given its "
                    'own smaller slice of it.'
                ),
                answers=(
                    '65fc67b165c4a94d558dc5cd43a9180ccc7b6baa00f67faa993c2d6b99943052',
                ),
            ),
            Misconception(
                name='other-node',
                feedback="That is a worker's podCIDR: each node has its own. Check which node you read it from.",
                answers=(
                    '66bee601795ccf07d7ac8019c6d793ebd0705b41ee3d3433134cf5ef8bb3652c',
                    '50b40f392cd3ff8ea668bc9d8d85748df7e4c7151c1045748ae355e360c619f0',
                ),
            ),
            Misconception(
                name='node-network',
                feedback='That is the docker network the nodes sit on, where node IPs come from, not pod IPs.',
                answers=(
                    '22ae54270259aca6b2ff4556dba0b291587a9cf9facc59b69a6a057e23c93a27',
                ),
            ),
        ),
        hints=(
            (
                'The control plane is a node like the others: it registers, and it is given its slice of the pod '
                'network.'
            ),
            'Node IPAM hands out slices in the order nodes register, and the control plane starts first.',
            (
                '`cluster.exec("kind-worker", "ip route")` has a route to every other node\'s pod range via that '
                "node's IP; the control plane's IP is in `%kubectl get nodes -o wide`."
            ),
        ),
        solution=(
            'k8s1:eE0GfkDCki3KCUOkdO08ChNry4jg5YurWZ0zqF8K17Icw6iBsLK+So9PdqOOmfwmRTI72Ia1xHWCDPJWUeGamiSJxHAPRcA'
            'e2GSWS29o9+56jBJqE54HSurlEJ0aSf12LrbNLQpihP13nu6+qA/ihjVOw0mK4N/uds4Jsv8Y0z2FyBuSoHTljArXKJosGvzXVTj'
            'l4JBEUI/V1g=='
        ),
        observe=_node_pod_cidr("kind-control-plane"),
    ),
    Exercise(
        id='00.worker-node-ip',
        kind='value',
        title="kind-worker's node IP",
        prompt='What is the node IP (the InternalIP) of kind-worker?',
        normaliser='ip',
        salt='2b96f782ee90e37f',
        answers=(
            'c68cc0a4533d1bbe3895ae0bff363deb96703db0e0a4b1c0cd18ac87122ee004',
        ),
        reason=(
            'kind runs each node as a container on the `kind` docker network 172.18.0.0/16; docker gave kind-worker '
            ".2 on its eth0, and the kubelet reports that address as the node's InternalIP."
        ),
        misconceptions=(
            Misconception(
                name='pod-ip',
                feedback=(
                    "That is a pod's IP, from kind-worker's pod range, not the node's. The node IP is the address of "
                    "the node's own eth0 on the network the nodes share."
                ),
                answers=(
                    '67c231f33717aca42684b414f617c6071ef2861e918e72a78b623767aa4521ab',
                    'd9954dcaa632b4c14b25a478aca8ecf9351c41b918a8c492aac9f1e6f12f7763',
                ),
            ),
            Misconception(
                name='pod-gateway',
                feedback=(
                    "That is the gateway the pods on kind-worker use, on the pod network: the node's end of each "
                    "pod's veth. The node IP is on the node network."
                ),
                answers=(
                    '2152d044525c2234f3235d981c3ab076a0342ad1b049a99fc0bf6e1dc6cc5f75',
                ),
            ),
            Misconception(
                name='docker-gateway',
                feedback=(
                    "That is the docker network's gateway: the bridge on the host, where traffic leaves for your "
                    'laptop and beyond. It is not a node.'
                ),
                answers=(
                    '800d36ff9d73b95c862d7642898d3e25c7aa3a793647f28d98a5908a39a1336d',
                ),
            ),
            Misconception(
                name='other-node',
                feedback="That is another node's IP. Check which node it belongs to.",
                answers=(
                    '6c4b7401810034a2e14f1a890225df4bf69b8aeb86e34bd18cebbf6cafef07bf',
                    '284d59d9f703fc9c8fe01a78a247daf533767a80984132650d4e5e13169f68dd',
                ),
            ),
            Misconception(
                name='service-ip',
                feedback="That is a Service's ClusterIP (from the Service CIDR), not a node's address.",
                answers=(
                    '54f72a9630e78b9cd115de93b91aa7d3e45735d481c8b4d23d0201b0a31985e4',
                    'aa85781dd65e213ab59b8d99778eabf84ef3e7d71dfb939960f857c7b242312f',
                ),
            ),
        ),
        hints=(
            (
                "A node's IP is on its eth0, on the network the nodes share (kind's docker network), not in the pod "
                'network.'
            ),
            'Look inside the node: `cluster.exec("kind-worker", "ip -4 addr show eth0")`.',
            '`%kubectl get nodes -o wide` lists it in the INTERNAL-IP column.',
        ),
        solution=(
            'k8s1:H8T7KSdidk4nhl/U/5NyfPLzthgDZgF3UE24EkEgwR3+06MFYQl8dATqMUX2ldnl6K+4WporzBLzZYCi5yxA7wjSgKolwXE'
            'J2OH4d2/xMojtEYyvJYVFgTlfa7dSzsPamwlFdNUP3GYtzObsavrpNeXCNDu1EtN1TN+Xs4mUvNMNKvgbZ7BFG7Axi+2loE0M7gp'
            '2kautEFiw0zfgtZSFug=='
        ),
        observe=_node_ip("kind-worker"),
    ),
    Exercise(
        id='00.node-count',
        kind='value',
        title='How many nodes',
        prompt='How many Node objects does `k8slab.kind(workers=2)` register?',
        normaliser='count',
        salt='a228ff5ae43bbb2c',
        answers=(
            'ee0bb647a74a8764de082e7a218072c9fe80e7f8d67924762417e02459f3e530',
        ),
        reason=(
            'Two workers and the control plane: kind runs the control plane as a node too, with a kubelet, a podCIDR '
            'and pods of its own.'
        ),
        misconceptions=(
            Misconception(
                name='workers-only',
                feedback=(
                    '`workers=2` counts the workers only. The control plane is a node too: it registers, gets a '
                    'podCIDR, and runs pods of its own.'
                ),
                answers=(
                    'c77e7c80f3ec70afeefdbb9f38ea2e9a72ddc717cec7b11b4877a0b4cb97a4f8',
                ),
            ),
        ),
        hints=(
            'A kind cluster has a control-plane node besides its workers.',
            'List them: `%kubectl get nodes`, or `sorted(cluster.machines)`.',
            'Count the rows of `%kubectl get nodes` below its header line.',
        ),
        solution=(
            'k8s1:duy+Lzab6RtSXRvxeVjN7TdIZMZoijx5j7FAt86VqNKjyht6dxXzaK8+IIzlDloWv+tx8aHDmq0o1zNKaI+6NakazA=='
        ),
        observe=_node_count,
    ),
    Exercise(
        id='00.pod-ip',
        kind='value',
        title="my-shell's IP",
        prompt='The pod `my-shell` was created on kind-worker (the first pod there). Which IP did it get?',
        normaliser='ip',
        salt='1618e1d47cfb7308',
        answers=(
            '8f684e05b0526468c3979b13faa6e715c38019021338686c9b3c7bc0c01f3c1e',
        ),
        reason=(
            "The CNI plugin's host-local IPAM hands out addresses from kind-worker's podCIDR 10.244.1.0/24; .1 is "
            'the gateway, so the first pod gets .2.'
        ),
        misconceptions=(
            Misconception(
                name='node-ip',
                feedback=(
                    "That is kind-worker's node IP. A pod has its own network namespace with its own eth0, and its "
                    "IP comes from the node's pod range, not the node network."
                ),
                answers=(
                    'f7d47a8a3c738dc621f6d39540fcce7d1ac317f29403f58aff9ca6b120c669f3',
                ),
            ),
            Misconception(
                name='pod-gateway',
                feedback=(
                    "That is the gateway inside the pod (the node's end of the veth pair); the pod's own address "
                    'comes after it.'
                ),
                answers=(
                    '8cc6fcb8abc8ffb787db455248d4bd082fd8fbcaa708319c0bd232655bac26b2',
                ),
            ),
            Misconception(
                name='other-node',
                feedback="That address is in another node's pod range; my-shell runs on kind-worker.",
                answers=(
                    '1a9f8021e9610b0dcef357d0c0cb9d30701069bde9afe0edfa48c6a8a9d62cff',
                    '77f43cee6154b54ec1f21b903e3933a31d9ed3abc95cd7bfb5c8022935db6857',
                ),
            ),
        ),
        hints=(
            "A pod's IP comes from its node's podCIDR.",
            'Look inside the pod: `cluster.exec("pod/my-shell", "ip -4 addr show eth0")`.',
            '`%kubectl get pod my-shell -o wide` shows it in the IP column.',
        ),
        solution=(
            'k8s1:Ufdg1CoCHRpMIcBlNy5RdV/Go/fklBM6uNG+gYPtr+iGKhsq4Dn6IUU/4B9cnQGrbtNnn77kKq7rzeoZJDljt0ryjgfayiK'
            'J3zWMFEJm2iK5Y7zac8hLT8emVj86YAPhHeb2T+mXANE5yPZaTUEMVeAH2OnE1GoBgaIdlWKP+gqr3g=='
        ),
        observe=_pod_ip("my-shell"),
        setup=_with_pods(("my-shell", "kind-worker", "nicolaka/netshoot")),
    ),
    Exercise(
        id='00.predict-next-hop',
        kind='prediction',
        title="Where kind-worker sends a packet for kind-worker2's pod",
        prompt=(
            'Before you trace it: my-shell (on kind-worker) sends a packet to 10.244.2.2, a pod on kind-worker2. To '
            'which next-hop IP does kind-worker forward it?'
        ),
        normaliser='ip',
        salt='d643692c71aa3305',
        answers=(
            '1be4493ac9f542d9a0a03eb809c688f0d6abf971e83f536804448ba1021b3226',
        ),
        reason=(
            "kindnet wrote `10.244.2.0/24 via 172.18.0.4 dev eth0` into kind-worker's table; that /24 is the longest "
            "prefix matching 10.244.2.2, so the packet goes straight to kind-worker2's node IP over the node "
            'network.'
        ),
        misconceptions=(
            Misconception(
                name='default-route',
                feedback=(
                    "That is the default route's gateway. Routing picks the longest matching prefix: kind-worker has "
                    "a more specific route for kind-worker2's pod range, and a /24 beats the default /0."
                ),
                answers=(
                    'ea229b0dec9a2adeae06f2d5d4a674a5022b39b2d5b10fe68d8a2afd6097bcc6',
                ),
            ),
            Misconception(
                name='destination',
                feedback=(
                    'That is where the packet is going, not its next hop: kind-worker is not on the pod network of '
                    'kind-worker2, so it hands the packet to a neighbour on a network it is attached to.'
                ),
                answers=(
                    '5b1fad55f7c72467fd6fbf5170a7420c5facc7322bf1c19fee973e4aeabc1aed',
                ),
            ),
            Misconception(
                name='pod-gateway',
                feedback=(
                    'That is a pod-side gateway address. The question is where kind-worker itself forwards the '
                    'packet, on the network between the nodes.'
                ),
                answers=(
                    '6832fcad90c2e087171558167c401c8ac0326448dfde34126fbe32a0f60398ad',
                    '67fcd21c45b6ec20022a13ffe7cf697080fded25d07ae56f663cd1a0a6a6937a',
                ),
            ),
        ),
        hints=(
            "kindnet writes one route per other node into each node's routing table.",
            (
                'Read kind-worker\'s table, `cluster.exec("kind-worker", "ip route")`: the most specific route that '
                'matches the destination wins.'
            ),
            (
                'Then check with a trace: `print(cluster.trace("pod/my-shell", "10.244.2.2", 80))`, and find the '
                'route hop on kind-worker.'
            ),
        ),
        solution=(
            'k8s1:8FnMW+zEHa2kFZCEpclnwWuqU+JVRP6V2rdIT4Zjsq81WRfaCueMZI7fwUOBkGwW5nlg2wdJWCEJTdDePBBtBwsYISkHyN9'
            'ezDm1+qftWeztn9krs8jDLIJjTDlSr2+aX6Q0nM4woP1cwmB3rA6f2KVlvEJxIGCWKtjkSre75W1piEojvdI8GclJ'
        ),
        observe=_next_hop("pod/my-shell", "pod/web", "kind-worker"),
        setup=_with_pods(("my-shell", "kind-worker", "nicolaka/netshoot"), ("web", "kind-worker2", "nginx")),
    ),
    Exercise(
        id='00.predict-from-laptop',
        kind='prediction',
        title='Can your laptop reach a pod?',
        prompt=(
            'Predict, then trace: a TCP SYN from your laptop (`external`, outside the cluster) to port 80 of a pod '
            'on kind-worker2. Delivered, dropped or rejected?'
        ),
        normaliser='choice',
        options=('delivered', 'dropped', 'rejected'),
        salt='29b849ab2fd8796c',
        answers=(
            '890600b74890de4fdb639d5c3ddf1e0d50e097c1d64a6d0b58830f672619b8cc',
        ),
        reason=(
            'The pod network is flat inside the cluster, but only the nodes have routes to it. Your laptop has none, '
            'so the connect fails on the spot: Network is unreachable.'
        ),
        misconceptions=(
            Misconception(
                name='flat-everywhere',
                feedback=(
                    'The pod network is flat inside the cluster: every node has routes to every pod range. Your '
                    'laptop is not a node; what does its routing table know about 10.244.0.0/16?'
                ),
                answers=(
                    'b2d57d31eb64a2a1c9cd98191f6912952d3277eec9271ff2238befc72a1f0a45',
                ),
            ),
            Misconception(
                name='dropped-on-the-way',
                feedback=(
                    'Nothing on the way dropped it. Think about whether the packet ever leaves your laptop: look for '
                    'a route to the pod range there.'
                ),
                answers=(
                    '4089da66b59cde5e6bdd79900f9032e1fbb9df789b43e763f8aa86c6c8181fda',
                ),
            ),
        ),
        hints=(
            'Only the nodes were given routes to the pod ranges.',
            '`print(cluster.trace("external", "pod/web", 80))` shows what happens; the last line is the verdict.',
        ),
        solution=(
            'k8s1:73vHpuJh4S8gjrohvGPXdTdqc83ZjwEpaXKTDwyOGy+Yez8AKrGyeuOH9SqHykQtTPDe0+QHaIVbXt49BNpSEHt5XhZ02RZ'
            'hGGy+C0IO1kAsW0sAW2aQTbFL71bAZh3I5XQBulj1Oq9weXKAbVihERN0Hn6g+Ormc6PD+wRykK2uiOKgIL6Mb+IvQ1KhFJ404K5'
            '0E54Mgvm/PpQjmEUb02wO8f3QxmTnm4rNCHjSASW8xzwXklYIxodxY2aOsg=='
        ),
        observe=_verdict("external", "pod/web", 80),
        setup=_with_pods(("web", "kind-worker2", "nginx")),
    ),
    Exercise(
        id='00.quiz-who-assigns-podcidr',
        kind='choice',
        title="Who chooses a node's podCIDR?",
        prompt='Which component chooses the podCIDR of a node?',
        normaliser='choice',
        options=(
            'the kubelet on that node',
            'the node IPAM controller in kube-controller-manager',
            'kindnet, the CNI plugin',
            "docker, when it starts the node's container",
        ),
        salt='b99f5e75723029ae',
        answers=(
            '143955a6d39d920926ba7af1318a800434c2a8bf1c2bac4cb99e48296b806d34',
        ),
        reason=(
            'The node IPAM controller watches Node objects and gives each new one the next free slice of '
            '--cluster-cidr, writing it into spec.podCIDR; the kubelet and the CNI plugin only read it.'
        ),
        misconceptions=(
            Misconception(
                name='kubelet',
                feedback=(
                    'The kubelet registers the node and later reads its podCIDR to pass to the CNI plugin, but it '
                    'does not choose it.'
                ),
                answers=(
                    '71a7795ae4c708a8b5fea3b83fdd0cdabb5037eb4048d5758885672daa1f531b',
                ),
            ),
            Misconception(
                name='cni-chooses',
                feedback=(
                    "kindnet reads each node's podCIDR and writes routes and its CNI config from it, but it does not "
                    'choose it: the range is already on the Node object.'
                ),
                answers=(
                    '9d10197075a4dab415dfaed185e6c3bc38b90a1a6afe00c6b36f41412df15ad2',
                ),
            ),
            Misconception(
                name='docker',
                feedback=(
                    'Docker gives the node containers their node IPs on the kind network (172.18.0.x), not the pod '
                    'ranges.'
                ),
                answers=(
                    '3f9d9aa6c241e4d4f45866c985b19f02998e4af1adb6f19d6e5abbf99baeb525',
                ),
            ),
        ),
        hints=(
            "The podCIDR is written into the Node object's spec after the node registers.",
            "Which control loop watches Node objects and hands out ranges from the cluster's pod network?",
        ),
        solution=(
            'k8s1:C29FsjrGubcgPodulRwt7OGjJVBjEoFeg3v5WEXZNuDgSdKuJi80pGsClCqYZWOIWRWMTkKjQCCYBuvHLOqVf9KAHLueHaT'
            'HKFIhszIrbp+H6iIBaj09MesIrf+fJ4Qw/qwhNQ7hYaMkDJgDnPvfl44BJZfWMklpWG24Y+V4FAQAEfOm6CGZSu/Xy8FP'
        ),
    ),
    Exercise(
        id='00.tf-pod-to-pod-nat',
        kind='choice',
        title='Is pod-to-pod traffic NATed?',
        prompt=(
            'True or false: when pod a on kind-worker connects to pod b on kind-worker2, b sees the connection '
            "coming from kind-worker's node IP."
        ),
        normaliser='choice',
        options=('True', 'False'),
        salt='fbf3f1fca8aac33d',
        answers=(
            '9948722e9b5151c623f5e67126c2e636fdf2668c7e90a8db127315e669088418',
        ),
        reason=(
            'The Kubernetes network model says pods reach each other without NAT: kindnet masquerades only traffic '
            "leaving the pod network, so b sees a's own pod IP."
        ),
        misconceptions=(
            Misconception(
                name='pod-traffic-masqueraded',
                feedback=(
                    'kindnet masquerades traffic that leaves the pod network for the outside world, but not '
                    'pod-to-pod traffic: the Kubernetes network model requires pods to reach each other without NAT.'
                ),
                answers=(
                    'f38619f454ff15a4740b8ccb2138b63d2ca8fdfff688f2a33ffa2726448d5a54',
                ),
            ),
        ),
        hints=(
            'The Kubernetes network model has a rule about NAT between pods.',
            (
                'Trace it and read the source address as the packet arrives in pod/b: `print(cluster.trace("pod/a", '
                '"pod/b", 80))`.'
            ),
        ),
        solution=(
            'k8s1:nW6NFNf4zyo58yO0p6tga9/Qc6lFRId51TOIfktqbUiyrjyrulfzRd/irbVKUJkZa57+Pvyl9Wef5UMIZ2UVRPcIGAFjB/W'
            '6m511Ke+sm0G0O7WDAVcVklCD/aUlcHqgc7ObSzQdSqK38WmcpBmx4LbHfDuqyOtAGgM='
        ),
        observe=_nat_seen,
        setup=_with_pods(("a", "kind-worker", "nicolaka/netshoot"), ("b", "kind-worker2", "nginx")),
    ),
    Exercise(
        id='00.task-a-reaches-b',
        kind='task',
        title='Pod a reaches pod b across nodes',
        prompt=(
            'Create a pod `a` on kind-worker and a pod `b` on kind-worker2 whose container serves on port 80 (the '
            '`nginx` image does), so that a reaches b on port 80 across the two nodes. Then '
            '`check("00.task-a-reaches-b", cluster=cluster)`.'
        ),
        reason=(
            "a's SYN left kind-worker for kind-worker2 over the node network, reached nginx in b on port 80, and b's "
            'answer came back: pods on different nodes talk directly, without NAT.'
        ),
        misconceptions=(
            Misconception(
                name='refused',
                feedback=(
                    "The packet got to b, but nothing listens on port 80 there: b's container must be a server on "
                    'port 80 (the `nginx` image is).'
                ),
                example=(
                    "_create(cluster, ('a', 'kind-worker', 'nicolaka/netshoot'), ('b', 'kind-worker2', 'busybox'))"
                ),
            ),
            Misconception(
                name='path',
                feedback=(
                    'a reached b, but not across nodes: put a on kind-worker and b on kind-worker2 with '
                    '`spec.nodeName` (pods go exactly where nodeName says).'
                ),
                example=(
                    "_create(cluster, ('a', 'kind-worker', 'nicolaka/netshoot'), ('b', 'kind-worker', 'nginx'))"
                ),
            ),
            Misconception(
                name='no-source',
                feedback='There is no pod a with an IP yet. Create it with `spec.nodeName: kind-worker`.',
                example="_create(cluster, ('b', 'kind-worker2', 'nginx'))",
            ),
            Misconception(
                name='no-destination',
                feedback=(
                    'There is no pod b with an IP yet. Create it with `spec.nodeName: kind-worker2` and the nginx '
                    'image.'
                ),
                example="_create(cluster, ('a', 'kind-worker', 'nicolaka/netshoot'))",
            ),
        ),
        hints=(
            (
                'Each pod needs `metadata.name`, `spec.nodeName` (kind-worker or kind-worker2) and one container; '
                "b's image should serve on port 80."
            ),
            (
                'Create them with a manifest, `cluster.apply(...)`, or a dict each with '
                '`cluster.store.create({...})` followed by `cluster.settle()`.'
            ),
            (
                'Check by hand first: `print(cluster.trace("pod/a", "pod/b", 80))` should end with delivered and '
                'pass through both nodes.'
            ),
        ),
        solution=(
            'k8s1:Mp9DP/j4IonEtdWYFJ5sPKh+P8YqRz/0XM9Spe8Ior4OZT6CPXlgYO9E6CabrNKdN+y9L36aDLwQuzu0GHnKG2/jxoL496S'
            'bAqiMKV50DMMohQZgBdZ7KRGjAQrymVdwBGJ75NmjkkQcnkx6CR6G2Ow8rDwoDwDpsc+XKI3daT4qkopzBSWC/Lebe0T+vCTHvbZ'
            'AJkC+/8GD2oTPM3JA3ds743fdb3xZPCEzyYp9ZP/CbqeTeLBgHFxvilGDxPENHN8LLgkhni/kXZCexbfCrQKHznZXNP0Z+OD4Nmw'
            'tFvXYUbvsDpxQaFFRW8qyocTA3T3kwuA56DgtXgDwaXZTuBq2Pmj0SCLv1Y2AjE4ho2+kiNwYg3NUdBCpiPS+zzEzpVZfmmFWx+L'
            'yIcvc6fict/eXdxOoPlAsI/yXD00XW0s='
        ),
        probe=_a_reaches_b,
    ),
]
