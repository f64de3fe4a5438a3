"""Declarations as a hostile but realistic user writes them: each case is refused with the field
named, or accepted with a warning where the service may accept it; never a crash.

Sources: Jinja's lexer fails on a delimiter left open ("unexpected end of template",
jinja2/lexer.py `tokeniter`), and the service renders definitions with Jinja (Databricks docs,
"Use custom metrics", "Create definition"); gopkg.in/yaml.v3 `resolve` reads `0123` as octal 83
(Go's `strconv.ParseInt(s, 0, 64)`) and keeps out-of-range floats as text (`ParseFloat` fails).
"""

from __future__ import annotations

import pytest

from monitors.declared.loader import parse_declaration_text
from monitors.declared.sql import analyse
from monitors.declared.yamlfile import load_yaml
from monitors.errors import DeclarationError
from tests.alerts.test_declared_alerts import alert, with_alerts
from tests.declared.declaration_cases import EXTRA, refusals, warnings
from tests.helpers.declarations import TABLE, declaration, with_definition


def test_a_definition_nested_too_deeply_to_parse_is_a_warning_not_a_crash():
    data = with_definition("(" * 3000 + "total_guests" + ")" * 3000)
    assert refusals(data) == []
    assert warnings(data) == [
        EXTRA + ": could not be checked: it nests too deeply for sqlglot's parser; the service "
        "may refuse it"
    ]


@pytest.mark.parametrize(
    ("definition", "opener", "closer"),
    [
        ("SUM({{input_column)", "{{", "}}"),
        ("SUM({{ input_column )}", "{{", "}}"),
        ("SUM(total_guests) {# a note", "{#", "#}"),
        ("{% if true SUM(total_guests)", "{%", "%}"),
        ("COUNT_IF(status = '{{')", "{{", "}}"),
    ],
)
def test_a_jinja_delimiter_left_open_is_refused(definition, opener, closer):
    data = with_definition(definition, input_columns=["total_guests"])
    assert refusals(data) == [
        f"{EXTRA}: has {opener!r} without a closing {closer!r}: the service renders the text as "
        "a Jinja template, which fails on a tag left open"
    ]


def test_a_jinja_filter_on_a_known_variable_is_a_warning_not_a_refusal():
    data = with_definition("SUM({{ input_column | upper }})", input_columns=["total_guests"])
    assert refusals(data) == []
    assert warnings(data) == [
        EXTRA + ": {{input_column | upper}} applies a Jinja filter: only its variable "
        "input_column is checked, not what the filter makes of it"
    ]


def test_a_jinja_filter_on_an_unknown_variable_is_refused():
    (line,) = refusals(with_definition("SUM({{ total_nights | int }})"))
    assert line.startswith(EXTRA + ": unknown template {{total_nights}}")


def test_closed_jinja_tags_are_not_reported_as_open():
    assert analyse("{# note #}{% if true %}SUM(x){% endif %} + {{input_column}}").errors == ()


@pytest.mark.parametrize("name", ["m_x\n", "a\rb", "tab\there"])
def test_a_name_with_a_line_break_is_shown_on_one_line_in_the_field(name):
    data = declaration()
    data["custom_metrics"][0]["name"] = name
    (line,) = refusals(data)
    assert "\n" not in line and "\r" not in line
    assert line.startswith(f"custom_metrics[0] ({name.encode('unicode_escape').decode()}).name: ")


@pytest.mark.parametrize("profile", ["snapshot", "time_series", "inference_log"])
def test_a_profile_written_with_no_value_is_named_not_taken_as_absent(profile):
    text = f"{profile}:\n"
    with pytest.raises(DeclarationError) as caught:
        parse_declaration_text(TABLE, text, f"{TABLE}.yaml")
    problems = [f"{p.field}: {p.message}" for p in caught.value.problems]
    assert problems[0].startswith(f"{profile}: is empty (null): write `{profile}: ")


@pytest.mark.parametrize("field", ["windows", "violations"])
@pytest.mark.parametrize(
    ("value", "given"),
    [(True, "true"), ("3", "text ('3')"), (2.0, "2.0")],
)
def test_a_count_of_windows_is_an_integer_not_a_bool_or_text(field, value, given):
    data = with_alerts(alert(**{"windows": 3, field: value}))
    wanted = "a whole number written without a decimal point" if value == 2.0 else "a whole number"
    assert refusals(data) == [f"alerts[0] (spike).{field}: must be {wanted}, not {given}"]


