"""The notebook layer: the IPython extension (``%load_ext k8slab``), magics, views and widgets.

This is the only layer that imports IPython or widgets, and it does so lazily: importing
``k8slab.notebook`` alone loads neither, so the views' pure model functions stay cheap.

* magics (:mod:`.magics`): ``%kubectl``, ``%%kubectl apply -f -``, ``%docker exec``, ``%k8s``;
* the topology view (:func:`topology`, ``cluster.show()``), the packet player (``trace.show()``),
  the netfilter chain view (:func:`chains`) and the packet layers picture (:func:`layers`);
  each is an interactive widget in a live frontend and a deterministic SVG + text elsewhere;
* :func:`use` picks the cluster the magics talk to.
"""

from __future__ import annotations

from k8slab.notebook.session import use


def load_ipython_extension(ipython) -> None:
    """Register the magics and their tab completion with a running IPython, and put the
    exercise helpers (``check``, ``solution``, ``quiz``, ``progress``) in the notebook's namespace."""
    import k8slab
    from k8slab.notebook.magics import register

    register(ipython)
    ipython.push({"k8slab": k8slab, "check": k8slab.check, "solution": k8slab.solution,
                  "quiz": k8slab.quiz, "progress": k8slab.progress}, interactive=False)


def topology(cluster, **options):
    """The topology view of a cluster (what ``cluster.show()`` returns)."""
    from k8slab.notebook.views import TopologyView

    return TopologyView(cluster, **options)


def player(trace, cluster=None):
    """The packet player of a trace (what ``trace.show()`` returns)."""
    from k8slab.notebook.player import PacketPlayer

    return PacketPlayer(trace, cluster)


def chains(netns, table: str = "nat", chain: str | None = None):
    """A netfilter table as chains linked by their jumps, with counters (``%k8s chains NODE``)."""
    from k8slab.notebook.chains import ChainView

    return ChainView(netns, table, chain)


def layers(packet=None):
    """The packet layers picture (a VXLAN-encapsulated TCP segment unless ``packet`` is given)."""
    from k8slab.notebook.views import layers as _layers

    return _layers(packet)


__all__ = ["chains", "layers", "load_ipython_extension", "player", "topology", "use"]
