"""k8slab: a Kubernetes cluster simulated faithfully enough to teach networking from.

The engine (``linux``, ``api``, ``components``, ``cli``) is plain Python and imports fast;
Jupyter, ipywidgets and matplotlib load only when a notebook view needs them.

In a notebook::

    %load_ext k8slab
"""

__version__ = "0.1.0"


def load_ipython_extension(ipython):
    """Called by ``%load_ext k8slab``: registers the magics (see k8slab.notebook)."""
    from k8slab.notebook import load_ipython_extension as _load

    _load(ipython)


def __getattr__(name):
    """Presets and the facade load on first use, so ``import k8slab`` stays light."""
    if name in ("kind", "flannel", "Cluster"):
        from k8slab import cluster

        return getattr(cluster, name)
    if name == "use":
        from k8slab.notebook import use

        return use
    # Exercises: check()/solution(), the learner's progress table, break/fix scenarios.
    if name in ("check", "solution", "scenario", "scenarios"):
        from k8slab import exercises

        return getattr(exercises, name)
    if name == "progress":
        from k8slab.exercises.report import show_progress

        return show_progress
    if name == "quiz":  # the widget (notebook layer, ipywidgets); k8slab.exercises.quiz is the plain model
        from k8slab.notebook.quiz import quiz_widget

        return quiz_widget
    raise AttributeError(f"module 'k8slab' has no attribute {name!r}")
