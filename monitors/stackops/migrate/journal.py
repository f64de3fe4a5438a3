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
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pulumi.automation import Deployment

from monitors.atomic import write_text
from monitors.errors import StackOpsError
from monitors.naming import APIS, short_stack
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
        data = json.loads(path.read_text(encoding="utf-8"))
        return _parse(path, data, short_stack(stack))
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


def _parse(path: Path, data: Any, stack: str) -> Journal:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"not a format {FORMAT} journal")
    for key in ("source", "target"):
        if data[key] not in APIS:
            raise ValueError(f"{key} must be one of {list(APIS)}, got {data[key]!r}")
    if data["source"] == data["target"]:
        raise ValueError(f"source and target are both {data['source']!r}")
    for key in ("stack_file", "started"):
        if not isinstance(data[key], str):
            raise ValueError(f"{key} must be text")
    if not isinstance(data["resumed"], bool):
        raise ValueError("resumed must be true or false")
    checkpoint = data["checkpoint"]
    if not isinstance(checkpoint, dict) or not isinstance(checkpoint.get("deployment"), dict):
        raise ValueError("checkpoint must be a `pulumi stack export` document")
    _check_stack(checkpoint["deployment"], stack)
    before = data["before"]
    if not isinstance(before, dict):
        raise ValueError("before must map tables to facts")
    return Journal(
        path=path,
        source=data["source"],
        target=data["target"],
        stack_file=data["stack_file"],
        checkpoint=checkpoint,
        before={str(t): MonitorFacts.from_json(f) for t, f in before.items()},
        resumed=data["resumed"],
        started=data["started"],
    )
