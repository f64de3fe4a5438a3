"""A scratch copy of the project driven by the real `pulumi` CLI and `monitors`, against the
loopback workspace (tests/fakes/workspace.py): the engine suite's `Project` and what it names."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests.engine.binaries import ENGINE, REPO, Engine
from tests.fakes.workspace import FakeWorkspace

TOKEN = "dapi-engine-suite-token"
PASSPHRASE = "engine-suite-passphrase"
CATALOGS = {"dev": "wanderbricks_dev", "prod": "wanderbricks"}
GOLD, OUTPUT = "wanderbricks_gold", "wanderbricks_gold_monitoring"
# Where the change table's rows move the monitors (tests/change_table.py: a changed catalog,
# gold schema or output schema), so the workspace holds those tables and schemas too.
EXTRA_CATALOGS = ("wanderbricks_v2",)
EXTRA_GOLD, EXTRA_OUTPUT = ("wanderbricks_gold_v2",), ("wanderbricks_gold_monitoring_v2",)
TABLES = ("dim_host", "dim_property", "dim_user", "fact_booking_daily", "fact_property_engagement")
# The provider retries forever unless told otherwise (TF internal/providers/client/
# databricks_client.go `PrepareDatabricksClient`: RetryTimeoutSeconds 0 -> -1).
RETRY_TIMEOUT_SECONDS = "15"
COMMAND_TIMEOUT = 600


def full_name(stack: str, table: str) -> str:
    return f"{CATALOGS[stack]}.{GOLD}.{table}"


@dataclass
class Run:
    """One finished command: its exit code and what it printed."""

    argv: list[str]
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def __str__(self) -> str:
        return f"$ {' '.join(self.argv)}\n(exit {self.returncode})\n{self.output}"


@dataclass
class Project:
    """A scratch copy of the project, driven by the real CLI against the loopback workspace."""

    root: Path
    engine: Engine
    env: dict[str, str]
    workspace: FakeWorkspace
    runs: list[Run] = field(default_factory=list)

    # ---- commands users run -------------------------------------------------------------

    def pulumi(self, *args: str, ok: bool = True, stdin: str | None = None) -> Run:
        """`pulumi ARGS` in the project; `ok` asserts exit 0 (False: asserts a failure)."""
        return self._run([str(self.engine.pulumi), *args], ok, stdin)

    def monitors(self, *args: str, ok: bool | None = True, stdin: str | None = None) -> Run:
        """`monitors ARGS` against this copy and the real CLI (None: any exit code)."""
        argv = [str(REPO / ".venv" / "bin" / "python"), "-m", "monitors", *args]
        if args and args[0] not in ("plan",):
            argv += ["--project-dir", str(self.root), "--pulumi-root", str(ENGINE)]
        return self._run(argv, ok, stdin)

    def _run(self, argv: list[str], ok: bool | None, stdin: str | None) -> Run:
        done = subprocess.run(
            argv,
            cwd=self.root,
            env=self.env,
            input=stdin if stdin is not None else "",
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
        run = Run([Path(argv[0]).name, *argv[1:]], done.returncode, done.stdout, done.stderr)
        self.runs.append(run)
        if ok is True:
            assert run.returncode == 0, str(run)
        elif ok is False:
            assert run.returncode != 0, str(run)
        return run

    # ---- stacks ---------------------------------------------------------------------------

    def init_stack(self, stack: str, **settings: Any) -> None:
        """`pulumi stack init`, then the workspace's host and token (a secret), and `settings`
        as `lakehouse-monitors:<key>` values (YAML values go through `--path` per key)."""
        self.pulumi("stack", "init", stack)
        self.config(stack, "databricks:host", self.workspace.host)
        self.pulumi("config", "set", "--secret", "--stack", stack, "databricks:token", TOKEN)
        self.config(stack, "databricks:retryTimeoutSeconds", RETRY_TIMEOUT_SECONDS)
        for key, value in settings.items():
            self.setting(stack, key, value)

    def config(self, stack: str, key: str, value: str) -> None:
        self.pulumi("config", "set", "--stack", stack, key, value)

    def setting(self, stack: str, key: str, value: Any) -> None:
        """Set `lakehouse-monitors:<key>` to a scalar, list or map (written with --path)."""
        self._set_path(stack, f"lakehouse-monitors:{key}", value)

    def _set_path(self, stack: str, path: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                self._set_path(stack, f"{path}.{key}", inner)
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                self._set_path(stack, f"{path}[{index}]", inner)
        else:
            text = json.dumps(value) if isinstance(value, bool) else str(value)
            self.pulumi("config", "set", "--path", "--stack", stack, path, text)

    def up(self, stack: str, *args: str, ok: bool = True) -> Run:
        return self.pulumi("up", "--stack", stack, "--yes", "--skip-preview", *args, ok=ok)

    def preview(self, stack: str, *args: str, ok: bool = True) -> Run:
        return self.pulumi("preview", "--stack", stack, "--diff", *args, ok=ok)

    def state(self, stack: str) -> dict[str, Any]:
        """`pulumi stack export`: the checkpoint's deployment."""
        run = self.pulumi("stack", "export", "--stack", stack)
        return json.loads(run.stdout)  # type: ignore[no-any-return]

    def resources(self, stack: str, type_token: str | None = None) -> list[dict[str, Any]]:
        resources = self.state(stack)["deployment"].get("resources") or []
        return [r for r in resources if type_token is None or r["type"] == type_token]

    # ---- what reached the workspace -------------------------------------------------------

    def mark(self) -> int:
        """A point in the workspace's request log: `writes(since=mark)` reads from there."""
        return len(self.workspace.calls)

    def writes(self, since: int = 0) -> list[tuple[str, str]]:
        """The requests that change something (not GET), in order, as (method, path)."""
        return [(c.method, c.path) for c in self.workspace.calls[since:] if c.method != "GET"]

    def outcomes(self, since: int = 0) -> dict[str, str]:
        """What happened to each monitor in the workspace since `since`, by short table name:
        `create`, `update`, `delete`, `replace` (a delete, then a create) or the methods seen.
        Refreshes (the hooks') are not counted; data quality paths are mapped by table id."""
        by_id = {t["table_id"]: name for name, t in self.workspace.tables.items()}
        by_id.update({sc["schema_id"]: name for name, sc in self.workspace.schemas.items()})
        seen: dict[str, list[str]] = {}
        for call in self.workspace.calls[since:]:
            method, path = call.method, call.path
            if method == "GET" or path.endswith("/refreshes"):
                continue
            if path.startswith("/api/2.1/unity-catalog/tables/") and path.endswith("/monitor"):
                table = path.split("/")[5]
            elif path.startswith("/api/data-quality/v1/monitors/"):
                table = by_id.get(path.split("/")[6], path)
            elif path == "/api/data-quality/v1/monitors":
                table = by_id.get(str((call.body or {}).get("object_id")), path)
            else:
                continue
            seen.setdefault(table.rsplit(".", 1)[-1], []).append(method)
        names = {"POST": "create", "PUT": "update", "PATCH": "update", "DELETE": "delete"}
        return {
            table: "replace"
            if methods == ["DELETE", "POST"]
            else "+".join(names.get(m, m) for m in methods)
            for table, methods in seen.items()
        }

    def plan(self, stack: str) -> dict[str, Any]:
        """`monitors plan --stack S --json` on this copy."""
        run = self.monitors("plan", "--stack", stack, "--json")
        return json.loads(run.stdout)  # type: ignore[no-any-return]

    # ---- declarations ---------------------------------------------------------------------

    def write_declarations(self, declarations: dict[str, dict[str, Any]]) -> None:
        """Make the declarations directory hold exactly `declarations` (table -> YAML data)."""
        directory = self.root / "monitors" / "declarations"
        for path in directory.glob("*.yaml"):
            path.unlink()
        for table, data in declarations.items():
            self.declare(table, data)

    def declaration(self, table: str) -> dict[str, Any]:
        path = self.root / "monitors" / "declarations" / f"{table}.yaml"
        return yaml.safe_load(path.read_text())  # type: ignore[no-any-return]

    def declare(self, table: str, declaration: dict[str, Any]) -> None:
        path = self.root / "monitors" / "declarations" / f"{table}.yaml"
        path.write_text(yaml.safe_dump(declaration, sort_keys=False))
