"""A paper's full text: arXiv HTML or the PDF, in the configured order, cached on disk.

Every download goes through the run's one polite arXiv client (``PoliteClient``), with the
size cap from ``SourcesConfig``. Answers are validated: a PDF URL that answers with anything
but a PDF (an HTML error page, a captcha) is a :class:`FullTextError`, never text to
summarise. PDF text comes from the worker pool of :mod:`arxivbot.sources.pdfpool` and is
cleaned by :mod:`arxivbot.sources.textclean`; trimming lives in
:mod:`arxivbot.sources.sections`.

The order is ``html_first`` (arXiv's LaTeXML HTML reads best, the PDF when there is none),
``pdf_first`` or ``pdf_only``. The HTML is asked for once, without retries (the PDF is the
fallback); a paper whose HTML was missing is remembered in ``html-missing.txt`` in the cache
and never asked again. The raw text extracted from a PDF is cached per (id, version).

:meth:`FullTextFetcher.download` makes a paper's requests and returns the CPU-bound rest
(parsing, extraction) as a function, so a download queue can run ahead while other threads
extract (see :mod:`arxivbot.sources.prefetch`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

import lxml.html

from arxivbot.config.model import SourcesConfig
from arxivbot.errors import FetchError, FullTextError
from arxivbot.fsutil import atomic_write_bytes
from arxivbot.ids import ArxivId
from arxivbot.models import Paper, SummarySource
from arxivbot.sources.pdfpool import (
    DEFAULT_EXTRACT_TIMEOUT,
    PdfTextPool,
    extract_pdf_text,
)
from arxivbot.sources.sections import (
    ELLIPSIS,
    Section,
    drop_back_matter,
    split_sections,
    trim_to_budget,
)
from arxivbot.sources.textclean import clean_paper_text

__all__ = [
    "DEFAULT_EXTRACT_TIMEOUT",
    "ELLIPSIS",
    "FullText",
    "FullTextFetcher",
    "FullTextOrder",
    "HttpGetter",
    "Section",
    "drop_back_matter",
    "extract_pdf_text",
    "html_to_text",
    "split_sections",
    "trim_to_budget",
]

FullTextOrder = Literal["html_first", "pdf_first", "pdf_only"]
MISSING_HTML_FILE = "html-missing.txt"


class HttpResponseLike(Protocol):
    @property
    def status(self) -> int: ...
    @property
    def headers(self) -> Mapping[str, str]: ...
    @property
    def content(self) -> bytes: ...


class HttpGetter(Protocol):
    """The part of ``arxivbot.sources.http.PoliteClient`` this module uses."""

    def get(
        self,
        url: str,
        *,
        max_bytes: int | None = None,
        accept: str | None = None,
        retries: int | None = None,
    ) -> HttpResponseLike: ...


@dataclass(frozen=True)
class FullText:
    source: SummarySource  # HTML or PDF
    text: str


Finish = Callable[[], FullText]


class FullTextFetcher:
    """Fetches and caches one run's full texts (safe to share between threads)."""

    def __init__(
        self,
        http: HttpGetter,
        sources: SourcesConfig,
        cache_dir: Path,
        extract_timeout: float = DEFAULT_EXTRACT_TIMEOUT,
        *,
        order: FullTextOrder = "html_first",
        pool: PdfTextPool | None = None,
    ) -> None:
        self.http = http
        self.sources = sources
        self.folder = cache_dir / "fulltext"
        self.extract_timeout = extract_timeout
        self.order = order
        self.pool = pool
        self._missing: set[str] | None = None
        self._lock = threading.Lock()

    @property
    def max_bytes(self) -> int:
        return int(self.sources.max_response_mb * 1024 * 1024)

    def text(self, paper: Paper) -> FullText:
        """The paper's cleaned text from the first source of the order that has it."""
        return self.download(paper)()

    def download(self, paper: Paper) -> Finish:
        """Make this paper's requests now; the returned function parses/extracts the text.

        Rare fallbacks (an HTML page too short to be the paper, a PDF without a text layer
        under ``pdf_first``) make their one extra request from the finishing thread.
        """
        if self.order == "pdf_only":
            return self._from_pdf(paper)
        if self.order == "pdf_first":
            try:
                finish = self._from_pdf(paper)
            except FullTextError:
                html = self.html(paper)
                if html is None:
                    raise
                return lambda: self._html_text(paper, html) or self._from_pdf(paper)()
            return lambda: _or_else(finish, lambda: self._html_text(paper, self.html(paper)))
        html = None if self._pdf_text_cached(paper) else self.html(paper)
        if html is None:
            return self._from_pdf(paper)
        return lambda: self._html_text(paper, html) or self._from_pdf(paper)()

    def _html_text(self, paper: Paper, html: bytes | None) -> FullText | None:
        """The HTML page's text, or None when it is missing or too short to be the paper."""
        if html is None:
            return None
        text = clean_paper_text(html_to_text(html))
        return FullText(SummarySource.HTML, text) if len(text) > len(paper.abstract) + 500 else None

    def _pdf_text_cached(self, paper: Paper) -> bool:
        return self._cache_path(paper, ".pdf.txt").is_file()

    def _from_pdf(self, paper: Paper) -> Finish:
        extracted = self._cache_path(paper, ".pdf.txt")
        if extracted.is_file():  # extraction is the slow part: its raw result is kept
            raw = extracted.read_text("utf-8")
            return lambda: FullText(SummarySource.PDF, clean_paper_text(raw))
        pdf = self.pdf(paper)

        def finish() -> FullText:
            raw = extract_pdf_text(pdf, timeout=self.extract_timeout, pool=self.pool)
            atomic_write_bytes(extracted, raw.encode("utf-8"))
            return FullText(SummarySource.PDF, clean_paper_text(raw))

        return finish

    def pdf(self, paper: Paper) -> bytes:
        """The PDF's bytes (from the disk cache when present); raises FullTextError."""
        path = self._cache_path(paper, ".pdf")
        if path.is_file():
            data = path.read_bytes()
            if is_pdf(data):
                return data
        url = f"{self.sources.arxiv_base.rstrip('/')}/pdf/{paper.versioned_id}"
        response = self._get(url, accept="application/pdf")
        if not is_pdf(response.content):
            kind = response.headers.get("content-type", "unknown type") or "unknown type"
            raise FullTextError(
                f"{url} answered with {kind} instead of a PDF ({len(response.content)} bytes)",
                hint="arXiv may be rate-limiting or the paper is withdrawn; it is retried next run",
            )
        atomic_write_bytes(path, response.content)
        return response.content

    def html(self, paper: Paper) -> bytes | None:
        """arXiv's HTML rendering, or None when arXiv has none for this paper.

        One attempt only: a missing, failing or slow HTML page costs one request, and the
        paper is remembered so that no later run asks again.
        """
        path = self._cache_path(paper, ".html")
        if path.is_file():
            return path.read_bytes()
        if self.html_missing(paper):
            return None
        url = f"{self.sources.arxiv_base.rstrip('/')}/html/{paper.versioned_id}"
        try:
            response = self._get(url, accept="text/html", retries=0)
        except FullTextError:
            self._remember_missing(paper)
            return None
        if not is_arxiv_html(response.content):
            self._remember_missing(paper)
            return None
        atomic_write_bytes(path, response.content)
        return response.content

    def html_missing(self, paper: Paper) -> bool:
        with self._lock:
            if self._missing is None:
                listed = self.folder / MISSING_HTML_FILE
                text = listed.read_text("utf-8") if listed.is_file() else ""
                self._missing = set(text.split())
            if paper.versioned_id in self._missing:
                return True
        return self._cache_path(paper, ".nohtml").is_file()  # the marker of older versions

    def _remember_missing(self, paper: Paper) -> None:
        if self.html_missing(paper):
            return
        with self._lock:
            assert self._missing is not None
            self._missing.add(paper.versioned_id)
            # one short line per paper; rewritten whole (atomically) so a crash never
            # leaves half a line
            listing = "".join(f"{v}\n" for v in sorted(self._missing))
            atomic_write_bytes(self.folder / MISSING_HTML_FILE, listing.encode())

    def _get(self, url: str, *, accept: str, retries: int | None = None) -> HttpResponseLike:
        try:
            return self.http.get(url, max_bytes=self.max_bytes, accept=accept, retries=retries)
        except FetchError as exc:
            raise FullTextError(f"could not download {url}: {exc}") from exc

    def _cache_path(self, paper: Paper, suffix: str) -> Path:
        return self.folder / f"{ArxivId(paper.arxiv_id, paper.version).file_stem}{suffix}"


