"""The baseline: the same monitors as bare `databricks.QualityMonitor` registrations, and the
same alerts as bare `databricks.AlertV2` registrations (each after its monitor).

Reads the API bodies our `plan` computed (bare_requests.json beside the stack file, written by the
benchmark's setup) and registers them with no validation, no replace rule and no imports of ours.
bench/harness.py has already made the imports it shares with our program, with the collector
settings our `__main__.py` uses.
"""

from __future__ import annotations

import json
from pathlib import Path

import pulumi
import pulumi_databricks as databricks

requests = json.loads((Path.cwd() / "bare_requests.json").read_text())
monitors = {
    table: databricks.QualityMonitor(name, **body)
    for table, (name, body) in requests["monitors"].items()
}
for name, (table, body) in requests["alerts"].items():
    databricks.AlertV2(name, **body, opts=pulumi.ResourceOptions(depends_on=[monitors[table]]))
