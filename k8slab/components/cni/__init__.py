"""CNI: the contract between the kubelet's runtime and the network plugins, and the plugins.

A plugin is called as the CNI spec says: ``CNI_COMMAND`` (ADD, DEL, CHECK, VERSION),
``CNI_CONTAINERID``, ``CNI_NETNS`` (a path such as ``/var/run/netns/cni-…``), ``CNI_IFNAME``,
the network configuration as JSON on stdin, and a result JSON on stdout (or an error JSON and
a non-zero exit code). :func:`exec_plugin` runs one plugin; :func:`add_network_list` runs a
conflist the way libcni does (each plugin in order, each given the previous result).

The plugins program the node's data plane through ``k8slab.linux`` only: ``ptp`` (what
kindnet uses), ``bridge`` (``cni0``, what flannel delegates to), ``host-local`` IPAM,
``flannel`` and ``portmap``.
"""

from k8slab.components.cni.runtime import (
    CNIError,
    add_network_list,
    del_network_list,
    exec_plugin,
    format_result,
)

__all__ = ["CNIError", "add_network_list", "del_network_list", "exec_plugin", "format_result"]
