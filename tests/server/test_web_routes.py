"""Every route of the web server, in process, over a real store and a rendered site."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import feedparser
import pytest
from fastapi.testclient import TestClient
from web_world import CLOCK, DAYS, HOSTILE_ID, OLD_STYLE_ID, World, shared_world

from arxivbot.server import create_app

CATEGORIES = ("cs.AI", "cs.CL", "cs.DC", "cs.LG")


@pytest.fixture(scope="module")
def world(fixtures, tmp_path_factory) -> World:  # type: ignore[no-untyped-def]
    return shared_world(fixtures, tmp_path_factory)


@pytest.fixture(scope="module")
def client(world: World) -> Iterator[TestClient]:
    app = create_app(world.loaded, db_path=world.db_path, output_dir=world.output_dir, clock=CLOCK)
    with TestClient(app) as test_client:
        yield test_client


# -- site pages ----------
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/index.html",
        "/search.html",
        "/stats.html",
        "/days/",
        "/days/2026-06-01.html",
        "/days/2026-06-02",
        f"/papers/{HOSTILE_ID}.html",
        "/papers/hep-th_9901001",
    ],
)
def test_site_pages_are_served_as_html(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "<html" in response.text.lower()
    assert "Content-Security-Policy" in response.headers


def test_static_assets_and_search_index(client: TestClient) -> None:
    assert client.get("/static/style.css").headers["content-type"].startswith("text/css")
    assert client.get("/static/search.js").headers["content-type"].startswith("text/javascript")
    index = client.get("/search-index.json")
    assert index.status_code == 200 and index.headers["content-type"] == "application/json"


@pytest.mark.parametrize("path", ["/nope.html", "/days/1999-01-01.html", "/static/none.css"])
def test_missing_pages_are_404(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"error": "not found", "status": 404}


def test_head_request(client: TestClient) -> None:
    response = client.head("/rss")
    assert response.status_code == 200 and "ETag" in response.headers


# -- feeds ----------
def _parsed(client: TestClient, path: str) -> feedparser.FeedParserDict:
    response = client.get(path)
    assert response.status_code == 200, response.text
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


@pytest.mark.parametrize(("path", "version"), [("/rss", "rss20"), ("/atom", "atom10")])
def test_whole_feeds_parse_and_carry_summaries(
    client: TestClient, world: World, path: str, version: str
) -> None:
    parsed = _parsed(client, path)
    assert parsed.version == version
    ids = [entry.id for entry in parsed.entries]
    assert len(ids) == len(set(ids)) > 30  # two days of history
    assert HOSTILE_ID in ids[0]
    first_real = next(e for e in parsed.entries if world.summarized[2] in e.id)
    body = first_real.get("content", [{}])[0].get("value", "") or first_real.summary
    assert "核心" in body or "主要" in body  # the qwen-long summary is in the item


@pytest.mark.parametrize("category", CATEGORIES)
def test_category_feeds_hold_only_that_category(client: TestClient, category: str) -> None:
    for path in (f"/rss/{category}", f"/atom/{category}"):
        parsed = _parsed(client, path)
        assert parsed.entries
        for entry in parsed.entries:
            assert category in {tag.term for tag in entry.tags}
    feed = client.get(f"/feed/{category}.json").json()
    assert all(category in item["tags"] for item in feed["items"])


def test_json_feed(client: TestClient) -> None:
    response = client.get("/feed.json")
    assert response.headers["content-type"].startswith("application/feed+json")
    feed = response.json()
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["items"][0]["id"] == HOSTILE_ID


@pytest.mark.parametrize("path", ["/rss/cs.XX", "/atom/math.AG", "/feed/hep-th.json", "/rss/..%2f"])
def test_unknown_category_feed_is_404(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_feeds_are_built_from_the_store_when_not_rendered(world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = create_app(world.loaded, db_path=world.db_path, output_dir=tmp_path, clock=CLOCK)
    with TestClient(app) as fresh:
        parsed = _parsed(fresh, "/rss/cs.CL")
        assert parsed.entries and all("cs.CL" in {t.term for t in e.tags} for e in parsed.entries)
        assert _parsed(fresh, "/atom").entries
        assert fresh.get("/feed.json").json()["items"]
        root = fresh.get("/")  # no site rendered: a page saying so, never a JSON 404
        assert root.status_code == 200 and root.headers["content-type"].startswith("text/html")
        assert "no digest yet" in root.text


# -- JSON API -------------------------------------------------------------------------------
def test_api_papers_newest_day(client: TestClient, world: World) -> None:
    page = client.get("/api/papers", params={"limit": 5}).json()
    assert page["day"] == DAYS[-1].isoformat()
    assert page["total"] == len(world.ranked[DAYS[-1]])
    assert [item["rank"] for item in page["items"]] == [1, 2, 3, 4, 5]
    first = page["items"][0]
    assert first["paper"]["arxiv_id"] == HOSTILE_ID
    assert first["score"] == 50.0 and '"LLM" in title' in first["explanation"]
    assert first["summary"]["model"] == "qwen-long"


def test_api_papers_paging_day_and_category(client: TestClient, world: World) -> None:
    older = client.get("/api/papers", params={"day": "2026-06-01", "limit": 200}).json()
    assert older["total"] == len(world.ranked[DAYS[0]])
    second = client.get("/api/papers", params={"limit": 2, "offset": 2}).json()
    assert [item["rank"] for item in second["items"]] == [3, 4]
    dc = client.get("/api/papers", params={"category": "cs.DC", "limit": 200}).json()
    assert dc["items"] and all("cs.DC" in i["paper"]["categories"] for i in dc["items"])


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"limit": 201}, 400),
        ({"limit": 0}, 400),
        ({"offset": -1}, 400),
        ({"day": "yesterday"}, 400),
        ({"day": "2026-02-30"}, 400),
        ({"day": "2020-01-01"}, 404),
        ({"category": "cs.XX"}, 404),
        ({"profile": "nobody"}, 404),
    ],
)
def test_api_papers_bad_params(client: TestClient, params: dict[str, object], status: int) -> None:
    response = client.get("/api/papers", params=params)
    assert response.status_code == status
    assert response.json()["error"]


@pytest.mark.parametrize("ident", [HOSTILE_ID, f"{HOSTILE_ID}v2", f"arXiv:{HOSTILE_ID}v1"])
def test_api_paper_detail(client: TestClient, ident: str) -> None:
    detail = client.get(f"/api/papers/{ident}").json()
    assert detail["paper"]["arxiv_id"] == HOSTILE_ID
    assert detail["summary"]["text"].startswith("## Summary")
    assert detail["rankings"][0] == {
        "profile": "default",
        "day": "2026-06-02",
        "rank": 1,
        "score": 50.0,
        "explanation": '"LLM" in title (+50)',
    }


def test_api_paper_old_style_id(client: TestClient) -> None:
    assert client.get(f"/api/papers/{OLD_STYLE_ID}v1").json()["paper"]["arxiv_id"] == OLD_STYLE_ID


def test_api_paper_unknown_and_malformed(client: TestClient) -> None:
    assert client.get("/api/papers/2601.00001").status_code == 404
    bad = client.get("/api/papers/not-an-id")
    assert bad.status_code == 400 and "not an arXiv identifier" in bad.json()["error"]


def test_openapi_documents_the_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/api/papers", "/api/papers/{arxiv_id}", "/search", "/health", "/rss"):
        assert path in spec["paths"], path
    assert "PapersPage" in spec["components"]["schemas"]
    assert "FeedbackIn" in str(spec["paths"]["/api/feedback/{arxiv_id}"]["post"]["requestBody"])


def test_swagger_docs_are_off_unless_configured(world: World) -> None:
    """Swagger UI loads its scripts from a CDN onto the origin holding the admin token."""
    with TestClient(
        create_app(world.loaded, db_path=world.db_path, output_dir=world.output_dir)
    ) as off:
        assert off.get("/docs").status_code == 404
    server = world.loaded.config.server.model_copy(update={"api_docs": True})
    config = world.loaded.config.model_copy(update={"server": server})
    loaded = replace(world.loaded, config=config)
    with TestClient(create_app(loaded, db_path=world.db_path, output_dir=world.output_dir)) as on:
        assert on.get("/docs").status_code == 200


# -- search ----------
def test_search_finds_an_earlier_day_by_abstract_word(client: TestClient, world: World) -> None:
    paper = world.ranked[DAYS[0]][5].paper
    words = (w.strip(".,;:()") for w in paper.abstract.split())
    word = max((w for w in words if w.isalpha()), key=len)
    hits = client.get("/search", params={"q": word}).json()["hits"]
    assert paper.arxiv_id in [hit["paper"]["arxiv_id"] for hit in hits]


def test_search_field_and_filters(client: TestClient) -> None:
    found = client.get("/search", params={"q": "zebrafish"}).json()["hits"]
    assert [h["paper"]["arxiv_id"] for h in found] == [HOSTILE_ID]
    assert not client.get("/search", params={"q": "zebrafish", "field": "title"}).json()["hits"]
    assert not client.get("/search", params={"q": "ti:zebrafish"}).json()["hits"]
    in_cat = client.get("/search", params={"q": "zebrafish", "category": "cs.DC"}).json()
    assert in_cat["hits"] == []
    dated = client.get(
        "/search", params={"q": "zebrafish", "from": "2026-06-02", "to": "2026-06-02"}
    )
    assert len(dated.json()["hits"]) == 1
    paged = client.get("/search", params={"q": "learning", "limit": 3, "offset": 3}).json()
    assert len(paged["hits"]) == 3


@pytest.mark.parametrize(
    "params",
    [
        {"q": 'title:"unterminated'},
        {"q": "a AND"},
        {"q": "x", "field": "body"},
        {"q": "x", "limit": "many"},
        {"q": "x", "from": "2026-06-03", "to": "2026-06-01"},
        {"q": "x" * 501},
    ],
)
def test_search_bad_params_are_400(client: TestClient, params: dict[str, str]) -> None:
    response = client.get("/search", params=params)
    assert response.status_code == 400
    assert response.json()["error"]


def test_search_html_page(client: TestClient) -> None:
    response = client.get("/search", params={"q": "zebrafish"}, headers={"Accept": "text/html"})
    assert response.headers["content-type"].startswith("text/html")
    assert "1 result(s)" in response.text and "<mark>zebrafish</mark>" in response.text
    assert 'href="/static/style.css"' in response.text  # the site's look, its navigation
    assert 'href="/search/atom?q=zebrafish"' in response.text


def test_search_speaks_the_query_language(client: TestClient) -> None:
    """The CLI's language: NOT/-, fields, phrases, prefixes; errors with their position."""
    learning = client.get("/api/search", params={"q": "learning", "limit": 200}).json()["hits"]
    without = client.get("/search", params={"q": "learning -survey", "limit": 200})
    assert without.status_code == 200, without.text
    kept = without.json()["hits"]
    assert 0 < len(kept) <= len(learning)
    assert all("survey" not in (h["paper"]["title"] + h["paper"]["abstract"]).lower() for h in kept)
    quoted = client.get("/search", params={"q": 'ti:"language model*" OR au:zzz'}).json()
    assert all("language model" in h["paper"]["title"].lower() for h in quoted["hits"])
    bad = client.get("/search", params={"q": "(attention OR survey"})
    assert bad.status_code == 400
    assert "expected ')' to close the '(' opened at 0 at position 20" in bad.json()["error"]
    page = client.get("/search", params={"q": "a -"}, headers={"Accept": "text/html"})
    assert page.status_code == 200 and "expected a term right after" in page.text


