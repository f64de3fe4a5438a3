"""An exported declaration, and the proof that it says what the workspace holds (pure).

`export_monitor` writes the declaration of one existing monitor (`monitors.export.form`,
`monitors.export.render`), reads the text back as the program will, computes its payload with
`monitor_request` (what `plan` prints and the provider sends) and compares that, field by field,
with the monitor's configuration as the workspace returned it. Every difference is a `Gap`;
none means that after `adopt`, `pulumi up` has nothing to change. The fields compared are the
ones the legacy API returns and takes: `warehouse_id` and `skip_builtin_dashboard` are never
returned (the program ignores changes to them outside a replace), and the schedule's
`pause_status` is read-only (the provider keeps the service's value).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from monitors.declared.loader import parse_declaration_text
from monitors.declared.models import MonitorSpec
from monitors.declared.settings import StackSettings
from monitors.desired.payload import monitor_request
from monitors.export.form import (
    DECLARED_FIELDS,
    KEPT_FIELDS,
    STACK_LEVEL_FIELDS,
    Gap,
    declaration_form,
    quoted,
)
from monitors.export.render import RenderError, render_declaration

COMPARED_FIELDS: tuple[str, ...] = (*DECLARED_FIELDS, *STACK_LEVEL_FIELDS)
_METRIC_FIELDS = ("type", "input_columns", "definition", "output_data_type")
_RANK = {
    name: rank
    for rank, name in enumerate((*COMPARED_FIELDS, "skip_builtin_dashboard", *KEPT_FIELDS))
}


@dataclass(frozen=True)
class MonitorExport:
    """One monitor as a declaration file: its text, what it declares, and its gaps."""

    table: str
    text: str
    spec: MonitorSpec
    gaps: tuple[Gap, ...]

    @property
    def differences(self) -> tuple[Gap, ...]:
        """The gaps the first `pulumi up` after adopting would change in the monitor."""
        return tuple(g for g in self.gaps if g.changes)

    @property
    def notes(self) -> tuple[Gap, ...]:
        """The gaps that change nothing (what could not be told, what stays as it is)."""
        return tuple(g for g in self.gaps if not g.changes)


def compared_part(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of a payload the workspace returns, to compare with `held_configuration`."""
    return {key: value for key, value in payload.items() if key in COMPARED_FIELDS}


def held_configuration(config: Mapping[str, Any]) -> dict[str, Any]:
    """The settable fields of a monitor as the workspace returned them, `pause_status` aside."""
    held = {key: config[key] for key in COMPARED_FIELDS if config.get(key) is not None}
    schedule = held.get("schedule")
    if isinstance(schedule, Mapping):
        held["schedule"] = {k: v for k, v in schedule.items() if k != "pause_status"}
    return held


def _shown(value: Any) -> str:
    return "nothing" if value is None else quoted(value)


def _field_message(field: str, held: Any, sent: Any, table: str, stack: str) -> str:
    if field == "assets_dir":
        hint = ""
        if isinstance(held, str) and held.endswith(f"/{table}"):
            hint = f"; set lakehouse-monitors:assetsRoot to {quoted(held[: -len(table) - 1])}"
        return (
            f"is {_shown(held)} in the workspace, but stack {stack} puts it at {_shown(sent)} "
            "(lakehouse-monitors:assetsRoot/<table>). It is create-only and the API ignores a "
            f"change, so every `pulumi up` would plan one{hint}"
        )
    if field == "output_schema_name":
        return (
            f"the metric tables are in {_shown(held)}, but stack {stack} writes them to "
            f"{_shown(sent)} (lakehouse-monitors:catalog and outputSchema): the first "
            "`pulumi up` would move the monitor's output there; set outputSchema to keep it"
        )
    return f"the workspace holds {_shown(held)}, the declaration sends {_shown(sent)}"


def _metric_message(field: str, held: Any, sent: Any) -> str:
    if field == "output_data_type" and isinstance(held, str) and not held.lstrip().startswith("{"):
        return (
            f"the workspace holds the bare type {quoted(held)}, with which a monitor never "
            f"initialises; declarations send the StructField JSON {quoted(sent)}"
        )
    return f"the workspace holds {_shown(held)}, the declaration sends {_shown(sent)}"


def _by_name(metrics: Any) -> dict[str, Mapping[str, Any]]:
    if not isinstance(metrics, list):
        return {}
    return {
        str(m.get("name")): m
        for m in metrics
        if isinstance(m, Mapping) and m.get("name") is not None
    }


