"""The migration journal: what `migrate` must still know if it stops part-way and runs again.

Written before the migration changes anything, kept until its history proof passes (or a refusal
put everything back), in the project checkout: `.migrations/<stack>.json` (git-ignored, readable
by its owner only). It holds
- the monitors' history facts read before anything changed (the proof compares with them; read
  again later they could already be a recreated monitor's);
- the restore point: the stack file's text and the stack's checkpoint as `pulumi stack export`
  prints it without `--show-secrets` (secrets stay encrypted), which `pulumi stack import` takes
  back exactly;
- where the migration started and where it goes.
An unreadable journal stops migrate before it changes anything: it is never guessed at.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from pulumi.automation import Deployment
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import ErrorDetails

from monitors.atomic import write_text
from monitors.errors import StackOpsError
from monitors.naming import APIS, ApiName, short_stack
from monitors.workspace.migration import MonitorFacts

JOURNAL_DIR = ".migrations"
FORMAT = 1


def journal_path(project_root: Path, stack: str) -> Path:
    """Where a stack's migration journal lives in the project checkout."""
    return project_root / JOURNAL_DIR / f"{short_stack(stack)}.json"


class JournalError(StackOpsError):
    """The journal cannot be read: nothing is changed until a person looks at it."""


@dataclass
class Journal:
    """One stack's migration in progress (see the module docstring)."""

    path: Path
    source: str
    target: str
    stack_file: str
    checkpoint: Mapping[str, Any]
    before: dict[str, MonitorFacts] = field(default_factory=dict)
    # True when a run that resumed without the first run's journal wrote this one: its facts and
    # restore point are from that run, not from before the migration started.
    resumed: bool = False
    started: str = field(default_factory=lambda: datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))

    @property
    def facts_read(self) -> str:
        """When `before` was read, in words."""
        if self.resumed:
            return f"when a later run resumed without the first run's journal ({self.started})"
        return f"before the migration changed anything ({self.started})"

    @property
    def restore_point_taken(self) -> str:
        """When the restore point was taken, in words."""
        if self.resumed:
            return f"as the run that resumed the migration found it ({self.started})"
        return f"as it was before the migration started ({self.started})"

    @property
    def restore_point(self) -> Deployment:
        """The checkpoint to put back, as the Automation API takes it."""
        return Deployment(
            version=self.checkpoint.get("version"), deployment=self.checkpoint.get("deployment")
        )

    def save(self) -> None:
        """Write the journal whole, readable by its owner only, through a temporary file no
        planted link or file can divert (`monitors.atomic`)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "format": FORMAT,
            "source": self.source,
            "target": self.target,
            "started": self.started,
            "resumed": self.resumed,
            "stack_file": self.stack_file,
            "before": {t: f.to_json() for t, f in sorted(self.before.items())},
            "checkpoint": self.checkpoint,
        }
        write_text(self.path, json.dumps(data, indent=2), mode=0o600)

    def delete(self) -> None:
        """Remove the journal (the migration finished, or everything was put back)."""
        self.path.unlink(missing_ok=True)


def load_journal(project_root: Path, stack: str) -> Journal | None:
    """The stack's journal, None when there is none; JournalError when it cannot be read."""
    path = journal_path(project_root, stack)
    if not path.exists():
        return None
    try:
        return _parse(path, path.read_text(encoding="utf-8"), short_stack(stack))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise JournalError(
            f"the migration journal {path} cannot be read ({exc}). It keeps the facts the "
            "history proof compares with and the state to restore; nothing was changed. Repair "
            "it, or move it away to continue without it (the proof then compares with facts read "
            "when the migration resumes)."
        ) from None


def _check_stack(deployment: Mapping[str, Any], stack: str) -> None:
    """Every resource of the restore point must be this stack's (a URN starts with
    `urn:pulumi:<stack>::`, pulumi/pulumi sdk/go/common/resource/urn.go): putting another
    stack's checkpoint or stack file back would wreck this one."""
    resources = deployment.get("resources") or []
    if not isinstance(resources, list):
        raise ValueError("checkpoint resources must be a list")
    prefix = f"urn:pulumi:{stack}::"
    for resource in resources:
        urn = resource.get("urn") if isinstance(resource, dict) else None
        if not isinstance(urn, str) or not urn.startswith(prefix):
            raise ValueError(
                f"its restore point holds {urn!r}, which is not a resource of stack {stack!r} "
                "(a journal of another stack?)"
            )


class JournalFile(BaseModel):
    """The journal as `Journal.save` writes it, read strictly (fields it does not know are
    ignored); validated with the stack's short name as context (`stack`)."""

    model_config = ConfigDict(strict=True)

    format: Annotated[int, Field(ge=FORMAT, le=FORMAT)]  # exactly FORMAT, never true or 1.0
    source: ApiName
    target: ApiName
    stack_file: str
    started: str
    resumed: bool
    checkpoint: dict[str, Any]
    before: dict[str, MonitorFacts]

    @field_validator("target")
    @classmethod
    def _moves(cls, target: str, info: ValidationInfo) -> str:
        if info.data.get("source") == target:
            raise ValueError(f"source and target are both {target!r}")
        return target

    @field_validator("checkpoint")
    @classmethod
    def _restores_this_stack(cls, checkpoint: dict[str, Any], info: ValidationInfo) -> Any:
        if not isinstance(checkpoint.get("deployment"), dict):
            raise ValueError("checkpoint must be a `pulumi stack export` document")
        _check_stack(checkpoint["deployment"], (info.context or {})["stack"])
        return checkpoint


_FACTS = sorted(f.name for f in fields(MonitorFacts))
_NOT_FACTS = ("dataclass_type", "missing", "unexpected_keyword_argument")


def _reason(errors: list[ErrorDetails], data: Any) -> str:
    """Why the journal (`data`, as `json` reads it) is refused: its first problem, in the words
    of the journal's checks."""
    error = errors[0]
    loc = error["loc"]
    if error["type"] == "json_invalid":  # text `json` reads but pydantic's reader does not
        return str(error["msg"])
    if not loc or loc[0] == "format":
        return f"not a format {FORMAT} journal"
    key = str(loc[0])
    if error["type"] == "missing" and len(loc) == 1:
        return f"{key} is missing"
    if error["type"] == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    if key in ("source", "target"):
        return f"{key} must be one of {list(APIS)}, got {data[key]!r}"
    if key == "resumed":
        return "resumed must be true or false"
    if key == "checkpoint":
        return "checkpoint must be a `pulumi stack export` document"
    if len(loc) == 1:
        return "before must map tables to facts" if key == "before" else f"{key} must be text"
    facts = data["before"][loc[1]]
    if any(e["loc"][:2] == loc[:2] and e["type"] in _NOT_FACTS for e in errors):
        return f"expected the keys {_FACTS}, got {facts!r}"
    name = str(loc[2])
    if name == "monitor_version":
        return f"monitor_version must be a whole number, got {facts[name]!r}"
    return f"{name} must be text, got {facts[name]!r}"


def _parse(path: Path, text: str, stack: str) -> Journal:
    """The journal read from its text; ValueError saying why it cannot be."""
    try:
        model = JournalFile.model_validate_json(text, context={"stack": stack})
    except ValidationError as exc:
        data = json.loads(text)  # its message when the text is not JSON
        raise ValueError(_reason(exc.errors(), data)) from None
    return Journal(
        path=path,
        source=model.source,
        target=model.target,
        stack_file=model.stack_file,
        checkpoint=model.checkpoint,
        before=model.before,
        resumed=model.resumed,
        started=model.started,
    )
