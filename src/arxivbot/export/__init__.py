"""Your papers out to a reference manager or a notes vault: BibTeX, CSL-JSON, Obsidian.

:func:`export_papers` is what ``arxivbot export`` calls: it selects a profile's kept or
liked papers (:mod:`~arxivbot.export.select`) and writes one ``.bib`` / ``.json`` file
(:mod:`~arxivbot.export.formats`) or a folder of notes (:mod:`~arxivbot.export.obsidian`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path

from arxivbot.config import LoadedConfig
from arxivbot.export.formats import citation_keys, to_bibtex, to_csl_json
from arxivbot.export.obsidian import NotesReport, merge_note, write_notes
from arxivbot.export.select import ExportItem, Selection, choose_profile, select_papers
from arxivbot.fsutil import atomic_write_text
from arxivbot.paths import Paths
from arxivbot.store import open_store


class ExportFormat(StrEnum):
    BIBTEX = "bibtex"
    CSL = "csl"
    OBSIDIAN = "obsidian"


@dataclass(frozen=True)
class ExportReport:
    path: Path
    papers: int
    notes: NotesReport | None = None

    def describe(self) -> str:
        what = f"{self.papers} paper(s) to {self.path}"
        return f"exported {what}" + (f": {self.notes.describe()}" if self.notes else "")


def export_papers(
    loaded: LoadedConfig,
    paths: Paths,
    fmt: ExportFormat,
    out: Path,
    what: Selection = Selection.KEPT,
    profile: str | None = None,
    since: date | None = None,
) -> ExportReport:
    """Write the profile's selected papers to ``out`` (a file, or a folder for Obsidian)."""
    chosen = choose_profile(loaded, profile)
    with open_store(paths.db) as store:
        items = select_papers(store, chosen, what, since)
    if fmt is ExportFormat.OBSIDIAN:
        return ExportReport(out, len(items), write_notes(out, items))
    text = to_bibtex(items) if fmt is ExportFormat.BIBTEX else to_csl_json(items)
    out.parent.mkdir(parents=True, exist_ok=True)
    return ExportReport(atomic_write_text(out, text), len(items))


__all__ = [
    "ExportFormat",
    "ExportItem",
    "ExportReport",
    "NotesReport",
    "Selection",
    "citation_keys",
    "export_papers",
    "merge_note",
    "select_papers",
    "to_bibtex",
    "to_csl_json",
    "write_notes",
]
