"""kubectl get tables. Expected texts come from kubectl's own tests (pkg/cmd/get/get_test.go)
where they exist, otherwise from the row functions in kubernetes/kubernetes
pkg/printers/internalversion/printers.go and cli-runtime pkg/printers/tableprinter.go."""

from kubectl_fixtures import KIND_NODES, NOW, pod, service

from k8slab.cli.output import get


def _test_pod(name):
    # cmdtesting.TestData(): a pod with no containers and no creationTimestamp
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "test"},
            "spec": {"restartPolicy": "Always", "dnsPolicy": "ClusterFirst"}, "status": {}}


BAZ = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "baz", "namespace": "test"},
       "spec": {"sessionAffinity": "None", "type": "ClusterIP"}, "status": {"loadBalancer": {}}}


def test_get_table_objects():
    assert get([_test_pod("foo")], now=0).stdout == (
        "NAME   READY   STATUS   RESTARTS   AGE\n"
        "foo    0/0              0          <unknown>\n")


def test_multiple_types_show_kinds_with_blank_line_between_tables():
    # get_test.go TestGetMultipleTypeTableObjects
    out = get([_test_pod("foo"), _test_pod("bar"), BAZ], now=0)
    assert out.stdout == (
        "NAME      READY   STATUS   RESTARTS   AGE\n"
        "pod/foo   0/0              0          <unknown>\n"
        "pod/bar   0/0              0          <unknown>\n"
        "\n"
        "NAME          TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\n"
        "service/baz   ClusterIP   <none>       <none>        <none>    <unknown>\n")
    assert out.stderr == ""


def test_node_without_status_is_unknown_and_version_empty():
    # get_test.go TestGetMultipleTypeTableObjectsWithDirectReference
    node = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "foo"}, "spec": {}, "status": {}}
    assert get([BAZ, node], now=0).stdout == (
        "NAME          TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\n"
        "service/baz   ClusterIP   <none>       <none>        <none>    <unknown>\n"
        "\n"
        "NAME       STATUS    ROLES    AGE         VERSION\n"
        "node/foo   Unknown   <none>   <unknown>   \n")


def test_show_labels():
    # get_test.go TestGetTableObjectsShowLabels
    assert get([_test_pod("foo")], now=0, show_labels=True).stdout == (
        "NAME   READY   STATUS   RESTARTS   AGE         LABELS\n"
        "foo    0/0              0          <unknown>   <none>\n")


def test_no_resources_found_goes_to_stderr():
    # get_test.go TestGetEmptyTable / TestNotFoundMessageForGetNonNamespacedResources
    assert (get([], now=0, namespace="test").stdout, get([], now=0, namespace="test").stderr) == (
        "", "No resources found in test namespace.\n")
    assert get([], now=0, all_namespaces=True).stderr == "No resources found\n"


def test_kind_nodes():
    assert get(KIND_NODES, now=NOW).stdout == (
        "NAME                 STATUS   ROLES           AGE   VERSION\n"
        "kind-control-plane   Ready    control-plane   5m    v1.32.0\n"
        "kind-worker          Ready    <none>          5m    v1.32.0\n"
        "kind-worker2         Ready    <none>          5m    v1.32.0\n")


def test_kind_nodes_wide_and_cordoned():
    nodes = [dict(n) for n in KIND_NODES]
    nodes[1] = {**nodes[1], "spec": {**nodes[1]["spec"], "unschedulable": True}}
    assert get(nodes, output="wide", now="2025-01-12T12:05:00Z").stdout == (
        "NAME                 STATUS                     ROLES           AGE    VERSION   INTERNAL-IP   EXTERNAL-IP"
        "   OS-IMAGE                         KERNEL-VERSION     CONTAINER-RUNTIME\n"
        "kind-control-plane   Ready                      control-plane   125m   v1.32.0   172.18.0.3    <none>     "
        "   Debian GNU/Linux 12 (bookworm)   6.8.0-51-generic   containerd://1.7.24\n"
        "kind-worker          Ready,SchedulingDisabled   <none>          125m   v1.32.0   172.18.0.2    <none>     "
        "   Debian GNU/Linux 12 (bookworm)   6.8.0-51-generic   containerd://1.7.24\n"
        "kind-worker2         Ready                      <none>          125m   v1.32.0   172.18.0.4    <none>     "
        "   Debian GNU/Linux 12 (bookworm)   6.8.0-51-generic   containerd://1.7.24\n")


