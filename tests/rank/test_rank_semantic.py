from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest

from arxivbot.config import SemanticConfig
from arxivbot.models import Announcement, AnnounceType, Paper
from arxivbot.rank.seeds import parse_bibtex, parse_csl_json

np = pytest.importorskip("numpy")

BIB = r"""
@article{leviathan2023,
  title = {Fast Inference from Transformers via {Speculative} Decoding},
  author = {Leviathan, Yaniv and Kalman, Matan},
  abstract = "We sample from large models faster.",
  year = 2023, eprint = {2211.17192},
}
@comment{ignored}
@misc{broken, note = {no title}}
"""


def test_bibtex_and_csl_json_seeds() -> None:
    seeds = parse_bibtex(BIB)
    assert [s.title for s in seeds] == ["Fast Inference from Transformers via Speculative Decoding"]
    assert seeds[0].arxiv_id == "2211.17192" and seeds[0].dated == date(2023, 1, 1)
    csl = parse_csl_json(
        '[{"id": "x", "title": "KV caches", "abstract": "a", '
        '"issued": {"date-parts": [[2024, 5]]}}]'
    )
    assert csl[0].title == "KV caches" and csl[0].dated == date(2024, 5, 1)


class BagEncoder:
    """A deterministic stand-in: a bag-of-letters vector (the real model is tested below)."""

    name = "bag"

    def encode(self, texts: Sequence[str]):  # type: ignore[no-untyped-def]
        rows = []
        for text in texts:
            vec = np.zeros(26, dtype=np.float32)
            for ch in text.lower():
                if "a" <= ch <= "z":
                    vec[ord(ch) - 97] += 1
            rows.append(vec / (np.linalg.norm(vec) or 1))
        return np.vstack(rows)


def paper(arxiv_id: str, title: str, abstract: str = "") -> Paper:
    return Paper(arxiv_id, 1, title, ("A B",), abstract, "cs.LG", ("cs.LG",))


def test_scorer_components_cache_and_feedback(tmp_path: Path) -> None:
    from arxivbot.config import parse_config, resolve_profiles
    from arxivbot.rank import RankContext, build_semantic_scorer, rank_day

    store = {
        "2601.00001": paper("2601.00001", "zzzz zzzz", "zzz"),
        "2601.00002": paper("2601.00002", "aaaa", "aaa"),
    }
    cache: dict[str, bytes] = {}
    puts: list[int] = []

    def put(model: str, vectors: dict[str, bytes]) -> None:
        puts.append(len(vectors))
        cache.update(vectors)

    scorer, notes = build_semantic_scorer(
        SemanticConfig(seeds=["2601.00001", "2699.99999"], min_similarity=0.1),
        get_paper=store.get,
        feedback={"2601.00002": -1},
        get_embeddings=lambda m, ids: {i: cache[i] for i in ids if i in cache},
        put_embeddings=put,
        encoder=BagEncoder(),
    )
    assert scorer is not None and any("2699.99999" in n for n in notes)
    prof = resolve_profiles(parse_config({"semantic": {"min_similarity": 0.1}}))[0]
    day = [
        (p, Announcement(p.arxiv_id, 1, date(2026, 6, 2), AnnounceType.NEW, "cs.LG"))
        for p in (paper("2606.00001", "zzz buzz"), paper("2606.00002", "banana"))
    ]
    result = rank_day(day, prof, RankContext(semantic=scorer))
    top = result.ranked[0]
    assert top.paper.arxiv_id == "2606.00001"
    assert top.components[0].kind == "semantic" and top.components[0].label == "zzzz zzzz"
    assert "similar to: zzzz zzzz" in top.explanation
    second = result.ranked[1] if len(result.ranked) > 1 else None
    if second is not None:
        assert any(c.kind == "penalty" for c in second.components)
    before = sum(puts)
    rank_day(day, prof, RankContext(semantic=scorer))
    assert sum(puts) == before  # candidates are embedded once, then read from the cache


def test_missing_extra_is_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    import arxivbot.rank.semantic as semantic

    monkeypatch.setattr(semantic, "semantic_available", lambda: False)
    scorer, notes = semantic.build_semantic_scorer(
        SemanticConfig(seeds=["2601.00001"]), get_paper=lambda i: paper(i, "t")
    )
    assert scorer is None and semantic.OFF_NOTE in notes


def test_onnx_model_offline_and_lazy() -> None:
    """The ONNX int8 MiniLM: no torch, no download, loaded only when a vector is missing."""
    from arxivbot.rank.semantic import LazyEncoder, default_encoder, semantic_available

    if not semantic_available():
        pytest.skip("the semantic extra is not installed")
    encoder = default_encoder(None)
    assert isinstance(encoder, LazyEncoder) and not encoder.loaded
    vectors = encoder.encode(
        ["speculative decoding for LLM inference", "draft models speed up LLM decoding", "MRI"]
    )
    assert encoder.loaded and vectors.shape == (3, 384)
    assert abs(float(vectors[0] @ vectors[0]) - 1.0) < 1e-4
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2])


def test_cached_vectors_never_load_the_model() -> None:
    from arxivbot.rank.seeds import seed_from_paper
    from arxivbot.rank.semantic import LazyEncoder, SemanticScorer

    def refuse() -> BagEncoder:
        raise AssertionError("the model was loaded although every vector is cached")

    bag = BagEncoder()
    papers = [paper(f"2601.0000{i}", f"title {i}") for i in range(1, 4)]
    cache = {p.arxiv_id: bag.encode([f"{p.title}. {p.abstract}"])[0].tobytes() for p in papers}
    lazy = LazyEncoder(bag.name, refuse)
    scorer = SemanticScorer(
        lazy,
        [seed_from_paper(papers[0])],
        get_embeddings=lambda _m, ids: {i: cache[i] for i in ids if i in cache},
    )
    sims = scorer.similarities(papers)
    assert set(sims) == {p.arxiv_id for p in papers} and not lazy.loaded


@pytest.mark.slow
def test_packaged_model_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    from arxivbot.rank.semantic import SentenceTransformerEncoder, torch_available

    if not torch_available():
        pytest.skip("the semantic-torch extra is not installed")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    encoder = SentenceTransformerEncoder()
    vectors = encoder.encode(
        ["speculative decoding for LLM inference", "draft models speed up LLM decoding", "MRI"]
    )
    assert vectors.shape == (3, 384)
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2])
