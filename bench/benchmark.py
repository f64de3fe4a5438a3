"""Benchmark what a user pays, as whole processes: imports, validation, decisions, registrations.

Modes, each run as a fresh `python` process (interpreter start and every import included):
  program-first   `__main__.py` under Pulumi's mocks on a copy of the project with N generated
                  monitors, no previous deployment (a first `pulumi preview`)
  program-steady  the same, reading back a settled stack's outputs (every later run)
  bare            the same API bodies as bare `databricks.QualityMonitor` registrations
                  (bench/bare.py: no validation, no replace rule, none of our imports); with
                  `--api data_quality`, bare `databricks.DataQualityMonitor` registrations with
                  the provider's table and schema lookups (bench/bare_dq.py)
  bare-gc-frozen  the same, with the collector paused and frozen as our __main__.py does it, so
                  the second ratio shows what our own work costs on top of registrations
  plan            `python -m monitors plan --stack dev` on the shipped declarations
With --verify, it measures `python -m monitors verify` instead, against the fake workspace
answering each request after --latency seconds, once per --workers count (bench/verify_bench.py).
All program modes run through bench/harness.py, which imports only pulumi and PyYAML. Runs are
interleaved so drift in machine load hits every mode alike; medians and ranges are printed.

    .venv/bin/python bench/benchmark.py [--monitors 500] [--metrics 6] [--repeat 5]
                                        [--api legacy|data_quality]
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
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
STACK = "prod"


def declaration(index: int, metrics: int) -> dict[str, Any]:
    """A time-series declaration with `metrics` custom metrics (aggregates, a derived, a drift)."""
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
    return {
        "time_series": {"timestamp_col": "event_date", "granularities": ["1 day", "1 week"]},
        "slicing_exprs": ["region"],
        "custom_metrics": custom[:metrics],
    }


def make_project(directory: Path, monitors: int, metrics: int, api: str = "legacy") -> None:
    """A copy of the project (code, Pulumi files) whose prod stack deploys N generated monitors
    through `api`."""
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
    (directory / f"Pulumi.{STACK}.yaml").write_text(yaml.safe_dump(stack_file, sort_keys=False))
    declarations = directory / "monitors" / "declarations"
    for index in range(monitors):
        (declarations / f"table_{index:04d}.yaml").write_text(
            yaml.safe_dump(declaration(index, metrics))
        )
    # The baseline registers exactly the bodies our plan computes.
    bodies = (
        "{t: {'table_name': s.full_table_name(t), **r} for t, r in plan.requests.items()}"
        if api == "legacy"
        else "plan.dq_requests"
    )
    code = (
        "import json, sys\n"
        "from monitors.desired.plan import make_plan\n"
        "from monitors.spec.project import load_project\n"
        f"plan = make_plan(load_project({STACK!r}))\n"
        "s = plan.project.settings\n"
        f"print(json.dumps({bodies}))\n"
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


def timed(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one whole child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, env={**os.environ, **(env or {})}
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):6.3f} s  (range {min(values):.3f}-{max(values):.3f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--monitors", type=int, default=500)
    parser.add_argument("--metrics", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--api", choices=("legacy", "data_quality"), default="legacy")
    parser.add_argument("--verify", action="store_true", help="measure verify instead")
    parser.add_argument("--latency", type=float, default=0.1, help="--verify: s per request")
    parser.add_argument("--workers", default="1,8", help="--verify: worker counts, e.g. 1,8")
    args = parser.parse_args()
    if args.verify:
        sys.path.insert(0, str(ROOT))
        from bench.verify_bench import main as verify_main

        counts = [int(w) for w in args.workers.split(",")]
        return verify_main(args.monitors, args.metrics, args.api, args.latency, counts, args.repeat)
    bare_program = BENCH / ("bare.py" if args.api == "legacy" else "bare_dq.py")

    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        make_project(project, args.monitors, args.metrics, args.api)
        last = project / "last_outputs.json"
        main_py = project / "__main__.py"
        # Two untimed runs: compile bytecode and record the outputs the steady runs read back
        # (a first deployment registers no replacement trigger; the second gives one).
        first = project / "first_outputs.json"
        subprocess.run(harness(project, main_py, "--save", str(first)), cwd=project, check=True)
        subprocess.run(
            harness(project, main_py, "--last", str(first), "--save", str(last)),
            cwd=project,
            check=True,
        )
        subprocess.run(harness(project, bare_program), cwd=project, check=True)
        plan = [sys.executable, "-m", "monitors", "plan", "--stack", "dev"]
        modes: dict[str, Callable[[], tuple[float, float]]] = {
            "program-first": lambda: timed(harness(project, main_py), project),
            "program-steady": lambda: timed(
                harness(project, main_py, "--last", f"{last}"), project
            ),
            "bare": lambda: timed(harness(project, bare_program), project),
            "bare-gc-frozen": lambda: timed(
                harness(project, bare_program), project, {"BENCH_FREEZE_GC": "1"}
            ),
            "plan": lambda: timed(plan, ROOT),
        }
        walls: dict[str, list[float]] = {m: [] for m in modes}
        cpus: dict[str, list[float]] = {m: [] for m in modes}
        for _ in range(args.repeat):
            for mode, run in modes.items():
                wall, cpu = run()
                walls[mode].append(wall)
                cpus[mode].append(cpu)

    print(
        f"{args.monitors} monitors x {args.metrics} metrics, {args.api} API; whole processes, "
        f"imports included; median of {args.repeat} ({os.cpu_count()} CPUs)"
    )
    print(f"{'mode':<16} {'wall':<30} cpu")
    for mode in modes:
        print(f"{mode:<16} {summary(walls[mode]):<30} {summary(cpus[mode])}")
    bare = statistics.median(walls["bare"])
    frozen = statistics.median(walls["bare-gc-frozen"])
    for mode in ("program-first", "program-steady"):
        ours = statistics.median(walls[mode])
        print(
            f"ratio {mode} / bare (wall): {ours / bare:.2f}x "
            f"(/ bare with the collector treated as ours: {ours / frozen:.2f}x)"
        )
    print(json.dumps({m: statistics.median(w) for m, w in walls.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
