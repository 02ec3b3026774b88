"""Notebook 03 (the pause container): sandboxes, restarts that keep the IP, sandbox loss that does not.

Answers are salted hashes and solutions obfuscated (made with ``python -m k8slab.exercises.author
render``; see ``k8slab/exercises/README.md``). The functions below say *how* to look, for the
instructor validation (``observe``) and for the task's probe (which asks the data plane only).
"""

from __future__ import annotations

import re

from k8slab.exercises.model import Exercise, Misconception, Probe
from k8slab.exercises.tasks import reach

NOTEBOOK = "03-pause-container"

# The notebook's pods: web (nginx plus a netshoot sidecar) on kind-worker, client on kind-worker2.
WEB = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  nodeName: kind-worker
  containers:
  - {name: nginx, image: nginx}
  - {name: shell, image: nicolaka/netshoot, command: [sleep, infinity]}
"""
CLIENT = """\
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  nodeName: kind-worker2
  containers:
  - {name: shell, image: nicolaka/netshoot, command: [sleep, infinity]}
"""


def _with_web():
    from k8slab.cluster import kind

    c = kind(workers=2)
    c.apply(WEB)
    c.advance(30)
    return c


def _with_web_and_client():
    c = _with_web()
    c.apply(CLIENT)
    return c


def _pause_count(node: str):
    """Processes on the node whose command is exactly /pause."""
    return lambda c: sum(1 for line in c.exec(node, "ps -ef").splitlines() if line.split()[-1] == "/pause")


def _ip_after(action: str):
    """Do the action to pod web, then read the address on eth0 inside it (from its sidecar)."""
    def observe(c):
        from k8slab.cli.shell import run

        getattr(c, action)("web")
        out, _, _ = run(c, "pod/web", "ip -4 addr show dev eth0", "default", "shell")
        return re.search(r"inet (\S+)/", out).group(1)

    return observe


def _client_reaches_web(c) -> Probe:
    return reach(c, "pod/client", "svc/web", 80)


EXERCISES = [
    Exercise(
        id='03.pause-count',
        kind='value',
        title='Pause containers on the control plane',
        prompt=(
            'How many pause containers (processes whose command is `/pause`) run on kind-control-plane? Count them '
            'with `%docker exec kind-control-plane ps -ef` and answer with a number.'
        ),
        normaliser='count',
        salt='0f51221ba55efdd9',
        answers=(
            '6f90d351b377d86ad108f61744aae133fb681603ee1a920f967a23d987393570',
        ),
        misconceptions=(
            Misconception(
                name='kubelet-line',
                feedback=(
                    'One of the lines you counted is the kubelet itself: its flag `--pod-infra-container-image` '
                    'names the pause image, but it is not a pause process. Count only lines whose command is exactly '
                    '/pause.'
                ),
                answers=(
                    'e9ad97c737fe92dfcaae0182eff855910c785b25f8ecc17a071dd33371efb434',
                ),
            ),
            Misconception(
                name='hostnetwork-no-sandbox',
                feedback=(
                    'You counted only the pods with their own pod IP. Pods with `hostNetwork: true` (etcd, the '
                    "apiserver, kube-proxy, kindnet...) share the node's network namespace, but the runtime still "
                    'gives each of them a sandbox, and so a pause container.'
                ),
                answers=(
                    '9fe1c17ef2ffdc0c118edfe7d98e2689ec504a67d2eb2cd6c054ac20d175c9b6',
                ),
            ),
            Misconception(
                name='one-per-node',
                feedback=(
                    "There is not one pause container per node but one per pod: each pod's sandbox has its own."
                ),
                answers=(
                    'f8242c9fc1f1c70f40a619839f9ca25372b7bac4af12029ac0ccf1189d471319',
                ),
            ),
            Misconception(
                name='none',
                feedback='Look for the command `/pause`, run as user 65535: there is one per pod on the node.',
                answers=(
                    '5ba117c0acb19f30205ee2387ca881adf9c80b38ba0393f2a4dd4935902be8f2',
                ),
            ),
        ),
        hints=(
            'Each pod on a node, whatever it runs, gets its own sandbox.',
            '`%kubectl get pods -A -o wide` lists the pods; keep those whose NODE is kind-control-plane.',
            (
                "In `ps -ef`, count the lines whose last column is exactly `/pause` (not the kubelet's line that "
                'merely mentions the pause image).'
            ),
        ),
        solution=(
            'k8s1:2EotQdnj+S57odwl/e/IYDevYjpu+uU4hDvoxshex22VOp8Mf6NiT1DmJkCMgU87BasRGcXDRMaMSYGbfiMRLlWgxccrg9L'
            'cawHOfOP8MJMbM4j2SRoFEKShZkcfKkxYY4E+y9sLJ4kSQo76aMd5lwB1sCGcxEZQXhvLmrPtc4pW3vfdq8FRwIEdvJCL6G/RGHF'
            '9POA/RF95fM0LWNceJn9L75+kifz2q0Gjbu0TRuVvPgfZfk860JWoPjOYdCBcjF1FmD/tmvaZtSb2aHcZmKuzMNuunVq3CUjuv4Y'
            'jCjUA'
        ),
        observe=_pause_count("kind-control-plane"),
    ),
    Exercise(
        id='03.ip-after-restart',
        kind='prediction',
        title='The IP after a container restart',
        prompt=(
            'Predict before you run the next cells: the nginx container of pod web dies and the kubelet starts it '
            'again. Which IP will web have afterwards?'
        ),
        normaliser='ip',
        salt='50101cfe4929d607',
        answers=(
            '120dde1e852186adccfe904a39a32e84e71574bc5d704efc99bfb516776c6808',
        ),
        misconceptions=(
            Misconception(
                name='new-container-new-ip',
                feedback=(
                    'A new container process does not mean a new network namespace: the restarted nginx joins the '
                    'namespace the pause container still holds, so nothing asks the CNI plugin for another address.'
                ),
                answers=(
                    'b766f05fd43c98c31224dea5a5eb0415bf3bac638071fc2415702d48fbeba1a1',
                ),
            ),
            Misconception(
                name='gateway',
                feedback=(
                    "That is the gateway address on the node's side of the veth; host-local never hands it out to a "
                    'pod.'
                ),
                answers=(
                    'a2b579e31cb80a474f0a16999ea0cf0414835d910bba75c73ada84496f487519',
                ),
            ),
        ),
        hints=(
            "Which process holds the pod's network namespace? Does it die when nginx does?",
            'The CNI plugin is called when a sandbox is created, not when an app container starts.',
        ),
        solution=(
            'k8s1:9DiwrWoY2ni8Mq7RSM5vuNO60oG/jtXy4CKSjkOdJ1nKi2Zxn2GAp4Dk5UvUr2DxEwd8+Idmmd+6AZv4k0sImZ3IlVxJAaz'
            'Afez31xzOP43+mjhLs5oFBbk0G5mZSGllPpC5L8dwoP8MwnOoqhPkLVGuBe3Y+le2VnoABsa+HhZAs49hPiDDA8fDPAYJpkb6pL2'
            'iUjoHjAvEJS+MmjMnYwdRvhr//YX3uAR/X514/I9RCRDy9xlWD4ZPEdmMQvI8vsl2YPUBOzGfNJ3u3PCA'
        ),
        observe=_ip_after("restart_container"),
        setup=_with_web,
    ),
    Exercise(
        id='03.ip-after-sandbox-loss',
        kind='prediction',
        title='The IP after the sandbox is lost',
        prompt=(
            'Predict before you run the next cells: the pause container of pod web dies, so the kubelet builds a new '
            "sandbox. Which IP will web get? (Read host-local's `last_reserved_ip.0` first.)"
        ),
        normaliser='ip',
        salt='e90df8ab40487757',
        answers=(
            'dae7693fb6d3db2cd757b0cf693843cce52896b2e5d8bbf2803be0c45f263cb3',
        ),
        misconceptions=(
            Misconception(
                name='ip-belongs-to-pod',
                feedback=(
                    'The address belongs to the sandbox, not to the Pod object. The old sandbox is torn down (CNI '
                    'DEL frees its address) and the new one is a fresh CNI ADD; host-local does not hand the freed '
                    'address straight back: it goes round robin, on from the last address it reserved.'
                ),
                answers=(
                    '8f0ff0ea36ba71b8447cd1b4b0dd4128d3964c02bd26aabc62667cac29a3de13',
                ),
            ),
            Misconception(
                name='gateway',
                feedback=(
                    "That is the gateway address on the node's side of every veth; host-local never hands it out."
                ),
                answers=(
                    '752462202a1900802033a6f9f3abe0ce94e57a8822b2525e98bd51ac2115ea1c',
                ),
            ),
            Misconception(
                name='first-free',
                feedback=(
                    'Close, but host-local takes the very next address after `last_reserved_ip.0` that is free, not '
                    'the one after that.'
                ),
                answers=(
                    'b8fbbd86a6691dff15f2836331583fef058def80c1f65c1aacbff3a5dc1b02e7',
                ),
            ),
        ),
        hints=(
            'Losing the sandbox means a new network namespace, so the CNI plugin runs ADD again.',
            (
                'host-local remembers the last address it handed out in '
                '`/run/cni-ipam-state/kindnet/last_reserved_ip.0` and starts after it.'
            ),
        ),
        solution=(
            'k8s1:T1YOrTwFfWMnHo9j1zS3tCrTjZq/Ovy4IZH/CJmndU4xHwD7s7SZVsAemuAN0ytArTqNlSneBqZ4pOr0z73YY25WCvkawQZ'
            '7212ZSDu9VA72+PSNEhgjlCoVg8kjkGCFyfwcKIZoj/zbsuxK0y5ie5lf1PRJf9h+se1uuAFQR4uL0NAhYmXmwdvhaJzqy7zrKkG'
            'qCqNuvhlgm5qz8zljNpP8RtEIERlhYYGptYM91EmGB3rbHFpALiRIUR03rHmHBac+jh/MrMoNzfGKUqZ7TPuCigk='
        ),
        observe=_ip_after("kill_sandbox"),
        setup=_with_web,
    ),
    Exercise(
        id='03.what-holds-netns',
        kind='choice',
        title='What keeps the namespace alive',
        prompt=(
            "What keeps a pod's network namespace (and so its IP) alive while its app containers crash and restart?"
        ),
        normaliser='choice',
        options=(
            "the kubelet, which owns every pod's namespace",
            'the first container listed in the pod spec',
            'the pause container, which the app containers join',
            'the CNI plugin, which keeps running for each pod',
        ),
        salt='42a23d448a898822',
        answers=(
            '75c188bd28ad1379e0414389b155fd1b6d6ff71046863d09515f5341198d887e',
        ),
        misconceptions=(
            Misconception(
                name='kubelet',
                feedback=(
                    'The kubelet asks the runtime for sandboxes and watches containers, but a namespace lives as '
                    'long as something holds it; the kubelet holds none of them.'
                ),
                answers=(
                    '8ccbaf5739cb81cbe5e3f5b9fd833d4f8b1b69d3ad960d7e418f0c3b5a6df65e',
                ),
            ),
            Misconception(
                name='first-container',
                feedback=(
                    "If the first app container held the namespace, its crash would take the pod's IP with it. No "
                    'app container holds it: they all join the one the pause container holds.'
                ),
                answers=(
                    '62efa28878a4e251cd4386f42b1e27b4fd9a3a1471db327fe969a838847a5aef',
                ),
            ),
            Misconception(
                name='cni-daemon',
                feedback=(
                    'A CNI plugin is a program the runtime executes once per ADD or DEL; it sets the namespace up '
                    'and exits. Nothing of it keeps running.'
                ),
                answers=(
                    '4df4b7acf88e4d7bb14ed340cccbba475e3fc22efb43ddf233a6605e92dcc5e1',
                ),
            ),
        ),
        hints=(
            'Which process on the node is there once per pod and does nothing but sleep?',
        ),
        solution=(
            'k8s1:+/gouFuZ2RITD9oA+XGHGdiYPt7g3PoPpRku1X/H7u65a2ssEAXCwZLQKXqz7v+BKVM/sRiJk+t//5FvkBlGHhkDoaIvues'
            '8MiXzJRePk85WsphFGeJiGTPT+sg86eE//2LeHmQ9wGrBMbkqaIlmrlbb/eQAKOd7KeURntgWAfJ6SCD/rcbRQQ2E+whlKH2cMKP'
            'BpY2ec+dDW0YLS/z5RrDFs91bN9ybgABtdKMxpTzOYFSy7PgOaZhJBMcA'
        ),
    ),
    Exercise(
        id='03.task-stable-name',
        kind='task',
        title='A name that follows the pod',
        prompt=(
            'Create a Service named `web` in the default namespace, port 80, that selects pod web by its label, so '
            'that pod client reaches `svc/web` on port 80 whatever IP web has. Then `check("03.task-stable-name", '
            'cluster=cluster)`.'
        ),
        misconceptions=(
            Misconception(
                name='no-destination',
                feedback=(
                    'There is no Service named web in the default namespace yet: create one with '
                    '`cluster.apply(...)` or `%%kubectl apply -f -`.'
                ),
                example='pass',
            ),
            Misconception(
                name='refused',
                feedback=(
                    'The Service exists, but the connection was refused: either its selector matches no pod (compare '
                    "it with web's labels: `%kubectl get pod web --show-labels`), or its targetPort is not the port "
                    'nginx listens on (80).'
                ),
                example=(
                    "cluster.apply('apiVersion: v1\\nkind: Service\\nmetadata: {name: web}\\nspec:\\n  selector: "
                    "{app: nginx}\\n  ports: [{port: 80}]\\n')"
                ),
            ),
        ),
        hints=(
            (
                'A Service has `metadata.name`, and under `spec` a `selector` (labels a pod must have) and `ports` '
                '(`port`, and `targetPort` when it differs).'
            ),
            'web carries the label `app: web`; nginx listens on port 80.',
            'Try it by hand first: `print(cluster.trace("pod/client", "svc/web", 80).reason)`.',
        ),
        solution=(
            'k8s1:kwfVF1ZgMO94L3hMaBYsxbYRTfe2tDa9rH1GUD/y4mTsmVa7gWIEZIhTMX0ZjPeDnNAUnoW2KudvfaYZ5KBWVAOGuAxjFck'
            'O9kNLUJNuJ8H0d8IJTa0er0FFNYchMqqpgAUFBcjt/QkeD/NHgJGzcM+6ifW1qhr1ewEEsKQD6odlv8BhM7WcKfw7cz7hmeFegrD'
            'aQOhVBS/VDQ8Q1Njpd2okPJGea8uvGy/3YUhLlsSkWe7eyY67OepdUQeqt4bGR392zktY1OAzPIDEbdZGPNUXIBLFRTBIVSCJMwt'
            'LUlj3iYMaDmgF5GJh8GieadG71pkV3Syv5ZMSHaBTjJT7CWc17Ylh20BBHylurzqOg34PA5iB7e9LA6aY1Eeb5AcWq2oHjsWhIRh'
            '16H2KOYK/fxADT/Maq1FEUUZXK30EUY4Iby9oR/+PvRkaNbNeJPW4QeE+5dXFhyVj0JAOCRrSRnC8zRa6BFB80fRWetU01NOrvuQ'
            '='
        ),
        setup=_with_web_and_client,
        probe=_client_reaches_web,
    ),
]
