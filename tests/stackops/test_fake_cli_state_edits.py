"""The fake CLI edits state as the upstream CLI does, in the cases `migrate` meets.

`state remove` follows pkg/cmd/pulumi/state/state_delete.go and pkg/resource/edit/operations.go
`DeleteResource`; `stack import` pkg/cmd/pulumi/stack/stack_import.go and io.go `SaveSnapshot`;
`import` pkg/resource/deploy/import.go `importResources`. The migrate tests rely on these rules.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from monitors.naming import ALERT_RESOURCE_TYPE, DQ_RESOURCE_TYPE, alert_urn, monitor_urn
from tests.helpers.declarations import TABLES
from tests.helpers.fake_cli import monitor_resource

DIM_HOST = monitor_urn("dev", "dim_host")
ALERT = alert_urn("dev", "dim_host", "missing_host_emails")


def run(fake, *argv):
    return subprocess.run(
        [str(fake.root / "bin" / "pulumi"), *argv], capture_output=True, text=True, check=False
    )


def alert_resource(urn=ALERT, depends_on=DIM_HOST, **extra):
    return {
        "urn": urn,
        "custom": True,
        "id": "alert-1",
        "type": ALERT_RESOURCE_TYPE,
        "dependencies": [depends_on],
        **extra,
    }


def with_resources(fake, resources, stack="dev", **extra):
    stacks = fake.scenario["stacks"]
    stacks[stack]["resources"] = resources
    fake.write(stacks=stacks, **extra)


def urns(fake, stack="dev"):
    return [r["urn"] for r in fake.resources(stack)]


def test_state_remove_refuses_a_protected_resource_without_force(fake):
    with_resources(fake, [monitor_resource("dev", "dim_host", protect=True)])
    result = run(fake, "state", "remove", "--yes", "--stack", "dev", "--", DIM_HOST)
    assert result.returncode != 0
    assert (
        f"{DIM_HOST} can't be safely deleted because it is protected. Re-run this command "
        "with --force to force deletion"
    ) in result.stderr
    assert urns(fake) == [DIM_HOST]


def test_state_remove_with_force_takes_a_protected_resource_out_and_warns(fake):
    with_resources(fake, [monitor_resource("dev", "dim_host", protect=True)])
    result = run(fake, "state", "remove", "--yes", "--force", "--stack", "dev", "--", DIM_HOST)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Resource deleted"
    assert f"deleting protected resource {DIM_HOST} due to presence of --force" in result.stderr
    assert urns(fake) == []


def test_state_remove_refuses_a_resource_others_depend_on(fake):
    with_resources(fake, [monitor_resource("dev", "dim_host"), alert_resource()])
    result = run(fake, "state", "remove", "--yes", "--stack", "dev", "--", DIM_HOST)
    assert result.returncode != 0
    assert (
        f"{DIM_HOST} can't be safely deleted because the following resources depend on it:\n"
        f' * "dim_host.missing_host_emails" ({ALERT})\n\n'
        "Delete those resources first or pass --target-dependents."
    ) in result.stderr
    assert urns(fake) == [DIM_HOST, ALERT]


def test_target_dependents_removes_them_too_each_checked_for_protection(fake):
    with_resources(
        fake,
        [monitor_resource("dev", "dim_host", protect=True), alert_resource(protect=True)],
    )
    without_force = run(
        fake, "state", "remove", "--yes", "--target-dependents", "--stack", "dev", "--", DIM_HOST
    )
    assert without_force.returncode != 0 and urns(fake) == [DIM_HOST, ALERT]
    forced = run(
        fake,
        "state",
        "remove",
        "--yes",
        "--force",
        "--target-dependents",
        "--stack",
        "dev",
        "--",
        DIM_HOST,
    )
    assert forced.returncode == 0, forced.stderr
    assert f"deleting protected resource {ALERT} due to presence of --force" in forced.stderr
    assert urns(fake) == []


def test_a_dependent_of_a_dependent_goes_with_them(fake):
    second = alert_urn("dev", "dim_host", "other")
    with_resources(
        fake,
        [
            monitor_resource("dev", "dim_host"),
            alert_resource(),
            alert_resource(second, depends_on=ALERT, id="alert-2"),
            monitor_resource("dev", "dim_user"),
        ],
    )
    result = run(
        fake, "state", "rm", "--yes", "--target-dependents", "--stack", "dev", "--", DIM_HOST
    )
    assert result.returncode == 0, result.stderr
    assert urns(fake) == [monitor_urn("dev", "dim_user")]


@pytest.mark.parametrize("alias", ["remove", "rm", "delete"])
def test_state_remove_takes_several_urns_in_one_edit_under_each_alias(fake, alias):
    result = run(
        fake,
        "state",
        alias,
        "--yes",
        "--stack",
        "dev",
        "--",
        *(monitor_urn("dev", t) for t in TABLES),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "5 resources deleted"
    assert urns(fake) == []


def test_a_failing_state_edit_saves_nothing(fake):
    with_resources(
        fake,
        [monitor_resource("dev", "dim_host"), monitor_resource("dev", "dim_user", protect=True)],
    )
    result = run(
        fake,
        "state",
        "remove",
        "--yes",
        "--stack",
        "dev",
        "--",
        DIM_HOST,
        monitor_urn("dev", "dim_user"),
    )
    assert result.returncode != 0
    assert len(urns(fake)) == 2


def test_state_remove_of_an_unknown_urn_fails(fake):
    with_resources(fake, [])
    result = run(fake, "state", "remove", "--yes", "--stack", "dev", "--", DIM_HOST)
    assert result.returncode != 0
    assert f'No such resource "{DIM_HOST}" exists in the current state' in result.stderr


def import_file(tmp_path, *resources):
    path = tmp_path / "import.json"
    path.write_text(json.dumps({"resources": list(resources), "nameTable": None}))
    return str(path)


def test_import_leaves_a_resource_with_the_same_id_alone_and_fails_on_another_id(fake, tmp_path):
    dq = {"type": DQ_RESOURCE_TYPE, "name": "dim_host", "id": "table,uuid-1"}
    with_resources(fake, [], cloud={"table,uuid-1": {"objectType": "table"}, "table,uuid-2": {}})
    first = run(fake, "import", "--yes", "--file", import_file(tmp_path, dq), "--stack", "dev")
    again = run(fake, "import", "--yes", "--file", import_file(tmp_path, dq), "--stack", "dev")
    assert first.returncode == 0 and again.returncode == 0, (first.stderr, again.stderr)
    # A DataQualityMonitor's ID is the bridge's placeholder; the import ID is kept beside it
    # (pkg/resource/deploy/import.go), and is what a second import is compared with.
    assert [(r["id"], r.get("importID")) for r in fake.resources("dev")] == [
        ("missing ID", "table,uuid-1")
    ]
    other = {**dq, "id": "table,uuid-2"}
    clash = run(fake, "import", "--yes", "--file", import_file(tmp_path, other), "--stack", "dev")
    assert clash.returncode != 0
    assert f"resource '{monitor_urn('dev', 'dim_host', 'data_quality')}' already exists" in (
        clash.stderr
    )


def test_import_does_not_see_a_record_pending_deletion_under_the_same_urn(fake, tmp_path):
    dq = {"type": DQ_RESOURCE_TYPE, "name": "dim_host", "id": "table,uuid-2"}
    urn = monitor_urn("dev", "dim_host", "data_quality")
    pending = {"urn": urn, "custom": True, "id": "table,uuid-1", "type": DQ_RESOURCE_TYPE}
    with_resources(fake, [{**pending, "delete": True}], cloud={"table,uuid-2": {}})
    result = run(fake, "import", "--yes", "--file", import_file(tmp_path, dq), "--stack", "dev")
    assert result.returncode == 0, result.stderr
    assert [
        (r.get("importID") or r["id"], bool(r.get("delete"))) for r in fake.resources("dev")
    ] == [("table,uuid-1", True), ("table,uuid-2", False)]


def export(fake, stack="dev"):
    result = run(fake, "stack", "export", "--stack", stack)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_export_puts_the_root_stack_first_with_the_outputs(fake):
    stacks = fake.scenario["stacks"]
    stacks["dev"]["outputs"] = {"monitors": {"dim_host": {"table_name": "x"}}}
    fake.write(stacks=stacks)
    root, *rest = export(fake)["deployment"]["resources"]
    assert root["type"] == "pulumi:pulumi:Stack"
    assert (
        root["urn"]
        == "urn:pulumi:dev::lakehouse-monitors::pulumi:pulumi:Stack::lakehouse-monitors-dev"
    )
    assert root["outputs"] == {"monitors": {"dim_host": {"table_name": "x"}}}
    assert [r["urn"] for r in rest] == [monitor_urn("dev", t) for t in TABLES]


def test_stack_import_puts_back_resources_and_outputs_and_drops_pending_operations(fake, tmp_path):
    stacks = fake.scenario["stacks"]
    stacks["dev"]["outputs"] = {"monitor_structure": {"dim_host": "{}"}}
    fake.write(stacks=stacks)
    saved = export(fake)
    saved["deployment"]["pending_operations"] = [
        {"type": "creating", "resource": {"urn": DIM_HOST}}
    ]
    path = tmp_path / "state.json"
    path.write_text(json.dumps(saved))
    assert run(fake, "state", "remove", "--yes", "--stack", "dev", "--", DIM_HOST).returncode == 0
    result = run(fake, "stack", "import", "--file", str(path), "--stack", "dev")
    assert result.returncode == 0, result.stderr
    assert f"removing pending operation 'creating' on '{DIM_HOST}' from snapshot" in result.stderr
    restored = export(fake)["deployment"]
    assert restored["resources"] == saved["deployment"]["resources"]
    assert "pending_operations" not in restored


@pytest.mark.parametrize(
    ("resources", "message"),
    [
        (
            [monitor_resource("prod", "dim_host")],
            "is from a different stack (prod != dev)",
        ),
        (
            [alert_resource(), monitor_resource("dev", "dim_host")],
            f"resource {ALERT}'s dependency {DIM_HOST} comes after it",
        ),
        (
            [alert_resource()],
            f"resource {ALERT}'s dependency {DIM_HOST} refers to missing resource",
        ),
    ],
)
def test_stack_import_refuses_what_could_do_damage(fake, tmp_path, resources, message):
    path = tmp_path / "state.json"
    path.write_text(json.dumps({"version": 3, "deployment": {"resources": resources}}))
    result = run(fake, "stack", "import", "--file", str(path), "--stack", "dev")
    assert result.returncode != 0
    assert message in result.stderr
    assert "importing this file could be dangerous; rerun with --force to proceed anyway" in (
        result.stderr
    )
    assert urns(fake) == [monitor_urn("dev", t) for t in TABLES]


def test_a_list_of_previews_answers_one_call_each_and_the_last_answers_the_rest(fake):
    fake.write(
        stacks=fake.scenario["stacks"],
        preview=[
            {"steps": [{"op": "update", "urn": DIM_HOST}]},
            {"steps": [{"op": "same", "urn": DIM_HOST}]},
        ],
    )
    outputs = [run(fake, "preview", "--stack", "dev").stdout for _ in range(3)]
    assert ["1 to update" in o for o in outputs] == [True, False, False]
    assert all("1 to same" in o for o in outputs[1:])


@pytest.mark.parametrize(("at", "removed"), [("before", False), ("after", True)])
def test_an_interrupted_state_edit_is_saved_only_if_it_ended_first(fake, at, removed):
    fake.write(stacks=fake.scenario["stacks"], interrupt_commands={"state remove": at})
    # Through a shell, so the ^C the fake sends its caller reaches the shell, not pytest.
    command = f"'{fake.root / 'bin' / 'pulumi'}' state remove --yes --stack dev -- '{DIM_HOST}'"
    subprocess.run(["sh", "-c", command + "; true"], capture_output=True, check=False)
    assert (DIM_HOST not in urns(fake)) is removed
    assert "interrupt_commands" not in fake.world() or fake.world()["interrupt_commands"] == {}


@pytest.mark.parametrize("line", ["{}", "x" * 200, "é" * 70000])
def test_the_events_go_on_the_wire_as_the_sdks_event_request(line):
    from pulumi.runtime.proto import events_pb2

    from tests.fakes.pulumi_cli.fake_pulumi import event_request

    assert event_request(line) == events_pb2.EventRequest(event=line).SerializeToString()


def test_config_set_all_writes_every_pair_in_one_save(fake, project):
    import yaml

    args = ["--plaintext", "api=data_quality", "--plaintext", "migratingTo=data_quality"]
    result = subprocess.run(
        [str(fake.root / "bin" / "pulumi"), "config", "set-all", "--stack", "dev", *args],
        capture_output=True,
        text=True,
        cwd=project,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load((project / "Pulumi.dev.yaml").read_text())["config"]
    assert (
        config["lakehouse-monitors:api"]
        == config["lakehouse-monitors:migratingTo"]
        == ("data_quality")
    )
