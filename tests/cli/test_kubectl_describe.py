"""kubectl describe. The service cases are kubectl's own (pkg/describe/describe_test.go
TestDescribeService); the others follow describePod / describeNode / DescribeEvents in
pkg/describe/describe.go, laid out by text/tabwriter (minwidth 0, tabwidth 8, padding 2)."""

import copy

from kubectl_fixtures import KIND_NODES, NOW, pod, service

from k8slab.cli.describe import describe_deployment, describe_endpoints, describe_node, describe_pod, describe_service
from k8slab.cli.quantity import Quantity


def _lb_service(target_port, internal_policy, ingress):
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "bar", "namespace": "foo"},
            "spec": {"type": "LoadBalancer", "ports": [{"name": "port-tcp", "port": 8080, "protocol": "TCP",
                                                        "targetPort": target_port, "nodePort": 31111}],
                     "selector": {"blah": "heh"}, "clusterIP": "1.2.3.4", "ipFamilies": ["IPv4"],
                     "loadBalancerIP": "5.6.7.8", "sessionAffinity": "None", "externalTrafficPolicy": "Local",
                     "internalTrafficPolicy": internal_policy, "healthCheckNodePort": 32222},
            "status": {"loadBalancer": {"ingress": [ingress]}}}


def _slice(*endpoints):
    return {"metadata": {"name": "bar-abcde", "namespace": "foo", "labels": {"kubernetes.io/service-name": "bar"}},
            "endpoints": [{"addresses": [ip], "conditions": {"ready": ready}} for ip, ready in endpoints],
            "ports": [{"name": "port-tcp", "port": 9527, "protocol": "TCP"}]}


def _expected(endpoints, target, policy, ingress):
    return (
        "Name:                     bar\n"
        "Namespace:                foo\n"
        "Labels:                   <none>\n"
        "Annotations:              <none>\n"
        "Selector:                 blah=heh\n"
        "Type:                     LoadBalancer\n"
        "IP Families:              IPv4\n"
        "IP:                       1.2.3.4\n"
        "IPs:                      <none>\n"
        "Desired LoadBalancer IP:  5.6.7.8\n"
        f"LoadBalancer Ingress:     {ingress}\n"
        "Port:                     port-tcp  8080/TCP\n"
        f"TargetPort:               {target}/TCP\n"
        "NodePort:                 port-tcp  31111/TCP\n"
        f"Endpoints:                {endpoints}\n"
        "Session Affinity:         None\n"
        "External Traffic Policy:  Local\n"
        f"Internal Traffic Policy:  {policy}\n"
        "HealthCheck NodePort:     32222\n"
        "Events:                   <none>\n")


def test_describe_service_kubectl_case_1():
    svc = _lb_service(9527, "Cluster", {"ip": "5.6.7.8", "ipMode": "VIP"})
    slices = [_slice(("10.244.0.1", True), ("10.244.0.2", True), ("10.244.0.3", True))]
    assert describe_service(svc, slices, []) == _expected(
        "10.244.0.1:9527,10.244.0.2:9527,10.244.0.3:9527", "9527", "Cluster", "5.6.7.8 (VIP)")


def test_describe_service_kubectl_case_2_skips_unready_endpoints():
    svc = _lb_service("targetPort", "Local", {"ip": "5.6.7.8"})
    slices = [_slice(("10.244.0.1", True), ("10.244.0.2", True)),
              _slice(("10.244.0.3", False), ("10.244.0.4", True), ("10.244.0.5", True))]
    assert describe_service(svc, slices, []) == _expected(
        "10.244.0.1:9527,10.244.0.2:9527,10.244.0.4:9527 + 1 more...", "targetPort", "Local", "5.6.7.8")


