"""Adopt: the exact import, skipping managed monitors, never creating or deleting, the preview."""

from __future__ import annotations

from dataclasses import replace

import pytest

from monitors.errors import OperationFailedError, RefusedError, UnknownTableError
from monitors.naming import RESOURCE_TYPE, monitor_urn
from monitors.stackops.adopt import adopt, databricks_provider_version
from tests.helpers.declarations import TABLES
from tests.helpers.fake_cli import deployed_outputs, full_name, monitor_resource, same_all

# Subcommands that could create, replace or delete something in Databricks or in state.
MUTATING = {"up", "update", "destroy", "refresh", "state", "cancel"}


def fresh(fake, stack, managed=(), preview=None, **extra):
    """A stack that manages `managed`, with all five monitors existing in Databricks."""
    stacks = fake.scenario["stacks"]
    stacks[stack] = {"resources": [monitor_resource(stack, t) for t in managed]}
    fake.write(
        stacks=stacks,
        cloud={full_name(stack, t): {"tableName": full_name(stack, t)} for t in TABLES},
        preview={"steps": preview if preview is not None else same_all(stack)},
        **extra,
    )


def test_adopt_imports_under_the_program_names_with_exact_file_and_flags(env, fake):
    fresh(fake, "dev")
    report = adopt("dev", None, env=env)
    imports = [c for c in fake.commands() if c.startswith("--non-interactive import")]
    assert len(imports) == 1
    argv = next(a for a in fake.argvs() if "import" in a)
    assert argv[argv.index("--file") + 1].endswith("/import.json")
    assert argv == [
        "--non-interactive",
        "import",
        "--yes",
        "--skip-preview",
        "--file",
        argv[argv.index("--file") + 1],
        "--protect=false",
        "--generate-code=false",
        "--stack",
        "dev",
    ]
    assert fake.file_given(0) == {
        "resources": [
            {
                "type": RESOURCE_TYPE,
                "name": table,
                "id": f"wanderbricks_dev.wanderbricks_gold.{table}",
                "version": databricks_provider_version(),
            }
            for table in TABLES
        ],
        "nameTable": None,
    }
    assert report.imported == TABLES
    assert {r["urn"] for r in fake.resources("dev")} == {monitor_urn("dev", t) for t in TABLES}


def test_adopt_imports_protected_where_the_stack_protects(env, fake):
    fresh(fake, "prod")
    adopt("prod", ["dim_host"], env=env)
    argv = next(a for a in fake.argvs() if "import" in a)
    assert "--protect=true" in argv
    assert [r["protect"] for r in fake.resources("prod")] == [True]
    assert fake.file_given(0)["resources"][0]["id"] == "wanderbricks.wanderbricks_gold.dim_host"


def test_adopt_pins_the_provider_version_the_program_uses():
    import pulumi_databricks  # noqa: F401  (installed: the version must come from it)

    assert databricks_provider_version() == "1.118.0"


def test_adopt_skips_tables_already_in_state(env, fake, console):
    fresh(fake, "dev", managed=["dim_host", "dim_user", "dim_property"])
    report = adopt("dev", None, env=env)
    assert report.skipped == ["dim_host", "dim_property", "dim_user"]
    assert [r["name"] for r in fake.file_given(0)["resources"]] == [
        "fact_booking_daily",
        "fact_property_engagement",
    ]
    assert "dim_host: already in the stack's state, skipped" in console.text


def test_adopt_with_everything_managed_runs_no_import(env, fake):
    fresh(fake, "dev", managed=TABLES)
    report = adopt("dev", None, env=env)
    assert report.imported == []
    assert not [a for a in fake.argvs() if "import" in a]
    assert any(c.startswith("--non-interactive preview") for c in fake.commands())


def test_adopt_never_runs_anything_that_could_create_or_delete(env, fake):
    fresh(fake, "dev", managed=["dim_host"])
    adopt("dev", None, env=env)
    subcommands = {next(a for a in argv if not a.startswith("-")) for argv in fake.argvs()}
    # `config` only lists the stack's settings, for the creator check's credentials.
    assert subcommands == {"version", "stack", "import", "preview", "config"}
    assert not subcommands & MUTATING
    flags = {a.split("=")[0] for argv in fake.argvs() for a in argv}
    assert not flags & {"--replace", "--target", "--yes-destroy", "--out", "--from"}
    for spec in fake.file_given(0)["resources"]:
        assert set(spec) == {"type", "name", "id", "version"}  # no component/parent/provider


def test_adopt_shows_the_in_place_updates_that_align_the_monitors(env, fake, console):
    preview = same_all("dev", but={"dim_host": "update"})
    preview[0]["diffs"] = ["customMetrics", "schedule"]
    fresh(fake, "dev", preview=preview)
    report = adopt("dev", None, env=env)
    assert report.plan["dim_host"].kind == "update"
    assert "  dim_host: update in place (customMetrics, schedule)" in console.lines
    assert "  dim_user: same" in console.lines
    assert "No monitor would be recreated. Apply with: pulumi up --stack dev" in console.lines


