"""kubectl's JSONPath dialect. Cases and expected texts are client-go's own tests
(util/jsonpath/jsonpath_test.go and parser_test.go in kubernetes/client-go)."""

import json

import pytest

from k8slab.cli.jsonpath import JSONPath, JSONPathError, relaxed_jsonpath, render

NODES = json.loads("""{
  "kind": "List",
  "items": [
    {"kind": "None", "metadata": {"name": "127.0.0.1", "labels": {"kubernetes.io/hostname": "127.0.0.1"}},
     "status": {"capacity": {"cpu": "4"}, "ready": true,
                "addresses": [{"type": "LegacyHostIP", "address": "127.0.0.1"}]}},
    {"kind": "None", "metadata": {"name": "127.0.0.2", "labels": {"kubernetes.io/hostname": "127.0.0.2"}},
     "status": {"capacity": {"cpu": "8"}, "ready": false,
                "addresses": [{"type": "LegacyHostIP", "address": "127.0.0.2"},
                              {"type": "another", "address": "127.0.0.3"}]}}
  ],
  "users": [{"name": "myself", "user": {}}, {"name": "e2e", "user": {"username": "admin", "password": "secret"}}]
}""")


@pytest.mark.parametrize("template,expected", [
    ("{range .items[*]}{.metadata.name}, {end}{.kind}", "127.0.0.1, 127.0.0.2, List"),
    ('{range .items[*]}{.metadata.name}{"\\t"}{end}', "127.0.0.1\t127.0.0.2\t"),
    ("{.items[*].status.addresses[*].address}", "127.0.0.1 127.0.0.2 127.0.0.3"),
    ("{range .items[*]}{range .status.addresses[*]}{.address}, {end}{end}", "127.0.0.1, 127.0.0.2, 127.0.0.3, "),
    ("{.items[*].metadata.name}", "127.0.0.1 127.0.0.2"),
    ("{.items[*]['metadata.name', 'status.capacity']}", '127.0.0.1 127.0.0.2 {"cpu":"4"} {"cpu":"8"}'),
    ("{range .items[*]}[{.metadata.name}, {.status.capacity}] {end}",
     '[127.0.0.1, {"cpu":"4"}] [127.0.0.2, {"cpu":"8"}] '),
    ('{.users[?(@.name=="e2e")].user.password}', "secret"),
    ("{.items[0].metadata.labels.kubernetes\\.io/hostname}", "127.0.0.1"),
    ('{.items[?(@.metadata.labels.kubernetes\\.io/hostname=="127.0.0.1")].kind}', "None"),
    ("{.items[?(@..ready==true)].metadata.name}", "127.0.0.1"),
])
def test_kubernetes_cases(template, expected):
    assert JSONPath(template, allow_missing_keys=False).execute(NODES) == expected


def test_recursive_descent_finds_every_name():
    # Go prints these in random map order (the test sorts them); we visit keys sorted.
    assert sorted(render("{..name}", NODES).split()) == sorted("127.0.0.1 127.0.0.2 myself e2e".split())


POINTS = json.loads("""[{"id": "i1", "x":4, "y":-5}, {"id": "i2", "x":-2, "y":-5, "z":1},
    {"id": "i3", "x": 8, "y": 3}, {"id": "i4", "x": -6, "y": -1}, {"id": "i5", "x": 0, "y": 2, "z": 1},
    {"id": "i6", "x": 1, "y": 4}, {"id": "i7", "x": null, "y": 4}]""")


@pytest.mark.parametrize("template,expected", [
    ("{[?(@.z)].id}", "i2 i5"), ("{[0]['id']}", "i1"), ("{[-1]['x']}", "null"),
])
def test_json_input(template, expected):
    assert JSONPath(template, allow_missing_keys=False).execute(POINTS) == expected


TYPES = {"bools": [True, False, True, False], "integers": [1, 2, 3, 4], "floats": [1.0, 2.2, 3.3, 4.0],
         "strings": ["one", "two", "three", "four"], "interfaces": [True, "one", 1, 1.1],
         "maps": [{"name": "one", "value": 1}, {"name": "two", "value": 2.02},
                  {"name": "three", "value": 3.03}, {"name": "four", "value": 4.04}]}


