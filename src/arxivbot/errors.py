"""The one exception tree of arxivbot.

Every error the library raises on purpose derives from :class:`ArxivBotError`, so
callers (the CLI, the web server, scripts) can catch one type. Each error carries a
message written for the user: what went wrong and, where there is one, the fix.

::

    ArxivBotError
    ├── ConfigError          bad or missing configuration (CLI exit code 2)
    ├── UsageError           a bad command argument, e.g. a malformed arXiv id (exit code 2)
    ├── QueryError           a malformed ranking/search query (position + what was expected; 2)
    ├── FetchError           a source could not be fetched
    │   ├── HttpStatusError  the server answered with an error status
    │   ├── ResponseTooLarge the body exceeded the configured size cap
    │   └── FeedParseError   the body is not the feed/API/OAI document we expected
    ├── StoreError           the SQLite store is unusable (locked, corrupt, newer schema)
    │   └── RunLockedError   another run holds the store's run lock (exit code 3)
    ├── SummaryError         one paper's summary failed (collected per paper, not fatal)
    │   └── LlmFatalError    the provider refuses every call (bad key, unknown model): stop now
    ├── FullTextError        the PDF/HTML of a paper could not be fetched or read
    ├── RenderError          an output could not be rendered or written
    ├── NotifyError          a notification target failed
    └── MissingExtraError    an optional extra (e.g. ``arxivbot[semantic]``) is not installed

A class's ``exit_code`` (1 unless noted) is what the CLI exits with when it escapes a
command. The tree's classes live here and nowhere else (``arxivbot.app.UsageError`` is a
re-export kept for scripts); a package subclasses them only for a case it alone raises and
catches (``summarize.llm``: ``RetryableLlmError``, ``LlmUnreachableError``,
``DeadlineReached``; ``sources.api.ApiQueryError``; ``store.search.SearchTimeout``;
``rank.judge.BudgetSpent``). ``arxivbot.server.error_handlers`` defines no exceptions: it turns
these into the web server's JSON error responses.
"""

from __future__ import annotations


class ArxivBotError(Exception):
    """Root of every error arxivbot raises deliberately."""

    exit_code: int = 1

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class ConfigError(ArxivBotError):
    """The configuration is invalid; ``key`` names the offending setting."""

    exit_code = 2

    def __init__(self, message: str, *, key: str = "", hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.key = key


class UsageError(ArxivBotError):
    """A bad argument (not a config problem): exit code 2 like every usage error."""

    exit_code = 2


class QueryError(ArxivBotError):
    """A query string could not be parsed; ``position`` is the 0-based offset."""

    exit_code = 2

    def __init__(self, message: str, *, query: str = "", position: int = 0) -> None:
        super().__init__(message)
        self.query = query
        self.position = position

    def __str__(self) -> str:
        if not self.query:
            return self.message
        caret = " " * self.position + "^"
        return f"{self.message} at position {self.position}\n  {self.query}\n  {caret}"


class FetchError(ArxivBotError):
    """A source could not be fetched (network, timeout, retries exhausted)."""

    def __init__(self, message: str, *, url: str = "", hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.url = url


class HttpStatusError(FetchError):
    def __init__(self, message: str, *, url: str = "", status: int = 0, hint: str = "") -> None:
        super().__init__(message, url=url, hint=hint)
        self.status = status


class ResponseTooLarge(FetchError):
    pass


class FeedParseError(FetchError):
    pass


class StoreError(ArxivBotError):
    pass


class RunLockedError(StoreError):
    exit_code = 3


class SummaryError(ArxivBotError):
    def __init__(self, message: str, *, arxiv_id: str = "", hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.arxiv_id = arxiv_id


class LlmFatalError(SummaryError):
    """The provider will refuse every call (401, unknown model): stop summarising at once."""


class FullTextError(ArxivBotError):
    pass


class RenderError(ArxivBotError):
    pass


class NotifyError(ArxivBotError):
    pass


class MissingExtraError(ArxivBotError):
    def __init__(self, extra: str, feature: str) -> None:
        super().__init__(
            f"{feature} needs the optional extra '{extra}'",
            hint=f"pip install 'arxivbot[{extra}]'",
        )
        self.extra = extra
