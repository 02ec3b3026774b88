"""The kubelet: registers its node and makes the pods bound to it real.

For each pod it asks the container runtime for a sandbox: a pause container holding a new
network namespace (``cni-<uuid>``), networked by the CNI plugin the node's
``/etc/cni/net.d`` names (ADD with CNI_NETNS and CNI_IFNAME=eth0). The app containers then
join that namespace: they share its IP, reach each other on localhost, and two of them cannot
listen on the same port. Restarting a container keeps the sandbox and its IP; losing the
sandbox means a new one, a new CNI ADD, and a new IP. Until a CNI config exists the node is
NotReady and pods wait, as on a real node.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import MutableMapping
from dataclasses import dataclass

from k8slab.api.defaults import pod_qos_class
from k8slab.api.meta import rfc3339, uuid_text
from k8slab.components.apps import App, app_for
from k8slab.components.cni import CNIError, add_network_list, del_network_list
from k8slab.components.controller import Controller
from k8slab.components.events import record, record_all
from k8slab.components.kubelet_dns import pod_resolv_conf
from k8slab.linux.errors import SocketError
from k8slab.linux.fs import FileSystem

PAUSE_IMAGE = "registry.k8s.io/pause:3.10"
CNI_DIR = "/etc/cni/net.d"
MANAGED_HOSTS = ("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
                 "fe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n")
NETWORK_NOT_READY = ("container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady "
                     "message:Network plugin returns error: cni plugin not initialized")


@dataclass(slots=True)
class Container:
    """One app container in a sandbox. ``container_id`` is its id as the status shows it
    (``containerd://<id>``), kept whole since every status write needs that string."""

    name: str
    container_id: str
    app: App
    image: str
    restarts: int = 0
    running: bool = False
    started_at: float = 0.0
    last_exit: tuple | None = None      # (started, finished, exit code, reason) of the previous run
    error: str = ""
    sockets: tuple = ()                 # (proto, address, port) of each socket it listens on


class Containers(MutableMapping):
    """A sandbox's containers by name, in the order they were first started: a view of its
    ``_containers`` tuple (a pod's one container in a tuple is ~50 bytes, a dict ~180). A key
    is the container's own name."""

    __slots__ = ("_sb",)

    def __init__(self, sb: Sandbox) -> None:
        self._sb = sb

    def __getitem__(self, name: str) -> Container:
        ctr = self._sb.container(name)
        if ctr is None:
            raise KeyError(name)
        return ctr

    def __setitem__(self, name: str, ctr: Container) -> None:
        if ctr.name != name:
            raise ValueError(f"container {ctr.name!r} filed as {name!r}")
        self._sb.put(ctr)

    def __delitem__(self, name: str) -> None:
        items = self._sb._containers
        kept = tuple(c for c in items if c.name != name)
        if len(kept) == len(items):
            raise KeyError(name)
        self._sb._containers = kept

    def __iter__(self):
        return iter([c.name for c in self._sb._containers])

    def __len__(self) -> int:
        return len(self._sb._containers)

    def __repr__(self) -> str:
        return repr(dict(self))


@dataclass(slots=True)
class Sandbox:
    """A pod sandbox: the pause container and the network namespace it holds.

    ``etc`` is what the kubelet fixed for the pod's files when it made the sandbox: the texts of
    /etc/resolv.conf, /etc/hosts and /etc/hostname on the host network, else resolv.conf's text,
    the hostname and the name /etc/hosts gives the pod's IP. :attr:`fs` writes them the first
    time someone looks into the pod (few ever are, and then the files are as they were made)."""

    id: str
    netns: object
    ip: str
    etc: tuple
    host_network: bool = False
    _containers: tuple = ()   # its Containers, read and changed through :attr:`containers`
    pids: tuple = ()    # its processes (the pause process, then each container's): a tuple holds two in less
    _fs: FileSystem | None = None

    @property
    def containers(self) -> Containers:
        """The containers by name (a mapping: get, items, ``[name] = container``)."""
        return Containers(self)

    def container(self, name: str) -> Container | None:
        """The container called ``name``, or None."""
        for ctr in self._containers:
            if ctr.name == name:
                return ctr
        return None

    def put(self, ctr: Container) -> None:
        """File ``ctr`` under its name: in the place of the container it replaces, else last."""
        items, name = self._containers, ctr.name
        for i, c in enumerate(items):
            if c.name == name:
                self._containers = items[:i] + (ctr,) + items[i + 1:]
                return
        self._containers = items + (ctr,)

    @property
    def fs(self) -> FileSystem:
        """The pod's files (/etc/resolv.conf, /etc/hosts, /etc/hostname as the kubelet wrote them)."""
        fs = self._fs
        if fs is None:
            fs = self._fs = FileSystem()
            if self.host_network:
                resolv_conf, hosts, hostname = self.etc
            else:
                resolv_conf, name, fqdn = self.etc
                hosts, hostname = f"{MANAGED_HOSTS}{self.ip}\t{fqdn}\n", f"{name}\n"
            fs.write("/etc/resolv.conf", resolv_conf)
            fs.write("/etc/hosts", hosts)
            fs.write("/etc/hostname", hostname)
        return fs


class Kubelet(Controller):
    """The kubelet of one node (``machine`` from :mod:`k8slab.components.node`)."""

    name = "kubelet"
    resources = ("pods",)

    def __init__(self, machine, role: str = "worker", cluster_dns: str = "10.96.0.10",
                 cluster_domain: str = "cluster.local", version: str = "v1.33.1", apps=None) -> None:
        super().__init__()
        self.apps = apps or app_for   # (container, pod name) -> App: what the image runs
        self.field = ("spec.nodeName", machine.name)  # like the kubelet: only the pods bound to this node
        self.machine = machine
        self.cni_host = machine.host  # what the CNI plugins see; one Host, so host-local's record of its files lasts
        self.role = role
        self.cluster_dns = cluster_dns
        self.cluster_domain = cluster_domain
        self.version = version
        self.sandboxes: dict[str, Sandbox] = {}     # pod uid -> sandbox
        self.network_ready: bool | None = None
        self.waiting: set = set()                   # pods waiting for the network
        self.written: dict[str, str] = {}           # pod uid -> resourceVersion of our status write not yet seen back
        self._cni_file: tuple | None = None   # (machine.fs, CNI_DIR's version there, its first config's path)
        self._host_ips: list = [{"ip": None}]  # every pod's status.hostIPs: one list (stored objects are read-only)

    # -- the node --------------------------------------------------------------------------------
    def ids(self, n: int = 32) -> str:
        return self.machine.netns.kernel.random_hex(n)

    def register(self, store) -> dict:
        """Create this node's Node object, as the kubelet does when it starts."""
        m = self.machine
        labels = {"beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux",
                  "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": m.name, "kubernetes.io/os": "linux"}
        spec: dict = {"providerID": f"kind://docker/kind/{m.name}"}
        if self.role == "control-plane":
            labels["node-role.kubernetes.io/control-plane"] = ""
            labels["node.kubernetes.io/exclude-from-external-load-balancers"] = ""
            spec["taints"] = [{"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}]
        capacity = {"cpu": "8", "ephemeral-storage": "102626232Ki", "hugepages-1Gi": "0", "hugepages-2Mi": "0",
                    "memory": "16337944Ki", "pods": "110"}
        rng = m.netns.kernel.random
        node = {
            "apiVersion": "v1", "kind": "Node",
            "metadata": {"name": m.name, "labels": labels,
                         "annotations": {"node.alpha.kubernetes.io/ttl": "0",
                                         "volumes.kubernetes.io/controller-managed-attach-detach": "true"}},
            "spec": spec,
            "status": {
                "addresses": [{"address": m.ip, "type": "InternalIP"}, {"address": m.name, "type": "Hostname"}],
                "allocatable": dict(capacity), "capacity": capacity,
                "conditions": self._conditions(False),
                "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
                "nodeInfo": {"architecture": "amd64", "bootID": uuid_text(rng.getrandbits(128)),
                             "containerRuntimeVersion": "containerd://2.1.1", "kernelVersion": "6.8.0-1021-azure",
                             "kubeProxyVersion": self.version, "kubeletVersion": self.version,
                             "machineID": self.ids(16), "operatingSystem": "linux",
                             "osImage": "Debian GNU/Linux 12 (bookworm)",
                             "systemUUID": uuid_text(rng.getrandbits(128))},
            },
        }
        m.spawn(f"/usr/bin/kubelet --node-ip={m.ip} --pod-infra-container-image={PAUSE_IMAGE}")
        created = store.create(node, validate=False)
        # The node's heartbeat: a Lease in kube-node-lease, held by the kubelet (kubectl describe node shows it).
        renew = _ts(m.netns.kernel.now).replace("Z", ".000000Z")
        store.create({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                      "metadata": {"name": m.name, "namespace": "kube-node-lease",
                                   "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": m.name,
                                                        "uid": created["metadata"]["uid"]}]},
                      "spec": {"holderIdentity": m.name, "leaseDurationSeconds": 40, "renewTime": renew}},
                     validate=False)
        return created

    def _conditions(self, ready: bool) -> list[dict]:
        now = _ts(self.machine.netns.kernel.now)

        def cond(type_, status, reason, message):
            return {"lastHeartbeatTime": now, "lastTransitionTime": now, "message": message, "reason": reason,
                    "status": status, "type": type_}
        return [
            cond("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
            cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
            cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
            cond("Ready", "True", "KubeletReady", "kubelet is posting ready status") if ready else
            cond("Ready", "False", "KubeletNotReady", NETWORK_NOT_READY),
        ]

    def cni_config(self) -> str | None:
        """The first config in /etc/cni/net.d (lexical order), as the runtime picks it. Which
        file that is stays known while the folder's names do (its
        :meth:`~k8slab.linux.fs.FileSystem.version`); the file is read each time."""
        fs = self.machine.fs
        version = fs.version(CNI_DIR)
        known = self._cni_file
        if known is None or known[0] is not fs or known[1] != version:
            known = self._cni_file = (fs, version, _first_config(fs))
        return None if known[2] is None else fs.read(known[2])

    def poll(self) -> None:
        """The kubelet's periodic sync: notice the CNI config appearing, retry waiting pods."""
        ready = self.cni_config() is not None
        if ready != self.network_ready:
            self.network_ready = ready
            self.store.patch("nodes", self.machine.name, {"status": {"conditions": self._conditions(ready)}},
                             subresource="status", validate=False)
            if ready:
                for key in sorted(self.waiting):
                    self.enqueue(key)
                self.waiting.clear()

    # -- pods ------------------------------------------------------------------------------------
    def key_for(self, event):
        pod = event.object
        if pod.get("spec", {}).get("nodeName") != self.machine.name:
            return None
        meta = pod["metadata"]
        if event.type == "DELETED":
            self.written.pop(meta["uid"], None)
            self.teardown(meta["uid"])
            return None
        if event.type == "MODIFIED" and self.written.get(meta["uid"]) == meta.get("resourceVersion"):
            del self.written[meta["uid"]]   # seen: a later version is someone else's (or a newer write of ours)
            return None   # the echo of our own status write: nothing new to sync
        return (meta["namespace"], meta["name"])

    def reconcile(self, key) -> None:
        ns, name = key
        pod = self.store.try_get("pods", name, ns)
        if pod is None or pod["spec"].get("nodeName") != self.machine.name:
            return
        uid = pod["metadata"]["uid"]
        if pod["metadata"].get("deletionTimestamp"):
            self.teardown(uid)
            self.store.delete("pods", name, ns, grace_period_seconds=0)
            return
        if uid not in self.sandboxes:
            self.start_pod(pod, key)
        self.sync_status(pod)

    def start_pod(self, pod: dict, key) -> None:
        spec = pod["spec"]
        host_network = bool(spec.get("hostNetwork"))
        conflist = None if host_network else self.cni_config()
        if not host_network and not conflist:
            self.waiting.add(key)
            self._event(pod, "Warning", "NetworkNotReady", f"network is not ready: {NETWORK_NOT_READY}")
            return
        sandbox = self.run_sandbox(pod, host_network, conflist)
        if sandbox is None:
            return
        self.sandboxes[pod["metadata"]["uid"]] = sandbox
        for c in spec.get("containers", []):
            self.start_container(pod, sandbox, c)

    def run_sandbox(self, pod: dict, host_network: bool, conflist: str | None = None) -> Sandbox | None:
        """RunPodSandbox: the pause container, its namespace, CNI ADD with ``conflist`` (the
        node's CNI config when not given), the pod's files."""
        m = self.machine
        sandbox_id = self.ids(32)
        if host_network:
            netns, ip = m.netns, m.ip
        else:
            rng = m.netns.kernel.random
            ns_name = f"cni-{uuid_text(rng.getrandbits(128))}"
            netns = m.netns.kernel.add_netns(ns_name)
            # containerd names the sandbox's namespace under /var/run/netns on the node (what
            # CNI_NETNS points at; `ip netns list` and `ip link`'s "link-netns" read it back).
            m.netns.named_netns[ns_name] = netns
            path = f"/var/run/netns/{ns_name}"
            m.fs.write(path, "")
            try:
                result = add_network_list(self.cni_host, conflist or self.cni_config(), sandbox_id, path)
            except CNIError as e:
                self._forget_netns(ns_name)
                m.netns.kernel.del_netns(ns_name)
                self._event(pod, "Warning", "FailedCreatePodSandBox",
                            f"Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network "
                            f"for sandbox \"{sandbox_id}\": {e.msg}")
                return None
            ip = result["ips"][0]["address"].split("/")[0]
        sb = Sandbox(sandbox_id, netns, ip, self.pod_files(pod, host_network), host_network)
        sb.pids = (m.spawn("/pause", "65535"),)
        return sb

    def pod_files(self, pod: dict, host_network: bool) -> tuple:
        """What /etc/resolv.conf, /etc/hosts and /etc/hostname hold, as the kubelet writes them
        (the sandbox's ``etc``: on the host network the node's files as they are now)."""
        meta, spec = pod["metadata"], pod["spec"]
        node_fs = self.machine.fs
        resolv_conf = pod_resolv_conf(pod, self.cluster_domain, (self.cluster_dns,),
                                      node_resolv_conf=node_fs.read("/etc/resolv.conf"))
        if host_network:
            return resolv_conf, node_fs.read("/etc/hosts"), node_fs.read("/etc/hostname")
        hostname = spec.get("hostname") or meta["name"]
        if spec.get("subdomain"):
            return resolv_conf, hostname, (f"{hostname}.{spec['subdomain']}.{meta['namespace']}.svc."
                                           f"{self.cluster_domain}\t{hostname}")
        return resolv_conf, hostname, hostname

    def start_container(self, pod: dict, sb: Sandbox, c: dict, restarts: int = 0,
                        last_exit: tuple | None = None) -> Container:
        """Start an app container inside the sandbox: its program binds its sockets there."""
        c = expand_env(c, pod, self.machine)
        name = c["name"]
        app = self.apps(c, pod["metadata"]["name"], self.machine.name)
        ctr = Container(name, f"containerd://{self.ids(32)}", app, c.get("image", ""), restarts, last_exit=last_exit)
        sb.put(ctr)   # a restart: in the place of the one it replaces
        sockets = sb.netns.sockets
        listens = tuple(app.listens)
        for i, (proto, port) in enumerate(listens):
            try:
                sockets.bind(proto, "0.0.0.0", port, app)
            except SocketError:
                for bound_proto, bound_port in listens[:i]:
                    sockets.unbind(bound_proto, "0.0.0.0", bound_port)
                ctr.error = f"listen {proto} 0.0.0.0:{port}: bind: address already in use"
                ctr.restarts += 1
                self._event(pod, "Warning", "BackOff", "Back-off restarting failed container "
                            f"{name} in pod {pod['metadata']['name']}_{pod['metadata']['namespace']}"
                            f"({pod['metadata']['uid']})")
                return ctr
        ctr.sockets = _any_addresses(listens)
        ctr.running = True
        ctr.started_at = self.machine.netns.kernel.now
        sb.pids += (self.machine.spawn(app.command),)
        record_all(self.store, pod, _start_events(ctr.image, name), "kubelet", host=self.machine.name, result=False)
        return ctr

    def crash_container(self, pod: dict, name: str, message: str) -> None:
        """The container's process exits with an error and keeps doing so: CrashLoopBackOff."""
        sb = self.sandboxes[pod["metadata"]["uid"]]
        ctr = sb.containers[name]
        for s in ctr.sockets:
            sb.netns.sockets.unbind(*s)
        ctr.sockets = ()
        now = self.machine.netns.kernel.now
        ctr.running, ctr.error, ctr.restarts = False, message, ctr.restarts + 1
        ctr.last_exit = (ctr.started_at, now, 1, "Error")
        self._event(pod, "Warning", "BackOff", "Back-off restarting failed container "
                    f"{name} in pod {pod['metadata']['name']}_{pod['metadata']['namespace']}({pod['metadata']['uid']})")
        self.sync_status(pod)

    def restart_container(self, pod: dict, name: str) -> None:
        """The container's process dies and the kubelet starts it again in the same sandbox."""
        sb = self.sandboxes[pod["metadata"]["uid"]]
        old = sb.containers[name]
        for s in old.sockets:
            sb.netns.sockets.unbind(*s)
        spec = next(c for c in pod["spec"]["containers"] if c["name"] == name)
        now = self.machine.netns.kernel.now
        self.start_container(pod, sb, spec, old.restarts + 1, (old.started_at, now, 137, "Error"))
        self.sync_status(pod)

    def teardown(self, uid: str) -> None:
        """StopPodSandbox + RemovePodSandbox: CNI DEL, the namespace goes."""
        sb = self.sandboxes.pop(uid, None)
        if sb is None:
            return
        for ctr in sb._containers:
            for s in ctr.sockets:
                sb.netns.sockets.unbind(*s)
        if not sb.host_network:
            conf = self.cni_config()
            if conf:
                try:
                    del_network_list(self.cni_host, conf, sb.id, f"/var/run/netns/{sb.netns.name}")
                except CNIError:
                    pass
            self._forget_netns(sb.netns.name)
            self.machine.netns.kernel.del_netns(sb.netns.name)
        self.machine.processes[:] = [p for p in self.machine.processes if p not in sb.pids]

    def _forget_netns(self, name: str) -> None:
        self.machine.netns.named_netns.pop(name, None)
        if self.machine.fs.exists(f"/var/run/netns/{name}"):
            self.machine.fs.remove(f"/var/run/netns/{name}")

    def lose_sandbox(self, pod: dict) -> None:
        """The pause container dies: the kubelet builds a new sandbox (a new IP) and restarts all."""
        old = self.sandboxes.get(pod["metadata"]["uid"])
        before = {n: (c.restarts, c.started_at) for n, c in old.containers.items()} if old else {}
        self.teardown(pod["metadata"]["uid"])
        self._event(pod, "Normal", "SandboxChanged", "Pod sandbox changed, it will be killed and re-created.")
        key = (pod["metadata"]["namespace"], pod["metadata"]["name"])
        self.start_pod(pod, key)
        sb = self.sandboxes.get(pod["metadata"]["uid"])
        now = self.machine.netns.kernel.now
        if sb is not None:
            for name, ctr in sb.containers.items():
                restarts, started = before.get(name, (0, now))
                ctr.restarts = restarts + 1
                ctr.last_exit = (started, now, 137, "Error")
        self.sync_status(pod)

    # -- status ----------------------------------------------------------------------------------
    def sync_status(self, pod: dict) -> None:
        """Write the pod's status as the kubelet sees it (when it changed). Its parts that are the
        same for many pods (a running state, the conditions, the node's hostIPs) are shared
        objects: stored objects are read-only."""
        meta = pod["metadata"]
        sb = self.sandboxes.get(meta["uid"])
        now = _ts(self.machine.netns.kernel.now)
        old = pod.get("status", {})
        started = old.get("startTime") or now
        containers = pod["spec"].get("containers", [])
        statuses = [None] * len(containers)   # its size, where appends would leave room for four (stored)
        all_ready, unready, any_started = True, [], False
        for i, c in enumerate(containers):
            name = c["name"]
            ctr = sb.container(name) if sb else None
            if ctr is None:
                st = {"image": c.get("image", ""), "name": name, "ready": False, "restartCount": 0, "started": False,
                      "state": _CREATING}
            elif ctr.running:
                st = {"image": c.get("image", ""), "name": name, "ready": self.probe_ready(pod, c, sb, ctr),
                      "restartCount": ctr.restarts, "started": True, "containerID": ctr.container_id,
                      "imageID": _image_id(ctr.image), "state": _running(_ts(ctr.started_at))}
                if ctr.last_exit is not None:
                    started_at, finished, code, reason = ctr.last_exit
                    st["lastState"] = {"terminated": {"containerID": ctr.container_id, "exitCode": code,
                                                      "finishedAt": _ts(finished), "reason": reason,
                                                      "startedAt": _ts(started_at)}}
            else:
                st = {"image": c.get("image", ""), "name": name, "ready": False, "restartCount": ctr.restarts,
                      "started": False, "containerID": ctr.container_id, "imageID": _image_id(ctr.image),
                      "state": {"waiting": {"message": f"back-off 10s restarting failed container={name} "
                                                       f"pod={meta['name']}_{meta['namespace']}({meta['uid']})",
                                            "reason": "CrashLoopBackOff"}},
                      "lastState": {"terminated": {"containerID": ctr.container_id, "exitCode": 1,
                                                   "finishedAt": now, "reason": "Error", "startedAt": now}}}
            if not st["ready"]:
                all_ready = False
                unready.append(name)
            any_started = any_started or st["started"]
            statuses[i] = st
        ready = "True" if (sb and all_ready) else "False"
        states = ("True" if sb else "False", "True", ready, ready, "True")
        prev = old.get("conditions")
        if prev:
            by_type = {c["type"]: c for c in prev}
            since = tuple(by_type[t].get("lastTransitionTime") if t in by_type and by_type[t]["status"] == s else now
                          for t, s in zip(_CONDITION_TYPES, states))
        else:
            since = (now,) * 5
        machine_ip = self.machine.ip
        host_ips = self._host_ips
        if host_ips[0]["ip"] != machine_ip:
            host_ips = self._host_ips = [{"ip": machine_ip}]
        status = {"conditions": _pod_conditions(states, since, " ".join(unready) if sb and ready == "False" else None),
                  "containerStatuses": statuses, "hostIP": machine_ip, "hostIPs": host_ips,
                  "phase": "Running" if sb and any_started else "Pending",
                  "qosClass": pod_qos_class(pod["spec"]), "startTime": started}
        if sb:
            status["podIP"] = sb.ip
            status["podIPs"] = [{"ip": sb.ip}]
        if status != old:   # a field changed, came or went
            new = self.store.patch("pods", meta["name"], {"status": status}, namespace=meta["namespace"],
                                   subresource="status", validate=False, copy=False)
            self.written[meta["uid"]] = new["metadata"]["resourceVersion"]

    def probe_ready(self, pod: dict, c: dict, sb: Sandbox, ctr: Container) -> bool:
        """Readiness: no probe means ready once started; an httpGet/tcpSocket probe asks the app."""
        probe = c.get("readinessProbe")
        if not probe:
            return True
        return ctr.app.healthy

    def _event(self, pod: dict, type_: str, reason: str, message: str) -> None:
        record(self.store, pod, type_, reason, message, "kubelet", host=self.machine.name, result=False)


def _first_config(fs: FileSystem) -> str | None:
    """The path of the first config in /etc/cni/net.d (lexical order), or None."""
    if not fs.isdir(CNI_DIR):
        return None
    for name in fs.listdir(CNI_DIR):
        if name.endswith((".conflist", ".conf", ".json")):
            return f"{CNI_DIR}/{name}"
    return None


def expand_env(c: dict, pod: dict, machine) -> dict:
    """The kubelet's ``$(VAR)`` expansion in command and args, from the container's env (plain
    values and the downward API fields kube-proxy and others use); ``$$`` escapes a dollar."""
    if not c.get("env") or not (c.get("command") or c.get("args")):
        return c   # nothing to expand, or nothing to expand it in
    fields = {"spec.nodeName": pod["spec"].get("nodeName", ""), "metadata.name": pod["metadata"]["name"],
              "metadata.namespace": pod["metadata"].get("namespace", ""), "status.hostIP": machine.ip,
              "spec.serviceAccountName": pod["spec"].get("serviceAccountName", "default")}
    env = {}
    for e in c.get("env", []) or []:
        if "value" in e:
            env[e["name"]] = str(e["value"])
        elif "fieldRef" in (e.get("valueFrom") or {}):
            env[e["name"]] = fields.get(e["valueFrom"]["fieldRef"].get("fieldPath"), "")
    if not env or not (c.get("command") or c.get("args")):
        return c

    def sub(text: str) -> str:
        return _VAR_REF.sub(lambda m: "$" if m.group(0) == "$$" else env.get(m.group(1), m.group(0)), text)
    out = dict(c)
    for key in ("command", "args"):
        if c.get(key):
            out[key] = [sub(str(a)) for a in c[key]]
    return out


_VAR_REF = re.compile(r"\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)")


def _ts(seconds: float) -> str:
    return rfc3339(seconds)


@functools.lru_cache(maxsize=256)
def _image_id(image: str) -> str:
    name = image.split("@", 1)[0].rsplit(":", 1)[0] if ":" in image.rsplit("/", 1)[-1] else image
    if "/" not in name:
        name = f"docker.io/library/{name}"
    elif "." not in name.split("/", 1)[0]:
        name = f"docker.io/{name}"
    return f"{name}@sha256:{hashlib.sha256(image.encode()).hexdigest()}"


# Shared parts of pod statuses (read-only, as every stored object; each a pure function of its key).
_CREATING = {"waiting": {"reason": "ContainerCreating"}}
_CONDITION_TYPES = ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")


@functools.lru_cache(maxsize=256)
def _running(started_at: str) -> dict:
    """A container state running since ``started_at``."""
    return {"running": {"startedAt": started_at}}


@functools.lru_cache(maxsize=256)
def _pod_conditions(states: tuple, since: tuple, unready: str | None) -> list[dict]:
    """The pod's conditions (:data:`_CONDITION_TYPES`) with these statuses and transition times;
    ``unready`` (names of the unready containers) gives Ready and ContainersReady their reason."""
    conditions = []
    for t, s, when in zip(_CONDITION_TYPES, states, since):
        c = {"lastProbeTime": None, "lastTransitionTime": when, "status": s, "type": t}
        if s == "False" and unready is not None and t in ("Ready", "ContainersReady"):
            c["reason"] = "ContainersNotReady"
            c["message"] = f"containers with unready status: [{unready}]"
        conditions.append(c)
    return conditions


@functools.lru_cache(maxsize=256)
def _start_events(image: str, name: str) -> tuple[tuple[str, str, str], ...]:
    """The events of a container's start, Pulled, Created and Started, as ``(type, reason, message)``."""
    return (("Normal", "Pulled", f"Container image \"{image}\" already present on machine"),
            ("Normal", "Created", f"Created container: {name}"), ("Normal", "Started", f"Started container {name}"))


@functools.lru_cache(maxsize=256)
def _any_addresses(listens: tuple) -> tuple[tuple[str, str, int], ...]:
    """The sockets of a program listening on every address, ``(proto, "0.0.0.0", port)`` for each of its
    ``(proto, port)``: one tuple for the containers of an image (stored: a container keeps it read-only)."""
    return tuple((proto, "0.0.0.0", port) for proto, port in listens)
