"""`migrate` after things went wrong: a failure or an interrupt at each step, then the same
command again; the refusal that puts everything back; the history proof failing; a migration
resumed without its journal, turned back half-way, or started by a hand edit of `api`."""

from __future__ import annotations

from typing import Any

import pytest

from monitors.errors import ExitCode, MonitorsError, OperationFailedError
from monitors.naming import API_LEGACY, monitor_urn
from monitors.stackops.common import Env
from monitors.stackops.migrate import facts as migration
from monitors.stackops.migrate.command import migrate
from monitors.stackops.migrate.placement import Placement
from tests.helpers.declarations import TABLES
from tests.helpers.fake_cli import full_name
from tests.helpers.migrate import DQ, VERSION, Scene, alert_keys, records

IMPORTED, RECORDED, REMOVED, SOURCE = (
    Placement.IMPORTED,
    Placement.RECORDED,
    Placement.REMOVED,
    Placement.SOURCE,
)


# A whole migrate per test (1.2-2.6 s each, measured with --durations): `-m 'not slow'` skips.
pytestmark = pytest.mark.slow


def failing(scene: Scene, env, **overrides: Any) -> MonitorsError:
    """Run a migration that must fail; return its error."""
    scene.install(**overrides)
    with pytest.raises(MonitorsError) as caught:
        migrate(scene.stack, scene.target, assume_yes=True, env=env)
    return caught.value


def retry(scene: Scene, env, *, fresh: bool):
    """The same command again, once the cause is gone: the scripted runs answer as they would
    now (a fresh start previews the source first)."""
    world = scene.fake.world()
    for key in ("fail_commands", "import", "interrupt_commands"):
        world.pop(key, None)
    previews = [{"steps": scene.same(scene.target)}]
    if fresh:
        previews.insert(0, {"steps": scene.same(scene.api)})
    world["preview"] = previews
    world["up"] = {"steps": scene.same(scene.target), "outputs": scene.outputs(scene.target)}
    scene.fake.write(**world)
    return migrate(scene.stack, scene.target, assume_yes=True, env=env)


def placements_now(scene: Scene, message: str) -> dict[str, str]:
    """The `table: placement` lines of a failure report."""
    found = {}
    for line in message.splitlines():
        table, _, rest = line.strip().partition(": ")
        if table in TABLES and line.startswith("  "):
            found[table] = rest
    return found


def placed(places: dict[str, Placement]) -> dict[str, str]:
    return {t: p.describe(DQ) for t, p in places.items()}


def the_5th(scene: Scene) -> str:
    return f"table,{scene.workspace.table_id_of(full_name('dev', 'fact_booking_daily'))}"


STEPS = {
    "writing the stack file": (
        {"fail_commands": {"config set-all": "could not save Pulumi.dev.yaml"}},
        ExitCode.INVALID,
        dict.fromkeys(TABLES, SOURCE),
    ),
    "the state remove": (
        {"fail_commands": {"state remove": "the backend is busy"}},
        ExitCode.INVALID,
        dict.fromkeys(TABLES, SOURCE),
    ),
    "the import, at its fourth monitor": (
        {"import": {"fail": {"id": "<4th>", "message": "table,... does not exist"}}},
        ExitCode.FAILED,
        {**dict.fromkeys(TABLES[:3], IMPORTED), **dict.fromkeys(TABLES[3:], REMOVED)},
    ),
    "the preview": (
        {"preview": "<failing preview>"},
        ExitCode.FAILED,
        dict.fromkeys(TABLES, IMPORTED),
    ),
    "the update": (
        {"up": "<failing up>"},
        ExitCode.FAILED,
        dict.fromkeys(TABLES, IMPORTED),
    ),
    "the update's record": (
        {"up": "<an update recording the old backend>"},
        ExitCode.FAILED,
        dict.fromkeys(TABLES, IMPORTED),
    ),
    "removing the migration marker": (
        {"fail_commands": {"config rm migratingTo": "could not save Pulumi.dev.yaml"}},
        ExitCode.FAILED,
        dict.fromkeys(TABLES, RECORDED),
    ),
}


