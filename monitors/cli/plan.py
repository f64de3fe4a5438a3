"""`monitors plan --stack S [--against REF] [--json]`: each monitor exactly as it would be sent.

It validates declarations and stack settings the way the program does and prints, per monitor,
the API body with its protection and replace settings; no Pulumi CLI or workspace needed.
Whether a monitor is replaced is decided against the last deployment at `pulumi preview`;
`--against REF` compares with a git ref instead (the change report); with Databricks
credentials at hand it adds what each monitor the change replaces or makes bigger cost over the
last 30 days (`cost`), and without them says that cost is not shown and why.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from typing import Any, TextIO

from monitors.cli import options
from monitors.cli.output import print_json
from monitors.errors import ExitCode
from monitors.naming import CONFIG_NAMESPACE

EXIT_CODES = (
    (
        ExitCode.OK,
        "every declaration and stack setting is valid (with --against: no monitor, "
        "alert or anomaly detection monitor is replaced or deleted)",
    ),
    (
        ExitCode.INVALID,
        "a declaration or stack setting is invalid (on either side with "
        "--against): each error names the file, the monitor and the field",
    ),
    (ExitCode.ABORTED, "interrupted: plan changes nothing"),
    (
        ExitCode.REPLACEMENTS,
        "with --against: monitors, alerts or the anomaly detection monitor "
        "are replaced or deleted, or protection is switched off: approval needed",
    ),
    (ExitCode.BAD_REF, "with --against: the git ref cannot be read"),
)


def render_plan(document: dict[str, Any], out: TextIO) -> None:
    """Human-readable plan: a header per monitor, then its API body as JSON (on the data
    quality backend, with named placeholders for the UUIDs the program looks up)."""
    protect = "on" if document["protect"] else "off"
    api = f", {document['api']} API" if "api" in document else ""
    undeployed = len(document.get("undeployed_alerts", []))
    alerts = f"{len(document.get('alerts', {}))} alerts" + (
        f" ({undeployed} declared, not deployed: see the end)" if undeployed else ""
    )
    print(
        f"Stack {document['stack']}: {len(document['monitors'])} monitors, {alerts}, "
        f"protection {protect}" + api,
        file=out,
    )
    if document.get("paused"):
        from monitors.desired.plan import describe_paused

        print(describe_paused(document["stack"], len(document["monitors"])), file=out)
    for table, monitor in document["monitors"].items():
        reset = monitor["reset"]
        origin = f" (template {monitor['declared_in']})" if "declared_in" in monitor else ""
        print(f"\n== {table}{origin}", file=out)
        print(f"   urn: {monitor['urn']}", file=out)
        print(
            f"   protect: {str(monitor['protect']).lower()}   delete_before_replace: true   "
            f"reset token: {reset['token'] if reset else 'none'}"
            + (" (purge)" if reset and reset["purge"] else ""),
            file=out,
        )
        print(
            "   replace: decided at `pulumi preview` against the last deployment "
            "(rename, input_columns/type/output type, profile type, create-only fields, "
            "new reset token)",
            file=out,
        )
        endpoint = monitor.get("endpoint") or (
            f"POST /api/2.1/unity-catalog/tables/{monitor['table_name']}/monitor"
        )
        print(f"   {endpoint}", file=out)
        body = json.dumps(monitor["request"], indent=2)
        print("\n".join("   " + line for line in body.splitlines()), file=out)
    anomaly = document.get("anomaly_detection")
    if anomaly is not None:
        print(f"\n== anomaly detection of schema {anomaly['schema_name']}", file=out)
        print(f"   urn: {anomaly['urn']}", file=out)
        print(f"   protect: {str(anomaly['protect']).lower()}", file=out)
        print(f"   on update: {anomaly['on_update']}", file=out)
        print(f"   {anomaly['endpoint']}", file=out)
        body = json.dumps(anomaly["request"], indent=2)
        print("\n".join("   " + line for line in body.splitlines()), file=out)
    render_alerts(document, out)
    render_templates(document, out)
    render_readers(document, out)


def render_templates(document: dict[str, Any], out: TextIO) -> None:
    """Each template: what it covers, the tables it declares (or why they are not known), the
    tables it overrides, and which own files win over its pattern."""
    for file, template in document.get("templates", {}).items():
        print(f"\n== template {file}: {template['covers']}", file=out)
        if template["unresolved"] is not None:
            print(f"   tables: NOT RESOLVED ({template['unresolved']})", file=out)
        else:
            tables = template["tables"]
            print(f"   tables ({len(tables)}): {', '.join(tables) or 'none'}", file=out)
        if template["overrides"]:
            print(f"   overrides: {', '.join(template['overrides'])}", file=out)
    for note in document.get("template_notes", []):
        print(f"   note: {note}", file=out)


def render_readers(document: dict[str, Any], out: TextIO) -> None:
    """The readers' grants, one line each, and what each monitor's dashboard gets."""
    readers = document.get("readers")
    if readers is None:
        return
    print("\n== readers", file=out)
    for grant in readers["grants"]:
        securable = "schema" if "schema" in grant else "catalog"
        print(
            f"   {grant['name']}: {', '.join(grant['privileges'])} on {securable} "
            f"{grant[securable]}   protect: {str(grant['protect']).lower()}",
            file=out,
        )
    print(
        f"   each monitor's dashboard: {readers['dashboard_permission']} for every reader, once "
        "the monitor has reported its dashboard",
        file=out,
    )


def render_alerts(document: dict[str, Any], out: TextIO) -> None:
    """A header per alert, its inputs as JSON, then its query as it will run; then the alerts
    declared but not deployed here, each with its rule and query, and how to deploy them."""
    for key, alert in document.get("alerts", {}).items():
        request = dict(alert["request"])
        query = request.pop("query_text")
        print(f"\n== alert {key} (on monitor {alert['table']})", file=out)
        print(f"   urn: {alert['urn']}", file=out)
        print(
            f"   protect: {str(alert['protect']).lower()}   delete_before_replace: true   "
            "replaced only when its folder (parent_path) changes",
            file=out,
        )
        print(f"   fires when: {alert['rule']}", file=out)
        if alert["destinations"]:
            names = ", ".join(alert["destinations"])
            print(f"   also notifies destinations (ids looked up at deploy): {names}", file=out)
        print("   POST /api/2.0/alerts", file=out)
        body = json.dumps(request, indent=2)
        print("\n".join("   " + line for line in body.splitlines()), file=out)
        print("   query_text:", file=out)
        print("\n".join("     " + line for line in query.splitlines()), file=out)
    render_undeployed_alerts(document, out)


def render_undeployed_alerts(document: dict[str, Any], out: TextIO) -> None:
    """The declared alerts a stack does not deploy: marked so, with their rule and query, and the
    exact commands (or the stack file's commented block) that deploy them."""
    undeployed = document.get("undeployed_alerts", [])
    if not undeployed:
        return
    print(
        f"\nAlerts declared but NOT DEPLOYED in this stack ({CONFIG_NAMESPACE}:alerts is not set): "
        f"{', '.join(undeployed)}",
        file=out,
    )
    for key, alert in document.get("undeployed_alert_queries", {}).items():
        print(f"\n== alert {key} (on monitor {alert['table']}): NOT DEPLOYED", file=out)
        print(f"   fires when: {alert['rule']}", file=out)
        print("   query_text:", file=out)
        print("\n".join("     " + line for line in alert["query_text"].splitlines()), file=out)
    commands = document.get("enable_alerts", [])
    if commands:
        print(
            "\nTo deploy them, say which SQL warehouse runs their queries and when (who is told "
            "is optional; an alert's own `notify` wins):",
            file=out,
        )
        print("\n".join("  " + command for command in commands), file=out)
        print(
            f"or uncomment the {CONFIG_NAMESPACE}:alerts block in Pulumi.{document['stack']}.yaml.",
            file=out,
        )


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Handler of `plan`: exit 0 when everything is valid."""
    out = out or sys.stdout
    if args.against:
        return run_against(args, out)
    from monitors.declared.advice import project_warnings
    from monitors.declared.project import build_project
    from monitors.declared.project_input import read_project_input
    from monitors.desired.plan import make_plan, plan_document

    given = read_project_input(args.stack, args.project_dir)
    project = build_project(given, _workspace_lister(args))
    options.print_skipped(project.skipped, args)
    for line in project_warnings(project):
        print(f"warning: {line}", file=sys.stderr)
    for file, why in project.unresolved.items():
        print(
            f"warning: {file}: pattern not resolved, its tables are not shown: {why}",
            file=sys.stderr,
        )
    document = plan_document(make_plan(project))
    # Built whole, then written once: the output stream scrubs each write (cli/output.py), and
    # json.dump's or print's many small writes made that cost grow with every line of a fleet.
    buffer = io.StringIO()
    if args.json:
        print_json(document, buffer)
    else:
        render_plan(document, buffer)
    out.write(buffer.getvalue())
    return 0


def _workspace_lister(args: argparse.Namespace) -> Any:
    """Lists the gold schema's tables with databricks-sdk, only when a template has a pattern
    (so a stack without one imports nothing of the SDK and needs no credentials)."""

    def list_tables(settings: Any) -> Any:
        from monitors.stackops.provider_settings import stack_provider_settings
        from monitors.workspace.tables import sdk_lister

        def provider() -> Any:
            return stack_provider_settings(args.stack, args.project_dir, args.pulumi_root)

        return sdk_lister(provider)(settings)

    return list_tables


def run_against(args: argparse.Namespace, out: TextIO) -> int:
    """Handler of `plan --against`: print the change report; its exit code says what is coming."""
    from monitors.change_report.cost import cost_of_change
    from monitors.change_report.render import render_text, report_document
    from monitors.change_report.report import change_report

    report = change_report(args.project_dir, args.stack, args.against)
    options.print_skipped(report.skipped, args)
    cost = cost_of_change(args.project_dir, report)  # None: the change prices no monitor
    if args.json:
        document = report_document(report)
        document["cost"] = cost.document() if cost is not None else None
        json.dump(document, out, indent=2)
        out.write("\n")
    else:
        render_text(report, out)
        if cost is not None:
            out.write("\n".join(cost.lines()) + "\n")
    return int(report.exit_code)


def add_command(subparsers: options.Subparsers) -> None:
    """Register `plan`."""
    parser = subparsers.add_parser(
        "plan",
        help="validate declarations and print each monitor as it would be sent",
        description=__doc__,
    )
    options.stack(parser)
    options.json_output(parser)
    parser.add_argument(
        "--against",
        metavar="GIT_REF",
        help="report what changes relative to the declarations and settings at GIT_REF",
    )
    options.project_dir(parser)
    options.pulumi_root(parser)
    options.verbose(parser)
    parser.set_defaults(func=run)
