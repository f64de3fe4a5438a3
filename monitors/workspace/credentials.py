"""The provider's `databricks:*` settings, gathered from wherever the caller found them.

The provider configures its Databricks client from every `databricks:*` stack setting (secrets
decrypted), and the SDK fills whatever is unset from the environment, then from a
`~/.databrickscfg` profile (databricks-sdk `Config.__init__`: `_set_inner_config`, then
`_load_from_env`, then `_known_file_config_loader`). Code that talks to the workspace beside the
provider does the same: it hands these settings to the SDK as explicit values and lets the SDK do
the rest. Each value remembers where it came from so the user can be told, never what it is.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from monitors import scrubber
from monitors.declared.limits import Bounds
from monitors.declared.provider_config import (
    PROVIDER_NAMESPACE,
    ProviderSetting,
    provider_setting,
)
from monitors.errors import CredentialsError

# A provider integer setting (a timeout, a rate limit, a byte count) is a Go int64 in the provider,
# and none of them means anything below 0; a float, NaN or 1e400 is refused, not turned into a
# timeout that never ends or a crash.
PROVIDER_INTEGER = Bounds(0, 2**63 - 1, whole=True)


@dataclass(frozen=True)
class SettingValue:
    """One provider setting's value, converted to what the SDK expects, and its source."""

    setting: ProviderSetting
    value: Any
    source: str


@dataclass(frozen=True)
class ProviderSettings:
    """The `databricks:*` settings found, and sentences about what could not be used."""

    values: tuple[SettingValue, ...] = ()
    notes: tuple[str, ...] = ()
    # Settings present but unreadable here (a `secure:` value without the Pulumi CLI).
    unreadable: tuple[str, ...] = ()

    def get(self, key: str) -> Any:
        """The value of setting `key` (e.g. `host`), or None."""
        found = next((v for v in self.values if v.setting.key == key), None)
        return found.value if found else None

    def sdk_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for databricks-sdk's `Config`: every setting it knows."""
        return {v.setting.sdk_attr: v.value for v in self.values if v.setting.sdk_attr}

    def source_of(self, sdk_attr: str) -> str | None:
        """Where the value given to the SDK as `sdk_attr` came from."""
        found = next((v for v in self.values if v.setting.sdk_attr == sdk_attr), None)
        return found.source if found else None

    def overridden(self, **values: str | None) -> ProviderSettings:
        """These settings with some given on the command line (e.g. `--host`) replacing them."""
        given = {k: v for k, v in values.items() if v}
        kept = tuple(v for v in self.values if v.setting.key not in given)
        added = tuple(
            SettingValue(_setting(key), value, f"--{key} on the command line")
            for key, value in given.items()
        )
        return ProviderSettings(kept + added, self.notes, self.unreadable)


def _setting(key: str) -> ProviderSetting:
    found = provider_setting(f"{PROVIDER_NAMESPACE}:{key}")
    if found is None:
        raise KeyError(key)
    return found


def settings_from_config(
    config: Mapping[str, Any], source: str, *, notes: tuple[str, ...] = ()
) -> ProviderSettings:
    """The `databricks:*` entries of a stack's config, converted for the SDK.

    `config` maps `namespace:key` to a value as the stack file holds it (YAML types) or as the
    engine and CLI give it (strings; objects as JSON). A `{secure: ...}` value is a secret that
    only the Pulumi CLI can decrypt: recorded as unreadable. Keys of other namespaces are ignored.
    `source` says where the config came from, e.g. `Pulumi.dev.yaml`.
    """
    values: list[SettingValue] = []
    unreadable: list[str] = []
    found_notes = list(notes)
    for config_key, raw in sorted(config.items()):
        if not config_key.startswith(f"{PROVIDER_NAMESPACE}:") or raw is None:
            continue
        setting = provider_setting(config_key)
        if setting is None:
            found_notes.append(f"{config_key} is not a setting the provider knows: ignored")
            continue
        if isinstance(raw, Mapping) and "secure" in raw:
            unreadable.append(config_key)
            continue
        if setting.sdk_attr is None:
            found_notes.append(f"{config_key} is set but not used here: {setting.unused}")
            continue
        if setting.secret:  # in play from here: out of every output (`monitors.scrubber`)
            scrubber.remember(raw if isinstance(raw, str) else json.dumps(raw))
        if setting.key == "host":
            scrubber.remember_url(raw)
        label = f"{config_key}{' (secret)' if setting.secret else ''} from {source}"
        values.append(SettingValue(setting, convert(setting, raw), label))
    return ProviderSettings(tuple(values), tuple(found_notes), tuple(unreadable))


def merged(primary: ProviderSettings, fallback: ProviderSettings) -> ProviderSettings:
    """`primary`'s values, and `fallback`'s for settings `primary` lacks."""
    have = {v.setting.key for v in primary.values}
    values = primary.values + tuple(v for v in fallback.values if v.setting.key not in have)
    unreadable = tuple(
        k
        for k in dict.fromkeys(primary.unreadable + fallback.unreadable)
        if k.split(":", 1)[1] not in {v.setting.key for v in values}
    )
    notes = tuple(dict.fromkeys(primary.notes + fallback.notes))
    return ProviderSettings(values, notes, unreadable)


def convert(setting: ProviderSetting, raw: Any) -> Any:
    """A config value as the SDK attribute wants it; CredentialsError naming the key (never the
    value of a secret) when it cannot be."""
    if setting.kind == "bool":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.lower() in ("true", "false"):
            return raw.lower() == "true"
    elif setting.kind == "int":
        with contextlib.suppress(ValueError):
            if isinstance(raw, str):
                return int(PROVIDER_INTEGER.parse(raw))
            return int(PROVIDER_INTEGER.check(raw))
    elif setting.kind == "list":
        if isinstance(raw, str):
            with contextlib.suppress(ValueError):
                raw = json.loads(raw) if raw.lstrip().startswith("[") else raw
        if isinstance(raw, str):
            return raw  # the SDK splits on commas and spaces
        if isinstance(raw, list) and all(isinstance(v, str) for v in raw):
            return list(raw)
    elif isinstance(raw, str | int) and not isinstance(raw, bool):
        return str(raw)
    shown = "its value" if setting.secret else repr(raw)
    raise CredentialsError(f"{setting.config_key}: {shown} is not {_KIND_NAMES[setting.kind]}")


_KIND_NAMES = {
    "str": "a string",
    "bool": "a boolean",
    "int": PROVIDER_INTEGER.describe(),
    "list": "a list of strings",
}
