"""Notification content: authors, TL;DR, escaping per markup, splitting within limits."""

from __future__ import annotations

import pytest
from apprise.plugins.slack import NotifySlack
from notify_helpers import HOSTILE_TITLE, digest

from arxivbot.errors import NotifyError
from arxivbot.notify.format import (
    Style,
    escape,
    render_digest,
    short_authors,
    split_parts,
    tldr,
)
from arxivbot.notify.service import expand_url
from arxivbot.notify.smtp import parse_smtp_url
from arxivbot.secrets import redact_url


def test_short_authors() -> None:
    assert short_authors(["A", "B"]) == "A, B"
    assert short_authors(["A", "B", "C", "D"]) == "A, B, C et al."


def test_tldr_skips_headings_and_markup_and_falls_back_to_abstract() -> None:
    text = "# Title\n\n## TL;DR\n- **Fast** agents.\n---\nSecond line.\n## Method\nDetails."
    assert tldr(text, "abstract") == "Fast agents. Second line."
    assert tldr(None, "An abstract " * 40).endswith("…")
    assert len(tldr(None, "An abstract " * 40)) <= 200
    assert tldr("## Only a heading", "the abstract") == "the abstract"


def test_markdown_escape_neutralises_markup_and_mentions() -> None:
    out = escape(HOSTILE_TITLE, Style.MARKDOWN)
    for raw in ("<script>", "*bold*", "[x](", "@everyone"):
        assert raw not in out
    assert r"\<script\>" in out and "@\u200beveryone" in out
    # Apprise's Slack dialect keeps the escaped text literal (no raw <...> control sequences)
    slack = NotifySlack._commonmark_to_slack(out)
    assert "<script>" not in slack and "&lt;script&gt;" in slack


def test_html_escape() -> None:
    out = escape(HOSTILE_TITLE, Style.HTML)
    assert "<script>" not in out and "&lt;script&gt;" in out


@pytest.mark.parametrize(("style", "limit"), [(Style.MARKDOWN, 2000), (Style.HTML, 4096),
                                              (Style.TEXT, 1000)])  # fmt: skip
def test_long_digest_is_split_within_limit(style: Style, limit: int) -> None:
    rendered = render_digest(digest(40), style, top_n=40, site_url="https://x.org/", limit=limit)
    assert len(rendered.parts) > 1
    assert all(len(part) <= limit for part in rendered.parts)
    joined = "\n".join(rendered.parts)
    assert all(f"2503.{n:05d}" in joined for n in range(1, 41))  # no paper lost at a split
    assert "https://x.org/" in rendered.parts[-1]


def test_top_n_and_more_line() -> None:
    rendered = render_digest(digest(12), Style.TEXT, top_n=5, site_url="", limit=10_000)
    (body,) = rendered.parts
    assert "5. " in body and "6. " not in body and "7 more papers in the full digest" in body


def test_oversized_block_is_cut_on_a_line() -> None:
    parts = split_parts("head", ["line one\n" + "x" * 500], "", limit=100)
    assert all(len(p) <= 100 for p in parts) and parts[-1].endswith("…")


def test_non_http_site_url_is_not_linked() -> None:
    hook = "javascript:alert(1)"
    rendered = render_digest(
        digest(1, hostile=False), Style.HTML, top_n=5, site_url=hook, limit=4096
    )
    assert "javascript:" not in rendered.parts[0]


def test_expand_url_quotes_values_inside_and_keeps_whole_url() -> None:
    env = {"PW": "p@ss/word", "HOOK": "https://hooks.example/T/B?x=1"}
    url, secrets = expand_url("mailto://u:${PW}@h?to=a@b.c", env)
    assert url == "mailto://u:p%40ss%2Fword@h?to=a@b.c" and secrets == ("p@ss/word",)
    assert expand_url("${HOOK}", env)[0] == env["HOOK"]
    with pytest.raises(NotifyError, match="MISSING is not set"):
        expand_url("json://h/${MISSING}", env)
    assert parse_smtp_url(url).password == "p@ss/word"


def test_redact_url_hides_tokens() -> None:
    assert redact_url("mailto://u:pw@smtp.x.org:587?to=a@b.c") == "mailto://smtp.x.org:587"
    assert redact_url("tgram://123456:ABCDEF/987") == "tgram://…"
    assert redact_url("discord://webhook_id/webhook_token") == "discord://…"


def test_smtp_url_errors() -> None:
    with pytest.raises(NotifyError, match="no recipient"):
        parse_smtp_url("mailto://u:p@h")
    with pytest.raises(NotifyError, match="mode"):
        parse_smtp_url("mailto://h?to=a@b.c&mode=tls13")
    target = parse_smtp_url("mailtos://bot%40x.org:pw@h?to=a@b.c;d@e.f")
    assert (target.port, target.mode, target.sender) == (465, "ssl", "bot@x.org")
    assert target.to == ("a@b.c", "d@e.f")
