"""The facade: a whole simulated cluster in one object, and the presets that build one.

>>> import k8slab
>>> c = k8slab.kind(workers=2)
>>> [(n["metadata"]["name"], n["spec"]["podCIDR"]) for n in c.store.list("nodes")]
[('kind-control-plane', '10.244.0.0/24'), ('kind-worker', '10.244.1.0/24'), ('kind-worker2', '10.244.2.0/24')]
>>> print(c.exec("kind-worker", "ip route | grep 10.244.2"), end="")
10.244.2.0/24 via 172.18.0.4 dev eth0 \n
Everything lives on one Linux kernel (``c.kernel``) and one API store (``c.store``); the
components are controllers that reconcile one into the other (``c.loop``). Time is virtual:
``c.advance(seconds)`` moves it. The same arguments and seed always build the same cluster,
down to MAC addresses, veth names and pod name suffixes.
"""

from __future__ import annotations

import random
from ipaddress import IPv4Network

from k8slab.api.meta import rfc3339
from k8slab.api.store import Store
from k8slab.components import kubeadm
from k8slab.components.apps import app_for
from k8slab.components.collector import collector_paused
from k8slab.components.controller import Controllers
from k8slab.components.coredns import CoreDNS
from k8slab.components.daemonset import DaemonSetController
from k8slab.components.deployment import DeploymentController
from k8slab.components.endpoints import EndpointsController
from k8slab.components.endpointslice import EndpointSliceController
from k8slab.components.flannel import Flannel
from k8slab.components.kindnet import Kindnet
from k8slab.components.kube_proxy import kubelet_iptables
from k8slab.components.kube_proxy.daemon import KubeProxy
from k8slab.components.kubelet import Kubelet
from k8slab.components.loadbalancer import LoadBalancerController
from k8slab.components.node import docker_network, start_node_container
from k8slab.components.node_ipam import NodeIPAM
from k8slab.components.replicaset import ReplicaSetController
from k8slab.components.route_controller import RouteController
from k8slab.components.scheduler import Scheduler
from k8slab.linux.kernel import Kernel

KUBERNETES_VERSION = "v1.33.1"
# What the cluster's DNS forwards outside: no internet here, so a small fixed table.
UPSTREAM = {"example.com": "93.184.215.14", "www.example.com": "93.184.215.14"}


