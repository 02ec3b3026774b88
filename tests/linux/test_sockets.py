"""Listening sockets: wildcard bind, exact-before-wildcard lookup, EADDRINUSE."""

import pytest

from k8slab.linux.errors import SocketError
from k8slab.linux.kernel import Kernel


def test_bind_lookup_and_clash():
    ns = Kernel().add_netns("pod")
    ns.sockets.bind("tcp", "0.0.0.0", 80, owner="nginx")
    ns.sockets.bind("udp", "10.244.1.2", 53, owner="dns")
    assert ns.sockets.lookup("tcp", "10.244.1.2", 80) == "nginx"
    assert ns.sockets.lookup("udp", "10.244.1.2", 53) == "dns"
    assert ns.sockets.lookup("udp", "127.0.0.1", 53) is None
    with pytest.raises(SocketError) as e:
        ns.sockets.bind("tcp", "10.244.1.2", 80)
    assert (e.value.errno, e.value.message) == ("EADDRINUSE", "Address already in use")
    ns.sockets.unbind("tcp", "0.0.0.0", 80)
    ns.sockets.bind("tcp", "10.244.1.2", 80, owner="other")
    assert ns.sockets.lookup("tcp", "10.244.1.2", 80) == "other"
