"""The baseline table goes unquoted into the API body: a plain table name, or three of them."""

from __future__ import annotations

import pytest

from tests.declared.declaration_cases import refusals
from tests.helpers.declarations import declaration

ACCEPTED = ["fact_booking_daily_baseline", "wanderbricks.wanderbricks_gold.baseline_2025"]
REFUSED = {
    "two parts": "wanderbricks_gold.baseline",
    "four parts": "a.b.c.d",
    "an empty part": "wanderbricks..baseline",
    "a trailing newline": "baseline\n",
    "a path": "../other/baseline",
    "a query string": "baseline?x=1",
    "capital letters": "Baseline",
    "too long": "b" * 256,
}


@pytest.mark.parametrize("name", ACCEPTED)
def test_a_plain_or_fully_qualified_baseline_table_is_accepted(name):
    assert refusals(declaration(baseline_table_name=name)) == []


@pytest.mark.parametrize("name", REFUSED.values(), ids=REFUSED.keys())
def test_a_baseline_table_that_is_not_plain_names_is_refused(name):
    (refusal,) = refusals(declaration(baseline_table_name=name))
    assert refusal.startswith("baseline_table_name: ")
