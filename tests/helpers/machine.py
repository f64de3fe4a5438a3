"""Keeping the developer's machine out of a test: credentials in the environment, the home
directory's profile files, and a real `pulumi` on PATH."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Variables that would hand a command credentials (Databricks, Azure, GCP) or a stack passphrase.
CREDENTIALS = ("DATABRICKS_", "ARM_", "PULUMI_CONFIG_PASSPHRASE", "GOOGLE_CREDENTIALS")


def isolate_from_the_machine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No credential variables, an empty HOME (`tmp_path/home`: no ~/.databrickscfg) and no
    real `pulumi` on PATH."""
    for name in list(os.environ):
        if name.startswith(CREDENTIALS):
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    path = [d for d in os.environ["PATH"].split(os.pathsep) if not Path(d, "pulumi").exists()]
    monkeypatch.setenv("PATH", os.pathsep.join(path))
