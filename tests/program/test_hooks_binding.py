"""Which hooks the program binds, and when the purge hook is armed."""

from __future__ import annotations

import runpy

from monitors.declared.settings import read_stack_config
from monitors.program.register import Hooks
from tests.fakes.mock_runtime import run_program
from tests.helpers.program import ROOT, deployed, stack_config

TABLE = "fact_booking_daily"


def test_every_monitor_gets_the_refresh_and_purge_hooks():
    run = run_program(
        lambda: runpy.run_path(str(ROOT / "__main__.py")),
        stack="dev",
        config=read_stack_config("dev"),
    )
    assert len(run.registrations) == 5
    for registration in run.registrations:
        assert registration.hooks == {
            "after_delete": ["lakehouse-monitors-purge-on-reset"],
            "after_update": ["lakehouse-monitors-refresh-after-update"],
        }


def test_no_refresh_hook_when_the_stack_turns_it_off():
    config = read_stack_config("dev")
    config["lakehouse-monitors:refreshAfterUpdate"] = False
    run = run_program(lambda: runpy.run_path(str(ROOT / "__main__.py")), stack="dev", config=config)
    assert all("after_update" not in r.hooks for r in run.registrations)


def armed_tables(stack, config) -> set[str]:
    hooks = Hooks()
    stack.up(config=config, hooks=hooks)
    return hooks.purge_tables


def test_purge_is_armed_by_a_new_reset_that_asks_for_it(declarations):
    stack = deployed(declarations)
    config = stack_config("dev", resets={TABLE: {"token": "t1", "purge": True}})
    assert armed_tables(stack, config) == {TABLE}


def test_purge_is_not_armed_by_a_reset_without_purge(declarations):
    stack = deployed(declarations)
    config = stack_config("dev", resets={TABLE: {"token": "t1", "purge": False}})
    assert armed_tables(stack, config) == set()


def test_purge_is_not_armed_once_the_reset_has_been_applied(declarations):
    config = stack_config("dev", resets={TABLE: {"token": "t1", "purge": True}})
    stack = deployed(declarations, config=config)
    assert armed_tables(stack, config) == set()
