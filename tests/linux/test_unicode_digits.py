"""Characters Python's str.isdigit() accepts but int() does not (superscripts like '¹') are not
numbers: a command that gets one where a number goes answers with the tool's own error, changes
nothing, and never raises a traceback."""

import pytest

import k8slab
from k8slab.exercises.normalise import NormaliseError, _port

COMMANDS = [
    ("iptables -A INPUT -p tcp --dport ¹ -j ACCEPT", "invalid port/service `¹' specified"),
    ("iptables -A INPUT -p tcp -m multiport --dports ¹,2 -j ACCEPT", "invalid port/service `¹' specified"),
    ("iptables -A INPUT -s 1.2.3.4/¹ -j ACCEPT", "invalid mask `¹' specified"),
    ("iptables -A INPUT -p ¹ -j ACCEPT", 'unknown protocol "¹" specified'),
    ("ip route add 10.0.0.0/¹ dev eth0", 'any valid prefix is expected rather than "10.0.0.0/¹"'),
]


@pytest.fixture(scope="module")
def cluster():
    return k8slab.kind(workers=1)


@pytest.mark.parametrize("command,error", COMMANDS)
def test_a_superscript_digit_is_an_error_not_a_number(cluster, command, error):
    before = cluster.exec("kind-worker", "iptables-save"), cluster.exec("kind-worker", "ip route")
    out = cluster.exec("kind-worker", command)
    assert error in out
    assert (cluster.exec("kind-worker", "iptables-save"), cluster.exec("kind-worker", "ip route")) == before


def test_an_exercise_port_answer_in_superscript_is_not_a_port():
    with pytest.raises(NormaliseError):
        _port("¹")
    assert _port("80/tcp") == "80"