def _metric_differences(held: Any, sent: Any) -> list[Gap]:
    held_metrics, sent_metrics = _by_name(held), _by_name(sent)
    gaps: list[Gap] = []
    for name, metric in held_metrics.items():
        if name not in sent_metrics:
            gaps.append(
                Gap(("custom_metrics", name), "not in the declaration: the first up removes it")
            )
            continue
        for field in _METRIC_FIELDS:
            if metric.get(field) != sent_metrics[name].get(field):
                message = _metric_message(field, metric.get(field), sent_metrics[name].get(field))
                gaps.append(Gap(("custom_metrics", name, field), message))
    for name in sent_metrics:
        if name not in held_metrics:
            gaps.append(Gap(("custom_metrics", name), "not in the workspace: the first up adds it"))
    common = [n for n in held_metrics if n in sent_metrics]
    if common != [n for n in sent_metrics if n in held_metrics]:
        gaps.append(
            Gap(
                ("custom_metrics",),
                "listed in another order than the program sends them (by name): the first "
                "`pulumi up` rewrites the list in name order, no metric changed",
            )
        )
    return gaps


def payload_differences(
    table: str, payload: Mapping[str, Any], held: Mapping[str, Any], settings: StackSettings
) -> list[Gap]:
    """Every field where the declaration's payload differs from the monitor's configuration."""
    gaps: list[Gap] = []
    for field in COMPARED_FIELDS:
        held_value, sent = held.get(field), payload.get(field)
        if field == "custom_metrics":
            gaps += _metric_differences(held_value, sent)
        elif held_value != sent:
            message = _field_message(field, held_value, sent, table, settings.stack)
            gaps.append(Gap((field,), message))
    return gaps


def _sorted(gaps: Sequence[Gap]) -> tuple[Gap, ...]:
    return tuple(sorted(gaps, key=lambda g: (_RANK.get(g.key[0], len(_RANK)), g.key[1:])))


def header_lines(source: str, differences: Sequence[Gap]) -> list[str]:
    """The comment lines at the top of an exported file: where it came from, what differs."""
    lines = [f"Exported by `monitors export` from {source}."]
    if differences:
        lines.append("Not as in the workspace (the first `pulumi up` after adopt changes these):")
        lines += [f"  {gap.field}: {gap.message}" for gap in differences]
    return lines


def _ignored(gap: Gap, held: Mapping[str, Any], payload: Mapping[str, Any]) -> Gap:
    """A difference in a field the program ignores outside a replace, as the note it is."""
    field = gap.key[0]
    return Gap(
        gap.key,
        f"is {_shown(held.get(field))} in the workspace, the stack's is "
        f"{_shown(payload.get(field))}: create-only, so `pulumi up` leaves it; a replace or "
        "reset would use the stack's",
        changes=False,
    )


PayloadCheck = Callable[[MonitorSpec, Mapping[str, Any]], list[Gap]]


def export_monitor(
    table: str,
    config: Mapping[str, Any],
    settings: StackSettings,
    *,
    file: str,
    source: str,
    ignored: Sequence[str] = (),
    also_check: PayloadCheck | None = None,
    kept: Mapping[str, Any] | None = None,
) -> MonitorExport:
    """The declaration file of an existing monitor, its gaps, checked by reading it back.

    `config` is in the legacy API's form. `ignored` fields are ones the program ignores outside
    a replace (a difference there is a note); `also_check` compares the payload of another API
    (its differences count where no gap already names the field); `kept` holds the fields of
    the declaration being overwritten that export keeps (`KEPT_FIELDS`: alerts). Raises
    `NotExpressible` (monitors.export.form) when no declaration can describe the monitor.
    """
    form = declaration_form(table, config, settings, file, kept)
    payload = monitor_request(table, form.spec, settings)
    held = held_configuration(config)
    found = [
        _ignored(d, held, payload) if d.key[0] in ignored else d
        for d in payload_differences(table, payload, held, settings)
    ]
    unexplained = [d for d in found if not any(g.covers(d) for g in form.gaps)]
    if also_check is not None:
        named = {g.key[0] for g in (*form.gaps, *unexplained) if g.changes}
        unexplained += [d for d in also_check(form.spec, payload) if d.key[0] not in named]
    notes = [
        Gap(
            (name,),
            f"{len(kept[name])} kept from the declaration this file replaces (export reads "
            "monitors, not their alerts); comments in that file are not kept",
            changes=False,
        )
        for name in KEPT_FIELDS
        if kept and kept.get(name)
    ]
    gaps = _sorted([*form.gaps, *unexplained, *notes])
    differences = [g for g in gaps if g.changes]
    text = render_declaration(form.data, header_lines(source, differences))
    spec = parse_declaration_text(table, text, file)
    if monitor_request(table, spec, settings) != payload:  # the file says what was checked
        raise RenderError(f"{file}: the written declaration does not read back as exported")
    return MonitorExport(table, text, spec, gaps)
