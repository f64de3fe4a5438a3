"""Every message the program sends the engine (and every error it stops with), scrubbed once.

The engine prints the program's diagnostics in the `pulumi preview`/`up` output and records them
in the update's events; a hook's warning can carry a Databricks error text. So no module of the
program calls `pulumi.log` or raises `pulumi.RunError` itself (tests/scrubber keeps it so): each
goes through here and `monitors.scrubber.redact`. The engine's config secrets are remembered
before the first message (`remember_config_secrets`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
from pulumi.runtime.config import get_config_secret_keys_env

from monitors import scrubber
from monitors.desired.deployment import WARN, Message


def info(message: str) -> None:
    """An informational diagnostic, scrubbed."""
    pulumi.log.info(scrubber.redact(message))


def warn(message: str) -> None:
    """A warning diagnostic, scrubbed."""
    pulumi.log.warn(scrubber.redact(message))


def run_error(message: str) -> pulumi.RunError:
    """The error that stops the program without a traceback (the language host prints it),
    scrubbed."""
    return pulumi.RunError(scrubber.redact(message))


def remember_config_secrets(config: Mapping[str, Any]) -> None:
    """Remember the value of every config key the engine marks secret (decrypted for the
    program: `PULUMI_CONFIG_SECRET_KEYS`), and the password of a `databricks:host` URL."""
    secret_keys = set(get_config_secret_keys_env())
    scrubber.remember(*(str(v) for k, v in config.items() if k in secret_keys and v is not None))
    scrubber.remember_url(config.get("databricks:host"))


def say(message: Message) -> None:
    """A sentence the run decided to say (`monitors.desired.deployment`), at its level."""
    (warn if message.level == WARN else info)(message.text)
