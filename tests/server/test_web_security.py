"""Hostile content, path traversal, secrets, huge requests and error bodies."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest
from fastapi.testclient import TestClient
from lxml import etree
from web_world import CLOCK, HOSTILE_ID, SECRET_URL_PART, World, shared_world

from arxivbot.server import create_app

API_KEY = "sk-test-VERY-SECRET-KEY-0123"
ADMIN_TOKEN = "admin-SECRET-token-4567"


@pytest.fixture(scope="module")
def world(fixtures, tmp_path_factory) -> World:  # type: ignore[no-untyped-def]
    return shared_world(fixtures, tmp_path_factory)


@pytest.fixture
def client(world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("DASHSCOPE_API_KEY", API_KEY)
    monkeypatch.setenv("ARXIVBOT_TEST_ADMIN_TOKEN", ADMIN_TOKEN)
    app = create_app(world.loaded, db_path=world.db_path, output_dir=world.output_dir, clock=CLOCK)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


# -- hostile content ----------
PAGES = ["/", f"/papers/{HOSTILE_ID}.html", "/days/2026-06-02.html", "/search.html"]


def dangerous(markup: str) -> list[str]:
    """What in an HTML document or fragment could run script: inline <script>, on* handlers,
    javascript: URLs, frames and plugins. Escaped text is harmless and not reported."""
    found: list[str] = []
    root = lxml.html.fromstring(markup or "<p></p>")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        if tag == "script" and (element.text or "").strip():
            found.append("inline script")
        if tag in {"iframe", "object", "embed", "frame"}:
            found.append(tag)
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                found.append(f"{tag} {name}")
            squeezed = "".join(value.split()).lower()
            if name.lower() in {"href", "src", "action", "formaction"} and squeezed.startswith(
                ("javascript:", "data:text/html", "vbscript:")
            ):
                found.append(f"{tag} {name}={value}")
    return found


@pytest.mark.parametrize("path", PAGES)
def test_hostile_markup_is_inert_in_pages(client: TestClient, path: str) -> None:
    page = client.get(path).text
    assert dangerous(page) == []
    if path != "/search.html":
        assert "&lt;script&gt;alert(" in page  # shown as text, not dropped


def test_hostile_markup_in_search_results_page(client: TestClient) -> None:
    page = client.get("/search", params={"q": "zebrafish"}, headers={"Accept": "text/html"}).text
    assert dangerous(page) == []
    assert "&lt;script&gt;alert(" in page  # shown as text, not dropped


@pytest.mark.parametrize("path", ["/rss", "/atom", "/rss/cs.LG", "/atom/cs.AI"])
def test_hostile_markup_is_inert_in_xml_feeds(client: TestClient, path: str) -> None:
    raw = client.get(path).content
    assert b"<script" not in raw and b"<img" not in raw  # every tag in the XML is escaped
    root = etree.fromstring(raw)
    bodies = root.xpath(
        "//item/description/text() | //a:entry/a:content/text()",
        namespaces={"a": "http://www.w3.org/2005/Atom"},
    )
    titles = root.xpath(
        "//item/title/text() | //a:entry/a:title/text()",
        namespaces={"a": "http://www.w3.org/2005/Atom"},
    )
    assert titles[0].startswith('<script>alert("title")')  # the text, as a reader shows it
    assert bodies and all(dangerous(body) == [] for body in bodies)


@pytest.mark.parametrize(
    "path", ["/feed.json", "/api/papers", f"/api/papers/{HOSTILE_ID}", "/search?q=zebrafish"]
)
def test_hostile_markup_is_escaped_in_json(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert b"<" not in response.content and b">" not in response.content
    assert response.headers["x-content-type-options"] == "nosniff"
    text = json.dumps(response.json(), ensure_ascii=False)
    assert '<script>alert(\\"title\\")' in text  # the value itself is intact JSON data
    if path == "/feed.json":
        assert dangerous(response.json()["items"][0]["content_html"]) == []


# -- path traversal and private files ----------
@pytest.fixture
def private_client(world: World, tmp_path: Path) -> Iterator[TestClient]:
    """An output folder shared with private files (e.g. the repository root)."""
    out = tmp_path / "repo"
    (out / "days").mkdir(parents=True)
    (out / "index.html").write_text("<html>home</html>")
    (out / "days" / "2026-06-02.html").write_text("<html>day</html>")
    for name in (".env", "config.json", "db.sqlite3", "Dockerfile", "notes.json"):
        (out / name).write_text(f"SECRET {name}")
    (out / ".git").mkdir()
    (out / ".git" / "config").write_text("SECRET git")
    (tmp_path / "outside.html").write_text("SECRET outside")
    (out / "days" / "link.html").symlink_to(tmp_path / "outside.html")
    (out / "static").symlink_to(tmp_path)
    app = create_app(world.loaded, db_path=world.db_path, output_dir=out, clock=CLOCK)
    with TestClient(app) as test_client:
        yield test_client


TRAVERSALS = [
    "/.env",
    "/config.json",
    "/db.sqlite3",
    "/Dockerfile",
    "/notes.json",
    "/.git/config",
    "/days/link.html",
    "/static/outside.html",
    "/static/repo/config.json",
    "/papers/%2e%2e/%2e%2e/etc/passwd",
    "/days/..%2f..%2fetc%2fpasswd",
    "/%2e%2e/outside.html",
    "/days/%2e%2e/config.json",
    "/days/..%5c..%5cconfig.json",
    "/days/%00.html",
    "/days//2026-06-02.html",
    "/days/.%2e/.env",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_no_path_reaches_private_or_outside_files(private_client: TestClient, path: str) -> None:
    response = private_client.get(path)
    assert response.status_code == 404, path
    assert b"SECRET" not in response.content


def test_public_files_of_a_shared_folder_still_work(private_client: TestClient) -> None:
    assert private_client.get("/").text == "<html>home</html>"
    assert private_client.get("/days/2026-06-02").text == "<html>day</html>"


# -- secrets ----------
ALL_GETS = [
    "/",
    "/rss",
    "/atom",
    "/feed.json",
    "/health",
    "/config",
    "/api/papers",
    f"/api/papers/{HOSTILE_ID}",
    "/search?q=learning",
    "/openapi.json",
    "/docs",
    "/nope",
    "/api/papers/bad",
    "/search?q=(",
    "/stats.html",
]


def test_no_secret_in_any_response(client: TestClient) -> None:
    assert os.environ["DASHSCOPE_API_KEY"] == API_KEY
    replies = [client.get(path) for path in ALL_GETS]
    replies.append(client.post("/admin/refresh", headers={"Authorization": "Bearer wrong"}))
    replies.append(client.post("/api/feedback/2606.99999", json={"value": "like"}))
    for reply in replies:
        blob = reply.content + json.dumps(dict(reply.headers)).encode()
        for secret in (API_KEY, ADMIN_TOKEN, SECRET_URL_PART, "token=abc"):
            assert secret.encode() not in blob, (reply.request.url, secret)


def test_config_redacts_credentials_in_urls(world: World, tmp_path: Path) -> None:
    raw = world.loaded.config.model_dump()
    raw["ai_summary"]["base_url"] = "https://user:hunter2@llm.example.org/v1?key=k123"
    raw["ai_summary"]["api_key"] = "sk-inline-secret"  # an unknown key that holds a secret
    from arxivbot.config import LoadedConfig, parse_config

    loaded = LoadedConfig(parse_config(raw), None, ())
    app = create_app(loaded, db_path=world.db_path, output_dir=tmp_path)
    with TestClient(app) as client:
        config = client.get("/config")
    assert b"hunter2" not in config.content and b"k123" not in config.content
    assert b"sk-inline-secret" not in config.content
    assert config.json()["ai_summary"]["base_url"] == "https://llm.example.org/v1?<redacted>"


# -- hostile requests ----------
@pytest.mark.parametrize(
    "path",
    [
        "/search?q=" + "a" * 10_000,
        "/rss?" + "&".join(f"p{i}=1" for i in range(2_000)),
        "/" + "x/" * 2_000,
    ],
)
def test_huge_requests_are_refused_cleanly(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 414
    assert response.json()["error"] == "the request URI is too long"


def test_unexpected_error_is_a_bare_500(world: World) -> None:
    app = create_app(world.loaded, db_path=world.db_path, output_dir=world.output_dir)

    @app.post("/boom")
    def boom() -> None:
        raise RuntimeError("internal detail /etc/secret-path")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.post("/boom")
    assert response.status_code == 500
    assert response.json() == {"error": "internal server error", "status": 500}


def test_unusable_store_is_503_not_a_traceback(world: World, tmp_path: Path) -> None:
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"this is not a database" * 100)
    app = create_app(world.loaded, db_path=broken, output_dir=tmp_path)
    with TestClient(app, raise_server_exceptions=False) as client:
        api = client.get("/api/papers")
        health = client.get("/health")
    assert api.status_code == 503 and "Traceback" not in api.text
    assert api.json()["error"] == "the database is unavailable; try again later"
    assert health.status_code == 503 and health.json()["status"] == "error"


def test_security_headers(client: TestClient) -> None:
    page = client.get("/")
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["x-frame-options"] == "DENY"
    assert "script-src 'self'" in page.headers["content-security-policy"]
    directives = dict(
        part.strip().split(" ", 1) for part in page.headers["content-security-policy"].split(";")
    )
    assert directives["script-src"] == "'self'" and directives["object-src"] == "'none'"
    assert "content-security-policy" not in client.get("/health").headers
