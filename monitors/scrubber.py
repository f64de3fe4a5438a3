"""The one scrubber: every string that leaves the program passes `redact`, which masks every secret
in play and every credential by its shape.

What is in play: each value `remember`ed (the provider's secret settings, decrypted by the Pulumi
CLI or the engine; the secrets databricks-sdk was given or found in the environment and the
profile file; the password of a URL given as a host; the secret environment variables, see
`remember_environment`), in every form a message can show it (as is, stripped, line by line,
escaped as Python or JSON shows a string, percent-encoded, a URL's path). What is masked by shape
whether remembered or not: `scheme://user:PASSWORD@`, `Bearer`/`Basic` credentials, an
`Authorization` header's value, and Databricks token shapes (`dapi...`, `dose...`, JWTs).

Where it is applied, once each (`tests/scrubber` walks every path with a planted secret): the
CLI's stdout and stderr (`monitors.cli.output` wraps both for the whole command), every text
file the program writes (`monitors.atomic.write_text`), and the program's log and error messages
to the engine (`monitors.program.log`). Why: databricks-sdk masks secrets only in the `Config:`
text it appends to errors (`config.Config.debug_string`); http.client and requests quote a header
holding a newline whole (`Invalid header value b'Bearer <token>'`); urllib3 names a URL's path;
and a service's error text (a SQL statement's, say) can echo anything it was sent.
No SDK import here: the bottom layer, usable by every other.
"""

from __future__ import annotations

import json
import os
import re
import threading
from urllib.parse import quote

MASK = "***"
# Shorter values would mask ordinary words; no Databricks secret is this short.
MIN_LENGTH = 4
# The environment variables databricks-sdk reads a secret from (its `Config` attributes marked
# `sensitive`: token, password, client_secret, google_credentials, azure_client_secret,
# metadata_service_url; a test keeps this list in step), and the Pulumi CLI's own.
SECRET_ENVIRONMENT = (
    "DATABRICKS_TOKEN",
    "DATABRICKS_PASSWORD",
    "DATABRICKS_CLIENT_SECRET",
    "GOOGLE_CREDENTIALS",
    "ARM_CLIENT_SECRET",
    "DATABRICKS_METADATA_SERVICE_URL",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
    "PULUMI_ACCESS_TOKEN",
    "PULUMI_CONFIG_PASSPHRASE",
)
# Environment variables that may hold a URL with a password (`https://user:pw@host`).
URL_ENVIRONMENT = ("DATABRICKS_HOST",)

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_SHAPES: tuple[tuple[re.Pattern[str], str], ...] = (
    # A URL's password: up to the last `@` of the run, so a password holding `/`, `#` or `@`
    # (which no URL parser reads as the author meant) is masked whole.
    (
        re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^\s:/@'\"<>]*):[^\s'\"<>]*@"),
        rf"\g<head>:{MASK}@",
    ),
    (re.compile(r"\b(?P<head>Bearer|Basic)\s+[^\s'\"\\,]+"), rf"\g<head> {MASK}"),
    (
        re.compile(
            r"(?P<head>\b(?:Authorization|X-Databricks-[A-Za-z-]*Token)['\"]?\s*[:=]\s*['\"]?)"
            r"[^'\"\r\n,}]+",
            re.IGNORECASE,
        ),
        rf"\g<head>{MASK}",
    ),
    (re.compile(r"\bdapi[0-9a-f]{32}(?:-\d+)?\b"), MASK),
    (re.compile(r"\bdose[0-9a-f]{32,}\b"), MASK),
    (re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+"), MASK),
)

_lock = threading.Lock()
_known: set[str] = set()
_ordered: list[str] = []


def forms(value: str) -> set[str]:
    """The ways `value` can appear in a message: as is, stripped, escaped as a Python string or
    bytes literal or a JSON string shows it, percent-encoded, line by line, and a URL's path and
    query and their longer pieces."""
    found = {
        value,
        value.strip(),
        repr(value)[1:-1],
        repr(value.encode())[2:-1],
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
        quote(value),
        quote(value, safe=""),
    }
    found.update(line.strip() for line in value.splitlines())
    stripped = value.strip()
    if _SCHEME.match(stripped):
        rest = _SCHEME.sub("", stripped)
        _, slash, tail = rest.partition("/")
        if slash:
            path = "/" + tail
            found.update({path, path.split("?", 1)[0], path.partition("?")[2]})
            found.update(piece for piece in re.split(r"[/?#&=]", tail) if len(piece) >= 8)
    return {form for form in found if len(form) >= MIN_LENGTH}


def url_password(url: object) -> str | None:
    """The password of a URL written `[scheme://]user:password@host` (a host setting can carry
    one: requests sends it as Basic auth), else None. Read without a URL parser: everything
    between the first `:` of the user part and the last `@`, so no odd character hides it."""
    if not isinstance(url, str) or "@" not in url:
        return None
    userinfo = _SCHEME.sub("", url.strip()).rpartition("@")[0]
    _user, colon, password = userinfo.partition(":")
    return password if colon and password else None


def remember(*values: object) -> None:
    """Keep these values (strings; anything else is ignored) out of every later output."""
    new: set[str] = set()
    for value in values:
        if isinstance(value, str) and value:
            new |= forms(value)
    with _lock:
        added = new - _known
        if added:
            _known.update(added)
            _ordered[:] = sorted(_known, key=len, reverse=True)


def remember_url(*urls: object) -> None:
    """Keep the password of each URL (see `url_password`), and its pieces, out of every output."""
    for url in urls:
        password = url_password(url)
        if password:
            # URL parsers cut a password at `/`, `?`, `#` or `@` and name a piece in their error
            # (`'user:S3cret' is not a valid host`): each piece is a secret too.
            remember(password, *re.split(r"[/?#@]", password))


def remember_environment() -> None:
    """Remember every secret the environment holds for databricks-sdk or the Pulumi CLI."""
    remember(*(os.environ.get(name) for name in SECRET_ENVIRONMENT))
    remember_url(*(os.environ.get(name) for name in URL_ENVIRONMENT))


def redact(text: str) -> str:
    """`text` with every remembered secret, and every credential recognised by its shape,
    masked."""
    with _lock:
        known = list(_ordered)
    for value in known:
        if value in text:
            text = text.replace(value, MASK)
    for pattern, replacement in _SHAPES:
        text = pattern.sub(replacement, text)
    return text


def forget_all() -> None:
    """Forget every remembered value (for tests)."""
    with _lock:
        _known.clear()
        _ordered.clear()
