"""Build ``tests/data/recorded`` — the compact, in-repository copy of the recorded arXiv data.

The core test suite runs on this folder, so a bare ``git clone`` passes its own test command.
It mirrors the layout of the large recorded set (``../shared/fixtures``) but keeps only a
deterministic sample of each announcement day and writes its own small PDFs, so it stays
far under 5 MB. Corpus-scale tests and benchmarks read the large set in place.

Regenerate (needs the large set; the output is committed)::

    python tests/data/build_recorded.py [--source ../shared/fixtures]

What is kept, and why:

* Feeds: every recorded day (weekends and holidays stay empty, as recorded). Of each day's
  items, the papers whose id falls in a fixed hash sample (about one in 16), plus every paper
  the tests name and every paper that has a recorded summary, plus the replacements of kept
  papers (so a paper keeps its history across days). The per-category and Atom files keep
  the same papers, so a paper is consistent across every file of a day.
* API answers: the small recorded answers, unchanged (arXiv metadata is CC0).
* OAI-PMH: the three recorded pages cut to their first 40 records, resumption tokens kept.
* Summaries: the recorded LLM summaries of the kept papers (at most 60).
* PDFs: generated here (see ``make_pdf``) with a realistic section structure: the recorded
  PDFs are third-party works and stay outside the repository.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
from pathlib import Path

from lxml import etree

HERE = Path(__file__).resolve().parent
TARGET = HERE / "recorded"
SAMPLE_MODULUS = 20
SUMMARY_LIMIT = 60
OAI_RECORDS = 40
KEYWORD_PAPERS_PER_DAY = 40
ID_RE = re.compile(r"\b(\d{4}\.\d{4,5})\b")
OAI_NS = "{http://www.openarchives.org/OAI/2.0/}"


def keep_id(arxiv_id: str) -> bool:
    digest = hashlib.sha256(arxiv_id.encode()).digest()
    return digest[0] % SAMPLE_MODULUS == 0


def named_in_tests() -> set[str]:
    names: set[str] = set()
    for path in (HERE.parent).rglob("*.py"):
        names.update(ID_RE.findall(path.read_text(encoding="utf-8")))
    return names


def item_id(element: etree._Element) -> str:
    text = "".join(element.itertext())
    match = re.search(r"oai:arXiv\.org:(\d{4}\.\d{4,5})", text) or ID_RE.search(text)
    return match.group(1) if match else ""


def trim_feed(source: Path, target: Path, wanted: set[str]) -> None:
    """Copy ``source`` keeping only items/entries whose paper id is in ``wanted``."""
    raw = source.read_bytes()
    tree = etree.fromstring(raw)
    for element in list(tree.iter("item", "{http://www.w3.org/2005/Atom}entry")):
        if item_id(element) not in wanted:
            parent = element.getparent()
            previous = element.getprevious()
            # Keep the two-space layout: hand the removed element's tail to its neighbour.
            if previous is not None:
                previous.tail = element.tail
            elif parent is not None:
                parent.text = element.tail
            if parent is not None:
                parent.remove(element)
    target.parent.mkdir(parents=True, exist_ok=True)
    body = etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
    target.write_bytes(
        body.replace(
            b'<?xml version="1.0" encoding="UTF-8"?>', b"<?xml version='1.0' encoding='UTF-8'?>"
        )
        + b"\n"
    )


def day_titles(feed: Path) -> list[tuple[str, str]]:
    tree = etree.fromstring(feed.read_bytes())
    return [(item_id(item), item.findtext("title") or "") for item in tree.iter("item")]


def kept_papers(source: Path) -> tuple[set[str], set[str]]:
    """(papers kept in the combined feeds, papers kept in the per-category and Atom feeds).

    The combined feeds also keep every paper the original bot summarised that day (its
    picks, about 15 a day), so a day still has a full digest's worth of matching papers.
    """
    named = named_in_tests()
    picked = {str(r["id"]) for r in recorded_summaries(source) if str(r["published"]) >= "2026-06"}
    seed = json.loads((source / "seed-config.json").read_text(encoding="utf-8"))
    keyword = re.compile(r"\b(" + "|".join(map(re.escape, seed["keywords"])) + r")s?\b", re.I)
    combined: set[str] = set()
    others: set[str] = set()
    for day in sorted((source / "arxiv-feeds").iterdir()):
        feed = day / "rss" / "cs.AI+cs.CL+cs.DC+cs.LG.xml"
        if not feed.is_file():
            continue
        # Full digests (30 kept) are only needed on the first two weeks' days.
        matching = 0 if day.name <= "2026-06-12" else KEYWORD_PAPERS_PER_DAY
        for arxiv_id, title in day_titles(feed):
            if keep_id(arxiv_id) or arxiv_id in named:
                combined.add(arxiv_id)
                others.add(arxiv_id)
            elif arxiv_id in picked:
                combined.add(arxiv_id)
            elif matching < KEYWORD_PAPERS_PER_DAY and keyword.search(title):
                # Enough papers that the seed profile matches for a full digest (30 kept).
                matching += 1
                combined.add(arxiv_id)
    return combined, others


def copy_feeds(source: Path, combined: set[str], others: set[str]) -> None:
    for day in sorted((source / "arxiv-feeds").iterdir()):
        if not day.is_dir():
            continue
        for feed in sorted(day.glob("*/*.xml")):
            wanted = combined if "+" in feed.name else others
            trim_feed(
                feed, TARGET / "arxiv-feeds" / day.name / feed.parent.name / feed.name, wanted
            )


# one 100-result answer no test asks for (237 KB): left out to keep tests/data under 5 MB
UNUSED_API_ANSWERS = ("q_testing_s0_m100_*.json",)


def copy_api(source: Path) -> None:
    shutil.copytree(source / "arxiv-api", TARGET / "arxiv-api", dirs_exist_ok=True)
    for pattern in UNUSED_API_ANSWERS:
        for unused in (TARGET / "arxiv-api").rglob(pattern):
            unused.unlink()
    for path in (TARGET / "arxiv-api").rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)


def copy_oai(source: Path) -> None:
    folder = source / "oai" / "cs_full_harvest_2016-03-09"
    out = TARGET / "oai" / folder.name
    out.mkdir(parents=True, exist_ok=True)
    for name in ("page_001.xml", "page_002.xml", "page_103_final.xml"):
        tree = etree.fromstring((folder / name).read_bytes())
        records = tree.find(f"{OAI_NS}ListRecords")
        assert records is not None
        for record in records.findall(f"{OAI_NS}record")[OAI_RECORDS:]:
            records.remove(record)
        (out / name).write_bytes(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))


def recorded_summaries(source: Path) -> list[dict[str, object]]:
    path = source / "history" / "qwen_long_summaries.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def summaries(source: Path) -> list[dict[str, object]]:
    records = recorded_summaries(source)
    named = named_in_tests()
    june = [
        r for r in records if str(r["published"]).startswith("2026-06") and keep_id(str(r["id"]))
    ]
    chosen = [r for r in records if r["id"] in named] + june
    unique = {str(r["id"]): r for r in chosen}
    return list(unique.values())[:SUMMARY_LIMIT]


def write_summaries(records: list[dict[str, object]]) -> None:
    out = TARGET / "history" / "qwen_long_summaries.jsonl"
    out.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(record, ensure_ascii=False) for record in records]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def copy_small(source: Path) -> None:
    for name in ("seed-config.json", "ai_summary_prompt.txt"):
        shutil.copyfile(source / name, TARGET / name)


PDFS = {
    "1111.2011v2": "Sparse Codes for Natural Images: A Small Generated Test Paper",
    "1706.03762v5": "Attention-Style Sequence Models: A Small Generated Test Paper",
    "1810.04805v2": "Generated Test Paper on Pre-training of Deep Bidirectional Transformers",
}


def write_pdfs() -> None:
    from pdf_maker import make_pdf  # tests/data/pdf_maker.py (reportlab-free)

    out = TARGET / "pdf"
    out.mkdir(parents=True, exist_ok=True)
    for stem, title in PDFS.items():
        (out / f"{stem}.pdf").write_bytes(make_pdf(stem, title))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=HERE.parents[2] / "shared/fixtures")
    source = parser.parse_args().source
    if TARGET.exists():
        shutil.rmtree(TARGET)
    TARGET.mkdir(parents=True)
    records = summaries(source)
    combined, others = kept_papers(source)
    copy_feeds(source, combined, others)
    copy_api(source)
    copy_oai(source)
    write_summaries(records)
    copy_small(source)
    write_pdfs()
    (TARGET / "README.md").write_text(
        "Generated by `tests/data/build_recorded.py` (read its docstring): a compact sample of\n"
        "the recorded June-2026 arXiv data (CC0 metadata) and generated PDFs,\n"
        "for the core tests.\n",
        encoding="utf-8",
    )
    size = sum(p.stat().st_size for p in TARGET.rglob("*") if p.is_file())
    print(f"{len(combined)} papers kept, {size / 1e6:.2f} MB in {TARGET}")


if __name__ == "__main__":
    main()
