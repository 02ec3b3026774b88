"""Live mode: builds a simulated cluster's data plane out of real namespaces, veths,
bridges, VXLAN and iptables on a Linux machine with root, and compares the kernel's
answers with the simulator's."""
