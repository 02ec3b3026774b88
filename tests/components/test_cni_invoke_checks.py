"""invoke's checks answer as the plain rule does: an unknown CNI_COMMAND, then the required
variables missing or empty (all of them named, in the spec's order), for every mix of present,
empty and missing variables; configure_iface on a link already up (as setup_veth leaves it)
configures what it does on one it brings up itself."""

import itertools

import pytest

from k8slab.components.cni.common import configure_iface, ip_numbers
from k8slab.components.cni.runtime import REQUIRED_ENV, CNIError, Host, invoke
from k8slab.linux.fs import FileSystem
from k8slab.linux.kernel import Kernel
from k8slab.linux.link import veth_pair

CONF = {"cniVersion": "0.3.1", "name": "n", "type": "portmap"}


def _answer(env: dict):
    try:
        return ("ok", invoke(Host(Kernel(seed=1).add_netns("node"), FileSystem()), "portmap", env, CONF))
    except CNIError as e:
        return ("error", e.code, e.msg)


def _expected(env: dict):
    command = env.get("CNI_COMMAND", "")
    if command not in REQUIRED_ENV:
        return ("error", 4, f"unknown CNI_COMMAND: {command}")
    missing = [k for k in REQUIRED_ENV[command] if not env.get(k)]
    if missing:
        return ("error", 4, f"required env variables [{','.join(missing)}] missing")
    return None


@pytest.mark.parametrize("command", ["ADD", "DEL", "CHECK", "", "NOPE"])
def test_env_checks_name_every_missing_variable(command):
    names = ("CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME")
    for values in itertools.product((None, "", "x"), repeat=3):
        env = {"CNI_COMMAND": command} if command else {}
        env.update({k: v for k, v in zip(names, values) if v is not None})
        want, got = _expected(env), _answer(env)
        if want is None:
            assert got[0] == "ok", (env, got)
        else:
            assert got == want, env


def _pod(up: bool):
    k = Kernel(seed=1)
    node, pod = k.add_netns("node"), k.add_netns("pod")
    host_end, eth0 = veth_pair(node, "veth0", pod, "eth0")
    node.set_link_up(host_end)
    if up:
        pod.set_link_up(eth0)
    return pod, eth0


def test_configure_iface_on_a_link_up_or_down():
    result = {"ips": [{"address": "10.244.1.5/24", "gateway": "10.244.1.1"}],
              "routes": [{"dst": "0.0.0.0/0"}, {"dst": "10.96.0.0/12"}]}
    seen = []
    for up in (True, False):
        pod, eth0 = _pod(up)
        configure_iface(pod, eth0, result, [ip_numbers(ip) for ip in result["ips"]])
        seen.append((eth0.admin_up, eth0.running, [r.line() for r in pod.routes()], [a.cidr for a in eth0.addresses]))
        plain, plain_eth0 = _pod(up)   # the general steps: set up whatever its state
        plain.set_link_up(plain_eth0)
        plain.add_address(plain_eth0, "10.244.1.5/24")
        plain.add_route("default", via="10.244.1.1", dev=plain_eth0)
        plain.add_route("10.96.0.0/12", via="10.244.1.1", dev=plain_eth0)
        assert seen[-1] == (plain_eth0.admin_up, plain_eth0.running, [r.line() for r in plain.routes()],
                            [a.cidr for a in plain_eth0.addresses])
    assert seen[0] == seen[1] and seen[0][0]
