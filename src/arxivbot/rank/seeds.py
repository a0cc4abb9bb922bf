"""Seed papers for semantic ranking: arXiv ids, a BibTeX file, a Zotero/CSL-JSON export.

The BibTeX reader is deliberately small and tolerant: it reads ``title``, ``abstract``,
``year`` and ``eprint`` (an arXiv id) of every ``@type{key, ...}`` entry, handles nested
braces and quoted values, strips TeX braces, and skips what it cannot read (reported as a
note) instead of failing the run.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

from arxivbot.errors import ConfigError
from arxivbot.ids import parse_arxiv_id
from arxivbot.models import Paper

_ENTRY_RE = re.compile(r"@(\w+)\s*[{(]\s*([^,\s]*)\s*,", re.IGNORECASE)
_FIELD_RE = re.compile(r"\s*([\w-]+)\s*=\s*", re.ASCII)
_TEX_RE = re.compile(r"\\[a-zA-Z]+\s*|[{}\\]")
_NEW_ID_RE = re.compile(r"(\d{2})(\d{2})\.\d{4,5}")


@dataclass(frozen=True)
class SeedPaper:
    """A paper the reader likes (or dislikes): what gets embedded, and how to name it."""

    key: str  # arXiv id, or the BibTeX/CSL item key
    title: str
    abstract: str = ""
    dated: date | None = None  # for the recency weighting
    arxiv_id: str = ""  # set when the seed names an arXiv paper

    @property
    def text(self) -> str:
        return f"{self.title}. {self.abstract}".strip()


def seed_from_paper(paper: Paper) -> SeedPaper:
    when = paper.submitted.date() if paper.submitted else id_date(paper.arxiv_id)
    return SeedPaper(paper.arxiv_id, paper.title, paper.abstract, when, paper.arxiv_id)


def id_date(arxiv_id: str) -> date | None:
    """New-style ids carry their year and month (``2506.01234`` → 2025-06-01)."""
    match = _NEW_ID_RE.match(arxiv_id)
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    return date(2000 + year, month, 1) if 1 <= month <= 12 else None


def _clean(value: str) -> str:
    return " ".join(_TEX_RE.sub("", value).split())


def _read_value(text: str, start: int) -> tuple[str, int]:
    """One BibTeX value at ``start``: {braced}, "quoted" or a bare word; returns (value, end)."""
    if start >= len(text):
        return "", start
    opener = text[start]
    if opener in '{"':
        closer = "}" if opener == "{" else '"'
        depth, i = 0, start + 1
        while i < len(text):
            ch = text[i]
            if ch == "{":
                depth += 1
            elif ch == "}" and depth > 0:
                depth -= 1
            elif ch == closer and depth == 0:
                return text[start + 1 : i], i + 1
            i += 1
        return text[start + 1 :], len(text)
    match = re.match(r"[^,}\s]*", text[start:])
    word = match.group(0) if match else ""
    return word, start + len(word)


def parse_bibtex(text: str) -> list[SeedPaper]:
    """Every entry with a title; fields other than title/abstract/year/eprint are ignored."""
    seeds: list[SeedPaper] = []
    for entry in _ENTRY_RE.finditer(text):
        if entry.group(1).lower() in ("comment", "string", "preamble"):
            continue
        fields = _read_fields(text, entry.end())
        title = _clean(fields.get("title", ""))
        if not title:
            continue
        arxiv_id = _arxiv_id_of(fields.get("eprint", "") or fields.get("url", ""))
        year = fields.get("year", "").strip()
        dated = date(int(year), 1, 1) if year.isdigit() and len(year) == 4 else None
        seeds.append(
            SeedPaper(
                key=entry.group(2) or title,
                title=title,
                abstract=_clean(fields.get("abstract", "")),
                dated=dated or id_date(arxiv_id),
                arxiv_id=arxiv_id,
            )
        )
    return seeds


def _read_fields(text: str, pos: int) -> dict[str, str]:
    fields: dict[str, str] = {}
    while True:
        match = _FIELD_RE.match(text, pos)
        if not match:
            return fields
        value, pos = _read_value(text, match.end())
        fields[match.group(1).lower()] = value
        while pos < len(text) and text[pos] in " \t\r\n#":
            pos += 1  # string concatenation with '#' is rare in exports: keep the first part
        if pos < len(text) and text[pos] == ",":
            pos += 1
        else:
            return fields


def _arxiv_id_of(text: str) -> str:
    tail = text.strip().rstrip("/").split("/abs/")[-1]
    try:
        return parse_arxiv_id(tail).id
    except ValueError:  # not an arXiv id: the seed simply has none
        return ""


def parse_csl_json(text: str, *, source: str = "csl_json") -> list[SeedPaper]:
    """A CSL-JSON export (Zotero "Export Collection → CSL JSON"): a list of items."""
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"{source} is not valid JSON: {exc.msg} (line {exc.lineno})",
            key="semantic.csl_json",
            hint="export the collection again as CSL JSON",
        ) from None
    if isinstance(items, dict):
        items = items.get("items", [])
    if not isinstance(items, list):
        raise ConfigError("a CSL-JSON file must hold a list of items", key="semantic.csl_json")
    seeds: list[SeedPaper] = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("title"), str):
            continue
        arxiv_id = _arxiv_id_of(str(item.get("URL", "") or item.get("number", "")))
        seeds.append(
            SeedPaper(
                key=str(item.get("id", item["title"])),
                title=_clean(item["title"]),
                abstract=_clean(str(item.get("abstract", ""))),
                dated=_csl_date(item.get("issued")) or id_date(arxiv_id),
                arxiv_id=arxiv_id,
            )
        )
    return seeds


def _csl_date(issued: object) -> date | None:
    if not isinstance(issued, dict):
        return None
    parts = issued.get("date-parts")
    if not (isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]):
        return None
    numbers = [int(p) for p in parts[0][:3] if str(p).isdigit()] + [1, 1]
    try:
        return date(numbers[0], numbers[1], numbers[2])
    except ValueError:
        return None
