"""kubectl get -o formats. Sources: kubectl pkg/cmd/get/get.go (printGeneric), get_test.go
(expected JSON), customcolumn.go; cli-runtime printers/{name,json,yaml,jsonpath}.go and
genericclioptions (error texts); sigs.k8s.io/yaml + go-yaml v2 for YAML."""

import pytest
from kubectl_fixtures import KIND_NODES, NOW, pod

from k8slab.cli.errors import KubectlError
from k8slab.cli.output import get


def _test_pod(name, rv):
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "test", "resourceVersion": rv},
            "spec": {"containers": None, "dnsPolicy": "ClusterFirst", "enableServiceLinks": True,
                     "restartPolicy": "Always", "securityContext": {}, "terminationGracePeriodSeconds": 30},
            "status": {}}


def test_acceptance_custom_columns_on_kind_nodes():
    out = get(KIND_NODES, now=NOW,
              output="custom-columns=NAME:.metadata.name,CIDR:.spec.podCIDR,ExternalIP:.status.addresses[0].address")
    assert out.stdout == (
        "NAME                 CIDR            ExternalIP\n"
        "kind-control-plane   10.244.0.0/24   172.18.0.3\n"
        "kind-worker          10.244.1.0/24   172.18.0.2\n"
        "kind-worker2         10.244.2.0/24   172.18.0.4\n")


def test_json_list_of_several_kinds():
    # get_test.go TestGetMultipleTypeObjectsAsList (keys sorted: objects are unstructured maps)
    baz = {"kind": "Service", "apiVersion": "v1",
           "metadata": {"resourceVersion": "12", "name": "baz", "namespace": "test"},
           "spec": {"type": "ClusterIP", "sessionAffinity": "None"}, "status": {"loadBalancer": {}}}
    out = get([_test_pod("foo", "10"), _test_pod("bar", "11"), baz], output="json").stdout
    pod_json = """        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "name": "%s",
                "namespace": "test",
                "resourceVersion": "%s"
            },
            "spec": {
                "containers": null,
                "dnsPolicy": "ClusterFirst",
                "enableServiceLinks": true,
                "restartPolicy": "Always",
                "securityContext": {},
                "terminationGracePeriodSeconds": 30
            },
            "status": {}
        },
"""
    assert out == ('{\n    "apiVersion": "v1",\n    "items": [\n' + pod_json % ("foo", "10") + pod_json % ("bar", "11")
                   + """        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {
                "name": "baz",
                "namespace": "test",
                "resourceVersion": "12"
            },
            "spec": {
                "sessionAffinity": "None",
                "type": "ClusterIP"
            },
            "status": {
                "loadBalancer": {}
            }
        }
    ],
    "kind": "List",
    "metadata": {
        "resourceVersion": ""
    }
}
""")


def test_empty_json_list_and_single_object():
    assert get([], output="json").stdout == (
        '{\n    "apiVersion": "v1",\n    "items": [],\n    "kind": "List",\n'
        '    "metadata": {\n        "resourceVersion": ""\n    }\n}\n')
    assert get([], output="json").stderr == ""
    one = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"html": "<b>&</b>"}}
    assert get([one], output="json", single_item=True).stdout == (
        '{\n    "apiVersion": "v1",\n    "data": {\n        "html": "\\u003cb\\u003e\\u0026\\u003c/b\\u003e"\n'
        '    },\n    "kind": "ConfigMap",\n    "metadata": {\n        "name": "c"\n    }\n}\n')


def test_yaml_single_object():
    dep = {"apiVersion": "apps/v1", "kind": "Deployment",
           "metadata": {"name": "web", "namespace": "default", "generation": 1, "uid": "1234",
                        "creationTimestamp": "2025-01-12T10:00:00Z", "labels": {"app": "web"},
                        "annotations": {"deployment.kubernetes.io/revision": "1"}},
           "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                    "template": {"metadata": {"labels": {"app": "web"}, "creationTimestamp": None},
                                 "spec": {"containers": [{"name": "web", "image": "nginx:1.27",
                                                          "ports": [{"containerPort": 80, "protocol": "TCP"}],
                                                          "args": ["--listen", ":8080", "a: b", "yes", ""]}]}}},
           "status": {"replicas": 2, "conditions": [{"type": "Available", "status": "True",
                                                     "message": "Deployment has minimum availability."}]}}
    assert get([dep], output="yaml", single_item=True).stdout == """apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    deployment.kubernetes.io/revision: "1"
  creationTimestamp: "2025-01-12T10:00:00Z"
  generation: 1
  labels:
    app: web
  name: web
  namespace: default
  uid: "1234"
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: web
    spec:
      containers:
      - args:
        - --listen
        - :8080
        - 'a: b'
        - "yes"
        - ""
        image: nginx:1.27
        name: web
        ports:
        - containerPort: 80
          protocol: TCP
status:
  conditions:
  - message: Deployment has minimum availability.
    status: "True"
    type: Available
  replicas: 2
"""


