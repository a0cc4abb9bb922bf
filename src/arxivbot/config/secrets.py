"""Secrets written into a config file where the NAME of an environment variable belongs.

The config never holds secrets: ``*_env`` keys name environment variables and notification
URLs say ``${VAR}``. A fork that pastes the key itself publishes it with the repository, so
:func:`literal_secrets` returns one warning per offending key, naming the key, what part of
it looks secret and the fix. A warning never contains the value (not even part of it).

Detection is by shape, so it errs on the side of speaking up: a password in a URL, a
``token=``/``key=`` parameter, a long letters-and-digits run in a URL's path or host part
(webhook and bot tokens), a key-like prefix (``sk-``, ``ghp_`` …) in an ``*_env`` value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

from pydantic import BaseModel

from arxivbot.config.model import Config

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")
_PLACEHOLDER = re.compile(r"\$\{[^}]*\}")
_KEY_PREFIXES = ("sk-", "sk_", "ghp_", "gho_", "ghs_", "github_pat_", "glpat-", "xoxb-",
                 "xoxp-", "xapp-", "AKIA", "AIza", "hf_")  # fmt: skip
_TOKEN = re.compile(r"^[A-Za-z0-9_\-:]{20,}$")  # no dots: host names and paths are not tokens
_SECRET_WORDS = frozenset({"key", "apikey", "token", "password", "passwd", "pass", "pwd",
                           "secret", "auth", "credential", "credentials", "webhook"})  # fmt: skip
FIX_URL = "put the value in an environment variable and write ${NAME} in its place"
FIX_OTHER_URL = (
    "remove it from the URL: the API key is read from the environment variable that "
    "ai_summary.api_key_env names"
)


def literal_secrets(config: Config) -> tuple[str, ...]:
    """One warning per config key that seems to hold a secret literally."""
    warnings: list[str] = []
    for path, name, value in _strings(config, ""):
        if name.endswith("_env"):
            if _looks_like_key(value):
                warnings.append(
                    f"config key '{path}' should be the NAME of an environment variable but "
                    "looks like the secret itself (its value is not shown): set the secret in "
                    f"the environment (export SOME_NAME=...) and write that name in '{path}'"
                )
        elif "://" in value:
            where = _secret_in_url(value)
            if where:
                # Notification URLs expand ${VAR}; other URLs take no credentials at all.
                fix = FIX_URL if name == "url" else FIX_OTHER_URL
                warnings.append(
                    f"config key '{path}' has {where} written literally (not shown): {fix}"
                )
        elif _is_secret_name(name) and value.strip() and not _PLACEHOLDER.fullmatch(value):
            warnings.append(
                f"config key '{path}' holds a secret literally (not shown); arxivbot reads "
                "secrets only from environment variables: remove it and set the *_env key's "
                "variable instead"
            )
    return tuple(warnings)


def _strings(model: BaseModel, prefix: str) -> Iterator[tuple[str, str, str]]:
    """(dotted path, key name, value) of every string in the config, unknown keys included."""
    fields = {name: getattr(model, name) for name in type(model).model_fields}
    fields.update(model.model_extra or {})
    for name, value in fields.items():
        yield from _walk(f"{prefix}{name}", name, value)


def _walk(path: str, name: str, value: object) -> Iterator[tuple[str, str, str]]:
    if isinstance(value, BaseModel):
        yield from _strings(value, f"{path}.")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(f"{path}.{key}", str(key), item)
    elif isinstance(value, list | tuple):
        for position, item in enumerate(value):
            yield from _walk(f"{path}[{position}]", name, item)
    elif isinstance(value, str):
        yield path, name, value


def _looks_like_key(value: str) -> bool:
    text = value.strip()
    if not text:
        return False
    if not _ENV_NAME.match(text) or text.startswith(_KEY_PREFIXES):
        return True
    # A valid name, but shaped like a random key: long, digits and lower case, no words.
    return (
        len(text) >= 24
        and "_" not in text
        and any(c.isdigit() for c in text)
        and (any(c.islower() for c in text))
    )


def _is_secret_name(name: str) -> bool:
    words = set(re.split(r"[_\-.]", name.lower()))
    return not _SECRET_WORDS.isdisjoint(words)


def _secret_in_url(url: str) -> str:
    """What part of ``url`` looks like a literal secret ("" when none)."""
    try:
        parts = urlsplit(url.strip())
        password = parts.password
    except ValueError:
        return ""
    if password and not _PLACEHOLDER.search(password):
        return "a password"
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if value and _is_secret_name(key) and not _PLACEHOLDER.search(value):
            return f"a '{key}' parameter"
    host_part = parts.netloc.rsplit("@", 1)[-1]
    pieces = [host_part, *parts.path.split("/")]
    if any(_is_token(piece) for piece in pieces):
        return "a token in the URL"
    return ""


def _is_token(piece: str) -> bool:
    if _PLACEHOLDER.search(piece) or not _TOKEN.match(piece):
        return False
    return any(c.isdigit() for c in piece) and any(c.isalpha() for c in piece)
