"""Notebook 04 (CNI on one node): the runtime's CNI call, ptp and host-local, bridge for comparison.

Answers are salted hashes and solutions obfuscated (made with ``python -m k8slab.exercises.author
render``; see ``k8slab/exercises/README.md``). The functions below say *how* to look, for the
instructor validation (``observe``) and for the task's probe (which asks the data plane only).
"""

from __future__ import annotations

import re
from ipaddress import ip_network

from k8slab.exercises.model import Exercise, Misconception, Probe
from k8slab.exercises.tasks import reach

NOTEBOOK = "04-cni-one-node"

CONFLIST = "/etc/cni/net.d/10-kindnet.conflist"
MY_SHELL = """\
apiVersion: v1
kind: Pod
metadata: {name: my-shell}
spec:
  nodeName: kind-worker
  containers:
  - {name: my-shell, image: nicolaka/netshoot, command: [sleep, infinity]}
"""


def _pod_c(node: str, image: str = "registry.k8s.io/e2e-test-images/agnhost:2.53") -> str:
    args = "\n    args: [netexec, --http-port=8080]" if "agnhost" in image else ""
    return (f"apiVersion: v1\nkind: Pod\nmetadata: {{name: c}}\nspec:\n  nodeName: {node}\n"
            f"  containers:\n  - name: app\n    image: {image}{args}\n")


def _demo(c) -> None:
    """The notebook's hand-made sandbox on kind-worker: CNI ADD, then DEL."""
    from k8slab.components.cni import add_network_list, del_network_list

    node = c.machine("kind-worker")
    conf = node.fs.read(CONFLIST)
    c.kernel.add_netns("cni-demo")
    add_network_list(node.host, conf, "demo", "/var/run/netns/cni-demo", "eth0")
    del_network_list(node.host, conf, "demo", "/var/run/netns/cni-demo", "eth0")
    c.kernel.del_netns("cni-demo")


def _after_demo():
    from k8slab.cluster import kind

    c = kind(workers=2)
    _demo(c)
    return c


def _after_demo_with_shell():
    c = _after_demo()
    c.apply(MY_SHELL)
    return c


def _my_shell_ip(c) -> str:
    c.apply(MY_SHELL)
    out = c.exec("pod/my-shell", "ip -4 addr show dev eth0")
    return re.search(r"inet (\S+)/", out).group(1)


def _flannel_two_pods():
    from k8slab.cluster import flannel

    c = flannel(workers=2)
    for name in ("f1", "f2"):
        c.apply(f"apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}}}\nspec:\n  nodeName: kind-worker\n"
                "  containers:\n  - {name: shell, image: nicolaka/netshoot, command: [sleep, infinity]}\n")
    return c


def _own_cidr_routes(c) -> int:
    cidr = ip_network(c.store.get("nodes", "kind-worker")["spec"]["podCIDR"])
    n = 0
    for line in c.exec("kind-worker", "ip route").splitlines():
        prefix = line.split()[0]
        if prefix != "default" and ip_network(prefix, strict=False).subnet_of(cidr):
            n += 1
    return n


def _same_node(c) -> Probe:
    p = reach(c, "pod/my-shell", "pod/c", 8080)
    if not p.ok:
        return p
    t = c.trace("pod/my-shell", "pod/c", 8080)
    others = sorted({t.where(h) for h in t.hops} - {"kind-worker", "pod/my-shell", "pod/c"})
    if others:
        return Probe(False, "left-node", f"the packet crossed {', '.join(others)}")
    return p


