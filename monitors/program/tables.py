"""The gold schema's tables as the provider lists them, for pattern templates.

`databricks.get_tables` (terraform-provider-databricks `catalog/data_tables.go`,
`DataSourceTables`: `w.Tables.ListAll` over every page of the schema, full names of everything
but views) answers the full names; a pattern matches the short names. Asked only when a template
has a pattern, so a stack without one makes no call it did not make before. A listing that fails
stops the run before anything is registered: deploying with patterns unresolved would read as
every pattern table's monitor being deleted.
"""

from __future__ import annotations

import pulumi_databricks as databricks

from monitors.declared.settings import StackSettings
from monitors.errors import ListingError

GET_TABLES = "databricks:index/getTables:getTables"


def list_gold_tables(settings: StackSettings) -> list[str]:
    """Short names of the tables (views left out by the provider) in the stack's gold schema."""
    prefix = f"{settings.gold_schema_name}."
    try:
        result = databricks.get_tables(
            catalog_name=settings.catalog, schema_name=settings.gold_schema
        )
    except Exception as exc:  # the invoke's failure: the provider's or the engine's words
        reason = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
        raise ListingError(
            f"could not list the tables of {settings.gold_schema_name} to resolve the pattern "
            f"templates (`databricks.get_tables`): {reason}"
        ) from None
    return sorted(name[len(prefix) :] for name in (result.ids or []) if name.startswith(prefix))
