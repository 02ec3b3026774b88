"""Notebook 15 (troubleshooting lab): break/fix scenarios an instructor can hand out.

Each scenario is a ``task`` exercise whose ``setup`` builds a broken cluster and whose ``prompt``
is the symptom as a user would report it; ``k8slab.scenario(name)`` hands it out and its
``verify()`` is ``check()`` on that cluster. ``verify`` passes only when traffic works again,
decided by traces (the data plane), never by reading the objects.

Scenarios that need parts of the engine still being built are declared with ``pending`` (what
is missing): they are listed, and say "not available yet" instead of pretending.
"""

from __future__ import annotations

from k8slab.exercises.model import Exercise, Probe
from k8slab.exercises.tasks import reach

NOTEBOOK = "15-troubleshooting"
SERVICES_PENDING = ("This scenario needs Services that work on the data plane: kube-proxy programming each "
                    "node's Service rules (and CoreDNS answering names) in the simulated cluster, which is still "
                    "being built; it is not available yet.")


def _mtu_setup():
    """flannel (VXLAN), pod a on kind-worker, nginx in pod b on kind-worker2; then someone 'tuned'
    a's eth0 to the node's MTU, 1500, which leaves no room for the VXLAN headers."""
    from k8slab.cluster import flannel

    c = flannel(workers=2)
    for name, node, image in (("a", "kind-worker", "nicolaka/netshoot"), ("b", "kind-worker2", "nginx")):
        c.store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
                        "spec": {"nodeName": node, "containers": [{"name": name, "image": image}]}})
    c.settle()
    c.exec("pod/a", "ip link set dev eth0 mtu 1500")
    return c


def _mtu_probe(c) -> Probe:
    """A small request, then a full-size segment as TCP would send it (pod a's MTU minus 40 bytes
    of IP and TCP headers, DF set): both must reach nginx in b and be answered."""
    small = reach(c, "pod/a", "pod/b", 80, size=100)
    if not small.ok:
        return Probe(False, small.code, f"even a small request fails: {small.detail}")
    mtu = c.netns_of("pod/a").link("eth0").mtu
    big = reach(c, "pod/a", "pod/b", 80, size=mtu - 40)
    if not big.ok:
        return Probe(False, big.code, f"a full-size packet ({mtu} bytes, DF set) fails: {big.detail}")
    return Probe(True, "", f"small and full-size ({mtu}-byte) packets from pod/a reach pod/b and are answered")


EXERCISES = [
    Exercise(
        id='15.mtu-overlay',
        kind='task',
        title='Big requests hang (flannel VXLAN)',
        prompt=(
            '“From pod a (on kind-worker) small requests to the web server in pod b (on kind-worker2) work fine, but '
            'anything big, an upload or a large POST, never gets through. Nothing changed on b.” The cluster runs '
            'flannel with VXLAN. Find out why and fix it, then run `verify()`.'
        ),
        hints=(
            (
                'Compare a small and a big packet: `print(cluster.trace("pod/a", "pod/b", 80, size=1000))` and with '
                '`size=1460`, then read where the big one stops.'
            ),
            (
                "VXLAN wraps every frame in 50 more bytes, so flannel.1's MTU is 50 less than the node's eth0. "
                'Compare `cluster.exec("pod/a", "ip link show eth0")` with `cluster.exec("kind-worker", "ip link '
                'show flannel.1")`, and with any other pod.'
            ),
            (
                'flanneld writes the MTU every pod should have into /run/flannel/subnet.env on each node. Give pod '
                "a's eth0 that MTU (`ip link set dev eth0 mtu ...` in the pod), or recreate the pod so the CNI "
                'plugin sets it.'
            ),
        ),
        solution=(
            'k8s1:3jtBXVHrnm34wpk2GBqLTNMuwYvGVoPGsKCCjQal4dTFmhL+zU2c+vAzprsBrtqgsA2WFTej56fSjKL7+DMrAHWtOF5UOfk'
            't9Vvtpuj15lsrcO/LfaAxksxDD8NxC4pxldexJz9lJ5zVrMoYT6AwmJzC6EhG8J6VKe2uJjPEMOEuagOX6ahztk9XYOy4rulQB1x'
            'SFEFnInK2TSuNr8DVFcZRb8unk7UUo/yWncWc8ymerJhEf2DjcV2MEvKIKLx0AkphglcPaLOdo05HipsTgZeyDW+Xw0G4YzZqKgT'
            'GvFxfX2b/8HPVLwNEnQkUTEtHWV/fdHYL/seVtMhh5m8g3vdqUi14n0V301X3z8b1LhSni43/McLYKm8y71qlkTPa2OJeJ7iBe+U'
            'SrjyeLQoKedvfYRV1IbOcU6LAV3oFCDLx7HPyw0Qk/mmle6iSZv6ws4dbLQENRvrUF5B08DgRF14FpguUlcCJ8GuL+NZ+cgf58ch'
            'rn3rKt3LLBSYNzLeimhX6rWJhWxFNiW+1V1K8mN4EkxprlXgzPFCyUp5fDBQWp9mKzXUicPdtwXrs+SQ4eQdwrlx6l/kCj+5dRUF'
            'KxWk/SwDGpzlm0uY='
        ),
        setup=_mtu_setup,
        probe=_mtu_probe,
    ),
    Exercise(
        id="15.wrong-selector",
        kind="task",
        title="The web Service times out",
        prompt="“Since this morning's deploy, `curl http://web` from the client pod just hangs. The web pods are "
               "Running and Ready.”",
        pending=SERVICES_PENDING,
    ),
    Exercise(
        id="15.wrong-target-port",
        kind="task",
        title="Connection refused through the Service",
        prompt="“`curl http://web` from the client pod says Connection refused, but curling a web pod's IP "
               "directly works.”",
        pending=SERVICES_PENDING,
    ),
    Exercise(
        id="15.failing-readiness",
        kind="task",
        title="The Service has no endpoints",
        prompt="“The web pods are Running but `curl http://web` fails, and `kubectl get endpointslices` shows "
               "no ready endpoints.”",
        pending=SERVICES_PENDING,
    ),
    Exercise(
        id="15.kube-proxy-stopped",
        kind="task",
        title="Works from some nodes only",
        prompt="“`curl http://web` works from the client pod on kind-worker but times out from the same pod "
               "on kind-worker2.”",
        pending=SERVICES_PENDING,
    ),
    Exercise(
        id="15.policy-blocks-dns",
        kind="task",
        title="Names do not resolve",
        prompt="“After we added a NetworkPolicy to the app namespace, every request fails with 'Could not "
               "resolve host', but curling IPs works.”",
        pending="This scenario needs NetworkPolicy enforcement and CoreDNS in the simulated cluster, which are "
                "still being built; it is not available yet.",
    ),
]
