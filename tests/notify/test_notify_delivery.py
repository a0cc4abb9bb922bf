"""Notifications delivered to real loopback servers: SMTP (aiosmtpd) and an HTTP webhook."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from notify_helpers import DAY, HOSTILE_TITLE, NOW, config, digest, mail_url

from arxivbot.clock import fixed_clock
from arxivbot.notify.service import notify_digests, notify_no_announcement, send_test
from arxivbot.store import open_store
from arxivbot.store.api import StoreApi
from support.httpserver import LocalServer, Reply, sequence, static
from support.smtp_server import (
    SmtpServer,
    closed_port,
    self_signed_cert,
    server_tls_context,
)

SECRET = "s3cr3t-pa@ss/word"
CLOCK = fixed_clock(NOW)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[StoreApi]:
    s = open_store(tmp_path / "db.sqlite3")
    yield s
    s.close()


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTP_PASSWORD", SECRET)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer(users={"bot": SECRET}) as server:
        yield server


@pytest.fixture
def webhook() -> Iterator[LocalServer]:
    with LocalServer() as server:
        server.route("/hook", static(b"{}", "application/json"))
        yield server


def _json_url(server: LocalServer, path: str = "/hook") -> str:
    return server.url.replace("http://", "json://") + path


def _payloads(server: LocalServer, prefix: str = "/hook") -> list[dict[str, str]]:
    return [json.loads(r.body) for r in server.requests(prefix)]


def test_email_and_webhook_each_get_one_message(
    smtp: SmtpServer, webhook: LocalServer, store: StoreApi
) -> None:
    cfg = config(
        [
            {"name": "mail", "url": mail_url(smtp.port)},
            {"name": "hook", "url": _json_url(webhook)},
        ]
    )
    report = notify_digests([digest()], cfg, store=store, clock=CLOCK, site_url="https://x.org/")
    assert report.ok and len(report.sent) == 2, report

    (mail,) = smtp.messages
    assert sorted(mail.rcpt_tos) == ["a@x.org", "b@y.org"]
    assert mail.login == "bot"  # ${SMTP_PASSWORD} was expanded and accepted
    msg = mail.message
    assert msg["Subject"] == "arXiv digest 2025-03-04: 3 papers"
    assert msg["To"] == "a@x.org, b@y.org"
    assert msg.get_content_type() == "multipart/alternative"
    plain = msg.get_body(("plain",))
    rich = msg.get_body(("html",))
    assert plain is not None and rich is not None
    text, markup = plain.get_content(), rich.get_content()
    assert HOSTILE_TITLE in text  # plain text shows the title as it is
    assert "fetched 812 · new 420 · cross 120 · kept 3" in text
    assert "TL;DR: Agents learn <b>fast</b> from few samples." in text
    assert "Author1_0 Surname, Author1_1 Surname, Author1_2 Surname et al." in text
    assert "https://arxiv.org/abs/2503.00001" in text and "https://x.org/" in text
    assert "<script>" not in markup and "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    assert "javascript:" not in markup.replace("[x](javascript:y)", "")
    assert 'href="https://arxiv.org/abs/2503.00002"' in markup
    assert "<link" not in markup and "<img" not in markup  # no external resources

    (payload,) = _payloads(webhook)
    assert payload["title"] == "arXiv digest 2025-03-04: 3 papers"
    assert HOSTILE_TITLE in payload["message"]  # JSON: plain text, escaped by the encoder
    assert 'Why: "RL" in title (+1.50)' in payload["message"]
    assert "Full digest: https://x.org/" in payload["message"]


def test_repeated_run_sends_nothing_and_resend_forces(
    smtp: SmtpServer, webhook: LocalServer, store: StoreApi
) -> None:
    cfg = config([{"name": "mail", "url": mail_url(smtp.port)},
                  {"name": "hook", "url": _json_url(webhook)}])  # fmt: skip
    notify_digests([digest()], cfg, store=store, clock=CLOCK)
    again = notify_digests([digest()], cfg, store=store, clock=CLOCK)
    assert len(again.skipped) == 2 and not again.sent
    assert len(smtp.messages) == 1 and len(webhook.requests("/hook")) == 1

    forced = notify_digests([digest()], cfg, store=store, clock=CLOCK, resend=True)
    assert len(forced.sent) == 2
    assert len(smtp.messages) == 2 and len(webhook.requests("/hook")) == 2


def test_dead_targets_are_retried_then_reported_and_others_deliver(
    smtp: SmtpServer, store: StoreApi
) -> None:
    sleeps: list[float] = []
    with LocalServer() as broken:
        broken.route("/hook", sequence(Reply(500, b"boom")))
        cfg = config(
            [
                {"name": "dead-smtp", "url": mail_url(closed_port())},
                {"name": "http-500", "url": _json_url(broken)},
                {"name": "mail", "url": mail_url(smtp.port)},
            ],
            max_retries=2,
        )
        report = notify_digests([digest()], cfg, store=store, clock=CLOCK, sleep=sleeps.append)
        assert len(broken.requests("/hook")) == 3
    by_name = {d.target: d for d in report.deliveries}
    assert by_name["mail"].ok and len(smtp.messages) == 1
    for name in ("dead-smtp", "http-500"):
        failed = by_name[name]
        assert not failed.ok and failed.attempts == 3
        assert SECRET not in failed.error and "s3cr3t" not in failed.error
    assert by_name["dead-smtp"].error.startswith("mailto://127.0.0.1:")
    assert sleeps == [1.0, 2.0, 1.0, 2.0]
    assert [i.subject for i in report.issues] == ["dead-smtp", "http-500"]
    # failures are not recorded: the next run tries again
    assert not store.was_notified("default", "http-500", DAY)
    assert store.was_notified("default", "mail", DAY)


def test_missing_environment_variable_names_it(
    webhook: LocalServer, store: StoreApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SMTP_PASSWORD")
    sleeps: list[float] = []
    cfg = config([{"name": "mail", "url": mail_url(closed_port())},
                  {"name": "hook", "url": _json_url(webhook)}])  # fmt: skip
    report = notify_digests([digest()], cfg, store=store, clock=CLOCK, sleep=sleeps.append)
    (failed,) = report.failed
    assert failed.target == "mail" and "SMTP_PASSWORD is not set" in failed.error
    assert sleeps == []  # a config problem is not retried
    assert len(webhook.requests("/hook")) == 1


def test_secret_in_webhook_url_never_reported(store: StoreApi) -> None:
    port = closed_port()
    cfg = config([{"name": "hook", "url": f"json://user:${{SMTP_PASSWORD}}@127.0.0.1:{port}/x"}])
    report = notify_digests([digest()], cfg, store=store, clock=CLOCK, sleep=lambda _s: None)
    (failed,) = report.failed
    assert failed.error.startswith(f"json://127.0.0.1:{port}: ")
    assert "s3cr3t" not in failed.error and "pa%40ss" not in failed.error


def test_profile_targets_get_only_their_profile(webhook: LocalServer, store: StoreApi) -> None:
    target = {"name": "ml", "url": _json_url(webhook, "/hook/ml"), "profiles": ["ml"]}
    cfg = config([target], profiles={"ml": {}, "nlp": {}})
    report = notify_digests(
        [digest(profile="ml"), digest(profile="nlp")],
        cfg, store=store, clock=CLOCK, site_url="https://x.org/",
    )  # fmt: skip
    assert [d.profile for d in report.sent] == ["ml"]
    (payload,) = _payloads(webhook)
    assert payload["title"].endswith("[ml]") and "https://x.org/ml/" in payload["message"]


def test_empty_digest_skipped_or_sent_per_on_empty(webhook: LocalServer, store: StoreApi) -> None:
    targets = [{"name": "hook", "url": _json_url(webhook)}]
    skipped = notify_digests([digest(0)], config(targets), store=store, clock=CLOCK)
    assert skipped.skipped and not webhook.requests("/hook")
    sent = notify_digests([digest(0)], config(targets, on_empty="notice"), store=store, clock=CLOCK)
    assert sent.sent
    assert "No paper matched" in _payloads(webhook)[0]["message"]


def test_no_announcement_notice_once_per_day(
    smtp: SmtpServer, webhook: LocalServer, store: StoreApi
) -> None:
    targets = [{"name": "mail", "url": mail_url(smtp.port)},
               {"name": "hook", "url": _json_url(webhook)}]  # fmt: skip
    assert not notify_no_announcement(["default"], DAY, config(targets), store=store).deliveries

    cfg = config(targets, on_empty="notice")
    nxt = NOW.replace(day=5, hour=0)
    report = notify_no_announcement(
        ["default"], DAY, cfg, store=store, clock=CLOCK, next_expected=nxt
    )
    assert len(report.sent) == 2
    line = "No arXiv announcement on 2025-03-04 (weekend or holiday); next expected 2025-03-05"
    assert line in _payloads(webhook)[0]["message"]
    (mail,) = smtp.messages
    assert mail.message["Subject"] == "arXiv digest 2025-03-04: no announcement"
    assert mail.message.get_body(("html",)) is not None
    again = notify_no_announcement(["default"], DAY, cfg, store=store, clock=CLOCK)
    assert len(again.skipped) == 2 and len(smtp.messages) == 1


def test_send_test_reports_each_target(smtp: SmtpServer, webhook: LocalServer) -> None:
    cfg = config(
        [
            {"name": "mail", "url": mail_url(smtp.port)},
            {"name": "hook", "url": _json_url(webhook)},
            {"name": "bogus", "url": "nosuchservice://abc/def"},
        ],
        enabled=False,
    )
    report = send_test(cfg, clock=CLOCK)
    status = {d.target: d.ok for d in report.deliveries}
    assert status == {"mail": True, "hook": True, "bogus": False}
    assert "not a valid notification URL" in report.failed[0].error
    assert "test message" in smtp.messages[0].message["Subject"]
    assert "target 'hook'" in _payloads(webhook)[0]["message"]


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed_cert(tmp_path_factory.mktemp("tls"))


def test_starttls_and_implicit_tls(
    cert: tuple[Path, Path], store: StoreApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(cert[0]))  # our client trusts the test certificate
    context = server_tls_context(*cert)
    with (
        SmtpServer(users={"bot": SECRET}, tls_context=context) as starttls,
        SmtpServer(users={"bot": SECRET}, ssl_context=context) as implicit,
    ):
        url = f"mailto://bot:${{SMTP_PASSWORD}}@127.0.0.1:{starttls.port}?to=a@x.org"
        url_ssl = f"mailtos://bot:${{SMTP_PASSWORD}}@127.0.0.1:{implicit.port}?to=b@y.org"
        cfg = config([{"name": "starttls", "url": url}, {"name": "ssl", "url": url_ssl}])
        report = notify_digests([digest()], cfg, store=store, clock=CLOCK)
        assert report.ok, report
        assert starttls.messages[0].rcpt_tos == ["a@x.org"]
        assert implicit.messages[0].rcpt_tos == ["b@y.org"]


def test_starttls_required_when_not_offered(smtp: SmtpServer) -> None:
    url = f"mailto://bot:${{SMTP_PASSWORD}}@127.0.0.1:{smtp.port}?to=a@x.org"
    report = send_test(config([{"name": "mail", "url": url}]))
    (failed,) = report.failed
    assert "does not offer STARTTLS" in failed.error and "mode=none" in failed.error
    assert not smtp.messages
