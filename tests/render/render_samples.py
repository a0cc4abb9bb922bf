"""Hand-built digests for the render tests: real papers and real qwen-long summaries from
``history/qwen_long_summaries.jsonl`` plus hand-written papers (math, old-style id,
offline summary). Nothing here touches a network or a store."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from types import MappingProxyType

from arxivbot.config import Config, Profile, resolve_profiles
from arxivbot.models import (
    Announcement,
    AnnounceType,
    DayStats,
    Digest,
    Paper,
    RankedPaper,
    ScoreComponent,
    Summary,
    SummaryKey,
    SummarySource,
)

DAY1 = date(2025, 12, 4)
DAY2 = date(2025, 12, 5)
GENERATED = datetime(2025, 12, 5, 6, 7, 54, tzinfo=UTC)
EARLY_WORD = "zebrafish"  # only in the DAY1 version of 2512.09999's abstract
EARLY_ABSTRACT_WORD = "molecular"  # only in VS-Graph's abstract (a DAY1-only paper)


def real_records(fixtures: Path) -> dict[str, dict[str, object]]:
    wanted = {"2512.03394", "2512.03383", "2512.04752"}
    found: dict[str, dict[str, object]] = {}
    with (fixtures / "history" / "qwen_long_summaries.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record["id"] in wanted:
                found[record["id"]] = record
            if len(found) == len(wanted):
                break
    return found


def make_paper(arxiv_id: str, title: str, authors: list[str], abstract: str,
               categories: tuple[str, ...], version: int = 1) -> Paper:  # fmt: skip
    return Paper(
        arxiv_id=arxiv_id,
        version=version,
        title=title,
        authors=tuple(authors),
        abstract=abstract,
        primary_category=categories[0],
        categories=categories,
    )


def rank(
    paper: Paper,
    day: date,
    score: float,
    position: int,
    *,
    kind: AnnounceType = AnnounceType.NEW,
    terms: tuple[str, ...] = ("LLM",),
) -> RankedPaper:
    components = tuple(
        ScoreComponent("term", term, "title" if i == 0 else "abstract", 1.5 if i == 0 else 1.0)
        for i, term in enumerate(terms)
    )
    announcement = Announcement(paper.arxiv_id, paper.version, day, kind, paper.primary_category)
    return RankedPaper(paper, announcement, score, components, rank=position)


def summary(paper: Paper, text: str, source: SummarySource = SummarySource.FILE,
            model: str = "qwen-long") -> Summary:  # fmt: skip
    key = SummaryKey(paper.arxiv_id, paper.version, model, "p0", "zh")
    return Summary(key, text, source, GENERATED, 1000, 800)


def _from_record(record: dict[str, object]) -> Paper:
    abstract = str(record["abstract_truncated"]).removesuffix("...")
    return make_paper(
        str(record["id"]),
        str(record["title"]),
        list(record["authors"]),  # type: ignore[call-overload]
        abstract,
        (str(record["category"]), "cs.AI"),
        version=int(record["version"]),  # type: ignore[call-overload]
    )


def day1_digest(fixtures: Path) -> Digest:
    records = real_records(fixtures)
    vs_graph = _from_record(records["2512.03394"])
    uniql = _from_record(records["2512.03383"])
    fish = make_paper(
        "2512.09999",
        "Efficient $\\alpha$-Divergence Training of $O(n^{2})$ Transformers",
        ["Ada Lovelace", "Émile Zola"],
        f"We train {EARLY_WORD} behaviour models with an efficient LLM pipeline. " * 8,
        ("cs.CL", "cs.LG"),
    )
    old = make_paper(
        "hep-th/9901001",
        "An Old-Style Identifier & Q&A <item path, value>",
        ["Old Author"],
        "Short abstract with <angle brackets> kept as written.",
        ("hep-th", "cs.LG"),
        version=2,
    )
    papers = (
        rank(vs_graph, DAY1, 11.0, 1, terms=("Efficient", "Scalable", "Graph")),
        rank(uniql, DAY1, 6.5, 2, terms=("LLM", "Quantization")),
        rank(fish, DAY1, 4.5, 3, kind=AnnounceType.CROSS, terms=("Efficient", "LLM")),
        rank(old, DAY1, 1.0, 4, terms=("Q&A",)),
    )
    summaries = {
        vs_graph.arxiv_id: summary(vs_graph, str(records["2512.03394"]["ai_summary"])),
        uniql.arxiv_id: summary(uniql, str(records["2512.03383"]["ai_summary"])),
        fish.arxiv_id: summary(
            fish, "An extractive summary: efficient training.", SummarySource.OFFLINE, "offline"
        ),
    }
    return Digest(
        "default",
        DAY1,
        GENERATED,
        papers,
        DayStats(fetched=812, new=500, cross=312, matched=40, kept=4),
        MappingProxyType(summaries),
    )


def day2_digest(fixtures: Path) -> Digest:
    record = real_records(fixtures)["2512.04752"]
    rlhf = _from_record(record)
    newer_fish = make_paper(
        "2512.09999",
        "Efficient $\\alpha$-Divergence Training of $O(n^{2})$ Transformers",
        ["Ada Lovelace", "Émile Zola"],
        "Version two of the abstract, without the animal.",
        ("cs.CL", "cs.LG"),
        version=2,
    )
    papers = (
        rank(rlhf, DAY2, 9.0, 1, terms=("RLHF", "Efficiency")),
        rank(newer_fish, DAY2, 3.0, 2, kind=AnnounceType.REPLACE),
    )
    summaries = {rlhf.arxiv_id: summary(rlhf, str(record["ai_summary"]))}
    return Digest(
        "default",
        DAY2,
        GENERATED,
        papers,
        DayStats(fetched=640, new=400, cross=240, matched=21, kept=2),
        MappingProxyType(summaries),
    )


def sample_config(**overrides: object) -> Config:
    base: dict[str, object] = {
        "categories": ["cs.AI", "cs.CL", "cs.DC", "cs.LG"],
        "keywords": ["LLM", "RL", "Efficient", "Quantization"],
        "output": {"site_url": "https://example.github.io/digest/", "site_title": "Test digest"},
    }
    base.update(overrides)
    return Config.model_validate(base)


def sample_profile(config: Config) -> Profile:
    return resolve_profiles(config)[0]