def test_pods_wide():
    pods = [pod("my-shell", ip="10.244.1.2", node="kind-worker"),
            pod("pending", ip=None, node=None, phase="Pending", statuses=[],
                status={"conditions": [{"type": "PodScheduled", "status": "False"}]})]
    assert get(pods, output="wide", now=NOW).stdout == (
        "NAME       READY   STATUS    RESTARTS   AGE   IP           NODE          NOMINATED NODE   READINESS GATES\n"
        "my-shell   1/1     Running   0          5m    10.244.1.2   kind-worker   <none>           <none>\n"
        "pending    0/1     Pending   0          5m    <none>       <none>        <none>           <none>\n")


def test_pod_status_reasons_and_restarts():
    crash = pod("crash", statuses=[{
        "name": "web", "ready": False, "restartCount": 4,
        "state": {"waiting": {"reason": "CrashLoopBackOff"}},
        "lastState": {"terminated": {"exitCode": 1, "reason": "Error", "finishedAt": "2025-01-12T10:03:00Z"}}}])
    done = pod("job-x", phase="Succeeded", statuses=[{
        "name": "web", "ready": False, "restartCount": 0,
        "state": {"terminated": {"exitCode": 0, "reason": "Completed", "finishedAt": "2025-01-12T10:01:00Z"}}}])
    killed = pod("killed", statuses=[{"name": "web", "ready": False, "restartCount": 0,
                                      "state": {"terminated": {"exitCode": 137, "signal": 9}}}])
    exited = pod("exited", statuses=[{"name": "web", "ready": False, "restartCount": 0,
                                      "state": {"terminated": {"exitCode": 2}}}])
    deleting = pod("deleting", meta={"deletionTimestamp": "2025-01-12T10:04:00Z"})
    init = pod("init", phase="Pending", statuses=[], spec={"initContainers": [{"name": "a"}, {"name": "b"}]},
               status={"initContainerStatuses": [
                   {"name": "a", "ready": True, "restartCount": 0, "state": {"terminated": {"exitCode": 0}}},
                   {"name": "b", "ready": False, "restartCount": 0, "state": {"running": {}}}]})
    init_crash = pod("init-crash", phase="Pending", statuses=[], spec={"initContainers": [{"name": "a"}]},
                     status={"initContainerStatuses": [
                         {"name": "a", "ready": False, "restartCount": 2,
                          "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]})
    not_ready = pod("two", containers=("a", "b"), statuses=[
        {"name": "a", "ready": True, "restartCount": 0, "state": {"running": {}}},
        {"name": "b", "ready": False, "restartCount": 1, "state": {"running": {}},
         "lastState": {"terminated": {"exitCode": 1, "finishedAt": "2025-01-11T10:05:00Z"}}}])
    out = get([crash, done, killed, exited, deleting, init, init_crash, not_ready], now=NOW).stdout
    assert out == (
        "NAME         READY   STATUS                  RESTARTS      AGE\n"
        "crash        0/1     CrashLoopBackOff        4 (2m ago)    5m\n"
        "job-x        0/1     Completed               0             5m\n"
        "killed       0/1     Signal:9                0             5m\n"
        "exited       0/1     ExitCode:2              0             5m\n"
        "deleting     1/1     Terminating             0             5m\n"
        "init         0/1     Init:1/2                0             5m\n"
        "init-crash   0/1     Init:CrashLoopBackOff   2             5m\n"
        "two          1/2     Running                 1 (24h ago)   5m\n")


def test_all_namespaces_adds_namespace_column_but_not_for_nodes():
    pods = [pod("coredns-abc", ns="kube-system", ip="10.244.0.2"), pod("web", ip="10.244.1.3")]
    assert get(pods, all_namespaces=True, now=NOW).stdout == (
        "NAMESPACE     NAME          READY   STATUS    RESTARTS   AGE\n"
        "kube-system   coredns-abc   1/1     Running   0          5m\n"
        "default       web           1/1     Running   0          5m\n")
    assert get(KIND_NODES[:1], all_namespaces=True, now=NOW).stdout.startswith("NAME ")


def test_no_headers_and_label_columns():
    pods = [pod("web", labels={"app": "web", "app.kubernetes.io/tier": "fe"})]
    assert get(pods, no_headers=True, now=NOW).stdout == "web   1/1   Running   0     5m\n"
    assert get(pods, label_columns=("app.kubernetes.io/tier", "missing"), now=NOW).stdout == (
        "NAME   READY   STATUS    RESTARTS   AGE   TIER   MISSING\n"
        "web    1/1     Running   0          5m    fe     \n")
    assert get(pods, show_labels=True, now=NOW).stdout == (
        "NAME   READY   STATUS    RESTARTS   AGE   LABELS\n"
        "web    1/1     Running   0          5m    app.kubernetes.io/tier=fe,app=web\n")


def test_services():
    svcs = [
        service("headless", cluster_ip="None", ports=[{"name": "dns", "port": 53, "protocol": "UDP"}],
                selector={"app": "dns"}),
        service("kubernetes", cluster_ip="10.96.0.1", ports=[{"name": "https", "port": 443, "protocol": "TCP"}]),
        service("lb", type_="LoadBalancer", cluster_ip="10.96.100.7",
                ports=[{"port": 80, "nodePort": 30080, "protocol": "TCP"},
                       {"port": 443, "nodePort": 30443, "protocol": "TCP"}], selector={"app": "web", "tier": "fe"}),
        service("lb-ready", type_="LoadBalancer", cluster_ip="10.96.100.8",
                ports=[{"port": 80, "nodePort": 31000, "protocol": "TCP"}],
                status={"loadBalancer": {"ingress": [{"ip": "172.18.255.200"}, {"hostname": "a.example.com"}]}}),
        service("np", type_="NodePort", cluster_ip="10.96.5.5", ports=[{"port": 80, "nodePort": 30080,
                                                                         "protocol": "TCP"}],
                spec={"externalIPs": ["192.0.2.1"]}),
        service("ext", type_="ExternalName", cluster_ip=None, ports=[], spec={"externalName": "example.com",
                                                                             "clusterIPs": []}),
    ]
    assert get(svcs, now=NOW).stdout == (
        "NAME         TYPE           CLUSTER-IP    EXTERNAL-IP        PORT(S)                      AGE\n"
        "headless     ClusterIP      None          <none>             53/UDP                       5m\n"
        "kubernetes   ClusterIP      10.96.0.1     <none>             443/TCP                      5m\n"
        "lb           LoadBalancer   10.96.100.7   <pending>          80:30080/TCP,443:30443/TCP   5m\n"
        "lb-ready     LoadBalancer   10.96.100.8   172.18.255.20...   80:31000/TCP                 5m\n"
        "np           NodePort       10.96.5.5     192.0.2.1          80:30080/TCP                 5m\n"
        "ext          ExternalName   <none>        example.com        <none>                       5m\n")
    wide = get(svcs[2:4], output="wide", now=NOW).stdout
    assert wide == (
        "NAME       TYPE           CLUSTER-IP    EXTERNAL-IP                    PORT(S)                      AGE"
        "   SELECTOR\n"
        "lb         LoadBalancer   10.96.100.7   <pending>                      80:30080/TCP,443:30443/TCP   5m "
        "   app=web,tier=fe\n"
        "lb-ready   LoadBalancer   10.96.100.8   172.18.255.200,a.example.com   80:31000/TCP                 5m "
        "   <none>\n")
