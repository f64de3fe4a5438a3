r"""Databricks SQL text as Spark's lexer splits it: comments, string literals, quoted names, code.

sqlglot parses our SQL elsewhere, but where its tokenizer and Spark's differ the difference
decides whether a query runs at all, so these rules follow Spark's grammar
(`sql/api/src/main/antlr4/org/apache/spark/sql/catalyst/parser/SqlBaseLexer.g4`) and its
string decoding (`SparkParserUtils.unescapeSQLString`), rule by rule:

- BRACKETED_COMMENT: `'/*' {!isHint()}? ( BRACKETED_COMMENT | . )*? ('*/' | EOF)`. Comments
  nest: each `/*` inside a comment opens another one that needs its own `*/`, so `/products/*`
  in a comment leaves it open. One that reaches the end of the text fails the statement
  (`markUnclosedComment`, then "[UNCLOSED_BRACKETED_COMMENT] Found an unclosed bracketed
  comment"). `/*+` is a hint (HENT_START), not a comment, and does not nest inside one.
- SIMPLE_COMMENT: `'--' ('\\\n' | ~[\r\n])* '\r'? '\n'?`: to the end of the line, and a
  backslash right before the line break carries the comment on to the next line.
- STRING_LITERAL `'...'` and DOUBLEQUOTED_STRING `"..."`: a backslash escapes the next
  character; raw `R'...'` and `R"..."` (either case: the parser reads upper-cased) have none.
  The value is read as `unescapeSQLString` reads it: `\0 \b \n \r \t \Z`, `\uXXXX`,
  `\UXXXXXXXX`, three-digit octal `\[01][0-7][0-7]`, `\%` and `\_` kept with their backslash,
  any other escaped character as itself.
- BACKQUOTED_IDENTIFIER: '`' ( ~'`' | '``' )* '`'.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PieceKind = Literal["code", "comment", "string", "identifier"]
_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_SIMPLE_ESCAPES = {"0": "\0", "b": "\b", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a"}
_HEX = frozenset("0123456789abcdefABCDEF")
UNCLOSED_COMMENT = (
    "[UNCLOSED_BRACKETED_COMMENT] Found an unclosed bracketed comment. Please, append */ at "
    "the end of the comment."
)


class SparkLexError(Exception):
    """Text Spark's lexer cannot split into a statement's tokens; `str()` says why."""


@dataclass(frozen=True)
class Piece:
    """One stretch of the text: as written, and for a string literal the value it reads as."""

    kind: PieceKind
    text: str
    value: str = ""


def _bracketed_comment_end(text: str, start: int) -> int:
    """Where the bracketed comment opened at `start` ends (after its `*/`), nested ones too."""
    depth, index = 1, start + 2
    while index < len(text):
        if text.startswith("*/", index):
            depth -= 1
            index += 2
            if depth == 0:
                return index
        elif text.startswith("/*", index) and not text.startswith("/*+", index):
            depth += 1
            index += 2
        else:
            index += 1
    raise SparkLexError(UNCLOSED_COMMENT)


def _simple_comment_end(text: str, start: int) -> int:
    """Where a `--` comment ends: after its line break, unless a backslash carries it on."""
    index = start + 2
    while index < len(text):
        if text.startswith("\\\n", index):
            index += 2
        elif text[index] == "\n":
            return index + 1
        elif text.startswith("\r\n", index):
            return index + 2
        elif text[index] == "\r":
            return index + 1
        else:
            index += 1
    return index


def _quoted_end(text: str, start: int, quote: str, escapes: bool) -> int:
    """Where the literal opened by `quote` at `start` ends (after its closing quote)."""
    index = start + 1
    while index < len(text):
        char = text[index]
        if escapes and char == "\\":
            index += 2
        elif char == quote:
            if quote == "`" and text.startswith("``", index):
                index += 2
                continue
            return index + 1
        else:
            index += 1
    raise SparkLexError(f"a {quote} quote is not closed")


def unescape(literal: str) -> str:
    """The value of a string literal as written (quotes included), as Spark reads it."""
    if literal[0] in "rR":
        return literal[2:-1]
    body, out, index = literal[1:-1], [], 0
    while index < len(body):
        char = body[index]
        if char != "\\" or index + 1 == len(body):
            out.append(char)
            index += 1
            continue
        after = body[index + 1]
        if after == "u" and _hex(body, index + 2, 4):
            out.append(chr(int(body[index + 2 : index + 6], 16)))
            index += 6
        elif after == "U" and _hex(body, index + 2, 8):
            out.append(chr(int(body[index + 2 : index + 10], 16)))
            index += 10
        elif _octal(body, index + 1):
            out.append(chr(int(body[index + 1 : index + 4], 8)))
            index += 4
        else:
            out.append(_SIMPLE_ESCAPES.get(after, "\\" + after if after in "%_" else after))
            index += 2
    return "".join(out)


def _hex(text: str, start: int, length: int) -> bool:
    return start + length <= len(text) and all(c in _HEX for c in text[start : start + length])


def _octal(text: str, start: int) -> bool:
    digits = text[start : start + 3]
    return len(digits) == 3 and digits[0] in "01" and all(c in "01234567" for c in digits[1:])


def pieces(text: str) -> list[Piece]:
    """`text` split as Spark's lexer splits it; SparkLexError for an unclosed comment or quote."""
    found: list[Piece] = []
    code: list[str] = []
    index = 0

    def flush() -> None:
        if code:
            found.append(Piece("code", "".join(code)))
            code.clear()

    while index < len(text):
        char = text[index]
        kind: PieceKind
        starts_name = index == 0 or text[index - 1] not in _NAME_CHARS
        if text.startswith("/*", index) and not text.startswith("/*+", index):
            end, kind = _bracketed_comment_end(text, index), "comment"
        elif text.startswith("--", index):
            end, kind = _simple_comment_end(text, index), "comment"
        elif char in "rR" and starts_name and text[index + 1 : index + 2] in ("'", '"'):
            end, kind = _quoted_end(text, index + 1, text[index + 1], escapes=False), "string"
        elif char in "'\"":
            end, kind = _quoted_end(text, index, char, escapes=True), "string"
        elif char == "`":
            end, kind = _quoted_end(text, index, "`", escapes=False), "identifier"
        else:
            code.append(char)
            index += 1
            continue
        flush()
        written = text[index:end]
        found.append(Piece(kind, written, unescape(written) if kind == "string" else ""))
        index = end
    flush()
    return found


def without_comments(text: str) -> str:
    """`text` with each comment replaced by one space, as the parser sees it."""
    return "".join(" " if piece.kind == "comment" else piece.text for piece in pieces(text))
