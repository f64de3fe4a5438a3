"""Every test here starts and ends with nothing remembered by the scrubber."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from monitors import scrubber


@pytest.fixture(autouse=True)
def nothing_remembered() -> Iterator[None]:
    scrubber.forget_all()
    yield
    scrubber.forget_all()
