"""What every stack operation shares: where it runs, which tables it acts on, how it previews."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from pulumi.automation import CommandError, Deployment, Stack

from monitors.declared.claims import pattern_of
from monitors.declared.loader import load_declarations
from monitors.declared.project import Project, TablesUnavailable, build_project
from monitors.declared.project_input import declarations_dir, read_project_input
from monitors.declared.settings import StackSettings
from monitors.errors import (
    AbortedError,
    CredentialsError,
    ListingError,
    MonitorsError,
    NoTerminalError,
    OperationFailedError,
    UnknownTableError,
    WorkspaceUnreachableError,
)
from monitors.naming import API_LEGACY, PROJECT_ROOT, monitor_urn, short_stack
from monitors.stackops.events import EventLog


def no_progress(line: str) -> None:
    """Env's default progress reporter: silent (a library call, a test)."""


@dataclass(frozen=True)
class Env:
    """Where the operations run: the project copy, the CLI to use, and where messages go."""

    project_root: Path = PROJECT_ROOT
    pulumi_root: Path | None = None
    out: Callable[[str], None] = print
    # Called with each declarations-directory file that was skipped, and why (`--verbose`).
    skipped: Callable[[str], None] | None = None
    # Called with one line per step or monitor of long work (`monitors.cli.progress`).
    progress: Callable[[str], None] = no_progress

    @property
    def declarations(self) -> Path:
        """The declarations directory of this project copy."""
        return declarations_dir(self.project_root)


def load(stack: str, env: Env, *, every_table: bool = False, by_name: bool = True) -> Project:
    """The project as the stack's file and the declarations in `env`'s checkout declare it.

    An operation on every enabled monitor (`every_table`) must know the tables pattern
    templates cover: they are resolved with the gold schema's listing, read with the stack's
    provider settings as `plan` reads them. When it cannot be read, the operation fails by the
    listing's meaning (no credentials, workspace error) naming the pattern files, rather than
    act on fewer monitors than the program deploys; `by_name` says whether the command takes
    --table, the way on without a listing.
    """
    listing = GoldListing(stack, env) if every_table else None
    project = build_project(read_project_input(short_stack(stack), env.project_root), listing)
    if env.skipped is not None:
        for line in project.skipped:
            env.skipped(line)
    if listing is not None and listing.failure is not None and project.unresolved:
        raise type(listing.failure)(unlisted(stack, project, listing.failure, by_name)) from None
    return project


class GoldListing:
    """The gold schema's tables for `build_project`, keeping why a listing failed (its error
    by meaning) for the operation's refusal."""

    def __init__(self, stack: str, env: Env) -> None:
        # Here, not at the top: only a project with a pattern template loads databricks-sdk.
        from monitors.stackops.provider_settings import stack_provider_settings
        from monitors.workspace.tables import connected_lister

        self.failure: MonitorsError | None = None
        self._list = connected_lister(
            lambda: stack_provider_settings(stack, env.project_root, env.pulumi_root)
        )

    def __call__(self, settings: StackSettings) -> Collection[str]:
        try:
            return self._list(settings)
        except (CredentialsError, WorkspaceUnreachableError, ListingError) as exc:
            self.failure = exc
            raise TablesUnavailable(str(exc)) from None


def unlisted(stack: str, project: Project, failure: MonitorsError, by_name: bool) -> str:
    """Why an operation on every monitor cannot run without the workspace listing, and how to
    go on."""
    files = ", ".join(project.unresolved)
    plural = "s" if len(project.unresolved) > 1 else ""
    short = short_stack(stack)
    ways = ["give the stack's Databricks credentials (those `monitors plan` uses)"]
    if by_name:
        ways.append("name the tables to act on with --table")
    return (
        f"an operation on every monitor of stack {short!r} must include the tables the pattern "
        f"template{plural} {files} cover{'' if plural else 's'} in "
        f"{project.settings.gold_schema_name}, and they could not be listed: {failure}\n"
        f"Nothing was done. To go on, {' or '.join(ways)}."
    )


