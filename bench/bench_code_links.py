"""Code-link coverage on the recorded June 2026 announcement days (and the 2016 corpus).

    python bench/bench_code_links.py [--corpus-pages N]

For every recorded day the papers of all its RSS feeds (deduplicated by arXiv id) go
through ``arxivbot.enrich.find_links`` (abstract + comment, exactly what every output
shows). Printed per day and in total: papers with any link, with a code link (GitHub,
GitLab, Hugging Face, another code host), only a project page, and code that is only
promised ("will be released at"). The original bot showed no code links at all; the
nearest cheap alternative, a substring test for "github.com", is printed beside ours.
RSS items carry no arXiv comment, so the June figures are abstracts only; the 2016
OAI-PMH corpus has comments and shows how much they add.
"""

from __future__ import annotations

import argparse
import gzip
import os
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from arxivbot.enrich import LinkKind, find_links
from arxivbot.models import Paper
from arxivbot.sources.oai import parse_list_records
from arxivbot.sources.rss import parse_feed

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(os.environ.get("ARXIVBOT_FIXTURES", ROOT.parent / "shared" / "fixtures"))


def day_papers(folder: Path) -> list[Paper]:
    papers: dict[str, Paper] = {}
    for feed in sorted(folder.glob("*/*.xml")):
        listing = parse_feed(feed.read_bytes(), str(feed))
        for paper, _ in listing.items:
            papers.setdefault(paper.arxiv_id, paper)
    return list(papers.values())


def coverage(papers: Iterable[Paper]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for paper in papers:
        links = find_links(paper)
        counts["papers"] += 1
        counts["grep github.com"] += "github.com" in (paper.abstract + paper.comment).lower()
        code = [link for link in links if link.is_code]
        counts["any link"] += bool(links)
        counts["code link"] += bool(code)
        counts["code, all promised"] += bool(code) and all(link.promised for link in code)
        counts["project page only"] += bool(links) and not code
        counts["github"] += any(link.kind is LinkKind.GITHUB for link in links)
        counts["hugging face"] += any(link.kind is LinkKind.HUGGINGFACE for link in links)
        counts["from comment"] += any(link.where == "comment" for link in links)
    return counts


def share(counts: Counter[str], key: str) -> str:
    return f"{counts[key]:>5} ({counts[key] / max(counts['papers'], 1):6.1%})"


COLUMNS = ("any link", "code link", "code, all promised", "project page only", "grep github.com")


def print_table(rows: list[tuple[str, Counter[str]]]) -> None:
    print(f"{'day':<12}{'papers':>7}  " + "  ".join(f"{c:>18}" for c in COLUMNS))
    for label, counts in rows:
        cells = "  ".join(f"{share(counts, c):>18}" for c in COLUMNS)
        print(f"{label:<12}{counts['papers']:>7}  {cells}")


def corpus(pages: int) -> list[Paper]:
    folder = FIXTURES / "corpus" / "oai_cs_2016-03-09" / "pages_gz"
    papers: list[Paper] = []
    for file in sorted(folder.glob("page_*.xml.gz"))[:pages]:
        with gzip.open(file) as handle:
            papers.extend(parse_list_records(handle.read()).papers)
    return papers


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus-pages", type=int, default=103, help="0 skips the corpus")
    args = parser.parse_args()
    feeds = FIXTURES / "arxiv-feeds"
    days = sorted(p for p in feeds.glob("2026-*") if p.is_dir())
    if not days:
        raise SystemExit(f"recorded feeds not found in {feeds} (set ARXIVBOT_FIXTURES)")
    print("configuration: arxivbot.enrich.find_links on abstract + comment (no full text);")
    print(f"  recorded days: every RSS/Atom feed under {feeds}, papers deduplicated per day")
    start = time.perf_counter()
    rows: list[tuple[str, Counter[str]]] = []
    total: Counter[str] = Counter()
    for day in days:
        counts = coverage(day_papers(day))
        if counts["papers"]:
            rows.append((day.name, counts))
            total += counts
    rows.append(("all days", total))
    print_table(rows)
    print(f"  GitHub {share(total, 'github')}, Hugging Face {share(total, 'hugging face')}")
    print(f"  {total['papers']:,} paper-days in {time.perf_counter() - start:.1f} s")
    print("  the original bot: no code links (0 %)")
    if args.corpus_pages:
        start = time.perf_counter()
        papers = corpus(args.corpus_pages)
        counts = coverage(papers)
        print(f"\n2016 cs OAI-PMH corpus ({args.corpus_pages} pages, abstracts + comments):")
        print_table([("2016 corpus", counts)])
        print(f"  links found only in the comment: {share(counts, 'from comment')}")
        print(f"  {len(papers):,} papers in {time.perf_counter() - start:.1f} s (parsing included)")


if __name__ == "__main__":
    main()
