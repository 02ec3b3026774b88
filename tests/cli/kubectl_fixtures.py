"""Objects shaped as the apiserver returns them, for the kubectl output tests."""

NOW = "2025-01-12T10:05:00Z"


def node(name, ip, cidr, control_plane=False, created="2025-01-12T10:00:00Z"):
    labels = {"beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
              "kubernetes.io/hostname": name, "kubernetes.io/os": "linux"}
    if control_plane:
        labels["node-role.kubernetes.io/control-plane"] = ""
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "labels": labels, "creationTimestamp": created},
            "spec": {"podCIDR": cidr, "podCIDRs": [cidr], "providerID": f"kind://docker/kind/{name}"},
            "status": {"addresses": [{"type": "InternalIP", "address": ip}, {"type": "Hostname", "address": name}],
                       "conditions": [{"type": "Ready", "status": "True"}],
                       "nodeInfo": {"kubeletVersion": "v1.32.0", "osImage": "Debian GNU/Linux 12 (bookworm)",
                                    "kernelVersion": "6.8.0-51-generic",
                                    "containerRuntimeVersion": "containerd://1.7.24"}}}


KIND_NODES = [node("kind-control-plane", "172.18.0.3", "10.244.0.0/24", control_plane=True),
              node("kind-worker", "172.18.0.2", "10.244.1.0/24"),
              node("kind-worker2", "172.18.0.4", "10.244.2.0/24")]


def pod(name, *, ns="default", node="kind-worker", ip="10.244.1.2", created="2025-01-12T10:00:00Z",
        containers=("web",), statuses=None, phase="Running", labels=None, **extra):
    meta = {"name": name, "namespace": ns, "creationTimestamp": created}
    if labels:
        meta["labels"] = labels
    meta.update(extra.pop("meta", {}))
    if statuses is None:
        statuses = [{"name": c, "ready": True, "restartCount": 0, "started": True,
                     "state": {"running": {"startedAt": created}}} for c in containers]
    status = {"phase": phase, "conditions": [{"type": "Ready", "status": "True"}],
              "containerStatuses": statuses}
    if ip:
        status["podIP"] = ip
        status["podIPs"] = [{"ip": ip}]
    status.update(extra.pop("status", {}))
    spec = {"containers": [{"name": c, "image": "nginx:1.27"} for c in containers]}
    if node:
        spec["nodeName"] = node
    spec.update(extra.pop("spec", {}))
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec, "status": status}


def service(name, *, ns="default", type_="ClusterIP", cluster_ip="10.96.0.10", ports=None, selector=None,
            created="2025-01-12T10:00:00Z", **extra):
    spec = {"type": type_, "clusterIP": cluster_ip, "clusterIPs": [cluster_ip],
            "ports": ports if ports is not None else [{"port": 80, "protocol": "TCP", "targetPort": 80}]}
    if selector is not None:
        spec["selector"] = selector
    spec.update(extra.pop("spec", {}))
    obj = {"apiVersion": "v1", "kind": "Service",
           "metadata": {"name": name, "namespace": ns, "creationTimestamp": created},
           "spec": spec, "status": extra.pop("status", {"loadBalancer": {}})}
    return obj


def table(*rows) -> str:
    """A rectangular table laid out as kubectl's tabwriter does (each column max(6, widest + 3)
    wide, the last column unpadded); the rule itself is tested in test_kubectl_tabwriter.py."""
    widths = [max(6, max(len(r[i]) for r in rows) + 3) for i in range(len(rows[0]) - 1)]
    return "".join("".join(c.ljust(w) for c, w in zip(r, widths)) + r[-1] + "\n" for r in rows)
