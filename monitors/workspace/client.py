"""A databricks-sdk client with the credentials the provider would use."""

from __future__ import annotations

from databricks.sdk import WorkspaceClient
from databricks.sdk.config import Config

PRODUCT = "lakehouse-monitors"
PRODUCT_VERSION = "0.1.0"


def workspace_client(
    host: str | None = None,
    token: str | None = None,
    profile: str | None = None,
    retry_timeout_seconds: int | None = None,
) -> WorkspaceClient:
    """A client with credentials resolved as the provider resolves them.

    Explicit values win; anything not given comes from the SDK's unified-auth chain
    (DATABRICKS_HOST / DATABRICKS_TOKEN / DATABRICKS_CONFIG_PROFILE, then ~/.databrickscfg),
    which is the chain the Databricks Terraform provider behind pulumi-databricks uses.
    The SDK masks the token in its own error messages; nothing here prints it.
    `retry_timeout_seconds` bounds how long throttling is retried (the SDK's default is 300 s).
    """
    config = Config(
        host=host or None,
        token=token or None,
        profile=profile or None,
        auth_type="pat" if token else None,
        product=PRODUCT,
        product_version=PRODUCT_VERSION,
        retry_timeout_seconds=retry_timeout_seconds,
    )
    return WorkspaceClient(config=config)
