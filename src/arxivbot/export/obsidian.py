"""Obsidian-ready notes: one Markdown file per paper, YAML front matter, your notes kept.

A re-export finds a paper's note by the ``arxiv_id`` in its front matter (so a renamed or
moved note inside the folder is still found) and rewrites only what arxivbot owns: its
front-matter keys and the block between the two markers. Front-matter keys and text you
added stay as they are, and a paper never gets a second note. Values are written as JSON
strings, which YAML reads as they are: a hostile title cannot add keys or end the block.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from arxivbot.export.select import ExportItem
from arxivbot.fsutil import atomic_write_text
from arxivbot.ids import parse_arxiv_id
from arxivbot.render.markdown import clean_text, md_block_start, md_inline
from arxivbot.render.summary_md import safe_summary_markdown

BEGIN = (
    "<!-- arxivbot:begin (rewritten by arxivbot export; add your notes after the end marker) -->"
)
END = "<!-- arxivbot:end -->"
OUR_KEYS = ("arxiv_id", "title", "authors", "version", "published", "url", "pdf", "categories",
            "code", "liked", "tags")  # fmt: skip
_ID_LINE = re.compile(r'^arxiv_id:\s*"?([^"\n]+)"?\s*$', re.M)
_KEY_LINE = re.compile(r"^([A-Za-z_][\w-]*):")


@dataclass(frozen=True)
class NotesReport:
    created: tuple[Path, ...]
    updated: tuple[Path, ...]
    unchanged: int

    def describe(self) -> str:
        return (
            f"{len(self.created)} new note(s), {len(self.updated)} updated, "
            f"{self.unchanged} unchanged"
        )


def write_notes(folder: Path, items: list[ExportItem]) -> NotesReport:
    folder.mkdir(parents=True, exist_ok=True)
    existing = _index(folder)
    created: list[Path] = []
    updated: list[Path] = []
    unchanged = 0
    for item in items:
        arxiv_id = item.paper.arxiv_id
        path = existing.get(arxiv_id)
        if path is None:
            path = folder / f"{parse_arxiv_id(arxiv_id).file_stem}.md"
        old = path.read_text(encoding="utf-8") if path.exists() else None
        new = merge_note(old, item)
        if new == old:
            unchanged += 1
            continue
        atomic_write_text(path, new)
        (created if old is None else updated).append(path)
    return NotesReport(tuple(created), tuple(updated), unchanged)


def _index(folder: Path) -> dict[str, Path]:
    """arXiv id → the note that names it, for every note in the folder (any depth)."""
    found: dict[str, Path] = {}
    for path in sorted(folder.rglob("*.md")):
        head = path.read_text(encoding="utf-8", errors="replace")[:4_000]
        front = _front_matter(head)
        match = _ID_LINE.search(front[0]) if front else None
        if match:
            found.setdefault(match.group(1).strip(), path)
    return found


def _front_matter(text: str) -> tuple[str, str] | None:
    """(front matter, rest) when ``text`` opens with a ``---`` block."""
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---\n", 3)
    if end < 0:
        return None
    return text[4 : end + 1], text[end + 5 :]


def merge_note(old: str | None, item: ExportItem) -> str:
    """The note for ``item``, keeping the user's keys and text from ``old``."""
    extra_keys, before, after = "", "", "\n"
    if old is not None:
        front, rest = _front_matter(old) or ("", old)
        extra_keys = _foreign_keys(front)
        if BEGIN in rest and END in rest:
            before, _, tail = rest.partition(BEGIN)
            after = tail.partition(END)[2]
        else:  # a note of the user's that names this paper: ours goes first, theirs stays
            after = "\n" + rest
    fm = front_matter(item) + extra_keys
    return f"---\n{fm}---\n{before}{BEGIN}\n{body(item)}{END}{after}"


def _foreign_keys(front: str) -> str:
    """The lines of keys we do not own (with their indented continuation lines)."""
    kept: list[str] = []
    ours = False
    for line in front.splitlines(keepends=True):
        key = _KEY_LINE.match(line)
        if key:
            ours = key.group(1) in OUR_KEYS
        if not ours:
            kept.append(line)
    return "".join(kept)


def front_matter(item: ExportItem) -> str:
    paper = item.paper
    values: dict[str, object] = {
        "arxiv_id": paper.arxiv_id,
        "title": clean_text(paper.title, limit=500),
        "authors": [clean_text(a, limit=200) for a in paper.authors[:100]],
        "version": paper.version,
        "published": item.issued.isoformat() if item.issued else None,
        "url": paper.abs_url,
        "pdf": paper.pdf_url,
        "categories": list(paper.categories),
        "code": [link.url for link in item.links if link.is_code],
        "liked": item.liked,
        "tags": ["arxiv", *(f"arxiv/{c.replace('.', '-')}" for c in paper.categories)],
    }
    return "".join(f"{key}: {json.dumps(values[key], ensure_ascii=False)}\n" for key in OUR_KEYS)


def body(item: ExportItem) -> str:
    paper = item.paper
    links = [f"[arXiv]({paper.abs_url})", f"[PDF]({paper.pdf_url})"]
    links += [f"[{md_inline(link.display)}](<{link.url}>)" for link in item.links]
    lines = [
        f"# {md_inline(paper.title, limit=500)}",
        "",
        f"**Authors**: {md_inline(', '.join(paper.authors), limit=2_000)}  ",
        f"**Links**: {' · '.join(links)}",
        "",
        "## Abstract",
        "",
        md_block_start(paper.abstract, limit=20_000),
    ]
    if item.summary is not None and item.summary.text.strip():
        model = md_inline(item.summary.model, limit=80)
        summary = safe_summary_markdown(item.summary.text[:40_000], heading_level=3)
        lines += ["", f"## Summary ({model})", "", summary]
    text = "\n".join(lines) + "\n"
    return text.replace(END, "").replace(BEGIN, "")  # our markers cannot come from paper text
