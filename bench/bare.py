"""The baseline: the same monitors as bare `databricks.QualityMonitor` registrations.

Reads the API bodies our `plan` computed (bare_requests.json beside the stack file, written by the
benchmark's setup) and registers them with no validation, no replace rule and no imports of ours.
"""

from __future__ import annotations

import gc
import json
import os
from pathlib import Path

# BENCH_FREEZE_GC=1: the same collector treatment as our __main__.py (paused while the provider
# loads, its objects then frozen), to show what our own work costs on top of registrations.
FREEZE = os.environ.get("BENCH_FREEZE_GC") == "1"
if FREEZE:
    gc.disable()
import pulumi_databricks as databricks  # noqa: E402

if FREEZE:
    gc.freeze()
    gc.enable()

requests = json.loads((Path.cwd() / "bare_requests.json").read_text())
for table, body in requests.items():
    databricks.QualityMonitor(table, **body)
