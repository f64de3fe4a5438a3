"""What verify found of the stack's alerts (`AlertsReport`), and how it is shown: text and JSON.

Apart from the checks in `alerts`, as `export_report` is apart from `export`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from monitors.workspace.check_results import MARKS, Checked, CheckResult, CheckStatus, join_row

# Check keys in report order, with the column titles render_table() uses.
ALERT_CHECKS: tuple[tuple[str, str], ...] = (
    ("exists", "exists"),
    ("definition", "definition"),
    ("query", "query"),
    ("fires", "would fire now"),
)


@dataclass(frozen=True)
class Evaluation:
    """The alert's query, answered once: would the alert fire, and on what value."""

    would_fire: bool
    violations: float
    required: float
    latest_value: float | None
    windows_read: int
    latest_window: str | None

    def sentence(self) -> str:
        value = "no value" if self.latest_value is None else f"{self.latest_value:g}"
        windows = f"{self.violations:g} of {self.windows_read} window(s) read break it"
        when = f", latest window {self.latest_window}" if self.latest_window else ""
        return f"{'yes' if self.would_fire else 'no'}, {value} ({windows}{when})"


@dataclass(frozen=True)
class AlertReport(Checked):
    """Every check of one declared alert."""

    key: str
    display_name: str
    checks: tuple[CheckResult, ...]
    evaluation: Evaluation | None = None


@dataclass(frozen=True)
class AlertsReport:
    """The verify result for every declared alert of a stack, and what else was found."""

    alerts: tuple[AlertReport, ...]
    strays: tuple[str, ...] = ()  # sentences: copies and undeclared alerts of this stack

    @property
    def ok(self) -> bool:
        return all(a.ok for a in self.alerts)

    def document(self) -> dict[str, Any]:
        """The `alerts` part of verify's JSON."""
        return {
            "ok": self.ok,
            "alerts": [
                {
                    "alert": a.key,
                    "display_name": a.display_name,
                    "ok": a.ok,
                    "would_fire": a.evaluation.would_fire if a.evaluation else None,
                    "latest_value": a.evaluation.latest_value if a.evaluation else None,
                    "checks": {
                        c.name: {"status": c.status.value, "detail": c.detail} for c in a.checks
                    },
                }
                for a in self.alerts
            ],
            "strays": list(self.strays),
        }

    def render_table(self) -> str:
        """A row per alert (the last column says whether it would fire now), then why."""
        header = ["alert", *(title for _, title in ALERT_CHECKS)]
        rows = [
            [
                a.key,
                *(MARKS[a.check(name).status] for name, _ in ALERT_CHECKS[:-1]),
                a.check("fires").detail.split(" (")[0]
                if a.evaluation
                else MARKS[a.check("fires").status],
            ]
            for a in self.alerts
        ]
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        lines = [join_row(header, widths), join_row(["-" * w for w in widths], widths)]
        lines += [join_row(row, widths) for row in rows]
        titles = dict(ALERT_CHECKS)
        for title, status in (("Failures", CheckStatus.FAIL), ("Warnings", CheckStatus.WARN)):
            found = [(a, c) for a in self.alerts for c in a.checks if c.status is status]
            if found or (status is CheckStatus.WARN and self.strays):
                lines += ["", f"{title}:"]
                lines += [f"  {a.key} / {titles[c.name]}: {c.detail}" for a, c in found]
                if status is CheckStatus.WARN:
                    lines += [f"  {stray}" for stray in self.strays]
        passed = sum(a.ok for a in self.alerts)
        lines += ["", f"{passed} of {len(self.alerts)} alerts pass."]
        return "\n".join(lines) + "\n"
