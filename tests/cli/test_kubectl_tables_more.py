"""More kubectl get tables; cells as kubernetes/kubernetes pkg/printers/internalversion/printers.go
computes them (formatEndpoints, formatDiscoveryPorts/Endpoints, printDeployment, printEvent, ...)."""

from kubectl_fixtures import NOW, table

from k8slab.cli.output import get

T = "2025-01-12T10:00:00Z"


def meta(name, ns="default", **kw):
    return {"name": name, "namespace": ns, "creationTimestamp": T, **kw}


def test_endpoints():
    eps = [
        {"apiVersion": "v1", "kind": "Endpoints", "metadata": meta("kubernetes"),
         "subsets": [{"addresses": [{"ip": "172.18.0.3"}], "ports": [{"name": "https", "port": 6443}]}]},
        {"apiVersion": "v1", "kind": "Endpoints", "metadata": meta("none")},
        {"apiVersion": "v1", "kind": "Endpoints", "metadata": meta("web"),
         "subsets": [{"addresses": [{"ip": f"10.244.{i}.5"} for i in range(1, 3)],
                      "ports": [{"port": 80}, {"port": 443}]}]},
        {"apiVersion": "v1", "kind": "Endpoints", "metadata": meta("v6"),
         "subsets": [{"addresses": [{"ip": "fd00::5"}], "ports": [{"port": 80}]}]},
    ]
    assert get(eps, now=NOW).stdout == table(
        ("NAME", "ENDPOINTS", "AGE"),
        ("kubernetes", "172.18.0.3:6443", "5m"),
        ("none", "<none>", "5m"),
        ("web", "10.244.1.5:80,10.244.2.5:80,10.244.1.5:443 + 1 more...", "5m"),
        ("v6", "[fd00::5]:80", "5m"))


def test_endpointslices():
    def ep(ip, ready=True):
        return {"addresses": [ip], "conditions": {"ready": ready}}
    slices = [
        {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "metadata": meta("web-x7k2p"),
         "addressType": "IPv4", "ports": [{"name": "", "port": 80, "protocol": "TCP"}],
         "endpoints": [ep("10.244.1.5"), ep("10.244.2.6", ready=False), ep("10.244.1.7"), ep("10.244.2.8")]},
        {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "metadata": meta("empty-abcde"),
         "addressType": "IPv4", "ports": None, "endpoints": None},
        {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "metadata": meta("many-ports"),
         "addressType": "IPv4", "ports": [{"port": 1}, {"name": "b"}, {}, {"port": 4}, {"port": 5}],
         "endpoints": [ep("10.0.0.1")]},
    ]
    assert get(slices, now=NOW).stdout == table(
        ("NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"),
        ("web-x7k2p", "IPv4", "80", "10.244.1.5,10.244.2.6,10.244.1.7 + 1 more...", "5m"),
        ("empty-abcde", "IPv4", "<unset>", "<unset>", "5m"),
        ("many-ports", "IPv4", "1,b,* + 2 more...", "10.0.0.1", "5m"))


def _deploy(name, ready, desired, updated, available):
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta(name),
            "spec": {"replicas": desired, "selector": {"matchLabels": {"app": name}},
                     "template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"},
                                                          {"name": "side", "image": "busybox"}]}}},
            "status": {"readyReplicas": ready, "updatedReplicas": updated, "availableReplicas": available}}


def test_deployments_and_replicasets():
    deps = [_deploy("web", 2, 3, 3, 2), {**_deploy("zero", 0, 0, 0, 0), "status": {}}]
    assert get(deps, now=NOW).stdout == (
        "NAME   READY   UP-TO-DATE   AVAILABLE   AGE\n"
        "web    2/3     3            2           5m\n"
        "zero   0/0     0            0           5m\n")
    assert get(deps[:1], output="wide", now=NOW).stdout == (
        "NAME   READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES               SELECTOR\n"
        "web    2/3     3            2           5m    nginx,side   nginx:1.27,busybox   app=web\n")
    rs = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": meta("web-7d4b9c8f5"),
          "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web", "pod-template-hash": "7d4b9c8f5"}},
                   "template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]}}},
          "status": {"replicas": 3, "readyReplicas": 1}}
    assert get([rs], output="wide", now=NOW).stdout == table(
        ("NAME", "DESIRED", "CURRENT", "READY", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"),
        ("web-7d4b9c8f5", "3", "3", "1", "5m", "nginx", "nginx:1.27", "app=web,pod-template-hash=7d4b9c8f5"))


def test_deployments_and_services_together_use_group_qualified_kinds():
    svc = {"apiVersion": "v1", "kind": "Service", "metadata": meta("web"),
           "spec": {"type": "ClusterIP", "clusterIP": "10.96.12.34", "clusterIPs": ["10.96.12.34"],
                    "ports": [{"port": 80, "protocol": "TCP"}]}}
    assert get([_deploy("web", 3, 3, 3, 3), svc], now=NOW).stdout == (
        "NAME                  READY   UP-TO-DATE   AVAILABLE   AGE\n"
        "deployment.apps/web   3/3     3            3           5m\n"
        "\n"
        "NAME          TYPE        CLUSTER-IP    EXTERNAL-IP   PORT(S)   AGE\n"
        "service/web   ClusterIP   10.96.12.34   <none>        80/TCP    5m\n")


def test_namespaces_configmaps_serviceaccounts():
    nss = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": n, "creationTimestamp": T},
            "status": {"phase": "Active"}} for n in ("default", "kube-node-lease", "kube-public", "kube-system")]
    assert get(nss, now=NOW).stdout == (
        "NAME              STATUS   AGE\n"
        "default           Active   5m\n"
        "kube-node-lease   Active   5m\n"
        "kube-public       Active   5m\n"
        "kube-system       Active   5m\n")
    cms = [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("kube-root-ca.crt"), "data": {"ca.crt": "x"}},
           {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("two"), "data": {"a": "1"},
            "binaryData": {"b": "AA=="}}]
    assert get(cms, now=NOW).stdout == table(("NAME", "DATA", "AGE"), ("kube-root-ca.crt", "1", "5m"),
                                             ("two", "2", "5m"))
    sa = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta("default")}
    assert get([sa], now=NOW).stdout == "NAME      SECRETS   AGE\ndefault   0         5m\n"


