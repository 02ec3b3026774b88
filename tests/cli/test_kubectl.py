"""kubectl against the simulated kind cluster: get, apply, create -f, delete, exec, logs and the errors.

Sources checked (kubectl v1.33 = k8s.io/kubectl v0.33.1, cli-runtime v0.33.1, cobra v1.8.1, pflag v1.0.5):
pkg/cmd/cmd.go (command order, plugin fallback), component-base cli/run.go (SilenceErrors),
pkg/cmd/util/helpers.go (CheckErr, UsageErrorf, MultipleErrors, GetDryRunStrategy),
pkg/util/templates/templater.go (FlagErrorFunc), cobra args.go/command.go (legacyArgs, SuggestionsFor),
pflag flag.go (error texts), pkg/cmd/get/get.go, cli-runtime pkg/resource/builder.go,
pkg/cmd/delete/delete.go (v1.33: ``pod "x" deleted``, no namespace suffix yet), pkg/cmd/exec/exec.go,
pkg/cmd/logs/logs.go, pkg/cmd/version/version.go, pkg/cmd/clusterinfo/clusterinfo.go.
"""

from __future__ import annotations

import pytest

import k8slab
from k8slab.cli.kubectl import kubectl

POD = """apiVersion: v1
kind: Pod
metadata:
  name: {name}
  labels: {{app: {name}}}
spec:
  nodeName: kind-worker
  containers:
  - name: {name}
    image: {image}
    ports: [{{containerPort: 80}}]
"""


@pytest.fixture
def c():
    return k8slab.kind(workers=2)


@pytest.fixture
def web(c):
    out, err, code = kubectl(c, "apply -f -", stdin=POD.format(name="web", image="nginx:1.27"))
    assert (out, err, code) == ("pod/web created\n", "", 0)
    return c


def run(c, cmd, stdin=None):
    out, err, code = kubectl(c, cmd, stdin)
    assert "failed unexpectedly" not in err, err
    return out, err, code


# --- acceptance: the seed-000 view and the real layouts ---------------------------------------------

def test_custom_columns_nodes_is_seed_000(c):
    out, err, code = run(c, "get nodes -o=custom-columns='NAME:.metadata.name,CIDR:.spec.podCIDR,"
                            "ExternalIP:.status.addresses[0].address'")
    assert (err, code) == ("", 0)
    assert out == ("NAME                 CIDR            ExternalIP\n"
                   "kind-control-plane   10.244.0.0/24   172.18.0.3\n"
                   "kind-worker          10.244.1.0/24   172.18.0.2\n"
                   "kind-worker2         10.244.2.0/24   172.18.0.4\n")


def test_get_nodes_and_wide_age_from_the_virtual_clock(c):
    # kind's timeline: the control plane first, workers joining 15 s later, done a minute after the start.
    c.advance(3 * 60 + 25)
    out, _, _ = run(c, "get nodes")
    assert out == ("NAME                 STATUS   ROLES           AGE     VERSION\n"
                   "kind-control-plane   Ready    control-plane   4m25s   v1.33.1\n"
                   "kind-worker          Ready    <none>          4m10s   v1.33.1\n"
                   "kind-worker2         Ready    <none>          4m10s   v1.33.1\n")
    out, _, _ = run(c, "get no -o wide")
    assert out.splitlines()[0].split() == ["NAME", "STATUS", "ROLES", "AGE", "VERSION", "INTERNAL-IP",
                                           "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"]
    assert out.splitlines()[2].split()[:7] == ["kind-worker", "Ready", "<none>", "4m10s", "v1.33.1", "172.18.0.2",
                                               "<none>"]


def test_get_ns_and_pods_all_namespaces(web):
    web.advance(90)
    out, _, _ = run(web, "get ns")
    # The namespaces exist from the cluster's first second; kind's creation took a minute before.
    assert out == ("NAME                 STATUS   AGE\n"
                   "default              Active   2m30s\n"
                   "kube-node-lease      Active   2m30s\n"
                   "kube-public          Active   2m30s\n"
                   "kube-system          Active   2m30s\n"
                   "local-path-storage   Active   2m30s\n")
    out, _, _ = run(web, "get pods -A")
    assert out.splitlines()[0].split() == ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert "default              web" in out


def test_output_flag_spellings_are_equivalent(web):
    # pflag: -o wide, -o=wide, -owide, --output wide, --output=wide
    outs = {run(web, f"get pods {flag}")[0] for flag in ("-o wide", "-o=wide", "-owide", "--output wide",
                                                          "--output=wide")}
    assert len(outs) == 1 and "10.244.1.2" in outs.pop()


