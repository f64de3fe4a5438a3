"""Every table of one schema, as the workspace lists it, or a sentence saying why not.

The same request databricks-sdk 0.162 `service/catalog.py` `TablesAPI.list` sends (`GET
/api/2.1/unity-catalog/tables?catalog_name=&schema_name=&max_results=0`, "the page length is
set to a server configured value", `next_page_token` followed until absent; a page may be
empty and still carry a token), with `omit_columns` and `omit_properties` since only names and
ids are needed. Read raw and checked with pydantic rather than through the SDK's iterator,
which takes an answer that is not an object for an empty last page: a malformed answer would
read as "no tables", a count that is not true of the workspace.
"""

from __future__ import annotations

from dataclasses import dataclass

from databricks.sdk import WorkspaceClient
from pydantic import BaseModel, ConfigDict, ValidationError

from monitors.errors import ListingError
from monitors.workspace.identifiers import schema_name

TABLES_PATH = "/api/2.1/unity-catalog/tables"
# A schema of a million tables is 20,000 pages of 50; more than that is a service looping.
MAX_PAGES = 20_000


class _Table(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str
    table_id: str | None = None
    table_type: str | None = None


class _Page(BaseModel):
    model_config = ConfigDict(extra="ignore")

    tables: list[_Table] = []
    next_page_token: str | None = None


@dataclass(frozen=True)
class ListedTable:
    """A table of the schema: its short name, UUID and type (None when the listing gave none)."""

    name: str
    table_id: str | None
    table_type: str | None = None


def list_tables(client: WorkspaceClient, catalog: str, schema: str) -> list[ListedTable]:
    """The schema's tables in the order listed; ListingError when a page is malformed, errors
    from the SDK (403, 5xx, a retry that gave up) as raised."""
    checked = schema_name(f"{catalog}.{schema}")
    catalog_name, _, schema_short = checked.partition(".")
    query: dict[str, object] = {
        "catalog_name": catalog_name,
        "schema_name": schema_short,
        "max_results": 0,
        "omit_columns": True,
        "omit_properties": True,
    }
    tables: list[ListedTable] = []
    seen: set[str] = set()
    for _ in range(MAX_PAGES):
        answer = client.api_client.do(
            "GET", TABLES_PATH, query=query, headers={"Accept": "application/json"}
        )
        try:
            page = _Page.model_validate(answer)
        except ValidationError as exc:
            where = ".".join(str(p) for p in exc.errors()[0]["loc"]) or "the page"
            raise ListingError(
                f"the workspace's table listing of {checked} is malformed ({where}: "
                f"{exc.errors()[0]['msg']})"
            ) from None
        tables += [ListedTable(t.name, t.table_id, t.table_type) for t in page.tables]
        token = page.next_page_token
        if not token:
            return tables
        if token in seen:
            raise ListingError(f"the workspace's table listing of {checked} repeats a page")
        seen.add(token)
        query["page_token"] = token
    raise ListingError(
        f"the workspace's table listing of {checked} has more than {MAX_PAGES} pages"
    )
