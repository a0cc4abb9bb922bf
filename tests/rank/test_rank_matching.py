from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arxivbot.errors import QueryError
from arxivbot.models import Paper
from arxivbot.rank.document import PaperText
from arxivbot.rank.match import TermMatcher
from arxivbot.rank.query import parse_query
from arxivbot.rank.text import (
    FieldText,
    bases,
    compile_phrase,
    inflected_forms,
    is_acronym,
    tokens,
    word_matches,
)


def paper(title: str = "", abstract: str = "", **kw: object) -> Paper:
    fields: dict[str, object] = {
        "arxiv_id": "2606.00001",
        "version": 1,
        "title": title,
        "authors": ("Ada Lovelace",),
        "abstract": abstract,
        "primary_category": "cs.LG",
        "categories": ("cs.LG",),
    }
    fields.update(kw)
    return Paper(**fields)  # type: ignore[arg-type]


def hit(query: str, title: str = "", abstract: str = "", **kw: object) -> bool:
    return parse_query(query).matches(paper(title, abstract, **kw))


@pytest.mark.parametrize(
    "text",
    ["world", "early", "The world is early", "URL", "control", "Rl is not an acronym", "rl"],
)
def test_rl_never_matches_inside_words_or_lowercase(text: str) -> None:
    assert not hit("RL", text)


@pytest.mark.parametrize("text", ["RL", "RL-based agents", "deep RL.", "(RL)", "RLs", "offline-RL"])
def test_rl_matches_as_token(text: str) -> None:
    assert hit("RL", text)


@pytest.mark.parametrize(
    ("term", "text", "expected"),
    [
        ("LLM", "LLMs are large", True),
        ("LLM", "llm", False),
        ("MOE", "sparse MoE layers", True),
        ("MOE", "Moe Szyslak", False),
        ("MOE", "MoEs scale", True),
        ("FP8", "fp8 training", True),
        ("FP8", "FP8-LM", True),
        ("FP8", "FP80", False),
        ("LLM", "LLaMA", False),
    ],
)
def test_acronyms(term: str, text: str, expected: bool) -> None:
    assert hit(term, text) is expected


@pytest.mark.parametrize(
    ("term", "text"),
    [
        ("decode", "decoding"),
        ("decode", "decoded"),
        ("Decoding", "decodes"),
        ("query", "queries"),
        ("plan", "planned"),
        ("embed", "embedding"),
        ("speed", "speeds"),
        ("framework", "Frameworks"),
        ("process", "processes"),
        ("Speculative decoding", "speculative decoded"),
    ],
)
def test_inflections(term: str, text: str) -> None:
    assert hit(term, text)


@pytest.mark.parametrize(
    ("term", "text"),
    [("efficient", "efficiency"), ("train", "strain"), ("network", "networkx2"), ("art", "party")],
)
def test_no_derivations_or_substrings(term: str, text: str) -> None:
    assert not hit(term, text)


def test_phrase_needs_adjacent_words_and_crosses_hyphens() -> None:
    assert hit("speculative decoding", "fast speculative-decoding")
    assert not hit("speculative decoding", "speculative sampling and decoding")
    assert hit('"speculative decoding"', "Speculative Decoding")
    assert not hit('"speculative decoding"', "speculative decoders")


def test_fields_wildcards_and_booleans() -> None:
    assert hit("ti:quantization", "Quantization of LLMs")
    assert not hit("ti:quantization", "A title", "quantization")
    assert hit("abs:quantiz*", "T", "we quantize")
    assert not hit("quantiz*", "T", "unquantized")
    assert hit('au:"lovelace"', "T")
    assert hit("cat:cs.LG AND NOT cat:cs.CV", "T")
    assert hit("cat:cs.*", "T")
    assert hit("co:ICML", "T", comment="Accepted at ICML 2026")
    assert hit("jr:NeurIPS", "T", journal_ref="NeurIPS 2025")
    assert not hit("LLM -survey", "A survey of LLM serving")
    assert hit("(KV cache OR prefill) AND serving", "KV caches for serving")
    assert hit("a, b, kernel", "fused kernels")


