from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from rank_feeds import load_day

from arxivbot.config import (
    AuthorsConfig,
    CustomRulesConfig,
    Profile,
    parse_config,
    resolve_profiles,
)
from arxivbot.errors import ConfigError, QueryError
from arxivbot.models import Announcement, AnnounceType, Paper
from arxivbot.rank import RankContext, dedupe, rank_day
from arxivbot.rank.authors import parse_name, same_person
from arxivbot.rank.naive import naive_score
from arxivbot.rank.text import tokens

RULES_DIR = Path(__file__).resolve().parents[1] / "data" / "rank_rules"


def make(arxiv_id: str, title: str, abstract: str = "", **kw: object) -> tuple[Paper, Announcement]:
    fields: dict[str, object] = {
        "arxiv_id": arxiv_id,
        "version": 1,
        "title": title,
        "authors": ("Ada Lovelace",),
        "abstract": abstract,
        "primary_category": "cs.LG",
        "categories": ("cs.LG",),
    }
    fields.update(kw)
    paper = Paper(**fields)  # type: ignore[arg-type]
    ann = Announcement(arxiv_id, paper.version, date(2026, 6, 2), AnnounceType.NEW, "cs.LG")
    return paper, ann


def profile(**changes: object) -> Profile:
    raw: dict[str, object] = {"keywords": ["RL", "Decoding", "decode", "framework", "Framework"]}
    raw.update(
        {
            k: v
            for k, v in changes.items()
            if k
            in ("keywords", "exclude_keywords", "query", "exclude_query", "min_score", "max_papers")
        }
    )
    base = resolve_profiles(parse_config(raw))[0]
    rest = {k: v for k, v in changes.items() if k not in raw}
    return replace(base, **rest)  # type: ignore[arg-type]


def test_original_scale_and_explanations() -> None:
    papers = [
        make("2606.00003", "RL for decoding", "An RL framework."),
        make("2606.00002", "A world model", "Early results in the world."),
        make("2606.00001", "Decoding", "We decode."),
    ]
    result = rank_day(papers, profile(), RankContext())
    assert [r.paper.arxiv_id for r in result.ranked] == ["2606.00003", "2606.00001"]
    top = result.ranked[0]
    # RL 1.5 (title) + Decoding 1.5 (title) + framework 1.0 ("Framework" and "decode" are dups)
    assert top.score == 4.0 and top.rank == 1
    assert {c.label: (c.field, c.contribution) for c in top.components} == {
        "RL": ("title", 1.5),
        "Decoding": ("title", 1.5),
        "framework": ("abstract", 1.0),
    }
    assert '"RL" in title (+1.5' in top.explanation
    assert result.matched == 2 and result.ranked[1].rank == 2


def test_exclude_min_score_max_papers_and_ties() -> None:
    papers = [make(f"2606.0000{i}", "RL decoding") for i in (3, 1, 2)]
    papers.append(make("2606.00009", "RL decoding: a survey"))
    papers.append(make("2606.00008", "RL", "surveys of decoders"))
    result = rank_day(papers, profile(exclude_keywords=["survey"], max_papers=2), RankContext())
    assert [r.paper.arxiv_id for r in result.ranked] == ["2606.00001", "2606.00002"]
    assert result.matched == 3
    result = rank_day(papers, profile(min_score=3.5), RankContext())
    assert result.matched == 0


def test_query_include_exclude_fields_weights() -> None:
    papers = [
        make("2606.00001", "Speculative decoding at scale", "We serve LLMs."),
        make("2606.00002", "Speculative decoding", "A survey.", categories=("cs.CL",)),
        make("2606.00003", "Image segmentation", "Speculative decoding is not used."),
    ]
    prof = profile(
        keywords=[],
        query='"speculative decoding"^3 AND (cat:cs.LG OR cat:cs.CL)',
        exclude_query="abs:survey",
    )
    result = rank_day(papers, prof, RankContext())
    assert [r.paper.arxiv_id for r in result.ranked] == ["2606.00001", "2606.00003"]
    assert result.ranked[0].score > result.ranked[1].score
    assert result.ranked[0].components[0].contribution == 4.5


def test_bad_query_names_the_key() -> None:
    with pytest.raises(QueryError, match=r"^exclude_query: "):
        rank_day([], profile(exclude_query="a AND"), RankContext())


def test_specificity_scales_rare_terms_up_and_common_down() -> None:
    frequencies = {"framework": 2000, "FP8": 40}
    ctx = RankContext(document_frequency=lambda t: frequencies.get(t, 500), total_documents=10000)
    prof = profile(keywords=["framework", "FP8"])
    result = rank_day([make("2606.00001", "x", "An FP8 framework")], prof, ctx)
    parts = {c.label: c.contribution for c in result.ranked[0].components}
    assert parts["FP8"] > 1.0 > parts["framework"]
    assert abs((parts["FP8"] + parts["framework"]) / 2 - 1.0) < 0.01  # mean term keeps 1.0
    flat = rank_day([make("2606.00001", "x", "An FP8 framework")], prof, RankContext())
    assert {c.contribution for c in flat.ranked[0].components} == {1.0}


@pytest.mark.parametrize(
    ("wanted", "author", "same"),
    [
        ("Kaiming He", "K. He", True),
        ("Kaiming He", "He, Kaiming", True),
        ("K. He", "Kaiming He", True),
        ("kaiming he", "KAIMING HE", True),
        ("Kaiming He", "Kai He", False),
        ("Kaiming He", "Kaiming Hee", False),
        ("Bernhard Schölkopf", "Bernhard Scholkopf", True),
        ("Jean-Pierre Serre", "J.-P. Serre", True),
        ("Hinton", "Geoffrey E. Hinton", True),
        ("José García-López", "Jose Garcia-Lopez", True),
    ],
)
def test_author_rule(wanted: str, author: str, same: bool) -> None:
    assert same_person(parse_name(wanted), parse_name(author)) is same


