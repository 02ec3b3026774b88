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
        salt='290ba765e7574f23',
        answers=(
            '1dfc062d597fecbc2e224a0fa023ddd78c2e7adef2e39924276e1efe34b9aeb5',
        ),
        misconceptions=(
            Misconception(
                name='service-cidr',
                feedback=(
                    'That is the Service CIDR: the range ClusterIPs are taken from. Services and pods are numbered '
                    "from different ranges; the question asks for the range kind-worker's pods get their IPs from."
                ),
                answers=(
                    'a821ac57b33d794d83ecc80bf69bed5d980dd323802d14c9d5d3ae5f559fa142',
                    'cd8094a3997780000c0774536f694f6296fb640c278762d3fe6d4df166abcf78',
                ),
            ),
            Misconception(
                name='cluster-pod-cidr',
                feedback=(
                    "That is the whole cluster's pod network (kube-controller-manager's --cluster-cidr). Each node "
                    "is given its own smaller slice of it: the question asks for kind-worker's slice."
                ),
                answers=(
                    'bada1e3f482fd42cca1081eefb0528a8724863ff37471353b07b6d8403338dfb',
                ),
            ),
            Misconception(
                name='other-node',
                feedback=(
                    "That is another node's podCIDR: each node has its own. Check which node you read it from."
                ),
                answers=(
                    '502fc8ded36b3e57caf7df3819d3c40963485ec45af63b0fb7c831d1bd948bf1',
                    'fb7fab2efe18aa6acccd5884c78d7ec8349f4e47fb8a6e9412f0fe31fb7cadc9',
                ),
            ),
            Misconception(
                name='node-network',
                feedback=(
                    'That is the docker network the nodes themselves sit on: node IPs come from it. Pods get their '
                    'addresses from a different range.'
                ),
                answers=(
                    '5471a5b42d53ca8f1165573094a2d4a18315f5bffc57046222bd919909766613',
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
            'k8s1:z+YHIKlhETWD71AILwmd/8TBov/1GosP6CrDJyUIQEQu0wuFt8eo5hegHbMwn867eYb9vdtRnPNwrc8CIY1buwR2fVtZ/hx'
            'DqXJsSsYOyZQD2bIOn1rk6HOpZeO52z2j6mXAJlK4LDbyG+FaAeRA2YqFuq1pvyn7opNNxt6IYqokjE3pfy+sIAnNQfgyiAz0YS3'
            'n4jVZrdNxifYsDrAXojJS9Z3yOngO7cQovU/ikJvJKtwXOfGEamDkqM2iXKHa5Cg0z5/o4pLrlFAlZ9Maupmp5NpxgY+kMCzoAUn'
            'PlwAfyZsKmeALUy/lDuUiziS9/krbRROtFSbYml24CVdzMjlhHoQrbT26agA9USvuohOgr/FRd2gLIV/G/DVzPfwLF7Uekdmy8vE'
            'F1w=='
        ),
        observe=_node_pod_cidr("kind-worker"),
    ),
    Exercise(
        id='00.control-plane-pod-cidr',
        kind='value',
        title="kind-control-plane's pod CIDR",
        prompt='And which podCIDR does kind-control-plane have?',
        normaliser='cidr',
        salt='fa4acf876efb5c8f',
        answers=(
            '81793f7871eaa8b26ce70430e3d7bcf7d56b37cfb60db73f3902c266a692ca8b',
        ),
        misconceptions=(
            Misconception(
                name='service-cidr',
                feedback="That is the Service CIDR: the range ClusterIPs are taken from, not a node's pod range.",
                answers=(
                    '9b2d5700bb055a8e4e0359485364428919bf99e27196731188d9ea1310db2181',
                    '795d95e4e9c5f45812b58cab2accd0a7c8fcb8a7d83ef5b3bcd4959a176f05ff',
                ),
            ),
            Misconception(
                name='cluster-pod-cidr',
                feedback=(
                    "That is the whole cluster's pod network. Each node, the control plane included, is given its "
                    'own smaller slice of it.'
                ),
                answers=(
                    '3812e63ecfc4a4d9be15c7c30cc436167a4d8c8f676c7bcfbc3b4c43d946b459',
                ),
            ),
            Misconception(
                name='other-node',
                feedback="That is a worker's podCIDR: each node has its own. Check which node you read it from.",
                answers=(
                    '90f6eefcedd476c63f1e8dbf99423e96cc0230d6a832ea07112133e6488c1ff9',
                    '0bb600c71ec01aef666c92ac4218b0dcaa64c08efb176890e5fcc5a51094833a',
                ),
            ),
            Misconception(
                name='node-network',
                feedback='That is the docker network the nodes sit on, where node IPs come from, not pod IPs.',
                answers=(
                    '3f71b9439b8416d263cc793385603798c924490236379a74d016b15468246710',
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
            'k8s1:eE1GY0aG013OCmOk3d/Kpv7AKmjw2xMq4UwI+0CRxjj2R+iAKWKRtR0tfgameRkJtlNz5+6NMYDmmES5Hda5KkzJHYouTXm'
            'L/b2aa/VB2HPK5nJmdPz/aibDCyk+OWYFtRJCGk3R0sIf75g+uuhNFWQpYcR3ZBxvtubxJsQ16JwmWxF1OS3/xvRI+POERGMq3aI'
            '5mlwhtzELjBEAHRY8HodGl7JnKinLBVouwfBFYz8sHhhS9wxXETgTWgE8mMytepDCRlaDS0RfFKbTrV37k505c6I31aetRlBWRZe'
            'tSJo3qd40HrYA1hp2IEoKH166A9w='
        ),
        observe=_node_pod_cidr("kind-control-plane"),
    ),
    Exercise(
        id='00.worker-node-ip',
        kind='value',
        title="kind-worker's node IP",
        prompt='What is the node IP (the InternalIP) of kind-worker?',
        normaliser='ip',
        salt='0c7bb6875c34e04f',
        answers=(
            '3cf212014141a0b7c9aa003b94d6f5524e75aa7028c61c32cfc353682a267573',
        ),
        misconceptions=(
            Misconception(
                name='pod-ip',
                feedback=(
                    "That is a pod's IP, from kind-worker's pod range, not the node's. The node IP is the address of "
                    "the node's own eth0 on the network the nodes share."
                ),
                answers=(
                    'c1d6abaa505c884b8e0ca19263f18433b30fa42a9995ec7f8e4c56ef6e05bc10',
                    'ae9e56f4c43ebab05a55e5f2d046945f5879b63fa83e7a6dfc847cd037b1de0b',
                ),
            ),
            Misconception(
                name='pod-gateway',
                feedback=(
                    "That is the gateway the pods on kind-worker use, on the pod network: the node's end of each "
                    "pod's veth. The node IP is on the node network."
                ),
                answers=(
                    '2c9946a9025ecee9a219f5910e63b607953f85db4fb130bc8b7fe4e1afc94aae',
                ),
            ),
            Misconception(
                name='docker-gateway',
                feedback=(
                    "That is the docker network's gateway: the bridge on the host, where traffic leaves for your "
                    'laptop and beyond. It is not a node.'
                ),
                answers=(
                    'ff9dacd34270d0351bae9cfcd4874c400c09cdd64709edcfcb506c320dac5d73',
                ),
            ),
            Misconception(
                name='other-node',
                feedback="That is another node's IP. Check which node it belongs to.",
                answers=(
                    '3e1e7508bf71ab1d44abae51f46b908499689281485333b75daa9351a614d1b1',
                    'dede0c0efbc54112251ba0d3e8911e256ac6bd5e9da56c77faa1799137a56067',
                ),
            ),
            Misconception(
                name='service-ip',
                feedback="That is a Service's ClusterIP (from the Service CIDR), not a node's address.",
                answers=(
                    '5471163a8b8e95c9155515427f3b3c4aa8ad79678782b0917ea4d248241728ad',
                    '6aa4d6201e8a9ec362a441f2d02199d76aae66f006d96c027e55028aac8cb042',
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
            'k8s1:H8TjN6kjN04jBp97tyNl+5X+0Qz8DuUUUhIwGpaZ+Y/r53CZeG53DULzvrDV3E8yK9LSofuGNKW5aEDUgiQuTWJTMAyYtiw'
            '/y72qiA3Tf2OYiDbCdmnkmUreXaL88uUEbgHyj5YrO8Lu8ZbariOOV1wKi5tGR70qN0ACH5tI//RL3/+0nQKj7nLrhY9uIZcsISE'
            '0IruaXH6RZUdH0cpmn/fWoBtReYWEEHpdpWWCzorNLJYxHmfdsFyPoVoQT3ESz1yg2ZoNTGmlAKX15TMDo6eDBTCaisdqS4tGx1P'
            'IxEgvkrSbuT4IIzaitBxbQrk4Df3K07rpb+CCbO1kBN46nw=='
        ),
        observe=_node_ip("kind-worker"),
    ),
    Exercise(
        id='00.node-count',
        kind='value',
        title='How many nodes',
        prompt='How many Node objects does `k8slab.kind(workers=2)` register?',
        normaliser='count',
        salt='b6368c9b38a00191',
        answers=(
            'b2b75bb6e2ca98866017a881747eee80c94996ecbcbf6851772f8e7f81eb157f',
        ),
        misconceptions=(
            Misconception(
                name='workers-only',
                feedback=(
                    '`workers=2` counts the workers only. The control plane is a node too: it registers, gets a '
                    'podCIDR, and runs pods of its own.'
                ),
                answers=(
                    '0fcf32d798a8d871514e829179fd4b12e0a909d1eaa764b697432538ab1564db',
                ),
            ),
        ),
        hints=(
            'A kind cluster has a control-plane node besides its workers.',
            'List them: `%kubectl get nodes`, or `sorted(cluster.machines)`.',
            'Count the rows of `%kubectl get nodes` below its header line.',
        ),
        solution=(
            'k8s1:duxwN8dZwBQNjNxKHlReZlDD7PbYIl0FLUpd4AIWON2eQcRFr2jnTK8Uf1OcPu3cLmyxHO986POaApJd5IVwHVVT9C5pLZB'
            'lvzXQO2uonpAYipB1sI9a9aZhyv/PJ7N+kPRyrWn+xjh+rrVbNQrvIU3mGX28KnHyWNoT1Hb5WjvazSa0ekjiZMFJaIlo3Wz8amM'
            '='
        ),
        observe=_node_count,
    ),
    Exercise(
        id='00.pod-ip',
        kind='value',
        title="my-shell's IP",
        prompt='The pod `my-shell` was created on kind-worker (the first pod there). Which IP did it get?',
        normaliser='ip',
        salt='ff42b102e05774da',
        answers=(
            '88a959dfb31b0116a7aba1d62be6f0964d72922479bc10ee241217f85a00abe9',
        ),
        misconceptions=(
            Misconception(
                name='node-ip',
                feedback=(
                    "That is kind-worker's node IP. A pod has its own network namespace with its own eth0, and its "
                    "IP comes from the node's pod range, not the node network."
                ),
                answers=(
                    'edcef26b90c66b65eb8905cc7c4370ff54c2dbc93852c8378bb0d0e0be985b82',
                ),
            ),
            Misconception(
                name='pod-gateway',
                feedback=(
                    "That is the gateway inside the pod (the node's end of the veth pair); the pod's own address "
                    'comes after it.'
                ),
                answers=(
                    'a737f7e33b43d6ba2e5ddce0f15b65e98faacc023a334afb24e0a5967cb88275',
                ),
            ),
            Misconception(
                name='other-node',
                feedback="That address is in another node's pod range; my-shell runs on kind-worker.",
                answers=(
                    'd9fd8ad0a31d830e3238f056b1dc3ed27de68ece6fbe343c473579168ea0e21a',
                    'b92a9c3a0568a990c20294ddf5f8fe457285ebdc90e7d7eec02da2ac9be6cf58',
                ),
            ),
        ),
        hints=(
            "A pod's IP comes from its node's podCIDR.",
            'Look inside the pod: `cluster.exec("pod/my-shell", "ip -4 addr show eth0")`.',
            '`%kubectl get pod my-shell -o wide` shows it in the IP column.',
        ),
        solution=(
            'k8s1:UfdIiNYCHApEoH8re/Yhha13TGtCbl0atXbhMW53ensKXI2BpTQR1CU65Ejn265jHNv4ur2A/njMsn8pOvvssqvUPyfVyiD'
            'QMm8pDF3c9PBZ+O2AEJanGi9TFa77EdNQAQjA/8lj08etA2eRXyz0L717aHTBxen+XzHKgohdOK6M2BhlMkI8DHyir5ohQ4cunO3'
            'nJxbykD/lVZZbh55nusQbEXjCEJr2be9a44fAOqiCSWlk+nCeMAYfzpu8UQKst3c='
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
        salt='7c5ad775771500f3',
        answers=(
            '3f6eac45325d90d77101b904664384d59c41b81faea52d6ef004c9d31d0bc5f5',
        ),
        misconceptions=(
            Misconception(
                name='default-route',
                feedback=(
                    "That is the default route's gateway. Routing picks the longest matching prefix: kind-worker has "
                    "a more specific route for kind-worker2's pod range, and a /24 beats the default /0."
                ),
                answers=(
                    'db080b465b3f10aa71a5b927a12fd065f993ab42816ce0f043e992238ff6a02b',
                ),
            ),
            Misconception(
                name='destination',
                feedback=(
                    'That is where the packet is going, not its next hop: kind-worker is not on the pod network of '
                    'kind-worker2, so it hands the packet to a neighbour on a network it is attached to.'
                ),
                answers=(
                    '57714ab6f13f336cb4555af25779c09baf7edcb8ff147fe8a3b75b29b1a0776b',
                ),
            ),
            Misconception(
                name='pod-gateway',
                feedback=(
                    'That is a pod-side gateway address. The question is where kind-worker itself forwards the '
                    'packet, on the network between the nodes.'
                ),
                answers=(
                    '13462322ec95b52b1199405e740006a86f934257bb2036a32b987db600f2db29',
                    '9273db8c9cda6a7c3ed3458e6b86b5df4f3c48eed0f076dbfc1170e425007ac6',
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
            'k8s1:8FkUWeyEHL2gVZCEggJx3fgRKaBh31RuXIfdJlnLtTg62inGYJbeQJfwBCAO3ituB0YUZdeCdaVbsVKYBnR4JJnitEK4Ovi'
            'ogAafVt7bSyLI/aoiTtMVw9QD5hA4x9NbXXU0JVgm1RWEm9QnHaAzdyT5h52h7TjHa1mDSGQgZ/a7C3Icu/LDRe34EjuzJKzwmCq'
            'AwJSaqcO9QLBZBbv1eUNNx9VY5RsGhdmpRK6LvENAvOzDJCMCMBGwBOQrKoNn4ZPs69rISeiVTBYyCZ9rpFEXOOZEQr2K8o9I'
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
        salt='bbbb5b0b58e9b1a0',
        answers=(
            '2f412f69dce650b41ae513a51781825efcb165712a2ad273a1ab17eea97a1b57',
        ),
        misconceptions=(
            Misconception(
                name='flat-everywhere',
                feedback=(
                    'The pod network is flat inside the cluster: every node has routes to every pod range. Your '
                    'laptop is not a node; what does its routing table know about 10.244.0.0/16?'
                ),
                answers=(
                    '5df9b0006961fe8e1ec7651ba693a20f456c4c97c3b1fc79ce04c267859bbcaa',
                ),
            ),
            Misconception(
                name='dropped-on-the-way',
                feedback=(
                    'Nothing on the way dropped it. Think about whether the packet ever leaves your laptop: look for '
                    'a route to the pod range there.'
                ),
                answers=(
                    'befbcfbf2477ab8667da074c6f5d41bdc9fc39138a3e0dd0f235a4caebe65549',
                ),
            ),
        ),
        hints=(
            'Only the nodes were given routes to the pod ranges.',
            '`print(cluster.trace("external", "pod/web", 80))` shows what happens; the last line is the verdict.',
        ),
        solution=(
            'k8s1:73ufu2Jg4S88TzrOzK1YBuq9+pVPe6OOS1pMed0tsu8OxUL9cCiyr1j33f3xrkait9LLrWHVWnZ9FPU480m7mf7LOOaV80t'
            '6FI/U9toWEfr4Y+2rA1bITM9wNSsfCyeR8lVQ9oEOwgwSXy77qVSB88yZIdQ+tpRABPlIqdfL6LBJdT4o7E2WKIdUM9rSK6MWbjk'
            'kLNWZ/pK6PQ8OpJh3OJo5pLprfmaaOTQyJp+CfPNElI13sy0anA/xiy49EPxkLPAA+jCabeVMg3cFf1EKi5YSQ7ajDsCMQGS7xLd'
            'PNMFmlICR943G7R3Z+wxROWrDOnWZB7byXyICtRGnC55Ld+aJyoNX74fZ/Do='
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
        salt='367ef4aeca124742',
        answers=(
            'f2154a9548a71561c48e449a7c036b09eedf964afb86285de7dd784683ba9370',
        ),
        misconceptions=(
            Misconception(
                name='kubelet',
                feedback=(
                    'The kubelet registers the node and later reads its podCIDR to pass to the CNI plugin, but it '
                    'does not choose it.'
                ),
                answers=(
                    '70ad87defdaec11082fe3a007c377a17a35bf218cf7fe236b871683852b138ed',
                ),
            ),
            Misconception(
                name='cni-chooses',
                feedback=(
                    "kindnet reads each node's podCIDR and writes routes and its CNI config from it, but it does not "
                    'choose it: the range is already on the Node object.'
                ),
                answers=(
                    'd8d003fd509dd590d4ce213bda68a27625929db7daf2775ab4be6f86cb120d46',
                ),
            ),
            Misconception(
                name='docker',
                feedback=(
                    'Docker gives the node containers their node IPs on the kind network (172.18.0.x), not the pod '
                    'ranges.'
                ),
                answers=(
                    '033bda0503f5071561802f9f31519a2ab731407d208cf60680974586abe709ba',
                ),
            ),
        ),
        hints=(
            "The podCIDR is written into the Node object's spec after the node registers.",
            "Which control loop watches Node objects and hands out ranges from the cluster's pod network?",
        ),
        solution=(
            'k8s1:C29t9saCuLck/cnHidmvW8aGaHJtNQB/ye3+1PzgqMdKVXUt7PWhNhiWBFZ/4e06Lqlyr05WwwxZKjzfC+lG+PQNXRSLTO7'
            'KMWeUO6fD+yFOEp7E60gvANuBzVlXGcqiZDsio1v8RZfLyqrHs6N/YINWIzut+IFqH+Rb/v7Hp8PXN63y/0HUjlXEaNPgFNwuTWb'
            'LCFC9+a8Cnnr0aJACJkRNquGBwJlTOHn+jMlud0HkcD2ec9/EFitK+v3MTzdU+Yc5RM+nrfcSpDGkJh9NeL0sv3Q13erFiptI8pp'
            '2/VHi4OmCRxzYgP8Iqvvk0RA='
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
        salt='d0a92823ada3f1b9',
        answers=(
            '211b63130946dbe414e17ec68066f1a7a553fe7bdb53dacf3d9477974a06440d',
        ),
        misconceptions=(
            Misconception(
                name='pod-traffic-masqueraded',
                feedback=(
                    'kindnet masquerades traffic that leaves the pod network for the outside world, but not '
                    'pod-to-pod traffic: the Kubernetes network model requires pods to reach each other without NAT.'
                ),
                answers=(
                    '17095fc9d5f668904213797071a69067ce3f687202c9cbed0a7692474edf2a68',
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
            'k8s1:nW6lFyecyVo5s+NjJU10rutYncIHAeM0gS8BcTdScmAc587y5k7otpgT5cfJj/YlIKqVDHIg5AdJtVSUvGc11EqNSXCTn1s'
            'eelgBy/0V4tziYE0AQDPzOHOzrrocf1TKQtzOry9Phkq9Rh9uy2qE+iEa0IkPd3ABWCv3vKh05f4GVQXInZfDRqejlY8MjG61U9N'
            'm0Osk31zHwwkhDNb4OsbmftU+yabREd7B9pfnfTcZNJAv6400TUvMniOqfud6Fwj6E+sCsb9Iapyxw5JO03mp08ldsg=='
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
            'k8s1:Mp9DP+LYPYnEtdXxrFI/EkEiAQ7sI/sUXsnVMELgQJJm9cBnT7cMRHL6tB6XvIN3CfACv8C64TZE2FVbcOHC+iAT+GphM/z'
            'HB8uBvOGADh0Yykz5KwbG9YoOxFf/YOgYuAuFyamdGIcmV8vJl+ENan4KO5KJoXCXc6AZ/S8dxAMrQgqoETgPmjwekB46V3vTqUu'
            'lTZOTl7pfkzOrdaDSSsOUhVnnoYJUnqAEjJD4rRT5tPQM7evewEV/iB+vcozhxRNdE/EhHi0ILFjz1vBUUfx4aT2lfk6NyqnhwGR'
            'mJXwk3ilWlxhMmAMaMdHrRsaiFY1m7rZwFO9zJZaKsSxLKI2FeBUPJ5Ye71itmtKyGGU2q4+wv4mjH7Xf+7lOU1BQvsP1woGm/Rr'
            'mxZlvOkfFjb+2DPxEp0+fPiRaGPPjIZah0k15+lQiwypQ+/8apQM6Tp4b4wvzAyspCZN0fmjSDmiHrdZ4v0MFRmVVxJEuatgTuUU'
            '1+ZSP/pxUtoFAJwMLYQEd0+eCgWN7MA=='
        ),
        probe=_a_reaches_b,
    ),
]
