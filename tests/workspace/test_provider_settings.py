"""One table holds every `databricks:*` setting the provider accepts, checked against the
installed pulumi-databricks and databricks-sdk, and each reaches the SDK as the provider's would."""

from __future__ import annotations

import re
from pathlib import Path

import pulumi_databricks
import pytest
from databricks.sdk.config import Config

from monitors.declared.provider_config import (
    PROVIDER_SETTINGS,
    SECRET_CONFIG_KEYS,
    provider_setting,
)
from monitors.errors import CredentialsError
from monitors.workspace.credentials import convert, merged, settings_from_config

PROVIDER_PACKAGE = Path(pulumi_databricks.__file__).parent
SDK_ATTRIBUTES = {a.name: a for a in Config.attributes()}
SAMPLES = {"str": "x", "bool": "true", "int": "30", "list": '["all-apis"]'}
CONVERTED = {"str": "x", "bool": True, "int": 30, "list": ["all-apis"]}


def test_the_table_lists_exactly_the_keys_pulumi_databricks_reads():
    """pulumi_databricks/config/vars.py: each property reads `__config__.get*('<key>')`."""
    source = (PROVIDER_PACKAGE / "config" / "vars.py").read_text()
    keys = set(re.findall(r"__config__\.get\w*\('(\w+)'\)", source))
    assert keys == {s.key for s in PROVIDER_SETTINGS}


def test_secret_settings_are_the_ones_the_provider_marks_secret():
    """pulumi_databricks/provider.py: `additional_secret_outputs` of the provider resource."""
    source = (PROVIDER_PACKAGE / "provider.py").read_text()
    listed = re.search(r"additional_secret_outputs=\[([^\]]*)\]", source)
    assert listed is not None
    secret = {f"databricks:{k}" for k in re.findall(r'"(\w+)"', listed.group(1))}
    assert secret == SECRET_CONFIG_KEYS


@pytest.mark.parametrize(
    "setting", [s for s in PROVIDER_SETTINGS if s.sdk_attr], ids=lambda s: s.key
)
def test_every_usable_setting_names_a_databricks_sdk_attribute(setting):
    attribute = SDK_ATTRIBUTES[setting.sdk_attr]
    assert attribute.sensitive or not setting.secret  # the SDK masks what the provider hides


@pytest.mark.parametrize(
    "setting", [s for s in PROVIDER_SETTINGS if s.sdk_attr], ids=lambda s: s.key
)
def test_every_usable_setting_reaches_the_sdk_converted(setting):
    found = settings_from_config({setting.config_key: SAMPLES[setting.kind]}, "Pulumi.t.yaml")
    assert found.sdk_kwargs() == {setting.sdk_attr: CONVERTED[setting.kind]}


@pytest.mark.parametrize(
    "setting", [s for s in PROVIDER_SETTINGS if not s.sdk_attr], ids=lambda s: s.key
)
def test_a_setting_the_python_sdk_lacks_is_reported_not_silently_dropped(setting):
    found = settings_from_config({setting.config_key: SAMPLES[setting.kind]}, "Pulumi.t.yaml")
    assert found.sdk_kwargs() == {}
    assert found.notes == (f"{setting.config_key} is set but not used here: {setting.unused}",)


def test_a_secure_value_is_unreadable_without_the_cli():
    found = settings_from_config({"databricks:token": {"secure": "v1:abc"}}, "Pulumi.t.yaml")
    assert found.values == ()
    assert found.unreadable == ("databricks:token",)


def test_other_namespaces_are_ignored_and_unknown_provider_keys_noted():
    found = settings_from_config(
        {"lakehouse-monitors:catalog": "c", "databricks:hots": "h"}, "Pulumi.t.yaml"
    )
    assert found.values == ()
    assert found.notes == ("databricks:hots is not a setting the provider knows: ignored",)


@pytest.mark.parametrize(
    ("key", "raw", "expected"),
    [
        ("skipVerify", "True", True),
        ("skipVerify", False, False),
        ("httpTimeoutSeconds", 20, 20),
        ("workspaceId", 1234567890, "1234567890"),
        ("scopes", "all-apis sql", "all-apis sql"),
        ("scopes", ["all-apis"], ["all-apis"]),
    ],
)
def test_values_are_converted_as_the_engine_and_yaml_give_them(key, raw, expected):
    setting = provider_setting(f"databricks:{key}")
    assert setting is not None
    assert convert(setting, raw) == expected


def test_a_bad_secret_value_is_refused_without_showing_it():
    setting = provider_setting("databricks:token")
    assert setting is not None
    with pytest.raises(CredentialsError) as raised:
        convert(setting, ["dapi-not-a-string"])
    assert "dapi-not-a-string" not in str(raised.value)
    assert "databricks:token: its value is not a string" in str(raised.value)


def test_merged_takes_the_first_source_then_fills_from_the_second():
    plain = settings_from_config(
        {"databricks:host": "https://a", "databricks:token": {"secure": "v1:x"}}, "Pulumi.t.yaml"
    )
    decrypted = settings_from_config(
        {"databricks:host": "https://a", "databricks:token": "dapi"}, "`pulumi config`"
    )
    both = merged(plain, decrypted)
    assert both.sdk_kwargs() == {"host": "https://a", "token": "dapi"}
    assert both.source_of("token") == "databricks:token (secret) from `pulumi config`"
    assert both.source_of("host") == "databricks:host from Pulumi.t.yaml"
    assert both.unreadable == ()


@pytest.mark.parametrize(
    "raw", ["nan", "inf", "1e400", "-5", -5, 2.5, "9" * 400, 2**63, True, "20 s"]
)
def test_a_provider_duration_that_is_not_a_finite_whole_number_in_range_is_refused(raw):
    setting = provider_setting("databricks:httpTimeoutSeconds")
    assert setting is not None
    with pytest.raises(CredentialsError) as raised:
        convert(setting, raw)
    assert str(raised.value).startswith(
        "databricks:httpTimeoutSeconds: "
    ) and "is not a whole number from 0 to 9223372036854775807" in str(raised.value)


@pytest.mark.parametrize(("raw", "expected"), [("20", 20), (" 7 ", 7), (0, 0), (30.0, 30)])
def test_a_provider_duration_in_range_is_taken_as_a_whole_number(raw, expected):
    setting = provider_setting("databricks:retryTimeoutSeconds")
    assert setting is not None
    assert convert(setting, raw) == expected
