"""E-mail notifications: ``mailto://`` / ``mailtos://`` target URLs, the message, SMTP delivery.

Why the standard library and not Apprise's e-mail plugin: checked against a loopback
``aiosmtpd`` server, Apprise 2.3 sends one SMTP transaction per recipient and derives the
plain-text part from the HTML itself; we want one message to every recipient (one ``To``
header) and a plain-text part written for reading, next to an inline-styled HTML part.
``smtplib`` + ``email.message.EmailMessage`` give exactly that with full control of TLS.

URL shape (secrets via ``${VAR}``, expanded before parsing)::

    mailto://user:${SMTP_PASSWORD}@smtp.example.com:587?to=a@x.org,b@y.org&from=bot@x.org
    mailtos://user:${SMTP_PASSWORD}@smtp.example.com?to=a@x.org          (implicit TLS, 465)

``mode`` overrides the transport: ``starttls`` (default of ``mailto``, port 587; the server
must offer STARTTLS), ``ssl`` (default of ``mailtos``, port 465) or ``none`` (plain SMTP,
port 25 — only for a relay on a trusted network). ``cc``/``bcc``/``name`` are accepted too.
"""

from __future__ import annotations

import html
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

from arxivbot.errors import NotifyError
from arxivbot.models import Digest
from arxivbot.notify.format import (
    PaperItem,
    counts_line,
    digest_title,
    paper_items,
    safe_link,
)

EMAIL_SCHEMES = ("mailto", "mailtos")
_DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    mode: str  # "starttls" | "ssl" | "none"
    user: str
    password: str
    sender: str
    sender_name: str
    to: tuple[str, ...]
    cc: tuple[str, ...] = ()
    bcc: tuple[str, ...] = ()

    @property
    def recipients(self) -> tuple[str, ...]:
        return self.to + self.cc + self.bcc


@dataclass(frozen=True)
class EmailContent:
    subject: str
    text: str
    html: str


def is_email_url(url: str) -> bool:
    return urlsplit(url).scheme.lower() in EMAIL_SCHEMES


def parse_smtp_url(url: str) -> SmtpTarget:
    """Parse an expanded ``mailto(s)://`` URL; errors never repeat the URL (it holds secrets)."""
    parts = urlsplit(url)
    query = {k.lower(): v[-1] for k, v in parse_qs(parts.query).items()}
    mode = query.get("mode", "ssl" if parts.scheme.lower() == "mailtos" else "starttls").lower()
    if mode not in _DEFAULT_PORTS:
        raise NotifyError(f"unknown mode={mode!r}", hint="use mode=starttls, mode=ssl or mode=none")
    if not parts.hostname:
        raise NotifyError("the mailto URL names no SMTP host", hint="mailto://user:pass@host:587")
    try:
        port = parts.port or _DEFAULT_PORTS[mode]
    except ValueError as exc:
        raise NotifyError("the mailto URL has an invalid port") from exc
    user = unquote(parts.username or "")
    to = _addresses(query.get("to", ""))
    if not to:
        raise NotifyError("the mailto URL names no recipient", hint="add ?to=a@x.org,b@y.org")
    sender = query.get("from") or (user if "@" in user else f"arxivbot@{parts.hostname}")
    return SmtpTarget(
        host=parts.hostname,
        port=port,
        mode=mode,
        user=user,
        password=unquote(parts.password or ""),
        sender=sender,
        sender_name=query.get("name", "arxivbot"),
        to=to,
        cc=_addresses(query.get("cc", "")),
        bcc=_addresses(query.get("bcc", "")),
    )


def _addresses(value: str) -> tuple[str, ...]:
    found = tuple(a.strip() for a in value.replace(";", ",").split(",") if a.strip())
    for address in found:
        if "@" not in address or any(c in address for c in " <>\r\n"):
            raise NotifyError(f"{address!r} is not an e-mail address")
    return found


# ---------------------------------------------------------------- content


def digest_email(digest: Digest, *, top_n: int, site_url: str) -> EmailContent:
    items = paper_items(digest, top_n)
    more = len(digest.papers) - len(items)
    return EmailContent(
        subject=digest_title(digest),
        text=_digest_text(digest, items, site_url, more),
        html=_digest_html(digest, items, site_url, more),
    )


def notice_email(subject: str, line: str) -> EmailContent:
    body = f'<p style="{_P}">{html.escape(line)}</p>'
    return EmailContent(subject=subject, text=line + "\n", html=_page(html.escape(subject), body))


