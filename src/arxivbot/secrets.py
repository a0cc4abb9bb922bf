"""Secrets never shown: the one place that decides what of a value, URL or message is hidden.

Three audiences, one owner:

* messages (errors, reports, logs): :func:`scrub` removes known secret values (and their
  percent-encoded form); :func:`scrub_key` removes an API key and anything shaped like one
  (providers echo the key in a 401);
* URLs: :func:`redact_url` is the label a notification target is shown by
  (``scheme://host``, or ``scheme://…`` for token-in-URL services), :func:`url_secrets` the
  parts of an expanded URL that must never be shown, :func:`url_without_password` a database
  URL for a label;
* the effective config (``GET /config``): :func:`redact_config` keeps env variable *names*,
  never values, and strips credentials from every URL.

Each caller keeps the marker its readers already know (``***`` in notification reports,
``[redacted]`` in summary failures, ``<redacted>`` in the server's ``/config``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from pydantic import BaseModel

# Schemes whose URL names a host (the rest carry their token in the host/path: tgram, discord …).
HOST_SCHEMES = frozenset({"mailto", "mailtos", "json", "jsons", "form", "forms", "xml", "xmls"})
# A config key with one of these words may hold a secret, unless it names an env variable.
SECRET_WORDS = frozenset(
    {
        "key",
        "apikey",
        "token",
        "secret",
        "password",
        "passwd",
        "credential",
        "credentials",
        "auth",
        "cookie",
    }
)
CONFIG_MASK = "<redacted>"
_KEY_LIKE = re.compile(r"\b(?:sk|pk|key|rk)-[A-Za-z0-9_\-*]{6,}|(?<=key: )\S{8,}", re.I)


# ---------------------------------------------------------------- messages


def scrub(text: str, secrets: Iterable[str], *, mask: str = "***") -> str:
    """``text`` without any of ``secrets`` (3+ characters), plain or percent-encoded."""
    for secret in sorted({s for s in secrets if len(s) >= 3}, key=len, reverse=True):
        text = text.replace(secret, mask).replace(quote(secret, safe=""), mask)
    return text


def scrub_key(text: str, key: str, *, mask: str = "[redacted]") -> str:
    """``text`` without the API ``key`` and without anything shaped like an API key."""
    if key:
        text = text.replace(key, mask)
    return _KEY_LIKE.sub(mask, text)


# ---------------------------------------------------------------- URLs


def redact_url(url: str) -> str:
    """``scheme://host`` for host-like URLs, ``scheme://…`` for token URLs (tgram, discord …)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower() or "?"
    if scheme in HOST_SCHEMES or scheme in ("http", "https"):
        try:
            host = parts.hostname or ""
            port = f":{parts.port}" if parts.port else ""
        except ValueError:
            host, port = "", ""
        if host and "$" not in host:
            return f"{scheme}://{host}{port}"
    return f"{scheme}://…"


def url_secrets(url: str) -> tuple[str, ...]:
    """Userinfo and path/query tokens of an expanded URL: never shown in a report."""
    parts = urlsplit(url)
    found = [parts.password or "", parts.username or ""]
    if parts.scheme.lower() not in HOST_SCHEMES:
        found += [parts.netloc, *parts.path.split("/"), parts.query]
    return tuple(s for s in found if len(s) >= 6)


def url_without_password(url: str) -> str:
    """The URL with its password replaced by ``***`` (a database URL as a label)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def url_without_credentials(url: str, *, mask: str = CONFIG_MASK) -> str:
    """Drop user:password@ and the query string (API keys often ride in either)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
    except ValueError:
        return mask
    query = mask if parts.query else ""
    return urlunsplit((parts.scheme, host, parts.path, query, ""))


# ---------------------------------------------------------------- the config


def redact_config(model: BaseModel, *, mask: str = CONFIG_MASK) -> dict[str, Any]:
    """The model's known fields as JSON-able values, every secret replaced by ``mask``."""
    out: dict[str, Any] = {}
    for name in type(model).model_fields:  # known fields only: extras may hold anything
        value = getattr(model, name)
        if is_secret_name(name):
            out[name] = mask if value else value
        elif name == "url" and isinstance(value, str):  # notification targets
            out[name] = _scheme_only(value, mask)
        else:
            out[name] = _redact_value(value, mask)
    return out


def is_secret_name(name: str) -> bool:
    words = name.lower().split("_")
    return words[-1] != "env" and not SECRET_WORDS.isdisjoint(words)


def _redact_value(value: Any, mask: str) -> Any:
    if isinstance(value, BaseModel):
        return redact_config(value, mask=mask)
    if isinstance(value, dict):
        return {key: _redact_value(item, mask) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_value(item, mask) for item in value]
    if isinstance(value, str) and "://" in value:
        return url_without_credentials(value, mask=mask)
    return value


def _scheme_only(url: str, mask: str) -> str:
    scheme = url.partition("://")[0] if "://" in url else ""
    return f"{scheme}://{mask}" if scheme.isalnum() else mask
