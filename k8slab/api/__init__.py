"""Kubernetes API objects and the store, with no knowledge of Linux.

Objects as metadata/spec/status, the store controllers watch (ADDED/MODIFIED/DELETED),
label selectors, namespaces and validation against the Kubernetes schema.
"""
