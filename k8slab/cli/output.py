"""``kubectl get`` output: the ``-o`` dispatch, tables, name, json, yaml, custom-columns, jsonpath.

Sources: kubectl ``pkg/cmd/get/get.go`` (``Run``: one table per resource type, a blank
line between tables, ``kind/name`` when several kinds are printed, the ``No resources
found`` message; ``printGeneric``: every non-table format sees one ``List`` object, or the
object itself for ``get TYPE NAME``), ``get_flags.go`` and cli-runtime
``genericclioptions`` (format names, error texts), ``customcolumn.go``, cli-runtime
``printers/{name,json,yaml,jsonpath}.go``.

Objects are plain dicts as the apiserver returns them, in the order it returns them
(sorted by namespace and name); several resource types come one type after another.

>>> nodes = [{"apiVersion": "v1", "kind": "Node", "metadata": {"name": "kind-worker"},
...           "spec": {"podCIDR": "10.244.1.0/24"}}]
>>> print(get(nodes, output="custom-columns=NAME:.metadata.name,CIDR:.spec.podCIDR").stdout, end="")
NAME          CIDR
kind-worker   10.244.1.0/24
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .duration import Now
from .errors import KubectlError
from .gofmt import go_json, go_quote, go_sharp_v, go_sprint
from .jsonpath import JSONPath, JSONPathError, relaxed_jsonpath
from .printers import table_text
from .tabwriter import TabWriter
from .yamlfmt import to_yaml

# kubectl get's -o values (get_flags.go AllowedFormats, sorted as NoCompatiblePrinterError sorts them).
ALLOWED_FORMATS = sorted([
    "json", "yaml", "name", "go-template", "go-template-file", "template", "templatefile",
    "jsonpath", "jsonpath-as-json", "jsonpath-file", "custom-columns", "custom-columns-file", "wide",
])
_JSONPATH_FORMATS = ("jsonpath", "jsonpath-file", "jsonpath-as-json")
_TEMPLATE_FORMATS = ("go-template", "go-template-file", "template", "templatefile")
_COLUMN_FORMATS = ("custom-columns", "custom-columns-file")

# Kinds whose objects are cluster-scoped (no NAMESPACE column with -A).
CLUSTER_SCOPED = {("", "Node"), ("", "Namespace"), ("", "PersistentVolume"), ("networking.k8s.io", "IngressClass"),
                  ("rbac.authorization.k8s.io", "ClusterRole"), ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
                  ("storage.k8s.io", "StorageClass"), ("apiextensions.k8s.io", "CustomResourceDefinition"),
                  ("scheduling.k8s.io", "PriorityClass"), ("node.k8s.io", "RuntimeClass")}


@dataclass
class Output:
    """What kubectl writes: ``stdout`` and ``stderr`` (e.g. ``No resources found in default namespace.``)."""

    stdout: str
    stderr: str = ""


def no_compatible_printer(fmt: str) -> KubectlError:
    """``NoCompatiblePrinterError`` as ``kubectl get`` reports it."""
    return KubectlError(f'error: unable to match a printer suitable for the output format "{fmt}", '
                        f"allowed formats are: {','.join(ALLOWED_FORMATS)}")


def _split_format(output: str, formats: tuple[str, ...]) -> tuple[str, str] | None:
    for f in formats:
        if output.startswith(f + "="):
            return f, output[len(f) + 1:]
    if output in formats:
        return output, ""
    return None


def _scope_key(obj: dict) -> tuple[str, str]:
    api_version = obj.get("apiVersion") or ""
    group = api_version.split("/", 1)[0] if "/" in api_version else ""
    return group, obj.get("kind") or ""


def _as_list(objects: list[dict]) -> dict:
    """The List kubectl builds for generic printers (keys are sorted on output anyway)."""
    return {"apiVersion": "v1", "items": list(objects), "kind": "List", "metadata": {"resourceVersion": ""}}


def print_tables(objects: list[dict], now: Now, *, wide: bool = False, no_headers: bool = False,
                 all_namespaces: bool = False, show_labels: bool = False,
                 label_columns: tuple[str, ...] = ()) -> str:
    """Human-readable tables: one per run of same-kind objects, blank line between tables."""
    with_kind = len({_scope_key(o) for o in objects}) > 1
    writer = TabWriter()
    out: list[str] = []
    written = False
    groups: list[list[dict]] = []
    for obj in objects:
        if groups and _scope_key(groups[-1][0]) == _scope_key(obj):
            groups[-1].append(obj)
        else:
            groups.append([obj])
    for i, group in enumerate(groups):
        writer.set_remembered_widths(None)
        text = table_text(group, now, wide=wide, no_headers=no_headers,
                          with_namespace=all_namespaces and _scope_key(group[0]) not in CLUSTER_SCOPED,
                          show_labels=show_labels, label_columns=label_columns, with_kind=with_kind)
        writer.write(text)
        chunk = writer.flush()
        if chunk and i > 0 and not no_headers and written:
            out.append("\n")
        if chunk:
            written = True
        out.append(chunk)
    return "".join(out)


def print_name(objects: list[dict]) -> str:
    """``-o name``: ``pod/web``, ``deployment.apps/web`` (cli-runtime NamePrinter)."""
    lines = []
    for obj in objects:
        name = (obj.get("metadata") or {}).get("name") or "<unknown>"
        group, kind = _scope_key(obj)
        lines.append(f"{kind.lower()}.{group}/{name}\n" if group else f"{kind.lower()}/{name}\n")
    return "".join(lines)


def print_json(data: dict) -> str:
    """``-o json``: Go's ``json.MarshalIndent(obj, "", "    ")`` (keys sorted) plus a newline."""
    return go_json(data, "    ") + "\n"


