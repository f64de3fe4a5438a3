"""Stack settings: what differs between dev and prod, read from `Pulumi.<stack>.yaml`.

Two ways in, one judgement. `plan`, the change report and the stack operations read the file
(`parse_stack_config`); the program gets the config the Pulumi engine hands it (`namespace:key`
to a string, objects as JSON). `settings_from_config` first turns every value into the string the
engine would pass (sdk/go/common/resource/config/object.go `MarshalString`), then judges both by
the same code, so the file and the engine can never be read differently.

What is refused, and why (a typo here must never switch protection off silently):
- a near-miss of our namespace (`lakehouse-monitor:`, `Lakehouse-Monitors:`,
  `lakehouse_monitors:`...): the program would ignore the setting;
- unknown keys in our namespace, a key without a value (YAML null: Pulumi passes an empty
  string), nulls inside values, keys repeated or spelled twice (`protect` and
  `lakehouse-monitors:protect` are one key to Pulumi);
- `databricks:*` credentials in plain text: the stack file is committed;
- encrypted (`secure:`) values in our namespace: none of our settings is a secret, and `plan`
  cannot decrypt them to check them.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from monitors.declared.backend import AnomalyDetection, Api, migration_problem
from monitors.declared.files import FileProblem, read_text
from monitors.declared.identifiers import check_name
from monitors.declared.models import AlertNotify, EmailList, Schedule
from monitors.declared.problems import problems_from_validation_error
from monitors.declared.provider_config import PROVIDER_SETTINGS
from monitors.declared.readers import Readers
from monitors.declared.suggest import hint, squash
from monitors.declared.values import true_or_false, yaml_scalar
from monitors.declared.yamlfile import YamlError, load_yaml, written_differently
from monitors.errors import Problem, StackConfigError
from monitors.naming import CONFIG_NAMESPACE, PROJECT_ROOT, stack_file_name, stack_name_of_file

PROVIDER_NAMESPACE = "databricks"
# The top-level keys of a stack file (sdk/go/common/workspace/project.go `ProjectStack`). Pulumi
# ignores any other, so a setting indented one level too little would be lost silently.
STACK_FILE_KEYS = ("config", "environment", "secretsprovider", "encryptedkey", "encryptionsalt")
# `databricks:*` settings that are credentials (one owner: monitors.declared.provider_config).
SECRET_PROVIDER_SETTINGS: tuple[str, ...] = tuple(
    sorted(setting.key for setting in PROVIDER_SETTINGS if setting.secret)
)
MAX_TOKEN_LENGTH = 128  # our rule: a token is a label (`2026-11-26T17:02:11Z-3f9a`), not a document
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_WAREHOUSE_ID = re.compile(r"[A-Za-z0-9_-]+")


def _distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions)."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous[-1]


def is_near_miss(namespace: str) -> bool:
    """A config namespace that is not ours but looks meant to be (`lakehouse-monitor`)."""
    if namespace == CONFIG_NAMESPACE:
        return False
    squashed, ours = squash(namespace), squash(CONFIG_NAMESPACE)
    return (
        "lakehouse" in squashed or squashed.startswith("monitor") or _distance(squashed, ours) <= 3
    )


def is_provider_near_miss(namespace: str) -> bool:
    """A namespace that is not the provider's but looks meant to be (`databrick`, `Databricks`,
    `data-bricks`): the provider reads only `databricks:*` (pulumi_databricks/config/vars.py)."""
    if namespace == PROVIDER_NAMESPACE:
        return False
    return _distance(squash(namespace), PROVIDER_NAMESPACE) <= 2


def _secret_setting(name: str) -> str | None:
    """The provider's secret setting `name` spells (`token`, `client_secret` -> `clientSecret`),
    or None."""
    for setting in SECRET_PROVIDER_SETTINGS:
        if squash(name) == squash(setting):
            return setting
    return None


def _is_secret_setting(name: str) -> bool:
    """`token`, `clientSecret` or a spelling of one (`client_secret`, `ClientSecret`)."""
    return _secret_setting(name) is not None


def _is_secure_value(value: Any) -> bool:
    """`{secure: <ciphertext>}`: exactly Pulumi's test (object.go `isSecureValue`)."""
    return (
        isinstance(value, Mapping) and set(value) == {"secure"} and isinstance(value["secure"], str)
    )


