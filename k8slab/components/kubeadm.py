"""What ``kind create cluster`` leaves in the API besides the nodes: kubeadm's control plane
(static pods, the ``kubernetes`` Service, kube-proxy, CoreDNS) and kind's own add-ons
(kindnet, the local-path provisioner), or flannel's DaemonSet when the cluster uses flannel.

Only API objects are made here; the controllers and kubelets turn them into pods, sockets and
rules, exactly as for a learner's own manifests.
"""

from __future__ import annotations

from ipaddress import IPv4Network

VERSION = "v1.33.1"
IMAGES = {
    "etcd": "registry.k8s.io/etcd:3.5.21-0",
    "kube-apiserver": f"registry.k8s.io/kube-apiserver:{VERSION}",
    "kube-controller-manager": f"registry.k8s.io/kube-controller-manager:{VERSION}",
    "kube-scheduler": f"registry.k8s.io/kube-scheduler:{VERSION}",
    "kube-proxy": f"registry.k8s.io/kube-proxy:{VERSION}",
    "coredns": "registry.k8s.io/coredns/coredns:v1.12.0",
    "kindnet": "docker.io/kindest/kindnetd:v20250512-df8de77b",
    "local-path-provisioner": "docker.io/kindest/local-path-provisioner:v20250214-acbabc1a",
    "flannel": "ghcr.io/flannel-io/flannel:v0.28.9",
}
COREFILE = """.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30 {
       disable success cluster.local
       disable denial cluster.local
    }
    loop
    reload
    loadbalance
}
"""
TOLERATE_ALL = [{"operator": "Exists"}]


def static_pods(node: str, node_ip: str) -> list[dict]:
    """The control plane's mirror pods: etcd, apiserver, controller-manager, scheduler."""
    commands = {
        "etcd": ["etcd", f"--advertise-client-urls=https://{node_ip}:2379", "--data-dir=/var/lib/etcd",
                 f"--listen-client-urls=https://127.0.0.1:2379,https://{node_ip}:2379"],
        "kube-apiserver": ["kube-apiserver", f"--advertise-address={node_ip}", "--secure-port=6443",
                           "--service-cluster-ip-range=10.96.0.0/16"],
        "kube-controller-manager": ["kube-controller-manager", "--allocate-node-cidrs=true",
                                    "--cluster-cidr=10.244.0.0/16", "--node-cidr-mask-size=24"],
        "kube-scheduler": ["kube-scheduler", "--bind-address=127.0.0.1"],
    }
    pods = []
    for component, command in commands.items():
        pods.append({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": f"{component}-{node}", "namespace": "kube-system",
                         "labels": {"component": component, "tier": "control-plane"},
                         "annotations": {"kubernetes.io/config.hash": _hash(component + node),
                                         "kubernetes.io/config.mirror": _hash(component + node),
                                         "kubernetes.io/config.seen": "2025-01-12T10:00:00.000000000Z",
                                         "kubernetes.io/config.source": "file"}},
            "spec": {"nodeName": node, "hostNetwork": True, "priorityClassName": "system-node-critical",
                     "containers": [{"name": component, "image": IMAGES[component], "command": command}],
                     "tolerations": [{"effect": "NoExecute", "operator": "Exists"}]},
        })
    return pods


def _hash(text: str) -> str:
    import hashlib

    return hashlib.md5(text.encode()).hexdigest()


def kubernetes_service(service_subnet: str, control_plane_ip: str) -> list[dict]:
    """The ``kubernetes`` Service (the first address of the service range) and the endpoints the
    apiserver keeps for it (no selector: the apiserver, not the EndpointSlice controller, owns them)."""
    ip = str(IPv4Network(service_subnet).network_address + 1)
    return [
        {"apiVersion": "v1", "kind": "Service",
         "metadata": {"name": "kubernetes", "namespace": "default",
                      "labels": {"component": "apiserver", "provider": "kubernetes"}},
         "spec": {"clusterIP": ip, "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}],
                  "type": "ClusterIP", "sessionAffinity": "None"}},
        {"apiVersion": "v1", "kind": "Endpoints",
         "metadata": {"name": "kubernetes", "namespace": "default",
                      "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"}},
         "subsets": [{"addresses": [{"ip": control_plane_ip}],
                      "ports": [{"name": "https", "port": 6443, "protocol": "TCP"}]}]},
        {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
         "metadata": {"name": "kubernetes", "namespace": "default",
                      "labels": {"kubernetes.io/service-name": "kubernetes"}},
         "addressType": "IPv4",
         "endpoints": [{"addresses": [control_plane_ip], "conditions": {"ready": True}}],
         "ports": [{"name": "https", "port": 6443, "protocol": "TCP"}]},
    ]


