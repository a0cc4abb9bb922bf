"""BibTeX and CSL-JSON for reference managers (Zotero, JabRef, Pandoc, BibDesk).

Both are whole-file formats: an export rewrites the file, and the same papers give the same
bytes (keys derive from the paper, never from the time of export). Paper text is hostile:
a BibTeX value with unbalanced braces would end its field early and inject fields or
entries, so braces that do not balance are dropped and TeX's special characters escaped.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence

from arxivbot.export.select import ExportItem
from arxivbot.render.markdown import clean_text

_BIB_SPECIAL = re.compile(r"(?<!\\)([&%#])")
_KEY_WORD = re.compile(r"[A-Za-z0-9]+")
_STOP = frozenset({"a", "an", "the", "on", "of", "for", "in", "to", "and", "towards", "with"})


def to_bibtex(items: Sequence[ExportItem]) -> str:
    keys = citation_keys(items)
    return "\n".join(_bib_entry(item, keys[item.paper.arxiv_id]) for item in items)


def _bib_entry(item: ExportItem, key: str) -> str:
    paper = item.paper
    fields = [
        ("title", "{" + _bib_value(paper.title) + "}"),
        ("author", " and ".join(_bib_value(name) for name in paper.authors)),
        ("year", str(item.issued.year) if item.issued else ""),
        ("eprint", paper.arxiv_id),
        ("archiveprefix", "arXiv"),
        ("primaryclass", paper.primary_category),
        ("url", paper.abs_url),
        ("doi", _bib_value(paper.doi)),
        ("journal", _bib_value(paper.journal_ref)),
        ("note", _bib_value(paper.comment)),
        ("abstract", _bib_value(paper.abstract)),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@misc{{{key},\n{body}\n}}\n"


def _bib_value(text: str) -> str:
    """One line, TeX specials escaped, braces kept only when they balance."""
    text = _BIB_SPECIAL.sub(r"\\\1", clean_text(text, limit=10_000))
    depth = 0
    for char in text:
        depth += (char == "{") - (char == "}")
        if depth < 0:
            break
    if depth != 0:
        text = text.replace("{", "").replace("}", "")
    return text.replace("@", "{@}")  # an "@" cannot start a new entry inside braces anyway


def citation_keys(items: Sequence[ExportItem]) -> dict[str, str]:
    """``lovelace2026agents``-style keys, unique in the set (``…a``, ``…b`` by arXiv id)."""
    base: dict[str, str] = {}
    for item in sorted(items, key=lambda i: i.paper.arxiv_id):
        paper = item.paper
        surname = paper.authors[0].split()[-1] if paper.authors and paper.authors[0].split() else ""
        last = "".join(_KEY_WORD.findall(_ascii(surname))).lower()
        words = [w.lower() for w in _KEY_WORD.findall(_ascii(paper.title))]
        word = next((w for w in words if w not in _STOP), "paper")
        year = str(item.issued.year) if item.issued else ""
        base[paper.arxiv_id] = f"{last or 'anon'}{year}{word}"
    keys: dict[str, str] = {}
    seen: dict[str, int] = {}
    for arxiv_id, key in base.items():
        count = seen.get(key, 0)
        seen[key] = count + 1
        keys[arxiv_id] = (
            key if count == 0 else key + (chr(96 + count) if count <= 26 else str(count))
        )
    return keys


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def to_csl_json(items: Sequence[ExportItem]) -> str:
    """CSL-JSON items as Zotero imports them (type ``article``: a preprint on arXiv)."""
    return json.dumps([_csl_item(item) for item in items], ensure_ascii=False, indent=2) + "\n"


def _csl_item(item: ExportItem) -> dict[str, object]:
    paper = item.paper
    entry: dict[str, object] = {
        "id": f"arXiv:{paper.arxiv_id}",
        "type": "article",
        "title": clean_text(paper.title, limit=2_000),
        "author": [_csl_name(name) for name in paper.authors],
        "abstract": clean_text(paper.abstract, limit=20_000),
        "publisher": "arXiv",
        "number": f"arXiv:{paper.versioned_id}",
        "URL": paper.abs_url,
        "keyword": ", ".join(paper.categories),
    }
    if item.issued is not None:
        entry["issued"] = {"date-parts": [[item.issued.year, item.issued.month, item.issued.day]]}
    if paper.doi:
        entry["DOI"] = clean_text(paper.doi, limit=200)
    if paper.comment:
        entry["note"] = clean_text(paper.comment, limit=2_000)
    return entry


def _csl_name(name: str) -> dict[str, str]:
    parts = clean_text(name, limit=300).split()
    if len(parts) < 2:
        return {"literal": " ".join(parts)}
    return {"family": parts[-1], "given": " ".join(parts[:-1])}
