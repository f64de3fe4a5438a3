"""What `export` answers: per table written, skipped or failed (with the differences the first
`pulumi up` after `adopt` would apply, and notes), shown as text with the next step, or as JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, TextIO

from monitors.errors import ExitCode
from monitors.export.check import MonitorExport
from monitors.export.form import Gap
from monitors.naming import API_DATA_QUALITY, short_stack

# The version of `export --json`'s shape (fields are only ever added within a version).
REPORT_SCHEMA_VERSION = 1


class Outcome(Enum):
    """What export did with one table."""

    WRITTEN = "written"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(frozen=True)
class TableResult:
    """One table: the outcome, a sentence (the file written, or why not), and its gaps."""

    table: str
    outcome: Outcome
    detail: str
    export: MonitorExport | None = None
    notes: tuple[Gap, ...] = ()

    @property
    def differences(self) -> tuple[Gap, ...]:
        return self.export.differences if self.export else ()

    @property
    def all_notes(self) -> tuple[Gap, ...]:
        return (*(self.export.notes if self.export else ()), *self.notes)


@dataclass
class ExportReport:
    """Every chosen table's result; `unmonitored` the listed tables read to have no monitor;
    `skipped_files` are the files of the declarations directory the loader skips."""

    stack: str
    api: str
    results: list[TableResult] = field(default_factory=list)
    unmonitored: list[str] = field(default_factory=list)
    skipped_files: tuple[str, ...] = ()

    @property
    def exit_code(self) -> ExitCode:
        """0 when every table was written exactly as the workspace holds it (or skipped)."""
        bad = any(r.outcome is Outcome.FAILED or r.differences for r in self.results)
        return ExitCode.FAILED if bad else ExitCode.OK


def _gap_lines(results: Sequence[TableResult], notes: bool) -> list[str]:
    lines = []
    for result in results:
        for gap in result.all_notes if notes else result.differences:
            lines.append(f"  {result.table} / {gap.field}: {gap.message}")
    return lines


def render_report(report: ExportReport, out: TextIO) -> None:
    """The per-table lines, the differences and notes, and what to run next."""
    width = max((len(r.table) for r in report.results), default=5)
    for result in report.results:
        detail = result.detail
        if result.differences:
            count = len(result.differences)
            detail += f" ({count} difference{'s' if count > 1 else ''}, below)"
        print(f"{result.table:<{width}}  {result.outcome.value:<7}  {detail}", file=out)
    if not report.results:
        print(f"no monitor to export in stack {report.stack}'s gold schema", file=out)
    elif report.unmonitored:
        count = len(report.unmonitored)
        print(f"({count} other table(s) of the gold schema have no monitor)", file=out)
    differences = _gap_lines(report.results, notes=False)
    if differences:
        print(
            "\nNot as in the workspace: the first `pulumi up` after adopt would change these "
            "(in place; also listed at the top of each file):",
            file=out,
        )
        print("\n".join(differences), file=out)
    notes = _gap_lines(report.results, notes=True)
    if notes:
        print("\nNotes (nothing changes because of these):", file=out)
        print("\n".join(notes), file=out)
    written = [r.table for r in report.results if r.outcome is Outcome.WRITTEN]
    if written:
        print("\n" + next_step(report), file=out)


def next_step(report: ExportReport) -> str:
    """What to run after writing declarations: `adopt`, which imports legacy monitors only."""
    stack = short_stack(report.stack)
    if report.api == API_DATA_QUALITY:
        return (
            f"Next: review the files. Stack {stack} deploys through the data_quality API, and "
            "adopt imports legacy monitors only: adopt them on a legacy stack first, then move "
            "it with `monitors migrate`."
        )
    return (
        f"Next: review the files, then `monitors adopt --stack {stack}` takes the "
        "monitors into the stack and previews `pulumi up`."
    )


def _gaps(gaps: Sequence[Gap]) -> list[dict[str, str]]:
    return [{"field": g.field, "message": g.message} for g in gaps]


def report_document(report: ExportReport) -> dict[str, Any]:
    """The stable JSON form of the report (`export --json`)."""
    return {
        "schema_version": REPORT_SCHEMA_VERSION,
        "stack": report.stack,
        "api": report.api,
        "tables": {
            r.table: {
                "outcome": r.outcome.value,
                "detail": r.detail,
                "exact": r.outcome is Outcome.WRITTEN and not r.differences,
                "differences": _gaps(r.differences),
                "notes": _gaps(r.all_notes),
            }
            for r in report.results
        },
        "unmonitored_tables": len(report.unmonitored),
        "exit_code": int(report.exit_code),
    }


def render_json(report: ExportReport, out: TextIO) -> None:
    """The report as JSON on `out`."""
    json.dump(report_document(report), out, indent=2)
    out.write("\n")
