"""Production protection: a protected stack's monitor is protected unless this run resets it.

Its alerts follow it: registered with the same `protect`, so deleting an alert in a protected
stack takes the same explicit path as deleting a monitor (`pulumi state unprotect`), and a
reset lifts protection for the reset monitor's alerts in the same run (they are never replaced
by it; only a changed folder, which comes with replaced monitors, replaces an alert).

The one owner of that decision and of the sentences that explain it, so the program's preview
warnings, the change report and the stack operations say the same thing.
"""

from __future__ import annotations

from monitors.naming import (
    API_LEGACY,
    CONFIG_NAMESPACE,
    alert_unprotect_command,
    anomaly_urn,
    dashboard_permissions_urn,
    reader_grant_urn,
    reset_command,
    reset_token_key,
    short_stack,
    unprotect_command,
)


def is_protected(stack_protects: bool, reset_applied_now: bool) -> bool:
    """`protect` for one monitor: on in a protected stack, except in the run that applies its reset.

    The engine refuses a replace only when both the recorded and the newly registered `protect`
    are on (pulumi `step_generator.go`, `continueStepsFromDiff`: `new.Protect && old.Protect`),
    so lifting it in exactly that run lets the asked-for replace through and nothing else; the
    next run turns it back on. The same rule lets `pulumi state unprotect` followed by
    `pulumi up --replace` through while the program keeps registering `protect`. A delete checks
    only the recorded flag (`DeleteStep.Apply`).
    """
    return stack_protects and not reset_applied_now


def replace_needs_reset(stack: str, table: str) -> str:
    """Why a replace in a protected stack fails, and how to ask for it on purpose."""
    return (
        f"Stack '{stack}' protects its monitors, so `pulumi preview` fails with Pulumi's protect "
        f"error. If the replace is intended, request it with `{reset_command(stack, table)}` (or "
        f"`pulumi config set --path '{CONFIG_NAMESPACE}:{reset_token_key(table)}' <new token>`); "
        "otherwise undo the change."
    )


def held_replace_needs_reset(stack: str, table: str) -> str:
    """What a replace held back one run needs in a protected stack."""
    return (
        f"Stack '{stack}' protects its monitors, so that replace also needs a reset token the "
        f"record has not seen (one set now counts: this run does not apply it), e.g. "
        f"`{reset_command(stack, table)}`; otherwise the next preview fails with Pulumi's "
        "protect error."
    )


def delete_needs_unprotect(stack: str, table: str, api: str = API_LEGACY) -> str:
    """How to retire a monitor (deployed through the `api` backend) on purpose in a protected
    stack."""
    return (
        f"Stack '{stack}' protects it: to retire it on purpose, run "
        f"`{unprotect_command(stack, table, api)}` first."
    )


RESET_LIFTS_PROTECTION = (
    "reset requested: protection is lifted for this table in the run that applies it"
)


def alert_delete_needs_unprotect(stack: str, table: str, alert: str) -> str:
    """How to delete an alert on purpose in a protected stack: the same path as a monitor."""
    return (
        f"Stack '{stack}' protects its alerts like its monitors: to delete it on purpose, run "
        f"`{alert_unprotect_command(stack, table, alert)}` first."
    )


def anomaly_unprotect_command(stack: str) -> str:
    """The command that unprotects the stack's schema anomaly detection monitor."""
    name = short_stack(stack)
    return f"pulumi state unprotect --stack {name} '{anomaly_urn(name)}'"


def anomaly_needs_unprotect(stack: str) -> str:
    """How to replace or delete the schema anomaly detection monitor on purpose in a protected
    stack (no reset applies to it: it is never reset)."""
    return (
        f"Stack '{short_stack(stack)}' protects it: run `{anomaly_unprotect_command(stack)}` first."
    )


def reader_delete_needs_unprotect(stack: str, urn: str) -> str:
    """How to revoke a reader's grant or dashboard access on purpose in a protected stack: the
    same path as retiring a monitor (the readers' resources carry the stack's `protect`)."""
    name = short_stack(stack)
    return f"Stack '{name}' protects it: run `pulumi state unprotect --stack {name} '{urn}'` first."


def reader_grant_unprotect_urn(stack: str, grant_name: str) -> str:
    """The URN of a reader's grant from its resource name (`reader-schema:<principal>`)."""
    securable, _, principal = grant_name.removeprefix("reader-").partition(":")
    return reader_grant_urn(stack, securable, principal)


def dashboard_unprotect_urn(stack: str, table: str) -> str:
    """The URN of the readers' access to one monitor's dashboard."""
    return dashboard_permissions_urn(stack, table)
