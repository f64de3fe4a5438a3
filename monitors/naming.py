"""Names and places the whole product agrees on: project, stack files, URNs, config keys, commands.

Stack operations find monitors by these names and users paste these commands, so each has one
definition here. Changing a resource name or type changes every URN: the engine would delete and
recreate every monitor (history lost), so it never changes without aliases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

PROJECT_NAME = "lakehouse-monitors"
# The config namespace of our stack settings (`lakehouse-monitors:catalog`, ...).
CONFIG_NAMESPACE = PROJECT_NAME
PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Where declarations live, relative to the project root (the directory holding Pulumi.yaml).
DECLARATIONS_PATH = "monitors/declarations"
DECLARATIONS_DIR = PROJECT_ROOT / DECLARATIONS_PATH

RESOURCE_TYPE = "databricks:index/qualityMonitor:QualityMonitor"
RESETS_KEY = "resets"

# The stack setting choosing the monitor API, and its values (`lakehouse-monitors:api`).
API_LEGACY = "legacy"
API_DATA_QUALITY = "data_quality"
APIS: tuple[str, ...] = (API_LEGACY, API_DATA_QUALITY)
if TYPE_CHECKING:
    ApiName = str
else:  # one of APIS, as a type pydantic checks (the record, the migration journal)
    ApiName = Literal[APIS]
# The resource type of a monitor on the `data_quality` backend (pulumi-databricks 1.118
# `data_quality_monitor.py`). A monitor's URN depends on it: one table's monitor has a different
# URN on each backend, so switching backends is never a plain edit (see `migrate_command`).
DQ_RESOURCE_TYPE = "databricks:index/dataQualityMonitor:DataQualityMonitor"
RESOURCE_TYPES: dict[str, str] = {API_LEGACY: RESOURCE_TYPE, API_DATA_QUALITY: DQ_RESOURCE_TYPE}
# The schema-level anomaly detection monitor's resource name: `-` cannot appear in a table name
# (monitors.declared.identifiers), so it never collides with a monitor's.
ANOMALY_RESOURCE_NAME = "schema-anomaly-detection"


def short_stack(stack: str) -> str:
    """`org/project/dev` -> `dev`: the part URNs and stack files use."""
    return stack.split("/")[-1]


def stack_file_name(stack: str) -> str:
    """The stack's settings file name, `Pulumi.<stack>.yaml` (beside `Pulumi.yaml`)."""
    return f"Pulumi.{short_stack(stack)}.yaml"


def stack_name_of_file(file_name: str) -> str | None:
    """`Pulumi.dev.yaml` -> `dev`; None for any other file name."""
    if file_name.startswith("Pulumi.") and file_name.endswith(".yaml"):
        stack = file_name[len("Pulumi.") : -len(".yaml")]
        return stack or None
    return None


def resource_name(table: str) -> str:
    """A monitor's Pulumi resource name: the table's short name (one monitor per table)."""
    return table


def resource_type(api: str = API_LEGACY) -> str:
    """The Pulumi type of a monitor on the `api` backend."""
    return RESOURCE_TYPES[api]


def monitor_urn(stack: str, table: str, api: str = API_LEGACY) -> str:
    """The URN of a table's monitor (no parent, default provider), as `--replace` takes it."""
    return (
        f"urn:pulumi:{short_stack(stack)}::{PROJECT_NAME}::{resource_type(api)}::"
        f"{resource_name(table)}"
    )


def anomaly_urn(stack: str) -> str:
    """The URN of the stack's schema-level anomaly detection monitor."""
    return (
        f"urn:pulumi:{short_stack(stack)}::{PROJECT_NAME}::{DQ_RESOURCE_TYPE}::"
        f"{ANOMALY_RESOURCE_NAME}"
    )


def monitor_table(urn: str) -> str | None:
    """The table a monitor URN names (monitors have no parent), on either backend, or None for
    other resources (the anomaly detection monitor included)."""
    parts = urn.split("::")
    if len(parts) == 4 and parts[2] in RESOURCE_TYPES.values():
        return None if parts[3] == ANOMALY_RESOURCE_NAME else parts[3]
    return None


def reset_token_key(table: str) -> str:
    """The `config set --path` key of a table's reset token (in our namespace)."""
    return f"{RESETS_KEY}.{table}.token"


def reset_purge_key(table: str) -> str:
    """The `config set --path` key saying whether a table's reset purges its metric tables."""
    return f"{RESETS_KEY}.{table}.purge"


def reset_command(stack: str, table: str) -> str:
    """The command that asks for a monitor's replace in a protected stack."""
    return f"monitors reset --stack {short_stack(stack)} --table {table}"


def unprotect_command(stack: str, table: str, api: str = API_LEGACY) -> str:
    """The command that clears a monitor's recorded protection, so that a delete or a raw
    `pulumi up --replace` of it is allowed (the program registers protection again)."""
    return f"pulumi state unprotect --stack {short_stack(stack)} '{monitor_urn(stack, table, api)}'"


def replace_command(stack: str, table: str, api: str = API_LEGACY) -> str:
    """Pulumi's own way to recreate one monitor: `pulumi up --replace <urn>`."""
    return f"pulumi up --stack {short_stack(stack)} --replace '{monitor_urn(stack, table, api)}'"


