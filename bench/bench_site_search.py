"""The static site's search at scale: index size and query time in headless Chromium.

Every recorded combined feed (cs.AI+cs.CL+cs.DC+cs.LG, ``../shared/fixtures/arxiv-feeds``)
becomes one day's digest keeping EVERY paper (the worst case: a real profile keeps ~30 a
day), the site's index is built over all of them, then ``query.js`` answers a few queries
over it in Chromium. Beside it: the size of the previous index layout (one JSON object per
paper, no comment/journal/has: fields) and the previous search (substring tests on words).
"""

from __future__ import annotations

import gzip
import json
import sys
import tempfile
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from arxivbot.models import Digest, RankedPaper
from arxivbot.render.site_index import script_safe_json, search_index
from arxivbot.sources.rss import parse_feed

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"
FEED = "cs.AI+cs.CL+cs.DC+cs.LG.xml"
QUERIES = [
    "attention -survey",
    'ti:"language model*"',
    "(speculative decoding OR quantiz*) cat:cs.*",
    "au:Wang RL",
    "diffusion has:code",
]
NOW = datetime(2026, 7, 1, tzinfo=UTC)


def digests() -> list[Digest]:
    found: list[Digest] = []
    for folder in sorted((FIXTURES / "arxiv-feeds").iterdir()):
        path = folder / "rss" / FEED
        if not path.is_file():
            continue
        listing = parse_feed(path.read_bytes(), "https://rss.arxiv.org/rss/x", clock=lambda: NOW)
        if listing.announced_on is None:
            continue
        ranked = tuple(RankedPaper(p, a, 1.0) for p, a in listing.items)
        found.append(Digest("bench", listing.announced_on, NOW, ranked))
    return found


def old_layout_size(index: dict[str, object]) -> int:
    fields = index["fields"]
    rows = [dict(zip(fields, row, strict=True)) for row in index["papers"]]  # type: ignore[call-overload]
    old = [{k: r[k] for k in ("id", "stem", "title", "authors", "abstract", "categories", "days",
                              "score")} for r in rows]  # fmt: skip
    return len(json.dumps({"version": 1, "papers": old}, ensure_ascii=False, separators=(",", ":")))


def main() -> None:
    if not (FIXTURES / "arxiv-feeds").is_dir():
        print(f"skipped: {FIXTURES / 'arxiv-feeds'} is absent")
        return
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from support.live import CHROMIUM, CHROMIUM_ARGS

    days = digests()
    index = search_index(days)
    data = script_safe_json(index)
    print(f"configuration: {len(days)} recorded days of {FEED}, every paper kept")
    print(f"papers in the index: {len(index['papers'])}")
    size, packed = len(data.encode()), len(gzip.compress(data.encode()))
    print(f"index: {size / 1e6:.2f} MB, gzip {packed / 1e6:.2f} MB")
    print(f"previous layout (objects, fewer fields): {old_layout_size(index) / 1e6:.2f} MB")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        static = resources.files("arxivbot") / "static"
        (root / "query.js").write_bytes((static / "query.js").read_bytes())
        (root / "index.js").write_text(f"window.ARXIVBOT_SEARCH_INDEX = {data};\n", "utf-8")
        (root / "b.html").write_text(
            '<script src="query.js"></script><script src="index.js"></script>'
        )
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto((root / "b.html").as_uri())
            timings = page.evaluate(
                """(queries) => {
                  const idx = window.ARXIVBOT_SEARCH_INDEX;
                  const papers = idx.papers.map((row) => {
                    const p = {}; idx.fields.forEach((f, i) => { p[f] = row[i]; }); return p; });
                  const Q = window.ArxivbotQuery;
                  const run = (q) => {
                    const root = Q.parse(q);
                    const t0 = performance.now();
                    let hits = 0;
                    for (const p of papers) { if (Q.evaluate(root, Q.document(p))) { hits += 1; } }
                    return [hits, performance.now() - t0];
                  };
                  const cold = queries.map(run);  // the first query also tokenises the papers
                  return queries.map((q, i) => [q, cold[i][0], cold[i][1], run(q)[1]]);
                }""",
                QUERIES,
            )
            browser.close()
    for query, hits, cold, warm in timings:
        print(f"  {query!r}: {hits} matches, {cold:.0f} ms cold, {warm:.0f} ms warm")


if __name__ == "__main__":
    main()
