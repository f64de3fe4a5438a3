"""Stack operations name tables a pattern template covers (resolved by the program's preview)."""

from __future__ import annotations

import pytest

from monitors.declared.project import build_project
from monitors.declared.settings import read_stack_config
from monitors.errors import UnknownTableError
from monitors.stackops.common import Env, resolve_tables
from tests.helpers.project import project_input

FACTS = "tables: {like: 'fact\\_%'}\nsnapshot: {}\n"


def project():
    return build_project(project_input("dev", read_stack_config("dev"), {"d/facts.yaml": FACTS}))


def test_a_table_a_pattern_covers_is_accepted_by_name():
    assert resolve_tables("dev", project(), ["fact_new"], Env()) == ["fact_new"]


def test_a_table_no_declaration_covers_is_still_refused():
    with pytest.raises(UnknownTableError, match="'dim_new' is not a declared monitor"):
        resolve_tables("dev", project(), ["dim_new"], Env())