def _digest_text(digest: Digest, items: tuple[PaperItem, ...], site_url: str, more: int) -> str:
    lines = [digest_title(digest), counts_line(digest), ""]
    if not items:
        lines += ["No paper matched your interests today.", ""]
    for item in items:
        lines += [f"{item.rank}. {item.title}", f"   {item.authors}", f"   {item.url}"]
        lines += [f"   Why: {item.why}"] if item.why else []
        lines += [f"   TL;DR: {item.tldr}"] if item.tldr else []
        lines.append("")
    if more > 0:
        lines.append(f"{more} more paper{'s' if more != 1 else ''} in the full digest.")
    if safe_link(site_url):
        lines.append(f"Full digest: {site_url}")
    return "\n".join(lines).rstrip() + "\n"


# Inline styles only: many clients drop <style> blocks and block external resources.
_P = "margin:0 0 12px 0;font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222;"
_MUTED = "color:#666;font-size:13px;"
_H1 = "font-family:Arial,Helvetica,sans-serif;font-size:18px;color:#111;"
_LINK = "color:#1a56a8;text-decoration:none;font-weight:bold;"


def _digest_html(digest: Digest, items: tuple[PaperItem, ...], site_url: str, more: int) -> str:
    esc = html.escape
    title = esc(digest_title(digest))
    rows = [f'<p style="{_P}{_MUTED}">{esc(counts_line(digest))}</p>']
    if not items:
        rows.append(f'<p style="{_P}">No paper matched your interests today.</p>')
    for item in items:
        url = safe_link(item.url)
        head = (
            f'<a href="{esc(url)}" style="{_LINK}">{esc(item.title)}</a>'
            if url
            else esc(item.title)
        )
        extra = ""
        if item.why:
            extra += f'<br><span style="{_MUTED}">Why: {esc(item.why)}</span>'
        if item.tldr:
            extra += f"<br>{item.tldr_html or esc(item.tldr)}"  # already escaped
        rows.append(
            f'<p style="{_P}">{item.rank}. {head}<br>'
            f'<span style="{_MUTED}">{esc(item.authors)}</span>{extra}</p>'
        )
    if more > 0:
        rows.append(
            f'<p style="{_P}">{more} more paper{"s" if more != 1 else ""} in the digest.</p>'
        )
    link = safe_link(site_url)
    if link:
        rows.append(f'<p style="{_P}"><a href="{esc(link)}" style="{_LINK}">Full digest</a></p>')
    return _page(title, "\n".join(rows))


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>{title}</title></head>\n"
        '<body style="margin:0;padding:16px;background:#ffffff;">\n'
        '<div style="max-width:680px;margin:0 auto;">\n'
        f'<h1 style="{_H1}">{title}</h1>\n'
        f"{body}\n</div>\n</body></html>\n"
    )


# ---------------------------------------------------------------- delivery


def build_message(target: SmtpTarget, content: EmailContent, *, when_header: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = content.subject
    message["From"] = Address(display_name=target.sender_name, addr_spec=target.sender)
    message["To"] = ", ".join(target.to)
    if target.cc:
        message["Cc"] = ", ".join(target.cc)
    message["Date"] = when_header
    message["Message-ID"] = make_msgid(domain=target.sender.rpartition("@")[2] or None)
    message["X-Mailer"] = "arxivbot"
    message.set_content(content.text)
    message.add_alternative(content.html, subtype="html")
    return message


def send_email(
    target: SmtpTarget, content: EmailContent, *, when_header: str, timeout: float = 30.0
) -> str:
    """Deliver one message to every recipient in one SMTP transaction; return a short report."""
    message = build_message(target, content, when_header=when_header)
    context = ssl.create_default_context()
    try:
        smtp: smtplib.SMTP
        if target.mode == "ssl":
            smtp = smtplib.SMTP_SSL(target.host, target.port, timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(target.host, target.port, timeout=timeout)
        with smtp:
            _secure_and_login(smtp, target, context)
            refused = smtp.send_message(message, target.sender, list(target.recipients))
    except smtplib.SMTPAuthenticationError as exc:
        raise NotifyError(
            f"SMTP login refused ({exc.smtp_code})", hint="check user/password"
        ) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise NotifyError(f"SMTP delivery failed: {type(exc).__name__}: {exc}") from exc
    accepted = len(target.recipients) - len(refused)
    return f"e-mail sent to {accepted} recipient{'s' if accepted != 1 else ''}"


def _secure_and_login(smtp: smtplib.SMTP, target: SmtpTarget, context: ssl.SSLContext) -> None:
    smtp.ehlo()
    if target.mode == "starttls":
        if not smtp.has_extn("starttls"):
            raise NotifyError(
                f"{target.host}:{target.port} does not offer STARTTLS",
                hint="use mailtos:// (implicit TLS) or, on a trusted network only, ?mode=none",
            )
        smtp.starttls(context=context)
        smtp.ehlo()
    if target.user or target.password:
        smtp.login(target.user, target.password)


def date_header(moment: datetime) -> str:
    """RFC 5322 date for the Date header, from the injected clock."""
    return format_datetime(moment)
