"""What the SQL analysis found in one expression: the record `monitors.declared.sql` makes and
`monitors.declared.sql_cache` keeps on disk, importable without sqlglot."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SqlAnalysis:
    """What one SQL expression holds and what is wrong with it.

    `references` are the leftmost names of unqualified and qualified column references, in
    order, placeholders and lambda parameters excluded; None when the text could not be parsed.
    `qualified` maps a template placeholder to the names read through it (`{{base_df}}.x`).
    """

    templates: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    references: tuple[str, ...] | None = None
    qualified: tuple[tuple[str, str], ...] = ()
