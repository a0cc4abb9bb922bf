"""Channels: ``${VAR}`` expansion and redaction of target URLs, and Apprise delivery.

Apprise carries every chat/webhook target. We pick the markup per service (HTML for
Telegram, CommonMark for Slack/Discord/Matrix/Teams..., plain text elsewhere), size parts to
the plugin's own ``body_maxlen`` (capped at 10,000 characters for generic webhooks) and
collect Apprise's warnings through ``log_callback`` so a failure says why.
"""

from __future__ import annotations

import contextlib
import html
import importlib
import os
import re
import warnings
from collections.abc import Callable
from urllib.parse import quote, urlsplit

import apprise

from arxivbot.errors import NotifyError
from arxivbot.notify.format import Style

ChatRenderer = Callable[[Style, int], tuple[str, ...]]


def _preload_apprise_modules() -> None:
    """Import Apprise's PGP helper once with its one known warning silenced.

    ``apprise.utils.pgp`` imports the standard library's ``imghdr`` (deprecated since
    Python 3.11) the first time a plugin is used; the DeprecationWarning is not ours to fix.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*imghdr.*", category=DeprecationWarning)
        with contextlib.suppress(ImportError):
            importlib.import_module("apprise.utils.pgp")


_preload_apprise_modules()


_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_HTML_SCHEMES = frozenset({"tgram"})
_MARKDOWN_SCHEMES = frozenset(
    {
        "slack",
        "discord",
        "matrix",
        "matrixs",
        "msteams",
        "workflow",
        "workflows",
        "gchat",
        "mmost",
        "mmosts",
        "rocket",
        "rockets",
        "zulip",
    }
)
_LENGTH_CAPS = {"slack": 35_000}
GENERIC_LIMIT = 10_000

# ---------------------------------------------------------------- URLs and secrets


def expand_url(url: str, environ: dict[str, str] | None = None) -> tuple[str, tuple[str, ...]]:
    """Replace ``${VAR}`` from the environment; return the URL and the secret values used.

    A placeholder that is the whole URL is inserted as is (a webhook URL kept in a
    secret); inside a URL the value is percent-encoded so ``@``/``/`` in a password
    cannot change the URL's shape.
    """
    env = os.environ if environ is None else environ
    missing = [name for name in _VAR.findall(url) if name not in env]
    if missing:
        raise NotifyError(
            f"environment variable {missing[0]} is not set",
            hint=f"export {missing[0]}=... before the run or remove ${{{missing[0]}}} from the URL",
        )
    secrets = tuple(env[name] for name in _VAR.findall(url) if env[name])
    whole = _VAR.fullmatch(url.strip())
    if whole:
        return env[whole.group(1)], secrets
    return _VAR.sub(lambda m: quote(env[m.group(1)], safe=""), url), secrets


def chat_sender(url: str, title: str, render: ChatRenderer) -> Callable[[], str]:
    plugin = apprise.Apprise.instantiate(url)
    if plugin is None:
        scheme = urlsplit(url).scheme or "?"
        raise NotifyError(
            f"not a valid notification URL for scheme '{scheme}'",
            hint="see the Apprise URL list; e-mail uses mailto:// or mailtos://",
        )
    scheme = urlsplit(url).scheme.lower()
    style = _style_for(scheme)
    title_in_body = int(getattr(plugin, "title_maxlen", 250) or 0) <= 0
    body_max = int(getattr(plugin, "body_maxlen", GENERIC_LIMIT) or GENERIC_LIMIT)
    limit = min(body_max, _LENGTH_CAPS.get(scheme, GENERIC_LIMIT)) - len(title) - 8
    parts = render(style, max(limit, 200))
    if title_in_body:
        heading = f"<b>{html.escape(title)}</b>" if style is Style.HTML else title
        parts = (f"{heading}\n{parts[0]}", *parts[1:]) if parts else (heading,)
        title = ""
    client = apprise.Apprise()
    client.add(plugin)
    progress = {"next": 0}

    def send() -> str:
        for index in range(progress["next"], len(parts)):
            _send_part(client, parts[index], _part_title(title, index, len(parts)), style)
            progress["next"] = index + 1  # a retry resumes after the parts already delivered
        return f"{len(parts)} message{'s' if len(parts) != 1 else ''} sent via {scheme}"

    return send


def _send_part(client: apprise.Apprise, body: str, title: str, style: Style) -> None:
    problems: list[str] = []

    def capture(entry: object, _plugin: object) -> None:
        level = str(getattr(entry, "level", ""))
        if level in ("WARNING", "ERROR", "CRITICAL"):
            problems.append(str(getattr(entry, "message", "")))

    body_format = {Style.TEXT: "text", Style.MARKDOWN: "markdown", Style.HTML: "html"}[style]
    result = client.notify(body=body, title=title, body_format=body_format, log_callback=capture)
    if not result:
        detail = "; ".join(p for p in problems if p) or "the service did not accept the message"
        raise NotifyError(detail)


def _part_title(title: str, index: int, count: int) -> str:
    if not title or count == 1:
        return title
    return f"{title} ({index + 1}/{count})"


def _style_for(scheme: str) -> Style:
    if scheme in _HTML_SCHEMES:
        return Style.HTML
    if scheme in _MARKDOWN_SCHEMES:
        return Style.MARKDOWN
    return Style.TEXT