@pytest.mark.parametrize("template,expected", [
    ("{ .bools }", "[true,false,true,false]"), ("{ .bools[-1] }", "false"), ("{ .bools[:4:2] }", "true true"),
    ("{ .integers[-2] }", "3"), ("{ .integers[:4:2] }", "1 3"),
    ("{ .floats }", "[1,2.2,3.3,4]"), ("{ .floats[0] }", "1"), ("{ .floats[0:2] }", "1 2.2"),
    ("{ .strings }", '["one","two","three","four"]'), ("{ .strings[:4:2] }", "one three"),
    ("{ .interfaces }", '[true,"one",1,1.1]'), ("{ .interfaces[:4:2] }", "true 1"),
    ("{ .maps[0] }", '{"name":"one","value":1}'),
    ("{ .maps[1::2] }", '{"name":"two","value":2.02} {"name":"four","value":4.04}'),
])
def test_types_input(template, expected):
    assert JSONPath(template, allow_missing_keys=False).execute(TYPES) == expected


CONTAINERS = {"spec": {"containers": [{"name": f"fake{i}"} for i in range(6)]}}


@pytest.mark.parametrize("index,expected", [
    ("0", "fake0"), ("0:0", ""), ("0:-1", "fake0 fake1 fake2 fake3 fake4"), ("-1", "fake5"), ("-1:", "fake5"),
    ("-2:", "fake4 fake5"), ("-6", "fake0"), ("6:6", ""), ("-7:-7", ""), ("1:4:2", "fake1 fake3"),
    ("0:6:5", "fake0 fake5"), ("0:6:", "fake0 fake1 fake2 fake3 fake4 fake5"),
])
def test_slices(index, expected):
    assert render(f"{{.spec.containers[{index}].name}}", CONTAINERS) == expected


@pytest.mark.parametrize("index,error", [
    ("-1:0", "starting index 5 is greater than ending index 0"),
    ("-7", "array index out of bounds: index -1, length 6"),
    ("3:1", "starting index 3 is greater than ending index 1"),
    ("0:6:0", "step must be > 0"), ("0:6:-1", "step must be > 0"),
    ("9", "array index out of bounds: index 9, length 6"),
])
def test_slice_errors(index, error):
    with pytest.raises(JSONPathError) as e:
        render(f"{{.spec.containers[{index}].name}}", CONTAINERS)
    assert str(e.value) == error


NESTED = {"items": [
    {"metadata": {"name": "pod1"}, "spec": {"containers": [
        {"name": "foo", "another": [{"name": "value1"}, {"name": "value2"}]},
        {"name": "bar", "another": [{"name": "value1"}, {"name": "value2"}]}]}},
    {"metadata": {"name": "pod2"}, "spec": {"containers": [
        {"name": "baz", "another": [{"name": "value1"}, {"name": "value2"}]}]}}]}


def test_nested_ranges():
    t1 = '{range .items[*]}{.metadata.name}{":"}{range @.spec.containers[*]}{.name}{","}{end}{"+"}{end}'
    assert render(t1, NESTED) == "pod1:foo,bar,+pod2:baz,+"
    t2 = ('{range .items[*]}{.metadata.name}{"~"}{range @.spec.containers[*]}{.name}{":"}'
          '{range @.another[*]}{.name}{","}{end}{"+"}{end}{"#"}{end}')
    assert render(t2, NESTED) == "pod1~foo:value1,value2,+bar:value1,value2,+#pod2~baz:value1,value2,+#"
    t3 = ('{range .items[*]}{.metadata.name}{"\\t"}{range @.spec.containers[*]}{.name}{" "}{end}{"\\t"}'
          '{range @.spec.containers[*]}{.name}{" "}{end}{"\\n"}{end}')
    assert render(t3, NESTED) == "pod1\tfoo bar \tfoo bar \npod2\tbaz \tbaz \n"