def print_yaml(data: dict) -> str:
    """``-o yaml``: sigs.k8s.io/yaml (keys sorted, ``- name:`` at the parent's indentation)."""
    return to_yaml(data)


def print_custom_columns(spec: str, data: dict, no_headers: bool = False, template: str | None = None) -> str:
    """``-o custom-columns=HEADER:PATH,...`` (or a custom-columns-file ``template``) over an object or List."""
    if template is not None:
        lines = template.splitlines()
        if not lines:
            raise KubectlError("error: invalid template, missing header line. Expected format is one line of "
                               "space separated headers, one line of space separated column specs.")
        if len(lines) < 2:
            raise KubectlError("error: invalid template, missing spec line. Expected format is one line of "
                               "space separated headers, one line of space separated column specs.")
        headers, specs = lines[0].split(), lines[1].split()
        if len(headers) != len(specs):
            raise KubectlError(f"error: number of headers ({len(headers)}) and field specifications "
                               f"({len(specs)}) don't match")
        no_headers = False
        columns = []
        for h, s in zip(headers, specs):
            columns.append((h, _relaxed(s)))
    else:
        if not spec:
            raise KubectlError("error: custom-columns format specified but no custom columns given")
        columns = []
        for part in spec.split(","):
            header, sep, path = part.partition(":")
            if not sep:
                raise KubectlError(f"error: unexpected custom-columns spec: {part}, "
                                   "expected <header>:<json-path-expr>")
            columns.append((header, _relaxed(path)))
    parsers = []
    for _, path in columns:
        try:
            parsers.append(JSONPath(path, allow_missing_keys=True))
        except JSONPathError as e:
            raise KubectlError.from_error(str(e)) from None
    writer = TabWriter()
    if not no_headers:
        writer.write("\t".join(h for h, _ in columns) + "\n")
    items = data["items"] if isinstance(data.get("items"), list) else [data]  # meta.IsListType
    for obj in items:
        cells = []
        for parser in parsers:
            try:
                values = parser.find_results(obj)
            except JSONPathError as e:
                raise KubectlError.from_error(str(e)) from None
            strs = []
            if not values or not values[0]:
                strs.append("<none>")
            for arr in values:
                for v in arr:
                    strs.append(go_sprint(v).replace("\x1b", "^[").replace("\r", "\\r"))
            cells.append(",".join(strs))
        writer.write("\t".join(cells) + "\n")
    return writer.flush()


