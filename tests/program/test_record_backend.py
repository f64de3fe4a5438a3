"""The record's `api` field: written only for a monitor on another backend than legacy, so a
legacy stack's record is what it was; read strictly like every other field."""

from __future__ import annotations

import json

import pytest

from monitors.desired.record import entry, parse_entry
from monitors.desired.replacement import Structure
from monitors.errors import RecordError

STRUCTURE = Structure("snapshot", "/Workspace/x/dim_user", None, False, generation=3)


def test_a_legacy_entry_has_no_api_field_and_reads_as_legacy():
    raw = entry(STRUCTURE)
    assert "api" not in json.loads(raw)
    assert parse_entry("dim_user", raw).api == "legacy"


def test_a_data_quality_entry_names_its_backend_and_reads_back_the_same():
    structure = Structure(
        "snapshot", "/Workspace/x/dim_user", None, False, generation=3, api="data_quality"
    )
    raw = entry(structure)
    assert json.loads(raw)["api"] == "data_quality"
    assert parse_entry("dim_user", raw) == structure


@pytest.mark.parametrize("value", ["dq", None, 1, ""])
def test_an_unknown_api_in_the_record_is_refused(value):
    data = {**json.loads(entry(STRUCTURE)), "api": value}
    with pytest.raises(RecordError, match="api: must be one of"):
        parse_entry("dim_user", json.dumps(data))