# ---------------------------------------------------------------------------- alerts
# Each declared alert is one `databricks.AlertV2`, a resource of its own beside its monitor (no
# parent: the monitors' URNs stay exactly as they were).

ALERT_RESOURCE_TYPE = "databricks:index/alertV2:AlertV2"
ALERT_SEVERITIES: tuple[str, ...] = ("info", "warning", "critical")
# `[CRITICAL] fact_booking_daily.cancellation_spike (prod)`, and ` (1)` after it when the service
# renamed a copy (terraform-provider-databricks issue 4867).
_DISPLAY_NAME = re.compile(
    r"\[(?P<severity>[A-Z]+)\] (?P<table>[a-z_][a-z0-9_]*)\.(?P<alert>[a-z_][a-z0-9_]*) "
    r"\((?P<stack>[^()\s]+)\)(?: \((?P<copy>\d+)\))?"
)


def alert_key(table: str, alert: str) -> str:
    """An alert's name across the stack: `table.alert` (table names hold no dot)."""
    return f"{table}.{alert}"


def alert_resource_name(table: str, alert: str) -> str:
    """An alert's Pulumi resource name: unique in the stack, stable while its names are."""
    return alert_key(table, alert)


def alert_urn(stack: str, table: str, alert: str) -> str:
    """The URN of one alert (no parent, default provider)."""
    return (
        f"urn:pulumi:{short_stack(stack)}::{PROJECT_NAME}::{ALERT_RESOURCE_TYPE}::"
        f"{alert_resource_name(table, alert)}"
    )


def alert_of_urn(urn: str) -> tuple[str, str] | None:
    """(table, alert) of an alert URN, or None for other resources."""
    parts = urn.split("::")
    if len(parts) == 4 and parts[2] == ALERT_RESOURCE_TYPE and "." in parts[3]:
        table, _, alert = parts[3].partition(".")
        return table, alert
    return None


def alert_display_name(stack: str, table: str, alert: str, severity: str) -> str:
    """The alert's name in the workspace: severity first (it heads every notification), then
    what it watches, then the stack, so two stacks in one workspace never share a name."""
    return f"[{severity.upper()}] {alert_key(table, alert)} ({short_stack(stack)})"


@dataclass(frozen=True)
class AlertName:
    """What a display name written by `alert_display_name` says; `copy` is N of a ` (N)` the
    service appended to a duplicate."""

    stack: str
    table: str
    alert: str
    severity: str
    copy: int | None = None


def parse_alert_display_name(name: str) -> AlertName | None:
    """Read a display name back; None when it is not one of ours."""
    found = _DISPLAY_NAME.fullmatch(name)
    if found is None or found["severity"].lower() not in ALERT_SEVERITIES:
        return None
    copy = int(found["copy"]) if found["copy"] is not None else None
    return AlertName(
        found["stack"], found["table"], found["alert"], found["severity"].lower(), copy
    )


def alert_unprotect_command(stack: str, table: str, alert: str) -> str:
    """The command that lets a protected stack delete one alert on purpose."""
    return f"pulumi state unprotect --stack {short_stack(stack)} '{alert_urn(stack, table, alert)}'"


def migrate_command(stack: str, api: str) -> str:
    """The command that moves a stack's monitors to the `api` backend without losing history
    (`monitors migrate`, built on this backend's record fields)."""
    return f"monitors migrate --stack {short_stack(stack)} --to {api}"


# ---------------------------------------------------------------------------- readers
# `lakehouse-monitors:readers` grants (monitors.desired.readers): one `databricks.Grant` per
# principal and securable, one `databricks.Permissions` per monitor's dashboard. Their names
# hold the principal or table they are for, so adding or removing one reader never renames
# another's resources. No parent: like alerts, they sit beside the monitors.

GRANT_RESOURCE_TYPE = "databricks:index/grant:Grant"
PERMISSIONS_RESOURCE_TYPE = "databricks:index/permissions:Permissions"
READER_SECURABLES: tuple[str, ...] = ("schema", "catalog")


def reader_grant_name(securable: str, principal: str) -> str:
    """A reader's grant on the output schema or the catalog: `reader-schema:<principal>`."""
    return f"reader-{securable}:{principal}"


def dashboard_permissions_name(table: str) -> str:
    """The readers' access to one monitor's dashboard: `reader-dashboard:<table>`."""
    return f"reader-dashboard:{table}"


def reader_grant_urn(stack: str, securable: str, principal: str) -> str:
    """The URN of a reader's grant (no parent, default provider)."""
    return (
        f"urn:pulumi:{short_stack(stack)}::{PROJECT_NAME}::{GRANT_RESOURCE_TYPE}::"
        f"{reader_grant_name(securable, principal)}"
    )


def dashboard_permissions_urn(stack: str, table: str) -> str:
    """The URN of the readers' access to one monitor's dashboard."""
    return (
        f"urn:pulumi:{short_stack(stack)}::{PROJECT_NAME}::{PERMISSIONS_RESOURCE_TYPE}::"
        f"{dashboard_permissions_name(table)}"
    )
