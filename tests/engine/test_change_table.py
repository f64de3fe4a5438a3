"""The change table (tests/change_table.py) played by the real engine and provider.

The same rows that drive the mock-runtime program tests and the change report: each settles a
stack with the deployed side through a real `pulumi up`, then edits the scratch project to the
other side. The real `pulumi preview --json` must take the row's step for every monitor (and
give a replace's reasons), and the real `pulumi up` must reach the workspace accordingly: an
update is one PUT (legacy) or PATCH (data quality) and never a delete; a replace is a DELETE
then a POST, in that order; every other monitor sees no write at all.
"""

from __future__ import annotations

import json

import pytest

from tests.change_table import ROW_IDS, ROWS, Row
from tests.helpers.real_engine import Project

BACKENDS = ("legacy", "data_quality")
# The engine's steps for a monitor, as `pulumi preview --json` names them, by row outcome
# (pkg/resource/deploy/step.go: a delete-before-replace is delete-replaced + create-replacement,
# summarised as replace).
STEPS = {
    "same": {"same"},
    "update": {"update"},
    "replace": {"replace", "delete-replaced", "create-replacement"},
}
WRITES = {"same": None, "update": "update", "replace": "replace"}


def _settle(project: Project, row: Row, api: str) -> tuple[int, Row]:
    before, _ = row.sides()
    settings = dict(before.settings)
    if api != "legacy":
        settings["api"] = api
    project.init_stack(row.stack, **settings)
    project.write_declarations(before.declarations)
    # Settled as the program tests settle a stack (tests/program/conftest.py `deployed`): the
    # first run creates the monitors without a replacement trigger, the second gives them one.
    project.up(row.stack)
    project.up(row.stack)
    return project.mark(), row


@pytest.mark.parametrize("api", BACKENDS)
@pytest.mark.parametrize("row", ROWS, ids=ROW_IDS)
def test_each_edit_does_what_the_change_table_says(project: Project, row: Row, api: str) -> None:
    if row.outcome == "replace" and row.stack == "prod":
        pytest.fail("a replacing row in prod needs a reset: played by test_prod_protection")
    since, _ = _settle(project, row, api)
    _, after = row.sides()
    project.write_declarations(after.declarations)
    for key, value in after.settings.items():
        project.setting(row.stack, key, value)
    preview = project.pulumi("preview", "--stack", row.stack, "--json")
    steps = {
        s["urn"].rsplit("::", 1)[1]: s["op"]
        for s in json.loads(preview.stdout).get("steps", [])
        if "QualityMonitor" in s["urn"]
    }
    assert project.writes(since) == [], "a preview wrote to the workspace"
    for table in after.declarations:
        assert steps.get(table, "same") in STEPS[row.expected(table)], (table, steps)
    for reason in row.reasons:
        assert reason in preview.stdout, reason
    project.up(row.stack)
    outcomes = project.outcomes(since)
    expected = {t: WRITES[row.expected(t)] for t in after.declarations}
    assert {t: outcomes.get(t) for t in after.declarations} == expected
