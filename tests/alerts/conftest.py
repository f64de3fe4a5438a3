"""Fixtures of the alerts suite; its helpers are in `tests.helpers.alerts`."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.declarations import shipped_declarations


@pytest.fixture
def declarations() -> dict[str, dict[str, Any]]:
    """The shipped declarations, alerts included, to edit."""
    return shipped_declarations()
