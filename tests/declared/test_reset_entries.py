"""A reset entry names a monitor this stack deploys; one that does not is refused with the way
to remove it, and says whether the table is disabled or not declared at all."""

from __future__ import annotations

import pytest

from monitors.declared.loader import parse_declaration_text
from monitors.declared.project import select_monitors
from monitors.errors import StackConfigError
from tests.declared.test_stack_settings import FILE, from_file

DECLARATION = (
    "snapshot: {}\n"
    "custom_metrics:\n"
    "  - {name: rows, type: aggregate, input_columns: [':table'], definition: COUNT(*),"
    " output_data_type: long}\n"
)
DECLARED = {
    t: parse_declaration_text(t, DECLARATION, f"{t}.yaml") for t in ("dim_host", "dim_user")
}


def refusal(extra: str) -> str:
    settings = from_file(extra)
    with pytest.raises(StackConfigError) as caught:
        select_monitors(settings, DECLARED, FILE)
    return str(caught.value)


@pytest.mark.parametrize(
    ("table", "why"),
    [("dim_user", "declared but not enabled in this stack"), ("dim_usr", "not declared")],
)
def test_a_reset_entry_for_a_monitor_the_stack_does_not_deploy_says_why_and_how_to_remove_it(
    table, why
):
    extra = (
        "  lakehouse-monitors:enabled: [dim_host]\n"
        f"  lakehouse-monitors:resets:\n    {table}: {{token: t1, purge: false}}\n"
    )
    assert refusal(extra) == (
        f"{FILE}: resets.{table}: no monitor of this stack to reset ({why}). If the stack no "
        f"longer deploys it, remove the entry: pulumi config rm --stack prod --path "
        f"'resets.{table}'"
    )


def test_a_reset_entry_for_an_enabled_monitor_is_accepted():
    settings = from_file("  lakehouse-monitors:resets:\n    dim_user: {token: t1, purge: false}\n")
    assert sorted(select_monitors(settings, DECLARED, FILE)) == ["dim_host", "dim_user"]