def _or_else(first: Finish, fallback: Callable[[], FullText | None]) -> FullText:
    """``first()``; when it fails, the fallback's text, else the first error."""
    try:
        return first()
    except FullTextError:
        other = fallback()
        if other is None:
            raise
        return other


def is_pdf(data: bytes) -> bool:
    return data.lstrip()[:5] == b"%PDF-"


def is_arxiv_html(data: bytes) -> bool:
    """arXiv's LaTeXML pages carry ``ltx_document``; an 'HTML not available' page does not."""
    head = data[:200_000]
    return b"ltx_document" in head or b"ltx_page_main" in head


# --------------------------------------------------------------------------- HTML text
_BLOCKS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "figcaption", "li"}


def _elements(root: lxml.html.HtmlElement, path: str) -> list[lxml.html.HtmlElement]:
    """XPath results narrowed to elements (lxml types ``xpath`` as returning anything)."""
    found = root.xpath(path)
    return (
        [e for e in found if isinstance(e, lxml.html.HtmlElement)]
        if isinstance(found, list)
        else []
    )


def html_to_text(html: bytes) -> str:
    """Readable text of an arXiv (LaTeXML) page; top-level sections become ``## `` lines."""
    parser = lxml.html.HTMLParser(remove_comments=True, no_network=True)
    root = lxml.html.document_fromstring(html, parser=parser)
    for junk in _elements(root, "//script|//style|//nav|//header|//footer|//button"):
        junk.drop_tree()
    for math in _elements(root, "//math"):
        # MathML's text is a jumble of glyphs; the TeX source in alttext reads better.
        math.tail = f" {math.get('alttext', '')} " + (math.tail or "")
        math.drop_tree()  # keeps the tail text
    article = (_elements(root, "//article") or [root])[0]
    lines: list[str] = []
    for element in article.iter(*_BLOCKS):
        if element.tag == "li" and _elements(element, ".//p"):
            continue  # its paragraphs are emitted on their own
        text = " ".join(element.text_content().split())
        if not text:
            continue
        lines.append(_heading(element, text) if element.tag[0] == "h" else text)
    return "\n".join(lines)


def _heading(element: lxml.html.HtmlElement, text: str) -> str:
    if element.tag == "h1":
        return f"# {text}"
    section = element.getparent()
    classes = section.get("class", "") if section is not None else ""
    if element.tag == "h2" or "ltx_bibliography" in classes:
        prefix = (
            "Appendix: " if "ltx_appendix" in classes and "appendix" not in text.lower() else ""
        )
        return f"\n## {prefix}{text}"
    return f"\n### {text}"
