"""Column names and email addresses: whole values only, bounded lengths, case-blind duplicates.

Sources: Databricks SQL reference, "Names" (object names at most 255 characters, no ASCII
control characters; column names may hold other special characters); RFC 5321 section 4.5.3.1
(local part at most 64 octets, a path at most 256 with its angle brackets, so 254 for the
address). `EmailList` is shared by declarations and the stack's `notificationEmails`.
"""

from __future__ import annotations

import pytest

from monitors.declared.settings import settings_from_config
from monitors.errors import StackConfigError
from tests.declared.declaration_cases import refusals
from tests.helpers.declarations import declaration, inference, with_metric


def notify(*addresses: str) -> dict:
    return declaration(notifications={"on_failure": {"email_addresses": list(addresses)}})


@pytest.mark.parametrize(
    "address",
    [
        "ops@example.com\n",
        "ops@example.com ",
        " ops@example.com",
        "ops@exam ple.com",
        "ops@example..com",
        "ops@example.",
        "ops@@example.com",
        "ops@localhost",
        "ops\x00@example.com",
    ],
)
def test_an_address_that_is_not_wholly_an_email_is_refused(address):
    (line,) = refusals(notify(address))
    assert line.startswith("notifications.on_failure.email_addresses[0]: ")
    assert "is not an email address" in line


def test_two_addresses_differing_only_in_case_are_refused():
    (line,) = refusals(notify("Ops@Example.com", "ops@example.COM"))
    assert line == (
        "notifications.on_failure.email_addresses: 'ops@example.COM' is listed twice "
        "(as 'Ops@Example.com')"
    )


def test_the_stack_notification_emails_refuse_case_duplicates_too():
    config = {
        "lakehouse-monitors:catalog": "main",
        "lakehouse-monitors:goldSchema": "gold",
        "lakehouse-monitors:outputSchema": "monitoring",
        "lakehouse-monitors:assetsRoot": "/Shared/monitors",
        "lakehouse-monitors:notificationEmails": '["a@example.com", "A@example.com"]',
    }
    with pytest.raises(StackConfigError, match="is listed twice"):
        settings_from_config("dev", config, "Pulumi.dev.yaml")


def test_address_length_limits_follow_rfc_5321():
    local, domain = "l" * 64, "d" * 185 + ".com"  # 64 + 1 + 189 = 254
    assert refusals(notify(f"{local}@{domain}")) == []
    (line,) = refusals(notify(f"{local}@d{domain}"))
    assert "email address is 255 characters; at most 254" in line
    (line,) = refusals(notify("l" * 65 + "@example.com"))
    assert "the part before '@' is over 64 characters" in line


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (
            with_metric(declaration(), input_columns=["total_guests\n"]),
            "custom_metrics[3] (extra_metric).input_columns[0]",
        ),
        (
            declaration(
                time_series={"timestamp_col": "check_in_date\n", "granularities": ["1 day"]}
            ),
            "time_series.timestamp_col",
        ),
        (inference(prediction_col="prediction\r"), "inference_log.prediction_col"),
        (inference(model_id_col="model\tversion"), "inference_log.model_id_col"),
    ],
)
def test_a_column_name_with_a_control_character_is_refused(data, field):
    (line,) = refusals(data)
    assert line.startswith(f"{field}: ")
    assert "has a control character (a line break?)" in line


def test_a_blank_column_name_is_refused():
    (line,) = refusals(with_metric(declaration(), input_columns=["  "]))
    assert line == "custom_metrics[3] (extra_metric).input_columns[0]: is blank"


@pytest.mark.parametrize("column", ["order date", "price-eur", "prix_€", "a.b"])
def test_a_column_name_with_special_characters_is_accepted(column):
    """Unity Catalog column names may hold special characters (escaped with backticks in SQL)."""
    assert refusals(with_metric(declaration(), input_columns=[column])) == []


def test_a_column_name_of_255_characters_is_accepted_and_256_refused():
    assert refusals(with_metric(declaration(), input_columns=["c" * 255])) == []
    (line,) = refusals(with_metric(declaration(), input_columns=["c" * 256]))
    assert "at most 255 characters" in line
