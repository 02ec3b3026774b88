"""flannel's CNI plugin: reads ``/run/flannel/subnet.env`` (written by flanneld) and delegates
to ``bridge`` with host-local IPAM on the node's subnet, saving the delegate config under
``/var/lib/cni/flannel/<containerID>`` so DEL can use the same one."""

from __future__ import annotations

import json
from ipaddress import IPv4Interface

from k8slab.components.cni.runtime import CNIError, Host, invoke

SUBNET_FILE = "/run/flannel/subnet.env"
DATA_DIR = "/var/lib/cni/flannel"


def _subnet_env(host: Host, conf: dict) -> dict:
    path = conf.get("subnetFile", SUBNET_FILE)
    if not host.fs.exists(path):
        raise CNIError(f"failed to load flannel 'subnet.env' file: open {path}: no such file or directory. "
                       "Check the flannel pod log for this node.")
    env = {}
    for line in host.fs.read(path).splitlines():
        if "=" in line:
            k, v = line.split("=", 1)
            env[k] = v
    return env


def delegate_conf(host: Host, conf: dict) -> dict:
    """The bridge config flannel builds from subnet.env and its own ``delegate`` section."""
    fenv = _subnet_env(host, conf)
    delegate = dict(conf.get("delegate", {}))
    delegate.setdefault("type", "bridge")
    delegate.setdefault("name", conf["name"])
    delegate.setdefault("cniVersion", conf["cniVersion"])
    delegate.setdefault("ipMasq", fenv.get("FLANNEL_IPMASQ") != "true")
    delegate.setdefault("mtu", int(fenv["FLANNEL_MTU"]))
    if delegate["type"] == "bridge":
        delegate.setdefault("isGateway", True)
    subnet = IPv4Interface(fenv["FLANNEL_SUBNET"]).network
    delegate["ipam"] = {"type": "host-local", "ranges": [[{"subnet": str(subnet)}]],
                        "routes": [{"dst": fenv["FLANNEL_NETWORK"]}]}
    return delegate


def add(host: Host, env: dict, conf: dict) -> dict:
    d = delegate_conf(host, conf)
    host.fs.write(f"{conf.get('dataDir', DATA_DIR)}/{env['CNI_CONTAINERID']}", json.dumps(d))
    return invoke(host, d["type"], env, d, current=True)


def delete(host: Host, env: dict, conf: dict) -> None:
    path = f"{conf.get('dataDir', DATA_DIR)}/{env['CNI_CONTAINERID']}"
    if not host.fs.exists(path):
        return None
    d = json.loads(host.fs.read(path))
    try:
        invoke(host, d["type"], env, d)
    except CNIError:  # the delegate's DEL error is not flannel's
        pass
    host.fs.remove(path)
    return None


def check(host: Host, env: dict, conf: dict) -> None:
    return None