def overrides_for(scene: Scene, step: str) -> dict[str, Any]:
    overrides = dict(STEPS[step][0])
    dim_user = monitor_urn("dev", "dim_user", DQ)
    if step.startswith("the import"):
        overrides["import"] = {"fail": {"id": the_5th(scene), "message": "read failed: 503"}}
    if step == "the preview":
        failure = {"urn": dim_user, "message": "the provider plugin crashed"}
        overrides["preview"] = [
            {"steps": scene.same(API_LEGACY)},
            {"steps": scene.same(DQ), "fail": failure},
        ]
    if step == "the update":
        failure = {"urn": dim_user, "message": "PATCH failed: 500"}
        overrides["up"] = {"steps": scene.same(DQ), "fail": failure}  # no outputs recorded
    if step == "the update's record":  # it succeeded, but the program did not record the move
        overrides["up"] = {"steps": scene.same(DQ), "outputs": scene.outputs(API_LEGACY)}
    return overrides


@pytest.mark.parametrize("step", STEPS)
def test_a_failure_at_each_step_is_reported_and_the_same_command_finishes(scene: Scene, env, step):
    original = scene.stack_file.read_bytes()
    error = failing(scene, env, **overrides_for(scene, step))
    _, code, where = STEPS[step]
    assert error.exit_code == code, str(error)
    put_back = code == ExitCode.INVALID
    if put_back:
        assert "Nothing was changed" in str(error)
        assert scene.stack_file.read_bytes() == original and not scene.journal.exists()
        assert scene.state_urns() == scene.urns(API_LEGACY)
    else:
        assert placements_now(scene, str(error)) == placed(where)
        assert "Nothing was deleted in Databricks" in str(error)
        assert "monitors migrate --stack dev --to data_quality" in str(error)
        assert scene.config()["lakehouse-monitors:migratingTo"] == DQ
        assert scene.journal.exists()
    report = retry(scene, env, fresh=put_back)
    assert report.placements == dict.fromkeys(TABLES, RECORDED)
    assert scene.state_urns() == scene.urns(DQ)
    assert "lakehouse-monitors:migratingTo" not in scene.config()
    assert not scene.journal.exists()
    removes = [a for a in scene.fake.argvs() if a[1:3] == ["state", "remove"]]
    assert len(removes) == (2 if step == "the state remove" else 1)
    if step.startswith("the import"):  # the retry imports only what is missing
        assert [r["name"] for r in scene.fake.file_given(1)["resources"]] == TABLES[3:]


INTERRUPTS = {
    "before the state remove is saved": (
        {"interrupt_commands": {"state remove": "before"}},
        ExitCode.ABORTED,
        dict.fromkeys(TABLES, SOURCE),
    ),
    "after the state remove is saved": (
        {"interrupt_commands": {"state remove": "after"}},
        ExitCode.FAILED,
        dict.fromkeys(TABLES, REMOVED),
    ),
    "during the update": (
        {"up": "<interrupted up>"},
        ExitCode.FAILED,
        dict.fromkeys(TABLES, IMPORTED),
    ),
}


@pytest.mark.parametrize("moment", INTERRUPTS)
def test_an_interrupt_is_reported_and_the_same_command_finishes(scene: Scene, env, moment):
    overrides, code, where = INTERRUPTS[moment]
    if moment == "during the update":
        overrides = {"up": {"steps": scene.same(DQ), "interrupt_after": 2}}
    error = failing(scene, env, **overrides)
    assert error.exit_code == code, str(error)
    assert "interrupted" in str(error)
    if code == ExitCode.ABORTED:
        assert "Nothing was changed" in str(error) and not scene.journal.exists()
    else:
        assert placements_now(scene, str(error)) == placed(where)
    report = retry(scene, env, fresh=code == ExitCode.ABORTED)
    assert report.placements == dict.fromkeys(TABLES, RECORDED)
    assert scene.state_urns() == scene.urns(DQ)


# ---------------------------------------------------------------- the preview's refusal


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_a_preview_that_would_recreate_or_create_refuses_and_puts_everything_back(
    scene: Scene, env, fake, stack
):
    # In prod the replace of a protected monitor also fails the preview, which still shows it.
    scene.stack, scene.alerts = stack, True
    copy = f"urn:pulumi:{stack}::lakehouse-monitors::databricks:index/alertV2:AlertV2::x.copy"
    steps = scene.same(DQ)
    steps[0] = {**steps[0], "op": "replace", "by": "diff", "keys": ["objectId"]}
    steps.append({"op": "create", "urn": copy})
    scene.install(preview=[{"steps": scene.same(API_LEGACY)}, {"steps": steps}])
    before = fake.world()["stacks"][stack]
    original = scene.stack_file.read_bytes()
    with pytest.raises(MonitorsError) as caught:
        migrate(stack, DQ, assume_yes=True, env=env)
    message = str(caught.value)
    assert caught.value.exit_code == ExitCode.REFUSED
    assert "monitor dim_host: replace" in message and f"{copy}: create" in message
    assert "Everything was put back as it was before the migration started" in message
    after = fake.world()["stacks"][stack]
    assert after["resources"] == before["resources"]  # alerts' dependencies and protect too
    assert after["outputs"] == before["outputs"]
    assert scene.stack_file.read_bytes() == original
    assert not scene.journal.exists()
    assert not any(a[1:2] == ["up"] for a in fake.argvs())
    assert any(a[1:3] == ["stack", "import"] for a in fake.argvs())


