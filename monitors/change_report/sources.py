"""One side of a change report: a stack's files at a git ref or in the working tree, as a Project.

Each side is read into a `monitors.declared.project_input.ProjectInput`: the working tree by the
disk reader `plan` and the program use, a ref by `read_at_ref` here (it runs git); both are then
judged by `monitors.declared.project.build_project` alone, the rules `monitors plan` and the
program apply. Which files are declarations is decided by `monitors.declared.loader.classify_name`
for both; at a ref, an entry's git mode says what it is (`git ls-tree`: 100644/100755 a file,
120000 a symbolic link, 040000 a directory, 160000 a submodule), and the same file rules apply as
on disk. This module only adds the side to each error, e.g.
`at origin/main: monitors/declarations/dim_host.yaml: monitor ...`.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, replace
from pathlib import Path

from monitors.declared.files import SYMLINK_PROBLEM, FileProblem, decode_text, printable
from monitors.declared.loader import (
    DIRECTORY_LINK_PROBLEM,
    DeclarationFiles,
    NameKind,
    classify_name,
)
from monitors.declared.project import Project, build_project
from monitors.declared.project_input import ConfigSource, ProjectInput, read_project_input
from monitors.errors import (
    DeclarationError,
    GitRefError,
    MonitorsError,
    Problem,
    SideInvalidError,
    StackConfigError,
)
from monitors.naming import DECLARATIONS_PATH, stack_file_name, stack_name_of_file

_REGULAR_MODES = ("100644", "100755")
_MODE_PROBLEMS = {
    "120000": SYMLINK_PROBLEM,
    "040000": "is a directory, not a regular file",
    "160000": "is a git submodule, not a regular file",
}


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


@dataclass(frozen=True)
class TreeEntry:
    """One `git ls-tree` line: mode (`100644`, `120000`...), object type and path."""

    mode: str
    type: str
    path: str


def _ls_tree(root: Path, commit: str, path: str) -> list[TreeEntry]:
    """The entries `git ls-tree` lists for `path` at `commit` (paths relative to `root`)."""
    result = _git(root, "ls-tree", "-z", commit, "--", path)
    if result.returncode != 0:
        raise GitRefError(f"git ls-tree failed: {result.stderr.decode(errors='replace').strip()}")
    entries: list[TreeEntry] = []
    for line in result.stdout.split(b"\0"):
        meta, _, name = line.partition(b"\t")
        parts = meta.split(b" ")
        if name and len(parts) == 3:
            path = name.decode("utf-8", "surrogateescape")
            entries.append(TreeEntry(parts[0].decode(), parts[1].decode(), path))
    return entries


def _show(root: Path, commit: str, path: str) -> bytes:
    """The bytes of one file at `commit`."""
    result = _git(root, "cat-file", "blob", f"{commit}:./{path}")
    if result.returncode != 0:
        raise GitRefError(
            f"cannot read {path} at {commit}: {result.stderr.decode(errors='replace').strip()}"
        )
    return result.stdout


def _text_at(root: Path, commit: str, entry: TreeEntry) -> str:
    """A regular file's UTF-8 text at `commit`; FileProblem for anything else."""
    if entry.mode not in _REGULAR_MODES:
        raise FileProblem(_MODE_PROBLEMS.get(entry.mode, "is not a regular file"))
    return decode_text(_show(root, commit, entry.path))


def _declarations_at(root: Path, commit: str) -> DeclarationFiles:
    """The declarations directory at `commit`, by the same rules as on disk."""
    texts: dict[str, str] = {}
    problems: list[DeclarationError] = []
    skipped: list[str] = []
    for entry in _ls_tree(root, commit, DECLARATIONS_PATH):
        if entry.path == DECLARATIONS_PATH and entry.type != "tree":
            problem = DIRECTORY_LINK_PROBLEM if entry.mode == "120000" else "is not a directory"
            return DeclarationFiles(
                problems=(DeclarationError(entry.path, [Problem("", problem)]),)
            )
    # None at all at the ref: no monitors were declared there (every one is created now).
    for entry in sorted(_ls_tree(root, commit, f"{DECLARATIONS_PATH}/"), key=lambda e: e.path):
        directory, _, name = entry.path.rpartition("/")
        if directory != DECLARATIONS_PATH:
            continue
        rule = classify_name(name)
        shown = printable(entry.path)
        if rule.kind is NameKind.SKIPPED:
            if rule.reason:
                skipped.append(f"{shown}: skipped, {rule.reason}")
            continue
        if rule.kind is NameKind.MISNAMED:
            problems.append(DeclarationError(shown, [Problem("", rule.reason)]))
            continue
        try:
            texts[entry.path] = _text_at(root, commit, entry)
        except FileProblem as exc:
            problems.append(DeclarationError(entry.path, [Problem("", str(exc))]))
    return DeclarationFiles(texts, tuple(problems), tuple(skipped))


def read_at_ref(root: Path, ref: str, commit: str, stack: str) -> ProjectInput:
    """A stack's files at `commit` (which `ref` resolved to)."""
    stack_name = stack_file_name(stack)
    config: ConfigSource = None
    stacks: list[str] = []
    for entry in _ls_tree(root, commit, "."):
        name = stack_name_of_file(entry.path)
        if name is not None:
            stacks.append(name)
        if entry.path != stack_name:
            continue
        try:
            config = _text_at(root, commit, entry)
        except FileProblem as exc:
            config = StackConfigError(stack_name, [Problem("", str(exc))])
    return ProjectInput(
        stack, config, _declarations_at(root, commit), tuple(sorted(stacks)), f"at {ref}"
    )


def read_working_tree(root: Path, stack: str) -> ProjectInput:
    """A stack's files as they are on disk now (tracked or not), declaration paths shown as
    at a ref, so both sides name a file alike; analysed afresh like the ref (no kept analyses:
    the review judges both sides by the analyser itself)."""
    return replace(read_project_input(stack, root, shown_as=DECLARATIONS_PATH), checkout=None)


def project_of(side: ProjectInput) -> Project:
    """One side's Project; its errors name the side."""
    try:
        return build_project(side)
    except MonitorsError as exc:
        raise SideInvalidError.at(side.label, str(exc)) from None


def skipped_files(side: ProjectInput) -> tuple[str, ...]:
    """The files one side skipped, each line naming the side."""
    return tuple(f"{side.label}: {line}" for line in side.declarations.skipped)
