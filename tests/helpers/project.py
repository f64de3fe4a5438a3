"""A stack's input built from texts in memory, for tests that judge a project without files."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from monitors.declared.loader import DeclarationFiles
from monitors.declared.project_input import ProjectInput


def project_input(
    stack: str,
    config: Mapping[str, Any] | str,
    declarations: Mapping[str, str] | DeclarationFiles,
) -> ProjectInput:
    """`stack` with `config` (a mapping as the engine gives it, or a stack file's text) and
    declaration texts keyed by file path (or what a reader found)."""
    files = (
        declarations
        if isinstance(declarations, DeclarationFiles)
        else DeclarationFiles(dict(declarations))
    )
    return ProjectInput(stack, config, files)
