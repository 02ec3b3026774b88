"""The facade: a whole simulated cluster in one object, and the presets that build one.

>>> import k8slab
>>> c = k8slab.kind(workers=2)
>>> print(c.kubectl("get nodes -o=custom-columns=NAME:.metadata.name,CIDR:.spec.podCIDR"))
NAME                 CIDR
kind-control-plane   10.244.0.0/24
kind-worker          10.244.1.0/24
kind-worker2         10.244.2.0/24
<BLANKLINE>

Everything lives on one Linux kernel (``c.kernel``) and one API store (``c.store``); the
components are controllers that reconcile one into the other (``c.loop``). Time is virtual:
``c.advance(seconds)`` moves it. The same arguments and seed always build the same cluster,
down to MAC addresses, veth names and pod name suffixes.
"""

from __future__ import annotations

from ipaddress import IPv4Network

from k8slab.api.meta import rfc3339
from k8slab.api.store import Store
from k8slab.components.controller import Controllers
from k8slab.components.kindnet import Kindnet
from k8slab.components.kubelet import Kubelet
from k8slab.components.node import docker_network, start_node_container
from k8slab.components.node_ipam import NodeIPAM
from k8slab.linux.kernel import Kernel

KUBERNETES_VERSION = "v1.33.1"


class Cluster:
    """A running cluster: ``kernel`` (the data plane), ``store`` (the API), ``loop`` (the
    controllers), ``machines`` (node name -> its machine), ``kubelets`` (node name -> kubelet)."""

    def __init__(self, name: str = "kind", workers: int = 2, *, cni: str = "kindnet",
                 proxy_mode: str = "iptables", pod_subnet: str = "10.244.0.0/16",
                 service_subnet: str = "10.96.0.0/16", seed: int = 0, node_network: str = "172.18.0.0/16",
                 flannel_backend: str = "vxlan") -> None:
        if cni not in ("kindnet", "flannel"):
            raise ValueError(f'unknown cni "{cni}": choose "kindnet" or "flannel"')
        if proxy_mode not in ("iptables", "ipvs", "none"):
            raise ValueError(f'unknown proxy mode "{proxy_mode}": choose "iptables", "ipvs" or "none"')
        self.name = name
        self.cni = cni
        self.proxy_mode = proxy_mode
        self.pod_subnet = pod_subnet
        self.service_subnet = service_subnet
        self.kernel = Kernel(seed=seed)
        self.store = Store(clock=lambda: self.kernel.now, seed=seed, service_cidr=service_subnet,
                           dispatch="manual")
        self.loop = Controllers(self.store)
        net = IPv4Network(node_network)
        gateway = str(net.network_address + 1)
        self.host = docker_network(self.kernel, name, f"{gateway}/{net.prefixlen}")
        self.machines: dict = {}
        self.kubelets: dict[str, Kubelet] = {}
        self.loop.add(NodeIPAM(pod_subnet))
        for node_name, role, ip in self._node_plan(workers, net):
            m = start_node_container(self.kernel, self.host, node_name, ip, net.prefixlen, gateway)
            self.machines[node_name] = m
            kubelet = Kubelet(m, role, cluster_dns=str(IPv4Network(service_subnet).network_address + 10),
                              version=KUBERNETES_VERSION)
            kubelet.register(self.store)
            self.kubelets[node_name] = self.loop.add(kubelet)
            if cni == "kindnet":
                self.loop.add(Kindnet(m, pod_subnet))
            else:
                from k8slab.components.flannel import Flannel

                self.loop.add(Flannel(m, pod_subnet, backend=flannel_backend))
        self.settle()

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
        """Let every controller react until nothing changes."""
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
        from k8slab.api.apply import apply_text, format_results

        if not isinstance(manifest, str):
            import yaml

            docs = manifest if isinstance(manifest, list) else [manifest]
            manifest = yaml.safe_dump_all(docs, sort_keys=False)
        results = apply_text(self.store, manifest)
        self.settle()
        return format_results(results)

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


def kind(workers: int = 2, **options) -> Cluster:
    """The three-node kind cluster of the course's first page: kindnet, kube-proxy in iptables mode."""
    return Cluster("kind", workers, **options)


def flannel(workers: int = 2, **options) -> Cluster:
    """The same cluster with flannel (VXLAN by default; ``flannel_backend="host-gw"``) as the CNI."""
    options.setdefault("cni", "flannel")
    return Cluster("kind", workers, **options)
