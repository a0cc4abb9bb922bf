"""query.js (the site's query language) against rank/query.py, in real Chromium.

The same table of queries goes through both: the canonical form of every valid query, the
message and position of every error, and which papers each query matches must agree, so
the browser's parser and matcher cannot drift from the Python ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from arxivbot.errors import QueryError
from arxivbot.models import Digest, Paper
from arxivbot.rank.query import parse_query
from arxivbot.render.site_index import has_values
from support.live import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api")

QUERIES = [
    "attention -survey",
    "speculative decoding",
    '"KV cache" serving',
    "LLM -survey",
    "a OR b, c",
    "NOT survey",
    "(speculative decoding^3 OR ti:(KV cache, prefill)^2 OR quantiz*) AND cat:cs.* -survey",
    "ti:graph AND abs:molecular",
    "au:Schölkopf OR au:Hinton",
    "au:(K. He)",
    "cat:cs.LG",
    "cat:cs.*",
    "co:accepted",
    "jr:Phys",
    "RL",
    "rl",
    "MoE OR FP8",
    "decoding^2.5",
    "(a b)^2 c",
    "x AND (y OR z) AND NOT w",
    "-(a OR b) c",
    "learn* model",
    "queries planned decoded",
    'ti:"vector symbolic"',
    "fish, zebrafish",
    "and or not",
    "has:code",
    "has:github OR has:project",
    "decoding has:hf",
    "has:(code, link)",
    "has:nonsense",
    "has:(code OR banana)",
    # errors: message and position must match
    "",
    "   ",
    "(a OR b",
    "a OR",
    "a AND",
    "NOT",
    "- a",
    "a -",
    'say "hello',
    "ab*",
    "a*b",
    "x^",
    "x^0",
    "x^abc",
    "()",
    "a)",
    "ti:",
    "ti:()",
    '""',
    "!!!",
    "a ) b",
    "😀 (x",
    "a, , b",
    "ti:^2",
]

PAPERS = [
    Paper("2601.00001", 1, "Speculative Decoding for LLMs", ("Bernhard Schölkopf", "Kaiming He"),
          "We decode faster with a draft model. RL-based tuning of the KV cache serving path.",
          "cs.LG", ("cs.LG", "cs.CL"), comment="Accepted at ICML. Code: https://github.com/a/b",
          journal_ref="Phys. Rev. X 1"),
    Paper("2601.00002", 1, "A survey of attention", ("Geoffrey Hinton",),
          "Attention is all we survey; world models and early fusion. Queries were planned.",
          "cs.AI", ("cs.AI",)),
    Paper("2601.00003", 1, "Quantization of MoE models with FP8", ("Kai He",),
          "We quantize mixture-of-experts (Moe) models; learning rates, rl baselines.",
          "stat.ML", ("stat.ML", "cs.LG")),
    Paper("2601.00004", 2, "Vector symbolic graph learning", ("K. He", "Ada Lovelace"),
          "Molecular graphs; prefill and KV cache; zebrafish and fish. Models at "
          "https://huggingface.co/x/y and https://example.org/site", "q-bio.QM", ("q-bio.QM",)),
]  # fmt: skip


def _python(text: str) -> dict[str, Any]:
    try:
        query = parse_query(text)
    except QueryError as exc:
        return {"error": exc.message, "position": exc.position, "shown": str(exc)}
    return {"text": query.to_text(), "matches": [query.matches(p) for p in PAPERS]}


_JS = """([queries, papers]) => queries.map((text) => {
  try {
    const root = ArxivbotQuery.parse(text);
    return {text: ArxivbotQuery.toText(root),
            matches: papers.map((p) => ArxivbotQuery.matches(root, p))};
  } catch (err) {
    if (!(err instanceof ArxivbotQuery.QueryError)) { return {crash: String(err)}; }
    return {error: err.message, position: err.position, shown: String(err)};
  }
})"""


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y --no-install-recommends chromium")
    folder = tmp_path_factory.mktemp("queryjs")
    script = (resources.files("arxivbot") / "static" / "query.js").read_bytes()
    (folder / "query.js").write_bytes(script)
    (folder / "q.html").write_text('<!doctype html><script src="query.js"></script>', "utf-8")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = browser.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        tab.goto((folder / "q.html").as_uri())
        yield tab
        assert errors == []
        browser.close()


def _paper_json(paper: Paper) -> dict[str, Any]:
    return {
        "title": paper.title,
        "abstract": paper.abstract,
        "authors": list(paper.authors),
        "categories": list(paper.categories),
        "comment": paper.comment,
        "journal_ref": paper.journal_ref,
        "has": has_values(paper),  # what the site's index carries
    }


def test_js_parser_and_matcher_agree_with_python(page: Any) -> None:
    answers = page.evaluate(_JS, [QUERIES, [_paper_json(p) for p in PAPERS]])
    for text, js in zip(QUERIES, answers, strict=True):
        assert js == _python(text), text
    # the table exercises both sides: valid queries that match something, and errors
    assert sum(1 for a in answers if "error" in a) >= 20
    assert sum(1 for a in answers if any(a.get("matches", []))) >= 20


def test_js_matches_the_site_papers_like_python(page: Any, history: list[Digest]) -> None:
    papers = list({r.paper.arxiv_id: r.paper for d in history for r in d.papers}.values())
    queries = ["RLHF", "graph*", "ti:spec*", "molecular OR zebrafish", "cat:cs.* -RL", "au:He"]
    answers = page.evaluate(_JS, [queries, [_paper_json(p) for p in papers]])
    for text, js in zip(queries, answers, strict=True):
        assert js["matches"] == [parse_query(text).matches(p) for p in papers], text
