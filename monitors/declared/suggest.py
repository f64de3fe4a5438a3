"""What a user most likely meant by a name we do not know: one helper for every "did you mean".

Used for stack settings and declaration keys at every nesting level, and for metric names. The
order says how likely each reading is:
1. a known alias: a name people use for one of ours (`mean_absolute_error`, the sklearn and
   MLflow name, for the metric tables' `mean_average_error`);
2. the same name written another way: case, `_`, `-` (`gold_schema`, `Protect`);
3. the closest spelling (difflib, ratio 0.6 or better), then the same ignoring case.
An alias is offered only where its target is known there (`mean_average_error` only on an
inference monitor).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence

# Names people write for ours, wherever the target is one of the known names.
ALIASES: Mapping[str, str] = {
    # Databricks' regression column (docs, "Monitor metric tables"; see metric_tables).
    "mean_absolute_error": "mean_average_error",
    # An alert's comparison (AlertV2 calls it `comparison_operator`).
    "operator": "op",
    "comparison_operator": "op",
}


def squash(text: str) -> str:
    """Lowercase letters and digits only: `Lakehouse_Monitors` -> `lakehousemonitors`."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def did_you_mean(
    name: str, known: Sequence[str], aliases: Mapping[str, str] = ALIASES
) -> str | None:
    """The known name `name` most likely means (module doc), or None when none is close."""
    if name in known:
        return None
    target = aliases.get(name)
    if target is not None and target in known:
        return target
    for candidate in known:
        if squash(candidate) == squash(name):
            return candidate
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        return close[0]
    lowered = {candidate.lower(): candidate for candidate in known}
    close = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[close[0]] if close else None


def hint(name: str, known: Sequence[str], aliases: Mapping[str, str] = ALIASES) -> str:
    """`; did you mean 'x'?` for what `name` most likely means, or "" when nothing is close."""
    meant = did_you_mean(name, known, aliases)
    return f"; did you mean {meant!r}?" if meant else ""