@pytest.mark.parametrize(("written", "number"), [("0123", 83), ("0x2a", 42), ("1_000", 1000)])
def test_a_slice_value_yaml_reads_as_another_number_must_be_quoted(written, number):
    (value,) = load_yaml(f"[{written}]\n")
    data = with_alerts(alert(slice={"key": "destination_id", "value": value}))
    assert refusals(data) == [
        f"alerts[0] (spike).slice.value: {written} reads as the number {number}, not the text "
        f"{written!r}: write it in quotes ('{written}')"
    ]


def test_a_plain_decimal_slice_value_is_still_its_text():
    (value,) = load_yaml("[42]\n")
    assert refusals(with_alerts(alert(slice={"key": "destination_id", "value": value}))) == []


@pytest.mark.parametrize("written", ["0123", "-015", "+0_7"])
def test_a_threshold_with_a_leading_zero_is_refused_not_read_as_octal(written):
    (value,) = load_yaml(f"[{written}]\n")
    (line,) = refusals(with_alerts(alert(threshold=value)))
    assert line.startswith(f"alerts[0] (spike).threshold: {written} reads as {int(value)} ")


@pytest.mark.parametrize("written", ["0", "-0", "+5", "0.10", ".5", "5.", "1E3", "1e30", "-2.5e-7"])
def test_a_threshold_in_plain_decimal_is_the_number_written(written):
    (value,) = load_yaml(f"[{written}]\n")
    assert refusals(with_alerts(alert(threshold=value))) == []


@pytest.mark.parametrize(
    ("written", "number"), [("0x10", 16), ("0o20", 16), ("0b10000", 16), ("1_000", 1000)]
)
def test_a_threshold_in_another_base_or_with_separators_is_refused(written, number):
    (value,) = load_yaml(f"[{written}]\n")
    assert refusals(with_alerts(alert(threshold=value))) == [
        f"alerts[0] (spike).threshold: {written} reads as {number}: write the number in plain "
        "decimal digits"
    ]


@pytest.mark.parametrize(
    ("written", "compared"),
    [
        ("1e-400", "0.0"),
        ("9007199254740993", "9007199254740992.0"),
        ("0.30000000000000001", "0.3"),
        ("-123456789012345678901", "-1.2345678901234568e+20"),
    ],
)
def test_a_threshold_a_double_cannot_hold_as_written_is_refused(written, compared):
    (value,) = load_yaml(f"[{written}]\n")
    assert refusals(with_alerts(alert(threshold=value))) == [
        f"alerts[0] (spike).threshold: {written} is not a number a double holds as written: the "
        f"alert would compare with {compared}; write that if it is meant"
    ]


@pytest.mark.parametrize("written", ["1e309", "-2e400", "1" + "0" * 400])
def test_a_threshold_beyond_the_largest_double_is_refused_as_such(written):
    (value,) = load_yaml(f"[{written}]\n")
    (line,) = refusals(with_alerts(alert(threshold=value)))
    assert line.startswith(f"alerts[0] (spike).threshold: {written[:10]}")
    assert line.endswith("is beyond the largest double (1.7976931348623157e308)")


def test_a_threshold_with_separators_in_a_fraction_is_refused():
    (value,) = load_yaml("[1_000.5]\n")
    assert refusals(with_alerts(alert(threshold=value))) == [
        "alerts[0] (spike).threshold: 1_000.5 reads as 1000.5: write the number without '_'"
    ]


@pytest.mark.parametrize("field", ["windows", "violations"])
@pytest.mark.parametrize(("written", "number"), [("0x3", 3), ("03", 3), ("0_3", 3)])
def test_a_count_of_windows_in_another_base_is_refused(field, written, number):
    (value,) = load_yaml(f"[{written}]\n")
    (line,) = refusals(with_alerts(alert(**{"windows": 3, field: value})))
    assert line.startswith(f"alerts[0] (spike).{field}: {written} reads as {number}")


def test_text_where_a_number_is_wanted_is_shown_as_written():
    (value,) = load_yaml("[0123]\n")
    data = declaration(time_series={"timestamp_col": value, "granularities": ["1 day"]})
    assert refusals(data) == ["time_series.timestamp_col: must be text, not a number (0123)"]


@pytest.mark.parametrize("scalar", ["1e999", "-2e400", "12e4567890123456"])
def test_a_float_out_of_range_stays_text_as_pulumis_yaml_reader_keeps_it(scalar):
    assert load_yaml(f"value: {scalar}\n") == {"value": scalar}
