"""Kubernetes API objects and the store, with no knowledge of Linux.

Objects are plain dicts in the JSON shape the apiserver returns (apiVersion, kind, metadata,
spec, status), so kubectl's printers, jsonpath and custom-columns read them directly.

- :mod:`.resources`: the kinds served, and what ``kubectl get <type>`` resolves to
- :mod:`.store`: create/get/list/update/patch/delete, watches, garbage collection (:class:`Store`)
- :mod:`.labels`, :mod:`.fields`: label and field selectors
- :mod:`.defaults`, :mod:`.validation`, :mod:`.schema`: what the apiserver fills in and rejects
- :mod:`.manifest`: YAML manifests and ``kubectl apply``
- :mod:`.errors`: the errors, and how kubectl prints them (:func:`kubectl_message`)

Example::

    >>> from k8slab.api import Store, apply_manifest, kubectl_message
    >>> store = Store(clock=lambda: 0, seed=7)
    >>> [r.message for r in apply_manifest(store, "apiVersion: v1\\nkind: Namespace\\nmetadata: {name: demo}\\n")]
    ['namespace/demo created']

Importing this package loads no schema: the Kubernetes schemas load on the first validation.
"""

from .errors import APIError, ClientError, FieldError, StatusError, kubectl_message
from .fields import FieldSelector, parse_field_selector
from .labels import Selector, format_labels, from_label_selector, from_set, parse_selector
from .manifest import ApplyResult, apply_manifest, apply_objects, parse_manifest
from .meta import EPOCH, VirtualClock, clone, parse_rfc3339, rfc3339
from .patch import merge_patch, strategic_merge_patch
from .resources import RESOURCES, Resource, for_kind, lookup
from .store import Store, Watch, WatchEvent

__all__ = [
    "APIError", "ClientError", "FieldError", "StatusError", "kubectl_message",
    "FieldSelector", "parse_field_selector",
    "Selector", "format_labels", "from_label_selector", "from_set", "parse_selector",
    "ApplyResult", "apply_manifest", "apply_objects", "parse_manifest",
    "EPOCH", "VirtualClock", "clone", "parse_rfc3339", "rfc3339",
    "RESOURCES", "Resource", "for_kind", "lookup",
    "Store", "Watch", "WatchEvent", "merge_patch", "strategic_merge_patch",
]