class Cluster:
    """A running cluster: ``kernel`` (the data plane), ``store`` (the API), ``loop`` (the
    controllers), ``machines`` (node name -> its machine), ``kubelets`` (node name -> kubelet).

    ``pod_routes="gateway"`` (with kindnet) leaves the routes between nodes' podCIDRs to the
    network's router, as clouds do for large clusters (:mod:`k8slab.components.route_controller`)
    instead of each kindnetd routing to every other node."""

    def __init__(self, name: str = "kind", workers: int = 2, *, cni: str = "kindnet",
                 proxy_mode: str = "iptables", pod_subnet: str = "10.244.0.0/16",
                 service_subnet: str = "10.96.0.0/16", seed: int = 0, node_network: str = "172.18.0.0/16",
                 flannel_backend: str = "vxlan", pod_routes: str = "nodes") -> None:
        if cni not in ("kindnet", "flannel"):
            raise ValueError(f'unknown cni "{cni}": choose "kindnet" or "flannel"')
        if pod_routes not in ("nodes", "gateway") or (pod_routes == "gateway" and cni != "kindnet"):
            raise ValueError(f'unknown pod_routes "{pod_routes}": choose "nodes", or "gateway" with cni="kindnet"')
        if proxy_mode not in ("iptables", "ipvs", "none"):
            raise ValueError(f'unknown proxy mode "{proxy_mode}": choose "iptables", "ipvs" or "none"')
        self.name = name
        self.cni = cni
        self.proxy_mode = proxy_mode
        self.pod_subnet = pod_subnet
        self.service_subnet = service_subnet
        with collector_paused():
            self.kernel = Kernel(seed=seed)
            self.store = Store(clock=lambda: self.kernel.now, seed=seed, service_cidr=service_subnet,
                               dispatch="manual", graceful_pod_deletion=True)
            self.loop = Controllers(self.store)
            net = IPv4Network(node_network)
            self.gateway = str(net.network_address + 1)
            self.node_network = net
            # every kubelet's --cluster-dns: the service range's tenth address (one string for all)
            self.cluster_dns = str(IPv4Network(service_subnet).network_address + 10)
            self.flannel_backend = flannel_backend
            self.pod_routes = pod_routes
            self.host = docker_network(self.kernel, name, f"{self.gateway}/{net.prefixlen}")
            self.machines: dict = {}
            self.kubelets: dict[str, Kubelet] = {}
            self.kube_proxies: dict = {}
            self.dns = CoreDNS(services=lambda: self.store.list("services"),
                               endpointslices=lambda: self.store.list("endpointslices.discovery.k8s.io"),
                               pods=lambda: self.store.list("pods"), namespaces=lambda: self.store.list("namespaces"),
                               upstream=dict(UPSTREAM), clock=lambda: self.kernel.now, seed=seed)
            plan = self._node_plan(workers, net)
            # kubeadm init on the control plane: its node, the controllers, the add-ons.
            control = plan[0]
            self._join(*control)
            for controller in (NodeIPAM(pod_subnet), Scheduler(control[0], random.Random(seed)),
                               DeploymentController(), ReplicaSetController(), DaemonSetController(),
                               EndpointSliceController(), EndpointsController(), LoadBalancerController(self.machines)):
                self.loop.add(controller)
            if pod_routes == "gateway":
                bridge = next(link.name for link in self.host.links.values() if link.name.startswith("br-"))
                self.loop.add(RouteController(self.host, bridge))
            bootstrap = (kubeadm.static_pods(control[0], control[2])
                         + kubeadm.kubernetes_service(service_subnet, control[2])
                         + (kubeadm.kube_proxy(proxy_mode) if proxy_mode != "none" else [])
                         + kubeadm.coredns(service_subnet)
                         + (kubeadm.kindnet(pod_subnet) if cni == "kindnet" else kubeadm.flannel())
                         + kubeadm.local_path_provisioner())
            for obj in bootstrap:
                self.store.create(obj, validate=False)
            self.settle()
            # kubeadm join on the workers, a little later; kind is done about a minute after it began.
            self.kernel.advance(15)
            for node_name, role, ip in plan[1:]:
                self._join(node_name, role, ip)
            self.settle()
            self.advance(45)

    def _join(self, node_name: str, role: str, ip: str) -> None:
        """Start a node container, its kubelet (which registers the Node) and its node daemons."""
        m = start_node_container(self.kernel, self.host, node_name, ip, self.node_network.prefixlen, self.gateway)
        self.machines[node_name] = m
        kubelet = Kubelet(m, role, cluster_dns=self.cluster_dns, version=KUBERNETES_VERSION, apps=self._app_for)
        kubelet.register(self.store)
        self.kubelets[node_name] = self.loop.add(kubelet)
        kubelet_iptables(m.netns)
        if self.cni == "kindnet":
            self.loop.add(Kindnet(m, self.pod_subnet, routes=self.pod_routes == "nodes"))
        else:
            self.loop.add(Flannel(m, self.pod_subnet, backend=self.flannel_backend))

    def stop_kube_proxy(self, node: str) -> None:
        """kube-proxy on ``node`` crashes and keeps crashing (its pod in CrashLoopBackOff): the node's
        rules stay as they were and go stale. Deleting the pod lets the DaemonSet start a new one."""
        proxy = self.kube_proxies.pop(node, None)
        if proxy is not None:
            self.loop.remove(proxy)
        for pod in self.store.list("pods", "kube-system", label_selector="k8s-app=kube-proxy"):
            if pod["spec"].get("nodeName") == node and pod["metadata"]["uid"] in self.kubelets[node].sandboxes:
                self.kubelets[node].crash_container(pod, "kube-proxy", "kube-proxy exited: failed to sync rules")
        self.settle()

    def _app_for(self, container: dict, pod_name: str, node: str | None = None):
        """What a container runs; CoreDNS answers from this cluster's API objects, and a kube-proxy
        container is the node's kube-proxy (started with its pod, as on a real node)."""
        app = app_for(container, pod_name, node)
        if app.name == "coredns":
            app.respond = self.dns.respond
        if app.name == "kube-proxy" and node is not None and node not in self.kube_proxies \
                and self.proxy_mode != "none":
            self.kube_proxies[node] = self.loop.add(KubeProxy(self.machines[node], self.proxy_mode, self.pod_subnet))
        return app

    def _node_plan(self, workers: int, net: IPv4Network) -> list[tuple[str, str, str]]:
        """Node names as kind names them, and addresses as docker handed them out in seed 000
        (the first worker .2, the control plane .3, the other workers from .4 on)."""
        base = net.network_address
        plan = [(f"{self.name}-control-plane", "control-plane", str(base + (3 if workers else 2)))]
        for i in range(workers):
            suffix = "" if i == 0 else str(i + 1)
            plan.append((f"{self.name}-worker{suffix}", "worker", str(base + (2 if i == 0 else i + 3))))
        return plan

    # -- time and reconciliation ---------------------------------------------------------------------
    def settle(self) -> None:
        """Let every controller react until nothing changes (with the cycle collector paused: see
        :func:`~k8slab.components.collector.collector_paused`)."""
        with collector_paused():
            self.loop.settle()

    def advance(self, seconds: float) -> None:
        """Move the virtual clock (AGE columns, timeouts, probes), then let the cluster react."""
        if seconds < 0:
            raise ValueError("time only moves forward")
        self.kernel.advance(seconds)
        self.loop.resync(self.kernel.now)
        self.settle()

    @property
    def now(self) -> str:
        """The virtual time as an RFC 3339 timestamp."""
        return rfc3339(self.kernel.now)

    # -- objects ---------------------------------------------------------------------------------------
    def apply(self, manifest) -> str:
        """``kubectl apply -f -`` with YAML text, a dict or a list of dicts; returns kubectl's output."""
        from k8slab.api.manifest import apply_manifest, format_apply

        if not isinstance(manifest, str):
            import yaml

            docs = manifest if isinstance(manifest, list) else [manifest]
            manifest = yaml.safe_dump_all(docs, sort_keys=False)
        results = apply_manifest(self.store, manifest)
        self.settle()
        out, err = format_apply(results)
        return out + err

    # -- looking inside ----------------------------------------------------------------------------
    def machine(self, node: str):
        """The machine of a node (its netns, files, processes)."""
        try:
            return self.machines[node]
        except KeyError:
            raise KeyError(f"Error response from daemon: No such container: {node}") from None

    def sandbox(self, pod: str, namespace: str = "default"):
        """The sandbox (network namespace, files, containers) of a running pod."""
        obj = self.store.get("pods", pod, namespace)
        kubelet = self.kubelets.get(obj["spec"].get("nodeName", ""))
        return kubelet.sandboxes.get(obj["metadata"]["uid"]) if kubelet else None

    # -- things a lesson does to a pod ---------------------------------------------------------------
    def _pod_and_kubelet(self, pod: str, namespace: str):
        obj = self.store.get("pods", pod.removeprefix("pod/"), namespace)
        kubelet = self.kubelets.get(obj["spec"].get("nodeName", ""))
        if kubelet is None or obj["metadata"]["uid"] not in kubelet.sandboxes:
            raise LookupError(f'pod "{obj["metadata"]["name"]}" is not running')
        return obj, kubelet

    def restart_container(self, pod: str, container: str | None = None, namespace: str = "default") -> None:
        """An app container dies and the kubelet restarts it: same sandbox, same IP, RESTARTS + 1."""
        obj, kubelet = self._pod_and_kubelet(pod, namespace)
        kubelet.restart_container(obj, container or obj["spec"]["containers"][0]["name"])
        self.settle()

    def kill_sandbox(self, pod: str, namespace: str = "default") -> None:
        """The pause container dies: the kubelet makes a new sandbox, so the pod gets a new IP."""
        obj, kubelet = self._pod_and_kubelet(pod, namespace)
        kubelet.lose_sandbox(obj)
        self.settle()

    def set_healthy(self, pod: str, healthy: bool, container: str | None = None, namespace: str = "default") -> None:
        """Make a pod's program answer its probes (or fail them: HTTP 500). With a readinessProbe the
        pod turns NotReady and leaves every Service's endpoints, and so every node's rules."""
        obj, kubelet = self._pod_and_kubelet(pod, namespace)
        sb = kubelet.sandboxes[obj["metadata"]["uid"]]
        for name, ctr in sb.containers.items():
            if container in (None, name):
                ctr.app.healthy = healthy
        kubelet.sync_status(obj)
        self.settle()

    def netns_of(self, who: str, namespace: str = "default"):
        """The network namespace behind ``pod/NAME``, a node name, or ``external`` (the host the
        cluster's docker network lives on, where a client outside the cluster sits)."""
        if who == "external":
            return self.host
        if who in self.machines:
            return self.machines[who].netns
        name = who.removeprefix("pod/")
        obj = self.store.try_get("pods", name, namespace)
        if obj is None:
            raise LookupError(f'pods "{name}" not found')
        sb = self.sandbox(name, namespace)
        if sb is None:
            raise LookupError(f'pod "{name}" has no sandbox yet (phase {obj.get("status", {}).get("phase")})')
        return sb.netns

    def address_of(self, what: str, namespace: str = "default") -> str:
        """An IP for ``pod/NAME``, ``svc/NAME`` (its ClusterIP), ``node/NAME`` (or a node's name) or a
        literal address.
        (Naming the target is the learner's part; from there on the walk asks only the data plane.)"""
        kind, _, name = what.partition("/")
        if not name:
            return self.machines[what].ip if what in self.machines else what
        if kind in ("pod", "po"):
            ip = self.store.get("pods", name, namespace).get("status", {}).get("podIP")
            if not ip:
                raise LookupError(f'pod "{name}" has no IP yet')
            return ip
        if kind in ("svc", "service"):
            return self.store.get("services", name, namespace)["spec"]["clusterIP"]
        if kind in ("node", "no"):
            return self.machine(name).ip
        raise LookupError(f'cannot trace to "{what}": use an IP, pod/NAME, svc/NAME or node/NAME')

    def trace(self, src: str, dst: str, port: int | None = None, proto: str = "tcp",
              namespace: str = "default", size: int = 0) -> Trace:
        """Send one packet from ``src`` to ``dst`` and follow it hop by hop (and its answer back).

        ``src``: ``pod/NAME``, a node name or ``external``; ``dst``: an IP, ``pod/NAME``,
        ``svc/NAME`` or ``node/NAME`` (``dst:port`` also works). ``proto``: tcp, udp or icmp."""
        from k8slab.linux.packet import ICMP, TCP, UDP, IPv4, Raw
        from k8slab.linux.walk import send

        if ":" in dst and port is None:
            dst, _, p = dst.rpartition(":")
            port = int(p)
        netns = self.netns_of(src, namespace)
        ip = self.address_of(dst, namespace)
        sport = self.kernel.random.randint(32768, 60999)
        proto = proto.lower()
        if proto == "icmp":
            l4 = ICMP(8, 0, id=sport, seq=1)
        elif proto == "udp":
            l4 = UDP(sport, port or 53)
        elif proto == "tcp":
            l4 = TCP(sport, port or 80)
        else:
            raise ValueError(f'unknown protocol "{proto}": tcp, udp or icmp')
        pkt = IPv4(dst=ip) / l4
        if size:
            pkt = pkt / Raw(pad=size)
        return Trace(send(netns, pkt), self._labels())

    def _labels(self) -> dict[str, str]:
        """netns name -> what a learner calls it (pod/NAME for a pod sandbox, the node's name)."""
        labels = {"host": "external"}
        for kubelet in self.kubelets.values():
            for uid, sb in kubelet.sandboxes.items():
                if not sb.host_network:
                    obj = self.store.by_uid(uid)
                    if obj is not None:
                        labels[sb.netns.name] = f"pod/{obj['metadata']['name']}"
        return labels

    def kubectl(self, command: str) -> str:
        """Run a kubectl command line; returns what it prints (errors included, as kubectl prints them)."""
        from k8slab.cli.kubectl import kubectl

        out, err, _ = kubectl(self, command)
        return out + err

    def exec(self, target: str, command: str, namespace: str = "default") -> str:
        """Run a command in a node (``"kind-worker"``) or a pod (``"pod/my-shell"``) and return its output."""
        from k8slab.cli.shell import run

        out, err, _ = run(self, target, command, namespace)
        return out + err

    def show(self, trace: Trace | None = None, pause: bool = False):
        """The topology view: nodes, pods and their IPs, veths, bridges, VXLAN tunnels, Services;
        ``trace`` highlights a packet's path, ``pause=True`` shows the pause containers. A widget
        in JupyterLab, a static picture elsewhere (k8slab.notebook)."""
        from k8slab.notebook.views import TopologyView

        return TopologyView(self, trace=trace, pause=pause)


