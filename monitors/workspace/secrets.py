"""The secret values this process gave databricks-sdk, kept out of every message by `redact`.

The SDK masks secrets in the `Config: ...` text it appends to errors (databricks-sdk
`config.Config.debug_string`: `***` for every `sensitive` attribute), but other texts that reach
a message carry them as they are: http.client and requests refuse a header value holding a
newline by quoting the whole header (`Invalid header value b'Bearer <token>'`,
`http.client.HTTPConnection.putheader`; `requests.utils.check_header_validity`), and urllib3 names
the path of a URL it could not reach (`Max retries exceeded with url: /<path>`, which for
`metadata_service_url` is the secret part). So `monitors.workspace.client.connect` remembers
every secret it hands over, and every message built from an SDK or HTTP error passes `redact`.
No SDK import here: the CLI's last-resort error line uses it too.
"""

from __future__ import annotations

import re
import threading
from urllib.parse import quote, urlsplit

MASK = "***"
# Shorter values would mask ordinary words; no Databricks secret is this short.
MIN_LENGTH = 4
_BEARER = re.compile(r"\b(Bearer|Basic)\s+[^\s'\"\\]+")
_lock = threading.Lock()
_known: set[str] = set()


def forms(value: str) -> set[str]:
    """The ways `value` can appear in a message: as is, stripped, escaped as a Python string or
    bytes literal shows it, percent-encoded, line by line, and a URL's path and query."""
    found = {value, value.strip(), repr(value)[1:-1], repr(value.encode())[2:-1], quote(value)}
    found.update(line.strip() for line in value.splitlines())
    parts = urlsplit(value.strip()) if "://" in value else None
    if parts is not None and parts.netloc:
        found.update(
            {parts.path, parts.query, parts.path + ("?" + parts.query if parts.query else "")}
        )
        found.update(piece for piece in parts.path.split("/") if len(piece) >= 8)
    return {form for form in found if len(form) >= MIN_LENGTH}


def url_password(url: object) -> str | None:
    """The password of a URL written `scheme://user:password@host` (a host setting can carry
    one: requests sends it as Basic auth), else None."""
    if not isinstance(url, str) or "@" not in url:
        return None
    try:
        return urlsplit(url.strip() if "://" in url else "https://" + url.strip()).password
    except ValueError:
        return None


def remember(*values: object) -> None:
    """Keep these values (strings; anything else is ignored) out of every later message."""
    new = set()
    for value in values:
        if isinstance(value, str) and value:
            new |= forms(value)
    with _lock:
        _known.update(new)


def redact(text: str) -> str:
    """`text` with every remembered secret, and any `Bearer`/`Basic` credential, masked."""
    with _lock:
        known = sorted(_known, key=len, reverse=True)
    for value in known:
        if value in text:
            text = text.replace(value, MASK)
    return _BEARER.sub(lambda match: f"{match.group(1)} {MASK}", text)


def forget_all() -> None:
    """Forget every remembered value (for tests)."""
    with _lock:
        _known.clear()
