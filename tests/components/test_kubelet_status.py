"""The kubelet's pod status: the status it writes, shared parts and all, is the one a plain
build of every field gives (keys in the same order), whatever the containers' states, the probes,
the previous conditions and the clock; and the parts two pods share are never changed under them."""

import json
import random
from types import SimpleNamespace

from k8slab.api.defaults import qos_class
from k8slab.api.meta import rfc3339
from k8slab.components.apps import App
from k8slab.components.kubelet import Container, Kubelet, Sandbox, _image_id
from k8slab.components.kubelet_dns import pod_resolv_conf
from k8slab.linux.fs import FileSystem


def plain_status(kubelet: Kubelet, pod: dict) -> dict:
    """The status as the kubelet built it before its parts were shared (every object new)."""
    sb = kubelet.sandboxes.get(pod["metadata"]["uid"])
    now = rfc3339(kubelet.machine.netns.kernel.now)
    old = pod.get("status", {})
    started = old.get("startTime") or now
    statuses, all_ready = [], True
    for c in pod["spec"].get("containers", []):
        ctr = sb.containers.get(c["name"]) if sb else None
        st = {"image": c.get("image", ""), "name": c["name"], "ready": False,
              "restartCount": ctr.restarts if ctr else 0, "started": bool(ctr and ctr.running)}
        if ctr is None:
            st["state"] = {"waiting": {"reason": "ContainerCreating"}}
        elif ctr.running:
            st["containerID"] = ctr.container_id
            st["imageID"] = _image_id(ctr.image)
            st["ready"] = ctr.app.healthy if c.get("readinessProbe") else True
            st["state"] = {"running": {"startedAt": rfc3339(ctr.started_at)}}
            if ctr.last_exit:
                began, ended, code, why = ctr.last_exit
                last = dict(containerID=ctr.container_id, exitCode=code, finishedAt=rfc3339(ended), reason=why)
                st["lastState"] = {"terminated": dict(last, startedAt=rfc3339(began))}
        else:
            st["containerID"] = ctr.container_id
            st["imageID"] = _image_id(ctr.image)
            st["state"] = {"waiting": {"message": f"back-off 10s restarting failed container={c['name']} "
                                                  f"pod={pod['metadata']['name']}_{pod['metadata']['namespace']}"
                                                  f"({pod['metadata']['uid']})", "reason": "CrashLoopBackOff"}}
            st["lastState"] = {"terminated": {"containerID": ctr.container_id, "exitCode": 1,
                                              "finishedAt": now, "reason": "Error", "startedAt": now}}
        all_ready = all_ready and st["ready"]
        statuses.append(st)
    ready = "True" if (sb and all_ready) else "False"
    conds = [("PodReadyToStartContainers", "True" if sb else "False"), ("Initialized", "True"),
             ("Ready", ready), ("ContainersReady", ready), ("PodScheduled", "True")]
    prev = {c["type"]: c for c in old.get("conditions", [])}
    conditions = []
    for t, s in conds:
        c = {"lastProbeTime": None, "lastTransitionTime": prev[t]["lastTransitionTime"]
             if t in prev and prev[t]["status"] == s else now, "status": s, "type": t}
        if s == "False" and t in ("Ready", "ContainersReady") and sb:
            c["reason"] = "ContainersNotReady"
            names = [st["name"] for st in statuses if not st["ready"]]
            c["message"] = f"containers with unready status: [{' '.join(names)}]"
        conditions.append(c)
    status = {"conditions": conditions, "containerStatuses": statuses,
              "hostIP": kubelet.machine.ip, "hostIPs": [{"ip": kubelet.machine.ip}],
              "phase": "Running" if sb and any(st["started"] for st in statuses) else "Pending",
              "qosClass": qos_class(pod["spec"]), "startTime": started}
    if sb:
        status["podIP"] = sb.ip
        status["podIPs"] = [{"ip": sb.ip}]
    return status


class Recorder:
    """A store that keeps the status patches it gets."""

    def __init__(self):
        self.written = []

    def patch(self, resource, name, patch, namespace=None, **kwargs):
        self.written.append(patch["status"])
        return {"metadata": {"resourceVersion": str(len(self.written))}}


