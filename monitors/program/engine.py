"""What the program needs from the Pulumi engine, checked where it matters.

The program marks every monitor with `replacement_trigger` (how a structural change or a reset
token becomes a delete-then-create). Engines honour the option from CLI 3.208.0, but the Python
SDK only learns that they do from the resource monitor's `GetDeploymentInfo` RPC, which engines
have served since 3.231.0 (pulumi/pulumi CHANGELOG 3.231.0; pkg/resource/deploy/source_eval.go
`resmon.GetDeploymentInfo`). Against an older engine the SDK falls back to probing the legacy
feature names (pulumi/runtime/settings.py `_load_monitor_feature_support`,
`_LEGACY_FEATURE_MAPPING`), a frozen table without `replacementTrigger`, so the feature reads
as unsupported on 3.208-3.230 too. 3.231.0 is therefore the true floor: `Pulumi.yaml`'s
`requiredPulumiVersion` and the stack operations' CLI check (`monitors.stackops.pulumi_cli`)
both read it from here.
"""

from __future__ import annotations

from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.settings import monitor_supports_feature

from monitors.errors import MonitorsError

MIN_CLI_VERSION = "3.231.0"
# The first engine that honours `replacement_trigger` at all (pulumi/pulumi CHANGELOG 3.208.0).
TRIGGER_ENGINE_VERSION = "3.208.0"


def require_engine_support() -> None:
    """Stop before any resource is registered unless the engine reports `replacement_trigger`.

    Without it a structural change or a reset would be sent as an update (or, on engines
    before 3.208, ignored silently), so the program refuses to guess.
    """
    if not monitor_supports_feature(resource_pb2.RESOURCE_MONITOR_FEATURE_REPLACEMENT_TRIGGER):
        raise MonitorsError(
            f"this program needs Pulumi CLI >= {MIN_CLI_VERSION}; upgrade the CLI "
            "(https://www.pulumi.com/docs/iac/download-install/). The engine did not report "
            "support for replacement_trigger, which recreates a monitor on a structural change "
            f"or a reset: engines before {TRIGGER_ENGINE_VERSION} ignore the option, and "
            f"engines before {MIN_CLI_VERSION} lack GetDeploymentInfo, the only way the Python "
            "SDK learns that the engine supports it. Nothing was registered."
        )
