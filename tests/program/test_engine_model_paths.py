"""The engine model's `ignore_changes` on dotted paths, as pulumi `PropertyPath.reset` does it
(sdk/go/common/resource/properties_path.go): the data quality backend ignores nested inputs."""

from __future__ import annotations

import pytest

from tests.fakes.engine import process_ignore_changes

OLD = {"config": {"warehouseId": "wh1", "assetsDir": "/a", "slicing": ["x"]}, "top": 1}

CASES = {
    "a nested key takes its old value": (
        {"config": {"warehouseId": "wh2", "assetsDir": "/a", "slicing": ["y"]}, "top": 1},
        ["config.warehouseId"],
        {"config": {"warehouseId": "wh1", "assetsDir": "/a", "slicing": ["y"]}, "top": 1},
    ),
    "a nested key the old object lacks is dropped": (
        {"config": {"skip": True, "assetsDir": "/a"}},
        ["config.skip"],
        {"config": {"assetsDir": "/a"}},
    ),
    "a path whose parent the new inputs lack changes nothing": (
        {"top": 2},
        ["config.warehouseId"],
        {"top": 2},
    ),
    "a parent the old inputs lack drops the key": (
        {"other": {"warehouseId": "wh9"}},
        ["other.warehouseId"],
        {"other": {}},
    ),
}


@pytest.mark.parametrize(("new", "paths", "expected"), CASES.values(), ids=CASES)
def test_a_dotted_ignore_changes_path_resets_only_its_last_key(new, paths, expected):
    assert process_ignore_changes(new, OLD, paths) == expected


def test_the_new_inputs_are_not_changed_in_place():
    new = {"config": {"warehouseId": "wh2"}}
    process_ignore_changes(new, OLD, ["config.warehouseId"])
    assert new == {"config": {"warehouseId": "wh2"}}
