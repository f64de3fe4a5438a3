"""One side of a change report: a stack's files at a git ref or in the working tree, as a Project.

Both sides go through the same in-memory path (file text -> the core validators), so the ref and
the working tree are judged by exactly the rules `python -m monitors plan` and the program use.
Errors name the side, e.g. `at origin/main: monitors/declarations/dim_host.yaml: monitor ...`.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from monitors.errors import DeclarationError, MonitorsError
from monitors.loader import DECLARATIONS_DIR, DeclarationErrors, parse_declaration_text
from monitors.project import Project, select_monitors
from monitors.settings import PROJECT_ROOT, known_stacks, parse_stack_config, settings_from_config
from monitors.spec import MonitorSpec

T = TypeVar("T")

# Where declarations live, relative to the project root (the directory holding Pulumi.yaml).
DECLARATIONS_PATH = DECLARATIONS_DIR.relative_to(PROJECT_ROOT).as_posix()
WORKING_TREE = "in the working tree"


class GitRefError(MonitorsError):
    """The ref cannot be read: git missing, not a repository, or no such commit."""


class SideInvalidError(MonitorsError):
    """One side's declarations or stack file are invalid; every line names the side."""

    def __init__(self, lines: tuple[str, ...]) -> None:
        self.lines = lines
        super().__init__("\n".join(lines))

    @classmethod
    def at(cls, label: str, message: str) -> SideInvalidError:
        """Prefix every line of `message` with the side, e.g. `at origin/main: `."""
        return cls(tuple(f"{label}: {line}" for line in message.splitlines()))


@dataclass(frozen=True)
class ProjectFiles:
    """One side's input as text: the stack file (None when absent) and declarations by path."""

    label: str
    stack: str
    stack_text: str | None
    declarations: dict[str, str] = field(default_factory=dict)

    @property
    def stack_file(self) -> str:
        """The stack file's name, as errors mention it."""
        return f"Pulumi.{self.stack}.yaml"


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """Run git in `root` (no shell); a missing git binary is a ref error."""
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)
    except FileNotFoundError:
        raise GitRefError(
            "git is not installed: the change report reads the ref with git"
        ) from None


def resolve_ref(root: Path, ref: str) -> str:
    """The commit `ref` names in the repository holding `root`."""
    inside = _git(root, "rev-parse", "--is-inside-work-tree")
    if inside.returncode != 0 or inside.stdout.strip() != b"true":
        raise GitRefError(f"{root} is not inside a git repository")
    # A ref that looks like an option never reaches git's command line.
    found = (
        None
        if ref.startswith("-")
        else _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    )
    if found is None or found.returncode != 0:
        raise GitRefError(
            f"no such git ref {ref!r} in {root} (in CI, fetch it first: "
            "actions/checkout with fetch-depth: 0)"
        )
    return found.stdout.decode().strip()


def _ls_tree(root: Path, commit: str, path: str) -> list[str]:
    """Blob paths (relative to `root`) that `git ls-tree` lists for `path` at `commit`."""
    result = _git(root, "ls-tree", "-z", commit, "--", path)
    if result.returncode != 0:
        raise GitRefError(f"git ls-tree failed: {result.stderr.decode().strip()}")
    paths: list[str] = []
    for entry in result.stdout.decode().split("\0"):
        meta, _, name = entry.partition("\t")
        if name and meta.split(" ")[1:2] == ["blob"]:
            paths.append(name)
    return paths


def _show(root: Path, commit: str, path: str) -> str:
    """The text of one file at `commit`."""
    result = _git(root, "cat-file", "blob", f"{commit}:./{path}")
    if result.returncode != 0:
        raise GitRefError(f"cannot read {path} at {commit}: {result.stderr.decode().strip()}")
    return result.stdout.decode("utf-8", errors="replace")


def read_ref(root: Path, ref: str, commit: str, stack: str) -> ProjectFiles:
    """A stack's files at `commit` (which `ref` resolved to)."""
    stack_name = f"Pulumi.{stack}.yaml"
    stack_text = _show(root, commit, stack_name) if _ls_tree(root, commit, stack_name) else None
    declarations = {
        path: _show(root, commit, path)
        for path in sorted(_ls_tree(root, commit, f"{DECLARATIONS_PATH}/"))
        if path.endswith(".yaml") and path.rpartition("/")[0] == DECLARATIONS_PATH
    }
    return ProjectFiles(f"at {ref}", stack, stack_text, declarations)


def read_working_tree(root: Path, stack: str) -> ProjectFiles:
    """A stack's files as they are on disk now (tracked or not)."""
    stack_path = root / f"Pulumi.{stack}.yaml"
    stack_text = stack_path.read_text(encoding="utf-8") if stack_path.is_file() else None
    declarations = {
        f"{DECLARATIONS_PATH}/{path.name}": path.read_text(encoding="utf-8")
        for path in sorted((root / DECLARATIONS_PATH).glob("*.yaml"))
    }
    return ProjectFiles(WORKING_TREE, stack, stack_text, declarations)


def _stack_config(files: ProjectFiles) -> dict[str, Any]:
    """The stack file's `config:` mapping, checked by the core parser."""
    return parse_stack_config(files.stack_text or "", files.stack_file)


def _declarations(files: ProjectFiles) -> dict[str, MonitorSpec]:
    """Every declaration, validated like the loader does; all files' problems at once."""
    specs: dict[str, MonitorSpec] = {}
    errors: list[DeclarationError] = []
    for path, text in files.declarations.items():
        try:
            specs[Path(path).stem] = parse_declaration_text(Path(path).stem, text, path)
        except DeclarationError as exc:
            errors.append(exc)
    if errors:
        raise DeclarationErrors(errors)
    return specs


def _collect(problems: list[str], step: Callable[[], T]) -> T | None:
    """Run one validation step; record its error instead of stopping, so all are reported."""
    try:
        return step()
    except MonitorsError as exc:
        problems.append(str(exc))
        return None


def build_project(files: ProjectFiles, root: Path) -> Project:
    """Validate one side and select the monitors its stack deploys; errors name the side."""
    if files.stack_text is None:
        stacks = ", ".join(known_stacks(root)) or "none"
        raise SideInvalidError.at(files.label, f"{files.stack_file}: no such stack file ({stacks})")
    problems: list[str] = []
    settings = _collect(
        problems,
        lambda: settings_from_config(files.stack, _stack_config(files), files.stack_file),
    )
    specs = _collect(problems, lambda: _declarations(files))
    if settings is not None and specs is not None:
        project = _collect(
            problems,
            lambda: Project(settings, select_monitors(settings, specs, files.stack_file)),
        )
        if project is not None:
            return project
    raise SideInvalidError.at(files.label, "\n".join(problems))
