"""The delivery channels: the ``Notifier`` seam and its registry.

A notifier says which target URLs it serves (``accepts``) and prepares one message for one
of them (``send``). ``send`` does everything that cannot succeed on a second try (parse
the URL, build the e-mail, pick the markup and length limit) and returns the *attempt*:
a function the service calls, retries with backoff and bounds by the run's deadline, which
raises ``NotifyError`` on failure and returns a one-line description on success.

``NOTIFIERS`` is tried in order and the first that accepts a URL delivers it, so the
Apprise catch-all stays last. A new channel is one class here plus one entry in the tuple.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from arxivbot.clock import Clock
from arxivbot.errors import NotifyError
from arxivbot.notify.chat import chat_sender
from arxivbot.notify.format import Style
from arxivbot.notify.smtp import EmailContent, date_header, is_email_url, parse_smtp_url, send_email

Attempt = Callable[[], str]


@dataclass(frozen=True)
class Message:
    """One message, ready to render for whichever channel it goes to."""

    title: str
    email: Callable[[], EmailContent]
    chat: Callable[[Style, int], tuple[str, ...]]  # (markup, length limit) -> parts


class Notifier(Protocol):
    def accepts(self, url: str) -> bool:
        """Whether this channel delivers to ``url`` (already ``${VAR}``-expanded)."""
        ...

    def send(self, url: str, message: Message, clock: Clock) -> Attempt:
        """Prepare ``message`` for ``url``; raise ``NotifyError`` if it can never be sent."""
        ...


class EmailNotifier:
    """``mailto://`` / ``mailtos://``: one multipart message over standard-library SMTP."""

    def accepts(self, url: str) -> bool:
        return is_email_url(url)

    def send(self, url: str, message: Message, clock: Clock) -> Attempt:
        smtp = parse_smtp_url(url)
        content = message.email()
        return lambda: send_email(smtp, content, when_header=date_header(clock()))


class AppriseNotifier:
    """Every chat/webhook scheme Apprise knows; it says itself when a URL is not one."""

    def accepts(self, url: str) -> bool:
        return True

    def send(self, url: str, message: Message, clock: Clock) -> Attempt:
        return chat_sender(url, message.title, message.chat)


NOTIFIERS: tuple[Notifier, ...] = (EmailNotifier(), AppriseNotifier())


def notifier_for(url: str, notifiers: tuple[Notifier, ...] = NOTIFIERS) -> Notifier:
    """The first notifier that accepts ``url``."""
    for notifier in notifiers:
        if notifier.accepts(url):
            return notifier
    raise NotifyError("no notifier accepts this URL", hint="e-mail uses mailto:// or mailtos://")
