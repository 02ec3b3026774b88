"""Calling CNI plugins: environment, stdin, stdout and exit code, as the CNI spec defines them."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field

from k8slab.linux.errors import NetlinkError
from k8slab.linux.fs import FileSystem

REQUIRED_ENV = {"ADD": ("CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME"),
                "DEL": ("CNI_CONTAINERID", "CNI_IFNAME"),
                "CHECK": ("CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME")}
SUPPORTED_VERSIONS = ["0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"]
_SUPPORTED = frozenset(SUPPORTED_VERSIONS)
METHODS = {"ADD": "add", "DEL": "delete", "CHECK": "check"}  # CNI_COMMAND -> the plugin module's function
ERR_INCOMPATIBLE_VERSION = 1
ERR_INVALID_ENV = 4
ERR_DECODING = 6
ERR_INVALID_CONFIG = 7
ERR_INTERNAL = 999


class CNIError(Exception):
    """A plugin failure: ``code`` and ``msg`` as the error JSON carries them."""

    def __init__(self, msg: str, code: int = ERR_INTERNAL, details: str = "") -> None:
        super().__init__(msg)
        self.code, self.msg, self.details = code, msg, details

    def json(self, cni_version: str = "0.3.1") -> str:
        body = {"code": self.code, "msg": self.msg}
        if self.details:
            body["details"] = self.details
        if cni_version and cni_version >= "1.0.0":
            body = {"cniVersion": cni_version, **body}
        return json.dumps(body, indent=4)


@dataclass
class Host:
    """What a plugin sees of the machine it runs on: the host network namespace (where
    ``CNI_NETNS`` paths resolve through its kernel) and the host's files.

    ``ipam_files`` is host-local's record of its state directories' files, kept between
    calls on the same Host, and ``ipam_versions`` each directory's :meth:`FileSystem.version`
    when that record was last in step (see :func:`k8slab.components.cni.host_local._reservations`)."""

    netns: object
    fs: FileSystem
    ipam_files: dict = field(default_factory=dict, repr=False, compare=False)
    ipam_versions: dict = field(default_factory=dict, repr=False, compare=False)

    def netns_at(self, path: str):
        """The namespace a ``CNI_NETNS`` path names (``/var/run/netns/NAME`` or ``/run/netns/NAME``)."""
        name = path.rstrip("/").rsplit("/", 1)[-1]
        ns = self.netns.kernel.namespaces.get(name)
        if ns is None:
            raise CNIError(f'failed to open netns "{path}": failed to Statfs "{path}": no such file or directory')
        return ns


def invoke(host: Host, plugin: str, env: dict, conf: dict, printed_prev: bool = False,
           current: bool = False) -> dict | None:
    """Run ``plugin`` with ``env`` and a parsed network configuration: returns what it prints,
    parsed (the dict ``json.loads(stdout)`` gives; None when it prints nothing), or raises
    CNIError with the code and message its error JSON carries.

    :func:`exec_plugin` is this with text on stdin and stdout. libcni's chaining and a plugin's
    delegation (to its IPAM plugin, flannel to bridge) pass the parsed form on: nobody reads the
    text between them, so it is not printed and parsed again; the result is the same dict.
    ``printed_prev``: the config's ``prevResult`` is what a plugin of its version prints (libcni's
    chain hands on the previous plugin's output), so a plugin that passes it on unchanged (portmap
    with no mappings) prints exactly that: it is returned as it is, not copied.
    ``current``: the caller takes the result in the current (1.x) types, as a plugin takes its
    IPAM plugin's result (libcni's ``NewResultFromResult`` of what it printed): that is the
    plugin's own dict, less the ``cniVersion`` and the per-IP ``"version"`` a 0.3.x/0.4.0 print
    adds and the conversion drops (an empty ``routes`` list stays, which reads as none), so it is
    returned unprinted. Whoever passes it on prints it for its own version.
    A plugin's ADD result other than the prevResult it hands back is its own, made for this
    call and held by nothing else, so printing it takes its lists as they are (``own`` in
    :func:`printed_result`)."""
    version = str(conf.get("cniVersion", ""))
    command = env.get("CNI_COMMAND", "")
    if command == "VERSION":
        return {"cniVersion": version or "1.1.0", "supportedVersions": SUPPORTED_VERSIONS}
    required = REQUIRED_ENV.get(command)
    if required is None:
        raise CNIError(f'unknown CNI_COMMAND: {command}', ERR_INVALID_ENV)
    if not all(map(env.get, required)):
        missing = [k for k in required if not env.get(k)]
        raise CNIError(f"required env variables [{','.join(missing)}] missing", ERR_INVALID_ENV)
    if version not in _SUPPORTED:
        raise CNIError(f'incompatible CNI versions; config is "{version}", plugin supports '
                       f'{SUPPORTED_VERSIONS}', ERR_INCOMPATIBLE_VERSION)
    impl = (_PLUGINS or _plugins()).get(plugin)
    if impl is None:
        raise CNIError(f'failed to find plugin "{plugin}" in path [/opt/cni/bin]', ERR_INVALID_CONFIG)
    try:
        result = getattr(impl, METHODS[command])(host, env, conf)
    except NetlinkError as e:  # a data-plane step failed: the plugin reports it as an error
        raise CNIError(str(e)) from None
    if result is None or current:
        return result
    prev = conf.get("prevResult")
    if printed_prev and result is prev:
        return result
    return printed_result(result, version, result is not prev)


def _plugins() -> dict:
    """The plugins in /opt/cni/bin, by name (imported on first use: they import this module)."""
    if not _PLUGINS:
        from k8slab.components.cni import bridge, flannel, host_local, portmap, ptp

        _PLUGINS.update({"ptp": ptp, "bridge": bridge, "host-local": host_local, "flannel": flannel,
                         "portmap": portmap})
    return _PLUGINS


_PLUGINS: dict = {}


def exec_plugin(host: Host, plugin: str, env: dict, stdin: str) -> tuple[str, int]:
    """Run ``plugin`` with ``env`` and ``stdin`` on ``host``: returns (stdout, exit code)."""
    version = "0.3.1"
    try:
        try:
            conf = json.loads(stdin)
        except json.JSONDecodeError as e:
            raise CNIError(f"failed to load netconf: {e}", ERR_DECODING) from None
        version = str(conf.get("cniVersion", ""))
        result = invoke(host, plugin, env, conf)
    except CNIError as e:
        return e.json(version), 1
    if result is None:
        return "", 0
    return json.dumps(result, indent=None if env.get("CNI_COMMAND") == "VERSION" else 4), 0


def printed_result(result: dict, cni_version: str, own: bool = False) -> dict:
    """The result as a plugin prints it for ``cni_version``, as a fresh dict (0.3.x/0.4.0
    results carry ``"version": "4"`` in each IP; 1.0.0 dropped it; empty interfaces and routes
    are left out). Its lists and dicts are copies, unless ``own``: the result is a plugin's own,
    made for this call and dropped after, whose lists (interfaces, 1.x IPs, routes) and dns are
    then taken as they are (no one else holds them to see them shared)."""
    out: dict = {"cniVersion": cni_version}
    interfaces = result.get("interfaces")
    if interfaces:
        out["interfaces"] = interfaces if own else list(map(dict, interfaces))
    if cni_version < "1.0.0":
        ips = out["ips"] = []
        for ip in result.get("ips", ()):
            ips.append({"version": "4", **ip})
    else:
        ips = result.get("ips", [])
        out["ips"] = ips if own else list(map(dict, ips))
    routes = result.get("routes")
    if routes:
        out["routes"] = routes if own else list(map(dict, routes))
    dns = result.get("dns")
    if own and type(dns) is dict:
        out["dns"] = dns
    else:
        out["dns"] = {k: list(v) if isinstance(v, list) else v for k, v in dns.items()} if dns else {}
    return out


def format_result(result: dict, cni_version: str) -> str:
    """The result JSON as a plugin prints it for ``cni_version`` (see :func:`printed_result`)."""
    return json.dumps(printed_result(result, cni_version), indent=4)


def _plugin_conf(conflist: dict, plugin: dict, prev: dict | None) -> dict:
    conf = {"cniVersion": conflist["cniVersion"], "name": conflist["name"], **plugin}
    if prev is not None:
        conf["prevResult"] = prev
    return conf


@functools.lru_cache(maxsize=8192)
def parsed_conflist(text: str) -> dict:
    """A conflist's JSON, parsed once per distinct text and shared by every ADD and DEL given
    it (a node runs each pod with the same file; each node's file differs by its podCIDR, so
    the cache holds one per node, up to 8,192 nodes: Kubernetes supports 5,000). Read-only:
    plugins never write into their network configuration (each gets a fresh top-level dict from
    :func:`_plugin_conf`;
    tests/components/test_cni_conflist.py runs them all on a frozen one)."""
    return json.loads(text)


def add_network_list(host: Host, conflist_text: str, container_id: str, netns_path: str,
                     ifname: str = "eth0") -> dict:
    """ADD for every plugin of a conflist in order, as libcni does; returns the final result
    (a dict) or raises CNIError with the failing plugin named as the runtime reports it.
    A plugin whose module says ``PASSES_PREV_RESULT`` (its ADD hands the prevResult back as
    it is and touches nothing: portmap) is not run after a previous plugin's result: with the
    env and the conflist's version checked already it could only return that result."""
    conflist = parsed_conflist(conflist_text)
    env = {"CNI_COMMAND": "ADD", "CNI_CONTAINERID": container_id, "CNI_NETNS": netns_path,
           "CNI_IFNAME": ifname, "CNI_PATH": "/opt/cni/bin"}
    prev = None
    for plugin in conflist["plugins"]:
        if prev is not None and "cniVersion" not in plugin and \
                getattr(_PLUGINS.get(plugin["type"]), "PASSES_PREV_RESULT", False):
            continue   # invoke would check the same env and version again and return prev itself
        try:
            prev = invoke(host, plugin["type"], env, _plugin_conf(conflist, plugin, prev), printed_prev=True)
        except CNIError as e:
            raise CNIError(f'plugin type="{plugin["type"]}" name="{conflist["name"]}" failed (add): {e.msg}',
                           e.code) from None
    return prev


def del_network_list(host: Host, conflist_text: str, container_id: str, netns_path: str,
                     ifname: str = "eth0") -> None:
    """DEL for every plugin of a conflist in reverse order."""
    conflist = parsed_conflist(conflist_text)
    env = {"CNI_COMMAND": "DEL", "CNI_CONTAINERID": container_id, "CNI_NETNS": netns_path,
           "CNI_IFNAME": ifname, "CNI_PATH": "/opt/cni/bin"}
    for plugin in reversed(conflist["plugins"]):
        try:
            invoke(host, plugin["type"], env, _plugin_conf(conflist, plugin, None))
        except CNIError as e:
            raise CNIError(f'plugin type="{plugin["type"]}" name="{conflist["name"]}" failed (delete): '
                           f'{e.msg}', e.code) from None
