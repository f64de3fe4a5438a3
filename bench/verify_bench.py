"""`python -m monitors verify` against a slow fake workspace: wall time by number of workers.

A copy of the project with N generated monitors (bench/benchmark.py `make_project`) is deployed
into the fake workspace (tests/fakes/workspace.py) with the legacy bodies our plan computes (the
fake keeps one store for both APIs), every monitor initialised with a successful refresh, so
every check passes. With --alerts A > 0 (the default is 2) each monitor's A alerts are created
too, with the bodies the program sends, on a warehouse the fake runs their queries on (their
metric tables hold no rows: each query answers "no windows yet", a warning, not a failure).
The fake then answers each request after `--latency` seconds, and verify runs as a whole
process (imports included) once per worker count, interleaved over repeats.

    .venv/bin/python bench/benchmark.py --verify [--monitors 500] [--latency 0.1]
                                        [--workers 1,8] [--repeat 1] [--api legacy|data_quality]
                                        [--templates K] [--alerts A]
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STACK = "prod"


def deploy(fake: object, project: Path) -> tuple[int, int]:
    """Create, initialise and refresh every monitor the project's stack declares, and create
    its alerts; how many of each."""
    sys.path.insert(0, str(ROOT))
    from monitors.declared.project import build_project
    from monitors.declared.project_input import read_project_input
    from monitors.desired.alerts import alert_requests
    from monitors.desired.plan import make_plan

    plan = make_plan(build_project(read_project_input(STACK, project)))
    settings = plan.project.settings
    for table, request in plan.requests.items():
        full_name = settings.full_table_name(table)
        body = {k: v for k, v in request.items() if k != "table_name"}
        fake.add_monitor(full_name, **body)  # type: ignore[attr-defined]
        fake.initialise_monitor(full_name)  # type: ignore[attr-defined]
        fake.add_refresh(full_name, "SUCCESS")  # type: ignore[attr-defined]
    alerts = alert_requests(plan.project) if settings.alerts is not None else {}
    if settings.alerts is not None:
        fake.add_warehouse(settings.alerts.warehouse_id)  # type: ignore[attr-defined]
    for alert in alerts.values():
        fake.add_alert(**alert.body)  # type: ignore[attr-defined]
        fake.add_metric_rows(alert.query.metric_table, [])  # type: ignore[attr-defined]
    return len(plan.requests), len(alerts)


def run_verify(project: Path, host: str, token: str, workers: int) -> tuple[float, dict]:
    """(wall seconds, the JSON report) of one `verify --json` process."""
    command = [
        sys.executable, "-m", "monitors", "verify", "--stack", STACK, "--project-dir",
        str(project), "--host", host, "--json", "--workers", str(workers),
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABRICKS_")}
    env["DATABRICKS_TOKEN"] = token
    env["HOME"] = str(project)  # no ~/.databrickscfg of the machine's
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"verify exited {done.returncode}: {done.stderr.strip()}")
    return wall, json.loads(done.stdout)


def main(
    monitors: int,
    metrics: int,
    api: str,
    latency: float,
    workers: list[int],
    repeat: int,
    templates: int = 0,
    alerts: int = 0,
) -> int:
    """Deploy, then time verify at each worker count; print a table and a JSON line. With
    `templates` > 0 the tables are declared through that many list templates; with `alerts`
    > 0 each monitor has that many alerts, checked after the monitors."""
    sys.path.insert(0, str(ROOT))
    from bench.benchmark import make_project
    from tests.fakes.workspace import FakeWorkspace

    walls: dict[int, list[float]] = {w: [] for w in workers}
    passed: dict[int, str] = {}
    with tempfile.TemporaryDirectory() as tmp, FakeWorkspace() as fake:
        project = Path(tmp)
        make_project(project, monitors, metrics, api, alerts, templates)
        deployed, deployed_alerts = deploy(fake, project)
        fake.latency_s = latency
        for _ in range(repeat):
            for count in workers:
                calls = len(fake.calls)
                wall, report = run_verify(project, fake.host, fake.token, count)
                walls[count].append(wall)
                ok = sum(m["ok"] for m in report["monitors"])
                requests = len(fake.calls) - calls
                passed[count] = f"{ok}/{len(report['monitors'])} pass, {requests} requests"
                if "alerts" in report:
                    checked = report["alerts"]["alerts"]
                    passed[count] += f"; alerts {sum(a['ok'] for a in checked)}/{len(checked)} pass"
    declared = f" through {templates} list templates" if templates else ""
    declared += f", {deployed_alerts} alerts" if deployed_alerts else ""
    print(
        f"verify: {deployed} monitors{declared}, {api} API, {latency * 1000:g} ms per request, "
        f"median of {repeat} ({os.cpu_count()} CPUs); whole processes, imports included"
    )
    for count in workers:
        wall = statistics.median(walls[count])
        print(f"workers {count:>2}: {wall:7.1f} s wall   ({passed[count]})")
    print(json.dumps({f"workers_{w}": statistics.median(v) for w, v in walls.items()}))
    return 0
