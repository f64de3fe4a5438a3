"""The baseline: the same monitors as bare `databricks.QualityMonitor` registrations.

Reads the API bodies our `plan` computed (bare_requests.json beside the stack file, written by the
benchmark's setup) and registers them with no validation, no replace rule and no imports of ours.
"""

from __future__ import annotations

import json
from pathlib import Path

import pulumi_databricks as databricks

requests = json.loads((Path.cwd() / "bare_requests.json").read_text())
for table, body in requests.items():
    databricks.QualityMonitor(table, **body)
