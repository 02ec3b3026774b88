"""Equivalent answers normalise to one form; malformed ones get a message, not an exception."""

from __future__ import annotations

import pytest

from k8slab.exercises.normalise import NormaliseError, normalise

OPTIONS = ("the kubelet on that node", "the node IPAM controller in kube-controller-manager", "kindnet, the CNI plugin")


@pytest.mark.parametrize("name, given, expected", [
    ("ip", "10.244.1.2", "10.244.1.2"),
    ("ip", " 10.244.1.2/32 ", "10.244.1.2"),
    ("ip", "`10.244.1.2`", "10.244.1.2"),
    ("cidr", "10.244.1.0/24", "10.244.1.0/24"),
    ("cidr", "10.244.1.0/24 ", "10.244.1.0/24"),
    ("cidr", " 10.244.1.0 / 24", "10.244.1.0/24"),
    ("cidr", "10.244.1.0/255.255.255.0", "10.244.1.0/24"),
    ("endpoint", "10.244.2.2:80", "10.244.2.2:80"),
    ("port", "80/TCP", "80"),
    ("port", 8080, "8080"),
    ("count", "3", "3"),
    ("count", 3, "3"),
    ("count", "Three", "3"),
    ("count", 3.0, "3"),
    ("chain", "kube-services", "KUBE-SERVICES"),
    ("chain", "-j KUBE-MARK-MASQ", "KUBE-MARK-MASQ"),
    ("mac", "AA-BB-CC-00-11-22", "aa:bb:cc:00:11:22"),
    ("text", "  Longest   Prefix MATCH ", "longest prefix match"),
    ("set:ip", "10.0.0.2, 10.0.0.1", "10.0.0.1,10.0.0.2"),
    ("set:ip", ["10.0.0.1", "10.0.0.2/32"], "10.0.0.1,10.0.0.2"),
    ("list:chain", "kube-services kube-svc-x", "KUBE-SERVICES,KUBE-SVC-X"),
])
def test_equivalent_forms(name, given, expected):
    assert normalise(name, given) == expected


@pytest.mark.parametrize("given, expected", [
    ("b", "b"), ("B", "b"), ("(b)", "b"), ("b)", "b"), (2, "b"), ("2", "b"),
    ("the node IPAM controller in kube-controller-manager", "b"), ("node IPAM", "b"), ("kindnet", "c"),
])
def test_choice(given, expected):
    assert normalise("choice", given, options=OPTIONS) == expected


def test_true_false_and_multiple_choice():
    tf = ("True", "False")
    assert {normalise("choice", v, options=tf) for v in (True, "true", "T", "yes", "a")} == {"a"}
    assert {normalise("choice", v, options=tf) for v in (False, "false", "No", "b")} == {"b"}
    assert normalise("choices", "c, a", options=OPTIONS) == normalise("choices", ["a", "c"], options=OPTIONS) == "a,c"


@pytest.mark.parametrize("name, given, fragment", [
    ("ip", "10.244.1.0/24", "not a network"),
    ("ip", "10.244.1.2:80", "without a port"),
    ("ip", "banana", "IPv4 address"),
    ("cidr", "10.244.1.0", "prefix length"),
    ("cidr", "10.244.1.1/24", "host bits"),
    ("count", True, "whole number"),
    ("count", "2.5", "whole number"),
    ("choice", "node", "one of the options"),
    ("ip", "", "empty"),
    ("ip", None, "expected text"),
    ("ip", ["a", "b"], "one value"),
    ("text", "x" * 5000, "too long"),
])
def test_malformed_answers_say_what_is_expected(name, given, fragment):
    with pytest.raises(NormaliseError, match=fragment):
        normalise(name, given, options=OPTIONS)
