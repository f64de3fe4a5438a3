"""Stack settings: what differs between dev and prod, read from `Pulumi.<stack>.yaml`.

The same model reads the file directly (for `python -m monitors plan`, no CLI needed) and the
config the Pulumi engine hands the program (values arrive as strings, objects as JSON), so both
see exactly the same settings.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from monitors.errors import Problem, StackConfigError
from monitors.naming import CONFIG_NAMESPACE, PROJECT_ROOT, stack_file_name, stack_name_of_file
from monitors.spec.models import EmailList, NonEmptyStr, Schedule
from monitors.spec.problems import problems_from_validation_error

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _sql_name(value: str) -> str:
    if not _NAME.match(value):
        raise ValueError(f"{value!r} is not a plain catalog/schema name")
    return value


def _workspace_path(value: str) -> str:
    if not value.startswith("/") or value.endswith("/"):
        raise ValueError(f"{value!r} must be an absolute workspace path without a trailing '/'")
    return value


SqlName = Annotated[str, AfterValidator(_sql_name)]


class ResetRequest(BaseModel):
    """A reset asked for one table: a token that differs from the last deployed one replaces it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    token: NonEmptyStr
    purge: bool = False


class StackSettings(BaseModel):
    """Everything a stack decides: where monitors live, who is told, and how safe changes are."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    stack: str = Field(exclude=True)
    catalog: SqlName
    gold_schema: SqlName = Field(alias="goldSchema")
    output_schema: SqlName = Field(alias="outputSchema")
    assets_root: Annotated[str, AfterValidator(_workspace_path)] = Field(alias="assetsRoot")
    warehouse_id: NonEmptyStr | None = Field(default=None, alias="warehouseId")
    notification_emails: EmailList = Field(default_factory=list, alias="notificationEmails")
    schedule: Schedule | None = None
    enabled: list[NonEmptyStr] | None = None
    protect: bool = False
    resets: dict[str, ResetRequest] = Field(default_factory=dict)
    refresh_after_update: bool = Field(default=True, alias="refreshAfterUpdate")

    @field_validator("resets", mode="before")
    @classmethod
    def _token_shorthand(cls, value: Any) -> Any:
        """`resets: {dim_host: "2026-11-26"}` is shorthand for `{token: "2026-11-26"}`."""
        if isinstance(value, Mapping):
            return {k: {"token": v} if isinstance(v, str) else v for k, v in value.items()}
        return value

    def full_table_name(self, table: str) -> str:
        """`catalog.gold_schema.table`: the monitored table, and the import id of its monitor."""
        return f"{self.catalog}.{self.gold_schema}.{table}"

    @property
    def output_schema_name(self) -> str:
        """`catalog.output_schema`: where the metric tables are written."""
        return f"{self.catalog}.{self.output_schema}"

    def assets_dir(self, table: str) -> str:
        """The workspace folder for one monitor's dashboard (create-only in the API)."""
        return f"{self.assets_root}/{table}"


# Keys whose engine-supplied string value is JSON (objects, lists, booleans).
_JSON_KEYS = frozenset(
    {"notificationEmails", "schedule", "enabled", "protect", "resets", "refreshAfterUpdate"}
)


def settings_from_config(stack: str, config: Mapping[str, Any], file: str) -> StackSettings:
    """Build settings from `{namespaced key: value}`; other namespaces (databricks:) are skipped."""
    prefix = f"{CONFIG_NAMESPACE}:"
    values: dict[str, Any] = {}
    for key, value in config.items():
        if not key.startswith(prefix):
            continue
        name = key[len(prefix) :]
        if name in _JSON_KEYS and isinstance(value, str):
            # A value that is not JSON is left for the model to report.
            with contextlib.suppress(json.JSONDecodeError):
                value = json.loads(value)
        values[name] = value
    try:
        return StackSettings.model_validate({**values, "stack": stack})
    except ValidationError as exc:
        problems = problems_from_validation_error(exc, prefix=prefix)
        raise StackConfigError(file, problems) from None


def stack_file(stack: str, root: Path = PROJECT_ROOT) -> Path:
    """The stack's settings file, `Pulumi.<stack>.yaml` beside `Pulumi.yaml`."""
    return root / stack_file_name(stack)


def parse_stack_config(text: str, file: str) -> dict[str, Any]:
    """The `config:` mapping of a stack file's text, checking no credential is in plain text."""
    try:
        document = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise StackConfigError(file, [Problem("", f"is not valid YAML: {exc}")]) from None
    config = document.get("config") or {} if isinstance(document, dict) else None
    if not isinstance(config, dict):
        raise StackConfigError(file, [Problem("config", "must be a mapping")])
    token = config.get("databricks:token")
    if token is not None and not (isinstance(token, dict) and "secure" in token):
        raise StackConfigError(
            file,
            [
                Problem(
                    "databricks:token",
                    "is in plain text: remove it and run "
                    "`pulumi config set --secret databricks:token`",
                )
            ],
        )
    return config


def read_stack_config(stack: str, root: Path = PROJECT_ROOT) -> dict[str, Any]:
    """The raw `config:` mapping of a stack's file on disk."""
    path = stack_file(stack, root)
    if not path.is_file():
        raise StackConfigError(
            path.name,
            [Problem("", f"no such stack file (stacks: {', '.join(known_stacks(root))})")],
        )
    return parse_stack_config(path.read_text(), path.name)


def load_stack_settings(stack: str, root: Path = PROJECT_ROOT) -> StackSettings:
    """Read and validate `Pulumi.<stack>.yaml` without the Pulumi CLI."""
    config = read_stack_config(stack, root)
    return settings_from_config(stack, config, stack_file(stack, root).name)


def known_stacks(root: Path = PROJECT_ROOT) -> list[str]:
    """Stack names that have a settings file in the project."""
    names = (stack_name_of_file(p.name) for p in root.glob("Pulumi.*.yaml"))
    return sorted(name for name in names if name)
