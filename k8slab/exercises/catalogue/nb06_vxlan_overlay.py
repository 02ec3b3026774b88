"""Notebook 06 (VXLAN overlay): flannel's flannel.1, its routes, neighbour and FDB entries, the
packet inside the packet, and the MTU it costs.

Answers are salted hashes and solutions obfuscated (``python -m k8slab.exercises.author render``;
see ``k8slab/exercises/README.md``). The helpers below say how to look (``observe``, ``probe``),
reading traces and the nodes' own tables, not the answers.
"""

from __future__ import annotations

import re

from k8slab.exercises.model import Exercise, Misconception, Probe
from k8slab.exercises.tasks import reach

NOTEBOOK = "06-vxlan-overlay"

# The notebook's two pods, as its %%kubectl apply cell creates them.
PODS = """\
apiVersion: v1
kind: Pod
metadata:
  name: a
spec:
  nodeName: kind-worker
  containers:
  - name: shell
    image: nicolaka/netshoot
    command: ["sleep", "infinity"]
---
apiVersion: v1
kind: Pod
metadata:
  name: b
spec:
  nodeName: kind-worker2
  containers:
  - name: web
    image: nginx
"""


def _with_pods():
    from k8slab.cluster import flannel

    c = flannel(workers=2)
    c.apply(PODS)
    return c


def _flannel_mac(c, node: str) -> str:
    """The MAC address of a node's flannel.1 (its VTEP), as ``ip link`` shows it."""
    out = c.exec(node, "ip link show flannel.1")
    return re.search(r"link/ether (\S+)", out).group(1)


def _broken_fdb():
    """The notebook's cluster after someone deleted kind-worker's FDB entry for kind-worker2."""
    c = _with_pods()
    c.exec("kind-worker", f"bridge fdb del {_flannel_mac(c, 'kind-worker2')} dev flannel.1")
    return c


def _encap(c, dst: str):
    t = c.trace("pod/a", dst, 80)
    return t, next((h for h in t.hops if h.stage == "vxlan-encap" and t.where(h) == "kind-worker"), None)


def _encap_field(field: str, dst: str = "pod/b"):
    """A field of the outer headers flannel.1 put on a packet from pod a (read from the trace)."""
    def observe(c):
        _, hop = _encap(c, dst)
        outer_ip, outer_udp = hop.after.layers[0], hop.after.layers[1]
        return str(outer_ip.dst if field == "dst" else outer_udp.dport)

    return observe


def _max_payload(c) -> str:
    """The largest payload (DF set) a trace from pod a delivers to pod b."""
    best = 0
    for size in range(1300, 1501):
        if c.trace("pod/a", "pod/b", 80, size=size).verdict == "delivered":
            best = size
    return str(best)


def _fdb_probe(c) -> Probe:
    probe = reach(c, "pod/a", "pod/b", 80, through=("kind-worker", "kind-worker2"))
    if probe.ok:
        return probe
    _, hop = _encap(c, "pod/b")
    if hop is None:
        return Probe(False, "no-fdb", probe.detail)
    if str(hop.after.layers[0].dst) != c.machine("kind-worker2").ip:
        return Probe(False, "wrong-vtep", f"flannel.1 wrapped the frame for {hop.after.layers[0].dst}: {probe.detail}")
    return probe