EXERCISES = [
    Exercise(
        id='04.cni-env',
        kind='choice',
        title='Where the interface goes',
        prompt=(
            'The runtime calls the CNI plugin with environment variables and the network config on stdin. Which '
            "variable tells the plugin in which network namespace to create the pod's interface?"
        ),
        normaliser='choice',
        options=('CNI_IFNAME', 'CNI_CONTAINERID', 'CNI_PATH', 'CNI_NETNS'),
        salt='b3da49b3af6fe6e2',
        answers=(
            'c880cb26a302af9df87316a78ae11d23c3f46c5613043c40f0f8d32a32aabe05',
        ),
        misconceptions=(
            Misconception(
                name='ifname',
                feedback=(
                    'CNI_IFNAME is the name the interface gets inside the namespace (eth0), not which namespace it '
                    'goes into.'
                ),
                answers=(
                    'db14944a0065de8f30de49b21c65afb2d1ea5f7935eac12d42104b5e87311f6d',
                ),
            ),
            Misconception(
                name='containerid',
                feedback=(
                    'CNI_CONTAINERID identifies the sandbox, so that IPAM can record who owns an address and DEL can '
                    'find it again; it does not say where the namespace is.'
                ),
                answers=(
                    '3dcf9c9a6f294710843dd1fca3df65b86aa1517f4675a5b42f18e0a6ac18059c',
                ),
            ),
            Misconception(
                name='path',
                feedback=(
                    'CNI_PATH lists the directories where plugin binaries live (/opt/cni/bin), so one plugin can '
                    'call another, as ptp calls host-local.'
                ),
                answers=(
                    'a72c9727a6f88b0cfbf15f21d6823d7fb32a422ace8303e189e5b79b281604e9',
                ),
            ),
        ),
        hints=(
            (
                'One variable names the interface, one the sandbox, one where plugin binaries are, one a path under '
                '/var/run/netns.'
            ),
        ),
        solution=(
            'k8s1:vp2GMh82XvwY55sEXP/7jVTU77nNaDnsZITi8/yDJ6cBRfRXOGwPC2mbco/mem0tK13FX4QU4ZWimkzn62JtPUzPgHXig7C'
            '4Usiloz7v7qOuRohq9KkLbVOQIZd7uKZJd+9HYXCnHj9G+H2KPsy9+bVAVnjjHW3+4BrB9xO2mKbpA1+KC2pZ/acVyoFnEziqG2u'
            'hEgcXOxRH1TGhJ5TEBngXRlzmI3oqspzAyWpvXo+5T+6Opb1rsg=='
        ),
    ),
    Exercise(
        id='04.next-ip',
        kind='prediction',
        title="my-shell's address after the demo",
        prompt=(
            'Predict before you create it: after your hand-made ADD and DEL, the kubelet creates my-shell on '
            'kind-worker. Which IP does host-local give it?'
        ),
        normaliser='ip',
        salt='84e14b7def2bebd1',
        answers=(
            '4953b6361000b0a6ef4575e5500d94aa5b684cbb34fb34e4159c17ed3860346a',
        ),
        misconceptions=(
            Misconception(
                name='freed-reused',
                feedback=(
                    "DEL freed the demo's address, but host-local does not hand out the lowest free one: it goes on "
                    'from `last_reserved_ip.0`, which DEL leaves alone.'
                ),
                answers=(
                    '630867c8e87e30c51f103eb653db504beb8b338b3d6f04212f276f20ebef204d',
                ),
            ),
            Misconception(
                name='gateway',
                feedback="That is the gateway, the range's first address: host-local never gives it to a pod.",
                answers=(
                    '011d3432fc51974b5b421dc6420c2f1b285b2c05537c42220d4d2f7d55e15e90',
                ),
            ),
        ),
        hints=(
            '`%docker exec kind-worker cat /run/cni-ipam-state/kindnet/last_reserved_ip.0`: did DEL change it?',
            'host-local starts searching just after the last address it reserved.',
        ),
        solution=(
            'k8s1:2eIRvyOFivKZhFxGMjXnYJ/vUsjgEqefYbhzXplBGlw8c7DzRasoUjiA3GtyQX7IAHsNmt38/gHTGn3UIAzARbgPur+Kxbg'
            'i1ki/yVquCurUYbdfXNeDGdE0t/MqgbXZAz0r1djjaX5+mj5KQduPkXKWsEHIRUEOxwybS92EUUNhK7km2qw0mPJ4ErPcSYJaYXm'
            '9X4b5BQXe0CyKZ9JXHOJWLadYAVfTkplri3Pw+JzLtvOO'
        ),
        observe=_my_shell_ip,
        setup=_after_demo,
    ),
    Exercise(
        id='04.gateway-where',
        kind='choice',
        title='Where the gateway lives with ptp',
        prompt=(
            "With kindnet's ptp plugin, every pod on kind-worker uses 10.244.1.1 as its gateway. On which "
            'interface(s) of the node is that address configured?'
        ),
        normaliser='choice',
        options=(
            "on a bridge, cni0, that all pods' veths are plugged into",
            "on the node's eth0, next to its node IP",
            "on the node's end of every pod's veth, as a /32",
            "nowhere: the node answers ARP for it on the pod's behalf",
        ),
        salt='8f0b467d2478a4a1',
        answers=(
            'afb4be8c35a29bf8e16ca4a97dd148a2633891962ada3cc816b6ca6eb44799e1',
        ),
        misconceptions=(
            Misconception(
                name='bridge',
                feedback=(
                    "That is how the bridge plugin (flannel's choice) does it: one cni0 holding the gateway as a "
                    '/24. ptp makes no bridge: look for cni0 in `ip addr` on a kindnet node.'
                ),
                answers=(
                    'de8a20534b5b11b745d8b26af7c9cef66acf9c89d48293ba13b9496a7668cb6c',
                ),
            ),
            Misconception(
                name='eth0',
                feedback=(
                    'eth0 carries only the node IP on the docker network. Read `%docker exec kind-worker ip addr` '
                    'and look for the gateway address.'
                ),
                answers=(
                    '30a9f62fdc2b90e1813657a1a548dab7b10a917aee7076900b721b0fabebc415',
                ),
            ),
            Misconception(
                name='proxy-arp',
                feedback=(
                    "The address is really configured; `ip addr` on kind-worker shows it. That is why the pod's ARP "
                    "for its gateway gets an answer from the veth's MAC."
                ),
                answers=(
                    'b60fd341d6692886b5ed484cf6758ca02ea75d498e7ed4c4e247892e404504a1',
                ),
            ),
        ),
        hints=(
            "`%docker exec kind-worker ip addr` and look for the gateway's address.",
        ),
        solution=(
            'k8s1:sUovXmEwdp+VvDSuUGE7Zw3HqhKHhC9PGXT3N0LSYTYlw46W5XLc0idmDZGYDIlyLe8fDh0K1diJDQdPFxv0BbJHLF1IFFb'
            'J3s+uI1oOqHXDHlFT7nzAsg9ZTPmpIevV5UUAe49L/NcWva0ncVjZ7Yb5xljLvsvB77HxQM8PN3Uh0ZwVkx9RHYY4ubgkL5dATkI'
            'm2GZV5WjODChkBQZYb0QwbX2OSQOpWU3fLQEgxXlZCFq4K121t2sCDHPJHX8sOlTclB+oA9G6ES/MCY0='
        ),
    ),
    Exercise(
        id='04.bridge-routes',
        kind='value',
        title='Routes to local pods on a flannel node',
        prompt=(
            "In the flannel cluster `fl`, kind-worker runs two pods. How many lines of kind-worker's `ip route` have "
            "a prefix inside kind-worker's own pod CIDR? Answer with a number."
        ),
        normaliser='count',
        salt='8d300e6ee544ce33',
        answers=(
            'ff6737783240750a90730775c1ea546acd3a90dff5aaae59c21088b52f814a76',
        ),
        misconceptions=(
            Misconception(
                name='ptp-style',
                feedback=(
                    "That would be ptp's way, one /32 host route per pod. With the bridge plugin the pods share a "
                    'link, cni0, and one route for the whole pod CIDR covers them.'
                ),
                answers=(
                    'ff610fbb1d5d559b7d5bb55206073ed525e3b1b407a226c3b4be73a1a12f63b2',
                ),
            ),
            Misconception(
                name='none',
                feedback=(
                    'Look for the route with `dev cni0`: the kernel added it when the bridge got the gateway address '
                    "with the pod CIDR's mask."
                ),
                answers=(
                    '24286a0d1d077ce7505ca96595ef7f86d05faad0cadc3dca4462a4b715be036f',
                ),
            ),
        ),
        hints=(
            '`print(fl.exec("kind-worker", "ip route"))` and compare it with kindnet\'s table above.',
            'Only one line mentions cni0.',
        ),
        solution=(
            'k8s1:sZBlzQyz1zhJJwwBJMrPm5L+DsnVxbBAjIFnja+TmD3LnOXGKcT9jhKL8GPHispilZcNCGDooru53aOy0DDSmvE0bQ6ALWF'
            'iBsi/Vg9fg7QrNyIPRn0dwIJMWBdQD8edti/yJ7+KG2OITnGXTy2Oxh15pfAYUPY6aWkywt6D/qrth1xzcqKJ2Q09lXXHkOCCZg0'
            'FrOVjU/igPOM+G3hrmOnPSV2egeL8/V4='
        ),
        observe=_own_cidr_routes,
        setup=_flannel_two_pods,
    ),
    Exercise(
        id='04.task-same-node',
        kind='task',
        title='A neighbour on the same node',
        prompt=(
            'In `cluster` (kindnet), create a pod `c` on kind-worker whose container listens on port 8080 (agnhost '
            'with `netexec --http-port=8080` does), so that my-shell reaches c on port 8080 without the packet ever '
            'leaving kind-worker. Then `check("04.task-same-node", cluster=cluster)`.'
        ),
        misconceptions=(
            Misconception(
                name='no-destination',
                feedback='There is no pod c with an IP yet. Create it with `spec.nodeName: kind-worker`.',
                example='pass',
            ),
            Misconception(
                name='left-node',
                feedback=(
                    'my-shell reached c, but the packet left kind-worker: c is on another node. Put it on '
                    'kind-worker with `spec.nodeName`.'
                ),
                example="cluster.apply(_pod_c('kind-worker2'))",
            ),
            Misconception(
                name='refused',
                feedback=(
                    'The packet reached c, but nothing listens on port 8080 there. Use the agnhost image with `args: '
                    '[netexec, --http-port=8080]`.'
                ),
                example="cluster.apply(_pod_c('kind-worker', image='nginx'))",
            ),
        ),
        hints=(
            'A Pod with `metadata.name: c`, `spec.nodeName: kind-worker` and one container.',
            (
                'The container: `image: registry.k8s.io/e2e-test-images/agnhost:2.53`, `args: [netexec, '
                '--http-port=8080]`.'
            ),
            (
                'Check by hand: `print(cluster.trace("pod/my-shell", "pod/c", 8080))` should be delivered and name '
                'only kind-worker and the two pods.'
            ),
        ),
        solution=(
            'k8s1:Pu5udxK6LBmF7jK9pLzfFfA+ofnH+SfW0RDIsq07iKgBPYhvT5pf08S1fEWYrzG6x0lnLNeH1AjuEJpVYlUOdwt0Dy4Eet/'
            'N5HCSSDFtV6GqfMPFh23NRApo1hAIQQgzIWEPLHqLt3Yu5ASRZFlX82e6KD0L3DcwRd1ejLxrSfSXvCXuHJN+WUaW4Lw0NoGJ/Fs'
            '79aV0E0xmDX/lfeSxJhy9CX+MQg5eNR6WHM6Fuwt21+Qq7BCZE/2Et/JPXURDSb7y0D+sYbH8SwgBp5BpFeBctQr6M/aQB6pdsDg'
            'Kc/7L/TRD7WX3A/Xg1A/j4wBQkykkCPAeB/UdrvYvvby1sg/lMIP3R5CjGuolquhqNnRZlLIGCzUjGB4taChSQ42lxgDda7mfkfy'
            'I/OQQBoz+1w4V3VR4zAsnuXx6eMGAZHxgLAxMSmKrzhdT8zIYBS6l9A59FZyWJSmty5YNEJq8dwsOGc24A+bAOkiTochms6B9ZoN'
            '2EsL9bVlJixw='
        ),
        setup=_after_demo_with_shell,
        probe=_same_node,
    ),
]
