"""Defaults, schema errors and semantic validation, with the apiserver's messages."""

import pytest

from k8slab.api import StatusError, clone, kubectl_message

from .conftest import deployment, pod, service

SUBDOMAIN_MSG = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and "
                 "must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
                 "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")


def error_of(fn, *args, **kw) -> StatusError:
    with pytest.raises(StatusError) as e:
        fn(*args, **kw)
    return e.value


# --- defaults -------------------------------------------------------------------------------------

def test_pod_defaults(store):
    p = store.create(pod("x", image="nginx"))
    spec = p["spec"]
    assert (spec["restartPolicy"], spec["dnsPolicy"], spec["terminationGracePeriodSeconds"], spec["schedulerName"]) \
        == ("Always", "ClusterFirst", 30, "default-scheduler")
    assert spec["serviceAccountName"] == "default" and spec["enableServiceLinks"] is True
    assert {t["key"] for t in spec["tolerations"]} == {"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"}
    c = spec["containers"][0]
    assert (c["imagePullPolicy"], c["terminationMessagePath"], c["terminationMessagePolicy"]) == \
        ("Always", "/dev/termination-log", "File")
    assert p["status"] == {"phase": "Pending", "qosClass": "BestEffort"}


@pytest.mark.parametrize("image, policy", [("nginx", "Always"), ("nginx:latest", "Always"),
                                           ("nginx:1.27", "IfNotPresent"), ("localhost:5000/app", "Always"),
                                           ("localhost:5000/app:v1", "IfNotPresent"),
                                           ("nginx@sha256:0123", "IfNotPresent")])
def test_image_pull_policy_default(store, image, policy):
    assert store.create(pod("x", image=image))["spec"]["containers"][0]["imagePullPolicy"] == policy


def test_container_port_protocol_default(store):
    p = pod("x")
    p["spec"]["containers"][0]["ports"] = [{"containerPort": 80}]
    assert store.create(p)["spec"]["containers"][0]["ports"] == [{"containerPort": 80, "protocol": "TCP"}]


def test_service_defaults(store):
    spec = store.create(service("web", ports=[{"port": 80}]))["spec"]
    assert spec["type"] == "ClusterIP" and spec["sessionAffinity"] == "None"
    assert spec["ports"] == [{"port": 80, "protocol": "TCP", "targetPort": 80}]
    assert (spec["ipFamilies"], spec["ipFamilyPolicy"], spec["internalTrafficPolicy"]) == \
        (["IPv4"], "SingleStack", "Cluster")


def test_deployment_defaults(store):
    d = store.create(deployment())
    spec = d["spec"]
    assert spec["replicas"] == 1
    assert spec["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}
    assert (spec["revisionHistoryLimit"], spec["progressDeadlineSeconds"]) == (10, 600)
    tspec = spec["template"]["spec"]
    assert tspec["restartPolicy"] == "Always" and tspec["containers"][0]["imagePullPolicy"] == "IfNotPresent"
    assert "tolerations" not in tspec  # admission adds those to Pods, not to templates


def test_networkpolicy_policy_types_default(store):
    np = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "deny"},
          "spec": {"podSelector": {}, "egress": [{}]}}
    assert store.create(np)["spec"]["policyTypes"] == ["Ingress", "Egress"]


# --- schema: unknown fields and wrong types --------------------------------------------------------

def test_unknown_fields_strict_decoding(store):
    d = deployment()
    d["spec"]["replica"] = 3
    d["spec"]["template"]["spec"]["containers"][0]["imagee"] = "x"
    err = error_of(store.create, d)
    assert kubectl_message(err) == (
        'Error from server (BadRequest): Deployment in version "v1" cannot be handled as a Deployment: strict '
        'decoding error: unknown field "spec.template.spec.containers[0].imagee", unknown field "spec.replica"')


