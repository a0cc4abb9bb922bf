"""Code links: extraction from arXiv's own text, ``has:`` in the query language, every output."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from arxivbot.config import Config, resolve_profiles
from arxivbot.enrich import (
    CodeLink,
    LinkKind,
    find_links,
    fts_prefilter,
    full_text_links,
    links_in_text,
)
from arxivbot.errors import QueryError
from arxivbot.models import Announcement, AnnounceType, Digest, Paper, RankedPaper, ScoreComponent
from arxivbot.rank.query import parse_query
from arxivbot.render import render_papers_json, render_readme
from arxivbot.render.site import paper_view
from arxivbot.render.templating import environment, item_html
from arxivbot.store import SearchFilters, open_store

DAY = date(2026, 6, 2)
MARKERS = ("<script", "javascript:", "onerror")


def paper(abstract: str, comment: str = "", arxiv_id: str = "2606.00001") -> Paper:
    return Paper(arxiv_id, 1, "A paper", ("Ada Lovelace",), abstract, "cs.LG", ("cs.LG",),
                 comment=comment)  # fmt: skip


def urls(text: str) -> list[tuple[str, LinkKind, bool]]:
    return [(link.url, link.kind, link.promised) for link in links_in_text(text, "abstract")]


# Real sentences from the recorded feeds (2026-06-02), LaTeX as arXiv serves it.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            r"robustness in OOD settings\footnote{https://github.com/bort64/ood\_code}.",
            [("https://github.com/bort64/ood_code", LinkKind.GITHUB, False)],
        ),
        (
            "Our implementation is available at https://github.com/hyundong98/EPIC-Decoding.git",
            [("https://github.com/hyundong98/EPIC-Decoding", LinkKind.GITHUB, False)],
        ),
        (
            "We release our scaffold (https://github.com/i-DeepSearch/observation-masking) now.",
            [("https://github.com/i-DeepSearch/observation-masking", LinkKind.GITHUB, False)],
        ),
        (
            "Code will be available at https://github.com/Dongping-Chen/OmniCoding.",
            [("https://github.com/Dongping-Chen/OmniCoding", LinkKind.GITHUB, True)],
        ),
        (
            r"Our code is publicly \href{https://anonymous.4open.science/r/Set-CXR-BFDA}{available}.",
            [("https://anonymous.4open.science/r/Set-CXR-BFDA", LinkKind.CODE, False)],
        ),
        (
            "to support future research on temporal framing: https://mbzuai-nlp.github.io/tf/.",
            [("https://mbzuai-nlp.github.io/tf", LinkKind.PROJECT, False)],
        ),
        (
            "Weights at huggingface.co/org/model-7b and data at https://hf.co/datasets/org/set.",
            [
                ("https://huggingface.co/org/model-7b", LinkKind.HUGGINGFACE, False),
                ("https://hf.co/datasets/org/set", LinkKind.HUGGINGFACE, False),
            ],
        ),
        (
            "Project page: https://www.datacomp.ai. See also",
            [("https://www.datacomp.ai", LinkKind.PROJECT, False)],
        ),
        (
            "Code: https://gitlab.inria.fr/team/tool",
            [("https://gitlab.inria.fr/team/tool", LinkKind.GITLAB, False)],
        ),
        (
            "archived code and data: https://doi.org/10.5281/zenodo.20952794 and an app at "
            "https://x-y.hf.space",
            [
                ("https://doi.org/10.5281/zenodo.20952794", LinkKind.CODE, False),
                ("https://x-y.hf.space", LinkKind.HUGGINGFACE, False),
            ],
        ),
        # not the paper's own artifacts: a licence, a DOI, a cited site, a bare host, HF papers
        ("Licensed http://creativecommons.org/licenses/by/4.0/ and doi https://doi.org/10.1/x", []),
        ("Unlike https://example.com/prior, we", []),
        ("We love https://github.com/ and https://huggingface.co/papers/2606.00001", []),
        ("no links at all", []),
    ],
)
def test_links_in_text(text: str, expected: list[tuple[str, LinkKind, bool]]) -> None:
    assert urls(text) == expected


def test_find_links_reads_comment_and_dedupes_released_over_promised() -> None:
    found = find_links(
        paper(
            "Code will be released at https://github.com/a/b.",
            comment="ICML 2026. Code: https://github.com/a/b; demo https://a.github.io/b/",
        )
    )
    assert [(lk.url, lk.where, lk.promised) for lk in found] == [
        ("https://github.com/a/b", "comment", False),
        ("https://a.github.io/b", "comment", False),
    ]
    assert found[0].display == "GitHub a/b"
    assert found[1].display == "project page a.github.io/b" and not found[1].is_code


def test_full_text_links_only_from_the_first_page() -> None:
    head = "Title\nAbstract\n1 https://github.com/own/repo\n"
    body = "x " * 4000 + "we build on https://github.com/other/lib"
    assert [lk.url for lk in full_text_links(head + body)] == ["https://github.com/own/repo"]
    assert find_links(paper("nothing"), full_text=head)[0].where == "full text"


def test_hostile_urls_stay_urls() -> None:
    text = 'Code: https://github.com/a/b"><script>alert(1)</script> https://github.com/c/d)](javascript:x)'
    links = links_in_text(text, "abstract")
    assert [lk.url for lk in links] == ["https://github.com/a/b", "https://github.com/c/d"]
    assert all(lk.url.startswith("https://") for lk in links)


# ---------------------------------------------------------------- the query language


def test_has_in_the_query_language() -> None:
    with_code = paper("Code is at https://github.com/a/b.")
    page_only = paper("Project page: https://a.github.io/b")
    nothing = paper("We study things.")
    query = parse_query("has:code")
    assert [query.matches(p) for p in (with_code, page_only, nothing)] == [True, False, False]
    assert parse_query("has:project").matches(page_only)
    assert parse_query("has:(github OR hf) -has:project").matches(with_code)
    assert parse_query("things AND NOT has:link").matches(nothing)
    canonical = parse_query("(things OR has:code^2) -has:project")
    assert parse_query(str(canonical)) == canonical
    assert str(canonical) == "(things OR has:code^2) AND NOT has:project"


def test_unknown_has_value_names_the_choices() -> None:
    with pytest.raises(QueryError, match=r"unknown has:codes: expected one of has:code"):
        parse_query("ti:LLM has:codes")


def test_has_code_scores_and_keeps_in_rank_day() -> None:
    from arxivbot.rank import RankContext, rank_day

    config = Config.model_validate({"categories": ["cs.LG"], "query": "agents has:code"})
    profile = resolve_profiles(config)[0]
    items = [
        (paper("LLM agents. Code: https://github.com/a/b", arxiv_id="2606.00001"), "new"),
        (paper("LLM agents without code.", arxiv_id="2606.00002"), "new"),
    ]
    listing = [
        (p, Announcement(p.arxiv_id, 1, DAY, AnnounceType(kind), "cs.LG")) for p, kind in items
    ]
    ranked = rank_day(listing, profile, RankContext()).ranked
    assert [r.paper.arxiv_id for r in ranked] == ["2606.00001"]
    assert any(c.field == "links" for c in ranked[0].components)


# ---------------------------------------------------------------- outputs


def _digest(abstract: str) -> tuple[Digest, Config]:
    config = Config.model_validate({"categories": ["cs.LG"], "keywords": ["agents"]})
    p = paper(abstract)
    ann = Announcement(p.arxiv_id, 1, DAY, AnnounceType.NEW, "cs.LG")
    ranked = RankedPaper(p, ann, 2.0, (ScoreComponent("term", "agents", "abstract", 2.0),), 1)
    now = datetime(2026, 6, 2, 12, tzinfo=UTC)
    return Digest("default", DAY, now, (ranked,)), config


ABSTRACT = (
    "Agents. Code: https://github.com/a/b_c. Weights will be released at "
    "https://huggingface.co/org/m."
)


def test_readme_has_a_code_line() -> None:
    digest, config = _digest(ABSTRACT)
    text = render_readme(
        digest, resolve_profiles(config)[0], config, generated_at=digest.generated_at
    )
    line = next(ln for ln in text.splitlines() if ln.startswith("**Code**: "))
    assert line == (
        r"**Code**: [GitHub a/b\_c](https://github.com/a/b_c) · "
        "[Hugging Face org/m](https://huggingface.co/org/m) (promised)  "
    )


def test_papers_json_lists_code_links() -> None:
    digest, _ = _digest(ABSTRACT)
    code = json.loads(render_papers_json(digest))["papers"][0]["code"]
    assert code[0] == {
        "url": "https://github.com/a/b_c", "kind": "github", "where": "abstract", "promised": False,
    }  # fmt: skip
    assert code[1]["promised"] is True


def test_feed_item_and_site_card_link_the_code() -> None:
    digest, _ = _digest(ABSTRACT)
    ranked = digest.papers[0]
    feed = item_html(ranked, None)
    assert '<a href="https://github.com/a/b_c">GitHub a/b_c</a>' in feed
    view = paper_view(ranked, None)
    assert view.links == find_links(ranked.paper)
    card = (
        environment()
        .from_string('{% from "site/_paper.html" import paper_card %}{{ paper_card(item, "") }}')
        .render(item=view)
    )
    assert 'class="code-links"' in card
    assert 'href="https://huggingface.co/org/m"' in card and "(promised)" in card


def test_hostile_abstract_links_are_escaped_everywhere() -> None:
    digest, config = _digest(
        'Code https://github.com/a/b"onmouseover=x <script>alert(1)</script> '
        "https://github.com/c/d)](javascript:alert(2))"
    )
    ranked = digest.papers[0]
    text = render_readme(
        digest, resolve_profiles(config)[0], config, generated_at=digest.generated_at
    )
    code_line = next(ln for ln in text.splitlines() if ln.startswith("**Code**: "))
    html = item_html(ranked, None)
    for marker in MARKERS:
        assert marker not in code_line
    assert "](https://github.com/c/d)" in code_line
    assert "<script" not in html and 'href="javascript' not in html
    assert isinstance(find_links(ranked.paper)[0], CodeLink)


# ---------------------------------------------------------------- searching a real store


def test_has_prefilter_finds_the_candidates_in_a_real_store(tmp_path: Path) -> None:
    papers = [
        paper("Code: https://github.com/a/b", arxiv_id="2606.00001"),
        paper("Weights: https://huggingface.co/o/m", arxiv_id="2606.00002"),
        paper("Project page: https://x.github.io/p", arxiv_id="2606.00003"),
        paper("Archive https://doi.org/10.5281/zenodo.1 and 4open", arxiv_id="2606.00004"),
        paper("No links, only words about code.", arxiv_id="2606.00005"),
        paper("See https://example.org/x", comment="code at gitlab.com/g/r", arxiv_id="2606.00006"),
    ]
    with open_store(tmp_path / "arxivbot.db") as store:
        store.upsert_papers(papers)
        store.add_announcements(
            Announcement(p.arxiv_id, 1, DAY, AnnounceType.NEW, "cs.LG") for p in papers
        )
        for value, wanted in [
            ("code", {"2606.00001", "2606.00002", "2606.00004", "2606.00006"}),
            ("project", {"2606.00003"}),
            ("hf", {"2606.00002"}),
        ]:
            hits = store.search(fts_prefilter(value), SearchFilters(limit=100))
            query = parse_query(f"has:{value}")
            assert {h.paper.arxiv_id for h in hits if query.matches(h.paper)} == wanted
            assert "2606.00005" not in {h.paper.arxiv_id for h in hits}
