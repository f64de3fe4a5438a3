"""Every link in README, CONTRIBUTING and docs/ leads somewhere in this repository."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from monitors.naming import PROJECT_ROOT
from tests.docs.markdown import anchors, links, pages

PAGES = pages()


def _id(path: Path) -> str:
    return str(path.relative_to(PROJECT_ROOT))


@pytest.mark.parametrize("page", PAGES, ids=_id)
def test_no_link_points_outside_the_repository(page):
    outside = [t for t in links(page) if urlsplit(t).scheme or t.startswith("//")]
    assert outside == [], f"{_id(page)} links outside the repository: {outside}"


@pytest.mark.parametrize("page", PAGES, ids=_id)
def test_every_relative_link_resolves_to_a_file_and_anchor(page):
    broken = []
    for target in links(page):
        parts = urlsplit(target)
        if parts.scheme:
            continue
        file = (page.parent / unquote(parts.path)).resolve() if parts.path else page
        inside = PROJECT_ROOT.resolve() in (file, *file.parents)
        if not inside or not file.exists():
            broken.append(f"{target} (no such file)")
        elif parts.fragment and (file.suffix != ".md" or parts.fragment not in anchors(file)):
            broken.append(f"{target} (no such heading)")
    assert broken == [], f"{_id(page)}: {broken}"


def test_readme_holds_no_web_address():
    """GitHub turns a bare address into a link; a placeholder such as `https://<workspace>` is
    not an address."""
    found = re.findall(r"https?://(?!<)\S+", (PROJECT_ROOT / "README.md").read_text())
    assert found == []