def test_events():
    evs = [
        {"apiVersion": "v1", "kind": "Event", "metadata": meta("web.181a"), "type": "Normal", "reason": "Scheduled",
         "involvedObject": {"kind": "Pod", "name": "web", "namespace": "default"},
         "message": "Successfully assigned default/web to kind-worker", "source": {"component": "default-scheduler"},
         "firstTimestamp": None, "lastTimestamp": None, "eventTime": "2025-01-12T10:01:00.000000Z",
         "reportingComponent": "default-scheduler", "reportingInstance": ""},
        {"apiVersion": "v1", "kind": "Event", "metadata": meta("web.181b"), "type": "Normal", "reason": "Pulled",
         "involvedObject": {"kind": "Pod", "name": "web", "fieldPath": "spec.containers{web}"},
         "message": 'Container image "nginx:1.27" already present on machine\n',
         "source": {"component": "kubelet", "host": "kind-worker"},
         "firstTimestamp": "2025-01-12T10:01:30Z", "lastTimestamp": "2025-01-12T10:04:00Z", "count": 3},
        {"apiVersion": "v1", "kind": "Event", "metadata": meta("web.181c"), "type": "Warning", "reason": "BackOff",
         "involvedObject": {"kind": "Pod", "name": "web"}, "message": "Back-off restarting failed container",
         "firstTimestamp": "2025-01-12T10:02:00Z", "lastTimestamp": "2025-01-12T10:02:00Z",
         "series": {"count": 5, "lastObservedTime": "2025-01-12T10:04:55.000000Z"}},
    ]
    assert get(evs, now=NOW).stdout == (
        "LAST SEEN   TYPE      REASON      OBJECT    MESSAGE\n"
        "4m          Normal    Scheduled   pod/web   Successfully assigned default/web to kind-worker\n"
        "60s         Normal    Pulled      pod/web   Container image \"nginx:1.27\" already present on machine\n"
        "5s          Warning   BackOff     pod/web   Back-off restarting failed container\n")
    assert get(evs[1:2], output="wide", now=NOW).stdout == table(
        ("LAST SEEN", "TYPE", "REASON", "OBJECT", "SUBOBJECT", "SOURCE", "MESSAGE", "FIRST SEEN", "COUNT", "NAME"),
        ("60s", "Normal", "Pulled", "pod/web", "spec.containers{web}", "kubelet, kind-worker",
         'Container image "nginx:1.27" already present on machine', "3m30s", "3", "web.181b"))


def test_ingress_ingressclass_networkpolicy():
    ings = [
        {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta("web"),
         "spec": {"ingressClassName": "nginx", "rules": [{"host": "web.example.com"}, {"host": "api.example.com"}],
                  "tls": [{"hosts": ["web.example.com"]}]},
         "status": {"loadBalancer": {"ingress": [{"ip": "172.18.0.3"}]}}},
        {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta("catchall"),
         "spec": {"defaultBackend": {"service": {"name": "web", "port": {"number": 80}}}}, "status": {}},
    ]
    assert get(ings, now=NOW).stdout == (
        "NAME       CLASS    HOSTS                             ADDRESS      PORTS     AGE\n"
        "web        nginx    web.example.com,api.example.com   172.18.0.3   80, 443   5m\n"
        "catchall   <none>   *                                              80        5m\n")
    ic = {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": {"name": "nginx",
                                                                                   "creationTimestamp": T},
          "spec": {"controller": "k8s.io/ingress-nginx"}}
    assert get([ic], now=NOW, all_namespaces=True).stdout == (
        "NAME    CONTROLLER             PARAMETERS   AGE\nnginx   k8s.io/ingress-nginx   <none>       5m\n")
    nps = [{"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": meta("default-deny"),
            "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}},
           {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": meta("allow-web"),
            "spec": {"podSelector": {"matchLabels": {"app": "web"},
                                     "matchExpressions": [{"key": "tier", "operator": "In",
                                                           "values": ["fe", "be"]}]}}}]
    assert get(nps, now=NOW).stdout == table(
        ("NAME", "POD-SELECTOR", "AGE"),
        ("default-deny", "<none>", "5m"),
        ("allow-web", "app=web,tier in (be,fe)", "5m"))


def test_unknown_kinds_get_name_and_age():
    lease = {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": meta("kind-worker")}
    crd = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": meta("w")}
    assert get([crd], now=NOW).stdout == "NAME   AGE\nw      5m\n"
    assert get([lease, crd], now=NOW).stdout == (
        table(("NAME", "AGE"), ("lease.coordination.k8s.io/kind-worker", "5m")) + "\n"
        + table(("NAME", "AGE"), ("widget.example.com/w", "5m")))
