"""One stack's input as read from one place: where its settings come from, and its declarations.

Two readers make it, and `monitors.declared.project.build_project` alone judges it:
`read_project_input` here reads the project on disk (`plan`, the program with the config the
engine gave it, the stack operations, the working tree side of `plan --against`), and
`monitors.change_report.sources.read_at_ref` reads the files at a git ref (it runs git, which
this layer may not). A reader only reads: a file it cannot use is recorded, never raised, so the
build reports it together with every other problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from monitors.declared.loader import DeclarationFiles, read_declaration_files
from monitors.declared.settings import known_stacks, read_stack_text, stack_file
from monitors.errors import StackConfigError
from monitors.naming import DECLARATIONS_PATH, PROJECT_ROOT, stack_file_name

WORKING_TREE = "in the working tree"

# Where a stack's settings come from: its file's text, the config mapping the Pulumi engine
# handed the program, the problem that made the file unusable, or None when it has no file.
ConfigSource = str | Mapping[str, Any] | StackConfigError | None


@dataclass(frozen=True)
class ProjectInput:
    """A stack's settings source and declaration files as one reader found them; `known_stacks`
    are the stacks with a file there (named when this one's is missing), `label` says where it
    was read (`in the working tree`, `at origin/main`), for the change report's messages."""

    stack: str
    config: ConfigSource
    declarations: DeclarationFiles = field(default_factory=DeclarationFiles)
    known_stacks: tuple[str, ...] = ()
    label: str = WORKING_TREE
    # The project checkout this was read from, whose SQL analyses are kept between runs
    # (`monitors.declared.sql_cache`); None (a git ref, texts given by a test): none kept.
    checkout: Path | None = None

    @property
    def stack_file(self) -> str:
        """The stack file's name, as errors mention it."""
        return stack_file_name(self.stack)

    @property
    def stack_present(self) -> bool:
        """The stack has a file here (readable or not), or the engine gave its config."""
        return self.config is not None


def declarations_dir(root: Path) -> Path:
    """The declarations directory of the project checkout at `root`."""
    return root / DECLARATIONS_PATH


def read_project_input(
    stack: str,
    root: Path = PROJECT_ROOT,
    config: Mapping[str, Any] | None = None,
    shown_as: str | None = None,
) -> ProjectInput:
    """A stack's input in the project at `root`: its stack file, or the `config` the engine
    gave the program (the file is then not read), and the declarations directory, its paths
    shown as users see them (or as `shown_as/<name>`)."""
    source: ConfigSource = config
    if config is None:
        try:
            source = read_stack_text(stack_file(stack, root))
        except StackConfigError as exc:
            source = exc
    return ProjectInput(
        stack,
        source,
        read_declaration_files(declarations_dir(root), shown_as),
        tuple(known_stacks(root)),
        checkout=root,
    )