def test_a_state_holding_resources_the_restore_point_lacks_is_not_put_back_blindly(
    scene: Scene, env, fake
):
    stray = "urn:pulumi:dev::lakehouse-monitors::databricks:index/job:Job::etl"

    def someone_elses_update(line: str) -> None:
        if line.startswith("Imported as"):  # between the import and the preview
            world = fake.world()
            job = {"urn": stray, "custom": True, "id": "1", "type": "databricks:index/job:Job"}
            world["stacks"]["dev"]["resources"].append(job)
            fake.write(**world)

    steps = [*scene.same(DQ), {"op": "delete", "urn": stray}]
    scene.install(preview=[{"steps": scene.same(API_LEGACY)}, {"steps": steps}])
    with pytest.raises(MonitorsError) as caught:
        migrate(
            "dev",
            DQ,
            assume_yes=True,
            env=env.__class__(env.project_root, env.pulumi_root, someone_elses_update),
        )
    message = str(caught.value)
    assert caught.value.exit_code == ExitCode.FAILED
    assert "The state was NOT put back automatically" in message and stray in message
    assert not any(a[1:3] == ["stack", "import"] for a in fake.argvs())
    assert scene.journal.exists()


# ---------------------------------------------------------------- the history proof


def test_the_history_proof_fails_when_a_monitor_was_recreated_and_keeps_failing(
    scene: Scene, env, console
):
    name = full_name("dev", "dim_user")

    def recreate_during_the_update(line: str) -> None:
        console.out(line)
        if line.startswith("Updating stack"):
            scene.workspace.set_monitor_status(name, "MONITOR_STATUS_ACTIVE", monitor_version=1)
            scene.workspace.monitors[name]["dashboard_id"] = "new-dashboard"

    scene.install()
    spied = env.__class__(env.project_root, env.pulumi_root, recreate_during_the_update)
    with pytest.raises(MonitorsError) as caught:
        migrate("dev", DQ, assume_yes=True, env=spied)
    assert caught.value.exit_code == ExitCode.FAILED
    assert "the history proof failed for dim_user" in str(caught.value)
    assert f"dim_user: FAILED: monitor_version: {VERSION} -> 1; dashboard: " in console.text
    assert scene.journal.exists() and "lakehouse-monitors:migratingTo" not in scene.config()
    with pytest.raises(MonitorsError, match="the history proof failed for dim_user"):
        migrate("dev", DQ, assume_yes=True, env=env)  # the proof runs again, from the journal


def test_a_proof_that_could_not_read_the_workspace_runs_again_and_passes(
    scene: Scene, env, console
):
    def break_the_workspace(line: str) -> None:
        console.out(line)
        if line.startswith("Removed lakehouse-monitors:migratingTo"):
            uuid = scene.workspace.table_id_of(full_name("dev", "dim_user"))
            path = f"/api/data-quality/v1/monitors/table/{uuid}"
            scene.workspace.fail_next("GET", path, status=403, message="no MANAGE on dim_user")

    scene.install()
    with pytest.raises(MonitorsError) as caught:
        migrate(
            "dev",
            DQ,
            assume_yes=True,
            env=env.__class__(env.project_root, env.pulumi_root, break_the_workspace),
        )
    message = str(caught.value)
    assert "is migrated to the Data Quality Monitoring API, but the history proof could not" in (
        message
    )
    assert "no MANAGE on dim_user" in message
    report = migrate("dev", DQ, assume_yes=True, env=env)
    assert all(f.monitor_version == VERSION for f in report.after.values())
    assert not scene.journal.exists()


# ---------------------------------------------------------------- resumed, turned back


