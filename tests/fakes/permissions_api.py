"""The fake workspace's object permissions endpoints for AI/BI dashboards, as the provider's
`databricks_permissions` (with `dashboard_id`) calls them.

A mixin of `tests.fakes.workspace.FakeWorkspace` (its lock, dashboards and error bodies).
Upstream: terraform-provider-databricks v1.128.0 permissions/resource_permissions.go
(`Create`/`Update`: SCIM Me, then `safePutWithOwner` = one `Permissions.Set`; `Read`: SCIM Me and
`Permissions.Get`, then `prepareResponse`, which needs `object_type` "dashboard" for the
`dashboard_id` mapping and keeps only direct (not inherited) permissions; `Delete`: `Get`, then a
`Set` keeping only the `admins` group's direct entries, permissions/permission_definitions.go
`prepareForDelete`), over databricks-sdk-go v0.175.0 service/iam/impl.go `permissionsImpl.Get`
(`GET /api/2.0/permissions/{request_object_type}/{request_object_id}`) and `Set` (`PUT` the
same path, body `{access_control_list: [{user_name|group_name|service_principal_name,
permission_level}]}`), both answering `ObjectPermissions {object_id, object_type,
access_control_list: [{user_name|group_name|service_principal_name, all_permissions:
[{permission_level, inherited, inherited_from_object}]}]}`.

What `Set` does, as the API reference says: "Sets permissions on an object, replacing existing
permissions if they exist. Deletes all direct permissions if none are specified. Objects can
inherit permissions from their parent objects or root object." So a PUT replaces the direct
entries; the `admins` group's CAN_MANAGE, inherited from the workspace root, always stays.
`object_id` is answered as `/dashboards/{id}` (the form the provider's read customizer for
`dashboard_id` expects and rewrites). An unknown or trashed dashboard is the service's 404.
"""

from __future__ import annotations

from typing import Any

PRINCIPAL_FIELDS = ("user_name", "group_name", "service_principal_name")
DASHBOARD_LEVELS = frozenset({"CAN_READ", "CAN_RUN", "CAN_EDIT", "CAN_MANAGE"})
PERMISSIONS_ROUTES: tuple[tuple[str, str, str], ...] = (
    ("GET", r"/api/2\.0/permissions/dashboards/(?P<dashboard_id>[^/]+)", "_get_permissions"),
    ("PUT", r"/api/2\.0/permissions/dashboards/(?P<dashboard_id>[^/]+)", "_set_permissions"),
)
_INHERITED_ADMINS = {
    "group_name": "admins",
    "all_permissions": [
        {"permission_level": "CAN_MANAGE", "inherited": True, "inherited_from_object": ["/"]}
    ],
}


class DashboardPermissions:
    """Direct ACL entries per dashboard id: (principal field, principal) -> level."""

    dashboards: dict[str, dict[str, Any]]
    dashboard_acls: dict[str, dict[tuple[str, str], str]]

    def _api_error(self, status: int, message: str, error_code: str | None = None) -> Exception:
        raise NotImplementedError

    def dashboard_acl(self, dashboard_id: str) -> dict[str, str]:
        """What a test reads: each principal's direct level on one dashboard."""
        return {
            name: level for (_, name), level in self.dashboard_acls.get(dashboard_id, {}).items()
        }

    def _dashboard(self, dashboard_id: str) -> dict[tuple[str, str], str]:
        dashboard = self.dashboards.get(dashboard_id)
        if dashboard is None or dashboard.get("lifecycle_state") == "TRASHED":
            raise self._api_error(
                404, f"dashboards {dashboard_id} does not exist.", "RESOURCE_DOES_NOT_EXIST"
            )
        return self.dashboard_acls.setdefault(dashboard_id, {})

    def _object_permissions(self, dashboard_id: str) -> dict[str, Any]:
        entries = [
            {field: name, "all_permissions": [{"permission_level": level, "inherited": False}]}
            for (field, name), level in self.dashboard_acls.get(dashboard_id, {}).items()
        ]
        return {
            "object_id": f"/dashboards/{dashboard_id}",
            "object_type": "dashboard",
            "access_control_list": [*entries, dict(_INHERITED_ADMINS)],
        }

    def _get_permissions(self, body: dict[str, Any], dashboard_id: str) -> dict[str, Any]:
        self._dashboard(dashboard_id)
        return self._object_permissions(dashboard_id)

    def _set_permissions(self, body: dict[str, Any], dashboard_id: str) -> dict[str, Any]:
        self._dashboard(dashboard_id)
        acl: dict[tuple[str, str], str] = {}
        for entry in body.get("access_control_list", []):
            named = [f for f in PRINCIPAL_FIELDS if entry.get(f)]
            level = entry.get("permission_level")
            if len(named) != 1:
                raise self._api_error(400, "Exactly one principal is required per entry.")
            if level not in DASHBOARD_LEVELS:
                raise self._api_error(400, f"Permission level {level} is not valid for dashboards.")
            acl[(named[0], entry[named[0]])] = level
        self.dashboard_acls[dashboard_id] = acl
        return self._object_permissions(dashboard_id)
