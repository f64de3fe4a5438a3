"""The project's Markdown pages read with markdown-it-py (CommonMark): their links, headings as
anchors, and fenced blocks, for the docs tests."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from monitors.naming import PROJECT_ROOT

PARSER = MarkdownIt("commonmark").enable("table")


def pages() -> list[Path]:
    """Every Markdown page a reader may open: README, CONTRIBUTING and docs/."""
    top = [PROJECT_ROOT / name for name in ("README.md", "CONTRIBUTING.md")]
    return [p for p in top if p.is_file()] + sorted((PROJECT_ROOT / "docs").rglob("*.md"))


@cache
def tokens(path: Path) -> list[Token]:
    return PARSER.parse(path.read_text())


def _walk(items: list[Token]) -> Iterator[Token]:
    for token in items:
        yield token
        if token.children:
            yield from _walk(token.children)


def links(path: Path) -> list[str]:
    """Every link and image target on the page, as written."""
    found = []
    for token in _walk(tokens(path)):
        if token.type == "link_open":
            found.append(str(token.attrs["href"]))
        elif token.type == "image":
            found.append(str(token.attrs["src"]))
    return found


def slug(text: str) -> str:
    """GitHub's anchor for a heading: lowercase, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """The anchors the page's headings get (a repeated heading gets -1, -2, ...)."""
    found: set[str] = set()
    items = tokens(path)
    for opening, inline in itertools.pairwise(items):
        if opening.type != "heading_open":
            continue
        text = "".join(child.content for child in inline.children or [])
        base = candidate = slug(text)
        count = 0
        while candidate in found:
            count += 1
            candidate = f"{base}-{count}"
        found.add(candidate)
    return found


@dataclass(frozen=True)
class Block:
    """A fenced code block: its info string and its text."""

    info: str
    text: str


def fenced_blocks(path: Path) -> list[Block]:
    return [Block(t.info.strip(), t.content) for t in tokens(path) if t.type == "fence"]
