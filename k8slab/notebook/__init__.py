"""The notebook layer: the IPython extension (``%load_ext k8slab``), magics and widgets.

This is the only layer that imports IPython, ipywidgets or matplotlib.
"""

from __future__ import annotations

from IPython.core.magic import Magics, line_magic, magics_class

import k8slab


@magics_class
class K8sLabMagics(Magics):
    """The course's magics. ``%k8slab`` says which version is loaded."""

    @line_magic
    def k8slab(self, line: str = "") -> None:
        print(f"k8slab {k8slab.__version__}")


def load_ipython_extension(ipython) -> None:
    """Register the magics with a running IPython."""
    ipython.register_magics(K8sLabMagics)