def test_flags_anywhere_and_namespace(web):
    assert run(web, "-n kube-public get pods")[1] == "No resources found in kube-public namespace.\n"
    assert run(web, "get pods --namespace=kube-public")[1] == "No resources found in kube-public namespace.\n"
    assert run(web, "get --all-namespaces pods")[0].startswith("NAMESPACE")
    assert run(web, "kubectl get pods --context kind-kind")[2] == 0


# --- get forms -----------------------------------------------------------------------------------------

def test_get_names_types_and_kind_prefixes(web):
    run(web, "expose pod web --port=80")
    out, _, _ = run(web, "get pods,svc")
    assert "pod/web" in out and "service/web" in out and "\n\n" in out  # get.go: blank line between tables
    assert run(web, "get pod/web -o name")[0] == "pod/web\n"
    assert run(web, "get po web svc/web -o name")[1].startswith("error: there is no need to specify a resource type")
    out, _, _ = run(web, "get all")
    assert "pod/web" in out and "service/web" in out


def test_get_one_name_prints_the_object_not_a_list(web):
    assert run(web, "get pod web -o jsonpath={.kind}")[0] == "Pod"
    assert run(web, "get pods -o jsonpath={.kind}")[0] == "List"


def test_get_not_found_after_found(web):
    # get.go: errors are printed after the table (MultipleErrors for more than one)
    out, err, code = run(web, "get pods web nope")
    assert out.startswith("NAME") and "web" in out
    assert (err, code) == ('Error from server (NotFound): pods "nope" not found\n', 1)
    out, err, code = run(web, "get pods nope1 nope2")
    assert out == "" and code == 1
    assert err == ('Error from server (NotFound): pods "nope1" not found\n'
                   'Error from server (NotFound): pods "nope2" not found\n')
    assert run(web, "get pods nope --ignore-not-found") == ("", "", 0)


def test_get_selectors(web):
    assert "web" in run(web, "get pods -l app=web")[0]
    assert run(web, "get pods -l app=db")[1] == "No resources found in default namespace.\n"
    assert "web" in run(web, "get pods --field-selector spec.nodeName=kind-worker")[0]
    # builder.go visitBySelector
    assert run(web, "get pods web -l app=web")[1] == "error: name cannot be provided when a selector is specified\n"


def test_show_labels_and_label_columns(web):
    out, _, _ = run(web, "get pods --show-labels")
    assert out.splitlines()[0].endswith("LABELS") and out.splitlines()[1].endswith("app=web")
    out, _, _ = run(web, "get pods -L app")
    assert out.splitlines()[0].split()[-1] == "APP"
    assert run(web, "get pods -o yaml --show-labels")[1] == "error: --show-labels option cannot be used with yaml " \
                                                            "printer\n"


def test_get_by_name_across_all_namespaces_is_refused(web):
    # builder.go visitByName
    assert run(web, "get pods web -A") == ("", "error: a resource cannot be retrieved by name across all "
                                               "namespaces\n", 1)


def test_watch_is_explained(web):
    out, err, code = run(web, "get pods -w")
    assert code == 1 and "cannot watch" in err and "cluster.advance" in err


# --- errors as kubectl prints them --------------------------------------------------------------------------

def test_unknown_command_with_cobra_suggestions(c):
    # cobra legacyArgs + findSuggestions; kubectl's CheckErr prints it (SilenceErrors: no "Run ... --help" line).
    # Suggestions come in the order kubectl adds its commands (set before get), distance <= 2 or a prefix.
    assert run(c, "gett pods") == ("", 'error: unknown command "gett" for "kubectl"\n\nDid you mean this?\n'
                                       "\tset\n\tget\n", 1)
    assert run(c, "lgs web")[1] == 'error: unknown command "lgs" for "kubectl"\n\nDid you mean this?\n\tlogs\n'
    assert run(c, "list pods")[1].endswith("Did you mean this?\n\tget\n")  # get's SuggestFor
    assert run(c, "zzzzzzz")[1] == 'error: unknown command "zzzzzzz" for "kubectl"\n'


def test_unknown_resource_type(c):
    assert run(c, "get podz") == ("", 'error: the server doesn\'t have a resource type "podz"\n', 1)


def test_missing_resource_type(c):
    # get.go Complete: a hint on stderr, then UsageErrorf
    assert run(c, "get") == ("", 'You must specify the type of resource to get. Use "kubectl api-resources" for a '
                                 "complete list of supported resources.\n\n"
                                 "error: Required resource not specified.\n"
                                 'Use "kubectl explain <resource>" for a detailed description of that resource (e.g. '
                                 "kubectl explain pods).\nSee 'kubectl get -h' for help and examples\n", 1)


