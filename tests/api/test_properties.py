"""Property tests: whatever a learner feeds apply, the answer is an APIError or a result, never a traceback."""

import os
import string

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from k8slab.api import APIError, Store, apply_manifest, apply_objects, parse_selector
from k8slab.api.resources import RESOURCES

EXAMPLES = int(os.environ.get("K8SLAB_HYPOTHESIS_EXAMPLES", 250))  # more for a long run
KINDS = [(r.api_version, r.kind) for r in RESOURCES] + [("v1", "Foo"), ("apps/v1beta1", "Deployment")]
keys = st.sampled_from(["apiVersion", "kind", "metadata", "spec", "status", "name", "namespace", "labels",
                        "containers", "image", "ports", "port", "targetPort", "selector", "matchLabels", "template",
                        "replicas", "type", "data", "items", "nodePort", "clusterIP", "generateName",
                        "ownerReferences", "finalizers", "rules", "http", "paths", "backend", "x"])
scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**40, 2**40), st.floats(allow_nan=False),
                    st.text(max_size=12), st.sampled_from(["web", "Web", "-bad", "80", "http", "None", "10.96.0.1",
                                                           "NodePort", "TCP", "a/b"]))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(keys, inner, max_size=5)), max_leaves=25)


@st.composite
def manifests(draw):
    api_version, kind = draw(st.sampled_from(KINDS))
    obj = draw(st.dictionaries(keys, values, max_size=5))
    if draw(st.booleans()):
        obj["apiVersion"], obj["kind"] = api_version, kind
    if draw(st.booleans()):
        obj["metadata"] = draw(st.one_of(st.fixed_dictionaries({"name": st.sampled_from(["web", "x", "Web", ""])}),
                                         values))
    return obj


def _check(results):
    for r in results:
        assert r.error is None or isinstance(r.error, APIError)
        assert isinstance(r.message, str)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(manifests(), min_size=1, max_size=4))
def test_random_objects_never_raise(objs):
    store = Store(clock=lambda: 0, seed=1)
    _check(apply_objects(store, objs))
    _check(apply_objects(store, objs))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(manifests(), min_size=1, max_size=3))
def test_random_yaml_never_raises(objs):
    store = Store(clock=lambda: 0, seed=1)
    text = yaml.safe_dump_all(objs)
    _check(apply_manifest(store, text))


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.text(alphabet=string.printable + "\t\u00e9", max_size=200))
def test_random_text_never_raises(text):
    store = Store(clock=lambda: 0, seed=1)
    _check(apply_manifest(store, text))


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.text(alphabet="abc=!,() in notin-._/<>0123456789", max_size=30))
def test_random_selectors_never_raise(text):
    try:
        sel = parse_selector(text)
    except APIError:
        return
    sel.matches({"a": "b"})
    # what a selector prints parses back to the same selector
    assert str(parse_selector(str(sel))) == str(sel)


VALID_POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
             "spec": {"containers": [{"name": "c", "image": "nginx"}]}}


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["spec", "metadata"]), keys, values), max_size=3))
def test_mutations_of_a_valid_object_never_raise_or_corrupt(mutations):
    import copy
    store = Store(clock=lambda: 0, seed=1)
    apply_objects(store, [VALID_POD])
    before = copy.deepcopy(store.get("pods", "p"))
    obj = copy.deepcopy(VALID_POD)
    for where, k, v in mutations:
        if isinstance(obj.get(where), dict):
            obj[where][k] = v
    results = apply_objects(store, [obj])
    _check(results)
    if results[0].error is not None:
        assert store.get("pods", "p") == before
