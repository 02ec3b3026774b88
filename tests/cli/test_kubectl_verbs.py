"""kubectl generators and changing verbs, and describe.

Sources checked (k8s.io/kubectl v0.33.1): pkg/cmd/create/create_deployment.go, create_service.go,
create_namespace.go; pkg/generate/versioned/run.go (BasicPod); pkg/cmd/run/run.go;
pkg/cmd/expose/expose.go with pkg/polymorphichelpers; pkg/cmd/scale/scale.go; pkg/cmd/label/label.go;
pkg/cmd/annotate/annotate.go; pkg/cmd/rollout/rollout_restart.go; pkg/polymorphichelpers/rollout_status.go;
pkg/cmd/drain/drain.go and pkg/drain/filters.go; pkg/describe/describe.go (tabbedString, describePod,
describeService, describeNode, describeDeployment, DescribeEvents); pkg/cmd/describe/describe.go.
"""

from __future__ import annotations

import pytest

import k8slab
from k8slab.cli.kubectl import kubectl


@pytest.fixture
def c():
    c = k8slab.kind(workers=2)
    c.store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "labels": {"app": "web"}},
                    "spec": {"nodeName": "kind-worker",
                             "containers": [{"name": "web", "image": "nginx:1.27", "ports": [{"containerPort": 80}]}]}})
    c.settle()
    return c


def run(c, cmd, stdin=None):
    out, err, code = kubectl(c, cmd, stdin)
    assert "failed unexpectedly" not in err, err
    return out, err, code


def test_create_deployment_builds_what_kubectl_builds(c):
    assert run(c, "create deployment api --image=registry.k8s.io/e2e-test-images/agnhost:2.53 --replicas=3 "
                  "--port=8080") == ("deployment.apps/api created\n", "", 0)
    d = c.store.get("deployments", "api")
    assert d["metadata"]["labels"] == {"app": "api"}
    assert d["spec"]["replicas"] == 3 and d["spec"]["selector"] == {"matchLabels": {"app": "api"}}
    ctr = d["spec"]["template"]["spec"]["containers"][0]
    assert ctr["name"] == "agnhost" and ctr["ports"] == [{"containerPort": 8080, "protocol": "TCP"}]


def test_create_deployment_errors(c):
    assert run(c, "create deployment api") == ("", 'error: required flag(s) "image" not set\n', 1)
    assert run(c, "create deployment --image=nginx")[1] == ("error: exactly one NAME is required, got 0\n"
                                                            "See 'kubectl create deployment -h' for help and "
                                                            "examples\n")
    run(c, "create deployment api --image=nginx")
    assert run(c, "create deployment api --image=nginx")[1] == ('error: failed to create deployment: '
                                                                'deployments.apps "api" already exists\n')


def test_create_service_and_namespace(c):
    assert run(c, "create service clusterip web --tcp=80:80")[0] == "service/web created\n"
    svc = c.store.get("services", "web")
    assert svc["spec"]["ports"][0]["name"] == "80-80" and svc["spec"]["selector"] == {"app": "web"}
    assert run(c, "create svc nodeport np --tcp=80:8080")[0] == "service/np created\n"
    assert c.store.get("services", "np")["spec"]["ports"][0]["nodePort"] >= 30000
    assert run(c, "create service clusterip x")[1] == "error: at least one tcp port specifier must be provided\n"
    assert run(c, "create namespace demo") == ("namespace/demo created\n", "", 0)
    assert run(c, "create ns demo")[1] == 'Error from server (AlreadyExists): namespaces "demo" already exists\n'


def test_run_builds_a_pod_labelled_run(c):
    assert run(c, "run client --image=busybox --restart=Never --env=A=1 -- sleep 3600") == (
        "pod/client created\n", "", 0)
    pod = c.store.get("pods", "client")
    assert pod["metadata"]["labels"] == {"run": "client"}
    ctr = pod["spec"]["containers"][0]
    assert ctr["name"] == "client" and ctr["args"] == ["sleep", "3600"] and ctr["env"] == [{"name": "A", "value": "1"}]
    assert pod["spec"]["restartPolicy"] == "Never"
    run(c, "run c2 --image=busybox --command -- sleep 1")
    assert c.store.get("pods", "c2")["spec"]["containers"][0]["command"] == ["sleep", "1"]
    assert run(c, "run x")[1] == "error: --image is required\n"
    assert run(c, "run x --image=nginx -t")[1].startswith("error: -i/--stdin is required for containers with "
                                                          "-t/--tty=true\n")


def test_expose_takes_selector_and_port_from_the_object(c):
    assert run(c, "expose pod web --name=web-svc --target-port=80 --port=8080 --type=NodePort")[0] == \
        "service/web-svc exposed\n"
    svc = c.store.get("services", "web-svc")
    assert svc["spec"]["selector"] == {"app": "web"} and svc["spec"]["type"] == "NodePort"
    assert svc["spec"]["ports"][0]["port"] == 8080 and svc["spec"]["ports"][0]["targetPort"] == 80
    assert run(c, "expose pod web")[0] == "service/web exposed\n"  # port from the container
    assert c.store.get("services", "web")["spec"]["ports"][0]["port"] == 80
    assert run(c, "expose node kind-worker --port=80")[1] == "error: cannot expose a Node\n"


