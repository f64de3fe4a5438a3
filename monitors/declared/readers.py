"""`lakehouse-monitors:readers`: who may read the monitors' results, as the stack declares it.

Each principal is written under its kind, because the two resources that grant access name it
differently: a Unity Catalog grant takes one `principal` string ("User name, group name or
service principal application ID", terraform-provider-databricks docs/resources/grant.md), while
a dashboard ACL entry needs to know which one it is (`group_name`, `user_name` or
`service_principal_name`, pulumi-databricks `PermissionsAccessControlArgs`). So:

    lakehouse-monitors:readers:
      groups: [data-analysts]
      users: [ana@example.com]
      servicePrincipals: [6f1c0b8e-2a4d-4c1e-9b7a-0d3e5f7a9c21]
      useCatalog: false

The privileges are the product's, not the stack's: reading a monitor's results needs exactly
`USE_SCHEMA` and `SELECT` on the output schema (and `USE_CATALOG`, granted only with
`useCatalog: true`), so no privilege is written here and any other key is refused.
"""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from monitors.declared.models import AlertEmails
from monitors.declared.values import true_or_false

ADMINS = "admins"  # the workspace admins group
MAX_PRINCIPAL_LENGTH = 255  # our bound: a group's display name, not a document
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _group(value: str) -> str:
    """A group's display name: any text, but nothing that would be a different principal (a
    trailing space) or break the resource name it becomes (`::` separates URN parts)."""
    if not value.strip():
        raise ValueError("is blank")
    if value != value.strip():
        raise ValueError(f"{value!r} has leading or trailing whitespace")
    if _CONTROL.search(value):
        raise ValueError(f"{value!r} has a control character")
    if "::" in value:
        raise ValueError(f"{value!r} contains '::', which cannot appear in a resource name")
    if len(value) > MAX_PRINCIPAL_LENGTH:
        raise ValueError(f"is {len(value)} characters long; at most {MAX_PRINCIPAL_LENGTH}")
    if value == ADMINS:
        raise ValueError(
            "'admins' already manages every dashboard, and the provider refuses to change its "
            "dashboard permissions (terraform-provider-databricks permissions `validate`)"
        )
    return value


def _application_id(value: str) -> str:
    """A service principal is granted by its application ID, a UUID in its canonical form (the
    form the API returns, so a grant never reads back as a different principal)."""
    try:
        canonical = str(uuid.UUID(value))
    except ValueError:
        raise ValueError(
            f"{value!r} is not a service principal's application ID (a UUID such as "
            "6f1c0b8e-2a4d-4c1e-9b7a-0d3e5f7a9c21; the display name is not accepted)"
        ) from None
    if not _UUID.fullmatch(value):
        raise ValueError(f"{value!r}: write the application ID as {canonical!r}")
    return value


def _unique(values: list[str]) -> list[str]:
    seen: set[str] = set()
    for value in values:
        if value.casefold() in seen:
            raise ValueError(f"{value!r} is listed twice")
        seen.add(value.casefold())
    return values


GroupName = Annotated[str, AfterValidator(_group)]
ApplicationId = Annotated[str, AfterValidator(_application_id)]


class Readers(BaseModel):
    """The principals granted read access to the monitors' results (module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    groups: Annotated[list[GroupName], AfterValidator(_unique)] = Field(default_factory=list)
    """Workspace or account group names, exactly as written in the workspace."""
    users: AlertEmails = Field(default_factory=list)
    """Users, by the e-mail address they sign in with (a user's name in Unity Catalog)."""
    service_principals: Annotated[list[ApplicationId], AfterValidator(_unique)] = Field(
        default_factory=list, alias="servicePrincipals"
    )
    """Service principals, by application ID (a lower-case UUID), not by display name."""
    use_catalog: Annotated[bool, BeforeValidator(true_or_false)] = Field(
        default=False, alias="useCatalog"
    )
    """Also grant USE_CATALOG on the catalog (revokes that principal's other catalog-level
    privileges not managed here: see the how-to)."""

    @model_validator(mode="before")
    @classmethod
    def _no_privileges(cls, value: Any) -> Any:
        """Privileges are not the stack's to choose: say so rather than "unknown key"."""
        if isinstance(value, dict) and "privileges" in value:
            raise ValueError(
                "privileges are not set here: every reader gets USE_SCHEMA and SELECT on the "
                "output schema (and USE_CATALOG with useCatalog: true); remove `privileges`"
            )
        return value

    @model_validator(mode="after")
    def _one_kind_per_principal(self) -> Readers:
        """A name listed under two kinds would be one principal granted twice."""
        seen: dict[str, str] = {}
        for kind, names in (("groups", self.groups), ("users", self.users)):
            for name in names:
                if name.casefold() in seen:
                    first = seen[name.casefold()]
                    raise ValueError(f"{name!r} is listed under both {first} and {kind}")
                seen[name.casefold()] = kind
        if not self.principals():
            raise ValueError(
                "lists no principal: add groups, users or servicePrincipals, or remove it"
            )
        return self

    def principals(self) -> list[tuple[str, str]]:
        """Every reader as (kind, name), kind one of `group`, `user`, `service_principal`."""
        return [
            *(("group", name) for name in self.groups),
            *(("user", name) for name in self.users),
            *(("service_principal", name) for name in self.service_principals),
        ]
