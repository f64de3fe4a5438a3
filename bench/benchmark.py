"""Benchmark what a user pays: our program against a bare Pulumi program registering the same
resources, each as a fresh process under Pulumi's mock runtime (bench/harness.py).

Modes:
  program-first   `__main__.py` on a copy of the project with N generated monitors (M custom
                  metrics and A alerts each), no previous deployment (a first `pulumi preview`)
  program-steady  the same, reading back a settled stack's outputs (every later run)
  bare            the same API bodies as bare `databricks.QualityMonitor` (bench/bare.py) or,
                  with `--api data_quality`, `databricks.DataQualityMonitor` registrations with
                  the provider's table and schema lookups (bench/bare_dq.py), and the same
                  alerts as bare `databricks.AlertV2` registrations: no validation, no replace
                  rule, none of our imports
  plan            `python -m monitors plan --stack dev` on the shipped declarations (whole
                  process: its imports are its cost)
  plan-fleet      `python -m monitors plan --stack prod --json` on the generated project (whole
                  process): N monitors, declared one file each or through --templates K
The harness makes the imports the programs share (pulumi, pulumi_databricks) with the collector
settings our `__main__.py` uses, and reports the CPU time after them (`cpu`), the whole
process's (`total`) and its peak resident memory. Runs are interleaved so drift in machine load
hits every mode alike; the median and minimum of each are printed, then the ratios of ours to
bare and our own cost per monitor (ours minus bare, divided by N).

With --verify, it measures `python -m monitors verify` instead, against the fake workspace
answering each request after --latency seconds, once per --workers count (bench/verify_bench.py).

    .venv/bin/python bench/benchmark.py [--monitors 500] [--metrics 6] [--alerts 2]
                                        [--repeat 5] [--api legacy|data_quality]
                                        [--modes program-first,bare,...] [--json FILE]
    .venv/bin/python bench/benchmark.py --verify [--monitors 500] [--latency 0.1]
                                        [--workers 1,8] [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
STACK = "prod"
MODES = ("program-first", "program-steady", "bare", "plan", "plan-fleet")
ALERT_SETTINGS = {
    "warehouse_id": "0123456789abcdef",
    "schedule": {"quartz_cron_expression": "0 30 6 * * ?", "timezone_id": "UTC"},
    "notify": {"emails": ["data-platform-oncall@wanderbricks.example"]},
}


def declaration(index: int, metrics: int, alerts: int = 0) -> dict[str, Any]:
    """A time-series declaration with `metrics` custom metrics (aggregates, a derived, a drift)
    and `alerts` alerts (alternately on the derived metric and on its drift)."""
    custom: list[dict[str, Any]] = [
        {
            "name": f"metric_{index}_{m}",
            "type": "aggregate",
            "input_columns": [":table"],
            "definition": f"SUM(value_{m})",
            "output_data_type": "double",
        }
        for m in range(max(metrics - 2, 1))
    ]
    custom.append(
        {
            "name": f"ratio_{index}",
            "type": "derived",
            "input_columns": [":table"],
            "definition": f"metric_{index}_0 / NULLIF(metric_{index}_0, 0)",
            "output_data_type": "double",
        }
    )
    custom.append(
        {
            "name": f"ratio_{index}_drift",
            "type": "drift",
            "input_columns": [":table"],
            "definition": f"{{{{current_df}}}}.ratio_{index} - {{{{base_df}}}}.ratio_{index}",
            "output_data_type": "double",
        }
    )
    declared: list[dict[str, Any]] = []
    for a in range(alerts):
        if a % 2 == 0:
            declared.append(
                {"name": f"ratio_high_{a}", "metric": f"ratio_{index}", "op": ">",
                 "threshold": 0.25 + a, "windows": 3, "violations": 2, "severity": "critical"}
            )  # fmt: skip
        else:
            declared.append(
                {"name": f"ratio_drop_{a}", "metric": f"ratio_{index}_drift", "op": "<",
                 "threshold": -0.5 - a, "granularity": "1 week"}
            )  # fmt: skip
    document: dict[str, Any] = {
        "time_series": {"timestamp_col": "event_date", "granularities": ["1 day", "1 week"]},
        "slicing_exprs": ["region"],
        "custom_metrics": custom[:metrics],
    }
    if declared:
        document["alerts"] = declared
    return document


def make_project(
    directory: Path,
    monitors: int,
    metrics: int,
    api: str = "legacy",
    alerts: int = 0,
    templates: int = 0,
) -> None:
    """A copy of the project (code, Pulumi files) whose prod stack deploys N generated monitors
    through `api` (declared one file each, or with `templates` > 0 through that many list
    templates sharing one declaration), and the bodies our plan computes for the bare baseline
    (bare_requests.json)."""
    shutil.copytree(
        ROOT / "monitors",
        directory / "monitors",
        ignore=shutil.ignore_patterns("__pycache__", "*.yaml"),
    )
    for name in ("__main__.py", "Pulumi.yaml"):
        shutil.copy(ROOT / name, directory / name)
    stack_file = yaml.safe_load((ROOT / f"Pulumi.{STACK}.yaml").read_text())
    stack_file["config"].pop("lakehouse-monitors:enabled", None)
    if api != "legacy":
        stack_file["config"]["lakehouse-monitors:api"] = api
    if alerts:
        stack_file["config"]["lakehouse-monitors:alerts"] = ALERT_SETTINGS
    (directory / f"Pulumi.{STACK}.yaml").write_text(yaml.safe_dump(stack_file, sort_keys=False))
    declarations = directory / "monitors" / "declarations"
    if templates:
        names = [f"table_{index:04d}" for index in range(monitors)]
        for k in range(templates):
            body = {"tables": names[k::templates], **declaration(k, metrics, alerts)}
            (declarations / f"fleet_{k}.yaml").write_text(yaml.safe_dump(body))
    for index in range(0 if templates else monitors):
        (declarations / f"table_{index:04d}.yaml").write_text(
            yaml.safe_dump(declaration(index, metrics, alerts))
        )
    # The baseline registers exactly the bodies our plan computes, under the same names.
    bodies = (
        "{t: {'table_name': s.full_table_name(t), **r} for t, r in plan.requests.items()}"
        if api == "legacy"
        else "plan.dq_requests"
    )
    code = (
        "import json\n"
        "from monitors.desired.plan import make_plan\n"
        "from monitors.naming import alert_resource_name, resource_name\n"
        "from monitors.declared.project import build_project\n"
        "from monitors.declared.project_input import read_project_input\n"
        f"plan = make_plan(build_project(read_project_input({STACK!r})))\n"
        "s = plan.project.settings\n"
        f"monitors = {{t: [resource_name(t), b] for t, b in {bodies}.items()}}\n"
        "alerts = {alert_resource_name(a.table, a.name): [a.table, a.body]\n"
        "          for a in plan.alerts.values()}\n"
        "print(json.dumps({'monitors': monitors, 'alerts': alerts}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=directory, capture_output=True, text=True, check=True
    )
    (directory / "bare_requests.json").write_text(result.stdout)


def harness(project: Path, program: Path, *extra: str) -> list[str]:
    return [
        sys.executable, str(BENCH / "harness.py"), "--project", str(project),
        "--stack", STACK, "--program", str(program), *extra,
    ]  # fmt: skip


def measured(command: list[str], cwd: Path, report: Path | None) -> dict[str, float]:
    """Run one whole process: its CPU seconds after the shared imports (`cpu`, the whole
    process's for a command without a harness report), its whole CPU (`total`), and its peak
    resident memory in MiB (`peak`)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if report is None:  # ru_maxrss of children is the largest child's so far: not per run
        return {"cpu": total, "total": total, "peak": float("nan")}
    found = json.loads(report.read_text())
    return {"cpu": found["cpu"], "total": total, "peak": found["peak_rss_mib"]}


def summary(values: list[float], unit: str = "s", digits: int = 3) -> str:
    if any(v != v for v in values):  # NaN: not measured
        return "-"
    return f"{statistics.median(values):.{digits}f} {unit} (min {min(values):.{digits}f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--monitors", type=int, default=500)
    parser.add_argument("--metrics", type=int, default=6)
    parser.add_argument("--alerts", type=int, default=2, help="alerts per monitor")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--api", choices=("legacy", "data_quality"), default="legacy")
    parser.add_argument(
        "--templates", type=int, default=0, help="declare the N tables through K list templates"
    )
    parser.add_argument("--verify", action="store_true", help="measure verify instead")
    parser.add_argument("--latency", type=float, default=0.1, help="--verify: s per request")
    parser.add_argument("--workers", default="1,8", help="--verify: worker counts, e.g. 1,8")
    parser.add_argument(
        "--modes", default=",".join(MODES), help="comma-separated, of " + ", ".join(MODES)
    )
    parser.add_argument("--json", type=Path, help="also write every measurement here")
    args = parser.parse_args()
    if args.verify:
        sys.path.insert(0, str(ROOT))
        from bench.verify_bench import main as verify_main

        counts = [int(w) for w in args.workers.split(",")]
        return verify_main(
            args.monitors,
            args.metrics,
            args.api,
            args.latency,
            counts,
            args.repeat,
            args.templates,
            args.alerts,
        )
    chosen = [m for m in args.modes.split(",") if m]
    unknown = sorted(set(chosen) - set(MODES))
    if unknown:
        parser.error(f"unknown mode(s): {', '.join(unknown)}")
    bare_program = BENCH / ("bare.py" if args.api == "legacy" else "bare_dq.py")

    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        make_project(project, args.monitors, args.metrics, args.api, args.alerts, args.templates)
        last = project / "last_outputs.json"
        main_py = project / "__main__.py"
        report = project / "report.json"
        # Untimed runs: compile bytecode and record the outputs the steady runs read back
        # (a first deployment registers no replacement trigger; the second gives one).
        # (The bare programs are a few lines: nothing worth compiling ahead.)
        if "program-first" in chosen or "program-steady" in chosen:
            first = project / "first_outputs.json"
            subprocess.run(harness(project, main_py, "--save", str(first)), cwd=project, check=True)
        if "program-steady" in chosen:
            subprocess.run(
                harness(project, main_py, "--last", str(first), "--save", str(last)),
                cwd=project,
                check=True,
            )
        plan = [sys.executable, "-m", "monitors", "plan", "--stack", "dev"]
        report_to = ("--report", str(report))
        runs: dict[str, Callable[[], dict[str, float]]] = {
            "program-first": lambda: measured(
                harness(project, main_py, *report_to), project, report
            ),
            "program-steady": lambda: measured(
                harness(project, main_py, "--last", str(last), *report_to), project, report
            ),
            "bare": lambda: measured(harness(project, bare_program, *report_to), project, report),
            "plan": lambda: measured(plan, ROOT, None),
            "plan-fleet": lambda: measured(
                [sys.executable, "-m", "monitors", "plan", "--stack", STACK, "--json"],
                project,
                None,
            ),
        }
        results: dict[str, dict[str, list[float]]] = {
            m: {"cpu": [], "total": [], "peak": []} for m in chosen
        }
        for _ in range(args.repeat):
            for mode in chosen:
                for key, value in runs[mode]().items():
                    results[mode][key].append(value)

    alerts = args.monitors * args.alerts
    print(
        f"{args.monitors} monitors x {args.metrics} metrics, {alerts} alerts, {args.api} API; "
        f"{args.repeat} runs ({os.cpu_count()} CPUs); cpu = CPU after the shared imports"
    )
    print(f"{'mode':<16} {'cpu':<22} {'total cpu':<22} peak memory")
    for mode in chosen:
        r = results[mode]
        print(
            f"{mode:<16} {summary(r['cpu']):<22} {summary(r['total']):<22} "
            f"{summary(r['peak'], 'MiB', 0)}"
        )
    if "bare" in chosen:
        bare = statistics.median(results["bare"]["cpu"])
        bare_total = statistics.median(results["bare"]["total"])
        for mode in ("program-first", "program-steady"):
            if mode not in chosen:
                continue
            ours = statistics.median(results[mode]["cpu"])
            ours_total = statistics.median(results[mode]["total"])
            per_monitor = (ours - bare) / args.monitors * 1000
            print(
                f"{mode} / bare: {ours / bare:.2f}x after the shared imports, "
                f"{ours_total / bare_total:.2f}x whole processes; "
                f"ours minus bare: {per_monitor:.2f} ms per monitor"
            )
    if args.json:
        args.json.write_text(
            json.dumps({"args": vars(args) | {"json": str(args.json)}, "results": results})
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