def test_wrong_type(store):
    d = deployment()
    d["spec"]["replicas"] = "3"
    assert error_of(store.create, d).message == (
        'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct '
        "field DeploymentSpec.spec.replicas of type int32")
    s = service("web", ports=[{"port": 80, "targetPort": [1]}])
    assert "of type intstr.IntOrString" in error_of(store.create, s).message
    assert store.create(service("ok", ports=[{"port": 80, "targetPort": "http"}]))


def test_import_loads_no_schema():
    import subprocess
    import sys
    code = ("import sys, k8slab.api, k8slab.api.store; "
            "k8slab.api.Store(); "
            "print('jsonschema' in sys.modules, k8slab.api.schema._data if 'k8slab.api.schema' in sys.modules "
            "else None)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "None"]


# --- semantic validation ---------------------------------------------------------------------------

def test_invalid_name(store):
    err = error_of(store.create, pod("Web"))
    assert kubectl_message(err) == f'The Pod "Web" is invalid: metadata.name: Invalid value: "Web": {SUBDOMAIN_MSG}'
    assert err.code == 422 and err.details["causes"][0]["field"] == "metadata.name"
    svc_err = error_of(store.create, service("1web"))
    assert "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic " \
           "character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for " \
           "validation is '[a-z]([-a-z0-9]*[a-z0-9])?')" in svc_err.message
    ns_err = error_of(store.create, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a.b"}})
    assert ns_err.message == 'Namespace "a.b" is invalid: metadata.name: Invalid value: "a.b": must not contain dots'


def test_missing_name(store):
    err = error_of(store.create, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {}})
    assert err.message == 'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required'


def test_required_containers_and_image(store):
    err = error_of(store.create, {**pod("x"), "spec": {}})
    assert kubectl_message(err) == 'The Pod "x" is invalid: spec.containers: Required value'
    p = pod("x")
    p["spec"]["containers"].append({"name": "c"})
    err = error_of(store.create, p)
    assert [c["field"] + ": " + c["message"] for c in err.details["causes"]] == [
        "spec.containers[1].name: Duplicate value: \"c\"", "spec.containers[1].image: Required value"][::-1]


def test_bad_labels(store):
    err = error_of(store.create, pod("x", {"app": "-bad"}))
    assert err.message.startswith('Pod "x" is invalid: metadata.labels: Invalid value: "-bad": a valid label must be '
                                  "an empty string or consist of alphanumeric characters")


def test_port_ranges(store):
    err = error_of(store.create, service("web", ports=[{"port": 70000}]))
    # targetPort defaults to port, so the apiserver reports both
    assert kubectl_message(err) == ('The Service "web" is invalid: \n'
                                    "* spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, "
                                    "inclusive\n"
                                    "* spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, "
                                    "inclusive")
    err = error_of(store.create, service("web", ports=[{"port": 70000, "targetPort": 80}]))
    assert kubectl_message(err) == ('The Service "web" is invalid: spec.ports[0].port: Invalid value: 70000: must be '
                                    "between 1 and 65535, inclusive")
    p = pod("x")
    p["spec"]["containers"][0]["ports"] = [{"containerPort": 0}, {"containerPort": 80, "protocol": "tcp"}]
    err = error_of(store.create, p)
    assert [f'{c["field"]}: {c["message"]}' for c in err.details["causes"]] == [
        "spec.containers[0].ports[0].containerPort: Required value",
        'spec.containers[0].ports[1].protocol: Unsupported value: "tcp": supported values: "SCTP", "TCP", "UDP"']
    assert kubectl_message(err).startswith('The Pod "x" is invalid: \n* spec.containers[0].ports[0].containerPort')


def test_service_rules(store):
    err = error_of(store.create, service("web", ports=[{"port": 80}, {"port": 443}]))
    assert "spec.ports[0].name: Required value" in err.message
    err = error_of(store.create, service("web", ports=[{"port": 80, "nodePort": 30080}]))
    assert "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'" in err.message
    err = error_of(store.create, service("web", type="Balanced"))
    assert 'spec.type: Unsupported value: "Balanced": supported values: "ClusterIP", "ExternalName", ' \
           '"LoadBalancer", "NodePort"' in err.message
    err = error_of(store.create, service("web", ports=[]))
    assert err.message == 'Service "web" is invalid: spec.ports: Required value'
    err = error_of(store.create, service("web", ports=[{"port": 80, "targetPort": 0}]))
    assert "spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive" in err.message
    assert store.create(service("ext", ports=[], type="ExternalName", externalName="example.com"))


def test_deployment_selector_rules(store):
    d = deployment()
    del d["spec"]["selector"]
    err = error_of(store.create, d)
    assert kubectl_message(err) == (
        'The Deployment "web" is invalid: \n* spec.selector: Required value\n'
        '* spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match '
        "template `labels`")
    assert err.message.startswith('Deployment.apps "web" is invalid: [spec.selector: Required value, ')
    err = error_of(store.create, deployment(labels={"app": "x"}, selector={"app": "y"}))
    assert kubectl_message(err) == ('The Deployment "web" is invalid: spec.template.metadata.labels: Invalid value: '
                                    'map[string]string{"app":"x"}: `selector` does not match template `labels`')
    d = deployment()
    d["spec"]["template"]["spec"]["restartPolicy"] = "Never"
    assert 'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"' in \
        error_of(store.create, d).message
    assert "spec.replicas: Invalid value: -1: must be greater than or equal to 0" in \
        error_of(store.create, deployment(replicas=-1)).message


def test_immutable_fields(store):
    s = store.create(service("web"))
    changed = clone(s)
    changed["spec"]["clusterIP"] = "10.96.0.99"
    changed["spec"]["clusterIPs"] = ["10.96.0.99"]
    err = error_of(store.update, changed)
    assert 'spec.clusterIP: Invalid value: "10.96.0.99": field is immutable' in err.message
    assert store.get("svc", "web")["spec"]["clusterIP"] == s["spec"]["clusterIP"]

    store.create(deployment())
    err = error_of(store.patch, "deploy", "web", {"spec": {"selector": {"matchLabels": {"app": "b"}},
                                                           "template": {"metadata": {"labels": {"app": "b"}}}}})
    assert kubectl_message(err) == (
        'The Deployment "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]'
        'string{"app":"b"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable')

    store.create(pod("p"))
    err = error_of(store.patch, "pods", "p", {"spec": {"containers": [{"name": "c", "image": "nginx",
                                                                       "ports": [{"containerPort": 80}]}]}})
    assert kubectl_message(err) == (
        'The Pod "p" is invalid: spec: Forbidden: pod updates may not change fields other than '
        "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` "
        "(only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it "
        "was previously negative)")
    ok = store.patch("pods", "p", {"spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}})
    assert ok["spec"]["containers"][0]["image"] == "nginx:1.27"


def test_ingress_and_networkpolicy(store):
    ing = {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "web"},
           "spec": {"rules": [{"host": "web.example", "http": {"paths": [
               {"path": "foo", "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}}
    err = error_of(store.create, ing)
    assert "spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified" in err.message
    ing["spec"]["rules"][0]["http"]["paths"][0]["pathType"] = "Prefix"
    assert 'spec.rules[0].http.paths[0].path: Invalid value: "foo": must be an absolute path' in \
        error_of(store.create, ing).message
    ing["spec"]["rules"][0]["http"]["paths"][0]["path"] = "/foo"
    assert store.create(ing)["metadata"]["generation"] == 1
    np = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "x"},
          "spec": {"podSelector": {"matchExpressions": [{"key": "a", "operator": "In"}]}}}
    assert "spec.podSelector.matchExpressions[0].values: Required value" in error_of(store.create, np).message


def test_controllers_can_skip_validation(store):
    """validate=False: the object goes in as given (defaults still apply)."""
    p = store.create(pod("Not_Valid"), validate=False)
    assert p["spec"]["restartPolicy"] == "Always"
