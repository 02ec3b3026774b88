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
        salt='7877787fd05e7067',
        answers=(
            '878413d7b46a38d5fbb9f83076eea4c1e6da9886ee473a5cad972a84faa4e296',
        ),
        misconceptions=(
            Misconception(
                name='service-cidr',
                feedback=(
                    'That is the Service CIDR: the range ClusterIPs are taken from. Services and pods are numbered '
                    "from different ranges; the question asks for the range kind-worker's pods get their IPs from."
                ),
                answers=(
                    'fdedc25f245eb7386291e3004d0d5c3792974cc74128951e11098637c65615d9',
                    '0f243428b62c4bb6d0fa9a930d55f89daf97effa4f3477a048f6429a4e08d2e7',
                ),
            ),
            Misconception(
                name='cluster-pod-cidr',
                feedback=(
                    "That is the whole cluster's pod network (kube-controller-manager's --cluster-cidr). Each node "
                    "is given its own smaller slice of it: the question asks for kind-worker's slice."
                ),
                answers=(
                    'b5de9d076ba4ce6347f2c16805bf94e38f6fe4c6c79063838f7a24db89d648ce',
                ),
            ),
            Misconception(
                name='other-node',
                feedback=(
                    "That is another node's podCIDR: each node has its own. Check which node you read it from."
                ),
                answers=(
                    '64687193aaef68c031961a8cd82c7100f2aaf31e8567d76a351fa07e972d5839',
                    'e3978fa6ad4371c6e7ad8507e66c376539a5d09c0bc7a9642b7f840d99479104',
                ),
            ),
            Misconception(
                name='node-network',
                feedback=(
                    'That is the docker network the nodes themselves sit on: node IPs come from it. Pods get their '
                    'addresses from a different range.'
                ),
                answers=(
                    'a038c19832eb28ebc7ca3adee7e0fa99db080b8f5c398d16ac8a32c4deb14715',
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
        salt='3144713ec3702767',
        answers=(
            'fbf2a5c807173661432c06781f325cd1e26440302d2ccf0e9fdcadf3581ccbbc',
        ),
        misconceptions=(
            Misconception(
                name='service-cidr',
                feedback="That is the Service CIDR: the range ClusterIPs are taken from, not a node's pod range.",
                answers=(
                    '806b66c35739bdf913124237b1f41bbe7defd33eb31bd2b7fbeb0fdd9f0714b6',
                    'cf76db15d954cb7b22e57ec29269aa65a7996e83abe5feb892da12691a6ece11',
                ),
            ),
            Misconception(
                name='cluster-pod-cidr',
                feedback=(
                    "That is the whole cluster's pod network. Each node, the control plane included, is given its "
                    'own smaller slice of it.'
                ),
                answers=(
                    '914de90fac7d4f5f54fe4f49392482a15f03f539348244bf419560e36f6d76fa',
                ),
            ),
            Misconception(
                name='other-node',
                feedback="That is a worker's podCIDR: each node has its own. Check which node you read it from.",
                answers=(
                    '3425fe9ca64a7b6da866edc4c63d966d1a94c72faf76535c0188bc047ff04520',
                    '7255f2d98793c002d04add70dbfa3f40f93d0bddc6965c0183573880523953bd',
                ),
            ),
            Misconception(
                name='node-network',
                feedback='That is the docker network the nodes sit on, where node IPs come from, not pod IPs.',
                answers=(
                    '776c66955fa8a5c6c5e302f53c3d750f78d29ae18c0e92a25d714144e9c25972',
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
        salt='e0d86268cede10bb',
        answers=(
            '0930ec98dbaa1ef1c51280058e975755ba1fbaedf1b6790745de735bbf77a2b4',
        ),
        misconceptions=(
            Misconception(
                name='pod-ip',
                feedback=(
                    "That is a pod's IP, from kind-worker's pod range, not the node's. The node IP is the address of "
                    "the node's own eth0 on the network the nodes share."
                ),
                answers=(
                    'daa0b978ea12a82a9d0c135f98846ae5c458630c40f5bfd504d20c78f72649af',
                    'f9a00ae268e05c8224f9ebad568b02ca5aeb1b530a98aba0e91b9227d2ac9439',
                ),
            ),
            Misconception(
                name='pod-gateway',
                feedback=(
                    "That is the gateway the pods on kind-worker use, on the pod network: the node's end of each "
                    "pod's veth. The node IP is on the node network."
                ),
                answers=(
                    'fc34cbbc970ded6910490ea0b4139d24135919d93ec3ab925817c35b8aeadb27',
                ),
            ),
            Misconception(
                name='docker-gateway',
                feedback=(
                    "That is the docker network's gateway: the bridge on the host, where traffic leaves for your "
                    'laptop and beyond. It is not a node.'
                ),
                answers=(
                    'cd3afd32d299b30591a43d9f8474930e57102baba270fe108ef94db95465cddd',
                ),
            ),
            Misconception(
                name='other-node',
                feedback="That is another node's IP. Check which node it belongs to.",
                answers=(
                    '75e2df45abc46622853e1afa0122d653fee8b327ed8d0c925d219e92d9b7d6ca',
                    'ada57b2514800f8412ede49b0cd4b28b7ea3bc9187f3660e62036c7a7c247bd9',
                ),
            ),
            Misconception(
                name='service-ip',
                feedback="That is a Service's ClusterIP (from the Service CIDR), not a node's address.",
                answers=(
                    '39d04cfa741a4243a1ce220fa7b35705ca46776d86392f258622c856b0f5bc8e',
                    '755491b4c6c83e2f50639510179065860bd5918397290db119c4e0e66cc12172',
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
        salt='0e1ca6e4c4e88429',
        answers=(
            '531c6c42599479c5894f54a34934bfb515901da157c8eeeec6e7930d2349a6f6',
        ),
        misconceptions=(
            Misconception(
                name='workers-only',
                feedback=(
                    '`workers=2` counts the workers only. The control plane is a node too: it registers, gets a '
                    'podCIDR, and runs pods of its own.'
                ),
                answers=(
                    '4e8256340025cc4005c10d70ad8c830d597dee0ccd30d9fb8ada6de786de4769',
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
        salt='5d8ad16a6646226a',
        answers=(
            'bd75a63432de94485414c83f6f1bd6d5c2d4cf4fd616e60315b003cd905d699a',
        ),
        misconceptions=(
            Misconception(
                name='node-ip',
                feedback=(
                    "That is kind-worker's node IP. A pod has its own network namespace with its own eth0, and its "
                    "IP comes from the node's pod range, not the node network."
                ),
                answers=(
                    '717c304f49a1c739c1f265da9d19020efc89502e4f95ef5df35299bfa5703903',
                ),
            ),
            Misconception(
                name='pod-gateway',
                feedback=(
                    "That is the gateway inside the pod (the node's end of the veth pair); the pod's own address "
                    'comes after it.'
                ),
                answers=(
                    'ba9a945bd30116cc0334d3f00ed5cee6e0ac3c64d2a33b0db9a26047039b7342',
                ),
            ),
            Misconception(
                name='other-node',
                feedback="That address is in another node's pod range; my-shell runs on kind-worker.",
                answers=(
                    '809033faa8d471ffb8df0fa5ee691503abd5d498926d61cf5e04e87d2c8d9e15',
                    '129dceed516404044c28d2604ab9422ab8fb1db053e7d2bdc7c9f24caad627bc',
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
        salt='ca9682ee0423d6f7',
        answers=(
            '894eefabb544fbac11cee7939f96001fca87f3017f27a269be1186ba48469805',
        ),
        misconceptions=(
            Misconception(
                name='default-route',
                feedback=(
                    "That is the default route's gateway. Routing picks the longest matching prefix: kind-worker has "
                    "a more specific route for kind-worker2's pod range, and a /24 beats the default /0."
                ),
                answers=(
                    '098786997b9c80fe5ea752069bd8692f1ca13af6bc02fedc8b1bb4c5cbc9622a',
                ),
            ),
            Misconception(
                name='destination',
                feedback=(
                    'That is where the packet is going, not its next hop: kind-worker is not on the pod network of '
                    'kind-worker2, so it hands the packet to a neighbour on a network it is attached to.'
                ),
                answers=(
                    '29c86170030d471c6973be0d864a70fc42d6c580e8068591811706fcf853b117',
                ),
            ),
            Misconception(
                name='pod-gateway',
                feedback=(
                    'That is a pod-side gateway address. The question is where kind-worker itself forwards the '
                    'packet, on the network between the nodes.'
                ),
                answers=(
                    '5595a1f6ddb8290e737a3a3468aa53d7eb02492e3cca6c32a3a6b88ddafbce0c',
                    'bf80eb6336caa5a40cd5e50d461118e85126279fc223aaf5a5f9ccfb6616fe60',
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
        salt='722b5875e8bffd77',
        answers=(
            'ff4ff1e23bc76408fe8a4f5bc2e5cf26c73b8483ff8aefb3ee8cfcfdc79f7c88',
        ),
        misconceptions=(
            Misconception(
                name='flat-everywhere',
                feedback=(
                    'The pod network is flat inside the cluster: every node has routes to every pod range. Your '
                    'laptop is not a node; what does its routing table know about 10.244.0.0/16?'
                ),
                answers=(
                    'bc931ebe6c11d410cc2ed9e16f3a605686876d5fa7482aa3d534a7132be8082e',
                ),
            ),
            Misconception(
                name='refused',
                feedback=(
                    'Nobody says no: a rejection needs someone to answer (a RST or an ICMP error). Follow the '
                    'packet: which route does your laptop use for 10.244.2.2, and does anything on that path know '
                    'the pod?'
                ),
                answers=(
                    '713e74288cdd8d058087f109b84a0a0e14960825476fb5e00620e9444880d2be',
                ),
            ),
        ),
        hints=(
            'Only the nodes were given routes to the pod ranges.',
            '`print(cluster.trace("external", "pod/web", 80))` shows what happens; the last line is the verdict.',
        ),
        solution=(
            'k8s1:73uPemxg5j88Ne8lw7p6WF40+G7a5czb/bbxV6xm9vvUhsA2oHDqtLkw8Pk22gcGyAKRnxI3MXeGtiupzHSWSpv3gr/nAPM'
            'h36pedfEfptF8yCLBxoHd68EO5FT0M3vjPMGXvGMNuCq5GRWAOgSoKijO1DcF/RU5J39VEAdnuXAvkV117oyVHTiHaPYH7ZwasQs'
            '0dc1uMIcv9uu6MgHTy6m32ccmtS8jVgIvyudPFRn4EqZdL1V4NqofFPDCAhIyTVkhkgn3Ev79qTgM7t/7eSK4TsU8VI/pJ6+7oCi'
            'TNqEXM48kx6BfTbES/dBbIMzWwQcXcL00J0ienj50V7Mn5bilfKj15W5WizUP/jAVJmHvxCYF9P0xucQPdVRFiFdVrBe90QSVV6X'
            'GTC3o2z+D'
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
        salt='ec736188e92eec0e',
        answers=(
            '17193565851bd08fbe24c3c2fba45752010fc1a8222fd8ac209bcd3a03b047c7',
        ),
        misconceptions=(
            Misconception(
                name='kubelet',
                feedback=(
                    'The kubelet registers the node and later reads its podCIDR to pass to the CNI plugin, but it '
                    'does not choose it.'
                ),
                answers=(
                    'cf7ed992b23870241bb9781ac5b79e640b4adea370ca3eaf6ba717de22311069',
                ),
            ),
            Misconception(
                name='cni-chooses',
                feedback=(
                    "kindnet reads each node's podCIDR and writes routes and its CNI config from it, but it does not "
                    'choose it: the range is already on the Node object.'
                ),
                answers=(
                    '60f147a7f69d68af01bad3be71b2e0369164e6f4de91021faef8fcfa7f6f4f23',
                ),
            ),
            Misconception(
                name='docker',
                feedback=(
                    'Docker gives the node containers their node IPs on the kind network (172.18.0.x), not the pod '
                    'ranges.'
                ),
                answers=(
                    '4aca3c3b7bf3e80d2932b995b924bd366bdf0feecbe4990920e8b66fc094a4a0',
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
        salt='54b0ac9311f8f531',
        answers=(
            'dd828e25294d214ec85028b033cc7e7a96fec97f8c46aea6e558cb00719af9b7',
        ),
        misconceptions=(
            Misconception(
                name='pod-traffic-masqueraded',
                feedback=(
                    'kindnet masquerades traffic that leaves the pod network for the outside world, but not '
                    'pod-to-pod traffic: the Kubernetes network model requires pods to reach each other without NAT.'
                ),
                answers=(
                    'e664ff7239cd9de8c42de423959e23c810ad7e2f640d6938ada0c6b97ad7ff25',
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
                'Write both pods in one YAML manifest (two documents separated by `---`) and pass it to '
                '`cluster.apply(...)`.'
            ),
            (
                'Check by hand first: `print(cluster.trace("pod/a", "pod/b", 80))` should end with delivered and '
                'pass through both nodes.'
            ),
        ),
        solution=(
            'k8s1:Mp+7/+jcPfnEz5/2w/g6aWaKWEkEoLoTzhvdBJmRTv6n+NiiKA/OQ8/yggKQgSbs5ZwWyD0iRU5Y/UFixvSJ1//BqHLIc5y'
            '9H55l5lOPgI7l0eD4nPRz941N4uu+suSn20n5HC0OAhAFj3LHX/2mhkOWrcJ7TExe9QrRn3Fk2jqKaZKq+zcwBH6R3WkWD/EarMM'
            '8OzoJfNwwTya/enL/23pVBO1YBssbHaTusVrQQZOmyHBJUX+eYeMMiCYqKOLD126DF0MG5YKO+8NCHR+kHBxZV5AqSCgztkBZnmE'
            '/nyp31lp/vwe/PXcttq1Jh86HPFFkF8gsPQirGaL/IGN52IHbxB2kr5Lgcy0raTndwkBIYmZIOuFP+XSvUkIFE75Gj+UIsHAF+5W'
            '/nS8xEUAcv/b8J5Gl1f/fHj/bSjFqWLXnguEz3F6Xuk+8S0m49+GEPwbPDB5fyZciA5WnUB/lBWaI7Dzeps8fKZn3n1Ozp4/CCS6'
            'V/9e2qg=='
        ),
        probe=_a_reaches_b,
    ),
]