def test_describe_cluster_ip_service_without_endpoints():
    svc = service("web", selector={"app": "web"}, spec={"ipFamilyPolicy": "SingleStack", "ipFamilies": ["IPv4"],
                                                        "sessionAffinity": "None", "internalTrafficPolicy": "Cluster"})
    assert describe_service(svc, [], None) == (
        "Name:                     web\n"
        "Namespace:                default\n"
        "Labels:                   <none>\n"
        "Annotations:              <none>\n"
        "Selector:                 app=web\n"
        "Type:                     ClusterIP\n"
        "IP Family Policy:         SingleStack\n"
        "IP Families:              IPv4\n"
        "IP:                       10.96.0.10\n"
        "IPs:                      10.96.0.10\n"
        "Port:                     <unset>  80/TCP\n"
        "TargetPort:               80/TCP\n"
        "Endpoints:                <none>\n"
        "Session Affinity:         None\n"
        "Internal Traffic Policy:  Cluster\n")


def _my_shell():
    p = pod("my-shell", labels={"run": "my-shell"},
            spec={"serviceAccountName": "default", "priority": 0,
                  "volumes": [{"name": "kube-api-access-5d8vx", "projected": {"sources": [
                      {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                      {"configMap": {"name": "kube-root-ca.crt"}}, {"downwardAPI": {}}]}}],
                  "tolerations": [
                      {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute",
                       "tolerationSeconds": 300},
                      {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
                       "tolerationSeconds": 300}]},
            status={"hostIP": "172.18.0.2", "startTime": "2025-01-12T10:00:00Z", "qosClass": "BestEffort",
                    "conditions": [{"type": "PodReadyToStartContainers", "status": "True"},
                                   {"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "True"},
                                   {"type": "ContainersReady", "status": "True"},
                                   {"type": "PodScheduled", "status": "True"}]})
    c = p["spec"]["containers"][0]
    c["volumeMounts"] = [{"name": "kube-api-access-5d8vx", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
                          "readOnly": True}]
    c["ports"] = [{"containerPort": 80, "protocol": "TCP"}]
    st = p["status"]["containerStatuses"][0]
    st["containerID"] = "containerd://4f1c"
    st["imageID"] = "docker.io/library/nginx@sha256:0a39"
    return p


EVENTS = [
    {"type": "Normal", "reason": "Pulled", "message": 'Container image "nginx:1.27" already present on machine',
     "source": {"component": "kubelet", "host": "kind-worker"}, "firstTimestamp": "2025-01-12T10:00:01Z",
     "lastTimestamp": "2025-01-12T10:00:01Z", "count": 1,
     "involvedObject": {"kind": "Pod", "name": "my-shell", "fieldPath": "spec.containers{web}"}},
    {"type": "Normal", "reason": "Scheduled", "message": "Successfully assigned default/my-shell to kind-worker",
     "source": {}, "reportingComponent": "default-scheduler", "eventTime": "2025-01-12T10:00:00.000000Z",
     "involvedObject": {"kind": "Pod", "name": "my-shell"}},
]


def test_describe_pod():
    assert describe_pod(_my_shell(), EVENTS, now=NOW) == """\
Name:             my-shell
Namespace:        default
Priority:         0
Service Account:  default
Node:             kind-worker/172.18.0.2
Start Time:       Sun, 12 Jan 2025 10:00:00 +0000
Labels:           run=my-shell
Annotations:      <none>
Status:           Running
IP:               10.244.1.2
IPs:
  IP:  10.244.1.2
Containers:
  web:
    Container ID:   containerd://4f1c
    Image:          nginx:1.27
    Image ID:       docker.io/library/nginx@sha256:0a39
    Port:           80/TCP
    Host Port:      0/TCP
    State:          Running
      Started:      Sun, 12 Jan 2025 10:00:00 +0000
    Ready:          True
    Restart Count:  0
    Environment:    <none>
    Mounts:
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-5d8vx (ro)
Conditions:
  Type                        Status
  PodReadyToStartContainers   True \n  Initialized                 True \n  Ready                       True \n\
  ContainersReady             True \n  PodScheduled                True \n\
Volumes:
  kube-api-access-5d8vx:
    Type:                    Projected (a volume that contains injected data from multiple sources)
    TokenExpirationSeconds:  3607
    ConfigMapName:           kube-root-ca.crt
    Optional:                false
    DownwardAPI:             true
QoS Class:                   BestEffort
Node-Selectors:              <none>
Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:
  Type    Reason     Age    From               Message
  ----    ------     ----   ----               -------
  Normal  Scheduled  5m     default-scheduler  Successfully assigned default/my-shell to kind-worker
  Normal  Pulled     4m59s  kubelet            spec.containers{web}: Container image "nginx:1.27" already present \
on machine
"""


def test_describe_pod_crashing_container_and_probes():
    p = pod("crash", statuses=[{
        "name": "web", "ready": False, "restartCount": 3, "containerID": "containerd://1", "imageID": "img",
        "state": {"waiting": {"reason": "CrashLoopBackOff"}},
        "lastState": {"terminated": {"exitCode": 1, "reason": "Error", "startedAt": "2025-01-12T10:03:00Z",
                                     "finishedAt": "2025-01-12T10:03:02Z"}}}])
    c = p["spec"]["containers"][0]
    c["readinessProbe"] = {"httpGet": {"path": "/healthz", "port": 8080, "scheme": "HTTP"}, "periodSeconds": 5}
    c["command"] = ["sh", "-c"]
    c["args"] = ["echo hi\nexit 1"]
    c["env"] = [{"name": "MODE", "value": "debug"},
                {"name": "POD_IP", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "status.podIP"}}}]
    c["resources"] = {"requests": {"cpu": "100m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}}
    out = describe_pod(p, None, now=NOW)
    start = out.index("  web:\n")
    assert out[start:out.index("Conditions:")] == """\
  web:
    Container ID:  containerd://1
    Image:         nginx:1.27
    Image ID:      img
    Port:          <none>
    Host Port:     <none>
    Command:
      sh
      -c
    Args:
      echo hi
      exit 1
    State:          Waiting
      Reason:       CrashLoopBackOff
    Last State:     Terminated
      Reason:       Error
      Exit Code:    1
      Started:      Sun, 12 Jan 2025 10:03:00 +0000
      Finished:     Sun, 12 Jan 2025 10:03:02 +0000
    Ready:          False
    Restart Count:  3
    Limits:
      memory:  128Mi
    Requests:
      cpu:      100m
      memory:   64Mi
    Readiness:  http-get http://:8080/healthz delay=0s timeout=1s period=5s successThreshold=1 failureThreshold=3
    Environment:
      MODE:    debug
      POD_IP:  10.244.1.2 (v1:status.podIP)
    Mounts:    <none>
"""
    assert "QoS Class:       Burstable\n" in out
    assert not out.rstrip("\n").endswith("Events:")  # events not requested (--show-events=false)


def test_describe_endpoints():
    ep = {"metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
          "subsets": [{"addresses": [{"ip": "10.244.1.5"}, {"ip": "10.244.2.6"}],
                       "notReadyAddresses": [{"ip": "10.244.1.9"}], "ports": [{"port": 80, "protocol": "TCP"}]}]}
    assert describe_endpoints(ep, []) == (
        "Name:         web\n"
        "Namespace:    default\n"
        "Labels:       app=web\n"
        "Annotations:  <none>\n"
        "Subsets:\n"
        "  Addresses:          10.244.1.5,10.244.2.6\n"
        "  NotReadyAddresses:  10.244.1.9\n"
        "  Ports:\n"
        "    Name     Port  Protocol\n"
        "    ----     ----  --------\n"
        "    <unset>  80    TCP\n"
        "\n"
        "Events:  <none>\n")


def test_describe_deployment():
    dep = {"metadata": {"name": "web", "namespace": "default", "creationTimestamp": "2025-01-12T10:00:00Z",
                        "labels": {"app": "web"}, "annotations": {"deployment.kubernetes.io/revision": "1"}},
           "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                    "strategy": {"type": "RollingUpdate",
                                 "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}},
                    "template": {"metadata": {"labels": {"app": "web"}},
                                 "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27",
                                                          "ports": [{"containerPort": 80, "protocol": "TCP"}]}]}}},
           "status": {"replicas": 3, "updatedReplicas": 3, "availableReplicas": 3,
                      "conditions": [{"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"},
                                     {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable"}]}}
    rs = {"metadata": {"name": "web-7d4b9c8f5"}, "spec": {"replicas": 3}, "status": {"replicas": 3}}
    assert describe_deployment(dep, [], rs, [], now=NOW) == """\
Name:                   web
Namespace:              default
CreationTimestamp:      Sun, 12 Jan 2025 10:00:00 +0000
Labels:                 app=web
Annotations:            deployment.kubernetes.io/revision: 1
Selector:               app=web
Replicas:               3 desired | 3 updated | 3 total | 3 available | 0 unavailable
StrategyType:           RollingUpdate
MinReadySeconds:        0
RollingUpdateStrategy:  25% max unavailable, 25% max surge
Pod Template:
  Labels:  app=web
  Containers:
   nginx:
    Image:         nginx:1.27
    Port:          80/TCP
    Host Port:     0/TCP
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Conditions:
  Type           Status  Reason
  ----           ------  ------
  Available      True    MinimumReplicasAvailable
  Progressing    True    NewReplicaSetAvailable
OldReplicaSets:  <none>
NewReplicaSet:   web-7d4b9c8f5 (3/3 replicas created)
Events:          <none>
"""


def test_describe_node():
    node = copy.deepcopy(KIND_NODES[1])
    cap = {"cpu": "8", "memory": "32827088Ki", "pods": "110", "ephemeral-storage": "1055762868Ki",
           "hugepages-2Mi": "0"}
    node["status"]["capacity"] = cap
    node["status"]["allocatable"] = cap
    kindnet = pod("kindnet-x2v7p", ns="kube-system", ip="172.18.0.2")
    kindnet["spec"]["containers"][0]["resources"] = {"requests": {"cpu": "100m", "memory": "50Mi"},
                                                     "limits": {"cpu": "100m", "memory": "50Mi"}}
    lease = {"spec": {"holderIdentity": "kind-worker", "renewTime": "2025-01-12T10:04:58.123456Z"}}
    out = describe_node(node, [kindnet, _my_shell()], [], lease=lease, now=NOW)
    assert out[out.index("PodCIDR:"):] == """\
PodCIDR:                      10.244.1.0/24
PodCIDRs:                     10.244.1.0/24
ProviderID:                   kind://docker/kind/kind-worker
Non-terminated Pods:          (2 in total)
  Namespace                   Name             CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age
  ---------                   ----             ------------  ----------  ---------------  -------------  ---
  kube-system                 kindnet-x2v7p    100m (1%)     100m (1%)   50Mi (0%)        50Mi (0%)      5m
  default                     my-shell         0 (0%)        0 (0%)      0 (0%)           0 (0%)         5m
Allocated resources:
  (Total limits may be over 100 percent, i.e., overcommitted.)
  Resource           Requests   Limits
  --------           --------   ------
  cpu                100m (1%)  100m (1%)
  memory             50Mi (0%)  50Mi (0%)
  ephemeral-storage  0 (0%)     0 (0%)
  hugepages-2Mi      0 (0%)     0 (0%)
Events:              <none>
"""
    assert out.startswith("Name:               kind-worker\nRoles:              <none>\n")
    assert out[out.index("Unschedulable:"):out.index("Conditions:")] == (
        "Unschedulable:      false\n"
        "Lease:\n"
        "  HolderIdentity:  kind-worker\n"
        "  AcquireTime:     <unset>\n"
        "  RenewTime:       Sun, 12 Jan 2025 10:04:58 +0000\n")
    no_lease = describe_node(node, None, None, now=NOW)
    assert 'Lease:              Failed to get lease: leases.coordination.k8s.io "kind-worker" not found\n' in no_lease
    assert "Pods:                         not authorized\n" in no_lease


def test_quantities_print_canonically():
    assert [str(Quantity.parse(s)) for s in ("100m", "0.5", "2000", "1.5", "1024Mi", "1536Mi", "512", "1e3")] == \
        ["100m", "500m", "2k", "1500m", "1Gi", "1536Mi", "512", "1e3"]
