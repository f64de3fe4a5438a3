"""The generated reference pages (docs/reference) say what the code says, and say all of it."""

from __future__ import annotations

import pytest

from monitors.cli import reference_docs
from monitors.declared.models import MonitorSpec
from monitors.declared.settings import StackSettings


def test_the_reference_pages_are_up_to_date():
    stale = reference_docs.stale_pages()
    assert stale == [], f"stale: {stale}; run .venv/bin/python -m monitors.cli.reference_docs"


def test_a_page_that_differs_from_the_code_is_named_stale(tmp_path):
    reference_docs.write_pages(tmp_path)
    page = tmp_path / "declarations.md"
    page.write_text(page.read_text().replace("custom_metrics", "metrics", 1))
    assert reference_docs.stale_pages(tmp_path) == ["declarations.md"]


@pytest.mark.parametrize("root", [MonitorSpec, StackSettings], ids=lambda m: m.__name__)
def test_every_declaration_field_and_stack_setting_is_described(root):
    """A field without a docstring would be a hole in the reference page."""
    missing = [
        f"{model.__name__}.{key}"
        for model in reference_docs.models_from(root)
        for key, field in reference_docs.visible_fields(model)
        if not field.description
    ]
    assert missing == []
