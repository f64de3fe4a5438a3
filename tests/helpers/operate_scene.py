"""The scene of the `refresh` and `cost` tests: a fake workspace holding the dev stack's
monitors, on either monitor API, and a project copy whose stack file names it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from monitors.declared.project import build_project
from monitors.declared.project_input import read_project_input
from monitors.naming import API_DATA_QUALITY, API_LEGACY
from monitors.workspace.client import Limits
from tests.fakes.workspace import FakeWorkspace

APIS = (API_LEGACY, API_DATA_QUALITY)
# Short budgets so that throttling to the end of the retry budget costs seconds, not minutes.
TEST_LIMITS = Limits(http_timeout_s=5, retry_timeout_s=2, connect_timeout_s=2, total_s=30)


@dataclass
class Scene:
    """A fake workspace holding the dev stack's monitors, and a project pointing at it."""

    fake: FakeWorkspace
    root: Path
    api: str
    tables: tuple[str, ...]

    def full_name(self, table: str) -> str:
        return build_project(read_project_input("dev", self.root)).settings.full_table_name(table)

    def refreshes_path(self, table: str) -> str:
        """The path a queue of `table`'s refresh takes on this scene's API."""
        name = self.full_name(table)
        if self.api == API_LEGACY:
            return f"/api/2.1/unity-catalog/tables/{name}/monitor/refreshes"
        return f"/api/data-quality/v1/monitors/table/{self.fake.tables[name]['table_id']}/refreshes"

    def set_config(self, **settings: object) -> None:
        path = self.root / "Pulumi.dev.yaml"
        document = yaml.safe_load(path.read_text())
        document["config"].update({f"lakehouse-monitors:{k}": v for k, v in settings.items()})
        path.write_text(yaml.safe_dump(document, sort_keys=False))
