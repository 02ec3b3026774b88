import pytest

from k8slab.api import StatusError, from_label_selector, from_set, parse_selector
from k8slab.api.fields import parse_field_selector
from k8slab.api.labels import NOTHING, format_labels, validate_label_selector, validate_labels

LABEL_NAME_MSG = ("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
                  "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
                  "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")


@pytest.mark.parametrize("text, labels, expected", [
    ("app=web", {"app": "web"}, True),
    ("app==web", {"app": "web"}, True),
    ("app=web", {}, False),
    ("tier!=db", {}, True),             # != matches objects without the key
    ("tier!=db", {"tier": "db"}, False),
    ("env in (a,b)", {"env": "b"}, True),
    ("env in (a,b)", {}, False),
    ("env notin (a,b)", {}, True),      # so does notin
    ("env notin (a,b)", {"env": "a"}, False),
    ("key", {"key": ""}, True),
    ("!key", {"key": "x"}, False),
    ("!key", {}, True),
    ("app=web,tier!=db", {"app": "web", "tier": "fe"}, True),
    ("app=web, tier!=db", {"app": "web", "tier": "db"}, False),
    ("n>3", {"n": "4"}, True),
    ("n<3", {"n": "4"}, False),
    ("", {"x": "y"}, True),
])
def test_selector_semantics(text, labels, expected):
    assert parse_selector(text).matches(labels) is expected


def test_selector_string_is_sorted_by_key():
    assert str(parse_selector("tier!=db,app=web,env in (b,a),!canary")) == "app=web,!canary,env in (a,b),tier!=db"


@pytest.mark.parametrize("text", ["env in (a", "a=b,", "a b", ",", "env in ()", "n>x", "=x", "a/b/c=d"])
def test_bad_selector_text_is_a_bad_request(text):
    with pytest.raises(StatusError) as e:
        parse_selector(text)
    assert e.value.reason == "BadRequest"
    assert e.value.message.startswith("unable to parse requirement")


def test_bad_selector_value_uses_apimachinery_text():
    with pytest.raises(StatusError) as e:
        parse_selector("app=-bad")
    assert e.value.message.startswith('unable to parse requirement: values[0][app]: Invalid value: "-bad": a valid '
                                      "label must be an empty string or consist of")


def test_label_selector_objects():
    sel = from_label_selector({"matchLabels": {"app": "web"},
                               "matchExpressions": [{"key": "tier", "operator": "In", "values": ["fe", "be"]},
                                                    {"key": "canary", "operator": "DoesNotExist"}]})
    assert sel.matches({"app": "web", "tier": "fe"})
    assert not sel.matches({"app": "web", "tier": "fe", "canary": "1"})
    assert str(sel) == "app=web,!canary,tier in (be,fe)"
    assert from_label_selector({}).matches({"any": "thing"})  # empty selects everything
    assert from_label_selector(None) is NOTHING and not NOTHING.matches({})  # nil selects nothing
    assert from_set({"app": "web"}).matches({"app": "web", "x": "y"})


def test_validate_labels_messages():
    errs = validate_labels({"-bad": "ok", "good": "-bad"})
    assert str(errs[0]) == 'metadata.labels: Invalid value: "-bad": ' + LABEL_NAME_MSG
    assert str(errs[1]).startswith('metadata.labels: Invalid value: "-bad": a valid label must be an empty string')
    assert validate_labels({"example.com/app": "", "a.b_c-d": "x" * 63}) == []
    assert "must be no more than 63 characters" in str(validate_labels({"a": "x" * 64})[0])
    assert str(validate_labels({"/x": "y"})[0]) == 'metadata.labels: Invalid value: "/x": prefix part must be non-empty'


def test_validate_label_selector_messages():
    errs = validate_label_selector({"matchExpressions": [{"key": "a", "operator": "In"},
                                                         {"key": "b", "operator": "Exists", "values": ["x"]},
                                                         {"key": "c", "operator": "Foo"}]}, "spec.selector")
    assert [str(e) for e in errs] == [
        "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or "
        "'NotIn'",
        "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or "
        "'DoesNotExist'",
        'spec.selector.matchExpressions[2].operator: Invalid value: "Foo": not a valid selector operator',
    ]


def test_format_labels():
    assert format_labels({"b": "2", "a": "1"}) == "a=1,b=2"
    assert format_labels({}) == "<none>"


def test_field_selectors():
    p = {"metadata": {"name": "a", "namespace": "default"}, "spec": {"nodeName": "kind-worker"},
         "status": {"phase": "Running"}}
    assert parse_field_selector("spec.nodeName=kind-worker", "pods").matches(p)
    assert not parse_field_selector("status.phase!=Running", "pods").matches(p)
    assert parse_field_selector("metadata.name==a,metadata.namespace=default", "pods").matches(p)
    assert parse_field_selector("spec.nodeName=", "pods").matches({"metadata": {"name": "b"}})
    with pytest.raises(StatusError) as e:
        parse_field_selector("spec.foo=bar", "pods")
    assert e.value.message == "field label not supported: spec.foo"
