"""Full text: real arXiv PDFs served over loopback, pypdf in a child process, trimming."""

from __future__ import annotations

from pathlib import Path

import pytest
from summ_support import FakeArxiv, arxiv_html

from arxivbot.config.model import SourcesConfig
from arxivbot.errors import FullTextError
from arxivbot.models import Paper, SummarySource
from arxivbot.sources.fulltext import (
    FullTextFetcher,
    drop_back_matter,
    extract_pdf_text,
    html_to_text,
    split_sections,
    trim_to_budget,
)
from arxivbot.sources.http import PoliteClient
from arxivbot.sources.sections import reflow
from support.httpserver import Reply
from support.llm_server import fixture_pdf

BERT = Paper("1810.04805", 2, "BERT", ("J. Devlin",), "We introduce BERT.", "cs.CL", ("cs.CL",))


@pytest.fixture(scope="module")
def bert_text() -> str:
    return extract_pdf_text(fixture_pdf("1810.04805v2.pdf").read_bytes())


def fetcher(http: PoliteClient, sources: SourcesConfig, tmp_path: Path) -> FullTextFetcher:
    return FullTextFetcher(http, sources, tmp_path / "cache")


def test_pdf_text_is_extracted_without_the_arxiv_stamp(bert_text: str) -> None:
    assert "Pre-training of Deep Bidirectional Transformers" in bert_text
    assert "1 Introduction" in bert_text and "References" in bert_text
    assert "arXiv:1810.04805v2 [cs.CL]" not in bert_text


def test_sections_are_found_in_order(bert_text: str) -> None:
    headings = [s.heading for s in split_sections(bert_text)]
    assert headings[1:9] == [
        "Abstract",
        "1 Introduction",
        "2 Related Work",
        "3 BERT",
        "4 Experiments",
        "5 Ablation Studies",
        "6 Conclusion",
        "References",
    ]


def test_trimming_cuts_references_and_appendices_first(bert_text: str) -> None:
    trimmed = trim_to_budget(bert_text, 40_000)
    assert len(trimmed) <= 40_000
    assert "6 Conclusion" in trimmed and "1 Introduction" in trimmed
    assert "\nReferences\n" not in trimmed and "A Additional Details for BERT" not in trimmed
    assert "2 Related Work" in trimmed  # cut only when references and appendices are not enough


def test_tight_budget_keeps_every_core_section_shortened(bert_text: str) -> None:
    trimmed = trim_to_budget(bert_text, 8_000)
    assert len(trimmed) <= 8_000
    for heading in ("Abstract", "1 Introduction", "3 BERT", "4 Experiments", "6 Conclusion"):
        assert heading in trimmed
    assert "2 Related Work" not in trimmed and "[…]" in trimmed


def test_short_text_is_untouched() -> None:
    assert trim_to_budget("Abstract\nshort", 1000) == "Abstract\nshort"


def test_pdf_extraction_has_a_hard_timeout() -> None:
    with pytest.raises(FullTextError, match="longer than"):
        extract_pdf_text(fixture_pdf("1706.03762v5.pdf").read_bytes(), timeout=0.01)


def test_a_broken_pdf_is_a_clear_error() -> None:
    with pytest.raises(FullTextError, match="could not read the PDF"):
        extract_pdf_text(b"%PDF-1.5\nnot really a pdf")


def test_html_to_text_marks_sections_and_keeps_math() -> None:
    page = (
        b'<html><body><article class="ltx_document"><h1 class="ltx_title">T</h1>'
        b'<section class="ltx_section"><h2 class="ltx_title">1 Intro</h2>'
        b'<p>We set <math alttext="x^{2}"><mi>x</mi></math> high.</p></section>'
        b'<section class="ltx_appendix"><h2 class="ltx_title">A Proofs</h2><p>p</p></section>'
        b"<script>alert(1)</script></article></body></html>"
    )
    text = html_to_text(page)
    assert "# T" in text and "## 1 Intro" in text and "x^{2}" in text
    assert "## Appendix: A Proofs" in text and "alert" not in text
    assert [s.cut_order for s in split_sections(text)][-1] == 4


