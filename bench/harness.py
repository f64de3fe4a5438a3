"""Run one Pulumi program under Pulumi's mock runtime, as a whole process, for the benchmark.

Standalone on purpose: it imports pulumi, pulumi_databricks (and PyYAML for the stack file) but
nothing of ours, so the bare baseline it runs carries none of our imports. The imports both
programs share are made here, with the garbage collector paused while they load and their
objects then frozen (what our `__main__.py` does), so every program runs with the same collector
settings; the CPU time counted as the program's starts after them. It feeds the program the
stack's config the way the engine does (strings, objects as JSON), serves the stack's last
outputs to any StackReference, and can save the stack outputs for a later "steady" run.

    python bench/harness.py --project DIR --stack prod --program FILE [--last F] [--save F]
                            [--report F]

`--report` writes JSON: `cpu` (process CPU seconds after the shared imports), `cpu_total`
(the whole process's) and `peak_rss_mib` (the process's peak resident memory).
"""

from __future__ import annotations

import gc

gc.disable()
import argparse  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import runpy  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pulumi  # noqa: E402
import pulumi_databricks  # noqa: E402, F401  (a shared import: loaded before the clock starts)
import yaml  # noqa: E402
from pulumi.runtime import mocks, rpc, settings  # noqa: E402
from pulumi.runtime.stack import run_pulumi_func  # noqa: E402
from pulumi.runtime.sync_await import _sync_await  # noqa: E402

gc.freeze()
gc.enable()

LEGACY_TYPE = "databricks:index/qualityMonitor:QualityMonitor"
DQ_TYPE = "databricks:index/dataQualityMonitor:DataQualityMonitor"


class Mocks(pulumi.runtime.Mocks):
    """Echo inputs as outputs (plus a monitor's computed outputs); answer the provider's table
    and schema lookups; serve the last outputs."""

    def __init__(self, last_outputs: dict[str, Any]) -> None:
        self.last_outputs = last_outputs
        self.names: dict[str, str] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        if args.typ == "pulumi:pulumi:StackReference":
            outputs = {"name": args.inputs.get("name"), "outputs": self.last_outputs}
            return args.name, {**outputs, "secretOutputNames": []}
        state = dict(args.inputs)
        if args.typ == DQ_TYPE:
            config = state.get("dataProfilingConfig")
            if isinstance(config, dict):
                table = self.names.get(str(state["objectId"]), "unknown")
                schema = self.names.get(str(config.get("outputSchemaId")), "unknown")
                short = table.split(".")[-1]
                state["dataProfilingConfig"] = {
                    **config,
                    "status": "DATA_PROFILING_STATUS_ACTIVE",
                    "dashboardId": f"dashboard-{short}",
                    "monitorVersion": 1,
                    "profileMetricsTableName": f"{schema}.{short}_profile_metrics",
                    "driftMetricsTableName": f"{schema}.{short}_drift_metrics",
                }
            return "missing ID", state
        if args.typ == LEGACY_TYPE:
            short = str(state["tableName"]).split(".")[-1]
            schema = state["outputSchemaName"]
            state.update(
                status="MONITOR_STATUS_ACTIVE",
                dashboardId=f"dashboard-{short}",
                monitorVersion=1,
                profileMetricsTableName=f"{schema}.{short}_profile_metrics",
                driftMetricsTableName=f"{schema}.{short}_drift_metrics",
            )
        return f"{args.name}-id", state

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[Any]]:
        name = str(args.args.get("name", ""))
        object_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{args.token}:{name}"))
        self.names[object_id] = name
        if args.token.endswith("getTable"):
            return {"id": object_id, "name": name, "tableInfo": {"tableId": object_id}}, []
        if args.token.endswith("getSchema"):
            return {"id": name, "name": name, "schemaInfo": {"schemaId": object_id}}, []
        return {}, []


def engine_config(project: Path, stack: str) -> dict[str, str]:
    """The stack file's config as the engine hands it to a program."""
    document = yaml.safe_load((project / f"Pulumi.{stack}.yaml").read_text()) or {}
    config = document.get("config") or {}
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in config.items()}


def main() -> int:
    start = time.process_time()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, required=True)
    parser.add_argument("--stack", required=True)
    parser.add_argument("--program", type=Path, required=True)
    parser.add_argument("--last", type=Path, help="the stack's last outputs (JSON)")
    parser.add_argument("--save", type=Path, help="write the stack outputs here (JSON)")
    parser.add_argument("--report", type=Path, help="write CPU time and peak memory here (JSON)")
    args = parser.parse_args()

    last = json.loads(args.last.read_text()) if args.last else {}
    sys.path.insert(0, str(args.project))
    mocks.set_mocks(
        Mocks(last),
        project="lakehouse-monitors",
        stack=args.stack,
        preview=True,
        organization="organization",
    )
    pulumi.runtime.set_all_config(engine_config(args.project, args.stack))
    _sync_await(run_pulumi_func(lambda: runpy.run_path(str(args.program), run_name="__main__")))
    end = time.process_time()
    if args.save:
        root = settings.get_root_resource()
        exported = getattr(root, "outputs", {}) if root is not None else {}
        serialized = _sync_await(rpc.serialize_properties(exported, {}))
        args.save.write_text(json.dumps(rpc.deserialize_properties(serialized)))
    if args.report:
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
        report = {"cpu": end - start, "cpu_total": end, "peak_rss_mib": peak_kib / 1024}
        args.report.write_text(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
