"""Text front ends: pure functions from (cluster, argv) to what the real tool prints.

kubectl, and the commands a learner runs inside a node or a pod (ip, bridge,
iptables-save, ipvsadm, conntrack, cat, nslookup/dig, curl, ping).
"""
