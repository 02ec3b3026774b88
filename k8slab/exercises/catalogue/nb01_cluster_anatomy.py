"""Notebook 01 (cluster anatomy): the API server and etcd, the watch loop, and which component
makes which object real.

Answers are salted hashes and solutions obfuscated (made with ``python -m k8slab.exercises.author
render``; see ``k8slab/exercises/README.md``). The functions below say *how* to look, for the
instructor validation (``observe``) and for the task's probe (which asks the data plane only);
they are not the answers.
"""

from __future__ import annotations

from k8slab.exercises.model import Exercise, Misconception, Probe
from k8slab.exercises.tasks import reach

NOTEBOOK = "01-cluster-anatomy"

WEB = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
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
"""

SERVICE = """
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 8080
"""


def _pod(name: str, node: str, image: str = "nicolaka/netshoot") -> dict:
    container = {"name": name, "image": image}
    if image == "nicolaka/netshoot":
        container["command"] = ["sleep", "infinity"]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"nodeName": node, "containers": [container]}}


def _cluster():
    from k8slab.cluster import kind

    return kind(workers=2)


def _pod_ip(name: str, namespace: str):
    return lambda c: c.store.get("pods", name, namespace)["status"]["podIP"]


def _kube_proxy_pods(c) -> int:
    return sum(1 for p in c.store.list("pods", "kube-system") if p["metadata"]["name"].startswith("kube-proxy-"))


def _verdict(src: str, dst: str, port: int):
    return lambda c: c.trace(src, dst, port).verdict


def _no_proxy_on_worker():
    """kube-proxy stopped on kind-worker, then a Deployment and its Service; a client on kind-worker."""
    c = _cluster()
    c.apply(WEB)
    c.stop_kube_proxy("kind-worker")
    c.apply(SERVICE)
    c.apply(_pod("client", "kind-worker"))
    return c


def _picky_pending():
    c = _cluster()
    c.apply(_pod("client", "kind-worker"))
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "picky"},
             "spec": {"nodeSelector": {"disk": "ssd"}, "containers": [{"name": "web", "image": "nginx"}]}})
    c.advance(5)
    return c


def _client_reaches_picky(c) -> Probe:
    return reach(c, "pod/client", "pod/picky", 80)


EXERCISES = [
    Exercise(
        id='01.apiserver-pod-ip',
        kind='value',
        title="The kube-apiserver pod's IP",
        prompt='Which IP does the pod `kube-apiserver-kind-control-plane` (namespace kube-system) have?',
        normaliser='ip',
        salt='6c051a4efd7cd00b',
        answers=(
            '29c5b1d03b9b68cad5ab99dcc67877b2c051464672d9f758af319a61b554033f',
        ),
        misconceptions=(
            Misconception(
                name='kubernetes-service',
                feedback=(
                    'That is the ClusterIP of the `kubernetes` Service, the stable address pods use to reach the API '
                    'server. The Service points at the API server; the question asks for the address of the API '
                    "server's pod itself."
                ),
                answers=(
                    '909ce276fed98b4597e994375e113521f13aeb2295bf1e1f79a366c7b2a8500e',
                ),
            ),
            Misconception(
                name='pod-network',
                feedback=(
                    'That is an address from the pod network. The control-plane pods do not get one: they run with '
                    "`hostNetwork: true`, so they share the node's network namespace and its address."
                ),
                answers=(
                    '522b4fdd6856dc5497e78c8c33bf2b2d84a30d4db5dcffb98a4e333ca41ad5b4',
                    '7eee48bb8cc10dd4fd335a9fc43c651b5b221828d9702dc1992c1f920c416542',
                    'd8977be7ef0c52b513b5d496fc1727cbb96b8f88a0283271b1a38bf899820900',
                    '1a9701dfaf3b015a093daca91f3b7d6dba617738c3bc23382b38d07e22a047b1',
                    'f007249392cb29b26326388c71181fe0a9e2428d621d7dcef089e136864d7a63',
                ),
            ),
            Misconception(
                name='loopback',
                feedback=(
                    "127.0.0.1 is the loopback address every network namespace has. The pod's IP is the one in its "
                    'status (`status.podIP`), which other machines can reach.'
                ),
                answers=(
                    '0dbf0f9d835a21eb32f2bfb0cbf5409bfff9fbea13cf5e8471221bbfd1b81593',
                ),
            ),
        ),
        hints=(
            'Look at the IP column of `%kubectl get pods -n kube-system -o wide`.',
            (
                'Compare it with the INTERNAL-IP column of `%kubectl get nodes -o wide`. What does `hostNetwork: '
                "true` in the pod's spec mean?"
            ),
        ),
        solution=(
            'k8s1:LnoyGJqopbDjsOFtLpcFUhqYRsPYoVK4SZlfTJTY2IS0/BpflkRGEvQgIFh8WCbe/55FkxaNze0lOUbT0tBH3P+umKX9arl'
            'cE2tbcYzOGUPPJgTBkALasthgXjaD57fMbscZt1aCZEFEFhlXIblAjdLCj0QTjOsmHatB50JZz6ea/NL6GfpI1fNhmPfh87rGTma'
            '6Ud2ZuVRzsrTNdyOjw42pWJjWgNnAiTtezuo/+KuQ8BRXWmp4UwPvo7vwwbXZfx4RKy28C0Xdi9p3D7+YUa4='
        ),
        observe=_pod_ip("kube-apiserver-kind-control-plane", "kube-system"),
    ),
    Exercise(
        id='01.kube-proxy-pods',
        kind='value',
        title='How many kube-proxy pods',
        prompt='How many kube-proxy pods run in this cluster?',
        normaliser='count',
        salt='e08fac70893ed997',
        answers=(
            'acb9588e44bfbf664ff6830e717debdbc0be63fd505eb27fb924682ff2be3bde',
        ),
        misconceptions=(
            Misconception(
                name='workers-only',
                feedback=(
                    'The control plane is a node too, and its pods (CoreDNS, for one) also reach Services. A '
                    "DaemonSet puts one pod on every node that does not refuse it, and kube-proxy's tolerates the "
                    "control plane's taint."
                ),
                answers=(
                    '960b9a4ce36186b02aec963f5a7d8034653b42138a664e5c8f67f671854c1620',
                ),
            ),
            Misconception(
                name='one-per-cluster',
                feedback=(
                    'kube-proxy is not a central service: each node rewrites its own packets, so each node needs its '
                    'own kube-proxy. It runs as a DaemonSet.'
                ),
                answers=(
                    '200357c0a330f276bd991d5b4deb58aa20937613059a3d7972e37c10c89d4a1f',
                ),
            ),
        ),
        hints=(
            'kube-proxy is deployed as a DaemonSet. What does a DaemonSet guarantee?',
            '`%kubectl get ds -n kube-system` shows the DESIRED and CURRENT counts.',
        ),
        solution=(
            'k8s1:c0VnzPN6tpvtOa9ccFA48jWJ9ypE8/TCU63JtnNEmBA6LNaHzNJYMds1DXDpDyQWHqyLRVXDGGfFAWNZ5y7lV9hSZOGNZ25'
            'cg3MnhXBRgzegcEOX2vIMWR+kIDC5olMU3oHMgyO+1L9CfdIifXRDDNfBfz8ZQQ+rKhDRpMClLA25ZRnfWQkPh1SOj4qzgsa4nFR'
            'hzswOttEItMfe3lgBwTKfX7i2Z0LfVex77YP2tunibkI4HUwPuA=='
        ),
        observe=_kube_proxy_pods,
    ),
    Exercise(
        id='01.who-talks-to-etcd',
        kind='choice',
        title='Who talks to etcd?',
        prompt='Which of these components read and write etcd directly? Choose all that apply.',
        normaliser='choices',
        options=('kube-apiserver', 'kube-scheduler', 'kube-controller-manager', 'the kubelet', 'kube-proxy'),
        salt='dccffd4ff12319c9',
        answers=(
            '1d46d8321dd253cbba0cf917a06d3eac94a0a2bb87527b631a1a0818109b202a',
        ),
        misconceptions=(
            Misconception(
                name='control-plane-all',
                feedback=(
                    'The scheduler and the controller manager run beside etcd on the control plane, but they never '
                    'open it: they watch and write objects through the API server like any other client.'
                ),
                answers=(
                    'df81daecd81f5911f4c67abbf90642bff698fd256a5d0d452454e211425f2c21',
                    '51354547edad2996087f334f1ec40a2718e442f94182d85af2f9a7149b2a8883',
                    '4a86ee10d30aad53c643668aa1bf99d09754fc446f1ef5975e0addfa9bbebff8',
                ),
            ),
            Misconception(
                name='everyone',
                feedback=(
                    "The kubelet and kube-proxy run on every node and only know the API server's address "
                    "(https://...:6443). No component but the API server holds etcd's address and certificates."
                ),
                answers=(
                    '842704d54331ee522ebc73bfccded41293fd5d01fb7621b3f9686e1e1e100ec0',
                    '18a1756ce247021b4951a72c2465d0d4d75e4b261667e02c444403653649228d',
                    'c444addac8a18b9c889d5bc55d3d11bb969ab9627e3915bc2f448f822bec3d19',
                    'd05a7e4799ff2966ff1f50d2288c8930849b04a0b06c43ebdd9e3311a30c765b',
                ),
            ),
        ),
        hints=(
            (
                'Every component is configured with the address of one server to talk to. For the kubelet, '
                'kube-proxy, the scheduler and the controller manager, which server is it?'
            ),
            "Only one component is given etcd's address and client certificates.",
        ),
        solution=(
            'k8s1:RyiLdtTM2TtjOHbTNLQ54PQkm593N1qu4ArSqz3UA2fRG/YWJKzzwpoxsBwh0OsQIrFWwddWXt2QWLPJSrm2Qf5XA7c42zw'
            '/035uFz7Slcx/VDAza0jJjOzC1MsoEYYPAlaBf0PWWkvudCL/xXqDEQU7mmrzHLnmdMtVGkFlWWpiAHYwOWOZx4DC1PHB8ybCOzp'
            'x3vvU6t0AVylpOMNjxFBHfZuXM0X1hmLS5v4vuBj7+xN1gvoh9CtojT5FoqPDKhoU5NcsPUBP3hMQywHXwmOoscAvXhrr8glObd2'
            'xBPI7ag=='
        ),
    ),
    Exercise(
        id='01.who-binds-pods',
        kind='choice',
        title="Who chooses a pod's node?",
        prompt="A Deployment's new pod has no `spec.nodeName` when it is created. Which component writes it?",
        normaliser='choice',
        options=('the Deployment controller', 'kube-scheduler', 'the kubelet of the chosen node', 'kube-apiserver'),
        salt='2df888e70602d9ca',
        answers=(
            'c79a83714b976f50322ca946ae18a5808be4649bf31ed9bed813a13a3fe528d5',
        ),
        misconceptions=(
            Misconception(
                name='kubelet',
                feedback=(
                    'The kubelet only starts pods that are already bound to its node; it never picks pods for '
                    'itself. Something must choose the node first.'
                ),
                answers=(
                    '4947554e615b86b874c624e2b200dc809a56bf6b353b4f3d68c2ac46f1c9c888',
                ),
            ),
            Misconception(
                name='deployment-controller',
                feedback=(
                    'The Deployment controller creates a ReplicaSet, and the ReplicaSet controller creates the pods, '
                    'without a node. Neither places pods.'
                ),
                answers=(
                    'a69a8aac61c9c8656695105e76565c51865acda667f16ebf9af0f1a72813a2af',
                ),
            ),
            Misconception(
                name='apiserver',
                feedback=(
                    'The API server stores the choice (the Binding) but does not make it; it makes no decisions of '
                    'its own about objects.'
                ),
                answers=(
                    'c0c39ae0ced96f09712d7ebc3568f1262bc6755c34ed750f3938c8d2d3598979',
                ),
            ),
        ),
        hints=(
            (
                '`%kubectl get events` shows a Scheduled event for each pod; `%kubectl describe pod` shows who '
                'signed it in the From column.'
            ),
        ),
        solution=(
            'k8s1:vDoE7ncKpi55bo93Holj9lPSXT42RzPUn2K763a+u9yuqnWZGu8Ggc1nSjiSm0vzaJ9JRtV9wgCrUPOq4OcbFrc/n4IkLGu'
            'KeqmeQWDHeJHGf0af+uYsswv/UcHX4LG4FehMEM0yhdyi0nTH9x4RbtXA5zBIYAvWLsMvYNXBZCMM5w8CYgYl/6qTcEdmjXaVRyG'
            'LrRR+xda5luNlhYkidb2BiIgrYMEbFcBUVnvVzz+sdWiEmcfYRWIF/zjIF4jc'
        ),
    ),
    Exercise(
        id='01.who-writes-endpoints',
        kind='choice',
        title="Who writes a Service's endpoints?",
        prompt='Which component keeps the EndpointSlices of the Service `web` up to date as its pods come and go?',
        normaliser='choice',
        options=(
            'kube-proxy',
            'the EndpointSlice controller in kube-controller-manager',
            'the kubelet',
            'the CNI plugin',
        ),
        salt='27dd6a8da36d31f2',
        answers=(
            '8691b76292407dabcdab7de191bcc1185250c585ac28fd24f1792f9f2d73262b',
        ),
        misconceptions=(
            Misconception(
                name='kube-proxy',
                feedback=(
                    'kube-proxy reads the EndpointSlices (it watches them) and turns them into rules on its node; it '
                    "does not write them. One controller writes, every node's kube-proxy reads."
                ),
                answers=(
                    '7b7d7438b8645b58f43f397e34acc0b33552d217c94bc412f5f0ff241be6fde9',
                ),
            ),
            Misconception(
                name='kubelet',
                feedback=(
                    "The kubelet reports each pod's IP and readiness in the pod's status. A controller then gathers "
                    "the ready pods that match the Service's selector."
                ),
                answers=(
                    '7a5dc6f897bd5155f6eed223c76bbd6293e021d6028e0cdecbc79ec5a4bfa44f',
                ),
            ),
            Misconception(
                name='cni',
                feedback='The CNI plugin gives a pod its address, but it knows nothing of Services.',
                answers=(
                    '778eef08695c20f3f9fbe3cbdcc6f860b106807ce5227ceb81a38a2260ccb5d1',
                ),
            ),
        ),
        hints=(
            (
                "Endpoints are derived from two kinds of objects: the Service's selector and the pods' labels, IPs "
                'and readiness.'
            ),
        ),
        solution=(
            'k8s1:w2R5OcH0DUrEULBlMH+e/Xq9IhQTgF8HDgBPnGd3JR/pxboVwq6zXjyDdZVWBqz13xEbk7q/5T1R9JX1X+X+cSJZ1OeK3YD'
            '2l1C5jcxZACa9qlq+sCA2hqHbKAv2ybpoPNIJjvI/WrhteVNVhB+mxExCCKqj3YGEVPQgO2Co1yGNG88AAoMiQ7TIYoe6hsaFOPn'
            'aNNtGh3V+3ZhH84xQjMDjNB3jiLT3vsF6AoNDXUf8Ni5FCog='
        ),
    ),
    Exercise(
        id='01.predict-no-kube-proxy',
        kind='prediction',
        title='A Service on a node without kube-proxy',
        prompt=(
            'kube-proxy on kind-worker was stopped before the Service `web` was created. The pod `client`, on '
            'kind-worker, sends a TCP SYN to svc/web port 80. Delivered, dropped or rejected?'
        ),
        normaliser='choice',
        options=('delivered', 'dropped', 'rejected'),
        salt='e8b85a2b2e96d9dc',
        answers=(
            '57bb2cc3cdd332c9f28c9ecb47d0337202ec8df0e070107dab44ee0002242953',
        ),
        misconceptions=(
            Misconception(
                name='object-is-enough',
                feedback=(
                    'The Service object exists and its endpoints are filled in, but an object is only a record in '
                    'the API. On each node, kube-proxy turns it into the netfilter rules that rewrite the ClusterIP '
                    'to a pod IP; on kind-worker nobody did.'
                ),
                answers=(
                    'fd32d97f26033bf70cebf2991cafa5af41e181687a17e608b8c12bcf167b08ab',
                ),
            ),
            Misconception(
                name='rejected',
                feedback=(
                    'Nothing on the way answers with a reset or an ICMP error: there is no rule for this address on '
                    'kind-worker at all, and the packet simply follows the default route out of the cluster.'
                ),
                answers=(
                    '71723ff06620711ca25afc90087f1505409cba9b23341893cab3cd05eb2d074f',
                ),
            ),
        ),
        hints=(
            (
                "A ClusterIP is on no interface: only kube-proxy's rules give it a meaning. Which rules exist on "
                'kind-worker? Try `cluster.exec("kind-worker", "iptables-save -t nat | grep -c web")`.'
            ),
            (
                "Without a rule, the packet is routed like any other to 10.96.x.x. Read kind-worker's `ip route`: "
                'which route matches?'
            ),
        ),
        solution=(
            'k8s1:SiET1ORxisGzoaHGZ2wD2SkjeZHv5fjtFWTUDvr18UbABPBBt8nJruZ9mfvAdtH+YD7aaAVpqRXoujD0uVH7GXDwiZO6Fni'
            'VaoQW/rW97cdGIruvF4QsGaHFr9EGquDmQVXtZQ7MPjrupOykfPL83HHE44sd1GZpa+mO5QmA2u9W4w7bJ8X7zfiaxzAq0y3ArAP'
            'ovaJsZhZnjAfpA7JA6A6n7KwIs2eRY2BxLu/rx1LR8gCHaVeybqnPJfk1wu22DOlqfmCxzBGxLJoipfX+3aLZw41BilwZ81XSJ7F'
            'R6UqYkAimtofObRrnFYmwatCD6HyWo92Ln7E='
        ),
        observe=_verdict("pod/client", "svc/web", 80),
        setup=_no_proxy_on_worker,
    ),
    Exercise(
        id='01.task-schedule-picky',
        kind='task',
        title='Get the picky pod scheduled',
        prompt=(
            'The pod `picky` asks for a node labelled `disk=ssd` and stays Pending. Without changing picky, make the '
            'cluster run it so that `client` reaches it on port 80. Then `check("01.task-schedule-picky", '
            'cluster=cluster)`.'
        ),
        misconceptions=(
            Misconception(
                name='no-destination',
                feedback=(
                    'picky still has no IP: it is Pending, so no kubelet has started it. Waiting does not help; read '
                    'its FailedScheduling event: no node matches its nodeSelector. Give one worker the label it asks '
                    'for.'
                ),
                example='cluster.advance(60)',
            ),
        ),
        hints=(
            "`%kubectl describe pod picky` ends with the scheduler's reason.",
            'Labels on a node are changed with `kubectl label node NODE key=value`.',
            (
                "The scheduler watches nodes too: as soon as one matches, it binds the pod, and that node's kubelet "
                'starts it.'
            ),
        ),
        solution=(
            'k8s1:lRKI9xnvyUwPDyPW+kcBjnK+0slb1N89ZCGT5d7iqAVK8HyaNbXbHwBjUOT8nv54XdmP5hp2JFHLQ+u+S8FaHey71Xt5nHB'
            'f5J5jwfjY4BEHL7GwZGA7rXf1rxfh8P5pgeJD2wRoILBWkOLfNrnnmm7PS4iNwsKRZbGOJ2qI75F3idAPh1bsNYiJdg=='
        ),
        setup=_picky_pending,
        probe=_client_reaches_picky,
    ),
]
