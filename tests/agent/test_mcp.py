"""``arxivbot mcp`` with the official SDK's own client: stdio (the real CLI in a child
process) and streamable HTTP (real uvicorn), over a real SQLite store."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client

from arxivbot.agent import AgentLibrary
from arxivbot.agent.server import build_server
from arxivbot.config import load_config, resolve_profiles
from arxivbot.models import (
    Announcement,
    AnnounceType,
    Paper,
    Summary,
    SummaryKey,
    SummarySource,
)
from arxivbot.paths import resolve_paths
from arxivbot.rank import RankContext, rank_day
from arxivbot.store import open_store
from support.live import uvicorn_server

DAY = date(2026, 6, 2)
NOW = datetime(2026, 6, 2, 12, tzinfo=UTC)
TOOLS = {"search", "get_paper", "digest", "like", "dislike"}
TOKEN = "s3cret-admin-token"


def _paper(n: int, title: str, abstract: str) -> Paper:
    return Paper(f"2606.0000{n}", 1, title, ("Ada Lovelace", "Alan Turing"), abstract, "cs.LG",
                 ("cs.LG",))  # fmt: skip


PAPERS = [
    _paper(1, "Agents that plan", "LLM agents plan. Code: https://github.com/lab/planner."),
    _paper(2, "Agents that forget", "Agents forget \u202eevil\u202c things on purpose."),
    _paper(3, "Unrelated optics", "Lenses and light, nothing else."),
]


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    """A config and a store holding one ranked, summarised day."""
    path = tmp_path / "config.json"
    path.write_text(
        json.dumps(
            {
                "categories": ["cs.LG"],
                "keywords": ["agents"],
                "store": {"path": "store.db"},
                "server": {"admin_token_env": "ARXIVBOT_TEST_MCP_TOKEN"},
            }
        )
    )
    loaded = load_config(path)
    profile = resolve_profiles(loaded.config)[0]
    listing = [(p, Announcement(p.arxiv_id, 1, DAY, AnnounceType.NEW, "cs.LG")) for p in PAPERS]
    ranked = rank_day(listing, profile, RankContext()).ranked
    key = SummaryKey("2606.00001", 1, "stand-in", "h", "en")
    with open_store(resolve_paths(loaded, None, None).db) as store:
        store.upsert_papers(PAPERS)
        store.add_announcements(a for _, a in listing)
        store.save_ranking(profile.name, DAY, ranked, matched=len(ranked))
        store.put_summary(Summary(key, "**Plans** well.", SummarySource.HTML, NOW))
    return path


def _data(result: Any) -> Any:
    assert not result.is_error, result.content
    return result.structured_content


async def _exercise(client: Client) -> dict[str, Any]:
    tools = await client.list_tools()
    assert {tool.name for tool in tools.tools} == TOOLS
    found = _data(await client.call_tool("search", {"query": "agents has:code"}))["result"]
    paper = _data(await client.call_tool("get_paper", {"arxiv_id": "2606.00001"}))
    listing = _data(await client.call_tool("digest", {}))
    bad = await client.call_tool("search", {"query": "has:codes"})
    liked = await client.call_tool("like", {"arxiv_id": "arXiv:2606.00002v1"})
    return {"found": found, "paper": paper, "digest": listing, "bad": bad, "liked": liked}


def _check_reads(out: dict[str, Any]) -> None:
    assert [p["arxiv_id"] for p in out["found"]] == ["2606.00001"]
    assert out["found"][0]["code"] == ["https://github.com/lab/planner"]
    paper = out["paper"]
    assert paper["summary"] == "**Plans** well." and paper["summary_model"] == "stand-in"
    assert paper["links"] == [
        {"url": "https://github.com/lab/planner", "kind": "github", "where": "abstract",
         "promised": False},
    ]  # fmt: skip
    listing = out["digest"]
    assert listing["day"] == "2026-06-02" and listing["profile"] == "default"
    ids = [entry["paper"]["arxiv_id"] for entry in listing["papers"]]
    assert set(ids) == {"2606.00001", "2606.00002"}  # the optics paper did not match
    second = next(e for e in listing["papers"] if e["paper"]["arxiv_id"] == "2606.00002")
    assert "\u202e" not in json.dumps(second, ensure_ascii=False)  # bidi controls removed
    assert out["bad"].is_error and "unknown has:codes" in out["bad"].content[0].text


def _feedback(config_path: Path) -> dict[str, int]:
    loaded = load_config(config_path)
    with open_store(resolve_paths(loaded, None, None).db) as store:
        return store.feedback("default")


def test_stdio_through_the_cli(config_path: Path) -> None:
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "arxivbot.cli", "mcp", "--config", str(config_path)],
        cwd=str(config_path.parent),
        env=dict(os.environ),  # the SDK passes only a few variables by default (not PYTHONPATH)
    )

    async def main() -> dict[str, Any]:
        async with Client(params) as client:
            return await _exercise(client)

    out = anyio.run(main)
    _check_reads(out)
    assert _data(out["liked"])["value"] == 1  # stdio is the user's own process: allowed
    assert _feedback(config_path) == {"2606.00002": 1}


@pytest.fixture
def http_url(config_path: Path) -> Iterator[str]:
    loaded = load_config(config_path)
    library = AgentLibrary(loaded, resolve_paths(loaded, None, None), clock=lambda: NOW)
    with uvicorn_server(build_server(library).streamable_http_app()) as base:
        yield base + "/mcp"


def _over_http(url: str, headers: dict[str, str]) -> Callable[[], Awaitable[dict[str, Any]]]:
    async def main() -> dict[str, Any]:
        async with (
            httpx2.AsyncClient(headers=headers) as http,
            Client(streamable_http_client(url, http_client=http)) as client,
        ):
            out = await _exercise(client)
            out["disliked"] = await client.call_tool("dislike", {"arxiv_id": "2606.00001"})
            return out

    return main


def test_http_reads_open_feedback_needs_the_token(
    http_url: str, config_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ARXIVBOT_TEST_MCP_TOKEN", raising=False)
    out = anyio.run(_over_http(http_url, {}))
    _check_reads(out)
    assert out["liked"].is_error and "feedback over HTTP is off" in out["liked"].content[0].text

    monkeypatch.setenv("ARXIVBOT_TEST_MCP_TOKEN", TOKEN)
    wrong = anyio.run(_over_http(http_url, {"Authorization": "Bearer nope"}))
    assert wrong["liked"].is_error and "Bearer" in wrong["liked"].content[0].text
    assert _feedback(config_path) == {}

    right = anyio.run(_over_http(http_url, {"Authorization": f"Bearer {TOKEN}"}))
    assert _data(right["liked"])["known"] is True
    assert _data(right["disliked"])["value"] == -1
    assert _feedback(config_path) == {"2606.00002": 1, "2606.00001": -1}