def _has_secure_value(value: Any) -> bool:
    if _is_secure_value(value):
        return True
    if isinstance(value, Mapping):
        return any(_has_secure_value(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_secure_value(v) for v in value)
    return False


# ------------------------------------------------------------------------ value rules


def _workspace_path(value: str) -> str:
    """An absolute workspace folder; `<assetsRoot>/<table>` is each monitor's `assets_dir`,
    create-only in the API, so a stray character here would replace every monitor."""
    if not value.startswith("/") or value.endswith("/"):
        raise ValueError(f"{value!r} must be an absolute workspace path without a trailing '/'")
    if _CONTROL.search(value) or value != value.strip():
        raise ValueError(f"{value!r} has a control character or surrounding whitespace")
    parts = value.split("/")[1:]
    if "" in parts:
        raise ValueError(f"{value!r} has an empty path segment ('//')")
    if "." in parts or ".." in parts:
        raise ValueError(f"{value!r} has a '.' or '..' segment; write the folder it means")
    return value


def _warehouse_id(value: str) -> str:
    """A SQL warehouse ID is opaque (`1234567890abcdef`); no format is documented, so refuse
    only what cannot be one: whitespace, punctuation, a pasted URL. It is create-only, so a
    trailing newline would replace every monitor."""
    if not _WAREHOUSE_ID.fullmatch(value):
        raise ValueError(
            f"{value!r} is not a SQL warehouse ID (letters, digits, '-' and '_' only; copy the ID "
            "from the warehouse's Connection details, not its URL)"
        )
    return value


def _token_from_number(value: Any) -> Any:
    """`pulumi config set --path ...token 123` stores the number 123 (object.go `coerce`
    turns base-10 digits into integers), so an integer token is the token '123'."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _token(value: str) -> str:
    if not value.strip():
        raise ValueError("is blank; a reset token must be a non-empty label")
    if value != value.strip():
        raise ValueError(f"{value!r} has leading or trailing whitespace")
    if _CONTROL.search(value):
        raise ValueError(f"{value!r} has a control character")
    if len(value) > MAX_TOKEN_LENGTH:
        raise ValueError(f"is {len(value)} characters long; at most {MAX_TOKEN_LENGTH}")
    return value


def _unique_tables(values: list[str]) -> list[str]:
    seen: set[str] = set()
    for value in values:
        if value.lower() in seen:
            raise ValueError(f"{value!r} is listed twice")
        seen.add(value.lower())
    return values


SqlName = Annotated[str, AfterValidator(check_name("catalog/schema name"))]
TableName = Annotated[str, AfterValidator(check_name("table name"))]
Flag = Annotated[bool, BeforeValidator(true_or_false)]
ResetToken = Annotated[str, BeforeValidator(_token_from_number), AfterValidator(_token)]


class ResetRequest(BaseModel):
    """A reset asked for one table: a token that differs from the last deployed one replaces it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    token: ResetToken
    """A label; a token that differs from the last deployed one replaces the monitor."""
    purge: Flag = False
    """Also drop the old metric tables and trash the dashboard between the delete and the create."""


class AlertSettings(BaseModel):
    """Where and when this stack's alerts run, and who hears when one fires (an alert's own
    `notify` wins). Without these settings a stack deploys no alerts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # Digits only would be a number in YAML and in `config set --path` (object.go `coerce`).
    warehouse_id: Annotated[str, BeforeValidator(_token_from_number), AfterValidator(_warehouse_id)]
    """The SQL warehouse the alert queries run on (the bare ID)."""
    schedule: Schedule
    """When the alerts are evaluated."""
    notify: AlertNotify | None = None
    """Who is told by default."""


class StackSettings(BaseModel):
    """Everything a stack decides: where monitors live, who is told, and how safe changes are."""

    # Only the config names (`goldSchema`), never the Python ones (`gold_schema`): a setting
    # has one spelling.
    model_config = ConfigDict(extra="forbid", frozen=True)

    stack: str = Field(exclude=True)
    catalog: SqlName
    """The catalog of the monitored tables. Changing it replaces every monitor."""
    gold_schema: SqlName = Field(alias="goldSchema")
    """The schema of the monitored tables. Changing it replaces every monitor."""
    output_schema: SqlName = Field(alias="outputSchema")
    """The schema (in `catalog`) for the metric tables. Changing it updates in place."""
    assets_root: Annotated[str, AfterValidator(_workspace_path)] = Field(alias="assetsRoot")
    """A workspace folder; each monitor's `assets_dir` is `<assetsRoot>/<table>`. Create-only:
    changing it replaces every monitor."""
    warehouse_id: Annotated[str, AfterValidator(_warehouse_id)] | None = Field(
        default=None, alias="warehouseId"
    )
    """The SQL warehouse for the dashboards. Create-only: changing it replaces every monitor."""
    notification_emails: EmailList = Field(default_factory=list, alias="notificationEmails")
    """Up to five addresses told of failed refreshes (a declaration's `notifications.on_failure`
    wins)."""
    schedule: Schedule | None = None
    """The default refresh schedule; absent means no schedules in this stack."""
    enabled: Annotated[list[TableName], AfterValidator(_unique_tables)] | None = None
    """Which declared monitors this stack deploys (default: all)."""
    protect: Flag = False
    """Production protection: no monitor is replaced or deleted without an explicit request."""
    resets: dict[TableName, ResetRequest] = Field(default_factory=dict)
    """`{table: {token, purge}}`, written by `reset` (a bare string is a token)."""
    refresh_after_update: Flag = Field(default=True, alias="refreshAfterUpdate")
    """Queue a metric refresh after each in-place update."""
    alerts: AlertSettings | None = None
    """Where and when alerts run, and who is told; absent means this stack deploys no alerts."""
    # The monitor API (monitors.declared.backend); `migratingTo` is written by `migrate` while it
    # moves the stack's monitors to another backend; `anomalyDetection` adds a schema monitor.
    api: Api = "legacy"
    """The monitor API: `legacy` or `data_quality`. A deployed stack moves with `migrate`, never by
    editing this alone."""
    migrating_to: Api | None = Field(default=None, alias="migratingTo")
    """Written by `migrate` while it moves the stack; must equal `api`."""
    anomaly_detection: AnomalyDetection | None = Field(default=None, alias="anomalyDetection")
    """Schema-level freshness and completeness monitoring of the gold schema."""
    readers: Readers | None = None
    """Principals granted read access to the monitors' results: USE_SCHEMA and SELECT on the
    output schema, CAN_READ on each dashboard (docs/how-to/readers.md)."""
    paused: Flag = False
    """Deploy the monitors without a schedule: no scheduled refresh, history kept
    (docs/how-to/pause.md)."""

    @field_validator("resets", mode="before")
    @classmethod
    def _token_shorthand(cls, value: Any) -> Any:
        """`resets: {dim_host: "2026-11-26"}` is shorthand for `{token: "2026-11-26"}`."""
        if isinstance(value, Mapping):
            return {
                k: {"token": v} if isinstance(v, str | int) and not isinstance(v, bool) else v
                for k, v in value.items()
            }
        return value

    @field_validator("resets")
    @classmethod
    def _one_entry_per_table(cls, value: dict[str, ResetRequest]) -> dict[str, ResetRequest]:
        _unique_tables(list(value))
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

    @property
    def gold_schema_name(self) -> str:
        """`catalog.gold_schema`: the schema anomaly detection watches."""
        return f"{self.catalog}.{self.gold_schema}"


# Config names of the settings, as users write them after `lakehouse-monitors:`.
SETTING_NAMES: tuple[str, ...] = tuple(
    info.alias or name for name, info in StackSettings.model_fields.items() if name != "stack"
)
# Settings whose engine-supplied string is JSON (objects, lists, booleans).
_JSON_KEYS = frozenset(
    {
        "notificationEmails",
        "schedule",
        "enabled",
        "protect",
        "resets",
        "refreshAfterUpdate",
        "alerts",
        "anomalyDetection",
        "readers",
        "paused",
    }
)


# ------------------------------------------------------------------------ engine values


def _go_number(value: Any) -> Any:
    """Numbers as Go's encoding/json writes a float64 that holds an integer (`1e3` -> 1000)."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value) if abs(value) < 1e21 else value
    if isinstance(value, Mapping):
        return {k: _go_number(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_go_number(v) for v in value]
    return value


def engine_text(value: Any) -> str:
    """The string the engine hands the program for a stack file value (object.go
    `MarshalString`: text as is, booleans and numbers and objects as JSON)."""
    if isinstance(value, str):
        return value
    return json.dumps(_go_number(value), separators=(",", ":"), sort_keys=True)


def _nulls(value: Any, path: str = "") -> Iterator[str]:
    """Paths of the nulls inside a value (`.dim_host.token`, `[1]`)."""
    if value is None:
        yield path
    elif isinstance(value, Mapping):
        for key, child in value.items():
            yield from _nulls(child, f"{path}.{key}")
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _nulls(child, f"{path}[{index}]")


_FLAT_PATH = re.compile(r"(?P<setting>[^.\[]+)[.\[]")


def _unknown_key(name: str) -> str:
    """Why `lakehouse-monitors:<name>` is no setting, and what was most likely meant: a dotted
    key under one of ours (`alerts.warehouse_id`) is what `pulumi config set` stores without
    `--path`, so it is told to use `--path` rather than offered a setting spelled alike."""
    flat = _FLAT_PATH.match(name)
    if flat and flat.group("setting") in SETTING_NAMES:
        return (
            f"unknown key: a flat key named {name!r}, which `pulumi config set` writes without "
            f"--path; set the value inside {flat.group('setting')!r} with `pulumi config set "
            f"--path '{CONFIG_NAMESPACE}:{name}' <value>` and remove this one with "
            f"`pulumi config rm '{CONFIG_NAMESPACE}:{name}'`"
        )
    meant = hint(name, SETTING_NAMES)
    return f"unknown key{meant}" if meant else f"unknown key (known: {', '.join(SETTING_NAMES)})"


def _setting_value(key: str, name: str, raw: Any) -> tuple[Any, list[Problem]]:
    """One of our settings as the model takes it (JSON decoded where the engine sends JSON),
    or the problems that stop it: no value, an empty one, nulls inside."""
    if raw is None:
        message = "has no value (Pulumi would pass an empty string): set one or remove the line"
        return None, [Problem(key, message)]
    text = engine_text(raw)
    if not text:
        return None, [Problem(key, "is empty: set a value or remove the line")]
    value: Any = text
    if name in _JSON_KEYS:
        with contextlib.suppress(json.JSONDecodeError):  # not JSON: the model reports it
            value = json.loads(text)
    return value, [
        Problem(f"{key}{path}", "is null: set a value or remove it") for path in _nulls(value)
    ]


def _foreign_key_problem(key: str) -> Problem | None:
    """A key outside our namespace: fine, unless it looks meant to be ours or the provider's."""
    namespace, sep, name = key.partition(":")
    if not sep:
        return Problem(key, "is not a configuration key (write namespace:name)")
    if is_provider_near_miss(namespace):
        return Problem(
            key,
            f"namespace {namespace!r} is not {PROVIDER_NAMESPACE!r}, so the Databricks provider "
            f"would ignore this setting: write `{PROVIDER_NAMESPACE}:{name}`",
        )
    if is_near_miss(namespace):
        return Problem(
            key,
            f"namespace {namespace!r} is not {CONFIG_NAMESPACE!r}, so the program would ignore "
            f"this setting: write `{CONFIG_NAMESPACE}:{name}`",
        )
    return None


def settings_from_config(stack: str, config: Mapping[str, Any], file: str) -> StackSettings:
    """Build settings from `{namespace:key: value}` (the file's values or the engine's strings);
    other namespaces (`databricks:`) are skipped, near-misses of ours are errors. Every problem
    is raised at once."""
    prefix = f"{CONFIG_NAMESPACE}:"
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    refused: set[str] = set()
    for key, raw in config.items():
        if not key.startswith(prefix):
            foreign = _foreign_key_problem(key)
            problems += [foreign] if foreign else []
            continue
        name = key[len(prefix) :]
        if name not in SETTING_NAMES:
            problems.append(Problem(key, _unknown_key(name)))
            continue
        value, found = _setting_value(key, name, raw)
        if found:
            problems += found
            refused.add(name)
        else:
            values[name] = value
    try:
        settings = StackSettings.model_validate({**values, "stack": stack})
    except ValidationError as exc:
        problems.extend(
            p
            for p in problems_from_validation_error(exc, prefix=prefix, model=StackSettings)
            # A setting already reported above is not also "required".
            if p.field.removeprefix(prefix).split(".")[0].split("[")[0] not in refused
        )
    else:
        migration = migration_problem(stack, settings.api, settings.migrating_to)
        if migration:
            problems.append(Problem(f"{prefix}migratingTo", migration))
        if not problems:
            return settings
    raise StackConfigError(file, problems)


# ------------------------------------------------------------------------ the stack file


def stack_file(stack: str, root: Path = PROJECT_ROOT) -> Path:
    """The stack's settings file, `Pulumi.<stack>.yaml` beside `Pulumi.yaml`."""
    return root / stack_file_name(stack)


def _namespaced(key: str) -> str | None:
    """A stack file key as Pulumi reads it (config/key.go `ParseKey`): `ns:name`, the old
    `ns:config:name`, or a bare `name` in the project's namespace
    (workspace/loaders.go `stackConfigNamespacedWithProject`); None when it is none of these."""
    parts = key.split(":")
    if len(parts) == 1:
        parts = [CONFIG_NAMESPACE, key]
    elif len(parts) == 3 and parts[1] == "config":
        parts = [parts[0], parts[2]]
    if len(parts) != 2 or not all(parts):
        return None
    return ":".join(parts)


def _numbers(value: Any, path: str = "") -> Iterator[tuple[str, str, Any]]:
    """The numbers inside a value that Pulumi would not pass as written: any float (`1e3` is
    passed as 1000), and integers not in plain decimal (`0123` is passed as 83, Go's base-0
    rule in yaml.v3 `resolve`); each as (path, text as written, number)."""
    written = written_differently(value)
    if isinstance(value, float):
        yield path, written or repr(value), value
    elif written is not None:
        yield path, written, value
    elif isinstance(value, Mapping):
        for key, child in value.items():
            yield from _numbers(child, f"{path}.{key}")
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _numbers(child, f"{path}[{index}]")


def _number_problems(key: str, value: Any) -> list[Problem]:
    """None of our settings is a number: a value YAML reads as one that Pulumi would pass
    changed (a warehouse ID `0123...` or `12e4...`) is refused, asking for quotes."""
    return [
        Problem(
            f"{key}{path}",
            f"is a number to YAML ({written}), which Pulumi passes as {engine_text(number)!r}: "
            "none of these settings is a number; write it in quotes if it is text",
        )
        for path, written, number in _numbers(value)
    ]


def _check_secret(key: str, name: str, value: Any) -> Problem | None:
    if value is None or value == "" or _is_secure_value(value):
        return None
    setting = f"{PROVIDER_NAMESPACE}:{_secret_setting(name) or name}"
    return Problem(
        key,
        "is in plain text: remove it from the file (it is committed) and run "
        f"`pulumi config set --secret {setting}`",
    )


def parse_stack_config(text: str, file: str) -> dict[str, Any]:
    """The `config:` mapping of a stack file's text, keys as Pulumi reads them (`ns:name`);
    refuses what Pulumi would refuse or read differently, and credentials in plain text."""
    try:
        document = load_yaml(text)
    except YamlError as exc:
        raise StackConfigError(file, [Problem("", f"is not valid YAML: {exc}")]) from None
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise StackConfigError(file, [Problem("", "must be a mapping with a `config:` key")])
    misplaced = [
        Problem(
            str(key),
            "is not a stack file key, and Pulumi ignores it: settings go under `config:` "
            f"(known keys: {', '.join(STACK_FILE_KEYS)})",
        )
        for key in document
        if key not in STACK_FILE_KEYS
    ]
    if misplaced:
        raise StackConfigError(file, misplaced)
    config = document.get("config")
    if config is None:
        return {}
    if not isinstance(config, dict):
        raise StackConfigError(file, [Problem("config", "must be a mapping of settings")])
    problems: list[Problem] = []
    result: dict[str, Any] = {}
    written: dict[str, str] = {}
    for key, value in config.items():
        namespaced = _namespaced(key) if isinstance(key, str) else None
        if namespaced is None:
            problems.append(
                Problem(
                    f"config: {yaml_scalar(key)}" if not isinstance(key, str) else key,
                    "is not a configuration key (write namespace:name)",
                )
            )
            continue
        if namespaced in written:
            problems.append(
                Problem(key, f"sets {namespaced} again (already set as {written[namespaced]!r})")
            )
            continue
        written[namespaced] = key
        namespace, _, name = namespaced.partition(":")
        if namespace == PROVIDER_NAMESPACE and _is_secret_setting(name):
            secret_problem = _check_secret(key, name, value)
            if secret_problem:
                problems.append(secret_problem)
                continue
        numbers = _number_problems(key, value) if namespace == CONFIG_NAMESPACE else []
        if numbers:
            problems.extend(numbers)
            continue
        if namespace == CONFIG_NAMESPACE and _has_secure_value(value):
            problems.append(
                Problem(
                    key,
                    "is encrypted (secure), but no lakehouse-monitors setting is a secret and "
                    "`plan` cannot check an encrypted value: set it without --secret",
                )
            )
            continue
        result[namespaced] = value
    if problems:
        # Report the settings' own problems too, all at once (not "required" for a key dropped).
        try:
            settings_from_config("", result, file)
        except StackConfigError as exc:
            refused = {_namespaced(p.field) for p in problems}
            problems.extend(
                p
                for p in exc.problems
                if not (p.message == "is required" and _namespaced(p.field) in refused)
            )
        raise StackConfigError(file, problems)
    return result


def read_stack_text(path: Path) -> str | None:
    """A stack file's text, None when it does not exist; StackConfigError when unusable."""
    try:
        return read_text(path)
    except FileNotFoundError:
        return None
    except FileProblem as exc:
        raise StackConfigError(path.name, [Problem("", str(exc))]) from None


def read_stack_config(stack: str, root: Path = PROJECT_ROOT) -> dict[str, Any]:
    """The `config:` mapping of a stack's file on disk (keys as Pulumi reads them)."""
    path = stack_file(stack, root)
    text = read_stack_text(path)
    if text is None:
        raise missing_stack_file(path.name, known_stacks(root))
    return parse_stack_config(text, path.name)


def missing_stack_file(file: str, stacks: Sequence[str]) -> StackConfigError:
    """The error for a stack file that does not exist, naming the stacks that have one."""
    return StackConfigError(
        file, [Problem("", f"no such stack file (stacks: {', '.join(stacks) or 'none'})")]
    )


def load_stack_settings(stack: str, root: Path = PROJECT_ROOT) -> StackSettings:
    """Read and validate `Pulumi.<stack>.yaml` without the Pulumi CLI."""
    config = read_stack_config(stack, root)
    return settings_from_config(stack, config, stack_file(stack, root).name)


def known_stacks(root: Path = PROJECT_ROOT) -> list[str]:
    """Stack names that have a settings file in the project."""
    names = (stack_name_of_file(p.name) for p in root.glob("Pulumi.*.yaml"))
    return sorted(name for name in names if name)
