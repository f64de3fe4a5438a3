"""Measure, with the real limits and the real clock, how long hooks and verify take when the
workspace does not answer. Not a test (it takes minutes): run it by hand and read the figures.

    .venv/bin/python -m tests.workspace.measure_time_bounds

Cases: nothing listens (connection refused), and a blackhole (accepts, never answers); hooks one
after another and five at once (as the engine runs steps in parallel); the host known from the
stack config (a preflight runs) or only from a ~/.databrickscfg profile (the SDK's own probe).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pulumi

from monitors.cli.main import main
from monitors.program import hooks
from tests.fakes.workspace import Blackhole, refused_host

TABLES = ("fact_booking_daily", "fact_property_engagement", "dim_property", "dim_host", "dim_user")


def args(table: str) -> pulumi.ResourceHookArgs:
    return pulumi.ResourceHookArgs(
        urn=f"urn:pulumi:dev::lakehouse-monitors::t::{table}",
        id=f"wanderbricks_dev.wanderbricks_gold.{table}",
        name=table,
        type="databricks:index/qualityMonitor:QualityMonitor",
        new_outputs={"tableName": f"wanderbricks_dev.wanderbricks_gold.{table}"},
        old_outputs={
            "profileMetricsTableName": f"wanderbricks_dev.m.{table}_profile_metrics",
            "dashboardId": "0123456789abcdef",
        },
    )


@contextlib.contextmanager
def config(**values: str) -> Iterator[None]:
    pulumi.runtime.set_all_config({f"databricks:{k}": v for k, v in values.items()})
    try:
        yield
    finally:
        pulumi.runtime.set_all_config({})


def sequential(label: str) -> None:
    run = hooks.HookRun()
    times = []
    started = time.monotonic()
    for table in TABLES:
        t0 = time.monotonic()
        hooks.refresh_after_update(args(table), run)
        times.append(time.monotonic() - t0)
    total = time.monotonic() - started
    each = ", ".join(f"{t:.1f}" for t in times)
    print(f"{label}: refresh hooks one after another: {each} s; run {total:.1f} s", flush=True)


def concurrent(label: str) -> None:
    run = hooks.HookRun()
    hook = hooks.in_thread(lambda a: hooks.refresh_after_update(a, run))

    async def all_at_once() -> None:
        await asyncio.gather(*(hook(args(t)) for t in TABLES))

    loop = asyncio.new_event_loop()
    started = time.monotonic()
    try:
        loop.run_until_complete(all_at_once())
    finally:
        loop.close()
    print(
        f"{label}: five refresh hooks at once: run {time.monotonic() - started:.1f} s", flush=True
    )


def purge(label: str) -> None:
    run = hooks.HookRun()
    started = time.monotonic()
    hooks.purge_after_delete(args("dim_host"), {"dim_host"}, run, "wanderbricks_dev.m")
    print(f"{label}: purge hook: {time.monotonic() - started:.1f} s", flush=True)


def verify(label: str, host: str) -> None:
    started = time.monotonic()
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["verify", "--stack", "dev", "--host", host])
    first = err.getvalue().strip().splitlines()[0] if err.getvalue().strip() else ""
    print(f"{label}: verify exit {code} in {time.monotonic() - started:.1f} s: {first}", flush=True)


def main_measure() -> None:
    pulumi.log.warn = lambda message, *a, **k: None  # type: ignore[assignment]
    pulumi.log.info = lambda message, *a, **k: None  # type: ignore[assignment]
    home = tempfile.mkdtemp()
    os.environ["HOME"] = home
    for name in [n for n in os.environ if n.startswith("DATABRICKS_")]:
        del os.environ[name]
    refused = refused_host()
    with config(host=refused, token="dapi-x"):
        sequential("refused, host in stack config")
        concurrent("refused, host in stack config")
        purge("refused, host in stack config")
    os.environ["DATABRICKS_TOKEN"] = "dapi-x"
    verify("refused", refused)
    del os.environ["DATABRICKS_TOKEN"]
    with Blackhole() as blackhole:
        with config(host=blackhole.host, token="dapi-x"):
            sequential("blackhole, host in stack config")
            concurrent("blackhole, host in stack config")
            purge("blackhole, host in stack config")
        Path(home, ".databrickscfg").write_text(f"[ci]\nhost = {blackhole.host}\ntoken = x\n")
        with config(profile="ci"):
            sequential("blackhole, host only in a profile")
        os.environ["DATABRICKS_TOKEN"] = "dapi-x"
        verify("blackhole", blackhole.host)


if __name__ == "__main__":
    main_measure()
