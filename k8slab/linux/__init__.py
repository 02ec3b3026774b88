"""Linux networking primitives, with no knowledge of Kubernetes.

Network namespaces, interfaces (lo, veth, bridge with FDB, vxlan, dummy), addresses,
routes and neighbours; netfilter tables, chains, rules and conntrack; packets as stacked
headers; and the walk that moves a packet through all of it the way the kernel does,
recording each hop and why it happened.
"""