def _relaxed(path: str) -> str:
    try:
        return relaxed_jsonpath(path)
    except JSONPathError as e:
        raise KubectlError.from_error(str(e)) from None


def print_jsonpath(template: str, data: dict, as_json: bool = False, allow_missing_keys: bool = True) -> str:
    """``-o jsonpath=TEMPLATE`` (no newline added) or ``-o jsonpath-as-json=TEMPLATE``."""
    if not template:
        raise KubectlError("error: template format specified but no template given")
    try:
        jp = JSONPath(template, allow_missing_keys=allow_missing_keys, output_json=as_json)
    except JSONPathError as e:
        raise KubectlError(f"error: error parsing jsonpath {template}, {e}") from None
    try:
        return jp.execute(data)
    except JSONPathError as e:
        detail = (f"Error executing template: {e}. Printing more information for debugging the template:\n"
                  f"\ttemplate was:\n\t\t{template}\n"
                  f"\tobject given to jsonpath engine was:\n\t\t{go_sharp_v(data)}\n\n")
        raise KubectlError.from_error(f"error executing jsonpath {go_quote(template)}: {detail}\n") from None


def get(objects: list[dict], *, output: str = "", now: Now = 0, namespace: str = "default",
        all_namespaces: bool = False, no_headers: bool = False, show_labels: bool = False,
        label_columns: tuple[str, ...] = (), single_item: bool = False,
        read_file: Callable[[str], str] | None = None) -> Output:
    """What ``kubectl get`` prints for these objects with ``-o output`` (raises KubectlError).

    ``single_item`` is true for ``get TYPE NAME`` with one name: generic formats then print
    the object itself rather than a List. ``read_file`` reads ``*-file=`` templates.
    """
    if show_labels and output not in ("", "wide"):
        raise KubectlError(f"error: --show-labels option cannot be used with {output} printer")
    if label_columns and output.startswith("custom-columns"):
        raise KubectlError(f"error: --label-columns option cannot be used with {output} printer")
    if output in ("", "wide"):
        text = print_tables(objects, now, wide=output == "wide", no_headers=no_headers,
                            all_namespaces=all_namespaces, show_labels=show_labels, label_columns=label_columns)
        if not text:
            msg = "No resources found\n" if all_namespaces else f"No resources found in {namespace} namespace.\n"
            return Output("", msg)
        return Output(text)
    data = objects[0] if single_item and len(objects) == 1 else _as_list(objects)
    reader = read_file or _read_file

    tpl = _split_format(output, _TEMPLATE_FORMATS)
    if tpl is not None:
        if not tpl[1]:
            raise KubectlError("error: template format specified but no template given")
        raise KubectlError(f"error: -o {tpl[0]} (Go templates) is not supported by k8slab; "
                           "use -o jsonpath=... or -o custom-columns=...")
    jp = _split_format(output, _JSONPATH_FORMATS)
    if jp is not None:
        fmt, value = jp
        if not value:
            raise KubectlError("error: template format specified but no template given")
        if fmt == "jsonpath-file":
            try:
                value = reader(value)
            except OSError as e:
                raise KubectlError(f"error: error reading --template {jp[1]}, {e}") from None
        return Output(print_jsonpath(value, data, as_json=fmt == "jsonpath-as-json"))
    if output == "json":
        return Output(print_json(data))
    if output == "yaml":
        return Output(print_yaml(data))
    cc = _split_format(output, _COLUMN_FORMATS)
    if cc is not None:
        fmt, value = cc
        if not value:
            raise KubectlError("error: custom-columns format specified but no custom columns given")
        if fmt == "custom-columns-file":
            try:
                template = reader(value)
            except OSError as e:
                raise KubectlError(f"error: error reading template {value}, {e}\n") from None
            return Output(print_custom_columns("", data, template=template))
        return Output(print_custom_columns(value, data, no_headers=no_headers))
    if output == "name":
        return Output(print_name(objects))
    raise no_compatible_printer(output)


def _read_file(path: str) -> str:
    with open(path, encoding="utf-8") as f:
        return f.read()
