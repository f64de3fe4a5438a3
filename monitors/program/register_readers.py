"""Register the readers' grants and dashboard access (`monitors.desired.readers` words them,
`monitors.desired.deployment` decides their `protect` and what the preview says of them).

Registered in the same `apply` as the monitors, on the last deployment's outputs (the dashboard
ids come from there), so the preview lists every one of them. Production protection covers
them as it covers the monitors and alerts: in a protected stack revoking a reader takes the same
explicit path as retiring a monitor (`pulumi state unprotect`); the only exception is a
dashboard access moving to a replaced monitor's new dashboard, which is not a loss.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_databricks as databricks

from monitors.desired.deployment import Deployment


def register_readers(deployment: Deployment) -> dict[str, Any]:
    """Register every grant and dashboard access with the `protect` decided for it; return the
    `readers` stack output (exported only by a stack with readers: a stack without them keeps
    exactly its outputs)."""
    for grant in deployment.grants:
        databricks.Grant(
            grant.resource.name,
            **grant.resource.inputs,
            opts=pulumi.ResourceOptions(protect=grant.protect),
        )
    for access in deployment.dashboards:
        databricks.Permissions(
            access.resource.name,
            **access.resource.inputs,
            opts=pulumi.ResourceOptions(protect=access.protect),
        )
    return deployment.readers.record()
