"""A databricks-sdk client with the provider's credentials, that cannot hang its caller.

Credentials: the provider's `databricks:*` settings as explicit values, then the SDK's own
environment and profile lookup (see `monitors.workspace.credentials`).

Time: the SDK retries a request that cannot connect, times out, is throttled (429) or refused for
load (503) until `retry_timeout_seconds` (default 300 s) runs out, each attempt waiting up to
`http_timeout_seconds` (default 60 s), sleeping up to 10 s (or Retry-After) between attempts and
checking its deadline only before an attempt (databricks-sdk `retries.retried`,
`_base_client._BaseClient._is_retryable`). Creating a client first probes the host's
`/.well-known/databricks-config` with the same budgets but the real clock
(`Config._resolve_host_metadata`). Against an unreachable workspace that is minutes per call.
So every caller gives `Limits` (per-request timeout, retry budget) and a `Deadline` for
everything it asks of the workspace; a `DeadlineClock` makes the SDK's retry loops end at that
deadline; and a preflight GET with short timeouts and no retries answers "unreachable" in
seconds before any of that starts.
"""

from __future__ import annotations

import configparser
import contextlib
import math
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import requests
from databricks.sdk import WorkspaceClient
from databricks.sdk.clock import Clock, RealClock
from databricks.sdk.config import Config

from monitors import scrubber
from monitors.errors import CredentialsError, WorkspaceUnreachableError
from monitors.workspace.credentials import ProviderSettings

PRODUCT = "lakehouse-monitors"
PRODUCT_VERSION = "0.1.0"
HOST_METADATA_PATH = "/.well-known/databricks-config"


@dataclass(frozen=True)
class Limits:
    """How long one caller may wait on the workspace.

    `http_timeout_s` bounds each request's connect and each read; `retry_timeout_s` is the SDK's
    retry budget per call (throttling included); `connect_timeout_s` bounds the preflight's
    connect; `total_s` bounds everything the caller asks of the workspace.
    """

    http_timeout_s: float
    retry_timeout_s: int
    connect_timeout_s: float
    total_s: float


# A hook holds up `pulumi up` while it runs: a minute for all hooks of one deployment.
HOOK_LIMITS = Limits(http_timeout_s=10, retry_timeout_s=15, connect_timeout_s=5, total_s=60)
# verify: the checks after any --wait (which has its own --timeout).
VERIFY_LIMITS = Limits(http_timeout_s=15, retry_timeout_s=30, connect_timeout_s=5, total_s=120)
# refresh and cost: the calls around a --wait (which has its own --timeout) or a statement.
OPERATE_LIMITS = Limits(http_timeout_s=15, retry_timeout_s=30, connect_timeout_s=5, total_s=120)
# plan --against: the cost section may hold a review up this long, and no longer.
PLAN_COST_LIMITS = Limits(http_timeout_s=10, retry_timeout_s=10, connect_timeout_s=3, total_s=60)