def resolve_tables(
    stack: str, project: Project, requested: Sequence[str] | None, env: Env
) -> list[str]:
    """The tables to act on: all enabled (None: with the tables of pattern templates when the
    project was loaded with `every_table`) or the requested ones, which must be enabled or
    covered by a pattern template."""
    enabled = list(project.monitors)
    if requested is None:
        if not enabled:
            raise UnknownTableError(f"stack {stack!r} enables no monitors")
        return enabled
    # A table a pattern template covers is taken as declared: the program resolves the pattern
    # against the workspace in the preview the operation runs (and refuses it if it is absent).
    unknown = [
        t
        for t in dict.fromkeys(requested)
        if t not in project.monitors and pattern_of(project.declared, t) is None
    ]
    if unknown:
        declared = load_declarations(env.declarations)
        reasons = [
            f"{t!r} is declared but not enabled in stack {stack!r}"
            if t in declared
            else f"{t!r} is not a declared monitor"
            for t in unknown
        ]
        raise UnknownTableError(
            "; ".join(reasons) + f" (enabled monitors: {', '.join(enabled) or 'none'})"
        )
    return list(dict.fromkeys(requested))


def urns_of(stack: str, tables: Sequence[str], api: str = API_LEGACY) -> dict[str, str]:
    """The URNs of the tables' monitors on the stack's backend (`api`)."""
    return {t: monitor_urn(stack, t, api) for t in tables}


def cli_stderr(exc: CommandError) -> str:
    """What the CLI printed on stderr, from a CommandError (whose text is `code/stdout/stderr`)."""
    text = str(exc)
    _, found, stderr = text.partition(" stderr: ")
    return (stderr if found else text).strip() or "no message"


def command_failure(action: str, exc: CommandError, log: EventLog | None) -> str:
    """The reason a CLI command failed: the engine's error diagnostics, else its stderr."""
    errors = log.errors() if log else []
    detail = "\n".join(f"  {e}" for e in errors) if errors else f"  {str(exc).strip()}"
    return f"{action} failed:\n{detail}"


def read_state(
    stack: Stack, stack_name: str, unchanged: str = "Nothing was changed."
) -> Deployment:
    """The stack's state (`pulumi stack export`), read before anything changes: when the CLI
    fails, OperationFailedError saying why and `unchanged`."""
    try:
        return stack.export_stack()
    except CommandError as exc:
        raise OperationFailedError(
            command_failure(f"reading the state of stack {stack_name!r}", exc, None)
            + f"\n{unchanged}"
        ) from None


def preview(stack: Stack, action: str) -> EventLog:
    log = EventLog()
    try:
        stack.preview(on_event=log)
    except CommandError as exc:
        raise OperationFailedError(command_failure(action, exc, log)) from None
    return log


def ask_to_go_on(
    stack: str,
    *,
    protect: bool,
    assume_yes: bool,
    confirm: Callable[[str], str],
    out: Callable[[str], None],
    unchanged: str = "Nothing was changed.",
) -> None:
    """The one confirmation of a command that changes monitors: none with --yes, the stack's
    short name typed where monitors are protected, else a y/N. AbortedError (saying `unchanged`)
    on any other answer; NoTerminalError (saying it too) when there is no terminal to ask on."""
    if assume_yes:
        out("--yes given: not asking for confirmation.")
        return
    prompt = (
        f"Monitors are protected in stack {stack!r}. Type the stack name to go on: "
        if protect
        else "Go on? [y/N] "
    )
    try:
        answer = confirm(prompt)
    except NoTerminalError as exc:  # CI or a pipe: never wait on a stdin nobody types into
        raise NoTerminalError(f"{exc}. {unchanged}") from None
    if protect:
        if answer.strip() != short_stack(stack):
            raise AbortedError(
                f"aborted: you typed {answer.strip()!r}, not {short_stack(stack)!r}. {unchanged}"
            )
        return
    if answer.strip().lower() not in ("y", "yes"):
        raise AbortedError(f"aborted. {unchanged}")
