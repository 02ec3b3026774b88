"""What makes API objects real, the way the real components do.

Scheduler, Deployment/ReplicaSet and EndpointSlice controllers, node IPAM, the kubelet
(pause sandbox, probes), CNI plugins (kindnet ptp, flannel bridge + vxlan/host-gw),
kube-proxy (iptables, IPVS), CoreDNS, the ingress controller and network policy.
"""