def random_pod(rng: random.Random, kubelet: Kubelet, i: int, clock) -> dict:
    names = rng.sample(["web", "sidecar", "log", "db"], rng.randint(0, 3))
    containers = []
    for name in names:
        c = {"name": name, "image": rng.choice(["nginx", "nginx:1.27", "busybox", "registry.k8s.io/pause:3.10"])}
        if rng.random() < 0.4:
            c["readinessProbe"] = {"httpGet": {"port": 80}}
        if rng.random() < 0.3:
            c["resources"] = rng.choice([{"requests": {"cpu": "1"}}, {"limits": {"cpu": "1"}, "requests": {"cpu": "1"}}])
        containers.append(c)
    uid = f"uid-{i}"
    pod = {"metadata": {"name": f"pod-{i}", "namespace": rng.choice(["default", "other"]), "uid": uid},
           "spec": {"containers": containers}}
    if rng.random() < 0.5:   # a status written before: the conditions' earlier transitions
        pod["status"] = {"startTime": rfc3339(clock.now - 60),
                         "conditions": [{"lastProbeTime": None, "lastTransitionTime": rfc3339(clock.now - rng.choice(
                             [10, 20])), "status": rng.choice(["True", "False"]), "type": t}
                             for t in rng.sample(["PodReadyToStartContainers", "Initialized", "Ready",
                                                  "ContainersReady", "PodScheduled"], rng.randint(0, 5))]}
    if rng.random() < 0.8:
        sb = Sandbox(f"sb-{i}", None, f"10.244.1.{i % 250}", ())
        for c in containers:
            if rng.random() < 0.15:
                continue   # not created yet
            ctr = Container(c["name"], f"containerd://{i:064x}", App(c["name"], "cmd", healthy=rng.random() < 0.7),
                            c["image"], rng.randint(0, 3), running=rng.random() < 0.8,
                            started_at=clock.now - rng.choice([0, 5, 30]))
            if rng.random() < 0.3:
                ctr.last_exit = (clock.now - 100, clock.now - rng.choice([1, 50]), rng.choice([1, 137]), "Error")
            sb.containers[c["name"]] = ctr
        kubelet.sandboxes[uid] = sb
    return pod


def test_status_is_the_plain_one_and_shared_parts_stay():
    rng = random.Random(5)
    clock = SimpleNamespace(now=1000.0)
    machine = SimpleNamespace(name="n", ip="172.18.0.2", fs=None, host=None,
                              netns=SimpleNamespace(kernel=clock))
    kubelet = Kubelet(machine)
    kubelet.store = Recorder()
    written = []
    for i in range(3000):
        if rng.random() < 0.1:
            clock.now += rng.choice([1, 7])
        if i == 1500:
            machine.ip = "172.18.0.9"   # another address: hostIPs follow it
        pod = random_pod(rng, kubelet, i, clock)
        expected = plain_status(kubelet, pod)
        before = len(kubelet.store.written)
        kubelet.sync_status(pod)
        assert len(kubelet.store.written) == before + 1
        got = kubelet.store.written[-1]
        assert json.dumps(got) == json.dumps(expected)
        written.append((got, json.dumps(got)))
        if rng.random() < 0.3:   # written again over itself: nothing changed, nothing written
            kubelet.sync_status(dict(pod, status=got))
            assert len(kubelet.store.written) == before + 1
    for got, text in written:    # nothing another pod's write did reached an earlier status
        assert json.dumps(got) == text
    shared = {id(got["conditions"]) for got, _ in written}
    assert len(shared) < len(written) * 0.8   # pods of the same conditions share one list


def eager_files(kubelet: Kubelet, pod: dict, ip: str, host_network: bool) -> FileSystem:
    """The pod's files written at once, as the kubelet did before it wrote them on first use."""
    fs, node = FileSystem(), kubelet.machine.fs
    meta, spec = pod["metadata"], pod["spec"]
    hostname = spec.get("hostname") or meta["name"]
    fs.write("/etc/resolv.conf", pod_resolv_conf(pod, kubelet.cluster_domain, (kubelet.cluster_dns,),
                                                 node_resolv_conf=node.read("/etc/resolv.conf")))
    if host_network:
        for path in ("/etc/hosts", "/etc/hostname"):
            fs.write(path, node.read(path))
        return fs
    fqdn = f"{hostname}.{spec['subdomain']}.{meta['namespace']}.svc.{kubelet.cluster_domain}\t{hostname}" \
        if spec.get("subdomain") else hostname
    fs.write("/etc/hosts", "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n"
                           "::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\n"
                           "fe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n"
                           f"{ip}\t{fqdn}\n")
    fs.write("/etc/hostname", f"{hostname}\n")
    return fs


