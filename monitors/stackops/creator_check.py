"""Adopt's creator check: warn before the first `pulumi up` when the API shows another creator.

Runs with the credentials the provider will use for that `pulumi up` (the stack's decrypted
`databricks:*` settings, then the SDK's environment and profiles), reads only (SCIM `Me`, the
monitors' GET), and never fails adopt: any problem becomes one line saying the check was skipped.
"""

from __future__ import annotations

from collections.abc import Sequence

from pulumi.automation import Stack

from monitors.declared.project import Project
from monitors.errors import CredentialsError
from monitors.stackops.common import Env
from monitors.stackops.provider_settings import stack_provider_settings
from monitors.workspace.client import VERIFY_LIMITS, Deadline, connect, describe_error
from monitors.workspace.creator import creator_findings, creator_rule_lines

CHECK_BUDGET_S = 30.0


def creator_check_lines(
    stack_name: str, project: Project, tables: Sequence[str], env: Env, stack: Stack
) -> list[str]:
    """Lines for adopt's output about the creator rule (see monitors.workspace.creator)."""
    try:
        settings = stack_provider_settings(
            stack_name, env.project_root, env.pulumi_root, opened=stack
        )
        connection = connect(settings, VERIFY_LIMITS, Deadline(CHECK_BUDGET_S))
        me, findings = creator_findings(
            connection.client, {t: project.settings.full_table_name(t) for t in tables}
        )
    except Exception as exc:  # a check that cannot run must not stop adopt
        reason = (
            "no usable Databricks credentials"
            if isinstance(exc, CredentialsError)
            else describe_error(exc)
        )
        return [
            f"Could not check who created the monitors ({reason}). "
            "The legacy API lets only a monitor's creator update it: run the first `pulumi up` "
            "as the identity that created them (see docs/how-to/adopt.md, 'The creator rule')."
        ]
    return creator_rule_lines(me, findings)
