"""The CLI floor is 3.231.0: the path an older engine takes through the SDK ends in our message.

The program starts as the Python language host starts it, `pulumi.runtime.stack.run_in_stack`,
which first loads the engine's features (`pulumi/runtime/settings.py`
`_load_monitor_feature_support`): `GetDeploymentInfo` where the engine serves it (3.231.0 and
later), else probes of the frozen legacy names in `_LEGACY_FEATURE_MAPPING`, which has no entry
for `replacementTrigger`. The mock monitors below answer those two RPCs as the engines do.
"""

from __future__ import annotations

import json
import logging
import runpy
from pathlib import Path
from typing import Any

import grpc
import pulumi
import pytest
import yaml
from pulumi.runtime import mocks, settings
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.stack import run_in_stack
from pulumi.runtime.sync_await import _sync_await

from monitors.declared.settings import read_stack_config
from monitors.naming import PROJECT_NAME
from monitors.program import engine
from monitors.stackops.pulumi_cli import MIN_CLI_VERSION

ROOT = Path(__file__).resolve().parents[2]

# pulumi/pulumi pkg/resource/deploy/source_eval.go `resmon.supportsFeatureID`: the legacy ids an
# engine of 3.208-3.230 answers true (`sendsOptionsToHooks` arrived with 3.231.0).
LEGACY_IDS_BEFORE_3_231 = frozenset(
    {
        "secrets",
        "resourceReferences",
        "outputValues",
        "aliasSpecs",
        "replacementTrigger",
        "deletedWith",
        "replaceWith",
        "transforms",
        "invokeTransforms",
        "parameterization",
        "resourceHooks",
        "errorHooks",
    }
)


class _Unimplemented(grpc.RpcError):
    """What a gRPC client raises for an RPC the server does not have."""

    def code(self) -> grpc.StatusCode:
        return grpc.StatusCode.UNIMPLEMENTED

    def details(self) -> str:
        return "unknown method GetDeploymentInfo for service pulumirpc.ResourceMonitor"


class _Mocks(pulumi.runtime.Mocks):
    """Echo inputs; the stack's own last outputs are empty (a first deployment)."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        if args.typ == "pulumi:pulumi:StackReference":
            return args.name, {"name": args.name, "outputs": {}, "secretOutputNames": []}
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


class _Engine3231(mocks.MockMonitor):
    """An engine of 3.231.0 or later: `GetDeploymentInfo` lists the supported features."""

    def __init__(self, the_mocks: _Mocks) -> None:
        super().__init__(the_mocks)
        self.registered: list[str] = []
        self.probed: list[str] = []

    def RegisterResource(self, request: Any) -> Any:
        self.registered.append(request.type)
        return super().RegisterResource(request)  # type: ignore[no-untyped-call]

    def SupportsFeature(self, request: Any) -> Any:
        self.probed.append(request.id)
        return resource_pb2.SupportsFeatureResponse(
            hasSupport=request.id in LEGACY_IDS_BEFORE_3_231
        )


class _Engine3208To3230(_Engine3231):
    """An engine of 3.208-3.230: it honours `replacement_trigger` but has no `GetDeploymentInfo`
    (added in 3.231.0, pulumi/pulumi CHANGELOG), so the SDK can only probe legacy ids."""

    def GetDeploymentInfo(self, request: Any) -> Any:
        raise _Unimplemented()


def run_as_language_host(monitor: _Engine3231, stack: str = "dev") -> BaseException | None:
    """Run __main__.py through `run_in_stack` against `monitor`; return what it raised."""
    logger = logging.getLogger(f"{__name__}.{id(monitor)}")
    logger.propagate = False
    settings.ROOT.set(None)
    # set_mocks configures the runtime and reads the features itself (a test shortcut); the
    # engine's monitor is swapped in afterwards so that run_in_stack's own detection runs.
    mocks.set_mocks(monitor.mocks, project=PROJECT_NAME, stack=stack, preview=True, logger=logger)
    settings.SETTINGS.monitor = monitor
    settings.SETTINGS.monitor_features = set()
    settings.ROOT.set(None)  # run_in_stack makes the root stack, as under the engine
    config = read_stack_config(stack)
    pulumi.runtime.set_all_config(
        {k: v if isinstance(v, str) else json.dumps(v) for k, v in config.items()}
    )
    settings.SETTINGS.rpc_manager.clear()
    settings.SETTINGS.outputs.clear()
    try:
        _sync_await(run_in_stack(lambda: runpy.run_path(str(ROOT / "__main__.py"))))
    except Exception as exc:  # the program's failure, as the language host would report it
        return exc
    return None


def test_an_engine_before_3_231_is_refused_naming_3_231_before_any_monitor_is_registered():
    monitor = _Engine3208To3230(_Mocks())
    failure = run_as_language_host(monitor)
    assert failure is not None
    assert "this program needs Pulumi CLI >= 3.231.0" in str(failure)
    assert "GetDeploymentInfo" in str(failure)
    # The SDK took its fallback path: it probed the legacy ids, and never asked for the trigger.
    assert "resourceHooks" in monitor.probed
    assert "replacementTrigger" not in monitor.probed
    assert not [t for t in monitor.registered if t.endswith("QualityMonitor")]


def test_the_sdk_fallback_table_has_no_replacement_trigger_entry():
    assert "replacementTrigger" not in settings._LEGACY_FEATURE_MAPPING
    assert resource_pb2.RESOURCE_MONITOR_FEATURE_REPLACEMENT_TRIGGER not in set(
        settings._LEGACY_FEATURE_MAPPING.values()
    )


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_an_engine_from_3_231_runs_the_program_and_registers_every_monitor(stack):
    monitor = _Engine3231(_Mocks())
    assert run_as_language_host(monitor, stack) is None
    assert monitor.probed == []  # GetDeploymentInfo answered: no legacy probing
    assert len([t for t in monitor.registered if t.endswith("QualityMonitor")]) == 5


def test_pulumi_yaml_the_program_and_the_stack_operations_agree_on_the_floor():
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    assert engine.MIN_CLI_VERSION == "3.231.0"
    assert project["requiredPulumiVersion"] == f">={engine.MIN_CLI_VERSION}"
    assert str(MIN_CLI_VERSION) == engine.MIN_CLI_VERSION
