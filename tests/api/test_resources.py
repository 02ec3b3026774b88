import pytest

from k8slab.api import ClientError, kubectl_message, lookup
from k8slab.api.resources import RESOURCES, for_kind, no_match_error


@pytest.mark.parametrize("typed, kind", [
    ("po", "Pod"), ("pods", "Pod"), ("pod", "Pod"), ("Pod", "Pod"), ("svc", "Service"), ("ep", "Endpoints"),
    ("deploy", "Deployment"), ("deployments.apps", "Deployment"), ("deployments.v1.apps", "Deployment"),
    ("rs", "ReplicaSet"), ("ns", "Namespace"), ("no", "Node"), ("ev", "Event"), ("cm", "ConfigMap"),
    ("sa", "ServiceAccount"), ("ing", "Ingress"), ("netpol", "NetworkPolicy"), ("ingressclasses", "IngressClass"),
    ("endpointslices.discovery.k8s.io", "EndpointSlice"), ("endpointslice", "EndpointSlice"), ("leases", "Lease"),
])
def test_lookup_resolves_what_users_type(typed, kind):
    assert lookup(typed).kind == kind


def test_qualified_plurals_and_kubectl_type_names():
    assert lookup("po").qualified == "pods"
    assert lookup("deploy").qualified == "deployments.apps"
    assert lookup("ing").qualified == "ingresses.networking.k8s.io"
    assert lookup("deploy").type_name == "deployment.apps"
    assert lookup("svc").type_name == "service"
    assert lookup("netpol").qualified_kind == "NetworkPolicy.networking.k8s.io"


def test_discovery_facts():
    assert {r.kind: r.namespaced for r in RESOURCES}["Node"] is False
    assert lookup("ns").namespaced is False and lookup("ingressclass").namespaced is False
    assert lookup("ev").api_version == "v1"
    assert lookup("lease").api_version == "coordination.k8s.io/v1"
    assert for_kind("apps/v1", "Deployment") is lookup("deploy")
    assert for_kind("apps/v1beta2", "Deployment") is None


def test_unknown_resource_type_is_kubectls_error():
    with pytest.raises(ClientError) as e:
        lookup("foo")
    assert kubectl_message(e.value) == 'error: the server doesn\'t have a resource type "foo"'


def test_no_match_message():
    err = no_match_error("v1", "Foo", "x")
    assert kubectl_message(err) == ('error: resource mapping not found for name: "x" namespace: "" from "STDIN": '
                                    'no matches for kind "Foo" in version "v1"\nensure CRDs are installed first')
