"""One side of a change report: a stack's files at a git ref or in the working tree, as a Project.

Both sides go through the same in-memory path (file text -> the core validators), so the ref and
the working tree are judged by exactly the rules `python -m monitors plan` and the program use.
Errors name the side, e.g. `at origin/main: monitors/declarations/dim_host.yaml: monitor ...`.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from monitors.errors import GitRefError, MonitorsError, SideInvalidError
from monitors.naming import DECLARATIONS_PATH, stack_file_name
from monitors.spec.loader import parse_declarations
from monitors.spec.project import Project, build_project
from monitors.spec.settings import known_stacks, parse_stack_config

WORKING_TREE = "in the working tree"


@dataclass(frozen=True)
class ProjectFiles:
    """One side's input as text: the stack file (None when absent) and declarations by path."""

    label: str
    stack: str
    stack_text: str | None
    declarations: dict[str, str] = field(default_factory=dict)
    known_stacks: tuple[str, ...] = ()

    @property
    def stack_file(self) -> str:
        """The stack file's name, as errors mention it."""
        return stack_file_name(self.stack)


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
    stack_name = stack_file_name(stack)
    stack_text = _show(root, commit, stack_name) if _ls_tree(root, commit, stack_name) else None
    declarations = {
        path: _show(root, commit, path)
        for path in sorted(_ls_tree(root, commit, f"{DECLARATIONS_PATH}/"))
        if path.endswith(".yaml") and path.rpartition("/")[0] == DECLARATIONS_PATH
    }
    return ProjectFiles(f"at {ref}", stack, stack_text, declarations, tuple(known_stacks(root)))


def read_working_tree(root: Path, stack: str) -> ProjectFiles:
    """A stack's files as they are on disk now (tracked or not)."""
    stack_path = root / stack_file_name(stack)
    stack_text = stack_path.read_text(encoding="utf-8") if stack_path.is_file() else None
    declarations = {
        f"{DECLARATIONS_PATH}/{path.name}": path.read_text(encoding="utf-8")
        for path in sorted((root / DECLARATIONS_PATH).glob("*.yaml"))
    }
    return ProjectFiles(WORKING_TREE, stack, stack_text, declarations, tuple(known_stacks(root)))


def project_of(files: ProjectFiles) -> Project:
    """Validate one side through `build_project`, as the program would; errors name the side."""
    if files.stack_text is None:
        stacks = ", ".join(files.known_stacks) or "none"
        raise SideInvalidError.at(files.label, f"{files.stack_file}: no such stack file ({stacks})")
    try:
        config = parse_stack_config(files.stack_text, files.stack_file)
    except MonitorsError as exc:
        # Still report every declaration's problems alongside the stack file's.
        problems = [str(exc)]
        try:
            parse_declarations(files.declarations)
        except MonitorsError as more:
            problems.append(str(more))
        raise SideInvalidError.at(files.label, "\n".join(problems)) from None
    try:
        return build_project(files.stack, config, files.declarations)
    except MonitorsError as exc:
        raise SideInvalidError.at(files.label, str(exc)) from None
