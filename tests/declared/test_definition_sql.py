"""Definitions and slicing expressions are read by a SQL parser (sqlglot, Databricks dialect).

Source of the rules: a definition is "a single SQL column expression" that "cannot contain joins
or subqueries" (Databricks docs, "Use custom metrics", "Create definition"); the service places
it in its own query, so anything that is not one expression never runs.
"""

from __future__ import annotations

import pytest

from tests.declared.declaration_cases import EXTRA, refusals, warnings
from tests.helpers.declarations import declaration, with_definition


@pytest.mark.parametrize(
    ("definition", "reason"),
    [
        ("SUM(total_guests);", "has ';'"),
        ("SUM(total_guests); DROP TABLE t", "has ';'"),
        ("SUM((total_guests)", "has unbalanced parentheses (2 opening, 1 closing)"),
        ("SUM(total_guests))", "has unbalanced parentheses (1 opening, 2 closing)"),
        (")SUM(total_guests)(", "has unbalanced parentheses (a ')' closes nothing)"),
        ("AVG(x[1)]", "unbalanced parentheses"),
        ("(SELECT SUM(x) FROM t)", "is not one SQL expression (it has SELECT or JOIN)"),
        ("x IN (SELECT id FROM t)", "is not one SQL expression (it has SELECT or JOIN)"),
        ("EXISTS(SELECT 1)", "is not one SQL expression (it has SELECT or JOIN)"),
        ("a JOIN b", "is not one SQL expression (it has SELECT or JOIN)"),
        ("SUM(x) FROM t", "is not one SQL expression (it has a FROM clause)"),
        ("SUM(x) WHERE y > 0", "is not one SQL expression (it has a WHERE clause)"),
        ("SUM(x) GROUP BY y", "is not one SQL expression (it has a GROUP BY clause)"),
        ("SUM(x) UNION SUM(y)", "is not one SQL expression (it has a UNION clause)"),
        ("DROP TABLE t", "is not one SQL expression (it is a DROP statement)"),
        ("SHOW TABLES", "is not one SQL expression (it is a COMMAND statement)"),
        ("SUM('abc)", "is not valid SQL: a ' quote is not closed"),
        ("   ", "is empty"),
        ("SUM(x)\x00", "has a control character"),
    ],
)
def test_a_definition_that_is_not_one_sql_expression_is_refused(definition, reason):
    (line,) = refusals(with_definition(definition))
    assert line.startswith(EXTRA + ": ")
    assert reason in line


@pytest.mark.parametrize(
    "definition",
    [
        "SUM(`from`)",
        "COUNT_IF(`select` = 'x')",
        "SUM(x) /* a note; with a semicolon */",
        "x = 'a;b -- c (d'",
        "EXTRACT(YEAR FROM check_in_date)",
        "COUNT(*) FILTER (WHERE total_guests > 2)",
        "TRIM(BOTH 'x' FROM city)",
        "AGGREGATE(guests, 0, (acc, g) -> acc + g)",
        "PERCENTILE_APPROX(total_guests, 0.5)",
        "AVG(CASE WHEN is_current THEN CAST(rating AS DOUBLE) END)",
        "SUM(payload:price::double)",
        "AVG(`{{input_column}}` * `{{input_column}}`)",
    ],
)
def test_one_sql_expression_is_accepted_whatever_words_it_contains(definition):
    input_columns = ["f1"] if "input_column" in definition else [":table"]
    assert refusals(with_definition(definition, input_columns=input_columns)) == []


def test_a_line_comment_is_a_warning_because_the_service_embeds_the_definition():
    data = with_definition("SUM(total_guests) -- guests, not bookings")
    assert refusals(data) == []
    (line,) = warnings(data)
    assert line.startswith(EXTRA + ": has a '--' comment")


def test_a_block_comment_is_no_warning():
    assert warnings(with_definition("SUM(total_guests) /* guests -- not bookings */")) == []


def test_sql_the_parser_cannot_read_is_a_warning_not_a_refusal():
    data = with_definition("SUM(x) y z")
    assert refusals(data) == []
    (line,) = warnings(data)
    assert "could not be checked: sqlglot's Databricks dialect cannot parse it" in line


