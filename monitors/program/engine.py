"""What the program needs from the Pulumi engine, checked where it matters.

The program marks every monitor with `replacement_trigger` (how a structural change or a reset
token becomes a delete-then-create); the engine honours it from CLI 3.208.0 and older engines
ignore it silently. `Pulumi.yaml`'s `requiredPulumiVersion` says the same for plain `pulumi up`.
"""

from __future__ import annotations

from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.settings import monitor_supports_feature

from monitors.errors import MonitorsError

MIN_CLI_VERSION = "3.208.0"


def require_engine_support() -> None:
    """Fail early on a CLI too old to honour `replacement_trigger` (it would ignore it silently)."""
    if not monitor_supports_feature(resource_pb2.RESOURCE_MONITOR_FEATURE_REPLACEMENT_TRIGGER):
        raise MonitorsError(
            f"this program needs Pulumi CLI >= {MIN_CLI_VERSION}: older engines ignore "
            "replacement_trigger, so structural changes would never recreate a monitor"
        )
