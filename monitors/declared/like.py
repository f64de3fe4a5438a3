"""Table name patterns: SQL LIKE, as Spark SQL reads it, plus `*` as a second spelling of `%`.

`%` matches any run of characters (none included), `_` exactly one character, and `\\` escapes
the character after it, which must be `%`, `_`, `*` or `\\` (Spark `StringUtils.escapeLikeRegex`:
"the escape character is not allowed to precede 'x'", "it is not allowed to end with the escape
character"). Every other character matches itself. `*` is ours: `SHOW TABLES LIKE 'fact*'`
spells the wildcard so, and no table name this project accepts holds a `*`
(`monitors.declared.identifiers`), so reading it as `%` can never make a name unmatchable;
`\\*` is a literal `*`. The whole name must match (LIKE is anchored at both ends). Names are
lowercase in Unity Catalog, so a pattern with a capital letter could never match and is refused.
"""

from __future__ import annotations

import re

ESCAPABLE = "%_*\\"


def like_regex(pattern: str) -> re.Pattern[str]:
    """The regular expression a LIKE pattern stands for; ValueError says what is wrong."""
    if not pattern:
        raise ValueError("is empty: write a pattern such as 'fact_%'")
    if pattern != pattern.lower():
        raise ValueError(
            f"{pattern!r} has capital letters; Unity Catalog stores table names in lowercase, "
            f"write {pattern.lower()!r}"
        )
    if re.search(r"[\x00-\x1f\x7f]", pattern):
        raise ValueError(f"{pattern!r} has a control character")
    out: list[str] = []
    chars = iter(pattern)
    for char in chars:
        if char == "\\":
            following = next(chars, None)
            if following is None:
                raise ValueError(f"{pattern!r} ends with the escape character '\\'")
            if following not in ESCAPABLE:
                raise ValueError(
                    f"{pattern!r}: '\\' may only precede %, _, * or \\ (not {following!r})"
                )
            out.append(re.escape(following))
        elif char in "%*":
            out.append(".*")
        elif char == "_":
            out.append(".")
        else:
            out.append(re.escape(char))
    return re.compile("".join(out), re.DOTALL)


def has_wildcard(pattern: str) -> bool:
    """True when the pattern matches more than one name (an unescaped %, _ or *)."""
    chars = iter(pattern)
    for char in chars:
        if char == "\\":
            next(chars, None)
        elif char in "%_*":
            return True
    return False
