"""Ctrl-C at any moment of `migrate`, `adopt`, `reset`, `export` and `verify`: the documented exit
code, no traceback (not even from a thread), and a sentence saying what changed and how to go on.

Each case is a real `python -m monitors` process (through tests/fakes/interrupt_at.py) that gets a
real SIGINT at one moment: while the command's modules are still loading, when a given function
is called (`sys.exit`: as the process ends with its result), or, through the fake CLI's
`interrupt_commands`, while a `pulumi` command runs (the Ctrl-C reaching both, as a terminal
sends it). The fake workspace and the fake
CLI answer as in the other tests of each command.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitors.naming import PROJECT_ROOT, stack_file_name
from monitors.stackops.migrate.journal import journal_path
from tests.fakes.workspace import FakeWorkspace
from tests.helpers.declarations import TABLES
from tests.helpers.fake_cli import FakePulumi, full_name, monitor_resource, same_all
from tests.helpers.migrate import Scene, started_workspace

HARNESS = Path(__file__).resolve().parent.parent / "fakes" / "interrupt_at.py"
NOTHING_CHANGED = "Nothing was changed"


@pytest.fixture
def workspace(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeWorkspace]:
    """The migrate tests' workspace: both stacks' monitors, reached through the environment."""
    with started_workspace(monkeypatch, tmp_path) as fake:
        yield fake


@pytest.fixture
def scene(fake: FakePulumi, project: Path, workspace: FakeWorkspace) -> Scene:
    return Scene(fake, project, workspace)


def interrupted(moment: str, *argv: str) -> subprocess.CompletedProcess[str]:
    """`monitors ARGV` with a SIGINT at `moment` (see tests/fakes/interrupt_at.py)."""
    return subprocess.run(
        [sys.executable, str(HARNESS), moment, "--", *argv],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )


def assert_clean(result: subprocess.CompletedProcess[str], code: int, *sentences: str) -> None:
    """The exit code, no traceback from any thread, and the sentences on stderr."""
    shown = result.stdout + result.stderr
    assert "Traceback" not in shown, shown
    assert "Exception in thread" not in shown, shown
    assert result.returncode == code, shown
    for sentence in sentences:
        assert sentence in result.stderr, result.stderr


def stack_args(project: Path, fake: FakePulumi) -> list[str]:
    return ["--project-dir", str(project), "--pulumi-root", str(fake.root)]


# ---------------------------------------------------------------------------- migrate


def migrate_argv(scene: Scene) -> list[str]:
    extra = stack_args(scene.project, scene.fake)
    return ["migrate", "--stack", "dev", "--to", "data_quality", "--yes", *extra]


# Each test runs `python -m monitors` in a real process and sends it SIGINT (3.4-6.3 s each with
# --durations): `-m 'not slow'` skips them.
pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    "moment",
    [
        "import:monitors.stackops.migrate.command",  # the command's modules loading
        "import:databricks.sdk",  # deep inside a third-party import
        "call:monitors.stackops.migrate.facts:facts_before",  # reading the workspace
        "call:monitors.stackops.migrate.journal:Journal.save",  # writing the journal
        "call:monitors.stackops.migrate.state_move:write_config",  # the first change, at once
    ],
)
def test_migrate_interrupted_before_any_change_exits_4_and_changed_nothing(
    scene: Scene,
    moment: str,
) -> None:
    scene.install()
    before = scene.stack_file.read_bytes()
    result = interrupted(moment, *migrate_argv(scene))
    assert_clean(result, 4, NOTHING_CHANGED)
    assert scene.stack_file.read_bytes() == before
    assert not journal_path(scene.project, "dev").exists()


def test_migrate_interrupted_while_a_pulumi_command_reads_the_state_exits_4(
    scene: Scene,
) -> None:
    """The Ctrl-C reaches the CLI too, which dies of it; no reader thread of its output fails."""
    scene.install(interrupt_commands={"stack export": "before"})
    before = scene.stack_file.read_bytes()
    assert_clean(interrupted("none", *migrate_argv(scene)), 4, NOTHING_CHANGED)
    assert scene.stack_file.read_bytes() == before


def test_migrate_interrupted_part_way_exits_1_saying_where_each_monitor_stands(
    scene: Scene,
) -> None:
    scene.install(interrupt_commands={"state remove": "after"})
    result = interrupted("none", *migrate_argv(scene))
    assert_clean(
        result,
        1,
        "Where each monitor stands now:",
        "run the same command again: monitors migrate --stack dev --to data_quality",
    )


def test_migrate_interrupted_again_while_it_reports_exits_1_saying_how_to_go_on(
    scene: Scene,
) -> None:
    scene.install(fail_commands={"import": "error: the import failed"})
    result = interrupted("call:monitors.stackops.migrate.stopped:stopped", *migrate_argv(scene))
    assert_clean(
        result,
        1,
        "interrupted again",
        "run the same command again: monitors migrate --stack dev --to data_quality",
    )


def test_migrate_interrupted_as_it_ends_keeps_its_result(scene: Scene) -> None:
    scene.install()
    result = interrupted("call:sys:exit", *migrate_argv(scene))
    assert_clean(result, 0)
    assert "every monitor kept its history" in result.stdout


# ---------------------------------------------------------------------------- reset


def reset_scenario(fake: FakePulumi, **extra: object) -> None:
    steps = same_all("dev", but={"dim_host": "replace"})
    steps.sort(key=lambda s: s["op"] != "replace")
    stacks = fake.scenario["stacks"]
    stacks["dev"] = {"resources": [monitor_resource("dev", t) for t in TABLES], "outputs": {}}
    fake.write(stacks=stacks, preview={"steps": steps}, up={"steps": steps}, **extra)


def reset_argv(project: Path, fake: FakePulumi) -> list[str]:
    return ["reset", "--stack", "dev", "--table", "dim_host", "--yes", *stack_args(project, fake)]


@pytest.mark.parametrize(
    "moment",
    [
        "import:monitors.stackops.reset.command",
        "call:monitors.stackops.reset.tokens:write_reset",
        "call:monitors.stackops.reset.confirm:check_plan",
    ],
)
def test_reset_interrupted_before_the_update_exits_4_and_puts_the_stack_file_back(
    fake: FakePulumi,
    project: Path,
    moment: str,
) -> None:
    reset_scenario(fake)
    before = (project / stack_file_name("dev")).read_bytes()
    assert_clean(interrupted(moment, *reset_argv(project, fake)), 4, NOTHING_CHANGED)
    assert (project / stack_file_name("dev")).read_bytes() == before


def test_reset_interrupted_while_the_preview_runs_exits_4(
    fake: FakePulumi,
    project: Path,
) -> None:
    reset_scenario(fake, interrupt_commands={"preview": "before"})
    before = (project / stack_file_name("dev")).read_bytes()
    result = interrupted("none", *reset_argv(project, fake))
    assert_clean(result, 4, NOTHING_CHANGED)
    assert (project / stack_file_name("dev")).read_bytes() == before


def test_reset_interrupted_while_the_engine_reports_events_exits_4_without_a_thread_traceback(
    fake: FakePulumi,
    project: Path,
) -> None:
    """The interrupt arrives while the Automation API's threads read the preview's output: the
    main thread used to unwind through `Popen`, closing the pipes those threads read ("Exception
    in thread (consumer) ... I/O operation on closed file")."""
    reset_scenario(fake)
    before = (project / stack_file_name("dev")).read_bytes()
    moment = "call:monitors.stackops.events:EventLog.__call__"
    assert_clean(interrupted(moment, *reset_argv(project, fake)), 4, NOTHING_CHANGED)
    assert (project / stack_file_name("dev")).read_bytes() == before


def test_reset_interrupted_while_putting_the_stack_file_back_says_what_is_left(
    fake: FakePulumi,
    project: Path,
) -> None:
    reset_scenario(fake, fail_commands={"preview": "error: the preview failed"})
    result = interrupted("call:monitors.stackops.reset.restore:restore", *reset_argv(project, fake))
    assert_clean(result, 1, "pulumi config rm --stack dev --path 'resets.dim_host'")
    assert NOTHING_CHANGED not in result.stderr


def test_reset_interrupted_as_it_ends_keeps_its_result(
    fake: FakePulumi,
    project: Path,
) -> None:
    reset_scenario(fake)
    result = interrupted("call:sys:exit", *reset_argv(project, fake))
    assert_clean(result, 0)


# ---------------------------------------------------------------------------- adopt


def adopt_scenario(fake: FakePulumi, **extra: object) -> None:
    stacks = fake.scenario["stacks"]
    stacks["dev"] = {"resources": []}
    fake.write(
        stacks=stacks,
        cloud={full_name("dev", t): {"tableName": full_name("dev", t)} for t in TABLES},
        preview={"steps": same_all("dev")},
        **extra,
    )


def adopt_argv(project: Path, fake: FakePulumi) -> list[str]:
    return ["adopt", "--stack", "dev", *stack_args(project, fake)]


def test_adopt_interrupted_before_the_import_exits_4_and_imported_nothing(
    fake: FakePulumi,
    project: Path,
) -> None:
    adopt_scenario(fake)
    result = interrupted("import:monitors.stackops.adopt", *adopt_argv(project, fake))
    assert_clean(result, 4, "Nothing was imported")
    assert fake.resources("dev") == []


def test_adopt_interrupted_during_the_import_exits_1_with_each_monitors_state(
    fake: FakePulumi,
    project: Path,
) -> None:
    adopt_scenario(fake, interrupt_commands={"import": "after"})
    result = interrupted("none", *adopt_argv(project, fake))
    assert_clean(result, 1, "State of each monitor now:", "run the same adopt again")


def test_adopt_interrupted_after_the_import_exits_1_saying_what_was_imported(
    fake: FakePulumi,
    project: Path,
    workspace: FakeWorkspace,
) -> None:
    adopt_scenario(fake)
    result = interrupted("call:monitors.stackops.adopt:_show_alignment", *adopt_argv(project, fake))
    assert_clean(result, 1, "imported into stack 'dev'", "pulumi preview --stack dev")


# ---------------------------------------------------------------------------- export, verify


@pytest.mark.parametrize(
    "moment",
    [
        "import:monitors.workspace.export",
        "call:monitors.workspace.client:preflight",
        "call:monitors.workspace.export:export_monitors",
        "call:monitors.workspace.export:write_declaration",
    ],
)
def test_export_interrupted_anywhere_exits_4_saying_it_changed_nothing_in_databricks(
    project: Path,
    workspace: FakeWorkspace,
    moment: str,
) -> None:
    argv = ["export", "--stack", "dev", "--table", "dim_user", "--force"]
    result = interrupted(moment, *argv, "--project-dir", str(project))
    assert_clean(result, 4, "export changes nothing in Databricks")


@pytest.mark.parametrize(
    "moment",
    [
        "import:databricks.sdk",
        "call:monitors.workspace.client:preflight",
        "call:monitors.workspace.verify.wait:_poll",
        "call:monitors.workspace.verify.checks:verify_monitor",
    ],
)
def test_verify_interrupted_anywhere_exits_4_saying_it_changed_nothing(
    project: Path,
    workspace: FakeWorkspace,
    moment: str,
) -> None:
    argv = ["verify", "--stack", "dev", "--wait", "--timeout", "5"]
    result = interrupted(moment, *argv, "--project-dir", str(project))
    assert_clean(result, 4, "verify only reads the workspace: nothing was changed")


def test_verify_interrupted_as_it_ends_keeps_its_result(
    project: Path,
    workspace: FakeWorkspace,
) -> None:
    argv = ["verify", "--stack", "dev", "--project-dir", str(project)]
    result = interrupted("call:sys:exit", *argv)
    assert result.returncode in (0, 1)
    assert_clean(result, result.returncode)


@pytest.mark.parametrize(
    "moment",
    [
        "import:monitors.workspace.coverage_report",
        "call:monitors.workspace.schema_listing:list_tables",
        "call:monitors.workspace.coverage:read_monitor",  # in a worker thread
    ],
)
def test_coverage_interrupted_anywhere_exits_4_saying_it_changed_nothing(
    project: Path,
    workspace: FakeWorkspace,
    moment: str,
) -> None:
    argv = ["coverage", "--stack", "dev", "--workers", "4"]
    result = interrupted(moment, *argv, "--project-dir", str(project))
    assert_clean(result, 4, "coverage only reads the workspace: nothing was changed")
