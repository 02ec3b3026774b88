"""kube-proxy: Services made real on each node, in iptables mode or IPVS mode.

* :mod:`.model` - the ServicePortMap and EndpointsMap kube-proxy computes from Service and
  EndpointSlice objects (dicts), with its hashed chain names and endpoint order;
* :mod:`.iptables` - the ``iptables-restore`` input of ``syncProxyRules`` and a proxier that
  applies it to a namespace's netfilter;
* :mod:`.ipvs` - IPVS mode: virtual and real servers, ``ipvsadm -Ln``, ``kube-ipvs0``, the
  ipsets and the iptables rules IPVS mode still writes, and the IPVS data path for the walk.
"""

from .iptables import (
    IPTablesProxier,
    ProxierConfig,
    SyncResult,
    ensure_jump_rules,
    kubelet_iptables,
    masquerade_mark,
    restore_text,
    sync_proxy_rules,
)
from .ipvs import IPVSProxier, ipvs_lookup, ipvs_of, ipvs_reply
from .model import (
    Endpoint,
    EndpointsMap,
    ServicePortInfo,
    ServicePortMap,
    ServicePortName,
    categorize_endpoints,
    endpoint_chain_name,
    endpoints_map,
    port_proto_hash,
    service_port_map,
)

__all__ = [
    "Endpoint",
    "EndpointsMap",
    "IPTablesProxier",
    "IPVSProxier",
    "ProxierConfig",
    "ServicePortInfo",
    "ServicePortMap",
    "ServicePortName",
    "SyncResult",
    "categorize_endpoints",
    "endpoint_chain_name",
    "endpoints_map",
    "ensure_jump_rules",
    "ipvs_lookup",
    "ipvs_of",
    "ipvs_reply",
    "kubelet_iptables",
    "masquerade_mark",
    "port_proto_hash",
    "restore_text",
    "service_port_map",
    "sync_proxy_rules",
]