class Deadline:
    """A point in time after which a caller stops asking the workspace anything."""

    def __init__(self, seconds: float, now: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._now = now
        self._end = now() + seconds

    def remaining(self) -> float:
        """Seconds left (negative once passed)."""
        return self._end - self._now()

    def expired(self) -> bool:
        """True once the deadline has passed."""
        return self.remaining() <= 0

    def extend(self, seconds: float) -> None:
        """Move the deadline `seconds` later (e.g. by the time a --wait was allowed)."""
        self._end += seconds

    @contextlib.contextmanager
    def capped(self, seconds: float) -> Iterator[None]:
        """Within the block, end `seconds` from now at the latest (a `DeadlineClock` on this
        deadline then stops the SDK's retries there too); the old end after it."""
        end = self._end
        self._end = min(end, self._now() + seconds)
        try:
            yield
        finally:
            self._end = end


class DeadlineClock(Clock):
    """The SDK's retry clock, cut off at a deadline.

    A retry sleep never runs past the deadline; a sleep that reaches it moves this clock's time
    a year ahead, so the retry loop (which compares `time()` with its own deadline before each
    attempt) stops there and raises TimeoutError. Only the SDK's retries read this clock.

    A sleep longer than `longest_sleep_s` (the retry budget: a Retry-After of an hour against a
    30 s budget) is not slept at all: the SDK would wake past its own deadline and give up then
    (`retries.retried` checks the deadline only after sleeping), so it gives up now.
    """

    JUMP_S = 365 * 24 * 3600.0

    def __init__(
        self, deadline: Deadline, base: Clock | None = None, longest_sleep_s: float | None = None
    ) -> None:
        self._deadline = deadline
        self._base = base or RealClock()
        self._longest_sleep_s = longest_sleep_s
        self._skipped = 0.0
        self._lock = threading.Lock()

    def time(self) -> float:
        with self._lock:
            return self._base.time() + self._skipped

    def sleep(self, seconds: float) -> None:
        if self._longest_sleep_s is not None and seconds > self._longest_sleep_s:
            with self._lock:
                self._skipped += self.JUMP_S
            return
        remaining = self._deadline.remaining()
        if seconds < remaining:
            self._base.sleep(seconds)
            return
        if remaining > 0:
            self._base.sleep(remaining)
        with self._lock:
            self._skipped += self.JUMP_S


@dataclass(frozen=True)
class Connection:
    """A client, the workspace it talks to, and where each credential came from (no values)."""

    client: WorkspaceClient
    host: str
    sources: tuple[str, ...]


def normalise_host(host: str) -> str:
    """The host as the SDK uses it: `https://` added when no scheme is given, no trailing `/`."""
    host = host.strip()
    if "://" not in host:
        host = "https://" + host
    return host.rstrip("/")


def known_host(settings: ProviderSettings) -> str | None:
    """The host the SDK will use when it is known without reading a profile: the explicit
    setting, else DATABRICKS_HOST (the SDK's order); None when only a profile names it."""
    host = settings.get("host") or os.environ.get("DATABRICKS_HOST")
    return normalise_host(str(host)) if host else None


def preflight(host: str, limits: Limits, *, verify_tls: bool = True) -> None:
    """One GET of the host-metadata endpoint, no retries: WorkspaceUnreachableError unless the
    host answers (any HTTP status is an answer)."""
    url = host + HOST_METADATA_PATH
    host = scrubber.redact(host)  # as shown: a host written user:password@ carries a secret
    try:
        requests.get(
            url,
            timeout=(limits.connect_timeout_s, limits.http_timeout_s),
            verify=verify_tls,
            allow_redirects=False,
        ).close()
    except requests.ConnectTimeout:
        raise WorkspaceUnreachableError(
            f"the workspace at {host} did not accept a connection within "
            f"{limits.connect_timeout_s:g} s"
        ) from None
    except requests.ReadTimeout:
        raise WorkspaceUnreachableError(
            f"the workspace at {host} accepted a connection but did not answer within "
            f"{limits.http_timeout_s:g} s"
        ) from None
    except requests.RequestException as exc:
        raise WorkspaceUnreachableError(
            f"cannot reach the workspace at {host}: {short_reason(exc)}"
        ) from None


def short_reason(exc: BaseException) -> str:
    """A one-line reason for a connection failure (requests' own text is a paragraph)."""
    text = str(exc)
    errno = re.search(r"\[Errno -?\d+\] ([^'\")]+)", text)
    if errno:
        return errno.group(1).strip()
    if isinstance(exc, requests.exceptions.SSLError):
        return "TLS handshake failed"
    if isinstance(exc, requests.Timeout):
        return "timed out"
    return text.splitlines()[0][:200] if text else type(exc).__name__


def connect(
    settings: ProviderSettings,
    limits: Limits,
    deadline: Deadline,
    *,
    clock: Clock | None = None,
    check_reachable: bool = True,
) -> Connection:
    """A client for the workspace the settings (then the SDK's environment and profiles) name.

    Raises WorkspaceUnreachableError when the known host does not answer the preflight, and
    CredentialsError, naming every source tried, when the SDK finds no usable credentials.
    """
    remember_secrets(settings)
    host = known_host(settings)
    if check_reachable and host:
        preflight(host, limits, verify_tls=not settings.get("skipVerify"))
    kwargs = settings.sdk_kwargs()
    kwargs["http_timeout_seconds"] = min(
        float(kwargs.get("http_timeout_seconds") or math.inf), limits.http_timeout_s
    )
    # At least 1: the SDK reads 0 as "use the default" (300 s).
    kwargs["retry_timeout_seconds"] = max(
        1, int(min(kwargs.get("retry_timeout_seconds") or math.inf, limits.retry_timeout_s))
    )
    try:
        config = Config(
            **kwargs,
            clock=DeadlineClock(deadline, clock, kwargs["retry_timeout_seconds"]),
            product=PRODUCT,
            product_version=PRODUCT_VERSION,
        )
    except (ValueError, OSError, configparser.Error) as exc:  # requests' errors are OSErrors
        raise CredentialsError(no_credentials_message(settings, exc)) from None
    scrubber.remember(*(getattr(config, a.name, None) for a in Config.attributes() if a.sensitive))
    return Connection(
        WorkspaceClient(config=config), str(config.host), describe_sources(config, settings)
    )


def config_file_path(settings: ProviderSettings) -> str:
    """The profile file the SDK reads: `databricks:configFile`, DATABRICKS_CONFIG_FILE, or the
    default (databricks-sdk `config.Config._known_file_config_loader`)."""
    path = settings.get("configFile") or os.environ.get("DATABRICKS_CONFIG_FILE")
    return str(path or "~/.databrickscfg")


def remember_secrets(settings: ProviderSettings) -> None:
    """Remember every secret the SDK may be given (`monitors.scrubber`): the secret
    settings, the environment variables of the SDK's sensitive attributes, and the sensitive keys
    of the profile file, so no message built from an SDK or HTTP error can show one."""
    scrubber.remember(*(v.value for v in settings.values if v.setting.secret))
    scrubber.remember_url(settings.get("host"), os.environ.get("DATABRICKS_HOST"))
    sensitive = [a for a in Config.attributes() if a.sensitive]
    for attr in sensitive:
        scrubber.remember(*(os.environ.get(env or "") for env in (attr.env, *attr.env_aliases)))
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    with contextlib.suppress(OSError, UnicodeError, configparser.Error):
        parser.read(os.path.expanduser(config_file_path(settings)), encoding="utf-8")
    for section in [parser.defaults(), *(parser[name] for name in parser.sections())]:
        scrubber.remember(*(section.get(attr.name) for attr in sensitive))
        scrubber.remember_url(section.get("host"))


def _environment_names() -> list[str]:
    names = []
    for attr in Config.attributes():
        for env in (attr.env, *attr.env_aliases):
            if env and os.environ.get(env):
                names.append(env)
    return names


def _source(config: Config, settings: ProviderSettings, attr_name: str) -> str:
    """Where the SDK's value of `attr_name` came from: our settings, the environment, a profile."""
    given = settings.source_of(attr_name)
    if given:
        return given
    attr = next(a for a in Config.attributes() if a.name == attr_name)
    for env in (attr.env, *attr.env_aliases):
        if env and os.environ.get(env):
            return f"environment variable {env}"
    profile = config.profile or "DEFAULT"
    return f"profile [{profile}] of {config.config_file or '~/.databrickscfg'}"


def describe_sources(config: Config, settings: ProviderSettings) -> tuple[str, ...]:
    """Lines saying which workspace and which credential settings were used, and from where.

    Names and sources only: the host is shown, no other value ever is.
    """
    lines = [f"workspace {config.host} (host: {_source(config, settings, 'host')})"]
    used = [
        attr.name
        for attr in Config.attributes()
        if attr.auth and attr.auth != "-" and getattr(config, attr.name, None)
    ]
    if config.profile:
        used.insert(0, "profile")
    details = ", ".join(f"{name}: {_source(config, settings, name)}" for name in used)
    lines.append(f"authentication {config.auth_type}" + (f" ({details})" if details else ""))
    lines += list(settings.notes)
    return tuple(scrubber.redact(line) for line in lines)  # a host may carry user:password@


def no_credentials_message(settings: ProviderSettings, exc: BaseException) -> str:
    """Why no client could be made: every source tried, in the provider's order."""
    given = ", ".join(v.setting.config_key for v in settings.values) or "none"
    envs = ", ".join(_environment_names()) or "none set"
    config_file = config_file_path(settings)
    lines = [
        "no usable Databricks credentials. Tried, in the provider's order:",
        f"  1. the stack's databricks:* settings: {given}",
        f"  2. the environment (DATABRICKS_*, ARM_*, GOOGLE_CREDENTIALS): {envs}",
        f"  3. profiles in {config_file}"
        + ("" if os.path.exists(os.path.expanduser(config_file)) else " (no such file)"),
    ]
    for key in settings.unreadable:
        lines.append(f"  {key} is a secret in the stack file: only the Pulumi CLI can decrypt it")
    lines += [f"  {note}" for note in settings.notes]
    lines.append(f"The Databricks SDK said: {exc}")
    return scrubber.redact("\n".join(lines))


def is_unreachable(exc: BaseException) -> bool:
    """True for failures that mean the workspace is not answering (as opposed to answering
    with an error): a refused or timed-out connection, or the SDK giving up retrying one."""
    if isinstance(exc, WorkspaceUnreachableError | requests.ConnectionError | requests.Timeout):
        return True
    if isinstance(exc, TimeoutError):
        cause = exc.__cause__
        return cause is None or isinstance(cause, requests.ConnectionError | requests.Timeout)
    return False


# databricks-sdk's text for an error answer whose body is no Databricks error (errors/parser.py
# `_Parser.get_api_error` -> `_unknown_error`): a request log and an invitation to report an SDK
# bug, when the usual cause is a proxy or load balancer answering with its own page.
_UNPARSED_ERROR = "unable to parse response."
# http.client (`putheader`) and requests (`utils.check_header_validity`) refusing a header value.
_INVALID_HEADER = ("Invalid header value", "Invalid leading whitespace")


def _raised_reading_an_answer(exc: BaseException) -> bool:
    """True for a ValueError databricks-sdk raised turning an answer into its types (`_int64`
    reading "abc"): the innermost frame is in one of its `service` modules."""
    if not isinstance(exc, ValueError):
        return False
    frame = exc.__traceback__
    while frame is not None and frame.tb_next is not None:
        frame = frame.tb_next
    module = frame.tb_frame.f_globals.get("__name__", "") if frame is not None else ""
    return str(module).startswith("databricks.sdk.service.")


def describe_error(exc: BaseException) -> str:
    """A one-line description of a failed call: the SDK's message, the last error behind a
    retry that gave up, or a short connection reason (never a header, a token or a secret:
    `monitors.scrubber.redact`)."""
    return scrubber.redact(_describe(exc))


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        cause = exc.__cause__
        if cause is None:
            return "the time budget ran out"
        return f"gave up retrying after {_describe(cause)}"
    if isinstance(exc, requests.RequestException):
        if isinstance(exc, requests.exceptions.JSONDecodeError):
            return "the workspace answered with malformed JSON"
        return short_reason(exc)
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if isinstance(exc, AttributeError | TypeError | KeyError) or _raised_reading_an_answer(exc):
        # databricks-sdk's `from_dict` reading an answer of another shape (a string where an
        # object belongs): Python's own words name no field and are no user's to read.
        return (
            "the workspace's answer is not in the shape databricks-sdk reads (a field holds "
            "another type than the API documents)"
        )
    if text.startswith(_INVALID_HEADER):
        return (
            "a credential cannot be sent as it is: it holds a line break or surrounding "
            "whitespace (check how it was set)"
        )
    if text.startswith(_UNPARSED_ERROR):
        return (
            "the workspace answered with an error page that is not a Databricks error "
            "(from a proxy or gateway?)"
        )
    # The SDK appends its (masked) config to 401/403 messages: noise in a one-line reason.
    return re.sub(r"\. (Config|Env): .*$", "", text)