def daemonset(name: str, namespace: str, labels: dict, container: dict, host_network: bool = True) -> dict:
    return {"apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": {"name": name, "namespace": namespace, "labels": dict(labels)},
            "spec": {"selector": {"matchLabels": dict(labels)},
                     "template": {"metadata": {"labels": dict(labels)},
                                  "spec": {"hostNetwork": host_network, "tolerations": TOLERATE_ALL,
                                           "priorityClassName": "system-node-critical",
                                           "containers": [container]}}}}


def kube_proxy(mode: str) -> list[dict]:
    return [daemonset("kube-proxy", "kube-system", {"k8s-app": "kube-proxy"},
                      {"name": "kube-proxy", "image": IMAGES["kube-proxy"],
                       "command": ["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf",
                                   "--hostname-override=$(NODE_NAME)"],
                       "env": [{"name": "NODE_NAME",
                                "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "spec.nodeName"}}}]})]


def kindnet(pod_subnet: str) -> list[dict]:
    return [daemonset("kindnet", "kube-system", {"app": "kindnet", "k8s-app": "kindnet", "tier": "node"},
                      {"name": "kindnet-cni", "image": IMAGES["kindnet"], "command": ["/bin/kindnetd"],
                       "env": [{"name": "POD_SUBNET", "value": pod_subnet}]})]


def flannel() -> list[dict]:
    return [{"apiVersion": "v1", "kind": "Namespace",
             "metadata": {"name": "kube-flannel", "labels": {"pod-security.kubernetes.io/enforce": "privileged"}}},
            daemonset("kube-flannel-ds", "kube-flannel", {"app": "flannel", "k8s-app": "flannel", "tier": "node"},
                      {"name": "kube-flannel", "image": IMAGES["flannel"],
                       "command": ["/opt/bin/flanneld", "--ip-masq", "--kube-subnet-mgr"]})]


def coredns(service_subnet: str, replicas: int = 2) -> list[dict]:
    """CoreDNS as kubeadm installs it: its ConfigMap, Deployment and the ``kube-dns`` Service on
    the tenth address of the service range."""
    dns_ip = str(IPv4Network(service_subnet).network_address + 10)
    labels = {"k8s-app": "kube-dns"}
    return [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "coredns", "namespace": "kube-system"},
         "data": {"Corefile": COREFILE}},
        {"apiVersion": "apps/v1", "kind": "Deployment",
         "metadata": {"name": "coredns", "namespace": "kube-system", "labels": dict(labels)},
         "spec": {"replicas": replicas, "selector": {"matchLabels": dict(labels)},
                  "template": {"metadata": {"labels": dict(labels)},
                               "spec": {"priorityClassName": "system-cluster-critical",
                                        "tolerations": [{"key": "CriticalAddonsOnly", "operator": "Exists"},
                                                        {"effect": "NoSchedule",
                                                         "key": "node-role.kubernetes.io/control-plane"}],
                                        "containers": [{
                                            "name": "coredns", "image": IMAGES["coredns"],
                                            "args": ["-conf", "/etc/coredns/Corefile"],
                                            "ports": [{"containerPort": 53, "name": "dns", "protocol": "UDP"},
                                                      {"containerPort": 53, "name": "dns-tcp", "protocol": "TCP"},
                                                      {"containerPort": 9153, "name": "metrics",
                                                       "protocol": "TCP"}],
                                            "readinessProbe": {"httpGet": {"path": "/ready", "port": 8181}}}]}}}},
        {"apiVersion": "v1", "kind": "Service",
         "metadata": {"name": "kube-dns", "namespace": "kube-system",
                      "labels": {"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true",
                                 "kubernetes.io/name": "CoreDNS"},
                      "annotations": {"prometheus.io/port": "9153", "prometheus.io/scrape": "true"}},
         "spec": {"clusterIP": dns_ip, "selector": dict(labels),
                  "ports": [{"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                            {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
                            {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153}]}},
    ]


def local_path_provisioner() -> list[dict]:
    labels = {"app": "local-path-provisioner"}
    return [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "local-path-storage"}},
            {"apiVersion": "apps/v1", "kind": "Deployment",
             "metadata": {"name": "local-path-provisioner", "namespace": "local-path-storage"},
             "spec": {"replicas": 1, "selector": {"matchLabels": dict(labels)},
                      "template": {"metadata": {"labels": dict(labels)},
                                   "spec": {"tolerations": [{"effect": "NoSchedule",
                                                             "key": "node-role.kubernetes.io/control-plane",
                                                             "operator": "Equal"}],
                                            "containers": [{"name": "local-path-provisioner",
                                                            "image": IMAGES["local-path-provisioner"],
                                                            "command": ["local-path-provisioner", "--debug",
                                                                        "start"]}]}}}}]