def avg_rating_was_float(structure):
    """dim_host as deployed before its `current_avg_rating` became a double."""
    metric = replace(structure.metrics["current_avg_rating"], output_type="float")
    return replace(structure, metrics={**structure.metrics, "current_avg_rating": metric})


def test_adopt_refuses_loudly_when_the_preview_would_replace_a_monitor(env, fake, project):
    # dim_host is already managed and its last deployment had another output type: the program
    # replaces it by replacement_trigger, whose events carry no keys (the fake emits none).
    fresh(fake, "dev", managed=["dim_host"], preview=same_all("dev", but={"dim_host": "replace"}))
    world = fake.world()
    world["stacks"]["dev"]["outputs"] = deployed_outputs(
        project, "dev", dim_host=avg_rating_was_float
    )
    fake.write(**{k: v for k, v in world.items() if k not in ("version", "project")})
    with pytest.raises(RefusedError) as refused:
        adopt("dev", None, env=env)
    message = str(refused.value)
    assert "DO NOT run `pulumi up` on stack 'dev'" in message
    assert (
        "monitor dim_host: replace (because metric 'current_avg_rating' output_data_type "
        "changed from float to double)"
    ) in message
    assert refused.value.exit_code == 3
    assert not [a for a in fake.argvs() if "up" in a]


def test_adopt_names_the_keys_of_a_replace_the_provider_asked_for(env, fake):
    preview = same_all("dev", but={"dim_user": "replace"})
    preview[2].update(by="diff", keys=["providerConfig"], diffs=["providerConfig"])
    fresh(fake, "dev", preview=preview)
    with pytest.raises(
        RefusedError, match=r"monitor dim_user: replace \(because of providerConfig\)"
    ):
        adopt("dev", None, env=env)


def test_adopt_import_failure_reports_state_and_that_nothing_was_created(env, fake):
    fresh(fake, "dev")
    world = fake.world()
    del world["cloud"]["wanderbricks_dev.wanderbricks_gold.dim_user"]
    fake.write(**{k: v for k, v in world.items() if k not in ("version", "project")})
    with pytest.raises(OperationFailedError) as failed:
        adopt("dev", None, env=env)
    message = str(failed.value)
    assert "resource 'wanderbricks_dev.wanderbricks_gold.dim_user' does not exist" in message
    assert "Nothing was created or deleted in Databricks" in message
    assert "dim_host: present in state" in message
    assert "dim_user: absent from state" in message


def test_adopt_unknown_table_is_an_error_before_any_cli_call(env, fake):
    with pytest.raises(UnknownTableError):
        adopt("dev", ["dim_nope"], env=env)
    assert fake.calls() == []


def test_adopt_import_failure_is_reported_even_when_the_state_read_after_it_fails(env, fake):
    fresh(
        fake, "dev", fail_commands={"stack export": {"message": "backend unreachable", "skip": 1}}
    )
    world = fake.world()
    del world["cloud"]["wanderbricks_dev.wanderbricks_gold.dim_user"]
    fake.write(**{k: v for k, v in world.items() if k not in ("version", "project")})
    with pytest.raises(OperationFailedError) as failed:
        adopt("dev", None, env=env)
    message = str(failed.value)
    assert "resource 'wanderbricks_dev.wanderbricks_gold.dim_user' does not exist" in message
    assert "could not read the stack's state: error: backend unreachable" in message
    assert "pulumi stack export --stack dev" in message
    assert "Nothing was created or deleted in Databricks" in message


def test_adopt_refuses_monitors_an_earlier_update_left_half_done_and_imports_nothing(env, fake):
    fresh(fake, "dev", managed=("dim_property",))
    world = fake.world()
    world["stacks"]["dev"]["resources"].append(
        monitor_resource("dev", "dim_host", pendingReplacement=True)
    )
    world["stacks"]["dev"]["pending_operations"] = [
        {"resource": monitor_resource("dev", "dim_user"), "type": "creating"}
    ]
    fake.write(**{k: v for k, v in world.items() if k not in ("version", "project")})
    with pytest.raises(RefusedError) as refused:
        adopt("dev", None, env=env)
    message = str(refused.value)
    assert "dim_host: deleted in Databricks; kept in state as pending replacement" in message
    assert "    monitors reset --stack dev --table dim_host" in message
    assert "dim_user: a create was interrupted" in message
    assert f"--import-pending-creates '{monitor_urn('dev', 'dim_user')}'" in message
    assert "Nothing was imported." in message
    assert not [c for c in fake.commands() if " import" in c]


def test_adopt_a_failing_state_read_is_a_sentence_and_imports_nothing(env, fake):
    fresh(fake, "dev", fail_commands={"stack export": "could not deserialize deployment"})
    with pytest.raises(OperationFailedError) as failed:
        adopt("dev", None, env=env)
    message = str(failed.value)
    assert "reading the state of stack 'dev' failed" in message
    assert "could not deserialize deployment" in message and "Nothing was imported." in message
    assert not [c for c in fake.commands() if " import" in c]