def test_fetch_prefers_html_and_caches_on_disk(
    http: PoliteClient, sources: SourcesConfig, arxiv: FakeArxiv, tmp_path: Path
) -> None:
    arxiv.html_for[BERT.versioned_id] = arxiv_html(BERT)
    full = fetcher(http, sources, tmp_path).text(BERT)
    assert full.source is SummarySource.HTML and "## 4 Conclusion" in full.text
    before = len(arxiv.server.requests())
    again = fetcher(http, sources, tmp_path).text(BERT)
    assert again == full and len(arxiv.server.requests()) == before


def test_fetch_falls_back_to_the_pdf_when_there_is_no_html(
    http: PoliteClient, sources: SourcesConfig, arxiv: FakeArxiv, tmp_path: Path
) -> None:
    arxiv.serve_fixture_pdfs()
    full = fetcher(http, sources, tmp_path).text(BERT)
    assert full.source is SummarySource.PDF and "Masked LM" in full.text
    paths = [r.path for r in arxiv.server.requests("/html/") + arxiv.server.requests("/pdf/")]
    assert "/html/1810.04805v2" in paths and "/pdf/1810.04805v2" in paths
    assert (tmp_path / "cache" / "fulltext" / "1810.04805v2.pdf").read_bytes()[:5] == b"%PDF-"
    missing = tmp_path / "cache" / "fulltext" / "html-missing.txt"
    assert missing.read_text() == "1810.04805v2\n"


def test_html_answer_for_a_pdf_is_an_error(
    http: PoliteClient, sources: SourcesConfig, arxiv: FakeArxiv, tmp_path: Path
) -> None:
    arxiv.server.route("/pdf/", lambda _r: Reply(200, b"<!DOCTYPE html><p>Just a moment</p>"))
    with pytest.raises(FullTextError, match="instead of a PDF"):
        fetcher(http, sources, tmp_path).pdf(BERT)
    assert not (tmp_path / "cache" / "fulltext" / "1810.04805v2.pdf").exists()


def test_size_cap_applies_to_downloads(
    http: PoliteClient, arxiv: FakeArxiv, tmp_path: Path
) -> None:
    tiny = SourcesConfig(arxiv_base=arxiv.server.url, min_interval_seconds=0, max_response_mb=0.01)
    arxiv.serve_fixture_pdfs()
    with pytest.raises(FullTextError, match="could not download"):
        FullTextFetcher(http, tiny, tmp_path).pdf(BERT)


def test_old_style_ids_get_a_safe_cache_name(
    http: PoliteClient, sources: SourcesConfig, arxiv: FakeArxiv, tmp_path: Path
) -> None:
    old = Paper("hep-th/9901001", 1, "Old", ("A",), "x", "hep-th", ("hep-th",))
    fetcher(http, sources, tmp_path).pdf(old)
    assert (tmp_path / "cache" / "fulltext" / "hep-th_9901001v1.pdf").is_file()


def test_reflow_joins_wrapped_prose_and_keeps_structure() -> None:
    text = (
        "3 Method\n"
        "We train the encoder on a large corpus of\n"
        "unlabeled text and then fine-tune it on each\n"
        "Downstream Task with a small head.\n"
        "3.1 Pre-training Objectives And Their Data\n"
        "Masked tokens are predicted from both sides.\n"
        "Model  84.1  85.3\n"
        "Ours   86.0  87.2\n"
        "∑ n = 0"
    )
    assert reflow(text) == (
        "3 Method\n"
        "We train the encoder on a large corpus of unlabeled text and then fine-tune it on "
        "each Downstream Task with a small head.\n"
        "3.1 Pre-training Objectives And Their Data\n"
        "Masked tokens are predicted from both sides.\n"
        "Model  84.1  85.3\n"
        "Ours   86.0  87.2\n"
        "∑ n = 0"
    )


def test_what_the_llm_reads_keeps_every_core_section(bert_text: str) -> None:
    body = reflow(drop_back_matter(bert_text))
    core = [s.heading for s in split_sections(bert_text) if s.cut_order < 3]
    assert [s.heading for s in split_sections(body)] == core
    assert "References" not in core and len(body) < len(bert_text) * 0.8
