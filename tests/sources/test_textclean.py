"""Cleaning extracted paper text: unit and property tests, then real extracted PDFs."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arxivbot.sources.fulltext import extract_pdf_text
from arxivbot.sources.textclean import clean_paper_text, collapse_stray_lines, join_hyphenation
from support.fixtures import fixtures_dir, shared_fixtures_dir

LIGATURES = "ﬁﬂﬀﬃﬄ"


def test_ligatures_are_expanded() -> None:
    assert clean_paper_text("ﬁeld eﬀect Oﬃce ﬂow baﬄe") == "field effect Office flow baffle"


def test_nfkc_and_glyph_repairs() -> None:
    assert clean_paper_text("𝑥 ＡＢ j1 ⁄= j2") == "x AB j1 ≠ j2"
    assert clean_paper_text("J´erome Teˇsanovi´c M¨uller") == "Jérome Tešanović Müller"
    assert unicodedata.is_normalized("NFKC", clean_paper_text("J´erome"))


def test_invisible_and_control_characters_go_spaces_collapse() -> None:
    assert clean_paper_text("a\u00adb\u200bc\x07  d\t\te\r\nfg  ") == "abc d e\nfg"


def test_line_end_hyphenation_is_joined() -> None:
    assert join_hyphenation("a new language representa-\ntion model") == (
        "a new language representation model"
    )


def test_real_hyphens_are_kept() -> None:
    text = "new state-of-the-\nart results; pre-trained models are pre-\ntrained twice"
    assert join_hyphenation(text) == (
        "new state-of-the-art results; pre-trained models are pre-trained twice"
    )
    # a common compound prefix whose rest is a word of the paper keeps its hyphen
    assert join_hyphenation("self-\nattention uses attention") == "self-attention uses attention"
    # ...but a prefix-looking fragment that is not a compound is joined
    assert join_hyphenation("we pre-\nsented it") == "we presented it"


def test_paper_vocabulary_decides() -> None:
    assert join_hyphenation("fine-tuning and fine-\ntuning") == "fine-tuning and fine-tuning"
    assert join_hyphenation("pretraining and pre-\ntraining") == "pretraining and pretraining"


def test_hyphen_before_a_capital_or_digit_stays_on_its_line() -> None:
    assert join_hyphenation("GPT-\n4 and Llama-\nBased") == "GPT-\n4 and Llama-\nBased"


def test_one_character_math_lines_are_collapsed() -> None:
    text = "The sum\n∑\nn\n=\n0\nis finite.\n\nx\nNext"
    assert collapse_stray_lines(text) == "The sum ∑ n = 0\nis finite.\n\nx\nNext"


def test_blank_runs_shrink() -> None:
    assert clean_paper_text("a\n\n\n\n\nb\n") == "a\n\nb"


def _letters(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    # spacing accents (modifier letters such as ˇ) become marks on their letter: not letters
    return "".join(c for c in decomposed if c.isalnum() and unicodedata.category(c) != "Lm")


_PIECES = [*"abcXYZ019 -\n\t´¨ˇ⁄=ﬁﬀﬃ∑é\u00ad\u200b", "-\n", "𝑥", "pre", "self"]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=60).map("".join)


@given(_TEXT)
def test_cleaning_never_changes_the_letters(text: str) -> None:
    assert _letters(clean_paper_text(text)) == _letters(text)


@given(_TEXT)
def test_cleaning_is_idempotent_and_normalised(text: str) -> None:
    cleaned = clean_paper_text(text)
    assert clean_paper_text(cleaned) == cleaned
    assert unicodedata.is_normalized("NFKC", cleaned)
    assert not any(ch in cleaned for ch in LIGATURES + "\u00ad\u200b\r")


def _check_extracted(raw: str) -> str:
    cleaned = clean_paper_text(raw)
    assert not any(ch in cleaned for ch in LIGATURES)
    assert not re.search(r"[a-z]-\n[a-z]", cleaned)  # no word is left broken at a line end
    assert _letters(cleaned) == _letters(raw)
    lines = cleaned.splitlines()
    assert not [line for n, line in enumerate(lines[1:]) if len(line) == 1 and lines[n]]
    return cleaned


@pytest.mark.parametrize("name", ["1810.04805v2.pdf", "1706.03762v5.pdf", "1111.2011v2.pdf"])
def test_generated_pdfs_clean_up(name: str) -> None:
    raw = extract_pdf_text((fixtures_dir() / "pdf" / name).read_bytes())
    cleaned = _check_extracted(raw)
    assert "pre-training" in cleaned or "pre-training" not in raw.replace("-\n", "-")


@pytest.mark.corpus
def test_real_arxiv_pdfs_clean_up() -> None:
    pdfs = sorted((shared_fixtures_dir() / "pdf").glob("*.pdf"))
    assert len(pdfs) == 5
    texts = {p.stem: _check_extracted(extract_pdf_text(p.read_bytes())) for p in pdfs}
    bert, physics = texts["1810.04805v2"], texts["1111.2011v2"]
    assert "language representation model" in bert and "state-of-the-art" in bert
    assert "fine-tuning" in bert and "pre-trained" in bert and "left-to-right" in bert
    assert "Office of Basic Energy Sciences" in physics and "Tešanović" in physics
    assert "j1 ≠ j2" in physics
    assert "ﬁ" not in "".join(texts.values())
