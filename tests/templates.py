"""The shipped declarations moved into templates, for the tests that prove a move is no change
(under the mocks and under the real engine)."""

from __future__ import annotations

import copy
from typing import Any

from monitors.declared.templates import NAMED_LISTS, merge_override

FACTS = ["fact_booking_daily", "fact_property_engagement"]
DIMS = ["dim_host", "dim_property", "dim_user"]


def patch_between(base: dict[str, Any], wanted: dict[str, Any]) -> dict[str, Any]:
    """An override turning the template's `base` into `wanted` (checked by merging it)."""
    patch: dict[str, Any] = {key: None for key in base if key not in wanted}
    for key, value in wanted.items():
        if key in NAMED_LISTS:
            names = {entry["name"] for entry in value}
            gone = [{"name": e["name"], "remove": True} for e in base.get(key, [])]
            patch[key] = [g for g in gone if g["name"] not in names] + value
        elif base.get(key) != value:
            patch[key] = value
    merged = merge_override(base, patch)
    for key in NAMED_LISTS:  # entry order follows the template's: compare by name
        if key in merged:
            merged[key] = sorted(merged[key], key=lambda e: e["name"])
            wanted = {**wanted, key: sorted(wanted[key], key=lambda e: e["name"])}
    assert merged == wanted
    return patch


def as_templates(own: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The shipped declarations moved into two templates: the dimensions as a list, the facts
    as a pattern, each table's differences as its override."""
    dims = copy.deepcopy(own["dim_host"])
    dims_file = {
        "tables": DIMS,
        **dims,
        "overrides": {t: patch_between(dims, own[t]) for t in DIMS if t != "dim_host"},
    }
    facts = copy.deepcopy(own["fact_booking_daily"])
    facts_file = {
        "tables": {"like": "fact\\_%"},
        **facts,
        "overrides": {"fact_property_engagement": patch_between(facts, own[FACTS[1]])},
    }
    return {"dimensions": dims_file, "facts": facts_file}
