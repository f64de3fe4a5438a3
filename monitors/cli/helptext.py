"""How every command's `--help` reads: its description in paragraphs, then its exit codes, rendered
from the command module's `EXIT_CODES` (so the help cannot drift from the code)."""

from __future__ import annotations

import argparse
import textwrap
from collections.abc import Sequence

from monitors.errors import ExitCode

ExitCodes = Sequence[tuple[ExitCode, str]]


class HelpFormatter(argparse.HelpFormatter):
    """Fills each paragraph of a description or epilog to the terminal's width, but keeps a
    paragraph with indented lines as written (the exit-code table, examples)."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        blocks: list[str] = []
        for paragraph in textwrap.dedent(text).strip().split("\n\n"):
            if any(line.startswith(" ") for line in paragraph.splitlines()):
                blocks.append(textwrap.indent(paragraph, indent))
            else:
                blocks.append(
                    textwrap.fill(
                        " ".join(paragraph.split()),
                        width,
                        initial_indent=indent,
                        subsequent_indent=indent,
                    )
                )
        return "\n\n".join(blocks)


def exit_codes_epilog(codes: ExitCodes, width: int = 78) -> str:
    """`exit codes:` then one line per code, its meaning wrapped under it."""
    lines = ["exit codes:"]
    for code, meaning in codes:
        lines += textwrap.wrap(
            meaning, width, initial_indent=f"  {int(code):<3} ", subsequent_indent=" " * 6
        )
    return "\n".join(lines)


def document(parser: argparse.ArgumentParser, codes: ExitCodes) -> None:
    """Give a command's parser the shared formatter and its exit codes as the epilog."""
    parser.formatter_class = HelpFormatter
    parser.epilog = exit_codes_epilog(codes)
