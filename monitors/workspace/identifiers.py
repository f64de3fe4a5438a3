"""The one rule for names that reach a URL: three plain identifiers, or one plain id.

databricks-sdk formats names into request paths unencoded (e.g. `TablesAPI.delete` sends
`DELETE /api/2.1/unity-catalog/tables/{full_name}`), and requests/urllib3 then resolve dot
segments (`urllib3.util.url.parse_url` -> `_remove_path_dot_segments`). So `?` starts a query,
`#` a fragment, `%2F` a slash at the server, and `../` climbs to another endpoint: a name read from
state such as `cat.gold.fact?x=_profile_metrics` would address the source table. Every workspace
call checks its names here first; anything else is refused before a request is made.

A part is ASCII letters, digits, `_` or `-` (RFC 3986 unreserved characters minus `.` and `~`),
at most 255 characters (Unity Catalog's name limit). No quoting, backticks, spaces, unicode
lookalikes or percent-encoding: the names this product creates never need them.
"""

from __future__ import annotations

import re

from monitors.errors import UnsafeNameError

MAX_PART = 255
_PART = re.compile(r"[A-Za-z0-9_-]{1,255}", re.ASCII)
_ID = re.compile(r"[A-Za-z0-9_-]{1,128}", re.ASCII)


def split_table_name(name: object, what: str = "table name") -> tuple[str, str, str]:
    """`catalog.schema.table` as its three parts; UnsafeNameError for anything else."""
    if not isinstance(name, str):
        raise UnsafeNameError(f"refusing {what} {name!r}: not a string")
    parts = name.split(".")
    if len(parts) != 3 or not all(_PART.fullmatch(p) for p in parts):
        raise UnsafeNameError(
            f"refusing {what} {name!r}: not catalog.schema.table of plain identifiers "
            "(letters, digits, _ or -)"
        )
    return parts[0], parts[1], parts[2]


def table_name(name: object, what: str = "table name") -> str:
    """The name itself once it is three plain identifiers; UnsafeNameError otherwise."""
    return ".".join(split_table_name(name, what))


def schema_name(name: object, what: str = "schema name") -> str:
    """`catalog.schema` of plain identifiers; UnsafeNameError otherwise."""
    parts = name.split(".") if isinstance(name, str) else []
    if len(parts) != 2 or not all(_PART.fullmatch(p) for p in parts):
        raise UnsafeNameError(
            f"refusing {what} {name!r}: not catalog.schema of plain identifiers "
            "(letters, digits, _ or -)"
        )
    return str(name)


def object_id(value: object, what: str = "dashboard id") -> str:
    """An id that is one plain path segment (hex, uuid and the like); UnsafeNameError otherwise."""
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise UnsafeNameError(
            f"refusing {what} {value!r}: not a plain id (letters, digits, _ or -)"
        )
    return value


def same_table(a: str, b: str) -> bool:
    """True when two checked names denote the same table (Unity Catalog names ignore case)."""
    return table_name(a).lower() == table_name(b).lower()
