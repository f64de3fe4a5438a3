"""Every `databricks:*` stack setting the provider accepts, and what databricks-sdk calls it.

One table, used wherever the product talks to the workspace beside the provider (verify, the
refresh and purge hooks, adopt's creator check), so they authenticate exactly as the provider does.

Sources: the keys are pulumi-databricks 1.118's `pulumi_databricks/config/vars.py` (each property
reads `databricks:<key>`); the bridged Terraform provider builds its schema from the Go SDK's
`config.ConfigAttributes` (terraform-provider-databricks `internal/providers/pluginfw/pluginfw.go`
`providerSchemaPluginFramework` / `configureDatabricksClient`), so each key is the camelCase of a Go
SDK `name:` tag (databricks-sdk-go `config/config.go`), which databricks-sdk for Python 0.162 mostly
names alike (`databricks/sdk/config.py`, `Config` ConfigAttributes). Secret keys are those the
provider marks secret (`pulumi_databricks/provider.py` `additional_secret_outputs`, the Go tags'
`sensitive`). Pure data: no SDK import, so the stack-file checks can use it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PROVIDER_NAMESPACE = "databricks"

Kind = Literal["str", "bool", "int", "list"]


@dataclass(frozen=True)
class ProviderSetting:
    """One `databricks:<key>` setting: its databricks-sdk attribute (None when the Python SDK has
    none, `unused` says why), the value's kind, and whether the provider treats it as a secret."""

    key: str
    sdk_attr: str | None
    kind: Kind = "str"
    secret: bool = False
    unused: str = ""

    @property
    def config_key(self) -> str:
        """The fully qualified stack-config key, e.g. `databricks:token`."""
        return f"{PROVIDER_NAMESPACE}:{self.key}"


_ENV_ONLY = "databricks-sdk for Python reads it only from the environment variable {}"

PROVIDER_SETTINGS: tuple[ProviderSetting, ...] = (
    ProviderSetting("accountId", "account_id"),
    ProviderSetting(
        "actionsIdTokenRequestToken",
        None,
        unused=_ENV_ONLY.format("ACTIONS_ID_TOKEN_REQUEST_TOKEN"),
    ),
    ProviderSetting(
        "actionsIdTokenRequestUrl", None, unused=_ENV_ONLY.format("ACTIONS_ID_TOKEN_REQUEST_URL")
    ),
    ProviderSetting("audience", "token_audience"),  # Go `audience` is Python `token_audience`
    ProviderSetting("authType", "auth_type"),
    ProviderSetting("azureClientId", "azure_client_id"),
    ProviderSetting("azureClientSecret", "azure_client_secret", secret=True),
    ProviderSetting("azureEnvironment", "azure_environment"),
    ProviderSetting(
        "azureLoginAppId",
        None,
        unused="databricks-sdk for Python derives the login app id from the Azure environment",
    ),
    ProviderSetting("azureTenantId", "azure_tenant_id"),
    ProviderSetting("azureUseMsi", "azure_use_msi", "bool"),
    ProviderSetting("azureWorkspaceResourceId", "azure_workspace_resource_id"),
    ProviderSetting("clientId", "client_id"),
    ProviderSetting("clientSecret", "client_secret", secret=True),
    ProviderSetting("cloud", "cloud"),
    ProviderSetting("clusterId", "cluster_id"),
    ProviderSetting("configFile", "config_file"),
    ProviderSetting("databricksCliPath", "databricks_cli_path"),
    # Go `databricks_id_token_filepath` is Python `oidc_token_filepath`
    ProviderSetting("databricksIdTokenFilepath", "oidc_token_filepath"),
    ProviderSetting("debugHeaders", "debug_headers", "bool"),
    ProviderSetting("debugTruncateBytes", "debug_truncate_bytes", "int"),
    ProviderSetting("disableOauthRefreshToken", "disable_oauth_refresh_token", "bool"),
    ProviderSetting("discoveryUrl", "discovery_url"),
    ProviderSetting("googleCredentials", "google_credentials", secret=True),
    ProviderSetting("googleServiceAccount", "google_service_account"),
    ProviderSetting("groupId", "group_id"),
    ProviderSetting("host", "host"),
    ProviderSetting("httpTimeoutSeconds", "http_timeout_seconds", "int"),
    ProviderSetting("metadataServiceUrl", "metadata_service_url", secret=True),
    ProviderSetting(
        "oauthCallbackPort",
        None,
        "int",
        unused="databricks-sdk for Python has no such setting (only browser logins use it)",
    ),
    ProviderSetting("oidcTokenEnv", "oidc_token_env"),
    ProviderSetting("password", "password", secret=True),
    ProviderSetting("profile", "profile"),
    ProviderSetting("rateLimit", "rate_limit", "int"),
    ProviderSetting("retryTimeoutSeconds", "retry_timeout_seconds", "int"),
    ProviderSetting("scopes", "scopes", "list"),
    ProviderSetting("serverlessComputeId", "serverless_compute_id"),
    ProviderSetting("skipVerify", "skip_verify", "bool"),
    ProviderSetting("token", "token", secret=True),
    ProviderSetting("username", "username"),
    ProviderSetting("warehouseId", "warehouse_id"),
    ProviderSetting("workspaceId", "workspace_id"),
)

BY_KEY: dict[str, ProviderSetting] = {s.key: s for s in PROVIDER_SETTINGS}
# `databricks:<key>` of every setting the provider marks secret: never in plain text, never shown.
SECRET_CONFIG_KEYS: frozenset[str] = frozenset(s.config_key for s in PROVIDER_SETTINGS if s.secret)


def provider_setting(config_key: str) -> ProviderSetting | None:
    """The setting a fully qualified key such as `databricks:token` names, or None."""
    namespace, _, key = config_key.partition(":")
    return BY_KEY.get(key) if namespace == PROVIDER_NAMESPACE else None
