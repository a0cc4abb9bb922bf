"""Source faults: the stand-in arXiv answers badly; the run must fail cleanly or recover.

Each case starts from the baseline world (a good digest of 2026-06-02 already published).
A fault that leaves nothing new must exit 1 with a message and keep every output byte;
a fault the client recovers from must publish the next day's digest.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from rel_feeds import at_cap, duplicated, empty_weekday, missing_fields, truncated
from rel_helpers import (
    DATA,
    Describe,
    assert_full_digest,
    check_outputs_parse,
    check_store,
    edit_config,
    last_report,
    readme_entries,
    report_text,
    run_args,
    run_cli,
    snapshot,
)

from support.arxiv_server import ArxivServer
from support.httpserver import Reply, static

RA0 = {"Retry-After": "0"}


@dataclass(frozen=True)
class Failing:
    name: str
    fault: str
    message: str  # must appear in the CLI output and in the stored run report
    sources: dict[str, object]


FAILING = [
    Failing("503-retry-after", "HTTP 503 (Retry-After: 0) on every try", "503", {}),
    Failing("503-no-retry-after", "HTTP 503 without Retry-After, max_retries 0", "503",
            {"max_retries": 0}),
    Failing("429-retry-after", "HTTP 429 (Retry-After: 0) on every try", "429", {}),
    Failing("429-no-retry-after", "HTTP 429 without Retry-After, max_retries 0", "429",
            {"max_retries": 0}),
    Failing("reset", "connection reset, max_retries 0", "connection failed", {"max_retries": 0}),
    Failing("timeout", "feed answers after 1.5 s, timeout 0.3 s, max_retries 0", "timed out",
            {"timeout_seconds": 0.3, "max_retries": 0}),
    Failing("truncated", "feed cut off at 60% (HTTP 200)", "malformed XML", {}),
    Failing("html-200", "HTML maintenance page with HTTP 200", "HTML page", {}),
    Failing("50mb", "50 MB response, sources.max_response_mb = 1", "larger than the 1 MB cap",
            {"max_response_mb": 1}),
]  # fmt: skip


def _inject(arxiv: ArxivServer, name: str) -> None:
    if name == "503-retry-after":
        arxiv.fail_next("/rss/", *[Reply(503, b"busy", RA0)] * 2)
    elif name == "503-no-retry-after":
        arxiv.fail_next("/rss/", Reply(503, b"busy"))
    elif name == "429-retry-after":
        arxiv.fail_next("/rss/", *[Reply(429, b"slow down", RA0)] * 2)
    elif name == "429-no-retry-after":
        arxiv.fail_next("/rss/", Reply(429, b"slow down"))
    elif name == "reset":
        arxiv.fail_next("/rss/", Reply(drop=True))
    elif name == "timeout":
        arxiv.fail_next("/rss/", Reply(200, b"<rss/>", delay=1.5))
    elif name == "truncated":
        arxiv.route("/rss/", static(truncated(), "application/rss+xml"))
    elif name == "html-200":
        arxiv.route("/rss/", static((DATA / "maintenance.html").read_bytes(), "text/html"))
    elif name == "50mb":
        arxiv.route("/rss/", static(b"<" * (50 * 1024 * 1024), "application/rss+xml"))


@pytest.mark.parametrize("fault", FAILING, ids=[f.name for f in FAILING])
def test_failed_fetch_keeps_previous_outputs(
    world: Path, arxiv: ArxivServer, fault: Failing, case: Describe
) -> None:
    case(
        "source",
        fault.fault,
        f"exit 1, message names it ('{fault.message}'), outputs byte-identical, run 'failed'",
        "nothing: previous digest and feeds kept",
    )
    if fault.sources:
        edit_config(world, sources=fault.sources)
    before = snapshot(world / "out")
    arxiv.set_day("2026-06-03")  # there is a new day, but we cannot get it
    _inject(arxiv, fault.name)
    result = run_cli(*run_args(world))
    assert result.code == 1, result.text
    assert fault.message in result.text
    assert snapshot(world / "out") == before
    check_store(world / "db.sqlite3")
    report = last_report(world / "db.sqlite3")
    assert report.status == "failed"
    assert fault.message in report_text(report)
    assert "previous outputs are unchanged" in report_text(report)


RECOVER = [
    ("503 once (Retry-After: 0), then the feed",
     lambda a: a.fail_next("/rss/", Reply(503, b"", RA0))),
    ("429 once (Retry-After: 1), then the feed",
     lambda a: a.fail_next("/rss/", Reply(429, b"", {"Retry-After": "1"}))),
    ("connection reset once, then the feed (backoff ~2-3 s)",
     lambda a: a.fail_next("/rss/", Reply(drop=True))),
]  # fmt: skip


@pytest.mark.parametrize("fault,inject", RECOVER, ids=["503", "429", "reset"])
def test_transient_fault_is_retried_and_the_new_day_published(
    world: Path, arxiv: ArxivServer, fault: str, inject: object, case: Describe
) -> None:
    case("source", fault, "exit 0, retried, the 2026-06-03 digest replaces 2026-06-02")
    arxiv.set_day("2026-06-03")
    inject(arxiv)  # type: ignore[operator]
    result = run_cli(*run_args(world))
    assert result.code == 0, result.text
    assert len(arxiv.requests("/rss/")) >= 2
    papers = json.loads((world / "out/papers.json").read_text())
    assert papers["announced_on"] == "2026-06-03"
    check_outputs_parse(world / "out")
    check_store(world / "db.sqlite3")
    assert last_report(world / "db.sqlite3").status == "ok"


def test_empty_feed_on_a_weekday_keeps_the_digest(
    world: Path, arxiv: ArxivServer, case: Describe
) -> None:
    case(
        "source",
        "valid feed with zero items on a Tuesday",
        "exit 0, 'no announcement', outputs byte-identical",
        "nothing: previous digest kept",
    )
    before = snapshot(world / "out")
    arxiv.route("/rss/", static(empty_weekday(), "application/rss+xml"))
    result = run_cli(*run_args(world))
    assert result.code == 0, result.text
    assert "no announcement" in result.text
    assert snapshot(world / "out") == before
    check_store(world / "db.sqlite3")
    report = last_report(world / "db.sqlite3")
    assert report.status == "no-announcement" and "no announcement" in report_text(report)


def test_feed_at_the_2000_item_cap(world: Path, arxiv: ArxivServer, case: Describe) -> None:
    case("source", "feed with 2,000 items (arXiv's cap)", "exit 0, all 2,000 stored, digest of 30")
    arxiv.route("/rss/", static(at_cap(), "application/rss+xml"))
    result = run_cli(*run_args(world))
    assert result.code == 0, result.text
    report = last_report(world / "db.sqlite3")
    assert report.stats.fetched == 2000 and report.status == "ok"
    readme = (world / "out/README.md").read_text()
    assert_full_digest(readme_entries(readme))
    check_outputs_parse(world / "out")
    check_store(world / "db.sqlite3")


def test_duplicated_items_are_kept_once(world: Path, arxiv: ArxivServer, case: Describe) -> None:
    case("source", "every feed item listed twice", "exit 0, each paper once in store and digest")
    arxiv.route("/rss/", static(duplicated(), "application/rss+xml"))
    result = run_cli(*run_args(world))
    assert result.code == 0, result.text
    ids = [p["arxiv_id"] for p in json.loads((world / "out/papers.json").read_text())["papers"]]
    assert ids and len(ids) == len(set(ids))
    import sqlite3

    db = sqlite3.connect(world / "db.sqlite3")
    rows = db.execute(
        "SELECT arxiv_id, count(*) FROM announcements WHERE announced_on = '2026-06-03' "
        "GROUP BY arxiv_id, announced_on, announce_type HAVING count(*) > 1"
    ).fetchall()
    assert rows == []
    report = last_report(world / "db.sqlite3")
    check_store(world / "db.sqlite3")
    assert report.stats.fetched == len(set(report_ids_of_day(world)))


def report_ids_of_day(world: Path) -> list[str]:
    import sqlite3

    db = sqlite3.connect(world / "db.sqlite3")
    return [r[0] for r in db.execute(
        "SELECT arxiv_id FROM announcements WHERE announced_on = '2026-06-03'")]  # fmt: skip


def test_items_missing_announce_type_or_authors(
    world: Path, arxiv: ArxivServer, case: Describe
) -> None:
    case(
        "source",
        "a third of the items without <arxiv:announce_type>, a third without authors",
        "exit 0, types inferred, papers kept, the run report names each gap",
    )
    body = missing_fields()
    arxiv.route("/rss/", static(body, "application/rss+xml"))
    result = run_cli(*run_args(world))
    assert result.code == 0, result.text
    report = last_report(world / "db.sqlite3")
    text = report_text(report)
    assert "no announce type; assumed" in text and "no authors listed" in text
    assert report.stats.fetched == body.count(b"<item>")  # nothing dropped for a missing field
    check_outputs_parse(world / "out")
    check_store(world / "db.sqlite3")
