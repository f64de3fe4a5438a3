"""One side of a change report: a stack's files at a git ref or in the working tree, as a Project.

Both sides go through the same in-memory path (file text -> the core validators), so the ref and
the working tree are judged by exactly the rules `monitors plan` and the program use.
Which files are declarations is decided by `monitors.declared.loader.classify_name` for both; at a
ref, an entry's git mode says what it is (`git ls-tree`: 100644/100755 a file, 120000 a symbolic
link, 040000 a directory, 160000 a submodule), and the same file rules apply as on disk.
Errors name the side, e.g. `at origin/main: monitors/declarations/dim_host.yaml: monitor ...`.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from monitors.declared.files import SYMLINK_PROBLEM, FileProblem, decode_text, printable
from monitors.declared.loader import (
    DIRECTORY_LINK_PROBLEM,
    DeclarationFiles,
    NameKind,
    classify_name,
    parse_declarations,
    read_declaration_files,
)
from monitors.declared.project import Project, build_project
from monitors.declared.settings import known_stacks, parse_stack_config, read_stack_text
from monitors.errors import (
    DeclarationError,
    GitRefError,
    MonitorsError,
    Problem,
    SideInvalidError,
    StackConfigError,
)
from monitors.naming import DECLARATIONS_PATH, stack_file_name

WORKING_TREE = "in the working tree"
_REGULAR_MODES = ("100644", "100755")
_MODE_PROBLEMS = {
    "120000": SYMLINK_PROBLEM,
    "040000": "is a directory, not a regular file",
    "160000": "is a git submodule, not a regular file",
}


@dataclass(frozen=True)
class ProjectFiles:
    """One side's input: the stack file's text (None when absent, or the reason it cannot be
    used), and what the declarations reader found."""

    label: str
    stack: str
    stack_text: str | None
    declarations: DeclarationFiles = field(default_factory=DeclarationFiles)
    known_stacks: tuple[str, ...] = ()
    stack_problem: StackConfigError | None = None

    @property
    def stack_file(self) -> str:
        """The stack file's name, as errors mention it."""
        return stack_file_name(self.stack)

    @property
    def stack_present(self) -> bool:
        """The stack file exists on this side (readable or not)."""
        return self.stack_text is not None or self.stack_problem is not None

    @property
    def skipped(self) -> tuple[str, ...]:
        """Skipped files, each line naming the side."""
        return tuple(f"{self.label}: {line}" for line in self.declarations.skipped)


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


def read_ref(root: Path, ref: str, commit: str, stack: str) -> ProjectFiles:
    """A stack's files at `commit` (which `ref` resolved to)."""
    stack_name = stack_file_name(stack)
    stack_text: str | None = None
    stack_problem: StackConfigError | None = None
    entries = [e for e in _ls_tree(root, commit, stack_name) if e.path == stack_name]
    if entries:
        try:
            stack_text = _text_at(root, commit, entries[0])
        except FileProblem as exc:
            stack_problem = StackConfigError(stack_name, [Problem("", str(exc))])
    return ProjectFiles(
        f"at {ref}",
        stack,
        stack_text,
        _declarations_at(root, commit),
        tuple(known_stacks(root)),
        stack_problem,
    )


def read_working_tree(root: Path, stack: str) -> ProjectFiles:
    """A stack's files as they are on disk now (tracked or not)."""
    stack_text: str | None = None
    stack_problem: StackConfigError | None = None
    try:
        stack_text = read_stack_text(root / stack_file_name(stack))
    except StackConfigError as exc:
        stack_problem = exc
    declarations = read_declaration_files(root / DECLARATIONS_PATH, shown_as=DECLARATIONS_PATH)
    return ProjectFiles(
        WORKING_TREE, stack, stack_text, declarations, tuple(known_stacks(root)), stack_problem
    )


def project_of(files: ProjectFiles) -> Project:
    """Validate one side through `build_project`, as the program would; errors name the side."""
    try:
        if files.stack_problem is not None:
            raise files.stack_problem
        if files.stack_text is None:
            stacks = ", ".join(files.known_stacks) or "none"
            raise StackConfigError(
                files.stack_file, [Problem("", f"no such stack file ({stacks})")]
            )
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