def test_pod_files_written_on_first_use_are_those_of_the_sandbox_creation():
    rng = random.Random(3)
    node = FileSystem()
    kubelet = Kubelet(SimpleNamespace(name="n", ip="172.18.0.2", fs=node, host=None))
    made = []
    for i in range(400):
        if i % 40 == 0:   # the node's files change: a sandbox keeps those of its creation
            node.write("/etc/resolv.conf", rng.choice(["nameserver 172.18.0.1\noptions ndots:0\n",
                                                      "search corp.example\nnameserver 10.0.0.2\n"]))
            node.write("/etc/hosts", f"127.0.0.1\tlocalhost\n172.18.0.2\tn-{i}\n")
            node.write("/etc/hostname", f"n-{i}\n")
        spec = {"containers": [{"name": "c"}]}
        for key, values in (("hostname", ["h1", "web-0"]), ("subdomain", ["sub", ""]),
                            ("dnsPolicy", ["Default", "ClusterFirstWithHostNet", "None", "ClusterFirst"]),
                            ("hostNetwork", [True, False]), ("dnsConfig", [{"nameservers": ["1.1.1.1"]}])):
            if rng.random() < 0.3:
                spec[key] = rng.choice(values)
        pod = {"metadata": {"name": f"pod-{i}", "namespace": rng.choice(["default", "team"]), "uid": f"u{i}"},
               "spec": spec}
        host_network = bool(spec.get("hostNetwork"))
        ip = "172.18.0.2" if host_network else f"10.244.1.{i % 250}"
        sb = Sandbox(f"sb{i}", None, ip, kubelet.pod_files(pod, host_network), host_network)
        made.append((sb, eager_files(kubelet, pod, ip, host_network)))
    for sb, expected in made:
        assert sb.fs.listdir("/etc") == expected.listdir("/etc")
        for path in ("/etc/resolv.conf", "/etc/hosts", "/etc/hostname"):
            assert sb.fs.read(path) == expected.read(path)
        sb.fs.write("/etc/hosts", "edited\n")     # the files, once there, are the pod's own
        assert sb.fs.read("/etc/hosts") == "edited\n"


def test_a_condition_without_transition_time_keeps_none():
    """A pod created with conditions of its own (no lastTransitionTime): the kubelet keeps the
    old condition's (zero) time where the status stays, as the kubelet's status manager does."""
    import k8slab
    from k8slab.cli.kubectl import kubectl

    c = k8slab.kind(workers=1)
    manifest = ("apiVersion: v1\nkind: Pod\nmetadata: {name: odd}\nspec:\n  containers: [{name: web, image: nginx}]\n"
                "status:\n  conditions:\n  - {type: Ready, status: \"True\"}\n")
    assert kubectl(c, ["apply", "-f", "-"], stdin=manifest) == ("pod/odd created\n", "", 0)
    pod = c.store.get("pods", "odd")
    assert pod["status"]["phase"] == "Running"
    ready = next(x for x in pod["status"]["conditions"] if x["type"] == "Ready")
    assert ready.get("lastTransitionTime") is None and ready["status"] == "True"


def test_what_one_pod_goes_through_leaves_the_others_statuses_alone():
    """Pods share parts of their statuses: unready probes, restarts, crash loops and a lost
    sandbox of one pod change none of the others' (their stored statuses read the same)."""
    import k8slab

    c = k8slab.kind(workers=1)
    c.kubectl("create deployment web --image=nginx --replicas=6")
    pods = sorted(c.store.list("pods", "default"), key=lambda p: p["metadata"]["name"])
    before = {p["metadata"]["name"]: json.dumps(p["status"]) for p in pods}
    first, rest = pods[0]["metadata"]["name"], [p["metadata"]["name"] for p in pods[1:]]
    c.advance(5)
    c.set_healthy(first, False)
    c.restart_container(first)
    c.kill_sandbox(first)
    kubelet = c.kubelets[pods[0]["spec"]["nodeName"]]
    kubelet.crash_container(c.store.get("pods", first), "nginx", "boom")
    assert json.dumps(c.store.get("pods", first)["status"]) != before[first]
    for name in rest:
        assert json.dumps(c.store.get("pods", name)["status"]) == before[name]


def test_the_echo_of_a_status_write_is_not_synced_and_not_kept():
    """The kubelet's own status write comes back as a MODIFIED event: not synced again, and
    forgotten once seen (a later change by anyone else is synced)."""
    import k8slab

    c = k8slab.kind(workers=1)
    kubelet = c.kubelets["kind-worker"]
    synced = []
    real = kubelet.sync_status
    kubelet.sync_status = lambda pod: (synced.append(pod["metadata"]["name"]), real(pod))
    c.kubectl("create deployment web --image=nginx --replicas=3")
    assert sorted(synced) == sorted(p["metadata"]["name"] for p in c.store.list("pods", "default"))
    assert kubelet.written == {}
    c.kubectl("label pod " + synced[0] + " extra=1")
    assert synced.count(synced[0]) == 2 and kubelet.written == {}
