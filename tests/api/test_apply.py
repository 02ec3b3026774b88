import json

import pytest

from k8slab.api import ClientError, Store, apply_manifest, apply_objects, kubectl_message, parse_manifest
from k8slab.api.manifest import LAST_APPLIED, format_apply

DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
"""
SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
"""


def messages(results):
    return [r.message for r in results]


def test_created_unchanged_configured(store):
    text = DEPLOY + "---\n" + SERVICE
    assert messages(apply_manifest(store, text)) == ["deployment.apps/web created", "service/web created"]
    rv = store.resource_version
    assert messages(apply_manifest(store, text)) == ["deployment.apps/web unchanged", "service/web unchanged"]
    assert store.resource_version == rv
    out = apply_manifest(store, text.replace("replicas: 2", "replicas: 3"))
    assert messages(out) == ["deployment.apps/web configured", "service/web unchanged"]
    assert store.get("deploy", "web")["spec"]["replicas"] == 3
    assert store.get("deploy", "web")["metadata"]["generation"] == 2


def test_last_applied_annotation_as_kubectl_writes_it(store):
    apply_manifest(store, SERVICE)
    svc = store.get("svc", "web")
    assert svc["metadata"]["annotations"][LAST_APPLIED] == (
        '{"apiVersion":"v1","kind":"Service","metadata":{"annotations":{},"name":"web","namespace":"default"},'
        '"spec":{"ports":[{"port":80}],"selector":{"app":"web"}}}\n')


def test_apply_changes_the_image_of_a_pod_and_keeps_defaults(store):
    pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: nginx\n"
    apply_manifest(store, pod)
    out = apply_manifest(store, pod.replace("image: nginx", "image: nginx:1.27"))
    assert messages(out) == ["pod/p configured"]
    c = store.get("po", "p")["spec"]["containers"][0]
    assert c["image"] == "nginx:1.27" and c["imagePullPolicy"] == "Always"
    bad = apply_manifest(store, pod.replace("image: nginx", "image: nginx\n    ports: [{containerPort: 80}]"))
    assert bad[0].message.startswith('The Pod "p" is invalid: spec: Forbidden: pod updates may not change fields '
                                     "other than `spec.containers[*].image`")


def test_apply_removes_what_the_manifest_dropped(store):
    cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, labels: {a: '1', b: '2'}}\ndata: {x: '1', y: '2'}\n"
    apply_manifest(store, cm)
    apply_manifest(store, cm.replace(", b: '2'", "").replace(", y: '2'", ""))
    got = store.get("cm", "c")
    assert got["metadata"]["labels"] == {"a": "1"} and got["data"] == {"x": "1"}


def test_apply_keeps_service_allocations(store):
    apply_manifest(store, SERVICE.replace("spec:\n", "spec:\n  type: NodePort\n"))
    before = store.get("svc", "web")["spec"]
    apply_manifest(store, SERVICE.replace("spec:\n", "spec:\n  type: NodePort\n").replace("port: 80", "port: 80\n"
                                                                                            "    name: http"))
    after = store.get("svc", "web")["spec"]
    assert after["clusterIP"] == before["clusterIP"]
    assert after["ports"][0]["nodePort"] == before["ports"][0]["nodePort"]


def test_multi_document_errors_do_not_stop_the_others(store):
    text = (SERVICE + "---\napiVersion: v1\nkind: Foo\nmetadata: {name: x}\n---\n"
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: nope}\nspec: {containers: [{name: c, image: x}]}"
            "\n---\n" + DEPLOY)
    results = apply_manifest(store, text, source="web.yaml")
    assert messages(results) == [
        "service/web created",
        'error: resource mapping not found for name: "x" namespace: "" from "web.yaml": no matches for kind "Foo" in '
        'version "v1"\nensure CRDs are installed first',
        'Error from server (NotFound): error when creating "web.yaml": namespaces "nope" not found',
        "deployment.apps/web created",
    ]
    out, err = format_apply(results)
    assert out == "service/web created\ndeployment.apps/web created\n"
    assert err.splitlines()[0].startswith("error: resource mapping not found")
    assert err.splitlines()[-1].startswith("Error from server (NotFound)")


