"""Stack files as a hostile but realistic user writes them: the provider's namespace misspelt,
credentials under another spelling, numbers where every setting of ours is text.

Sources: Pulumi config keys are case-sensitive `namespace:name` pairs (sdk/go/common/resource/
config/key.go `ParseKey`), and pulumi-databricks reads only `databricks:<key>`
(pulumi_databricks/config/vars.py), so `Databricks:token` reaches no provider; gopkg.in/yaml.v3
`resolve` reads `0123` as octal 83 and `1e3` as 1000, which Pulumi passes on as "83" and "1000"
(object.go `MarshalString`).
"""

from __future__ import annotations

import pytest

from tests.declared.test_stack_settings import FILE, SECRET, engine_errors, file_errors, from_file


@pytest.mark.parametrize("namespace", ["databrick", "Databricks", "data-bricks", "databricsk"])
def test_a_near_miss_of_the_providers_namespace_is_an_error(namespace):
    expected = (
        f"{FILE}: {namespace}:host: namespace {namespace!r} is not 'databricks', so the "
        "Databricks provider would ignore this setting: write `databricks:host`"
    )
    assert file_errors(f"  {namespace}:host: https://example.cloud.databricks.com\n") == [expected]
    assert engine_errors(**{f"{namespace}:host": "https://example"}) == [expected]


def test_a_credential_in_a_misspelt_provider_namespace_is_refused_without_being_shown():
    (line,) = file_errors(f"  databrick:token: {SECRET}\n")
    assert line.startswith(f"{FILE}: databrick:token: namespace 'databrick' is not 'databricks'")
    assert SECRET not in line


@pytest.mark.parametrize(
    ("key", "setting"),
    [
        ("databricks:client_secret", "databricks:clientSecret"),
        ("databricks:Token", "databricks:token"),
        ("databricks:AZURE_CLIENT_SECRET", "databricks:azureClientSecret"),
    ],
)
def test_a_plain_text_credential_is_told_the_settings_own_spelling(key, setting):
    (line,) = file_errors(f"  {key}: {SECRET}\n")
    assert line.endswith(f"run `pulumi config set --secret {setting}`")


@pytest.mark.parametrize(
    ("extra", "field", "written", "passed"),
    [
        ("  lakehouse-monitors:warehouseId: 0123\n", "warehouseId", "0123", "83"),
        ("  lakehouse-monitors:warehouseId: 0x1f\n", "warehouseId", "0x1f", "31"),
        ("  lakehouse-monitors:warehouseId: 1e3\n", "warehouseId", "1e3", "1000"),
        ("  lakehouse-monitors:warehouseId: 1e-400\n", "warehouseId", "1e-400", "0"),
        ("  lakehouse-monitors:warehouseId: 1.50\n", "warehouseId", "1.50", "1.5"),
        (
            "  lakehouse-monitors:warehouseId: 12345678901234567890123\n",
            "warehouseId",
            "12345678901234567890123",
            "1.2345678901234568e+22",
        ),
        ("  lakehouse-monitors:resets:\n    dim_host: 0_1\n", "resets.dim_host", "0_1", "1"),
        (
            "  lakehouse-monitors:alerts:\n    warehouse_id: 0777\n    schedule:\n"
            "      quartz_cron_expression: 0 0 6 * * ?\n",
            "alerts.warehouse_id",
            "0777",
            "511",
        ),
    ],
)
def test_a_number_pulumi_would_pass_changed_is_refused_in_our_settings(
    extra, field, written, passed
):
    (line,) = file_errors(extra)
    assert line == (
        f"{FILE}: lakehouse-monitors:{field}: is a number to YAML ({written}), which Pulumi "
        f"passes as {passed!r}: none of these settings is a number; write it in quotes if it is "
        "text"
    )


def test_a_plain_decimal_number_is_passed_as_written_and_accepted():
    settings = from_file(
        "  lakehouse-monitors:warehouseId: 1234567890\n"
        "  lakehouse-monitors:resets:\n    dim_host: 42\n"
    )
    assert settings.warehouse_id == "1234567890"
    assert settings.resets["dim_host"].token == "42"


def test_a_quoted_number_is_text():
    assert from_file('  lakehouse-monitors:warehouseId: "0123"\n').warehouse_id == "0123"