def test_scale(c):
    run(c, "create deployment api --image=nginx")
    assert run(c, "scale deployment/api --replicas=4") == ("deployment.apps/api scaled\n", "", 0)
    assert c.store.get("deployments", "api")["spec"]["replicas"] == 4
    assert run(c, "scale deployment api")[1] == ("error: The --replicas=COUNT flag is required, and COUNT must be "
                                                 "greater than or equal to 0\n")


def test_label_and_annotate(c):
    assert run(c, "label pod web tier=front") == ("pod/web labeled\n", "", 0)
    assert run(c, "label pod web tier=back") == ("", "error: 'tier' already has a value (front), and --overwrite is "
                                                     "false\n", 1)
    assert run(c, "label pod web tier=back --overwrite")[0] == "pod/web labeled\n"
    assert c.store.get("pods", "web")["metadata"]["labels"]["tier"] == "back"
    assert run(c, "label pod web tier-")[0] == "pod/web unlabeled\n"
    assert run(c, "label pod web app=web")[0] == "pod/web not labeled\n"
    assert run(c, "label pod web app=web x")[1] == "error: all resources must be specified before label changes: x\n"
    assert run(c, "annotate pod web note=hello")[0] == "pod/web annotated\n"
    assert c.store.get("pods", "web")["metadata"]["annotations"]["note"] == "hello"


def test_rollout_restart_stamps_the_template(c):
    run(c, "create deployment api --image=nginx")
    c.advance(5)
    assert run(c, "rollout restart deployment/api")[0] == "deployment.apps/api restarted\n"
    ann = c.store.get("deployments", "api")["spec"]["template"]["metadata"]["annotations"]
    assert ann == {"kubectl.kubernetes.io/restartedAt": "2025-01-12T10:01:05Z"}  # kind was ready at 10:01:00
    assert run(c, "rollout restart")[1] == "error: required resource not specified\n"
    assert run(c, "rollout status svc/nope")[1] == 'Error from server (NotFound): services "nope" not found\n'


def test_cordon_uncordon_drain(c):
    assert run(c, "cordon kind-worker")[0] == "node/kind-worker cordoned\n"
    assert run(c, "cordon kind-worker")[0] == "node/kind-worker already cordoned\n"
    assert "Ready,SchedulingDisabled" in run(c, "get nodes")[0]
    out, err, code = run(c, "drain kind-worker")
    assert code == 1
    # pkg/drain/filters.go: "cannot delete " + unmanagedFatal (which starts with "cannot delete" too)
    # kindnet and kube-proxy run as DaemonSet pods on every kind node, so kind users need --ignore-daemonsets.
    assert err.startswith('error: unable to drain node "kind-worker" due to error: [cannot delete cannot delete Pods '
                          "that declare no controller (use --force to override): default/web, cannot delete "
                          "DaemonSet-managed Pods (use --ignore-daemonsets to ignore): kube-system/kindnet-")
    out, err, code = run(c, "drain kind-worker --force --ignore-daemonsets")
    assert out == ("node/kind-worker already cordoned\nevicting pod default/web\npod/web evicted\n"
                   "node/kind-worker drained\n")
    assert err.startswith("Warning: deleting Pods that declare no controller: default/web")
    assert run(c, "uncordon kind-worker")[0] == "node/kind-worker uncordoned\n"
    assert run(c, "cordon")[1] == "error: USAGE: cordon NODE [flags]\nSee 'kubectl cordon -h' for help and examples\n"


def test_describe_pod_layout(c):
    c.advance(65)
    out, err, code = run(c, "describe pod web")
    assert code == 0
    lines = out.splitlines()
    # tabbedString: tabwriter(minwidth 0, tabwidth 8, padding 2); the first block aligns on "Service Account:"
    assert lines[0] == "Name:             web"
    assert "Node:             kind-worker/172.18.0.2" in lines
    assert "Start Time:       Sun, 12 Jan 2025 10:01:00 +0000" in lines
    assert "IPs:" in lines and "  IP:  10.244.1.2" in lines
    assert "  web:" in lines and "    Port:           80/TCP" in lines
    assert "Conditions:" in lines and lines[lines.index("Conditions:") + 1].split() == ["Type", "Status"]
    assert out.endswith("\n")


def test_describe_service_and_node_and_prefix(c):
    run(c, "expose pod web --port=80")
    out, _, _ = run(c, "describe svc web")
    assert "Selector:                 app=web\n" in out and "Port:                     <unset>  80/TCP\n" in out
    out, _, _ = run(c, "describe node kind-control-plane")
    assert "Taints:             node-role.kubernetes.io/control-plane:NoSchedule\n" in out
    assert "Non-terminated Pods:" in out
    # describe.go DescribeMatchingResources: a name that does not exist is tried as a prefix
    assert run(c, "describe pods we")[0].startswith("Name:             web\n")
    assert run(c, "describe pods zz")[1] == 'Error from server (NotFound): pods "zz" not found\n'


def test_every_change_leaves_nothing_on_error(c):
    before = c.store.resource_version
    for cmd in ("label pod nope a=b", "scale deploy/nope --replicas=1", "expose pod nope --port=80",
                "delete pod nope", "cordon nope", "create deployment Bad_Name --image=nginx",
                "annotate pod web", "rollout restart deploy/nope"):
        out, err, code = run(c, cmd)
        assert code == 1, cmd
    assert c.store.resource_version == before