def test_yaml_list_wraps_items():
    out = get([pod("web")], output="yaml", now=NOW).stdout
    assert out.startswith("apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n")
    assert out.endswith("kind: List\nmetadata:\n  resourceVersion: \"\"\n")


def test_name_output():
    dep = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}}
    es = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "metadata": {"name": "web-abcde"}}
    svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}}
    assert get([pod("web-abc"), dep, svc, es], output="name").stdout == (
        "pod/web-abc\ndeployment.apps/web\nservice/web\nendpointslice.discovery.k8s.io/web-abcde\n")
    assert get([], output="name") .stdout == ""


def test_jsonpath_output():
    pods = [pod("a", ip="10.244.1.2"), pod("b", ip="10.244.2.3")]
    assert get(pods, output="jsonpath={.items[*].metadata.name}").stdout == "a b"
    t = 'jsonpath={range .items[*]}{.metadata.name}{"\\t"}{.status.podIP}{"\\n"}{end}'
    assert get(pods, output=t).stdout == "a\t10.244.1.2\nb\t10.244.2.3\n"
    assert get(KIND_NODES[:1], output="jsonpath={.status.nodeInfo}", single_item=True).stdout == (
        '{"containerRuntimeVersion":"containerd://1.7.24","kernelVersion":"6.8.0-51-generic",'
        '"kubeletVersion":"v1.32.0","osImage":"Debian GNU/Linux 12 (bookworm)"}')


def test_custom_columns_missing_values_lists_and_maps():
    pods = [pod("a", labels={"app": "web"}), pod("b", containers=("x", "y"))]
    out = get(pods, output="custom-columns=NAME:metadata.name,APP:{.metadata.labels.app},"
                           "C:.spec.containers[*].name,L:.metadata.labels").stdout
    assert out == ("NAME   APP      C     L\n"
                   "a      web      web   map[app:web]\n"
                   "b      <none>   x,y   <none>\n")
    assert get(pods, output="custom-columns=NAME:.metadata.name", no_headers=True).stdout == "a\nb\n"
    assert get([], output="custom-columns=NAME:.metadata.name").stdout == "NAME\n"


def test_custom_columns_file():
    files = {"cols.txt": "NAME          RSRC\nmetadata.name metadata.resourceVersion\n"}
    p = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "submit-queue", "resourceVersion": "610995"}}
    # kubectl docs example for -o custom-columns / custom-columns-file
    assert get([p], output="custom-columns-file=cols.txt", single_item=True, read_file=files.__getitem__).stdout == (
        "NAME           RSRC\nsubmit-queue   610995\n")


@pytest.mark.parametrize("output,message", [
    ("foo", 'error: unable to match a printer suitable for the output format "foo", allowed formats are: '
            "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,"
            "jsonpath-file,name,template,templatefile,wide,yaml"),
    ("jsonpath={.items[*}", "error: error parsing jsonpath {.items[*}, unterminated array"),
    ("jsonpath=", "error: template format specified but no template given"),
    ("jsonpath", "error: template format specified but no template given"),
    ("custom-columns=", "error: custom-columns format specified but no custom columns given"),
    ("custom-columns=NAME", "error: unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>"),
    ("custom-columns=A:{.a}{.b}", "error: unexpected path string, expected a 'name1.name2' or '.name1.name2' or "
                                  "'{name1.name2}' or '{.name1.name2}'"),
    ("custom-columns=A:.a[", "error: unterminated array"),
])
def test_output_format_errors(output, message):
    with pytest.raises(KubectlError) as e:
        get([pod("a")], output=output, now=NOW)
    assert str(e.value) == message


def test_show_labels_needs_a_table():
    with pytest.raises(KubectlError, match="^error: --show-labels option cannot be used with json printer$"):
        get([], output="json", show_labels=True)


def test_jsonpath_execution_error_text():
    obj = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"}}
    with pytest.raises(KubectlError) as e:
        get([obj], output="jsonpath={.metadata.name[0]}", single_item=True)
    assert str(e.value) == (
        'error: error executing jsonpath "{.metadata.name[0]}": Error executing template: string is not array or '
        "slice. Printing more information for debugging the template:\n"
        "\ttemplate was:\n\t\t{.metadata.name[0]}\n"
        "\tobject given to jsonpath engine was:\n"
        '\t\tmap[string]interface {}{"apiVersion":"v1", "kind":"Pod", "metadata":map[string]interface {}{"name":"a"}}'
        "\n\n")  # stderr ends in three newlines; KubectlError.message omits the last
