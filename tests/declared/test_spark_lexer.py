"""Databricks SQL split as Spark's lexer splits it (SqlBaseLexer.g4, unescapeSQLString): one
test per grammar rule, with the cases where sqlglot's tokenizer reads the text otherwise."""

from __future__ import annotations

import pytest

from monitors.declared.spark_lexer import UNCLOSED_COMMENT, SparkLexError, pieces, without_comments


def kinds(text: str) -> list[tuple[str, str]]:
    return [(piece.kind, piece.text) for piece in pieces(text)]


def test_a_bracketed_comment_nests():
    assert without_comments("/* a /* b */ c */ SELECT 1") == "  SELECT 1"


@pytest.mark.parametrize(
    "text",
    ["/* slice /products/* */ SELECT 1", "SELECT 1 /* a /* b */", "/*/ SELECT 1", "SELECT /*"],
)
def test_a_bracketed_comment_left_open_by_a_nested_opener_fails_the_statement(text):
    with pytest.raises(SparkLexError) as caught:
        pieces(text)
    assert str(caught.value) == UNCLOSED_COMMENT


def test_a_hint_is_no_comment_and_does_not_nest_inside_one():
    assert without_comments("SELECT /*+ REPARTITION(2) */ 1") == "SELECT /*+ REPARTITION(2) */ 1"
    assert without_comments("/* see /*+ hints */ SELECT 1") == "  SELECT 1"


def test_a_line_comment_ends_at_the_line_break_unless_a_backslash_carries_it_on():
    assert without_comments("SELECT 1 -- note\n, 2") == "SELECT 1  , 2"
    assert without_comments("SELECT 1 -- note \\\n, 2\nFROM t") == "SELECT 1  FROM t"


def test_comment_marks_inside_a_string_or_a_quoted_name_are_text():
    assert kinds("SELECT '/* -- */', `/*` FROM t") == [
        ("code", "SELECT "),
        ("string", "'/* -- */'"),
        ("code", ", "),
        ("identifier", "`/*`"),
        ("code", " FROM t"),
    ]


def test_quotes_inside_a_comment_are_comment_text():
    assert without_comments("/* it's */ SELECT 1") == "  SELECT 1"


@pytest.mark.parametrize(
    ("literal", "value"),
    [
        ("'it\\'s'", "it's"),
        ("'a\\\\b'", "a\\b"),
        ("'line\\nbreak\\ttab\\rcr'", "line\nbreak\ttab\rcr"),
        ("'\\u0001\\U0001F600'", "\x01\U0001f600"),
        ("'\\101\\0'", "A\0"),
        ("'\\%\\_'", "\\%\\_"),
        ("'\\q'", "q"),
        ('"dq \\" x"', 'dq " x'),
        ("r'a\\b'", "a\\b"),
        ('R"a\\b"', "a\\b"),
    ],
)
def test_a_string_literal_reads_as_spark_reads_it(literal, value):
    ((kind, text),) = kinds(literal)
    assert (kind, text) == ("string", literal)
    assert pieces(literal)[0].value == value


def test_an_r_inside_a_name_does_not_start_a_raw_string():
    assert kinds("SELECT colr'x'")[1] == ("string", "'x'")


def test_a_doubled_backtick_stays_inside_a_quoted_name():
    assert kinds("`a``b` x") == [("identifier", "`a``b`"), ("code", " x")]


@pytest.mark.parametrize("text", ["SELECT 'open", 'SELECT "open', "SELECT `open", "SELECT 'a\\'"])
def test_a_quote_left_open_fails_the_statement(text):
    with pytest.raises(SparkLexError, match="is not closed"):
        pieces(text)
