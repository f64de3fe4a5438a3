"""Benchmark: evaluate the program with hundreds of monitors under Pulumi's mocks.

Compares the whole program (read YAML declarations, validate, compute payloads, read the last
deployment, decide replace/update, register) with the same monitors registered as bare
`databricks.QualityMonitor` calls from precomputed payloads, and prints the ratio.

    .venv/bin/python bench/benchmark.py [--monitors 500] [--metrics 6] [--repeat 5]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pulumi_databricks as databricks
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from monitors.desired.plan import make_plan
from monitors.program.hooks import make_hooks
from monitors.program.register import deploy
from monitors.program.testing import run_program
from monitors.spec.loader import load_declarations
from monitors.spec.project import Project, select_monitors
from monitors.spec.settings import read_stack_config, settings_from_config


def declaration(index: int, metrics: int) -> dict:
    """A time-series declaration with `metrics` custom metrics (aggregates, a derived, a drift)."""
    custom = [
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


def write_declarations(directory: Path, monitors: int, metrics: int) -> None:
    for index in range(monitors):
        (directory / f"table_{index:04d}.yaml").write_text(
            yaml.safe_dump(declaration(index, metrics))
        )


def measure_once(mode: str, monitors: int, metrics: int) -> float:
    """CPU seconds of one evaluation of `mode` ('program' or 'bare'), setup excluded."""
    config = read_stack_config("prod")
    config.pop("lakehouse-monitors:enabled")
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        write_declarations(directory, monitors, metrics)

        def load() -> Project:
            settings = settings_from_config("prod", config, "Pulumi.prod.yaml")
            return Project(settings, select_monitors(settings, load_declarations(directory), "-"))

        project = load()
        settings = project.settings
        if mode == "program":
            # Steady state: the stack has been deployed twice (a first deployment registers no
            # replacement trigger; the second gives one) and reads its last outputs back.
            first = run_program(lambda: deploy(project), stack="prod")
            second = run_program(
                lambda: deploy(project), stack="prod", last_outputs=first.stack_outputs
            )
            last = second.stack_outputs

            def program() -> None:
                loaded = load()
                deploy(loaded, make_hooks(loaded))

        else:
            last = {}
            requests = make_plan(project).requests

            def program() -> None:
                for table, request in requests.items():
                    databricks.QualityMonitor(
                        table, table_name=settings.full_table_name(table), **request
                    )

        gc.collect()
        start = time.process_time()
        run = run_program(program, stack="prod", last_outputs=last)
        elapsed = time.process_time() - start
    assert len(run.registrations) == monitors
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--monitors", type=int, default=500)
    parser.add_argument("--metrics", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--mode", choices=["program", "bare"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode:
        print(measure_once(args.mode, args.monitors, args.metrics))
        return 0

    # Each evaluation runs in a fresh interpreter: in one process, every run leaves garbage
    # that slows the next. Interleaved, so drift in machine load hits both alike.
    times: dict[str, list[float]] = {"program": [], "bare": []}
    for _ in range(args.repeat):
        for mode in times:
            command = [sys.executable, __file__, "--mode", mode, "--monitors", str(args.monitors)]
            command += ["--metrics", str(args.metrics)]
            output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
            times[mode].append(float(output.strip().splitlines()[-1]))
    ours_s, bare_s = statistics.median(times["program"]), statistics.median(times["bare"])
    print(
        f"{args.monitors} monitors x {args.metrics} metrics, "
        f"median CPU time of {args.repeat} fresh processes each"
    )
    print(f"  program (load, validate, decide, register): {ours_s:.3f} s")
    print(f"  bare databricks.QualityMonitor calls:       {bare_s:.3f} s")
    print(f"  ratio: {ours_s / bare_s:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
