"""arXiv's category taxonomy: validation with suggestions, and names for ``init`` and the site."""

from __future__ import annotations

import difflib
from functools import cache
from importlib import resources

CATEGORY_NAMES: dict[str, str] = {
    "cs.AI": "Artificial Intelligence",
    "cs.AR": "Hardware Architecture",
    "cs.CC": "Computational Complexity",
    "cs.CE": "Computational Engineering, Finance, and Science",
    "cs.CL": "Computation and Language",
    "cs.CR": "Cryptography and Security",
    "cs.CV": "Computer Vision and Pattern Recognition",
    "cs.CY": "Computers and Society",
    "cs.DB": "Databases",
    "cs.DC": "Distributed, Parallel, and Cluster Computing",
    "cs.DS": "Data Structures and Algorithms",
    "cs.GR": "Graphics",
    "cs.GT": "Computer Science and Game Theory",
    "cs.HC": "Human-Computer Interaction",
    "cs.IR": "Information Retrieval",
    "cs.IT": "Information Theory",
    "cs.LG": "Machine Learning",
    "cs.MA": "Multiagent Systems",
    "cs.NE": "Neural and Evolutionary Computing",
    "cs.NI": "Networking and Internet Architecture",
    "cs.OS": "Operating Systems",
    "cs.PF": "Performance",
    "cs.PL": "Programming Languages",
    "cs.RO": "Robotics",
    "cs.SE": "Software Engineering",
    "cs.SD": "Sound",
    "eess.AS": "Audio and Speech Processing",
    "eess.IV": "Image and Video Processing",
    "eess.SP": "Signal Processing",
    "math.OC": "Optimization and Control",
    "math.ST": "Statistics Theory",
    "physics.comp-ph": "Computational Physics",
    "q-bio.NC": "Neurons and Cognition",
    "quant-ph": "Quantum Physics",
    "stat.ML": "Machine Learning (Statistics)",
}


def category_label(category: str) -> str:
    name = CATEGORY_NAMES.get(category)
    return f"{category} ({name})" if name else category


@cache
def known_categories() -> frozenset[str]:
    """Every arXiv category and archive name (shipped in ``data/arxiv_categories.txt``)."""
    text = resources.files("arxivbot").joinpath("data/arxiv_categories.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


@cache
def _by_folded_case() -> dict[str, tuple[str, ...]]:
    folded: dict[str, list[str]] = {}
    for name in known_categories():
        folded.setdefault(name.lower(), []).append(name)
    return {key: tuple(sorted(names)) for key, names in folded.items()}


def canonical_category(value: str) -> str:
    """``value`` as arXiv spells it (``cs.lg`` → ``cs.LG``); ``ValueError`` naming the fix.

    Case is corrected only where exactly one category matches (``math.GN`` and ``math.gn``
    are unambiguous; arXiv has no two categories differing by case alone today).
    """
    text = value.strip()
    if text in known_categories():
        return text
    matches = _by_folded_case().get(text.lower(), ())
    if len(matches) == 1:
        return matches[0]
    close = difflib.get_close_matches(text, sorted(known_categories()), n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise ValueError(
        f"{value!r} is not an arXiv category{hint} (the list: arxiv.org/category_taxonomy)"
    )
