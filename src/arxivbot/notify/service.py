"""Deliver digests where people read them: e-mail (SMTP) and chat/webhooks (Apprise).

Each configured target (``config.notify.targets``) gets one message per profile per
announcement day. What was delivered is recorded in the store, so repeating a run sends
nothing twice; ``resend=True`` forces it. A failing target is retried with exponential
backoff, then reported in the :class:`NotifyReport` — it never raises out of this module
and never keeps the other targets from getting their message.

Target URLs may hold ``${VAR}`` placeholders that are read from the environment at send
time; errors and reports show only a redacted form of the URL and never a secret.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from arxivbot.clock import Clock, utc_now
from arxivbot.config.model import Config, NotifyTarget
from arxivbot.config.profiles import Profile, profile_url, resolve_profiles
from arxivbot.deadline import Deadline
from arxivbot.errors import NotifyError
from arxivbot.models import Digest, StageIssue
from arxivbot.notify.channels import Message, notifier_for
from arxivbot.notify.chat import expand_url
from arxivbot.notify.format import (
    Style,
    digest_title,
    no_announcement_text,
    render_digest,
)
from arxivbot.notify.smtp import digest_email, notice_email
from arxivbot.secrets import redact_url, scrub, url_secrets
from arxivbot.store.api import StoreApi

logger = logging.getLogger(__name__)


Sleep = Callable[[float], None]

BACKOFF_BASE = 1.0
BACKOFF_CAP = 60.0


@dataclass(frozen=True)
class Delivery:
    """The outcome of one message to one target."""

    target: str
    profile: str
    day: date | None
    ok: bool
    skipped: bool = False
    message: str = ""  # what was sent, or why nothing was
    error: str = ""  # why it failed (redacted)
    attempts: int = 0


@dataclass(frozen=True)
class NotifyReport:
    deliveries: tuple[Delivery, ...] = ()

    @property
    def sent(self) -> tuple[Delivery, ...]:
        return tuple(d for d in self.deliveries if d.ok and not d.skipped)

    @property
    def failed(self) -> tuple[Delivery, ...]:
        return tuple(d for d in self.deliveries if not d.ok)

    @property
    def skipped(self) -> tuple[Delivery, ...]:
        return tuple(d for d in self.deliveries if d.skipped)

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def issues(self) -> tuple[StageIssue, ...]:
        """Failures as run-report issues (stage ``notify``, subject = target name)."""
        return tuple(StageIssue("notify", d.target, d.error) for d in self.failed)


# ---------------------------------------------------------------- public API


def notify_digests(
    digests: Sequence[Digest],
    config: Config,
    *,
    store: StoreApi,
    clock: Clock = utc_now,
    site_url: str = "",
    resend: bool = False,
    sleep: Sleep = time.sleep,
    deadline: Deadline | None = None,
) -> NotifyReport:
    """Send each digest to every target configured for its profile, once per day.

    No delivery outlasts ``deadline``: one still waiting for its peer then is reported as
    failed (and sent again by the next run), never waited for.
    """
    settings = config.notify
    if not settings.enabled:
        return NotifyReport()
    profiles = {p.name: p for p in resolve_profiles(config)}
    deliveries: list[Delivery] = []
    for digest in digests:
        day, name = digest.announced_on, digest.profile
        for target in targets_for(config, name):
            if not resend and store.was_notified(name, target.name, day):
                deliveries.append(_already(target, name, day))
                continue
            if not digest.papers and settings.on_empty == "skip":
                deliveries.append(
                    Delivery(target.name, name, day, True, True, "no paper kept today")
                )
                continue
            url = _profile_site_url(site_url or config.output.site_url, profiles.get(name))
            delivery = _deliver(
                target,
                _digest_message(digest, settings.top_n, url),
                name,
                day,
                clock,
                sleep,
                settings.max_retries,
                deadline or Deadline.never(),
            )
            if delivery.ok:
                store.mark_notified(name, target.name, day, clock())
            deliveries.append(delivery)
    return NotifyReport(tuple(deliveries))


def notify_no_announcement(
    profiles: Sequence[str | Profile],
    day: date,
    config: Config,
    *,
    store: StoreApi,
    clock: Clock = utc_now,
    next_expected: datetime | None = None,
    resend: bool = False,
    sleep: Sleep = time.sleep,
) -> NotifyReport:
    """Send the one-line "no announcement" notice when ``notify.on_empty`` is ``notice``.

    One message per target, covering every listed profile the target serves; recorded
    per profile, so the notice, like a digest, goes out once per day.
    """
    settings = config.notify
    if not settings.enabled or settings.on_empty != "notice":
        return NotifyReport()
    names = [p if isinstance(p, str) else p.name for p in profiles]
    line = no_announcement_text(day, next_expected)
    subject = f"arXiv digest {day.isoformat()}: no announcement"
    message = _notice_message(subject, line)
    deliveries: list[Delivery] = []
    for target in config.notify.targets:
        served = [n for n in names if _serves(target, n)]
        pending = [n for n in served if resend or not store.was_notified(n, target.name, day)]
        if served and not pending:
            deliveries.append(_already(target, ",".join(served), day))
        if not pending:
            continue
        delivery = _deliver(
            target, message, ",".join(pending), day, clock, sleep, settings.max_retries
        )
        if delivery.ok:
            for name in pending:
                store.mark_notified(name, target.name, day, clock())
        deliveries.append(delivery)
    return NotifyReport(tuple(deliveries))


def send_test(
    config: Config, *, profile: str | None = None, clock: Clock = utc_now
) -> NotifyReport:
    """One test message to each configured target (of ``profile`` when given), no retries.

    Sent even when ``notify.enabled`` is false: the user asked for it explicitly.
    """
    deliveries: list[Delivery] = []
    for target in config.notify.targets:
        if profile is not None and not _serves(target, profile):
            continue
        subject = "arxivbot test message"
        line = (
            f"Test message from arxivbot to target '{target.name}' at "
            f"{clock().strftime('%Y-%m-%d %H:%M UTC')}: this target is configured correctly."
        )
        message = _notice_message(subject, line)
        deliveries.append(
            _deliver(target, message, profile or "", None, clock, time.sleep, retries=0)
        )
    return NotifyReport(tuple(deliveries))


def targets_for(config: Config, profile: str) -> list[NotifyTarget]:
    """The targets that serve ``profile`` (a target without ``profiles`` serves all)."""
    return [t for t in config.notify.targets if _serves(t, profile)]


# ---------------------------------------------------------------- delivery


def _deliver(
    target: NotifyTarget,
    message: Message,
    profile: str,
    day: date | None,
    clock: Clock,
    sleep: Sleep,
    retries: int,
    deadline: Deadline | None = None,
) -> Delivery:
    """Send one message to one target with retries; a failure becomes ``ok=False``."""
    deadline = deadline or Deadline.never()
    where = redact_url(target.url)
    secrets: tuple[str, ...] = ()
    attempts = 0
    try:
        url, secrets = expand_url(target.url)
        secrets += url_secrets(url)
        send = notifier_for(url).send(url, message, clock)
        for attempt in range(retries + 1):
            attempts = attempt + 1
            try:
                sent = _within(send, deadline)
                return Delivery(target.name, profile, day, True, message=sent, attempts=attempts)
            except NotifyError as exc:
                delay = min(BACKOFF_BASE * 2**attempt, BACKOFF_CAP)
                if attempt == retries or not deadline.sleep_allowed(delay):
                    raise
                logger.info(
                    "notify %s (%s): %s; retrying in %.0fs",
                    target.name,
                    where,
                    scrub(str(exc), secrets),
                    delay,
                )
                sleep(delay)
    except NotifyError as exc:
        error = f"{where}: {scrub(str(exc), secrets)}"
    except Exception as exc:  # a bug in a plugin must not stop the other targets
        error = f"{where}: unexpected {type(exc).__name__}: {scrub(str(exc), secrets)}"
    logger.warning("notify %s failed: %s", target.name, error)
    return Delivery(target.name, profile, day, False, error=error, attempts=attempts)


def _within(send: Callable[[], str], deadline: Deadline) -> str:
    """``send()``, given up at the deadline: SMTP and chat libraries time out per read only,
    so a peer dripping one line at a time would hold the run for ever. The abandoned
    thread is a daemon: it ends with its socket, or with the process."""
    if deadline.expired():
        raise NotifyError("not sent: the run's deadline was reached")
    if deadline.remaining() == float("inf"):
        return send()
    box: dict[str, object] = {}

    def work() -> None:
        try:
            box["sent"] = send()
        except BaseException as exc:  # handed to the caller's thread below
            box["error"] = exc

    worker = threading.Thread(target=work, name="notify-send", daemon=True)
    worker.start()
    worker.join(deadline.remaining())
    if worker.is_alive():
        raise NotifyError("no answer before the run's deadline; abandoned (sent next run)")
    error = box.get("error")
    if isinstance(error, BaseException):
        raise error
    return str(box.get("sent", ""))


# ---------------------------------------------------------------- helpers


def _digest_message(digest: Digest, top_n: int, site_url: str) -> Message:
    def chat(style: Style, limit: int) -> tuple[str, ...]:
        return render_digest(digest, style, top_n=top_n, site_url=site_url, limit=limit).parts

    return Message(
        digest_title(digest), lambda: digest_email(digest, top_n=top_n, site_url=site_url), chat
    )


def _notice_message(subject: str, line: str) -> Message:
    def chat(_style: Style, _limit: int) -> tuple[str, ...]:
        return (line,)

    return Message(subject, lambda: notice_email(subject, line), chat)


def _serves(target: NotifyTarget, profile: str) -> bool:
    return not target.profiles or profile in target.profiles


def _already(target: NotifyTarget, profile: str, day: date) -> Delivery:
    return Delivery(
        target.name, profile, day, True, True, "already sent for this day (resend to repeat)"
    )


def _profile_site_url(site_url: str, profile: Profile | None) -> str:
    """The digest's page: ``<site>/<profile subdir>/`` for a non-default profile."""
    if not site_url or profile is None or not profile.output_subdir:
        return site_url
    return f"{profile_url(site_url, profile)}/"
