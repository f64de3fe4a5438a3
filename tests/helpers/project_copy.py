"""A copy of the project a test may edit: its stack files and its declarations."""

from __future__ import annotations

import shutil
from pathlib import Path

from monitors.naming import PROJECT_ROOT


def copy_project(root: Path) -> Path:
    """The project's `Pulumi*.yaml` and `monitors/declarations` copied into `root` (made here)."""
    (root / "monitors").mkdir(parents=True)
    for path in PROJECT_ROOT.glob("Pulumi*.yaml"):
        shutil.copyfile(path, root / path.name)
    shutil.copytree(PROJECT_ROOT / "monitors" / "declarations", root / "monitors" / "declarations")
    return root