def test_follow_boosts_forces_and_reports_drops_block_removes() -> None:
    papers = [
        make("2606.00001", "RL decoding", authors=("Someone Else",)),
        make("2606.00002", "Botany", authors=("K. He", "X")),
        make("2606.00003", "Botany two", authors=("Kaiming He",)),
        make("2606.00004", "RL", authors=("Blocked Person",)),
    ]
    authors = AuthorsConfig(follow=["Kaiming He"], block=["B. Person"])
    result = rank_day(papers, profile(authors=authors, max_papers=2), RankContext())
    ids = [r.paper.arxiv_id for r in result.ranked]
    assert ids == ["2606.00001", "2606.00002"]
    assert result.ranked[1].forced and result.ranked[1].components[0].kind == "author"
    assert result.dropped_followed == ("2606.00003",)
    assert result.matched == 3
    soft = AuthorsConfig(follow=["Kaiming He"], force_include=False)
    result = rank_day(papers, profile(authors=soft, min_score=3.5), RankContext())
    assert [r.paper.arxiv_id for r in result.ranked] == []


def test_custom_rules_from_a_module(tmp_path: Path) -> None:
    papers = [
        make("2606.00001", "RL one", categories=("cs.DC",)),
        make("2606.00002", "RL two (retracted)"),
        make("2606.00003", "RL three"),
    ]
    rules = CustomRulesConfig(
        filter="my_rank_rules:custom_paper_filter", score="my_rank_rules:custom_paper_score"
    )
    ctx = RankContext(custom_search_paths=(RULES_DIR,))
    result = rank_day(papers, profile(custom_rules=rules), ctx)
    assert [r.paper.arxiv_id for r in result.ranked] == ["2606.00001", "2606.00003"]
    assert result.ranked[0].components[-1].kind == "custom"
    assert result.ranked[0].score == 3.5
    broken = CustomRulesConfig(score="my_rank_rules:broken_score")
    result = rank_day(papers, profile(custom_rules=broken), ctx)
    assert len(result.ranked) == 3
    assert any("failed for 3 paper(s)" in note and "boom" in note for note in result.notes)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("no_colon_here", "not a 'package.module:function'"),
        ("no_such_module_xyz:f", "cannot import"),
        ("my_rank_rules:missing", "has no function"),
    ],
)
def test_bad_custom_path_is_a_config_error(path: str, message: str) -> None:
    ctx = RankContext(custom_search_paths=(RULES_DIR,))
    with pytest.raises(ConfigError, match=message) as info:
        rank_day([], profile(custom_rules=CustomRulesConfig(filter=path)), ctx)
    assert info.value.key == "custom_rules.filter"


def test_dedupe_by_id_title_link() -> None:
    v1 = make("2606.00001", "Fast RL: A Study")
    v2 = make("2606.00001", "Fast RL: A Study", version=2)
    retitled = make("2606.00005", "fast  RL — a study!")
    other = make("2606.00002", "Other")
    assert dedupe([v1, other, v2], ["id"]) == [v2, other]
    assert dedupe([v1, retitled, other], ["title"]) == [v1, other]
    assert dedupe([v1, retitled, other], ["id", "link"]) == [v1, retitled, other]
    assert dedupe([v1, v2], []) == [v1, v2]


def test_semantic_off_note_without_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import arxivbot.rank as rank

    monkeypatch.setattr(rank, "semantic_available", lambda: False)
    prof = profile(
        semantic=resolve_profiles(parse_config({"semantic": {"seeds": ["2606.00001"]}}))[0].semantic
    )
    result = rank_day([make("2606.00001", "RL")], prof, RankContext())
    assert "semantic ranking is off: pip install 'arxivbot[semantic]'" in result.notes
    assert len(result.ranked) == 1


def test_recorded_day_with_seed_config_has_no_substring_matches(fixtures: Path) -> None:
    config = parse_config(json.loads((fixtures / "seed-config.json").read_text()))
    prof = resolve_profiles(config)[0]
    day = load_day(fixtures / "arxiv-feeds/2026-06-02/rss/cs.AI+cs.CL+cs.DC+cs.LG.xml")
    result = rank_day(
        day, replace(prof, max_papers=1000), RankContext(dedupe_methods=("id", "title"))
    )
    assert 0 < result.matched < len(day)
    assert result.matched < sum(naive_score(p, prof.keywords) >= prof.min_score for p, _ in day)
    for ranked in result.ranked:
        text_tokens = {
            t.casefold() for t in tokens(ranked.paper.title + " " + ranked.paper.abstract)
        }
        assert ranked.score >= prof.min_score and ranked.components
        for comp in ranked.components:
            first = tokens(comp.label)[0]
            if first.isupper():  # an acronym must appear as a capitalised token
                assert re.search(
                    rf"(?<![^\W_]){first}s?(?![^\W_])",
                    ranked.paper.title + " " + ranked.paper.abstract,
                    re.I,
                )
            else:
                assert any(tok.startswith(first.casefold()[:4]) for tok in text_tokens)
        text = (ranked.paper.title + " " + ranked.paper.abstract).casefold()
        assert not re.search(r"(?<![^\W_])surveys?(?![^\W_])", text)
    rl_papers = [r for r in result.ranked if any(c.label == "RL" for c in r.components)]
    for ranked in rl_papers:
        assert "RL" in tokens(ranked.paper.title + " " + ranked.paper.abstract) or any(
            t.startswith("RL") for t in tokens(ranked.paper.title + " " + ranked.paper.abstract)
        )