def test_invalid_yaml_stops_the_stream_there(store):
    text = SERVICE + "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n data: x: y\n---\n" + DEPLOY
    results = apply_manifest(store, text)
    assert messages(results)[0] == "service/web created"
    assert messages(results)[1].startswith("error: error parsing STDIN: error converting YAML to JSON: yaml: line ")
    assert len(results) == 2 and store.try_get("deploy", "web") is None
    with pytest.raises(ClientError) as e:
        parse_manifest("a: b\n  c: d\n")
    assert kubectl_message(e.value) == ("error: error parsing STDIN: error converting YAML to JSON: yaml: line 2: "
                                        "mapping values are not allowed in this context")


def test_empty_documents_lists_and_json(store):
    text = "---\n# nothing\n---\napiVersion: v1\nkind: List\nitems:\n- " + json.dumps(
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}) + "\n---\n"
    assert messages(apply_manifest(store, text)) == ["configmap/a created"]
    assert messages(apply_manifest(store, "")) == ["error: no objects passed to apply"]
    assert messages(apply_manifest(store, json.dumps({"apiVersion": "v1", "kind": "ConfigMap",
                                                      "metadata": {"name": "b"}}))) == ["configmap/b created"]


def test_client_side_errors(store):
    no_name = apply_manifest(store, "apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n")[0]
    assert no_name.message.endswith('from server for: "STDIN": resource name may not be empty')
    no_kind = apply_manifest(store, "apiVersion: v1\nmetadata: {name: x}\n")[0]
    assert no_kind.message.startswith("error: unable to decode \"STDIN\": Object 'Kind' is missing in")
    scalar = apply_manifest(store, "hello\n")[0]
    assert scalar.message.startswith('error: unable to decode "STDIN": json: cannot unmarshal string into Go value')
    other_ns = apply_manifest(store, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: a}\n",
                              namespace="b")[0]
    assert other_ns.message == ('error: the namespace from the provided object "a" does not match the namespace "b". '
                                "You must pass '--namespace=a' to perform this operation.")


def test_namespace_flag_and_objects(store):
    store.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "apps"}})
    assert messages(apply_manifest(store, SERVICE, namespace="apps")) == ["service/web created"]
    assert store.get("svc", "web", "apps")
    results = apply_objects(store, [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "x"}}])
    assert messages(results) == ["namespace/x created"]


def test_bad_objects_leave_the_store_unchanged():
    store = Store(clock=lambda: 0, seed=1)
    rv = store.resource_version
    bad = DEPLOY.replace("app: web\n  template", "app: other\n  template")
    result = apply_manifest(store, bad)[0]
    assert result.message.startswith('The Deployment "web" is invalid: spec.template.metadata.labels: Invalid value: '
                                     'map[string]string{"app":"web"}: `selector` does not match template `labels`')
    assert store.resource_version == rv


def test_deterministic_apply():
    def run():
        s = Store(clock=lambda: 0, seed=5)
        apply_manifest(s, DEPLOY + "---\n" + SERVICE)
        return json.dumps([s.get("deploy", "web"), s.get("svc", "web")], sort_keys=True)
    assert run() == run()


def test_apply_over_an_object_created_without_apply_warns(store):
    store.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1"}})
    result = apply_manifest(store, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: '2'}\n")[0]
    assert result.message == "configmap/c configured"
    assert result.warning.startswith("Warning: resource configmaps/c is missing the kubectl.kubernetes.io/"
                                     "last-applied-configuration annotation which is required by kubectl apply.")
    assert format_apply([result])[1].startswith("Warning: resource configmaps/c")
    again = apply_manifest(store, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: '2'}\n")[0]
    assert again.message == "configmap/c unchanged" and again.warning == ""


def test_scale_of_a_big_cluster_stays_cheap():
    """What the layers above build at Kubernetes' limits: controllers skip validation; 20,000 pods here."""
    import time
    store = Store(clock=lambda: 0, seed=1, dispatch="manual")
    start = time.perf_counter()
    for i in range(20_000):
        store.create({"apiVersion": "v1", "kind": "Pod",
                      "metadata": {"name": f"web-{i}", "labels": {"app": "web"}},
                      "spec": {"nodeName": f"node-{i % 100}", "containers": [{"name": "c", "image": "nginx:1.27"}]}},
                     validate=False, copy=False)
    assert store.count("pods") == 20_000
    assert len(store.list("pods", label_selector="app=web")) == 20_000
    assert time.perf_counter() - start < 10  # about 0.7 s on a laptop; 150,000 pods take about 5 s
