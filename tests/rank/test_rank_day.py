from __future__ import annotations

import json
import re
from collections.abc import Sequence
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
from arxivbot.models import Announcement, AnnounceType, Paper, RankedPaper, ScoreComponent
from arxivbot.rank import Collection, RankContext, dedupe, rank_day
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


def test_term_parts_and_explanations() -> None:
    papers = [
        make("2606.00003", "RL for decoding", "An RL framework."),
        make("2606.00002", "A world model", "Early results in the world."),
        make("2606.00001", "Decoding", "We decode."),
    ]
    result = rank_day(papers, profile(), RankContext())
    assert [r.paper.arxiv_id for r in result.ranked] == ["2606.00003", "2606.00001"]
    top = result.ranked[0]
    parts = {c.label: c for c in top.components}
    # "Framework" and "decode" are the same terms as "framework" and "Decoding"
    assert list(parts) == ["RL", "Decoding", "framework"]
    # 3 papers are too few for statistics: specificity 1; once in the title = 1.0
    assert parts["Decoding"].contribution == round(1.0 * 0.8, 4)  # the 2nd term counts ×0.8
    assert 1.0 < parts["RL"].contribution < 1.3  # title and abstract, saturated
    assert parts["framework"].field == "abstract"
    assert 0.3 < parts["framework"].contribution < 0.64 * 0.9  # 3rd term, abstract only
    assert top.score == round(sum(c.contribution for c in top.components), 4)
    assert '"RL" in title (+1.' in top.explanation
    assert "title ×1, abstract ×1" in parts["RL"].detail
    assert result.matched == 2 and result.ranked[1].rank == 2


def test_min_score_is_read_on_the_original_scale_and_a_title_keyword_keeps() -> None:
    papers = [
        make("2606.00001", "A title", "An RL framework that does decoding."),  # 3 in abstract
        make("2606.00002", "A title", "Only RL here."),  # 1.0 on the original scale
        make("2606.00003", "RL", "Nothing else."),  # a keyword in the title
        make("2606.00004", "A title", "Nothing at all."),
    ]
    kept = {
        min_score: [
            r.paper.arxiv_id
            for r in rank_day(papers, profile(min_score=min_score), RankContext()).ranked
        ]
        for min_score in (0, 1.0, 2.5, 10)
    }
    assert sorted(kept[0]) == sorted(kept[1.0]) == ["2606.00001", "2606.00002", "2606.00003"]
    assert sorted(kept[2.5]) == ["2606.00001", "2606.00003"]
    assert kept[10] == ["2606.00003"]


def test_exclude_max_papers_and_ties() -> None:
    papers = [make(f"2606.0000{i}", "RL decoding") for i in (3, 1, 2)]
    papers.append(make("2606.00009", "RL decoding: a survey"))
    papers.append(make("2606.00008", "RL", "surveys of decoders"))
    result = rank_day(papers, profile(exclude_keywords=["survey"], max_papers=2), RankContext())
    assert [r.paper.arxiv_id for r in result.ranked] == ["2606.00001", "2606.00002"]
    assert result.matched == 3


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
    assert result.ranked[0].components[0].contribution == 3.0  # ^3 × once in the title


def test_bad_query_names_the_key() -> None:
    with pytest.raises(QueryError, match=r"^exclude_query: "):
        rank_day([], profile(exclude_query="a AND"), RankContext())


def _collection(count: int, abstracts: dict[str, int]) -> Collection:
    """``count`` stored papers; ``abstracts[text]`` of them have that abstract."""
    papers: list[Paper] = []
    for text, n in abstracts.items():
        papers += [make(f"2601.{len(papers) + i:05d}", "Stored", text)[0] for i in range(n)]
    papers += [
        make(f"2601.{len(papers) + i:05d}", "Stored", "Something else.")[0]
        for i in range(count - len(papers))
    ]
    return Collection(f"test:{count}:{sorted(abstracts.items())}", lambda: papers)


