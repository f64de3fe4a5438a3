"""Stack settings: a typo never switches a setting (protection above all) off in silence.

The stack file (`plan`, the change report, the stack operations) and the engine's config (the
program) are judged by one function, so most rules are tested both ways: `from_file` reads YAML
text as `plan` does, `from_engine` passes strings as the Pulumi engine hands them to the program
(`PULUMI_CONFIG`: `namespace:key` to a string, objects as JSON).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from monitors.declared.settings import (
    SECRET_PROVIDER_SETTINGS,
    StackSettings,
    engine_text,
    parse_stack_config,
    read_stack_config,
    settings_from_config,
)
from monitors.errors import StackConfigError
from monitors.naming import PROJECT_ROOT

FILE = "Pulumi.prod.yaml"
BASE = (
    "config:\n"
    "  lakehouse-monitors:catalog: wanderbricks\n"
    "  lakehouse-monitors:goldSchema: wanderbricks_gold\n"
    "  lakehouse-monitors:outputSchema: wanderbricks_gold_monitoring\n"
    "  lakehouse-monitors:assetsRoot: /Workspace/Shared/lakehouse_monitoring/prod\n"
)
ENGINE_BASE = {
    "lakehouse-monitors:catalog": "wanderbricks",
    "lakehouse-monitors:goldSchema": "wanderbricks_gold",
    "lakehouse-monitors:outputSchema": "wanderbricks_gold_monitoring",
    "lakehouse-monitors:assetsRoot": "/Workspace/Shared/lakehouse_monitoring/prod",
}
SECRET = "dapi0123456789abcdef"


def from_file(extra: str = "", base: str = BASE) -> StackSettings:
    """Settings read from stack file text, as `plan` reads them."""
    return settings_from_config("prod", parse_stack_config(base + extra, FILE), FILE)


def from_engine(**values: str) -> StackSettings:
    """Settings from the strings the engine passes the program."""
    return settings_from_config("prod", {**ENGINE_BASE, **values}, FILE)


def file_errors(extra: str, base: str = BASE) -> list[str]:
    with pytest.raises(StackConfigError) as caught:
        from_file(extra, base)
    return str(caught.value).splitlines()


def engine_errors(**values: str) -> list[str]:
    with pytest.raises(StackConfigError) as caught:
        from_engine(**values)
    return str(caught.value).splitlines()


# ------------------------------------------------------------------------ namespaces and keys


@pytest.mark.parametrize(
    "namespace",
    [
        "lakehouse-monitor",
        "Lakehouse-Monitors",
        "LAKEHOUSE-MONITORS",
        "lakehouse_monitors",
        "lakehousemonitors",
        "lakehouse-monitoring",
        "lakehouse",
        "lakehose-monitors",
        "monitors",
    ],
)
def test_a_near_miss_of_our_namespace_is_an_error(namespace):
    expected = (
        f"{FILE}: {namespace}:protect: namespace {namespace!r} is not 'lakehouse-monitors', so "
        "the program would ignore this setting: write `lakehouse-monitors:protect`"
    )
    assert file_errors(f"  {namespace}:protect: true\n") == [expected]
    assert engine_errors(**{f"{namespace}:protect": "true"}) == [expected]


@pytest.mark.parametrize("key", ["databricks:host", "pulumi:template", "aws:region", "gcp:project"])
def test_other_namespaces_are_left_to_their_owners(key):
    assert from_file(f"  {key}: anything\n").protect is False
    assert from_engine(**{key: "anything"}).protect is False


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("colour", " (known: catalog, goldSchema"),
        ("stack", " (known: catalog, goldSchema"),
        ("gold_schema", "; did you mean 'goldSchema'?"),
        ("Protect", "; did you mean 'protect'?"),
        ("protected", "; did you mean 'protect'?"),
        ("refresh_after_update", "; did you mean 'refreshAfterUpdate'?"),
    ],
)
def test_every_unknown_key_in_our_namespace_is_an_error(name, hint):
    (line,) = file_errors(f"  lakehouse-monitors:{name}: x\n")
    assert line.startswith(f"{FILE}: lakehouse-monitors:{name}: unknown key{hint}")
    (line,) = engine_errors(**{f"lakehouse-monitors:{name}": "x"})
    assert line.startswith(f"{FILE}: lakehouse-monitors:{name}: unknown key{hint}")


def test_the_stack_name_cannot_be_overridden_by_a_setting():
    with pytest.raises(StackConfigError, match="unknown key"):
        from_engine(**{"lakehouse-monitors:stack": "dev"})


@pytest.mark.parametrize(
    "extra",
    [
        "  lakehouse-monitors:protect: true\n  lakehouse-monitors:protect: false\n",
        "  protect: true\n  lakehouse-monitors:protect: false\n",
        "  lakehouse-monitors:config:protect: true\n  lakehouse-monitors:protect: false\n",
    ],
    ids=["repeated", "bare and namespaced", "old and new form"],
)
def test_a_setting_written_twice_is_an_error(extra):
    (line,) = file_errors(extra)
    assert "protect" in line
    assert "repeated" in line or "sets lakehouse-monitors:protect again" in line


@pytest.mark.parametrize(
    "extra",
    ["  protect: true\n", "  lakehouse-monitors:config:protect: true\n"],
    ids=["bare key: the project's namespace", "the old ns:config:key form"],
)
def test_keys_are_read_as_pulumi_reads_them(extra):
    """workspace/loaders.go stackConfigNamespacedWithProject; config/key.go ParseKey."""
    assert from_file(extra).protect is True


@pytest.mark.parametrize("key", ["a:b:c:d", ":protect", "lakehouse-monitors:", "123"])
def test_keys_pulumi_cannot_parse_are_errors(key):
    (line,) = file_errors(f"  {key}: true\n")
    assert "is not a configuration key (write namespace:name)" in line


# ------------------------------------------------------------------------ null and empty


def test_a_key_without_a_value_is_an_error():
    """Pulumi reads a bare `key:` as an empty string (loaders.go checkForEmptyConfig)."""
    assert file_errors("  lakehouse-monitors:protect:\n") == [
        f"{FILE}: lakehouse-monitors:protect: has no value (Pulumi would pass an empty string): "
        "set one or remove the line"
    ]
    assert engine_errors(**{"lakehouse-monitors:protect": ""}) == [
        f"{FILE}: lakehouse-monitors:protect: is empty: set a value or remove the line"
    ]


@pytest.mark.parametrize(
    "setting", ["warehouseId", "schedule", "enabled", "resets", "notificationEmails"]
)
def test_an_optional_setting_without_a_value_is_an_error_not_unset(setting):
    (line,) = file_errors(f"  lakehouse-monitors:{setting}: null\n")
    assert line.startswith(f"{FILE}: lakehouse-monitors:{setting}: has no value")


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ("  lakehouse-monitors:resets:\n    dim_host:\n", "resets.dim_host"),
        ("  lakehouse-monitors:resets:\n    dim_host: {token: ~}\n", "resets.dim_host.token"),
        ("  lakehouse-monitors:enabled: [dim_host, null]\n", "enabled[1]"),
        (
            "  lakehouse-monitors:schedule: {quartz_cron_expression: null}\n",
            "schedule.quartz_cron_expression",
        ),
    ],
)
def test_a_null_inside_a_value_is_an_error(extra, field):
    assert file_errors(extra) == [
        f"{FILE}: lakehouse-monitors:{field}: is null: set a value or remove it"
    ]


# ------------------------------------------------------------------------ credentials


@pytest.mark.parametrize(
    "key",
    [
        *(f"databricks:{name}" for name in SECRET_PROVIDER_SETTINGS),
        "databricks:client_secret",
        "databricks:config:token",
    ],
)
def test_a_plain_text_credential_is_refused_without_being_shown(key):
    (line,) = file_errors(f"  {key}: {SECRET}\n")
    assert line.startswith(f"{FILE}: {key}: is in plain text: remove it from the file")
    assert "pulumi config set --secret databricks:" in line
    assert SECRET not in line


def test_an_encrypted_credential_is_fine():
    assert from_file("  databricks:token:\n    secure: v1:AAAA:BBBB\n").protect is False


def test_an_object_with_more_than_a_secure_key_is_plain_text():
    """object.go isSecureValue: exactly one key, `secure`, holding a string."""
    (line,) = file_errors(f"  databricks:clientSecret:\n    secure: v1:x\n    note: {SECRET}\n")
    assert "is in plain text" in line


def test_an_encrypted_value_in_our_namespace_is_refused():
    (line,) = file_errors("  lakehouse-monitors:warehouseId:\n    secure: v1:AAAA\n")
    assert "is encrypted (secure), but no lakehouse-monitors setting is a secret" in line


def test_a_malformed_stack_file_never_shows_its_credentials():
    text = f"config:\n  databricks:token: {SECRET}\n   lakehouse-monitors:protect: [\n"
    with pytest.raises(StackConfigError) as caught:
        parse_stack_config(text, FILE)
    assert str(caught.value).startswith(f"{FILE}: is not valid YAML: line 3")
    assert SECRET not in str(caught.value)


# ------------------------------------------------------------------------ flags


@pytest.mark.parametrize("text", ["yes", "on", "1", '"yes"', "True", "TRUE"])
def test_protect_is_true_or_false(text):
    if text in ("True", "TRUE"):  # YAML booleans, for Pulumi's reader as for ours
        assert from_file(f"  lakehouse-monitors:protect: {text}\n").protect is True
        return
    (line,) = file_errors(f"  lakehouse-monitors:protect: {text}\n")
    assert line.startswith(f"{FILE}: lakehouse-monitors:protect: must be true or false")


@pytest.mark.parametrize("value", ["yes", "1", "on", "True "])
def test_the_engines_protect_string_is_true_or_false(value):
    (line,) = engine_errors(**{"lakehouse-monitors:protect": value})
    assert "must be true or false" in line


def test_a_quoted_true_is_true_as_the_engine_passes_it():
    assert from_file('  lakehouse-monitors:protect: "true"\n').protect is True
    assert from_engine(**{"lakehouse-monitors:protect": "true"}).protect is True


@pytest.mark.parametrize("setting", ["refreshAfterUpdate", "protect"])
def test_flags_from_the_file_and_the_engine_agree(setting):
    for value in ("true", "false"):
        assert from_file(f"  lakehouse-monitors:{setting}: {value}\n").model_dump(
            by_alias=True
        ) == from_engine(**{f"lakehouse-monitors:{setting}": value}).model_dump(by_alias=True)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_shipped_stack_files_read_the_same_from_file_and_engine(stack):
    config = read_stack_config(stack, PROJECT_ROOT)
    engine = {key: engine_text(value) for key, value in config.items()}
    file_settings = settings_from_config(stack, config, FILE)
    assert file_settings == settings_from_config(stack, engine, FILE)


# ------------------------------------------------------------------------ names and paths


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ('"wanderbricks\\n"', "'wanderbricks\\n' is not a plain catalog/schema name"),
        ('"wander bricks"', "'wander bricks' is not a plain catalog/schema name"),
        ("wander.bricks", "'wander.bricks' is not a plain catalog/schema name"),
        ("Wanderbricks", "'Wanderbricks' has capital letters; Unity Catalog stores names in"),
        ("c" * 256, "catalog/schema name is 256 characters long; Unity Catalog allows 255"),
    ],
)
def test_catalog_and_schema_names_follow_unity_catalog(value, problem):
    base = BASE.replace("catalog: wanderbricks", f"catalog: {value}")
    (line,) = file_errors("", base)
    assert line.startswith(f"{FILE}: lakehouse-monitors:catalog: {problem}")


def test_a_255_character_catalog_name_is_fine():
    assert from_engine(**{"lakehouse-monitors:catalog": "c" * 255}).catalog == "c" * 255


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("/Workspace/Shared/../Users/x", "has a '.' or '..' segment"),
        ("/Workspace/./Shared", "has a '.' or '..' segment"),
        ("/Workspace//Shared", "has an empty path segment ('//')"),
        ("/Workspace/Shared/", "must be an absolute workspace path without a trailing '/'"),
        ("Workspace/Shared", "must be an absolute workspace path without a trailing '/'"),
        ("/Workspace/Shared\n", "has a control character or surrounding whitespace"),
        ("/Workspace/Shared ", "has a control character or surrounding whitespace"),
    ],
)
def test_assets_root_is_a_clean_absolute_workspace_path(value, problem):
    (line,) = engine_errors(**{"lakehouse-monitors:assetsRoot": value})
    assert line.startswith(f"{FILE}: lakehouse-monitors:assetsRoot: {value!r} {problem}")


@pytest.mark.parametrize("value", ["1234567890abcdef", "abc-123_X"])
def test_a_warehouse_id_is_accepted(value):
    assert from_engine(**{"lakehouse-monitors:warehouseId": value}).warehouse_id == value


@pytest.mark.parametrize(
    "value",
    ["1234567890abcdef\n", " 1234567890abcdef", "https://x.cloud.databricks.com/sql/warehouses/1"],
)
def test_a_warehouse_id_with_whitespace_or_punctuation_is_refused(value):
    (line,) = engine_errors(**{"lakehouse-monitors:warehouseId": value})
    assert "is not a SQL warehouse ID" in line


@pytest.mark.parametrize(
    ("enabled", "problem"),
    [
        (["dim_host", "dim_host"], "'dim_host' is listed twice"),
        (["dim_host\n"], "'dim_host\\n' is not a plain table name"),
        (
            ["DIM_HOST"],
            "'DIM_HOST' has capital letters; Unity Catalog stores names in lowercase, "
            "write 'dim_host'",
        ),
        (["t" * 256], "table name is 256 characters long"),
    ],
)
def test_enabled_lists_each_table_once_by_its_unity_catalog_name(enabled, problem):
    (line,) = engine_errors(**{"lakehouse-monitors:enabled": json.dumps(enabled)})
    assert line.startswith(f"{FILE}: lakehouse-monitors:enabled")
    assert problem in line


# ------------------------------------------------------------------------ reset tokens


def resets(value: Any) -> StackSettings:
    return from_engine(**{"lakehouse-monitors:resets": json.dumps(value)})


def reset_error(value: Any) -> str:
    (line,) = engine_errors(**{"lakehouse-monitors:resets": json.dumps(value)})
    return line


@pytest.mark.parametrize(
    ("token", "problem"),
    [
        ("", "is blank"),
        ("   ", "is blank"),
        (" t-1", "' t-1' has leading or trailing whitespace"),
        ("t-1\n", "'t-1\\n' has leading or trailing whitespace"),
        ("t\x001", "has a control character"),
        ("t" * 129, "is 129 characters long; at most 128"),
        (True, "must be text, not true"),
        (1.5, "must be text, not a number (1.5)"),
    ],
)
def test_a_reset_token_is_a_non_blank_label(token, problem):
    assert problem in reset_error({"dim_host": {"token": token}})


def test_a_numeric_reset_token_is_the_token_in_text():
    """`pulumi config set --path lakehouse-monitors:resets.dim_host.token 123` stores the number
    123 (object.go `coerce`); it means the token '123', in the file and from the engine."""
    assert resets({"dim_host": {"token": 123}}).resets["dim_host"].token == "123"
    assert resets({"dim_host": 123}).resets["dim_host"].token == "123"
    settings = from_file("  lakehouse-monitors:resets:\n    dim_host:\n      token: 123\n")
    assert settings.resets["dim_host"].token == "123"


def test_reset_tables_differing_only_in_case_are_refused():
    line = reset_error({"dim_host": "a", "DIM_HOST": "b"})
    assert "has capital letters" in line


def test_purge_is_true_or_false():
    assert "must be true or false" in reset_error({"dim_host": {"token": "t", "purge": "yes"}})


# ------------------------------------------------------------------------ all at once


def test_every_stack_file_problem_is_reported_at_once():
    expected = {
        "lakehouse-monitors:catalog",
        "lakehouse-monitor:protect",
        "lakehouse-monitors:colour",
        "lakehouse-monitors:warehouseId",
    }
    lines = file_errors(
        "  lakehouse-monitor:protect: true\n"
        "  lakehouse-monitors:colour: blue\n"
        "  lakehouse-monitors:warehouseId:\n"
        f"  databricks:password: {SECRET}\n",
        BASE.replace("catalog: wanderbricks", "catalog: Wanderbricks"),
    )
    assert {line.split(": ")[1] for line in lines} == expected | {"databricks:password"}
    lines = engine_errors(
        **{
            "lakehouse-monitor:protect": "true",
            "lakehouse-monitors:colour": "blue",
            "lakehouse-monitors:warehouseId": "",
            "lakehouse-monitors:catalog": "Wanderbricks",
        }
    )
    assert {line.split(": ")[1] for line in lines} == expected


def test_a_setting_outside_config_is_an_error_not_ignored():
    """Pulumi reads only config, environment and the secrets keys of a stack file
    (workspace/project.go ProjectStack) and ignores the rest."""
    with pytest.raises(StackConfigError) as caught:
        parse_stack_config(BASE + "lakehouse-monitors:protect: true\n", FILE)
    assert str(caught.value) == (
        f"{FILE}: lakehouse-monitors:protect: is not a stack file key, and Pulumi ignores it: "
        "settings go under `config:` (known keys: config, environment, secretsprovider, "
        "encryptedkey, encryptionsalt)"
    )


def test_the_secrets_keys_pulumi_writes_are_fine():
    text = "secretsprovider: passphrase\nencryptionsalt: v1:abc\n" + BASE
    assert from_file("", text).catalog == "wanderbricks"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("lakehouse-monitor:protect", "true", "namespace 'lakehouse-monitor' is not"),
        ("lakehouse-monitors:protect", "", "is empty"),
        ("lakehouse-monitors:protect", "yes", "must be true or false"),
        ("lakehouse-monitors:colour", "blue", "unknown key"),
    ],
)
def test_the_program_stops_on_a_settings_typo_before_registering_anything(key, value, message):
    import runpy

    from tests.fakes.mock_runtime import run_program

    config = {k: engine_text(v) for k, v in read_stack_config("prod").items()}
    config.pop("lakehouse-monitors:protect")
    run = run_program(
        lambda: runpy.run_path(str(PROJECT_ROOT / "__main__.py")),
        stack="prod",
        config={**config, key: value},
        expect_failure=True,
    )
    assert f"Pulumi.prod.yaml: {key}: {message}" in str(run.failure)
    assert (run.registrations, run.reads) == ([], [])


def test_a_config_key_without_a_namespace_is_an_error():
    """The engine always passes `namespace:key`; a bare key can only be a mistake."""
    with pytest.raises(StackConfigError, match="protect: is not a configuration key"):
        settings_from_config("prod", {**ENGINE_BASE, "protect": "true"}, FILE)


@pytest.mark.parametrize(
    "name", ["alerts.warehouse_id", "alerts.schedule.timezone_id", "notificationEmails[0]"]
)
def test_a_flat_dotted_key_is_told_to_set_it_with_path_not_a_setting_spelled_alike(name):
    """`pulumi config set lakehouse-monitors:alerts.warehouse_id X` without --path stores one
    flat key; warehouseId, which it resembles, is the create-only dashboard warehouse."""
    expected = (
        f"{FILE}: lakehouse-monitors:{name}: unknown key: a flat key named {name!r}, which "
        f"`pulumi config set` writes without --path; set the value inside "
        f"{name.split('.')[0].split('[')[0]!r} with `pulumi config set --path "
        f"'lakehouse-monitors:{name}' <value>` and remove this one with `pulumi config rm "
        f"'lakehouse-monitors:{name}'`"
    )
    assert file_errors(f"  lakehouse-monitors:{name}: abc\n") == [expected]
    assert engine_errors(**{f"lakehouse-monitors:{name}": "abc"}) == [expected]


@pytest.mark.parametrize(
    ("value", "field", "meant"),
    [
        (
            "{enabled: true, excludedtables: [a]}",
            "anomalyDetection.excludedtables",
            "excludedTables",
        ),
        ("{dim_host: {token: t, purg: true}}", "resets.dim_host.purg", "purge"),
        (
            "{warehouse_id: a, schedule: {quartz_cron_expression: 0 0 6 * * ?}, notify: {email: []}}",
            "alerts.notify.email",
            "emails",
        ),
        (
            "{warehouse_id: a, schedule: {quartz_cron_expression: 0 0 6 * * ?, timezoneId: UTC}}",
            "alerts.schedule.timezoneId",
            "timezone_id",
        ),
    ],
)
def test_an_unknown_key_at_any_depth_gets_a_did_you_mean(value, field, meant):
    setting = field.split(".")[0]
    lines = file_errors(f"  lakehouse-monitors:{setting}: {value}\n")
    assert f"{FILE}: lakehouse-monitors:{field}: unknown key; did you mean {meant!r}?" in lines