def test_search_pages_and_facets(client: TestClient, world: World) -> None:
    first = client.get("/api/search", params={"q": "learning", "limit": 3}).json()
    second = client.get("/api/search", params={"q": "learning", "limit": 3, "offset": 3}).json()
    assert first["more"] and len(second["hits"]) == 3
    ids = [h["paper"]["arxiv_id"] for h in first["hits"] + second["hits"]]
    assert len(set(ids)) == 6
    assert first["categories"] and first["categories"][0]["count"] >= 1
    summarised = client.get("/api/search", params={"q": "learning", "summary": "1"}).json()
    assert summarised["hits"] and all(h["has_summary"] for h in summarised["hits"])
    assert {h["paper"]["arxiv_id"] for h in summarised["hits"]} <= set(world.summarized)
    assert client.get("/api/search", params={"q": "learning", "liked": "1"}).json()["hits"] == []


def test_saved_search_is_an_atom_feed(client: TestClient) -> None:
    response = client.get("/search/atom", params={"q": "learning -survey"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10" and parsed.entries
    assert "learning -survey" in parsed.feed.title
    assert client.get("/search/atom").status_code == 400


# -- health and config ----------
def test_health(client: TestClient) -> None:
    health = client.get("/health")
    assert health.headers["cache-control"] == "no-store"
    body = health.json()
    assert body["status"] == "ok" and body["running"] is False
    assert body["last_run"]["status"] == "ok"
    assert body["last_run"]["announced_on"] == "2026-06-02"
    assert body["papers"] > 50 and body["days"] == 2 and body["latest_day"] == "2026-06-02"
    assert body["scheduler"] is False and body["next_run"] is None


def test_config_is_the_effective_config(client: TestClient) -> None:
    config = client.get("/config").json()
    assert config["categories"] == list(CATEGORIES)
    assert config["ai_summary"]["api_key_env"] == "DASHSCOPE_API_KEY"
    assert config["server"]["admin_token_env"] == "ARXIVBOT_TEST_ADMIN_TOKEN"
    assert config["notify"]["targets"][0]["url"] == "https://<redacted>"


def test_root_is_a_landing_page_with_several_profiles(
    fixtures,
    world: World,
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    from web_world import seed_config

    profiles = {"llm": {"categories": ["cs.CL"]}, "systems": {"categories": ["cs.DC"]}}
    loaded = seed_config(fixtures, profiles=profiles)
    app = create_app(loaded, db_path=world.db_path, output_dir=tmp_path, clock=CLOCK)
    with TestClient(app) as on:
        page = on.get("/", headers={"Accept": "text/html"})
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "llm" in page.text and "systems" in page.text and "cs.DC" in page.text
        assert "Content-Security-Policy" in page.headers


def test_a_profile_site_hears_about_the_server(fixtures, world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from web_world import seed_config

    loaded = seed_config(fixtures, profiles={"llm": {"categories": ["cs.CL"]}, "b": {}})
    app = create_app(loaded, db_path=world.db_path, output_dir=tmp_path, clock=CLOCK)
    with TestClient(app) as on:
        script = on.get("/llm/static/server.js").text
        assert '"search": "/search"' in script and '"profile": "llm"' in script
        assert on.get("/nope/static/server.js").status_code == 404