def test_specificity_comes_from_the_collection_and_not_the_profile() -> None:
    ctx = RankContext(collection=_collection(1000, {"A framework.": 400, "In FP8.": 2}))
    paper = make("2606.00001", "x", "An FP8 framework")
    parts = {}
    for keywords in (["framework", "FP8"], ["framework", "FP8", "zebra"]):
        result = rank_day([paper], profile(keywords=keywords), ctx)
        parts[len(keywords)] = {c.label: c for c in result.ranked[0].components}
    # adding a keyword changes nothing for the others (no normalisation by the profile)
    assert {k: c.contribution for k, c in parts[2].items()} == {
        k: c.contribution for k, c in parts[3].items()
    }
    fp8, framework = parts[2]["FP8"], parts[2]["framework"]
    assert "specificity 1.00" in fp8.detail and "of 1,001 papers" in fp8.detail
    assert framework.contribution < 0.5 * fp8.contribution
    flat = rank_day([paper], profile(keywords=["framework", "FP8"]), RankContext())
    assert all("specificity 1.00" in c.detail for c in flat.ranked[0].components)


def test_generic_words_cannot_outvote_a_precise_title_match() -> None:
    generic = ["model", "method", "results", "framework", "approach", "data"]
    common = {f"A {word}.": 500 for word in generic}
    ctx = RankContext(collection=_collection(3000, {**common, "Speculative decoding.": 5}))
    papers = [
        make("2606.00001", "Speculative decoding", "Short."),
        make("2606.00002", "A study", "A model, method, results, framework, approach, data."),
    ]
    result = rank_day(papers, profile(keywords=[*generic, "speculative decoding"]), ctx)
    assert [r.paper.arxiv_id for r in result.ranked] == ["2606.00001", "2606.00002"]


def test_near_duplicates_count_once_and_phrase_words_back_off() -> None:
    papers = [
        make("2606.00001", "Efficient RLHF", "Efficiency of RL."),
        make("2606.00002", "LLM agents at work", "Agents."),
        make("2606.00003", "An agent framework", "For the LLM."),
        make("2606.00004", "An agent framework", "Nothing else."),
    ]
    prof = profile(keywords=["Efficient", "Efficiency", "RL", "RLHF", "LLM agents", "LLM"])
    result = rank_day(papers, prof, RankContext())
    by_id = {r.paper.arxiv_id: r for r in result.ranked}
    assert [c.label for c in by_id["2606.00001"].components] == ["Efficient", "RLHF"]
    # the phrase is there: its words add nothing more
    assert [c.label for c in by_id["2606.00002"].components] == ["LLM agents", "LLM"]
    # a word of a phrase scores (weakly) but does not keep a paper by itself
    assert [c.label for c in by_id["2606.00003"].components] == ["LLM", "agents"]
    assert "2606.00004" not in by_id


def test_rerankers_add_components_and_reorder() -> None:
    papers = [make("2606.00001", "RL decoding"), make("2606.00002", "RL", "decoding")]

    def judge(ranked: Sequence[RankedPaper], _profile: Profile) -> dict[str, list[ScoreComponent]]:
        assert [r.paper.arxiv_id for r in ranked] == ["2606.00001", "2606.00002"]
        return {"2606.00002": [ScoreComponent("judge", "on topic", "", 2.0, "verdict 9/10")]}

    result = rank_day(papers, profile(), RankContext(rerankers=(judge,)))
    assert [r.paper.arxiv_id for r in result.ranked] == ["2606.00002", "2606.00001"]
    assert result.ranked[0].components[-1].kind == "judge"
    assert result.ranked[0].rank == 1


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
    assert ids == ["2606.00002", "2606.00003"]  # a followed author (3.0) beats two terms
    assert result.ranked[1].forced and result.ranked[1].components[0].kind == "author"
    result = rank_day(papers, profile(authors=authors, max_papers=1), RankContext())
    assert result.dropped_followed == ("2606.00003",)
    assert result.matched == 3
    soft = AuthorsConfig(follow=["Kaiming He"], force_include=False)
    result = rank_day(papers, profile(authors=soft, min_score=3.5), RankContext())
    assert [r.paper.arxiv_id for r in result.ranked] == [
        *("2606.00002", "2606.00003", "2606.00001", "2606.00004")
    ]
    result = rank_day(papers, profile(authors=soft, query="RL"), RankContext())
    soft_ids = [r.paper.arxiv_id for r in result.ranked]
    assert soft_ids == ["2606.00001", "2606.00004"]  # soft: not past the query


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
    assert result.ranked[0].score == 3.0  # RL once in the title (1.0) + the rule's 2.0
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
    # fewer than the original kept (any substring match), though a title keyword always keeps
    assert result.matched < sum(naive_score(p, prof.keywords) > 0 for p, _ in day)
    for ranked in result.ranked:
        text_tokens = {
            t.casefold() for t in tokens(ranked.paper.title + " " + ranked.paper.abstract)
        }
        assert ranked.components
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
