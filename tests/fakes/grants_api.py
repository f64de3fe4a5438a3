"""The fake workspace's Unity Catalog grants endpoints, as the provider's `databricks_grant` calls
them.

A mixin of `tests.fakes.workspace.FakeWorkspace` (its lock, schemas and error bodies). Upstream:
terraform-provider-databricks v1.128.0 catalog/resource_grant.go (`replacePermissionsForPrincipal`:
GET the securable's assignments, PATCH the diff for one principal, then GET again until it reads
back as configured) over catalog/permissions/permissions.go (`GetPermissions`,
`UpdatePermissions`), which call databricks-sdk-go v0.175.0 service/catalog/impl.go
`grantsImpl.Get` (`GET /api/2.1/unity-catalog/permissions/{securable_type}/{full_name}`, answer
`GetPermissionsResponse {privilege_assignments: [{principal, privileges}]}`) and
`grantsImpl.Update` (`PATCH` the same path, body `UpdatePermissions {changes: [{principal, add,
remove}]}`, answer `UpdatePermissionsResponse {privilege_assignments}`).

What the service does with a change list, as the API reference describes `update`: each change
adds and removes privileges of one principal on that securable only; a principal left with none
is no longer listed; other principals are untouched. Securables the fake knows are the catalogs
and schemas of its schemas (`add_schema`); anything else is the service's 404. Assignments are
listed in principal order and privileges sorted (the order is not documented; the provider
compares sets).
"""

from __future__ import annotations

from typing import Any

GRANTS_ROUTES: tuple[tuple[str, str, str], ...] = (
    (
        "GET",
        r"/api/2\.1/unity-catalog/permissions/(?P<securable>[a-z_]+)/(?P<full_name>[^/]+)",
        "_get_grants",
    ),
    (
        "PATCH",
        r"/api/2\.1/unity-catalog/permissions/(?P<securable>[a-z_]+)/(?P<full_name>[^/]+)",
        "_update_grants",
    ),
)


class UnityCatalogGrants:
    """Privilege assignments per (securable type, full name): principal -> privileges."""

    schemas: dict[str, dict[str, Any]]
    grants: dict[tuple[str, str], dict[str, set[str]]]

    def _api_error(self, status: int, message: str, error_code: str | None = None) -> Exception:
        raise NotImplementedError

    def grants_on(self, securable: str, full_name: str) -> dict[str, list[str]]:
        """What a test reads: each principal's privileges on one securable, sorted."""
        held = self.grants.get((securable, full_name), {})
        return {p: sorted(privileges) for p, privileges in sorted(held.items()) if privileges}

    def _securable(self, securable: str, full_name: str) -> dict[str, set[str]]:
        known = {
            "schema": set(self.schemas),
            "catalog": {name.split(".", 1)[0] for name in self.schemas},
        }
        if full_name not in known.get(securable, set()):
            raise self._api_error(
                404, f"{securable.capitalize()} '{full_name}' does not exist.", "NOT_FOUND"
            )
        return self.grants.setdefault((securable, full_name), {})

    def _assignments(self, securable: str, full_name: str) -> dict[str, Any]:
        listed = [
            {"principal": p, "privileges": privileges}
            for p, privileges in self.grants_on(securable, full_name).items()
        ]
        return {"privilege_assignments": listed} if listed else {}

    def _get_grants(self, body: dict[str, Any], securable: str, full_name: str) -> dict[str, Any]:
        self._securable(securable, full_name)
        return self._assignments(securable, full_name)

    def _update_grants(
        self, body: dict[str, Any], securable: str, full_name: str
    ) -> dict[str, Any]:
        held = self._securable(securable, full_name)
        for change in body.get("changes", []):
            principal = change.get("principal")
            if not principal:
                raise self._api_error(400, "'principal' is required in every change.")
            privileges = held.setdefault(principal, set())
            privileges.update(change.get("add", []))
            privileges.difference_update(change.get("remove", []))
            if not privileges:
                del held[principal]
        return self._assignments(securable, full_name)
