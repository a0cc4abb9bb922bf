"""Property tests for arXiv identifier parsing (arxivbot.ids)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arxivbot.ids import ArxivId, is_arxiv_id, parse_arxiv_id

new_style = st.builds(
    lambda yymm, digits, width: f"{yymm:04d}.{digits:0{width}d}"[: 5 + width],
    st.integers(min_value=701, max_value=9912),
    st.integers(min_value=0, max_value=99999),
    st.sampled_from([4, 5]),
)
archives = st.sampled_from(["hep-th", "math", "cs", "quant-ph", "cond-mat", "astro-ph", "math-ph"])
subject = st.sampled_from(["", ".GT", ".AI", ".CO"])
old_style = st.builds(
    lambda arch, subj, num: f"{arch}{subj}/{num:07d}",
    archives,
    subject,
    st.integers(min_value=0, max_value=9_999_999),
)
identifiers = st.one_of(new_style, old_style)
versions = st.one_of(st.none(), st.integers(min_value=1, max_value=99))


def with_version(ident: str, version: int | None) -> str:
    return ident if version is None else f"{ident}v{version}"


@settings(max_examples=300)
@given(identifiers, versions)
def test_roundtrip(ident: str, version: int | None) -> None:
    parsed = parse_arxiv_id(with_version(ident, version))
    assert parsed == ArxivId(ident, version)
    assert str(parsed) == with_version(ident, version)
    assert parse_arxiv_id(str(parsed)) == parsed
    assert parsed.is_old_style == ("/" in ident)
    assert "/" not in parsed.file_stem


@settings(max_examples=300)
@given(
    identifiers,
    versions,
    st.sampled_from(
        [
            "{}",
            "arXiv:{}",
            "arxiv:{}",
            "oai:arXiv.org:{}",
            "https://arxiv.org/abs/{}",
            "http://arxiv.org/pdf/{}",
            "https://arxiv.org/pdf/{}.pdf",
            "https://arxiv.org/html/{}/",
            "  {}\n",
            "http://127.0.0.1:8000/abs/{}",
        ]
    ),
)
def test_decorations_are_accepted(ident: str, version: int | None, shape: str) -> None:
    parsed = parse_arxiv_id(shape.format(with_version(ident, version)))
    assert parsed == ArxivId(ident, version)


@settings(max_examples=300)
@given(st.text(max_size=30))
def test_never_crashes_with_anything_but_value_error(text: str) -> None:
    try:
        parsed = parse_arxiv_id(text)
    except ValueError as exc:
        assert repr(text) in str(exc)
        assert not is_arxiv_id(text)
    else:
        assert is_arxiv_id(text)
        assert parse_arxiv_id(str(parsed)) == parsed


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "abc",
        "2512.067",  # too few digits
        "2512.067841",  # too many digits
        "2512.06784v0",  # versions start at 1
        "2512.06784v",
        "hep-th/990100",  # old style needs 7 digits
        "HEP-TH/9901001",
        "2512.06784 v2",
        "cs.AI",
    ],
)
def test_rejects(bad: str) -> None:
    with pytest.raises(ValueError, match="not an arXiv identifier"):
        parse_arxiv_id(bad)


def test_ordering_and_versioned() -> None:
    assert ArxivId("2512.06784", 2).versioned == "2512.06784v2"
    assert ArxivId("2512.06784").versioned == "2512.06784"
    assert ArxivId("math.GT/0309136", 1).file_stem == "math.GT_0309136v1"
    assert sorted([ArxivId("2", 1), ArxivId("1", 2)])[0].id == "1"