def test_empty_ranges():
    assert render("{range .items[*]}{.metadata.name}{end}", {"items": []}) == ""
    t = '{range .items[*]}{.metadata.name}{":"}{range @.spec.containers[*]}{.name}{","}{end}{"+"}{end}'
    assert render(t, {"items": []}) == ""


def test_filter_tolerates_missing_keys_only_when_allowed():
    data = {"kind": "List", "items": [
        {"metadata": {"name": "pod1", "annotations": {"color": "blue"}}}, {"metadata": {"name": "pod2"}},
        {"metadata": {"name": "pod3", "annotations": {"color": "green"}}},
        {"metadata": {"name": "pod4", "annotations": {"color": "blue"}}}]}
    t = '{.items[?(@.metadata.annotations.color=="blue")].metadata.name}'
    assert render(t, data) == "pod1 pod4"
    with pytest.raises(JSONPathError, match="annotations is not found"):
        JSONPath(t, allow_missing_keys=False).execute(data)


def test_running_pods():
    data = {"kind": "List", "items": [{"kind": "Pod", "metadata": {"name": f"pod{i}"},
                                       "status": {"phase": "Running"}} for i in (1, 2, 3)] + [{"resourceVersion": ""}]}
    t = '{range .items[?(.status.phase=="Running")]}{.metadata.name}{" is Running\\n"}{end}'
    assert render(t, data) == "pod1 is Running\npod2 is Running\npod3 is Running\n"


@pytest.mark.parametrize("template,error", [
    ("{.hello", "unclosed action"),
    ("{*}", "unrecognized character in action: U+002A '*'"),
    ("{+12.3.0}", "cannot parse number +12.3.0"),
    ("{[1}", "unterminated array"),
    ("{[?(.price]}", "unterminated filter"),
    ("{........}", "invalid multiple recursive descent"),
    ("{.items[*}", "unterminated array"),
    ("{.a[?(@.b==1)}", "unclosed array expect ]"),
    ('{"abc}', "unterminated quoted string"),
    ("{.a[x]}", "invalid array index x"),
    ("{end}", "not in range, nothing to end"),
    ("{foo}", "unrecognized identifier foo"),
])
def test_parse_and_execution_errors(template, error):
    # parser_test.go failParserTests for the first six
    with pytest.raises(JSONPathError) as e:
        render(template, {"a": [{"b": 1}]})
    assert str(e.value) == error


def test_filter_comparisons_follow_go_template_rules():
    data = {"ports": [{"name": "http", "port": 80}, {"name": "https", "port": 443}, {"name": "dns", "port": 53}]}
    assert render("{.ports[?(@.port>80)].name}", data) == "https"
    assert render("{.ports[?(@.port<=80)].name}", data) == "http dns"
    assert render("{.ports[?(@.name!='http')].port}", data) == "443 53"
    with pytest.raises(JSONPathError, match="^incompatible types for comparison$"):
        render('{.ports[?(@.port=="80")].name}', data)


def test_literal_text_and_quotes():
    assert render('x={.a} {"{"}\'\\n', {"a": "y"}) == "x=y {'\\n"
    assert render("{'tab\\there'}", {}) == "tab\there"


def test_missing_keys_print_nothing_and_null_prints_null():
    assert render("{.metadata.missing}", {"metadata": {}}) == ""
    assert render("{.a}", {"a": None}) == "null"


def test_jsonpath_as_json():
    assert JSONPath("{.items[*].n}", output_json=True).execute({"items": [{"n": 1}, {"n": "x"}]}) == (
        '[\n    1,\n    "x"\n]\n')


def test_relaxed_expression_for_custom_columns():
    assert [relaxed_jsonpath(e) for e in ("metadata.name", ".metadata.name", "{metadata.name}", "{.metadata.name}")] \
        == ["{.metadata.name}"] * 4
    with pytest.raises(JSONPathError, match="^unexpected path string"):
        relaxed_jsonpath("{.a}{.b}")