class Trace:
    """A packet's walk as a learner reads it: ``verdict`` (delivered, dropped, rejected),
    ``endpoint`` (the ``ip:port`` actually reached), ``hops`` and ``reply`` (the answer's walk),
    with pod sandboxes named ``pod/NAME`` instead of their ``cni-…`` namespaces."""

    def __init__(self, walk, labels: dict[str, str]) -> None:
        self.walk = walk
        self.labels = labels

    @property
    def verdict(self) -> str:
        return self.walk.verdict

    @property
    def reason(self) -> str:
        return self._named(self.walk.reason)

    def _named(self, text: str) -> str:
        for ns, label in self.labels.items():
            if ns.startswith("cni-"):
                text = text.replace(ns, label)
        return text

    @property
    def endpoint(self) -> str | None:
        return self.walk.endpoint

    @property
    def hops(self) -> list:
        return self.walk.hops

    @property
    def reply(self) -> Trace | None:
        return Trace(self.walk.reply, self.labels) if self.walk.reply is not None else None

    def where(self, hop) -> str:
        return self.labels.get(hop.netns, hop.netns)

    def __str__(self) -> str:
        def render(walk, out):
            for h in walk.hops:
                out.append(str(h).replace(f"[{h.netns}", f"[{self.labels.get(h.netns, h.netns)}", 1))
            out.append(f"=> {walk.verdict}: {walk.reason}")

        lines: list[str] = []
        render(self.walk, lines)
        if self.walk.reply is not None:
            lines += ["", "reply:"]
            render(self.walk.reply, lines)
        return self._named("\n".join(lines)).replace("(host)", "(external)")

    def __repr__(self) -> str:
        return f"<Trace {self.verdict}: {self.reason}>"

    def show(self, cluster: Cluster | None = None):
        """The packet player: step through the hops with the headers, the rule that decided each
        one and the packet's place on the cluster's picture (k8slab.notebook)."""
        from k8slab.notebook.player import PacketPlayer

        return PacketPlayer(self, cluster)


def kind(workers: int = 2, **options) -> Cluster:
    """The three-node kind cluster of the course's first page: kindnet, kube-proxy in iptables mode."""
    return Cluster("kind", workers, **options)


def flannel(workers: int = 2, **options) -> Cluster:
    """The same cluster with flannel (VXLAN by default; ``flannel_backend="host-gw"``) as the CNI."""
    options.setdefault("cni", "flannel")
    return Cluster("kind", workers, **options)
