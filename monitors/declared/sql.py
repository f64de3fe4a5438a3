"""Custom metric definitions and slicing expressions read as SQL, with a real parser.

The service takes each definition as "a single SQL column expression" in a Jinja template that
"cannot contain joins or subqueries" (Databricks docs, "Use custom metrics", section "Create
definition"); it is evaluated by Spark inside the service's own query. We parse it with sqlglot's
Databricks dialect after putting placeholders where the `{{...}}` templates are, and sort what we
find into refusals (SQL that can never run: `;`, unbalanced parentheses, statements, SELECT,
joins, clauses) and warnings (what may run but probably not as meant, or what we cannot check).
Anything sqlglot cannot parse is only a warning: its dialect is not Databricks itself.
Comments are found as Spark finds them (`monitors.declared.spark_lexer`: they nest, and a `--`
comment runs on past a backslash at the end of its line) and removed before sqlglot reads the
rest, so both judge the text Spark would run.
"""

from __future__ import annotations

import logging
import re
from functools import cache, lru_cache

# Imported only when an analysis is not in `monitors.declared.sql_cache` (the front door): then
# while the declarations are read, before the program freezes what it has read.
from sqlglot import exp
from sqlglot.dialects.databricks import Databricks
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import Token, TokenType

from monitors.declared.spark_lexer import UNCLOSED_COMMENT, SparkLexError, pieces
from monitors.declared.sql_analysis import SqlAnalysis

TEMPLATE = re.compile(r"\{\{\s*(.*?)\s*\}\}", re.DOTALL)
_JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)
_JINJA_STATEMENT = re.compile(r"\{%.*?%\}", re.DOTALL)
# `{{ input_column | upper }}`: a variable and Jinja filters (jinja2 `Lexer`: `|` applies one).
_FILTERED = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*\|.*", re.DOTALL)
# Jinja's lexer fails on an opening delimiter with no closing one ("unexpected end of
# template"; jinja2/lexer.py `tokeniter`), so the service can never render such a definition.
_OPENERS = {"{{": "}}", "{%": "%}", "{#": "#}"}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# A placeholder no metric or column would be named, so references to it are known templates.
PLACEHOLDER = "__tpl_"
# Whether a text nests too deeply depends on the interpreter's recursion limit, not on the text
# alone: an analysis carrying this warning is never kept on disk (`monitors.declared.sql_cache`).
TOO_DEEP = (
    "could not be checked: it nests too deeply for sqlglot's parser; the service may refuse it"
)
# Control characters other than tab and line breaks: never part of SQL text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Clause keywords: outside parentheses they end the expression (`SUM(x) FROM t`); inside they
# are legal in a few functions (`EXTRACT(YEAR FROM d)`, `COUNT(*) FILTER (WHERE x)`).
_CLAUSES = frozenset(
    {
        TokenType.FROM,
        TokenType.WHERE,
        TokenType.GROUP_BY,
        TokenType.HAVING,
        TokenType.ORDER_BY,
        TokenType.LIMIT,
        TokenType.OFFSET,
        TokenType.QUALIFY,
        TokenType.WINDOW,
        TokenType.UNION,
        TokenType.INTERSECT,
        TokenType.EXCEPT,
    }
)


def not_one_expression(reason: str) -> str:
    """The refusal of anything but one column expression, saying what was found."""
    return (
        f"is not one SQL expression ({reason}): the service takes a single column expression, "
        "with no subqueries or joins"
    )


@cache
def _dialect() -> Dialect:
    """The Databricks dialect, made on first use; sqlglot's fallback chatter silenced."""
    logging.getLogger("sqlglot").setLevel(logging.ERROR)
    return Databricks()


def template_names(text: str) -> tuple[str, ...]:
    """The names inside `{{ ... }}`, each once, in order of first use."""
    return tuple(dict.fromkeys(TEMPLATE.findall(text)))


def template_variable(name: str) -> str:
    """The variable a template reads: itself, or the variable before a Jinja filter."""
    filtered = _FILTERED.fullmatch(name)
    return filtered.group(1) if filtered else name


def unclosed_jinja(text: str) -> str | None:
    """The first Jinja delimiter left open (`{{` with no `}}`), or None."""
    rest = _JINJA_STATEMENT.sub(" ", _JINJA_COMMENT.sub(" ", TEMPLATE.sub(" ", text)))
    found = [(rest.find(opener), opener) for opener in _OPENERS if opener in rest]
    return min(found)[1] if found else None


def _substitute(text: str, names: tuple[str, ...]) -> str:
    """Replace each template by an identifier placeholder the parser can read."""

    def placeholder(match: re.Match[str]) -> str:
        name = match.group(1)
        key = name if _NAME.fullmatch(name) else f"t{names.index(name)}"
        return PLACEHOLDER + key

    return TEMPLATE.sub(placeholder, text)


def _comment_problem(reason: str) -> str:
    """The refusal of text Spark's lexer cannot split (an open comment or quote)."""
    if reason == UNCLOSED_COMMENT:
        return (
            "is not valid SQL: a /* comment is not closed (comments nest in Databricks SQL: "
            "each /* inside a comment needs its own */)"
        )
    return f"is not valid SQL: {reason}"


