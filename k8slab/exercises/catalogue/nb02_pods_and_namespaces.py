"""Notebook 02 (pods and Linux namespaces): containers of a pod share one network namespace.

Answers are salted hashes and solutions obfuscated (made with ``python -m k8slab.exercises.author
render``; see ``k8slab/exercises/README.md``). The functions below say *how* to look, for the
instructor validation (``observe``) and for the task's probe (which asks the data plane only);
they are not the answers.
"""

from __future__ import annotations

import re

from k8slab.exercises.model import Exercise, Misconception, Probe
from k8slab.exercises.tasks import reach

NOTEBOOK = "02-pods-and-namespaces"

NGINX = {"image": "nginx"}
AGNHOST = {"image": "registry.k8s.io/e2e-test-images/agnhost:2.53", "args": ["netexec", "--http-port=8888"]}
NETSHOOT = {"image": "nicolaka/netshoot", "command": ["sleep", "infinity"]}


def _pod(name: str, node: str, *containers) -> dict:
    """A pod pinned to a node: containers as (name, fields) pairs."""
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"nodeName": node, "containers": [{"name": n, **f} for n, f in containers]}}


def _clash(*containers) -> dict:
    return _pod("clash", "kind-worker2", *containers)


def _duo_and_clash():
    """The notebook's pods, in its order: duo on kind-worker, client and clash on kind-worker2."""
    from k8slab.cluster import kind

    c = kind(workers=2)
    c.apply(_pod("duo", "kind-worker", ("web", NGINX), ("api", AGNHOST), ("shell", NETSHOOT)))
    c.apply(_pod("client", "kind-worker2", ("shell", NETSHOOT)))
    c.apply(_clash(("first", NGINX), ("second", NGINX)))
    return c


def _eth0_ip(pod: str, container: str):
    def observe(c):
        from k8slab.cli.shell import run

        out, _, _ = run(c, f"pod/{pod}", "ip -4 addr show eth0", "default", container)
        return re.search(r"inet (\S+)/", out).group(1)

    return observe


def _verdict(src: str, dst: str, port: int):
    return lambda c: c.trace(src, dst, port).verdict


def _ready(pod: str):
    return lambda c: c.kubectl(f"get pod {pod}").splitlines()[1].split()[1]


def _clash_serves_both(c) -> Probe:
    for port in (80, 8888):
        p = reach(c, "pod/client", "pod/clash", port)
        if not p.ok:
            code = p.code if p.code in ("no-source", "no-destination") else f"no-{port}"
            return Probe(False, code, p.detail)
    return Probe(True, "", "client reached clash on port 80 and on port 8888, and got both answers back")