def half_migrated(scene: Scene, alerts_removed: bool = True) -> None:
    """dim_host and dim_property imported as DataQualityMonitor, the others removed (with
    their alerts), as an interrupted first run leaves them; the stack file says migrating."""
    scene.alerts = True
    scene.install(preview=[{"steps": scene.same(DQ)}])
    world = scene.fake.world()
    state = [scene.monitor(t, DQ) for t in TABLES[:2]]
    if not alerts_removed:  # the imported monitor's alert came back with it
        state.append(scene.alert("dim_host", "missing_host_emails", DQ))
    world["stacks"]["dev"]["resources"] = state
    scene.fake.write(**world)
    scene.set_config(api=DQ, migratingTo=DQ)


def test_a_migration_resumed_without_its_journal_finishes_and_says_so(scene: Scene, env, console):
    half_migrated(scene)
    report = migrate("dev", DQ, assume_yes=True, env=env)
    assert report.placements == dict.fromkeys(TABLES, RECORDED)
    assert "The journal of the first run" in console.text and "is missing" in console.text
    assert "facts read when a later run resumed without the first run's journal" in console.text
    imported = scene.fake.file_given(0)["resources"]
    assert [r["name"] for r in imported] == [*TABLES[2:], *(f"{t}.{a}" for t, a in alert_keys())]
    assert sorted(scene.state_urns()) == sorted(scene.urns(DQ))


def test_going_back_half_way_puts_every_monitor_back_on_the_legacy_api(scene: Scene, env, console):
    half_migrated(scene, alerts_removed=False)
    world = scene.fake.world()
    world["preview"] = [{"steps": scene.same(API_LEGACY)}]
    world["up"] = {"steps": scene.same(API_LEGACY), "outputs": scene.outputs(API_LEGACY)}
    scene.fake.write(**world)
    report = migrate("dev", API_LEGACY, assume_yes=True, env=env)
    assert report.placements == {t: RECORDED for t in TABLES}
    assert sorted(scene.state_urns()) == sorted(scene.urns(API_LEGACY))
    config = scene.config()
    assert config["lakehouse-monitors:api"] == API_LEGACY
    assert "lakehouse-monitors:migratingTo" not in config
    removed = next(a for a in scene.fake.argvs() if a[1:3] == ["state", "remove"])
    assert removed[-2:] == [monitor_urn("dev", t, DQ) for t in TABLES[:2]]
    assert records(scene.state_outputs()) == dict.fromkeys(TABLES, API_LEGACY)


def test_a_stack_whose_api_was_edited_by_hand_is_moved_by_the_migration(scene: Scene, env, console):
    scene.install(preview=[{"steps": scene.same(DQ)}])
    scene.set_config(api=DQ)  # what the backend guard refuses, pointing at migrate
    report = migrate("dev", DQ, assume_yes=True, env=env)
    assert report.placements == dict.fromkeys(TABLES, RECORDED)
    assert "is set to the Data Quality Monitoring API, but its state does not" in console.text
    assert "lakehouse-monitors:migratingTo" not in scene.config()


def test_a_stack_whose_api_was_edited_by_hand_is_not_said_to_continue_a_migration(
    scene: Scene, env, console
):
    scene.install(preview=[{"steps": scene.same(DQ)}])
    scene.set_config(api=DQ)
    migrate("dev", DQ, assume_yes=True, env=env)
    assert "Continuing the migration" not in console.text


def test_an_interrupt_during_the_history_proof_says_the_stack_is_migrated(
    scene: Scene, console, monkeypatch
):
    scene.install()
    done = []
    read_facts = migration.read_facts

    def interrupted_after_the_move(*args: Any) -> Any:
        if done:
            raise KeyboardInterrupt
        return read_facts(*args)

    def out(line: str) -> None:
        console.out(line)
        if line.startswith("Removed lakehouse-monitors:migratingTo"):
            done.append(line)

    monkeypatch.setattr(migration, "read_facts", interrupted_after_the_move)
    env = Env(project_root=scene.project, pulumi_root=scene.fake.root, out=out)
    with pytest.raises(OperationFailedError) as failed:
        migrate(scene.stack, scene.target, assume_yes=True, env=env)
    message = str(failed.value)
    assert failed.value.exit_code == ExitCode.FAILED
    assert "stack 'dev' is migrated to" in message and "proof was interrupted" in message
    assert "monitors migrate --stack dev --to data_quality" in message
    assert scene.journal.exists()
    monkeypatch.setattr(migration, "read_facts", read_facts)
    report = migrate(scene.stack, scene.target, assume_yes=True, env=env)
    assert set(report.after) == set(TABLES) and not scene.journal.exists()