def _token_errors(tokens: list[Token]) -> list[str]:
    """Refusals visible in the tokens: `;`, unbalanced brackets, SELECT, joins, clauses."""
    errors: list[str] = []
    kinds = [token.token_type for token in tokens]
    if TokenType.SEMICOLON in kinds:
        errors.append("has ';': a definition is one SQL expression, not a statement")
    pairs = {TokenType.R_PAREN: TokenType.L_PAREN, TokenType.R_BRACKET: TokenType.L_BRACKET}
    clauses: list[str] = []
    stack: list[Token] = []
    mismatch: str | None = None
    for token in tokens:
        if token.token_type in pairs.values():
            stack.append(token)
        elif token.token_type in pairs:
            if not stack:
                mismatch = f"a '{token.text}' closes nothing"
                break
            if stack.pop().token_type != pairs[token.token_type]:
                mismatch = f"a '{token.text}' closes the wrong bracket"
                break
        elif not stack and token.token_type in _CLAUSES:
            clauses.append(token.text.upper())
    opened = sum(kinds.count(kind) for kind in pairs.values())
    closed = sum(kinds.count(kind) for kind in pairs)
    if opened != closed:
        errors.append(f"has unbalanced parentheses ({opened} opening, {closed} closing)")
    elif mismatch:
        errors.append(f"has unbalanced parentheses ({mismatch})")
    if TokenType.SELECT in kinds or TokenType.JOIN in kinds:
        errors.append(not_one_expression("it has SELECT or JOIN"))
    elif clauses:
        errors.append(not_one_expression(f"it has a {clauses[0]} clause"))
    return errors


def _tree_errors(tree: exp.Expr) -> list[str]:
    """Refusals in the parsed tree: statements, subqueries, joins."""
    statements = (exp.DDL, exp.DML, exp.Command, exp.Drop, exp.Use, exp.Set, exp.Describe)
    if isinstance(tree, statements):
        return [not_one_expression(f"it is a {tree.key.upper()} statement")]
    if tree.find(exp.Query, exp.Subquery, exp.Join) is not None:
        return [not_one_expression("it has a subquery or join")]
    return []


def _references(tree: exp.Expr) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """Column references by leftmost name; and names read through a template placeholder."""
    parameters = {
        parameter.name for node in tree.find_all(exp.Lambda) for parameter in node.expressions
    }
    names: list[str] = []
    qualified: list[tuple[str, str]] = []
    for column in tree.find_all(exp.Column):
        parts = [part.name for part in column.parts]
        if parts[0].startswith(PLACEHOLDER):
            if len(parts) > 1:
                qualified.append((parts[0].removeprefix(PLACEHOLDER), parts[1]))
        elif parts[0] not in parameters:
            names.append(parts[0])
    return tuple(names), tuple(qualified)


@lru_cache(maxsize=8192)
def analyse(text: str) -> SqlAnalysis:
    """Parse one expression (definition or slicing expression) and judge it; cached by text."""
    raw_names = template_names(text)
    names = tuple(dict.fromkeys(template_variable(name) for name in raw_names))
    if not text.strip():
        return SqlAnalysis(names, errors=("is empty",))
    if _CONTROL.search(text):
        return SqlAnalysis(names, errors=("has a control character: SQL text cannot hold one",))
    opener = unclosed_jinja(text)
    if opener is not None:
        return SqlAnalysis(
            names,
            errors=(
                f"has {opener!r} without a closing {_OPENERS[opener]!r}: the service renders "
                "the text as a Jinja template, which fails on a tag left open",
            ),
        )
    if "{%" in text:
        return SqlAnalysis(
            names, warnings=("has Jinja statements ({% ... %}): its SQL is not checked",)
        )
    written = _substitute(_JINJA_COMMENT.sub(" ", text), raw_names)
    try:
        split = pieces(written)
    except SparkLexError as exc:
        return SqlAnalysis(names, errors=(_comment_problem(str(exc)),))
    line_comment = any(p.kind == "comment" and p.text.startswith("--") for p in split)
    sql = "".join(" " if piece.kind == "comment" else piece.text for piece in split)
    dialect = _dialect()
    try:
        tokens = dialect.tokenize(sql)
    except TokenError as exc:
        reason = _first_line(exc)
        return SqlAnalysis(
            names, errors=(f"is not valid SQL: a quote or comment is not closed ({reason})",)
        )
    errors = _token_errors(tokens)
    warnings = [
        f"{{{{{name}}}}} applies a Jinja filter: only its variable {template_variable(name)} is "
        "checked, not what the filter makes of it"
        for name in raw_names
        if template_variable(name) != name
    ]
    if line_comment:
        warnings.append(
            "has a '--' comment: the service places the definition inside its own query, where "
            "a line comment can swallow what follows it; remove it or use /* ... */"
        )
    if errors:
        return SqlAnalysis(names, tuple(errors), tuple(warnings))
    try:
        return _judge_tree(dialect, tokens, sql, names, warnings)
    except ParseError as exc:
        warnings.append(
            "could not be checked: sqlglot's Databricks dialect cannot parse it "
            f"({_first_line(exc)}); the service may refuse it"
        )
    except RecursionError:  # the parser recurses once per level of nesting
        warnings.append(TOO_DEEP)
    return SqlAnalysis(names, (), tuple(warnings))


def _judge_tree(
    dialect: Dialect, tokens: list[Token], sql: str, names: tuple[str, ...], warnings: list[str]
) -> SqlAnalysis:
    """Parse the tokens and judge the one expression they should make."""
    trees = [tree for tree in dialect.parser().parse(tokens, sql) if tree is not None]
    if len(trees) != 1:
        return SqlAnalysis(names, (not_one_expression(f"{len(trees)} found"),), tuple(warnings))
    (tree,) = trees
    errors = _tree_errors(tree)
    if isinstance(tree, exp.Alias):
        warnings.append(
            "ends in an alias (AS ...): the metric's name already names its column; remove it"
        )
    references, qualified = _references(tree)
    return SqlAnalysis(names, tuple(errors), tuple(warnings), references, qualified)


def _first_line(exc: Exception) -> str:
    """sqlglot's messages carry the highlighted SQL on later lines; keep the reason."""
    return str(exc).splitlines()[0].strip().rstrip(".")