def test_flag_errors(c):
    # pflag texts + templater.FlagErrorFunc
    assert run(c, "get pods --foo") == ("", "error: unknown flag: --foo\nSee 'kubectl get --help' for usage.\n", 1)
    assert run(c, "get pods -x")[1] == "error: unknown shorthand flag: 'x' in -x\nSee 'kubectl get --help' for " \
                                      "usage.\n"
    assert run(c, "get pods -n")[1] == "error: flag needs an argument: 'n' in -n\nSee 'kubectl get --help' for " \
                                      "usage.\n"
    assert run(c, "get pods --namespace")[1].startswith("error: flag needs an argument: --namespace\n")
    assert run(c, "scale deploy/x --replicas=abc")[1] == (
        'error: invalid argument "abc" for "--replicas" flag: strconv.ParseInt: parsing "abc": invalid syntax\n'
        "See 'kubectl scale --help' for usage.\n")


def test_bad_output_format(c):
    out, err, code = run(c, "get nodes -o foo")
    assert code == 1 and err.startswith('error: unable to match a printer suitable for the output format "foo", '
                                        "allowed formats are: custom-columns,custom-columns-file,go-template,")


def test_unknown_context(c):
    assert run(c, "get pods --context prod") == ("", "error: context was not found for specified context: prod\n",
                                                 1)


def test_unbalanced_quotes_are_an_error_not_a_traceback(c):
    out, err, code = run(c, "get pods -l 'app=web")
    assert code == 1 and err.startswith("error:")


# --- apply / create ---------------------------------------------------------------------------------------

