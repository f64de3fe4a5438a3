"""The gold schema's tables for pattern templates, read with databricks-sdk (for `plan`).

The same answer the provider gives the program (terraform-provider-databricks
`catalog/data_tables.go` `DataSourceTables`: every page of `GET /api/2.1/unity-catalog/tables`,
views left out), so `plan` and `pulumi preview` resolve a pattern to the same tables. Without
credentials or a workspace that answers, the reason comes back as `TablesUnavailable` and `plan`
reports those templates as unresolved instead of failing.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import DatabricksError

from monitors.declared.project import Project, TableLister, TablesUnavailable, build_project
from monitors.declared.project_input import ProjectInput
from monitors.declared.settings import StackSettings
from monitors.errors import CredentialsError, ListingError, WorkspaceUnreachableError
from monitors.workspace.client import Deadline, Limits, connect, describe_error
from monitors.workspace.credentials import ProviderSettings
from monitors.workspace.schema_listing import list_tables

# plan waits at most a minute for the listing (5,000 tables are 100 pages of 50).
LISTING_LIMITS = Limits(http_timeout_s=15, retry_timeout_s=20, connect_timeout_s=5, total_s=60)
VIEW = "VIEW"


def gold_tables(client: WorkspaceClient, settings: StackSettings) -> list[str]:
    """Short names of the gold schema's tables, views left out (as the provider does), sorted;
    read by `monitors.workspace.schema_listing`, so a malformed page is an error, never "no
    tables"."""
    found = list_tables(client, settings.catalog, settings.gold_schema)
    return sorted(table.name for table in found if table.name and table.table_type != VIEW)


def connected_lister(provider_settings: Callable[[], ProviderSettings]) -> TableLister:
    """A lister that connects with the stack's credentials (as `provider_settings` finds them)
    when asked, and fails by meaning: CredentialsError (none usable), WorkspaceUnreachableError,
    ListingError (the workspace answered with an error). The stack operations use it as is."""

    def list_tables(settings: StackSettings) -> list[str]:
        try:
            provider = provider_settings()
            connection = connect(provider, LISTING_LIMITS, Deadline(LISTING_LIMITS.total_s))
            return gold_tables(connection.client, settings)
        except (DatabricksError, OSError) as exc:
            raise ListingError(
                f"listing {settings.gold_schema_name} failed: {describe_error(exc)}"
            ) from None

    return list_tables


def sdk_lister(provider_settings: Callable[[], ProviderSettings]) -> TableLister:
    """A lister for `build_project` (`plan`) whose failure leaves the patterns unresolved,
    saying why (TablesUnavailable)."""
    connected = connected_lister(provider_settings)

    def list_tables(settings: StackSettings) -> Collection[str]:
        try:
            return connected(settings)
        except CredentialsError:
            raise TablesUnavailable(
                "no usable Databricks credentials (the stack's databricks:* settings, "
                "DATABRICKS_* variables or a ~/.databrickscfg profile): `verify` lists what "
                "it tried"
            ) from None
        except WorkspaceUnreachableError as exc:
            raise TablesUnavailable(f"the workspace did not answer: {exc}") from None
        except ListingError as exc:
            raise TablesUnavailable(str(exc)) from None

    return list_tables


def client_lister(client: WorkspaceClient) -> TableLister:
    """A lister on an open connection (`verify`): a listing that fails is an error of the
    command (ListingError), since the tables to check would be unknown."""

    def list_tables(settings: StackSettings) -> list[str]:
        try:
            return gold_tables(client, settings)
        except (DatabricksError, OSError, ListingError) as exc:
            why = str(exc) if isinstance(exc, ListingError) else describe_error(exc)
            raise ListingError(
                f"could not list the tables of {settings.gold_schema_name} to resolve the "
                f"pattern templates: {why}"
            ) from None

    return list_tables


def with_patterns(given: ProjectInput, project: Project, client: WorkspaceClient) -> Project:
    """`project` (built from `given`) with its pattern templates resolved on an open connection,
    so a command over every monitor includes their tables; as is when it has none."""
    if not project.declared.patterns:
        return project
    return build_project(given, client_lister(client))
