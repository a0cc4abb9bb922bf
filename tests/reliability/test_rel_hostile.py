"""Hostile input: markup in arXiv's fields, malformed configs, XML bombs, secrets.

Requests to the web server with path traversal, huge query strings, bad parameters and
missing/invalid admin tokens are covered in ``tests/server/test_web_security.py``,
``test_web_routes.py``, ``test_web_admin.py`` and ``test_web_server.py``; the report lists
them. Here the whole product runs on hostile data end to end.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markdown_it import MarkdownIt
from rel_helpers import (
    API_KEY,
    DATA,
    Describe,
    check_outputs_parse,
    check_store,
    edit_config,
    executable_markup,
    feed_html_fragments,
    last_report,
    point_env_at,
    readme_entries,
    report_text,
    run_args,
    run_cli,
    snapshot,
)

from arxivbot.config import load_config
from arxivbot.server import create_app
from support.arxiv_server import ArxivServer
from support.httpserver import static
from support.llm_server import FakeLlm, always, server_error

ADMIN_TOKEN = "adm-rel-SECRET-7f3a9c"
SMTP_PASSWORD = "smtp-rel-SECRET-5b2e"


def serve_feed(arxiv: ArxivServer, body: bytes) -> None:
    arxiv.route("/rss/", static(body, "application/rss+xml"))


# -- markup in titles, abstracts and authors -------------------------------------------------
@pytest.fixture(scope="module")
def hostile_out(
    baseline: Path, arxiv: ArxivServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, str]]:
    """One run over the hand-made hostile day; the tests below inspect what it published."""
    from rel_helpers import copy_world

    world = copy_world(baseline, tmp_path_factory.mktemp("hostile") / "world")
    edit_config(world, min_score=0)  # every hostile paper reaches the digest
    routes = list(arxiv.local.routes)
    with pytest.MonkeyPatch.context() as patch:
        point_env_at(patch, arxiv)
        serve_feed(arxiv, (DATA / "hostile-day.rss.xml").read_bytes())
        result = run_cli(*run_args(world))
    arxiv.local.routes[:] = routes
    yield world, f"{result.code}\n{result.text}"


def test_hostile_fields_keep_the_readme_layout(
    hostile_out: tuple[Path, str], case: Describe
) -> None:
    case(
        "hostile input",
        "titles/abstracts/authors with <script>, javascript: links, headings, </details>, "
        "pipes, fences, template placeholders, RTL/zero-width characters, 20 KB fields",
        "exit 0; README numbered entries == papers kept, <details> balanced, no executable "
        "markup once rendered as GitHub does",
    )
    world, output = hostile_out
    assert output.startswith("0\n"), output
    out = world / "out"
    readme = (out / "README.md").read_text()
    kept = json.loads((out / "papers.json").read_text())["papers"]
    assert len(kept) == 8
    assert readme_entries(readme) == list(range(1, 9))
    assert readme.count("#### Abstract") == 8
    assert readme.count("<details>") == readme.count("</details>")
    for heading in ("## 📊 Statistics", "## 📚 Recent Papers", "## 🔧 Configuration"):
        assert readme.count(heading) == 1
    rendered = MarkdownIt("commonmark", {"html": True}).render(readme)
    assert executable_markup(rendered) == []
    assert "{{PAPERS_SECTION}}" not in readme.split("## 📚 Recent Papers")[0]
    check_outputs_parse(out)
    check_store(world / "db.sqlite3")


def test_hostile_fields_are_inert_in_site_and_feeds(
    hostile_out: tuple[Path, str], case: Describe
) -> None:
    case(
        "hostile input",
        "the same hostile day, in every HTML page, RSS/Atom item and JSON Feed item",
        "no inline/cross-origin script, no on* attribute, no javascript: URL, no frame",
    )
    out = hostile_out[0] / "out"
    pages = list(out.rglob("*.html"))
    assert len(pages) > 5
    for page in pages:
        assert executable_markup(page.read_text()) == [], page
    for feed in [*out.glob("*.xml"), *out.glob("rss/*.xml"), *out.glob("atom/*.xml")]:
        for fragment in feed_html_fragments(feed):
            assert executable_markup(fragment) == [], feed
    for item in json.loads((out / "feed.json").read_text())["items"]:
        assert executable_markup(item.get("content_html", "")) == []


# -- malformed configuration ---------------------------------------------------------------
CONFIGS = [
    ("bad JSON (trailing comma)", "config.json", '{"categories": ["cs.AI"],}', "not valid JSON"),
    ("bad TOML", "config.toml", 'categories = ["cs.AI"\nkeywords = 3', "not valid TOML"),
    ("wrong type: max_papers = \"thirty\"", "config.json", '{"max_papers": "thirty"}',
     "max_papers"),
    ("wrong nested type: ai_summary.max_workers = 0", "config.json",
     '{"ai_summary": {"max_workers": 0}}', "ai_summary.max_workers"),
    ("wrong value: categories = [\"not a category!\"]", "config.json",
     '{"categories": ["not a category!"]}', "categories"),
    ("wrong value: sources.timeout_seconds = -1", "config.toml",
     "[sources]\ntimeout_seconds = -1\n", "sources.timeout_seconds"),
    ("bad cron: server.schedule = \"every day\"", "config.json",
     '{"server": {"schedule": "every day"}}', "server.schedule"),
    ("a list instead of an object", "config.json", '["cs.AI"]', "must hold an object"),
    ("not UTF-8", "config.json", b'{"keywords": ["\xff\xfe"]}', "config.json"),
    ("missing prompt_file", "config.json",
     '{"categories": ["cs.AI", "cs.CL", "cs.DC", "cs.LG"], "ai_summary": {"enabled": true, '
     '"api_key_env": "DASHSCOPE_API_KEY", "prompt_file": "nope.txt"}}', "ai_summary.prompt_file"),
]  # fmt: skip


@pytest.mark.parametrize(
    "what,name,text,key",
    CONFIGS,
    ids=[str(c.values[0] if isinstance(c, type(pytest.param(0))) else c[0]) for c in CONFIGS],
)
def test_malformed_config_exits_2_naming_the_key(
    tmp_path: Path,
    arxiv: ArxivServer,
    monkeypatch: pytest.MonkeyPatch,
    what: str,
    name: str,
    text: str | bytes,
    key: str,
    case: Describe,
) -> None:
    case("config", what, f"exit 2, message names '{key}', no traceback, nothing written")

    point_env_at(monkeypatch, arxiv)
    monkeypatch.setenv("DASHSCOPE_API_KEY", API_KEY)
    monkeypatch.chdir(tmp_path)
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    result = run_cli("run", "--config", str(path), "--db", "db.sqlite3", "--output", "out")
    assert result.code == 2, result.text
    assert key in result.text
    assert not (tmp_path / "out").exists()


def test_unknown_keys_are_warned_by_name(world: Path, case: Describe) -> None:
    case("config", "unknown keys at top level and nested (typos)",
         "exit 0, one warning naming each key (dotted path)")  # fmt: skip
    edit_config(world, keywrods=["x"], sources={"timout_seconds": 3})
    result = run_cli(*run_args(world, "--dry-run"))
    assert result.code == 0, result.text
    assert "keywrods" in result.text and "sources.timout_seconds" in result.text


# -- XML bombs and external entities -----------------------------------------------------------
XML_ATTACKS = [
    ("billion laughs (7 levels of nested entities)", "billion-laughs.rss.xml"),
    ("external entity: SYSTEM file:// canary", "external-entity.rss.xml.in"),
    ("external DTD: <!DOCTYPE rss SYSTEM file://canary>", "external-dtd.rss.xml.in"),
    ("parameter entity after 70 KB of padding", "parameter-entity.rss.xml.in"),
]


@pytest.mark.parametrize("what,name", XML_ATTACKS, ids=["laughs", "xxe", "dtd", "param"])
def test_xml_attacks_are_refused_and_nothing_is_read(
    world: Path, arxiv: ArxivServer, tmp_path: Path, what: str, name: str, case: Describe
) -> None:
    case(
        "hostile input",
        f"feed: {what}",
        "refused with a message (exit 1, outputs kept) or parsed inertly (exit 0); "
        "no entity expanded, the canary file's content appears nowhere (output, store, files)",
        "nothing: previous digest kept",
    )
    canary = tmp_path / "canary.txt"
    canary.write_text("CANARY-b7e1-SECRET-FILE-CONTENT")
    body = (DATA / name).read_text()
    body = body.replace("@CANARY@", str(canary)).replace("@PADDING@", " " * 70_000)
    before = snapshot(world / "out")
    serve_feed(arxiv, body.encode())
    result = run_cli(*run_args(world))
    if result.code == 0:  # parsed inertly: an unresolved reference, nothing loaded
        assert "DOCTYPE rss SYSTEM" in body
    else:
        assert result.code == 1, result.text
        assert "entities" in result.text or "malformed XML" in result.text
        assert snapshot(world / "out") == before
    check_store(world / "db.sqlite3")
    assert "aaaaaaaaaa" * 10 not in result.text
    dump = "\n".join(sqlite3.connect(world / "db.sqlite3").iterdump())
    published = "".join(p.read_text(errors="replace") for p in (world / "out").rglob("*.*"))
    for blob in (result.text, dump, report_text(last_report(world / "db.sqlite3")), published):
        assert "CANARY-b7e1" not in blob


# -- secrets ---------------------------------------------------------------------------------
@pytest.fixture
def secret_env(world: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DASHSCOPE_API_KEY", API_KEY)
    monkeypatch.setenv("ARXIVBOT_ADMIN_TOKEN", ADMIN_TOKEN)
    monkeypatch.setenv("REL_SMTP_PASSWORD", SMTP_PASSWORD)
    edit_config(
        world,
        notify={
            "max_retries": 0,
            "targets": [
                {"name": "mail", "url": "mailtos://bot:${REL_SMTP_PASSWORD}@127.0.0.1:9/?to=a@b.c"},
                {"name": "chat", "url": f"json://127.0.0.1:9/hook/{SMTP_PASSWORD}"},
            ],
        },
    )
    return world


def everything_published(world: Path) -> str:
    files = "\n".join(
        p.read_text(errors="replace") for p in (world / "out").rglob("*") if p.is_file()
    )
    dump = "\n".join(sqlite3.connect(world / "db.sqlite3").iterdump())
    return files + dump


def test_no_secret_leaks_from_a_failing_run(
    secret_env: Path, arxiv: ArxivServer, case: Describe
) -> None:
    case(
        "secrets",
        "API key, admin token and an SMTP password (notify URL ${VAR}) in the environment; "
        "LLM answers 500, both notification targets unreachable, -vv logging",
        "the values appear in no CLI output or log line, store row, output file, /config, "
        "/health or error response",
    )
    with FakeLlm(fault=always(server_error)) as llm:
        edit_config(
            secret_env,
            ai_summary={
                "enabled": True,
                "base_url": llm.base_url,
                "mode": "abstract",
                "max_retries": 0,
            },
        )
        arxiv.set_day("2026-06-03")
        world = secret_env
        args = run_args(world, "-vv")
        args.remove("--no-notify")
        result = run_cli(*args)
    assert result.code == 0, result.text
    assert "notify" in report_text(last_report(world / "db.sqlite3"))  # the failure is reported
    loaded = load_config(world / "config.json")
    app = create_app(loaded, db_path=world / "db.sqlite3", output_dir=world / "out")
    with TestClient(app, raise_server_exceptions=False) as client:
        replies = [client.get(p) for p in ("/config", "/health", "/api/papers", "/nope", "/rss")]
        replies.append(client.post("/admin/refresh", headers={"Authorization": "Bearer wrong"}))
        replies.append(client.post("/admin/refresh"))
    bodies = "\n".join(r.text + json.dumps(dict(r.headers)) for r in replies)
    for secret in (API_KEY, ADMIN_TOKEN, SMTP_PASSWORD):
        for where, blob in (("CLI", result.text), ("files/store", everything_published(world)),
                            ("server", bodies)):  # fmt: skip
            assert secret not in blob, f"{secret} leaked into {where}"


def test_provider_echoing_the_key_does_not_leak_it(
    world: Path, monkeypatch: pytest.MonkeyPatch, case: Describe
) -> None:
    case(
        "secrets",
        "the LLM provider's 401 error message echoes the whole API key",
        "the key's value appears in no CLI output, run report or store row",
    )
    from support.llm_server import _error

    monkeypatch.setenv("DASHSCOPE_API_KEY", API_KEY)
    echo = always(lambda: _error(401, "invalid_api_key", f"Incorrect API key provided: {API_KEY}"))
    with FakeLlm(fault=echo) as llm:
        edit_config(
            world, ai_summary={"enabled": True, "base_url": llm.base_url, "mode": "abstract"}
        )
        result = run_cli(*run_args(world))
    assert result.code == 4, result.text
    assert API_KEY not in result.text
    assert API_KEY not in everything_published(world)
