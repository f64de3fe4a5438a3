"""The one YAML reader: strict about keys and tags, Pulumi's meaning of scalars, no quoted text."""

from __future__ import annotations

import math

import pytest
import yaml

from monitors.declared.yamlfile import StrictLoader, YamlError, load_yaml

SECRET = "dapi0123456789abcdef"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("protect: true\nprotect: false\n", 2),
        ("config:\n  a: 1\n  b: 2\n  a: 3\n", 4),
        ("custom_metrics:\n  - name: a\n    type: aggregate\n    name: b\n", 4),
        ("schedule: {timezone_id: UTC, timezone_id: PST}\n", 1),
        ("a: 1\n'a': 2\n", 2),  # quoted or not, the same key (yaml.v3 compares the text)
    ],
    ids=["top level", "nested", "inside a list item", "flow mapping on one line", "quoted"],
)
def test_a_key_repeated_in_one_mapping_is_an_error(text, line):
    with pytest.raises(YamlError, match=r"is repeated \(first at line \d+\)") as caught:
        load_yaml(text)
    assert caught.value.line == line


def test_the_same_key_in_different_mappings_is_fine():
    assert load_yaml("a: {x: 1}\nb: {x: 2}\n") == {"a": {"x": 1}, "b": {"x": 2}}


def test_a_merge_key_brings_keys_the_mapping_may_override():
    text = "base: &base {x: 1, y: 2}\nedited:\n  <<: *base\n  x: 3\n"
    assert load_yaml(text)["edited"] == {"x": 3, "y": 2}


@pytest.mark.parametrize(
    ("scalar", "value"),
    [
        ("true", True),
        ("False", False),
        ("yes", "yes"),  # YAML 1.1 booleans are text to gopkg.in/yaml.v3
        ("on", "on"),
        ("n", "n"),
        ("2026-11-26", "2026-11-26"),  # yaml.v3 keeps timestamps as text
        ("1:30", "1:30"),  # no sexagesimal numbers
        ("123", 123),
        ("0123", 83),  # Go's strconv.ParseInt(s, 0, 64): a leading 0 is octal
        ("0o17", 15),
        ("0x1f", 31),
        ("1_000", 1000),
        ("1.5", 1.5),
        ("1e3", 1000.0),
        ("~", None),
        ("null", None),
        ("", None),
    ],
)
def test_scalars_mean_what_they_mean_to_pulumis_yaml_reader(scalar, value):
    assert load_yaml(f"value: {scalar}\n") == {"value": value}


def test_special_floats_are_floats():
    assert math.isinf(load_yaml("a: .inf\n")["a"])
    assert math.isnan(load_yaml("a: .nan\n")["a"])


@pytest.mark.parametrize(
    "text",
    [
        "a: !!binary aGVsbG8=\n",
        "a: !!timestamp 2026-11-26\n",
        "a: !!set {x}\n",
        "a: !!python/object:os.system x\n",
        f"a: !{SECRET} x\n",
    ],
)
def test_tags_beyond_plain_data_are_errors(text):
    with pytest.raises(YamlError, match="a tag that is not plain YAML") as caught:
        load_yaml(text)
    assert SECRET not in str(caught.value)


def test_a_list_or_mapping_as_a_key_is_an_error():
    with pytest.raises(YamlError, match="a key must be plain text"):
        load_yaml("? [a, b]\n: 1\n")


@pytest.mark.parametrize(
    "text",
    [
        f"config:\n  databricks:token: {SECRET}\n   bad: [\n",
        f"config:\n\tdatabricks:token: {SECRET}\n",
        f'config:\n  databricks:token: "{SECRET}\n',
        f"config:\n  databricks:token: {SECRET}\n  x: [1, 2\n",
        f"config:\n  databricks:token: {SECRET}\n  databricks:token: {SECRET}\n",
        f"config:\n  databricks:token: {SECRET}\x00\n",
        f"config: {{databricks:token: {SECRET}}}\n---\nb: 2\n",
    ],
    ids=["indent", "tab", "unterminated quote", "unclosed list", "repeated", "control", "2 docs"],
)
def test_yaml_errors_say_where_and_never_quote_the_file(text):
    with pytest.raises(YamlError) as caught:
        load_yaml(text)
    message = str(caught.value)
    assert SECRET not in message
    assert message.startswith("line ")


def test_an_empty_document_is_none():
    assert load_yaml("") is None
    assert load_yaml("# only a comment\n") is None


def test_the_reader_uses_libyamls_parser():
    """Hundreds of declarations must load as fast as with yaml.CSafeLoader."""
    assert issubclass(StrictLoader, yaml.cyaml.CParser)


def laughs(levels: int) -> str:
    """Each level an anchored list of nine aliases of the one before: 9**levels values."""
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, levels + 1):
        lines.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * 9)}]")
    return "\n".join(lines) + "\n"


def test_aliases_that_expand_beyond_bounds_are_an_error():
    """gopkg.in/yaml.v3 refuses such a document too ("excessive aliasing"); whatever reads
    the data next (JSON, validation) would otherwise run for hours."""
    assert len(load_yaml(laughs(4))["l4"]) == 9
    with pytest.raises(YamlError, match="document contains excessive aliasing"):
        load_yaml(laughs(7))


def test_an_alias_inside_its_own_anchor_is_an_error():
    with pytest.raises(YamlError, match="an alias refers to a value that contains it"):
        load_yaml("slicing_exprs: &a [country, *a]\n")


@pytest.mark.parametrize("text", ["a: " + "[" * 600 + "]" * 600, "a:\n" + "- " * 600 + "x"])
def test_values_nested_too_deep_are_an_error_not_a_recursion_error(text):
    with pytest.raises(YamlError, match="values nested more than 500 levels deep"):
        load_yaml(text + "\n")
