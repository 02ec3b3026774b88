"""The program of each container is a slots App (no instance dict per container); CoreDNS's is
the one kind that takes a respond of its own, which the cluster gives it to answer from the API."""

from __future__ import annotations

import pytest

import k8slab
from k8slab.components.apps import AnsweredElsewhere, App, app_for

IMAGES = [{"image": "nginx"}, {"image": "nginx-unprivileged:1.27"}, {"image": "registry.k8s.io/pause:3.10"},
          {"image": "agnhost:2.53", "args": ["netexec", "--http-port=8080"]}, {"image": "http-echo"},
          {"image": "kube-proxy"}, {"image": "busybox"}, {"image": "mine", "ports": [{"containerPort": 81}]}]


def test_apps_are_slots_and_coredns_takes_a_respond():
    for c in IMAGES:
        app = app_for(dict(c, name="c"), "pod-1")
        assert type(app) is App and not hasattr(app, "__dict__")
        app.healthy = False   # what a lesson flips
        with pytest.raises(AttributeError):
            app.respond = print
    dns = app_for({"name": "coredns", "image": "registry.k8s.io/coredns/coredns:v1.12.0"}, "coredns-1")
    assert isinstance(dns, AnsweredElsewhere) and dns.listens[0] == ("udp", 53)
    dns.respond = len
    assert dns.respond("abc") == 3


def test_cluster_dns_answers_through_its_respond():
    c = k8slab.kind(workers=1)
    sb = next(sb for k in c.kubelets.values() for sb in k.sandboxes.values()
              if any(ctr.app.name == "coredns" for ctr in sb.containers.values()))
    app = next(iter(sb.containers.values())).app
    assert type(app) is AnsweredElsewhere and app.respond == c.dns.respond