def test_weights_and_canonical_form() -> None:
    query = parse_query("speculative decoding^3 OR (ti:LLM, MoE)^2 -survey")
    assert str(query) == "speculative decoding^3 OR (ti:LLM^2 OR MoE^2) AND NOT survey"
    assert parse_query(str(query)) == query
    assert parse_query("a b").root != parse_query("a AND b").root  # a run is one phrase


@pytest.mark.parametrize(
    ("text", "position", "expected"),
    [
        ("LLM AND", 7, "expected a term after 'AND'"),
        ("(a OR b", 7, "expected ')'"),
        ('ti:"kv cache', 3, "unterminated quote"),
        ("a) b", 1, "unexpected ')'"),
        ("x^", 2, "positive number"),
        ("x^0", 2, "greater than 0"),
        ("qu*", 0, "at least 3"),
        ("q*x", 1, "only allowed at the end"),
        ("", 0, "empty query"),
        ("ti:", 3, "after 'ti:'"),
        ("a OR OR b", 5, "after 'OR'"),
        ("()", 1, "empty parentheses"),
        ('""', 0, "empty phrase"),
    ],
)
def test_errors_name_position_and_expectation(text: str, position: int, expected: str) -> None:
    with pytest.raises(QueryError) as info:
        parse_query(text)
    assert info.value.position == position
    assert expected in info.value.message
    assert "^" in str(info.value) or not text


# ---------------------------------------------------------------- properties

WORDS = st.text(alphabet="abcdefgxyzRLMOE8", min_size=1, max_size=7).filter(
    lambda w: w not in ("AND", "OR", "NOT") and (not w.endswith("*"))
)


@st.composite
def queries(draw: st.DrawFn, depth: int = 0) -> str:
    kind = draw(
        st.sampled_from(["run", "quote", "prefix"] + (["and", "or", "not"] if depth < 3 else []))
    )
    if kind in ("and", "or"):
        parts = [draw(queries(depth + 1)) for _ in range(draw(st.integers(2, 3)))]
        joined = (" AND " if kind == "and" else " OR ").join(parts)
        text = f"({joined})"
    elif kind == "not":
        return (
            "-" + draw(queries(depth + 1))
            if draw(st.booleans())
            else "NOT " + draw(queries(depth + 1))
        )
    elif kind == "quote":
        text = '"' + " ".join(draw(st.lists(WORDS, min_size=1, max_size=3))) + '"'
    elif kind == "prefix":
        text = draw(st.text(alphabet="abcxyz", min_size=3, max_size=6)) + "*"
    else:
        text = " ".join(draw(st.lists(WORDS, min_size=1, max_size=3)))
    field = draw(st.sampled_from(["", "", "ti:", "abs:", "au:", "co:"]))
    weight = draw(st.sampled_from(["", "", "^2", "^0.5", "^1.25"]))
    return field + text + weight


@given(queries())
def test_parse_print_round_trip(text: str) -> None:
    query = parse_query(text)
    assert parse_query(str(query)) == query
    assert str(parse_query(str(query))) == str(query)


@given(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=6),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=4),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=0, max_size=4),
)
def test_matching_never_hits_inside_a_word(word: str, before: str, after: str) -> None:
    """A term embedded in a longer word (letters glued on the left) never matches."""
    text = f"{before}{word}{after} and {word.upper()}X{before}"
    assert not parse_query(word).matches(paper(text))
    assert not parse_query(word.upper()[:5]).matches(paper(f"{before}{word.upper()[:5]}"))


@given(st.text(min_size=0, max_size=60))
def test_tokens_are_letters_and_digits_only(text: str) -> None:
    for token in tokens(text):
        assert token and all(ch.isalnum() for ch in token)


def test_text_helpers() -> None:
    assert (
        is_acronym("RL") and is_acronym("FP8") and not is_acronym("MoE") and not is_acronym("123")
    )
    assert "decode" in bases("decoding")
    assert word_matches("LLM", "LLMs") and not word_matches("LLM", "llms")


# ---------------------------------------------------------------- the fast index agrees


