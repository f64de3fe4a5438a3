"""Names and places the whole product agrees on: project, stack files, URNs, config keys, commands.

Stack operations find monitors by these names and users paste these commands, so each has one
definition here. Changing a resource name or type changes every URN: the engine would delete and
recreate every monitor (history lost), so it never changes without aliases.
"""

from __future__ import annotations

from pathlib import Path

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
# The resource type of a monitor on the `data_quality` backend (pulumi-databricks 1.118
# `data_quality_monitor.py`). A monitor's URN depends on it: one table's monitor has a different
# URN on each backend, so switching backends is never a plain edit (see `migrate_command`).
DQ_RESOURCE_TYPE = "databricks:index/dataQualityMonitor:DataQualityMonitor"
RESOURCE_TYPES: dict[str, str] = {API_LEGACY: RESOURCE_TYPE, API_DATA_QUALITY: DQ_RESOURCE_TYPE}
# The schema-level anomaly detection monitor's resource name: `-` cannot appear in a table name
# (monitors.spec.identifiers), so it never collides with a monitor's.
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
    return f"python -m monitors reset --stack {short_stack(stack)} --table {table}"


def unprotect_command(stack: str, table: str, api: str = API_LEGACY) -> str:
    """The command that clears a monitor's recorded protection, so that a delete or a raw
    `pulumi up --replace` of it is allowed (the program registers protection again)."""
    return f"pulumi state unprotect --stack {short_stack(stack)} '{monitor_urn(stack, table, api)}'"


def replace_command(stack: str, table: str, api: str = API_LEGACY) -> str:
    """Pulumi's own way to recreate one monitor: `pulumi up --replace <urn>`."""
    return f"pulumi up --stack {short_stack(stack)} --replace '{monitor_urn(stack, table, api)}'"


def migrate_command(stack: str, api: str) -> str:
    """The command that moves a stack's monitors to the `api` backend without losing history
    (`python -m monitors migrate`, built on this backend's record fields)."""
    return f"python -m monitors migrate --stack {short_stack(stack)} --to {api}"
