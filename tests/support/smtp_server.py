"""A real SMTP server on loopback (aiosmtpd) that captures every message it accepts.

``with SmtpServer() as smtp: ... smtp.messages[0].message["Subject"]``. Optional STARTTLS
(``tls_context``), implicit TLS (``ssl_context``) and LOGIN/PLAIN authentication
(``users={"user": "password"}``); the credentials a client logged in with are recorded.
"""

from __future__ import annotations

import ssl
import subprocess
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, cast

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from support.live import free_port


@dataclass
class CapturedMail:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    login: str | None

    @property
    def message(self) -> EmailMessage:
        return cast(EmailMessage, message_from_bytes(self.content, policy=policy.default))


@dataclass
class _Handler:
    messages: list[CapturedMail] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        login = session.auth_data if session.authenticated else None
        mail = CapturedMail(
            envelope.mail_from,
            list(envelope.rcpt_tos),
            bytes(envelope.original_content or envelope.content),
            login.decode() if isinstance(login, bytes) else None,
        )
        with self.lock:
            self.messages.append(mail)
        return "250 OK"


def closed_port() -> int:
    """A loopback port nobody listens on (connections are refused)."""
    return free_port()


class SmtpServer:
    def __init__(
        self,
        *,
        users: dict[str, str] | None = None,
        tls_context: ssl.SSLContext | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.handler = _Handler()
        self.users = users or {}
        self.port = free_port()
        kwargs: dict[str, Any] = {"auth_require_tls": False}
        if users is not None:
            kwargs["authenticator"] = self._authenticate
        if tls_context is not None:
            kwargs["tls_context"] = tls_context
        self._controller = Controller(
            self.handler,
            hostname="127.0.0.1",
            port=self.port,
            ssl_context=ssl_context,
            server_hostname="127.0.0.1",
            **kwargs,
        )

    def _authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            user, password = auth_data.login.decode(), auth_data.password.decode()
            if self.users.get(user) == password:
                return AuthResult(success=True, auth_data=auth_data.login)
        return AuthResult(success=False, handled=False)

    @property
    def messages(self) -> list[CapturedMail]:
        with self.handler.lock:
            return list(self.handler.messages)

    def __enter__(self) -> SmtpServer:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()


def self_signed_cert(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (made with the openssl CLI); returns (cert, key)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def server_tls_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context