STEMS = st.text(alphabet="abdeilnorstuy", min_size=1, max_size=6)
SUFFIXES = ("", "s", "es", "ies", "y", "e", "ed", "ing", "ss", "us", "is", "ted", "tting", "ying")


@given(STEMS, STEMS)
def test_inflected_forms_is_exactly_the_word_rule(stem: str, other_stem: str) -> None:
    """The precomputed spellings of a word are exactly the tokens the base rule accepts."""
    for suffix in SUFFIXES:
        term = stem + suffix
        forms = inflected_forms(term)
        for other_suffix in SUFFIXES:
            for token in (stem + other_suffix, stem[:-1] + other_suffix, other_stem + other_suffix):
                for written in (token, token.upper()):
                    assert (written.casefold() in forms) is word_matches(term, written), written


QUERY_WORDS = ("RL", "LLM", "decode", "ring", "é", "fi", "A", "REd", "red", "FP8")
# words near the query words (case, plurals, inflections, an NFKC ligature, accents)
TEXT_WORDS = st.sampled_from(
    [
        "RL",
        "rl",
        "Rl",
        "RLs",
        "LLMs",
        "llm",
        "decoding",
        "decoded",
        "ring",
        "rings",
        "É",
        "é",
        "\ufb01re",
        "fire",
        "A",
        "a",
        "REd",
        "red",
        "8",
        "world",
        "fp8",
    ]
)
TEXT = st.lists(
    st.tuples(TEXT_WORDS, st.sampled_from([" ", "-", ". ", "\u2013", "_"])), max_size=12
)


@given(
    st.lists(
        st.sampled_from(QUERY_WORDS),
        min_size=1,
        max_size=3,
    ),
    TEXT.map(lambda pairs: "".join(w + sep for w, sep in pairs)),
    st.booleans(),
    st.booleans(),
)
def test_field_index_agrees_with_token_by_token_matching(
    words: list[str], text: str, exact: bool, prefix: bool
) -> None:
    """Phrase counts from the index equal a plain scan of the tokens with word_matches."""
    field = FieldText(text)
    toks = tokens(text)
    assert [t.casefold() for t in toks] == field.folded and field.tokens == toks

    def one(word: str, token: str, last: bool) -> bool:
        if prefix and last:
            return token.casefold().startswith(word.casefold())
        return word_matches(word, token, exact=exact)

    def scan(words: list[str]) -> int:
        return sum(
            all(one(w, toks[s + k], k == len(words) - 1) for k, w in enumerate(words))
            for s in range(len(toks) - len(words) + 1)
        )

    for phrase in [words, *([w] for w in QUERY_WORDS)]:
        expected = scan(phrase)
        assert field.count_phrase(phrase, exact=exact, prefix=prefix) == expected, phrase
        compiled = compile_phrase(phrase, exact=exact, prefix=prefix)
        assert field.contains(compiled) is (expected > 0), phrase


@given(
    st.lists(
        st.sampled_from(
            [
                "RL",
                "decoding",
                "speculative decoding",
                '"KV cache"',
                "quantiz*",
                "ti:cache",
                "abs:LLM",
                "cat:cs.LG",
                "au:lovelace",
                "fp8",
                "serve",
                "Efficient",
            ]
        ),
        min_size=1,
        max_size=6,
    ),
    st.text(alphabet="RL decoding speculative KV caches quantized fp8 served LLMs.-", max_size=60),
    st.text(alphabet="RL decoding speculative KV caches quantized fp8 served LLMs.-", max_size=30),
)
def test_term_matcher_agrees_with_asking_every_term(
    texts: list[str], abstract: str, title: str
) -> None:
    terms = [t for text in texts for t in parse_query(text).positive_terms()]
    doc = PaperText(paper(title, abstract))
    expected = [(t, doc.term_fields(t)) for t in terms if doc.term_fields(t)]
    assert TermMatcher(terms).found(doc) == expected
    assert TermMatcher(terms).any_found(doc) is bool(expected)
    for term in terms:
        assert doc.term_fields(term) == list(doc.term_counts(term))
