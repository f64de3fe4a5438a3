"""Fixtures of the program suite; its helpers are in `tests.helpers.program`."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.declarations import shipped_declarations
from tests.helpers.program import Transition, deployed


@pytest.fixture
def declarations() -> dict[str, dict[str, Any]]:
    return shipped_declarations()


@pytest.fixture
def transition():
    """transition(before, after, stack=..., config_before=..., config_after=...) -> Transition."""

    def run(
        before: dict,
        after: dict,
        *,
        stack: str = "dev",
        config_before: dict | None = None,
        config_after: dict | None = None,
    ) -> Transition:
        settled = deployed(before, stack=stack, config=config_before)
        result = settled.up(after, config_after or settled.config)
        return Transition(settled, result)

    return run