EXERCISES = [
    Exercise(
        id='02.api-container-ip',
        kind='value',
        title='The IP of one container',
        prompt=(
            'Pod `duo` has three containers: web, api and shell. Which IP does the `api` container have on eth0?'
        ),
        normaliser='ip',
        salt='6ed03a8057a84be2',
        answers=(
            '6b4aeec175da023ce118fb753faf6376639a967ddf9acc01297eb7a578f2475e',
        ),
        misconceptions=(
            Misconception(
                name='ip-per-container',
                feedback=(
                    'That would be true if each container had its own network. It does not: the containers of a pod '
                    'join one network namespace, with one eth0 and one address. The IP belongs to the pod.'
                ),
                answers=(
                    '9c62d6e849278f15ecbe44ac3d613ab9050b61c54a394b2c6dd4de2c72022407',
                    '100e5bb83d525f29fbc7a56f8622085735b2408186f234f1f174efb45b61cb5f',
                    'fbc88fc9bcfb00f95a35c4b998f196cb5282bcc93a9f64a15e293ce17c0050ac',
                ),
            ),
            Misconception(
                name='loopback',
                feedback=(
                    '127.0.0.1 is on `lo`, and it is the same `lo` for all three containers. The question asks for '
                    'the address on eth0.'
                ),
                answers=(
                    '2c1984ee64259841459bf87a3e49dad162b1922362af82458a271363c0a6ce44',
                ),
            ),
            Misconception(
                name='node-ip',
                feedback=(
                    "That is kind-worker's node IP. The pod has its own network namespace, separate from the node's, "
                    "with an address from the node's pod range."
                ),
                answers=(
                    'e833e11a218421ae2cdb99af86c2142f6ff631b79e0e7267d8438b199956e85e',
                ),
            ),
        ),
        hints=(
            (
                'Run `ip -4 addr show eth0` in one container and then in another (`%k8s exec duo -c shell -- ...`). '
                'What differs?'
            ),
            '`%kubectl get pod duo -o wide` has a single IP column for the whole pod.',
        ),
        solution=(
            'k8s1:9K8YFRjQElRF4dpQavQMbd+xChQ9JAvn9oVzwwGbiYUvS9S9eFmlRtte5NsvqSf+IgabvCu9o5LZ+bCtQRTpSqAtJ76EOVh'
            'fVjK8gudsCIsUq86D1mhRsvTi3M+CkhBb5g7ziUbfiX1z2DU1K3Y39QV7ZJvl51TfSHbjbTu4HHq6nJNcgpdyZ86EDxHdaB7U772'
            'd9h6KmC0Mt8HIa7xTdS1KxrdKUg1Aa0mUDmu1m6LCUk21'
        ),
        observe=_eth0_ip("duo", "shell"),
        setup=_duo_and_clash,
    ),
    Exercise(
        id='02.localhost-from-shell',
        kind='prediction',
        title='localhost between containers',
        prompt=(
            'In pod `duo`, the shell container (netshoot, which serves nothing) opens a TCP connection to 127.0.0.1 '
            'port 8888. Delivered, dropped or rejected?'
        ),
        normaliser='choice',
        options=('delivered', 'dropped', 'rejected'),
        salt='4e204658a7d42ecd',
        answers=(
            '0f0110427e1a1cda6197e268f55bf557922b227d127e8413dc8b5fcafb442420',
        ),
        misconceptions=(
            Misconception(
                name='localhost-per-container',
                feedback=(
                    'That would be true if `localhost` belonged to the shell container alone. It belongs to the '
                    "pod's network namespace, which all three containers share; one of them listens on 8888."
                ),
                answers=(
                    'f2c1605f96b99e7d28b4a6be48f33fa8a2309add4ada195e511816b966c956c6',
                ),
            ),
            Misconception(
                name='dropped',
                feedback=(
                    'A packet to 127.0.0.1 never leaves the network namespace: it is looped back through `lo` and '
                    'either finds a listening socket (delivered) or gets a reset (rejected). Nothing on the way can '
                    'drop it.'
                ),
                answers=(
                    'c671945ae70626022400b54a3237c114d3fa84898ebb0d8cdccd41b0deb888a2',
                ),
            ),
        ),
        hints=(
            'Which container listens on 8888? Which network namespace is it in?',
            (
                'Trace it: `cluster.trace("pod/duo", "127.0.0.1", 8888)`. A trace starts from the pod\'s network '
                'namespace, not from a container: why is that enough?'
            ),
        ),
        solution=(
            'k8s1:d0EYtuLlFCA3Lu1mu2467MS/1QOXdteHDQOFcUKuv3F3rDcCZ0QL6qMc+piJqx8/YiOcShdmm5SrGxWB3oNSspJU0F3RynG'
            'PQbbzSo5NFYciSr5nboy5KLQKESZl0sWwiIYmwe7vfGe+r5yAX6XZpB+4on45gfdyw7gv1/hktTTV8K0VmbDvK1IDOwwnV288z05'
            '4V5I9mq8algWQffGFteqywJcQUOJ3WWJJGeSd0Kvne8Kxf10PHUDvvQ=='
        ),
        observe=_verdict("pod/duo", "127.0.0.1", 8888),
        setup=_duo_and_clash,
    ),
    Exercise(
        id='02.node-port-80',
        kind='prediction',
        title="The pod's port is not the node's",
        prompt=(
            'nginx in pod `duo` listens on port 80, and duo runs on kind-worker. The pod `client` sends a TCP SYN to '
            "kind-worker's own node IP, port 80. Delivered, dropped or rejected?"
        ),
        normaliser='choice',
        options=('delivered', 'dropped', 'rejected'),
        salt='04d41607efa7d591',
        answers=(
            'be2faf665f6fd9458a70799e1e0afaf85300ee0bf2b96ceaf4ad03460ce725d6',
        ),
        misconceptions=(
            Misconception(
                name='pod-port-on-node',
                feedback=(
                    "nginx's socket is in the pod's network namespace, not in the node's. A port opened in a pod "
                    'does not appear on the node (unless the pod uses hostNetwork or a hostPort, or a Service of '
                    'type NodePort opens one).'
                ),
                answers=(
                    '824e8dbc09a18c6e2e59958ed75bb872665cd89cccb5077164625e7bda8e7e6a',
                ),
            ),
            Misconception(
                name='dropped',
                feedback=(
                    'The packet does reach kind-worker: its node IP is on the node network. Nothing drops it; the '
                    "question is what the node's own network namespace does with a SYN to a port where nothing "
                    'listens.'
                ),
                answers=(
                    '84d2e7886a285beb15ac3962a57a5b4ffb22d3f3c00711e7ac2cc7b035c06532',
                ),
            ),
        ),
        hints=(
            "Which network namespace holds nginx's listening socket? Which one holds kind-worker's node address?",
            'A kernel that receives a SYN for a port nobody listens on answers with a reset.',
        ),
        solution=(
            'k8s1:sV/Nfz9hQMV0bFrcdXFsvtFj0v1wmTazF9T9gMp0bVJJ1qZFd/xp3usywxCx/NaOkvgyEsj3GQsiSZDEq6Czxjd+Y4hgYbj'
            'g8OjHeJdOgkz9lR4ldvNXtQxFEz4QvVUGaxGtHoyehA6sKmIsNW/ht/f7texXPnBEEzLFlM+cAxTdEX8wkSvEMG3NtZPkcO9owcg'
            '/BYS2Ro0P+k3IuAIv/GGG/mwokooWLyjsbZ8+FkV1eMbAParHUXjE'
        ),
        observe=_verdict("pod/client", "node/kind-worker", 80),
        setup=_duo_and_clash,
    ),
    Exercise(
        id='02.clash-ready',
        kind='value',
        title='The READY column of clash',
        prompt=(
            'What does the READY column of `kubectl get pod clash` show (two nginx containers, both binding port 80)?'
        ),
        normaliser='text',
        salt='edf204417fc0d468',
        answers=(
            'ee57c93105bb7687522139d0a00a3b55899ef584b3613b51b58dd4d6d135a90e',
        ),
        misconceptions=(
            Misconception(
                name='whole-pod-fails',
                feedback=(
                    'The pod does not fail as a whole: containers start one by one, and the first nginx bound port '
                    '80 without trouble. Only the one that came second finds the port taken.'
                ),
                answers=(
                    '22ea6990520ad007cdbdb2a8a493b7dc87f315d4d29ef0b68f367b5c68e557b5',
                ),
            ),
            Misconception(
                name='separate-ports',
                feedback=(
                    'Both containers would run if each had its own network namespace. In a pod they share one, so '
                    'two programs cannot both listen on port 80: the second bind fails.'
                ),
                answers=(
                    '35f5d1b21e8f80fb498463631541a97baeec691be9a66486076b25b608e1fd4d',
                ),
            ),
        ),
        hints=(
            'Only one socket can listen on a given port in one network namespace.',
            '`%kubectl get pod clash` shows READY as ready containers / all containers.',
        ),
        solution=(
            'k8s1:17iibODnvHVtP20nG/1AMkmMjNv/ys7bBphKhh+in19Yow6l+nqQ/Alj2Kpr4sZ8eIPyM6xvx6tz1Vf2UeBCJIEeqxKKg3d'
            'azu10uoZLCFsLxovAuMqZND5cCH3AqSTERRiHx599KSQIT7J/Z0KRpra4pdSCmtGNg48MAjvtuM+XTAv4gb/ZlW3fK4qVXZNIw83'
            'EoTa6ymXG0xsMFTh/1J4PhyMrbohpcGSaQgxAOo8='
        ),
        observe=_ready("clash"),
        setup=_duo_and_clash,
    ),
    Exercise(
        id='02.quiz-shared-namespaces',
        kind='choice',
        title="Which namespaces a pod's containers share",
        prompt='Which Linux namespaces do the containers of one pod share by default? Choose all that apply.',
        normaliser='choices',
        options=(
            'network (interfaces, IPs, ports, routes)',
            'UTS (the hostname)',
            'IPC (shared memory, semaphores)',
            'PID (the process list)',
            'mount (the filesystem)',
        ),
        salt='6d92181b0775a932',
        answers=(
            '34def4cd11e1bd362b35003fda3d14c39ed2be3508ff001667966eba4886c017',
        ),
        misconceptions=(
            Misconception(
                name='all-shared',
                feedback=(
                    "Each container keeps its own mount namespace: it sees its own image's filesystem, and shares "
                    'files with the others only through volumes.'
                ),
                answers=(
                    '73c0f92aac03f0d154e7a5301babe4e98c42b87e92851412b06ba71879f70874',
                    'ce2b6426f066322debb79c99161514ffe06632bef35f09ac966534ed0932d7a9',
                ),
            ),
            Misconception(
                name='pid-shared',
                feedback=(
                    'By default each container has its own PID namespace: `ps` in one container shows only its own '
                    'processes (try it in the shell container). `shareProcessNamespace: true` in the pod spec '
                    'changes that.'
                ),
                answers=(
                    '44b98a3e98abd81518b859053bc6b91b3ba80bfa2d815843825a13e739a50578',
                    'f04ea3ec96d721de22d96f7a9e9b8067403dce2f60ab81f2a8ee17e01620c911',
                    'c8586b8feda8734e038e451d7bf9513285cb5ff499c29a290714f91cf6d11758',
                ),
            ),
            Misconception(
                name='network-only',
                feedback=(
                    'The network namespace is the one this course cares about, but not the only one shared: compare '
                    '`hostname` in two containers of the same pod.'
                ),
                answers=(
                    '122c0fc17ac60b9bcfdf27d6b118a89be196455540e29c3b0c3d4eb10e399c58',
                ),
            ),
        ),
        hints=(
            'Compare `hostname`, `ip addr` and `ps` in two containers of duo.',
            (
                "The pause container holds the namespaces the pod's containers join. Which of them would it be odd "
                'to share, given that each container has its own image?'
            ),
        ),
        solution=(
            'k8s1:zSot1CADEMrzpYCcmo7R+L0/5ceeFKzZrAzRDuxeNgcLQDb8+mghtqDDtQHAy4rx4wiSIejHOfgG/pcc7D7TQHCfJptHp7e'
            'cFRuI1Pvsw+2ZwvjtV8WmHSKhr78VphbLLwDlmRHpgYQalrowQ15dWCXqfO3HvaFDLIP0/ZlzARFNq65sgWE8PyTsPRkzyJ82+UC'
            'sWAfZhX/jISR8P0rga6Fyt4YIMAum0HO/DanEW6VImmt5fa7aZJVXxAQtvfMOJ6dEMIiM+rtYdaaZiAi0QTGGObOnajMe4DLR'
        ),
    ),
    Exercise(
        id='02.task-fix-clash',
        kind='task',
        title='Two servers in one pod',
        prompt=(
            'Replace the pod `clash` with one of the same name whose two containers both run: nginx on port 80, and '
            '`registry.k8s.io/e2e-test-images/agnhost:2.53` with `netexec --http-port=8888`, so that `client` '
            'reaches clash on port 80 and on port 8888. Then `check("02.task-fix-clash", cluster=cluster)`.'
        ),
        misconceptions=(
            Misconception(
                name='no-8888',
                feedback=(
                    'Nothing in clash answers on port 8888. The second container must be a program that listens '
                    'there: agnhost with `args: ["netexec", "--http-port=8888"]`. A pod\'s containers cannot be '
                    'changed in place: delete the pod and create it again.'
                ),
                example='cluster.advance(30)',
            ),
            Misconception(
                name='no-80',
                feedback=(
                    'Port 8888 works but port 80 does not: keep the nginx container beside the new one. Two '
                    'containers in one pod are fine as long as their ports differ.'
                ),
                example="cluster.kubectl('delete pod clash'); cluster.apply(_clash(('api', AGNHOST)))",
            ),
        ),
        hints=(
            'Keep the first container; make the second a program that listens on another port.',
            (
                'Pods are immutable apart from a few fields: `cluster.kubectl("delete pod clash")`, then apply the '
                'new manifest.'
            ),
            'Check by hand: `cluster.trace("pod/client", "pod/clash", 8888).verdict`.',
        ),
        solution=(
            'k8s1:t+wx2/v2LMjIYW7dT9gsstDho1lHRZ4LtmLza78EPQ28tES4cJL7d23TJY/zxlRIPu6G6COuJMsyRtZSWzUrUuorJdOAnu7'
            'SayKVZhPprV26t7J1N/oLz2uutp4u/HkLFYQWxtIkjR1VotvLXATgb0Efqu6qrxHp76xurd6Br4DjoVrorXHhLMB9OCa6YDSgTxQ'
            'Rvb917X9LGAot2ahrbi1jp1HwaPnBHNN7JrDnZxTp'
        ),
        setup=_duo_and_clash,
        probe=_clash_serves_both,
    ),
]