DEPLOY = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
"""


def test_apply_multi_document_created_unchanged_configured(c):
    assert run(c, "apply -f -", DEPLOY) == ("deployment.apps/web created\nservice/web created\n", "", 0)
    assert run(c, "apply -f -", DEPLOY) == ("deployment.apps/web unchanged\nservice/web unchanged\n", "", 0)
    changed = DEPLOY.replace("replicas: 2", "replicas: 3")
    assert run(c, "apply -f -", changed)[0] == "deployment.apps/web configured\nservice/web unchanged\n"


def test_apply_reads_files_relative_to_the_working_directory(c, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "web.yaml").write_text(DEPLOY)
    assert run(c, "apply -f web.yaml")[0] == "deployment.apps/web created\nservice/web created\n"
    assert run(c, "apply -f nope.yaml") == ("", 'error: the path "nope.yaml" does not exist\n', 1)
    assert run(c, "delete -f web.yaml")[0] == 'deployment.apps "web" deleted\nservice "web" deleted\n'


def test_apply_errors_leave_the_cluster_unchanged(c):
    before = c.store.resource_version
    assert run(c, "apply") == ("", "error: must specify one of -f and -k\n", 1)
    out, err, code = run(c, "apply -f -", "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers:\n"
                                          "  - name: c\n    image: nginx\n\tbad: tab\n")
    assert code == 1 and err.startswith("error: error parsing STDIN: error converting YAML to JSON: yaml: line")
    out, err, code = run(c, "apply -f -", "apiVersion: v1\nkind: Foo\nmetadata: {name: x}\n")
    assert code == 1 and 'no matches for kind "Foo" in version "v1"' in err
    assert c.store.resource_version == before


def test_create_f_and_already_exists(c):
    assert run(c, "create -f -", POD.format(name="a", image="nginx"))[0] == "pod/a created\n"
    # AddSourceToErr("creating", "STDIN", err)
    assert run(c, "create -f -", POD.format(name="a", image="nginx")) == (
        "", 'Error from server (AlreadyExists): error when creating "STDIN": pods "a" already exists\n', 1)


def test_invalid_object_message(c):
    bad = POD.format(name="Web", image="nginx")
    out, err, code = run(c, "apply -f -", bad)
    # the apiserver's Invalid status through kubectl_message (CheckErr's "The Pod ... is invalid" form)
    assert code == 1 and err.startswith('The Pod "Web" is invalid: ')
    assert 'metadata.name: Invalid value: "Web": a lowercase RFC 1123 subdomain' in err


def test_dry_run_changes_nothing(c):
    before = c.store.resource_version
    assert run(c, "apply -f - --dry-run=client", DEPLOY)[0] == ("deployment.apps/web created (dry run)\n"
                                                                "service/web created (dry run)\n")
    assert run(c, "create deployment x --image=nginx --dry-run=server")[0] == \
        "deployment.apps/x created (server dry run)\n"
    assert run(c, "create ns foo --dry-run=maybe")[1] == ('error: Invalid dry-run value (maybe). Must be "none", '
                                                          '"server", or "client".\n')
    assert c.store.resource_version == before


# --- delete ----------------------------------------------------------------------------------------------

def test_delete_messages(web):
    assert run(web, "delete pod web") == ('pod "web" deleted\n', "", 0)
    assert run(web, "delete pod web") == ("", 'Error from server (NotFound): pods "web" not found\n', 1)
    assert run(web, "delete pod web --ignore-not-found") == ("", "", 0)
    assert run(web, "delete pods --all") == ("No resources found\n", "", 0)
    assert run(web, "delete pods")[1] == "error: resource(s) were provided, but no name was specified\n"
    assert run(web, "delete")[1].startswith("error: You must provide one or more resources by argument or "
                                            "filename.\nExample resource specifications include:\n")


def test_delete_by_label_force_and_name_output(web):
    run(web, "apply -f -", POD.format(name="db", image="nginx"))
    assert run(web, "delete pods -l app=db -o name") == ("pod/db\n", "", 0)
    out, err, code = run(web, "delete pod web --force --grace-period=0")
    assert out == 'pod "web" force deleted\n'
    assert err.startswith("Warning: Immediate deletion does not wait for confirmation")


def test_delete_namespace_then_its_objects_are_gone(c):
    run(c, "create namespace demo")
    run(c, "apply -n demo -f -", POD.format(name="p", image="nginx"))
    assert run(c, "delete ns demo")[0] == 'namespace "demo" deleted\n'
    assert run(c, "get pods -n demo")[1] == "No resources found in demo namespace.\n"
    assert run(c, "delete ns default")[1] == ('Error from server (Forbidden): namespaces "default" is forbidden: '
                                              "this namespace may not be deleted\n")


# --- exec / logs ------------------------------------------------------------------------------------------

def test_exec_runs_in_the_pod(web):
    assert run(web, "exec web -- hostname") == ("web\n", "", 0)
    assert run(web, "exec -it web -- cat /etc/resolv.conf")[0].startswith("search default.svc.cluster.local")
    assert run(web, "exec web -c web -- sh -c 'hostname'")[0] == "web\n"


def test_exec_errors(web):
    # exec.go Complete/Validate
    assert run(web, "exec web hostname")[1] == ("error: exec [POD] [COMMAND] is not supported anymore. Use exec "
                                                "[POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and "
                                                "examples\n")
    assert run(web, "exec web")[1] == "error: you must specify at least one command for the container\n"
    assert run(web, "exec -- ls")[1] == "error: pod, type/name or --filename must be specified\n"
    assert run(web, "exec nope -- ls")[1] == 'Error from server (NotFound): pods "nope" not found\n'
    run(web, "run pending --image=nginx")
    if not web.store.get("pods", "pending")["spec"].get("nodeName"):  # until a scheduler binds it
        assert run(web, "exec pending -- ls")[1] == ("Error from server (BadRequest): pod pending does not have a "
                                                     "host assigned\n")
    out, err, code = run(web, "exec web -- ip route")  # nginx has no ip
    assert code == 1 and 'exec: "ip": executable file not found in $PATH' in err


def test_logs(web):
    out, err, code = run(web, "logs web")
    assert code == 0 and out.startswith("/docker-entrypoint.sh: ")
    assert run(web, "logs web --tail=1")[0].endswith("start worker process 29\n")
    # logs.go wraps the NotFound error
    assert run(web, "logs nope")[1] == 'error: error from server (NotFound): pods "nope" not found in namespace ' \
                                       '"default"\n'
    run(web, "run pending --image=nginx")  # no nodeName until a scheduler runs
    pod = web.store.get("pods", "pending")
    if not pod["spec"].get("nodeName"):
        assert run(web, "logs pending")[1] == "Error from server (BadRequest): pod pending does not have a host " \
                                              "assigned\n"


# --- information ------------------------------------------------------------------------------------------

def test_version(c):
    assert run(c, "version") == ("Client Version: v1.33.1\nKustomize Version: v5.6.0\nServer Version: v1.33.1\n",
                                 "", 0)
    assert run(c, "version --client")[0] == "Client Version: v1.33.1\nKustomize Version: v5.6.0\n"


def test_cluster_info_and_config(c):
    out, _, _ = run(c, "cluster-info")
    assert out.startswith("Kubernetes control plane is running at https://127.0.0.1:")
    assert out.endswith("\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n")
    assert run(c, "config current-context") == ("kind-kind\n", "", 0)


def test_api_resources_from_the_registry(c):
    out, _, _ = run(c, "api-resources")
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
    assert any(line.split() == ["pods", "po", "v1", "true", "Pod"] for line in lines)
    assert any(line.split() == ["deployments", "deploy", "apps/v1", "true", "Deployment"] for line in lines)


def test_cluster_kubectl_method_returns_text(c):
    assert c.kubectl("get pods") == "No resources found in default namespace.\n"
