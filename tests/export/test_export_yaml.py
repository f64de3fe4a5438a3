"""The exported file's text: every value reads back as itself with the project's YAML reader,
plain where that is safe, quoted where a plain scalar would mean something else."""

from __future__ import annotations

import pytest

from monitors.declared.yamlfile import load_yaml
from monitors.export.form import (
    friendly_granularity,
    friendly_output_type,
    short_table_name,
    suggested_definition,
)
from monitors.export.render import MODELINE, RenderError, render_declaration, scalar
from tests.helpers.shipped_monitors import settings_of

PLAIN = [
    "COUNT_IF(is_current AND (email IS NULL OR email = ''))",
    "0 0 6 * * ?",
    "/Workspace/Shared/lakehouse_monitoring/prod/dim_host",
    "total_cancellations / NULLIF(total_bookings, 0)",
    "a@example.com",
    "yes",  # a string in YAML 1.2 (Pulumi's reader and ours), unlike YAML 1.1
    "Europe/Paris",
]
QUOTED = [
    "0o17",  # an integer to yaml.v3 and to our reader
    "0x1F",
    "1e3",
    "true",
    "False",
    "null",
    "~",
    "",
    " leading",
    "trailing ",
    "{{current_df}}.x - {{base_df}}.x",
    "[a]",
    "a: b",
    "x #comment",
    "- x",
    "? x",
    "@x",
    "`x`",
    "!x",
    "&x",
    "*x",
    "%x",
    "'x'",
    '"x"',
    "line\nbreak",
    "tab\there",
    "caf\u00e9 \u2028",
]


@pytest.mark.parametrize("text", PLAIN)
def test_a_string_that_reads_back_as_itself_is_written_plain(text):
    assert scalar(text) == text
    assert load_yaml(f"k: {scalar(text)}\n") == {"k": text}


@pytest.mark.parametrize("text", QUOTED)
def test_a_string_that_would_read_back_as_something_else_is_quoted(text):
    assert scalar(text).startswith('"')
    assert load_yaml(f"k: {scalar(text)}\n") == {"k": text}
    assert load_yaml(f"- {scalar(text, in_list=True)}\n") == [text]


def test_a_declaration_reads_back_as_its_data_with_the_modeline_first():
    data = {
        "snapshot": {},
        "slicing_exprs": ["country", "- x", "yes"],
        "custom_metrics": [
            {
                "name": "m",
                "type": "aggregate",
                "input_columns": [":table", "a b"],
                "definition": "SUM(x)\n+ 1",
                "output_data_type": "decimal(18,2)",
            }
        ],
        "notifications": {"on_failure": {"email_addresses": []}},
        "skip_builtin_dashboard": True,
    }
    text = render_declaration(data, ["line one", "with a\nbreak"])
    lines = text.splitlines()
    assert lines[:3] == [MODELINE, "# line one", "# with a\\nbreak"]
    assert '    input_columns: [":table", "a b"]' in lines
    assert "    email_addresses: []" in lines
    assert load_yaml(text) == data


def test_a_value_yaml_cannot_carry_is_refused():
    with pytest.raises(RenderError):
        render_declaration({"snapshot": {}, "x": object()})


@pytest.mark.parametrize(
    ("stored", "written"),
    [
        ('{"metadata":{},"name":"output","nullable":true,"type":"double"}', "double"),
        ('{"metadata":{},"name":"output","nullable":true,"type":"decimal(18,2)"}', "decimal(18,2)"),
        ('{"type": "long", "name": "outdated", "nullable": true, "metadata": {}}', "long"),
        ("double", "double"),
        ("INT", "integer"),
        ('{"metadata":{},"name":"output","nullable":true,"type":"array<int>"}', None),
        ('{"metadata":{},"name":"output","nullable":false,"type":"double"}', None),
    ],
)
def test_output_types_are_written_by_their_type_name(stored, written):
    assert friendly_output_type(stored) == (written if written is not None else stored)


@pytest.mark.parametrize(
    ("stored", "written"), [("1 day", "1 day"), ("1 DAY", "1 day"), ("2  weeks", "2 weeks")]
)
def test_granularities_are_written_as_declarations_spell_them(stored, written):
    assert friendly_granularity(stored) == written


@pytest.mark.parametrize(
    ("stored", "written"),
    [
        ("wanderbricks.wanderbricks_gold.dim_host_baseline", "dim_host_baseline"),
        ("wanderbricks.reference.dim_host_baseline", "wanderbricks.reference.dim_host_baseline"),
        (
            "wanderbricks_dev.wanderbricks_gold.dim_host",
            "wanderbricks_dev.wanderbricks_gold.dim_host",
        ),
    ],
)
def test_a_baseline_in_the_gold_schema_is_written_by_its_short_name(stored, written):
    assert short_table_name(stored, settings_of("prod")) == written


def test_the_suggested_definition_keeps_the_service_templates():
    assert (
        suggested_definition("{{ a }} / NULLIF({{b}}, 0) + {{input_column}}")
        == "a / NULLIF(b, 0) + {{input_column}}"
    )