EXERCISES = [
    Exercise(
        id='06.vxlan-port',
        kind='value',
        title="The UDP port of flannel's tunnel",
        prompt=(
            'To which UDP destination port does kind-worker send the datagrams that carry pod traffic to the other '
            'nodes? Answer with the number.'
        ),
        normaliser='port',
        salt='3d9e366d4743859e',
        answers=(
            'f639651f72eab89aecf70713bee63bf9594330832977098424cbdac431a7f872',
        ),
        misconceptions=(
            Misconception(
                name='iana-port',
                feedback=(
                    'That is the port IANA assigned to VXLAN, and what many other VXLAN devices use. flannel keeps '
                    'the older Linux default for its vxlan backend; read the `dstport` of flannel.1 rather than '
                    'remembering the standard.'
                ),
                answers=(
                    '35d9d8c538fda95a87066ed46f99ac44f4150beaffe99a8883dfa738911331e6',
                ),
            ),
            Misconception(
                name='udp-backend',
                feedback=(
                    "That is the port of flannel's old `udp` backend, where flanneld itself wrapped packets in user "
                    'space. The vxlan backend lets the kernel do it, on another port.'
                ),
                answers=(
                    'd7008258d375f21389fe5777b01f3bf87db945b756be5a54d3df19743917d635',
                ),
            ),
            Misconception(
                name='service-port',
                feedback=(
                    'That is the inner TCP port, the one nginx listens on inside pod b. The question asks for the '
                    'outer UDP header, the one the nodes see.'
                ),
                answers=(
                    '12552e618bbd4c1e3c6676675916f143760b5a6904f93736c36b01a4bad70020',
                ),
            ),
        ),
        hints=(
            'The tunnel end on each node is the VXLAN device flannel.1; its settings say where it sends to.',
            (
                "`%docker exec kind-worker ip -d link show flannel.1` prints the device's VXLAN settings, among them "
                'the destination port.'
            ),
            (
                'Or read the vxlan-encap hop of a trace between two pods on different nodes; the outer UDP header is '
                'in its `after` line.'
            ),
        ),
        solution=(
            'k8s1:OMVBOLVBCLz3QuHLVTF8Mk6y52wqeYb6pu4mxLTzqQUSQ586CdkrkjWxHZ4mrLjUYiLJ5F0xooivm1ZYWqEHkah5W5734p9'
            'Y5NAtF/ZPf4U3wl49Irde6KtDKNFukPtRoETaO9Tb46zQd6WNyKdP1A5xRxsJaPSDGdY0u+QgiAOOp9nlEHD49/6+bGBom8LVUYP'
            'xs4O9v1Y9VCs8IMoxmcex8pCkzkLVtPLuB8/z5eokvJFjuGKJaQd45j0Syjt2/kH63k+FZXVmrt1R4kjVLHN2cOUPlA=='
        ),
        observe=_encap_field("dport"),
        setup=_with_pods,
    ),
    Exercise(
        id='06.outer-dst',
        kind='value',
        title="Where the tunnel sends a packet for the control plane's pods",
        prompt=(
            "Pod a on kind-worker sends a packet to 10.244.0.5 (an address in kind-control-plane's pod range). After "
            'flannel.1 on kind-worker has wrapped it, which IP is the destination of the outer IP header?'
        ),
        normaliser='ip',
        salt='fbcd741090cc12c3',
        answers=(
            '7b9862f131b66c6791922807853d4d0f51ba65c5f65c5833b9b89eafc033b738',
        ),
        misconceptions=(
            Misconception(
                name='inner-next-hop',
                feedback=(
                    'That is the gateway of the route through flannel.1, and it only serves to pick a MAC (through '
                    'the neighbour table). The outer header needs an address the node network can deliver to; the '
                    'FDB entry of that MAC gives it.'
                ),
                answers=(
                    'a57b7c98d75f36241692f31a711bfd10725708f1a9a0042106656de791433044',
                ),
            ),
            Misconception(
                name='inner-destination',
                feedback=(
                    "That is the inner destination, the pod's address, which stays inside the wrapped frame "
                    'untouched. The outer header is addressed to a node.'
                ),
                answers=(
                    'ae6370c12f93e595c9b0dd8ccdcfc0de2561200bde4bc2fc8b92c2f4ce7362e6',
                ),
            ),
            Misconception(
                name='docker-gateway',
                feedback=(
                    "That is the default route's gateway on the node network. The nodes share one network, so the "
                    'outer packet goes straight to the node that owns the range.'
                ),
                answers=(
                    '7369264cb5824775fc5ac9c01f8a0680bd550861f3381d952568cbbebcef67ff',
                ),
            ),
            Misconception(
                name='own-node',
                feedback="That is kind-worker's own address, the source of the outer header, not its destination.",
                answers=(
                    '22dac487e1cb930080aaaa48b9efe67dd1d15c059948b5f17ce2c66314cd2dff',
                ),
            ),
        ),
        hints=(
            (
                "Three tables on kind-worker take part: the route to the control plane's pod range, the neighbour "
                'entries on flannel.1, and the FDB entries on flannel.1.'
            ),
            (
                "`%docker exec kind-worker ip neigh show dev flannel.1` turns the route's gateway into a MAC; "
                '`%docker exec kind-worker bridge fdb show dev flannel.1` turns that MAC into a node IP.'
            ),
            (
                'Or trace it: `t = cluster.trace("pod/a", "10.244.0.5", 80)` and print the hop whose stage is '
                'vxlan-encap.'
            ),
        ),
        solution=(
            'k8s1:Np8CR1/qP5q+M1+Mt08QcD459kwf7oKNXE/yUS/b2W2qRUhdUcTSR1+a5ZKSnL4V/FCbgJAUob5F+/m3hLQuIDNzuGApYhd'
            '25tJTGth9yKlenc+ecqN1UP9Or5SFQvUYiRV1U8MpQIf6JIEnX+tw2UuJAQmBgHLJpaYo8YEud/OAme/Ss+mGWg7qVXC4o6nTAYq'
            '90vF3VheImsPi8vEVxd+mSwPVEHuWlGf1Z5HG0URhmIbjYHrxzHhyu2Lt3o7eB6rGrw8bbn014sDlUtEz5WuPQBY7'
        ),
        observe=_encap_field("dst", "10.244.0.5"),
        setup=_with_pods,
    ),
    Exercise(
        id='06.max-payload',
        kind='value',
        title='The biggest TCP payload in one packet',
        prompt=(
            "Pod a sends to pod b on the other node with the Don't Fragment bit set (as TCP does). How many bytes of "
            'TCP payload fit in one packet without an error? (The IP and TCP headers are 20 bytes each, no options.)'
        ),
        normaliser='count',
        salt='50b8f331f2eb607d',
        answers=(
            '775f8b1b24b36c594db6b7ffe22390b261caba8598b8f46da208fac911bfc3e0',
        ),
        misconceptions=(
            Misconception(
                name='ethernet-mss',
                feedback=(
                    'That is the usual payload on a plain 1500-byte Ethernet link. Inside the overlay every packet '
                    "must leave room for the 50 bytes VXLAN adds, so the pod's MTU is smaller."
                ),
                answers=(
                    '84e281c65c0b4816e13f1b3312814e9244503c0f704f77f2e86d36d7998648d7',
                ),
            ),
            Misconception(
                name='mtu-is-payload',
                feedback=(
                    'The MTU counts the whole IP packet, its own IP and TCP headers included, not only the payload.'
                ),
                answers=(
                    '2b791ad34bcbac8e0a43471d006b57cae00685a0f4f4d6e008089ba8e38eb051',
                ),
            ),
            Misconception(
                name='overhead-twice',
                feedback=(
                    "The 50 bytes of VXLAN overhead are already taken off in the pod's MTU; subtract only what the "
                    'pod itself puts in front of the payload.'
                ),
                answers=(
                    'f7dfe0a78e7bde68c93d18c1fe59084837bb7c07f386c3deff52df36c46c84d4',
                    '55e321d5c82629b45c71a493473e85ddec016afec23c0a8152684297de3e5fa2',
                ),
            ),
        ),
        hints=(
            "The limit is the MTU of pod a's eth0; read it with `%k8s exec a -- ip link show eth0`.",
            'The MTU is the size of the IP packet, headers included.',
            'Try it: `cluster.trace("pod/a", "pod/b", 80, size=N).verdict` for a few sizes N (N is the payload).',
        ),
        solution=(
            'k8s1:b6jMB/CMGmkdb8raUdUmIIvIMQ98fAj4ZZfJyXMmZlZCZrwV282bbwK35lxOzjNj6XmpzCUAgeBD+9L2v4K58K4Mqv729O6'
            'zFQZKTN85dGo9t2s7g2HzaQrocSDM1IgVEs0bgo42hYY9/yswj2fwNXT3tigUbQMTQplKmvuj0ip2ShqwHMU+yL5ygHE5uC6vcFG'
            'X1ddKKVuazMghcZOLGu6tbWleDD8BdYLqvAG3V6XyAYcPouFAqg=='
        ),
        observe=_max_payload,
        setup=_with_pods,
    ),
    Exercise(
        id='06.jumbo-mtu',
        kind='value',
        title="flannel.1's MTU on jumbo frames",
        prompt=(
            "A cluster's nodes have network cards with MTU 9000 (jumbo frames). flanneld sizes flannel.1 from the "
            "node's interface, as it did here. Which MTU does flannel.1 get?"
        ),
        normaliser='count',
        salt='866ac63a0468610c',
        answers=(
            'deea94871f54c4bdee712a06062ba213569d669e4f44712f8add79604b836e50',
        ),
        misconceptions=(
            Misconception(
                name='no-overhead',
                feedback=(
                    "The wrapped frame still has to fit the node's link together with the headers VXLAN adds; "
                    'flannel.1 cannot have the same MTU as the card.'
                ),
                answers=(
                    '151140d29e46cd2cea3f6dfbbe80b23e88d252749eec9783a0028cf4fe2103bd',
                ),
            ),
            Misconception(
                name='forgot-inner-ethernet',
                feedback=(
                    'You took off the outer IP, UDP and VXLAN headers (36 bytes). The inner frame keeps its own '
                    'Ethernet header, which counts against the outer MTU too: 14 bytes more.'
                ),
                answers=(
                    '12e44b77a6143b63eb69d38f5fd14659e64fc84bb38afa3bb929b4c4e097047b',
                ),
            ),
            Misconception(
                name='fixed-1450',
                feedback=(
                    "1450 is what a 1500-byte link leaves. flanneld computes it from the node interface's MTU, so it "
                    'grows with jumbo frames.'
                ),
                answers=(
                    '3394ba2211cc6ddab7984b1c4893e51df8377091e08fbe9856afdf70cc1c1761',
                ),
            ),
        ),
        hints=(
            (
                'Here eth0 has MTU 1500 and flannel.1 has 1450: the difference is what VXLAN adds, and it does not '
                "depend on the link's size."
            ),
            (
                'Count the bytes in front of the inner IP header once it is wrapped: the outer IP header, the UDP '
                'header, the VXLAN header and the inner Ethernet header.'
            ),
        ),
        solution=(
            'k8s1:DT7vuTcVh9uvjfzYg6eWfSmdqk+yeMQvjx1kIVmzOXVsEctttSEO0IkraalXEOga22opGT2CXr8I+cpGni+QxHQM6sNpU7Z'
            'X68kb2iFTQVgyabrdtUsBwXty6mK4jO6/PwpnTuIQGBozOS6RP2ErYTwDaNu+M2QIjLGkQ4n3Tn9cUkgL/oHNbJX8yUEpJY5rP02'
            'ipGBscuGXrH/0FwRF+wx0FRS4FC0='
        ),
    ),
    Exercise(
        id='06.quiz-backend',
        kind='choice',
        title='host-gw or vxlan?',
        prompt=(
            'Your nodes sit in two racks, each rack its own IP subnet, joined by a router you cannot configure. '
            'Which flannel backend carries pod traffic between the racks as it is?'
        ),
        normaliser='choice',
        options=(
            'host-gw',
            'either: both only need the nodes to reach each other by IP',
            'vxlan',
            'neither: pods on different subnets can never talk',
        ),
        salt='c266daf7b6809848',
        answers=(
            'db246a58f8d0e2e12851576d7b04a27a5cc88e04c060a34073842b98ae8148ed',
        ),
        misconceptions=(
            Misconception(
                name='host-gw-routes',
                feedback=(
                    "host-gw's route for another node's pods is `via <that node's IP> dev eth0`: the node must be a "
                    'direct neighbour on the link. A node behind a router is not (the kernel refuses such a '
                    'gateway), and the router knows nothing of the pod ranges.'
                ),
                answers=(
                    '46fb1f3726b16cd1f4cf25fb307eaa3fc876710ccd5ad54782ac4234dc9b9090',
                    'd027ae220ce0e74f21b048a480e57bfcb43979e7f4be97db98fa145aae30a415',
                ),
            ),
            Misconception(
                name='no-way',
                feedback=(
                    'An overlay is exactly the way: it wraps pod traffic in packets between node IPs, which the '
                    'router does carry.'
                ),
                answers=(
                    '3fde3865860967c12a9573590e3eb4a8ece9c9922efd203016f574d12dc1d565',
                ),
            ),
        ),
        hints=(
            (
                'Compare `ip route` on kind-worker in the vxlan cluster and in the host-gw cluster: what is the '
                "gateway of each route to another node's pods?"
            ),
            (
                'Try to add a route through a gateway that is not on any link of the node: '
                '`cluster.exec("kind-worker", "ip route add 10.99.0.0/24 via 192.168.5.1")`.'
            ),
        ),
        solution=(
            'k8s1:sB2nDN1lfzjstNtvgdIRv7T5+nhvhs/+yOumSHRxRS4/PTIWvklew4Ddffv4j5WdZAIGHfKQzupz2m2y8F1Wu/0f9SCkPLI'
            'jF60dQA3JaSiqZnGOuKCxe6RFsWU7Y0gvtOvLOosE53YxGswtljBxSNYZ+sN75PJna4YH1CjAppUYGd1NiToe2Ox+gAhYWK1ZTN6'
            '6Bjrn6D4h+KSDCK3PRUI6WxH/XF3a4NWk/H7G+6dAdQYNs0cgC1ul9c7C/rhmyWN6kDntna91xGC2IWnBIbfaGNG5jnfQr5xeh16'
            'NkL9xO8+hC9awLApfloL0Tbquj3YVZQ38roPDNC9uSEInatb6C0k3gZkgDpc='
        ),
    ),
    Exercise(
        id='06.restore-fdb',
        kind='task',
        title="Put kind-worker's tunnel entry for kind-worker2 back",
        prompt=(
            "Someone deleted the FDB entry on kind-worker's flannel.1 that points at kind-worker2, so pod a no "
            'longer reaches pod b. Add it back by hand (as flanneld would) so that a reaches b on port 80 across the '
            'tunnel, then `check("06.restore-fdb", cluster=cluster)`.'
        ),
        misconceptions=(
            Misconception(
                name='no-fdb',
                feedback=(
                    'kind-worker still has no FDB entry on flannel.1 for the MAC its neighbour entry gives for '
                    "kind-worker2's range, so flannel.1 does not know which node to send the frame to. The entry "
                    'belongs on kind-worker, the sending side.'
                ),
                example=(
                    "cluster.exec('kind-worker2', 'bridge fdb append 00:00:00:00:00:00 dev flannel.1 dst "
                    "172.18.0.2')"
                ),
            ),
            Misconception(
                name='wrong-vtep',
                feedback=(
                    "The frame is wrapped now, but sent to the wrong node. The FDB entry's `dst` must be the node IP "
                    'of the node that owns 10.244.2.0/24.'
                ),
                example=(
                    "cluster.exec('kind-worker', 'bridge fdb append ' + _flannel_mac(cluster, 'kind-worker2') + ' "
                    "dev flannel.1 dst ' + cluster.machine('kind-control-plane').ip)"
                ),
            ),
        ),
        hints=(
            'Read the trace: `print(cluster.trace("pod/a", "pod/b", 80))`; the last hop says which lookup failed.',
            (
                'The MAC to look for is in `ip neigh show dev flannel.1` on kind-worker (the entry for 10.244.2.0); '
                "it is kind-worker2's flannel.1 address (`ip -d link show flannel.1` there)."
            ),
            (
                'The command has the form `bridge fdb append MAC dev flannel.1 dst NODE-IP self permanent`, run on '
                'kind-worker with `cluster.exec(...)` or `%docker exec`.'
            ),
        ),
        solution=(
            'k8s1:y5k5s6Bxy3BESlsI8GMTD4gTGgDh5uGpUkwjU/HB69SqAA7qe/CV1ZdTTPNbAvSQHx2OjmBL7VoywB3JuD5yNr8rRq9wcTo'
            'wpCv/6IiBScKlyp00N1BKCSqoXbXctyzKBUGw3BeLgXHXYOo2kcP8oXszv3OLlz7VB0zizKIHTmHJxiY5qytUTjQ6o8Oea8R41St'
            'HY+WpyaFQQERrdC+of96w/Blb+y0ukBdftLfa0Xy/H/1+Im9PZBfMAbLp'
        ),
        setup=_broken_fdb,
        probe=_fdb_probe,
    ),
]
