"""A throw-away git repository holding a copy of the project, and the change report run on it
(`plan --against` through the real argument parser, so the real repository is never read)."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from monitors.cli.main import main
from monitors.naming import PROJECT_NAME, PROJECT_ROOT
from tests.helpers.declarations import copy_shipped_declarations

DECLARATIONS = "monitors/declarations"
PROJECT_FILES = ("Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml")


@dataclass
class Report:
    """One run of the report: exit code, stdout, stderr."""

    code: int
    out: str
    err: str

    @property
    def doc(self) -> dict[str, Any]:
        return json.loads(self.out)

    def monitor(self, table: str) -> dict[str, Any]:
        return self.doc["monitors"][table]

    def outcome(self, table: str) -> str:
        return self.monitor(table)["outcome"]

    def outcomes(self) -> dict[str, str]:
        return {t: m["outcome"] for t, m in self.doc["monitors"].items()}

    def others_unchanged(self, table: str) -> bool:
        return all(o == "unchanged" for t, o in self.outcomes().items() if t != table)


class ProjectRepo:
    """A git repository with a copy of the project's stack files and declarations."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def git(self, *args: str) -> str:
        result = subprocess.run(
            [
                "git",
                "-c",
                "user.name=Test",
                "-c",
                "user.email=test@example.com",
                "-c",
                "commit.gpgsign=false",
                "-c",
                "tag.gpgsign=false",
                *args,
            ],
            cwd=self.path,
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout

    def commit(self, message: str = "change") -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)

    def declaration_path(self, table: str) -> Path:
        return self.path / DECLARATIONS / f"{table}.yaml"

    def declaration(self, table: str) -> dict[str, Any]:
        return yaml.safe_load(self.declaration_path(table).read_text())

    def write_declaration(self, table: str, data: dict[str, Any]) -> None:
        self.declaration_path(table).write_text(yaml.safe_dump(data, sort_keys=False))

    def metrics(self, table: str) -> list[dict[str, Any]]:
        return self.declaration(table)["custom_metrics"]

    def edit_metrics(self, table: str, metrics: list[dict[str, Any]]) -> None:
        data = self.declaration(table)
        data["custom_metrics"] = metrics
        self.write_declaration(table, data)

    def edit_metric(self, table: str, metric: str, /, **fields: Any) -> None:
        metrics = self.metrics(table)
        next(m for m in metrics if m["name"] == metric).update(fields)
        self.edit_metrics(table, metrics)

    def stack_path(self, stack: str) -> Path:
        return self.path / f"Pulumi.{stack}.yaml"

    def set_config(self, stack: str, **values: Any) -> None:
        """Set `lakehouse-monitors:<key>` values in a stack file (None removes the key)."""
        document = yaml.safe_load(self.stack_path(stack).read_text())
        for key, value in values.items():
            if value is None:
                document["config"].pop(f"{PROJECT_NAME}:{key}", None)
            else:
                document["config"][f"{PROJECT_NAME}:{key}"] = value
        self.stack_path(stack).write_text(yaml.safe_dump(document, sort_keys=False))

    def report(
        self, stack: str = "dev", ref: str = "HEAD", *, as_json: bool = True, verbose: bool = False
    ) -> Report:
        argv = ["plan", "--stack", stack, f"--against={ref}", "--project-dir", str(self.path)]
        argv += ["--verbose"] if verbose else []
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main([*argv, "--json"] if as_json else argv)
        return Report(code, out.getvalue(), err.getvalue())


def copy_project_files(target: Path) -> None:
    """The project's stack files and declarations, nothing else."""
    copy_shipped_declarations(target / DECLARATIONS)
    for name in PROJECT_FILES:
        shutil.copy(PROJECT_ROOT / name, target / name)
