#!/usr/bin/env python3
"""Regenerate k8slab/api/schemas/ from the `kubernetes-validate` PyPI package.

The package ships the OpenAPI-derived JSON schemas of every Kubernetes release (about 22 MB);
the course needs the few kinds in k8slab.api.resources. This script keeps only those kinds and
the definitions they reach, drops descriptions, and writes one small JSON file.

    pip download --no-deps kubernetes-validate==1.37.0 -d /tmp/kv
    python tools/extract_k8s_schemas.py /tmp/kv/kubernetes_validate-1.37.0-py3-none-any.whl --version 1.34.0
"""

from __future__ import annotations

import argparse
import json
import re
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "k8slab" / "api" / "schemas"
# (apiVersion, kind) -> the file name kubernetes-validate uses for it.
KINDS = [
    ("v1", "Namespace"), ("v1", "Node"), ("v1", "Pod"), ("v1", "Service"), ("v1", "Endpoints"),
    ("v1", "Event"), ("v1", "ConfigMap"), ("v1", "ServiceAccount"),
    ("discovery.k8s.io/v1", "EndpointSlice"),
    ("apps/v1", "Deployment"), ("apps/v1", "ReplicaSet"),
    ("networking.k8s.io/v1", "Ingress"), ("networking.k8s.io/v1", "IngressClass"),
    ("networking.k8s.io/v1", "NetworkPolicy"),
    ("coordination.k8s.io/v1", "Lease"),
]
DROP = {"description", "$schema", "$id", "x-kubernetes-group-version-kind"}


def file_name(api_version: str, kind: str) -> str:
    group_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    return f"{kind.lower()}-{group_version}.json"


def clean(node):
    """Strip documentation; make oneOf (IntOrString, Quantity) anyOf, since both branches accept null."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key in DROP or key.startswith("x-kubernetes-"):
                continue
            if key == "$ref":
                value = "#/definitions/" + value.rsplit("/", 1)[1]
            out["anyOf" if key == "oneOf" else key] = clean(value)
        return out
    if isinstance(node, list):
        return [clean(v) for v in node]
    return node


def refs(node, found: set[str]):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                found.add(value.rsplit("/", 1)[1])
            else:
                refs(value, found)
    elif isinstance(node, list):
        for v in node:
            refs(v, found)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("wheel", help="the kubernetes-validate wheel")
    parser.add_argument("--version", default="1.34.0", help="Kubernetes version (default 1.34.0, kind's node image)")
    args = parser.parse_args()
    wheel = zipfile.ZipFile(args.wheel)
    wheel_version = re.search(r"kubernetes_validate-([^-]+)-", Path(args.wheel).name)[1]
    base = f"kubernetes_validate/kubernetes-json-schema/v{args.version}-local-strict/"
    all_defs = json.loads(wheel.read(base + "_definitions.json"))["$defs"]
    kinds, wanted = {}, set()
    for api_version, kind in KINDS:
        top = json.loads(wheel.read(base + file_name(api_version, kind)))
        found: set[str] = set()
        refs(top, found)
        kinds[f"{api_version}/{kind}"] = clean(top)
        wanted |= found
    todo, definitions = list(wanted), {}
    while todo:
        name = todo.pop()
        if name in definitions:
            continue
        definitions[name] = clean(all_defs[name])
        found = set()
        refs(all_defs[name], found)
        todo.extend(found - definitions.keys())
    data = {
        "source": f"kubernetes-validate {wheel_version} (PyPI), schemas v{args.version}-local-strict",
        "kubernetesVersion": args.version,
        "kinds": dict(sorted(kinds.items())),
        "definitions": dict(sorted(definitions.items())),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"kubernetes-{args.version}.json"
    path.write_text(json.dumps(data, separators=(",", ":"), sort_keys=False) + "\n")
    print(f"wrote {path} ({path.stat().st_size} bytes, {len(definitions)} definitions)")


if __name__ == "__main__":
    main()