def test_an_alias_after_the_expression_is_a_warning():
    (line,) = warnings(with_definition("SUM(total_guests) AS guests"))
    assert "ends in an alias (AS ...)" in line


def test_a_derived_metric_names_aggregates_as_columns_not_function_names():
    """SUM, NULLIF, COALESCE are functions; only column references must be metrics."""
    data = with_definition(
        "COALESCE(total_cancellations, 0) / NULLIF(SUM(total_bookings), 0)", kind="derived"
    )
    assert refusals(data) == []


def test_a_derived_metric_may_name_an_aggregate_in_any_case():
    """Spark resolves column names ignoring case (Unity Catalog: queries are case-insensitive)."""
    data = with_definition("Total_Cancellations / NULLIF(TOTAL_BOOKINGS, 0)", kind="derived")
    assert refusals(data) == []


def test_a_derived_metric_naming_an_unknown_column_is_refused():
    (line,) = refusals(with_definition("total_cancellations / NULLIF(nights, 0)", kind="derived"))
    assert line.startswith(EXTRA + ": names unknown metric(s) nights")


def test_lambda_parameters_are_not_metric_references():
    data = with_definition(
        "AGGREGATE(ARRAY(total_bookings), 0D, (acc, b) -> acc + b)", kind="derived"
    )
    assert refusals(data) == []


def test_a_derived_metric_may_use_built_in_statistics_of_the_profile_table():
    data = with_definition("num_nulls / NULLIF(count, 0) + percent_nan", kind="derived")
    assert refusals(data) == []


def test_a_drift_metric_reading_no_metric_of_the_monitor_is_a_warning():
    data = with_definition("{{current_df}}.nights - {{base_df}}.nights", kind="drift")
    assert refusals(data) == []
    (line,) = warnings(data)
    assert "reads nights through {{current_df}}/{{base_df}}" in line


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("destination_id;", "has ';'"),
        ("(SELECT 1)", "is not one SQL expression"),
        ("country = 'FR'))", "unbalanced parentheses"),
    ],
)
def test_a_slicing_expression_that_is_not_one_sql_expression_is_refused(expression, reason):
    (line,) = refusals(declaration(slicing_exprs=[expression]))
    assert line.startswith("slicing_exprs[0]: ")
    assert reason in line


@pytest.mark.parametrize("expression", ["destination_id", "total_guests > 2", "`from`"])
def test_a_slicing_expression_that_is_one_sql_expression_is_accepted(expression):
    data = declaration(slicing_exprs=[expression])
    assert refusals(data) == []
    assert warnings(data) == []


def test_a_slicing_expression_with_surrounding_whitespace_is_a_warning():
    (line,) = warnings(declaration(slicing_exprs=["destination_id\n"]))
    assert line.startswith("slicing_exprs[0]: has spaces or line breaks around it")


@pytest.mark.parametrize(
    "definition",
    ["SUM(total_guests) /* per /guests/* */", "SUM(total_guests) /* a /* b */"],
)
def test_a_comment_left_open_by_a_nested_opener_is_refused(definition):
    """Comments nest in Databricks SQL (Spark's SqlBaseLexer.g4, BRACKETED_COMMENT)."""
    assert refusals(with_definition(definition)) == [
        EXTRA + ": is not valid SQL: a /* comment is not closed (comments nest in Databricks "
        "SQL: each /* inside a comment needs its own */)"
    ]


def test_a_hint_mark_inside_a_comment_opens_no_other_comment():
    assert refusals(with_definition("SUM(total_guests) /* see /*+ hints */")) == []


def test_a_closed_nested_comment_holding_dashes_is_no_line_comment():
    assert warnings(with_definition("SUM(total_guests) /* a /* b */ -- c */")) == []


def test_a_line_comment_carried_on_by_a_backslash_is_a_warning():
    data = with_definition("SUM(total_guests) -- guests \\\n+ SUM(booking_count)")
    assert refusals(data) == []
    (line,) = warnings(data)
    assert line.startswith(EXTRA + ": has a '--' comment")
