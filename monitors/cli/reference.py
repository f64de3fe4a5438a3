"""The exit-code reference, generated from the code so that it cannot drift: `ExitCode` and its
meanings (monitors.errors) and each command's `EXIT_CODES`, rendered as Markdown.

    python -m monitors.cli.reference        # prints the Markdown (docs can embed or check it)
"""

from __future__ import annotations

from monitors.cli.main import COMMANDS
from monitors.errors import ExitCode


def command_name(module: object) -> str:
    """A command module's command name (`monitors.cli.plan` -> `plan`)."""
    return str(getattr(module, "__name__", "")).rsplit(".", 1)[-1]


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def exit_code_table() -> str:
    """One Markdown table: every exit code, its name, what it means, and which commands end
    with it."""
    users: dict[ExitCode, list[str]] = {code: [] for code in ExitCode}
    for module in COMMANDS:
        for code, _ in module.EXIT_CODES:
            users[code].append(f"`{command_name(module)}`")
    lines = ["| code | name | meaning | commands |", "|---|---|---|---|"]
    lines += [
        f"| {int(code)} | `{code.name}` | {_cell(code.meaning)} | {', '.join(users[code])} |"
        for code in ExitCode
    ]
    return "\n".join(lines) + "\n"


def command_exit_codes() -> str:
    """Per command, a Markdown table of what each of its exit codes means for it (as its
    `--help` lists them)."""
    parts: list[str] = []
    for module in COMMANDS:
        parts.append(f"### `monitors {command_name(module)}`\n")
        parts.append("| code | meaning |\n|---|---|")
        parts += [f"| {int(code)} | {_cell(meaning)} |" for code, meaning in module.EXIT_CODES]
        parts.append("")
    return "\n".join(parts)


def exit_codes_markdown() -> str:
    """The whole exit-code reference: the table of codes, then each command's."""
    return (
        "## Exit codes\n\n"
        "Generated from `monitors/errors.py` (`ExitCode`) and each command's `EXIT_CODES` by "
        "`python -m monitors.cli.reference`.\n\n"
        + exit_code_table()
        + "\n## Exit codes by command\n\n"
        + command_exit_codes()
    )


if __name__ == "__main__":
    print(exit_codes_markdown(), end="")
