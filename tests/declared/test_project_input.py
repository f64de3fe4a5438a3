"""One input, one judge: whatever a reader found, `build_project` reports the stack file's
problem and every declaration's at once, by the same words (monitors/declared/project.py)."""

from __future__ import annotations

import pytest

from monitors.declared.loader import DeclarationFiles
from monitors.declared.project import build_project
from monitors.declared.project_input import ProjectInput, read_project_input
from monitors.declared.settings import read_stack_config
from monitors.errors import MonitorsError, Problem, StackConfigError
from tests.helpers.project import project_input

BROKEN = "monitors/declarations/dim_host.yaml"
BROKEN_LINE = f"{BROKEN}: monitor dim_host: is not valid YAML: line "
TWICE = {
    "d/a.yaml": "tables: [dim_x]\nsnapshot: {}\n",
    "d/b.yaml": "tables: [dim_x]\nsnapshot: {}\n",
}

# Each way a stack's settings can be unusable, and the first line it is reported by.
UNUSABLE = {
    "missing": (None, "Pulumi.dev.yaml: no such stack file (stacks: dev, prod)"),
    "unreadable": (
        StackConfigError("Pulumi.dev.yaml", [Problem("", "is a named pipe (FIFO), not a file")]),
        "Pulumi.dev.yaml: is a named pipe (FIFO), not a file",
    ),
    "not YAML": ("config: [\n", "Pulumi.dev.yaml: is not valid YAML: "),
    "an incomplete config from the engine": (
        {},
        "Pulumi.dev.yaml: lakehouse-monitors:catalog: is required",
    ),
}


def errors(given: ProjectInput) -> list[str]:
    with pytest.raises(MonitorsError) as caught:
        build_project(given)
    return str(caught.value).splitlines()


@pytest.mark.parametrize("case", UNUSABLE, ids=UNUSABLE)
def test_unusable_settings_are_reported_with_every_declaration_problem(case):
    source, first = UNUSABLE[case]
    broken = DeclarationFiles({BROKEN: "snapshot: {\n"})
    lines = errors(ProjectInput("dev", source, broken, ("dev", "prod")))
    assert lines[0].startswith(first)
    assert lines[-1].startswith(BROKEN_LINE)


def test_a_table_declared_twice_is_reported_even_when_the_settings_are_unusable():
    (line,) = errors(project_input("dev", "config: [\n", TWICE))[1:]
    assert line.startswith("d/b.yaml: tables: table 'dim_x' is also declared by d/a.yaml")


def test_a_missing_stack_file_says_when_no_stack_has_one():
    (line,) = errors(project_input("staging", None, {}))
    assert line == "Pulumi.staging.yaml: no such stack file (stacks: none)"


def test_the_stack_file_text_and_the_engine_config_make_the_same_project():
    from_text = read_project_input("dev")
    assert isinstance(from_text.config, str)
    from_engine = ProjectInput("dev", read_stack_config("dev"), from_text.declarations)
    assert build_project(from_text) == build_project(from_engine)


def test_the_disk_reader_records_an_unusable_stack_file_instead_of_raising(tmp_path):
    (tmp_path / "Pulumi.dev.yaml").mkdir()
    given = read_project_input("dev", tmp_path)
    assert isinstance(given.config, StackConfigError)
    assert given.known_stacks == ("dev",)
    assert errors(given)[0] == "Pulumi.dev.yaml: is a directory, not a regular file"


def test_the_disk_reader_takes_the_engine_config_without_reading_the_stack_file(tmp_path):
    given = read_project_input("dev", tmp_path, config={"lakehouse-monitors:protect": "true"})
    assert given.config == {"lakehouse-monitors:protect": "true"}
