"""A paper's full text: arXiv HTML where it exists, else the PDF, cached on disk.

Every download goes through the run's one polite arXiv client (``PoliteClient``), with the
size cap from ``SourcesConfig``. Answers are validated: a PDF URL that answers with anything
but a PDF (an HTML error page, a captcha) is a :class:`FullTextError`, never text to
summarise. PDF text is extracted by ``pypdf`` in a child process with a hard timeout, because
a pathological PDF can keep pypdf busy for minutes and a thread cannot be stopped.

:func:`trim_to_budget` shortens the text section by section to fit a model's input limit:
references go first, then appendices, then acknowledgements and similar statements, then
related work; only then are the core sections (title, abstract, introduction, method,
experiments, conclusion) shortened, each in proportion to its length.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import lxml.html

from arxivbot.config.model import SourcesConfig
from arxivbot.errors import FetchError, FullTextError, HttpStatusError
from arxivbot.fsutil import atomic_write_bytes
from arxivbot.ids import ArxivId
from arxivbot.models import Paper, SummarySource

DEFAULT_EXTRACT_TIMEOUT = 60.0
MAX_PDF_PAGES = 200
ELLIPSIS = "\n[…]\n"


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
        self, url: str, *, max_bytes: int | None = None, accept: str | None = None
    ) -> HttpResponseLike: ...


@dataclass(frozen=True)
class FullText:
    source: SummarySource  # HTML or PDF
    text: str


@dataclass(frozen=True)
class FullTextFetcher:
    """Fetches and caches one run's full texts; ``lock`` keeps the shared client single-file
    even when summary workers ask from several threads."""

    http: HttpGetter
    sources: SourcesConfig
    cache_dir: Path
    extract_timeout: float = DEFAULT_EXTRACT_TIMEOUT
    lock: threading.Lock | None = None

    @property
    def max_bytes(self) -> int:
        return int(self.sources.max_response_mb * 1024 * 1024)

    def text(self, paper: Paper, *, prefer_html: bool = True) -> FullText:
        """The paper's text: arXiv HTML when available, else text extracted from the PDF."""
        extracted = self._cache_path(paper, ".txt")
        if extracted.is_file():  # extraction is the slow part: keep its result too
            kind, _, text = extracted.read_text("utf-8").partition("\n")
            if kind in (SummarySource.HTML.value, SummarySource.PDF.value):
                return FullText(SummarySource(kind), text)
        full = self._fetch_text(paper, prefer_html)
        atomic_write_bytes(extracted, f"{full.source.value}\n{full.text}".encode())
        return full

    def _fetch_text(self, paper: Paper, prefer_html: bool) -> FullText:
        if prefer_html:
            html = self.html(paper)
            if html is not None:
                text = html_to_text(html)
                if len(text) > len(paper.abstract) + 500:
                    return FullText(SummarySource.HTML, text)
        pdf = self.pdf(paper)
        return FullText(SummarySource.PDF, extract_pdf_text(pdf, timeout=self.extract_timeout))

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
        """arXiv's HTML rendering, or None when arXiv has none for this paper."""
        path = self._cache_path(paper, ".html")
        missing = self._cache_path(paper, ".nohtml")
        if path.is_file():
            return path.read_bytes()
        if missing.is_file():
            return None
        url = f"{self.sources.arxiv_base.rstrip('/')}/html/{paper.versioned_id}"
        try:
            response = self._get(url, accept="text/html")
        except FullTextError as exc:
            if isinstance(exc.__cause__, HttpStatusError) and exc.__cause__.status == 404:
                atomic_write_bytes(missing, b"")
            return None
        if not is_arxiv_html(response.content):
            atomic_write_bytes(missing, b"")
            return None
        atomic_write_bytes(path, response.content)
        return response.content

    def _get(self, url: str, *, accept: str) -> HttpResponseLike:
        try:
            if self.lock is None:
                return self.http.get(url, max_bytes=self.max_bytes, accept=accept)
            with self.lock:
                return self.http.get(url, max_bytes=self.max_bytes, accept=accept)
        except FetchError as exc:
            raise FullTextError(f"could not download {url}: {exc}") from exc

    def _cache_path(self, paper: Paper, suffix: str) -> Path:
        stem = ArxivId(paper.arxiv_id, paper.version).file_stem
        return self.cache_dir / "fulltext" / f"{stem}{suffix}"


def is_pdf(data: bytes) -> bool:
    return data.lstrip()[:5] == b"%PDF-"


def is_arxiv_html(data: bytes) -> bool:
    """arXiv's LaTeXML pages carry ``ltx_document``; an 'HTML not available' page does not."""
    head = data[:200_000]
    return b"ltx_document" in head or b"ltx_page_main" in head


# --------------------------------------------------------------------------- PDF text
_STAMP_RE = re.compile(r"^arXiv:\S+\s+\[[^\]]+\]\s+\d{1,2} \w{3} \d{4}\s*$", re.MULTILINE)


def extract_pdf_text(pdf: bytes, *, timeout: float = DEFAULT_EXTRACT_TIMEOUT) -> str:
    """Text of a PDF via pypdf in a child process killed after ``timeout`` seconds."""
    code = "from arxivbot.sources.fulltext import _extract_main; _extract_main()"
    try:
        done = subprocess.run(
            [sys.executable, "-c", code], input=pdf, capture_output=True, timeout=timeout
        )
    except subprocess.TimeoutExpired as exc:
        raise FullTextError(
            f"extracting text from the PDF took longer than {timeout:g}s; gave up"
        ) from exc
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["?"]
        raise FullTextError(f"could not read the PDF: {reason[0][:300]}")
    text = _STAMP_RE.sub("", done.stdout.decode("utf-8", "replace"))
    if len(text.strip()) < 200:
        raise FullTextError("the PDF has no text layer (scanned?); nothing to summarise")
    return text


def _extract_main() -> None:  # pragma: no cover - runs in the child process
    import io
    import logging

    import pypdf

    logging.disable(logging.WARNING)  # pypdf logs font quirks; the parent wants only text
    try:
        reader = pypdf.PdfReader(io.BytesIO(sys.stdin.buffer.read()))
        pages = [page.extract_text() or "" for page in reader.pages[:MAX_PDF_PAGES]]
    except Exception as exc:
        sys.stderr.write(f"{type(exc).__name__}: {exc}\n")
        raise SystemExit(1) from None
    sys.stdout.buffer.write("\n".join(pages).encode("utf-8", "replace"))


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


# --------------------------------------------------------------------------- trimming
@dataclass(frozen=True)
class Section:
    heading: str
    body: str
    cut_order: int  # higher goes first when trimming; 0 = core

    @property
    def size(self) -> int:
        return len(self.heading) + len(self.body) + 2


_MD_HEADING = re.compile(r"^##\s+(?P<title>.+)$")
_PDF_HEADING = re.compile(
    r"^(?:(?P<arabic>\d{1,2})\.?|(?P<roman>[IVX]{1,4})\.|(?P<letter>[A-H])\.?)"
    r"\s+(?P<title>[A-Z][^\n]{1,70})$"
)
_NAMED_HEADING = re.compile(
    r"^(?P<title>abstract|references|bibliography|acknowledge?ments?|appendix(?:\s.*)?|"
    r"appendices|supplementary material)\s*$",
    re.IGNORECASE,
)
_ROMAN = {
    "I": 1,
    "II": 2,
    "III": 3,
    "IV": 4,
    "V": 5,
    "VI": 6,
    "VII": 7,
    "VIII": 8,
    "IX": 9,
    "X": 10,
}
_CUT_RULES = (
    (5, re.compile(r"^(references|bibliography)\b", re.I)),
    (4, re.compile(r"^(appendix|appendices|supplementary)", re.I)),
    (3, re.compile(r"acknowledg|ethic|broader impact|reproducibility|contributions|funding", re.I)),
    (2, re.compile(r"related work|background|prior work|literature", re.I)),
)


@dataclass
class _Numbering:
    """PDF headings are guessed from lines like ``3 Method`` or ``IV. RESULTS``; to tell them
    from numbered figure captions and references we accept only the next number in sequence
    (one scheme per paper) and lettered headings only after the bibliography (appendices)."""

    scheme: str = ""
    last: int = 0

    def accepts(self, match: re.Match[str], after_refs: bool) -> bool:
        if match.group("letter"):
            return after_refs
        scheme = "arabic" if match.group("arabic") else "roman"
        number = (
            int(match.group("arabic"))
            if scheme == "arabic"
            else _ROMAN.get(match.group("roman"), 0)
        )
        if (self.scheme in ("", scheme)) and number == self.last + 1:
            self.scheme, self.last = scheme, number
            return True
        return False


def split_sections(text: str) -> list[Section]:
    """Top-level sections; everything after the references counts as appendix."""
    sections: list[Section] = []
    heading, body, after_refs = "", [], False
    numbering = _Numbering()
    for line in text.splitlines():
        stripped = line.strip()
        title = _heading_title(stripped, numbering, after_refs)
        if title is None:
            body.append(line)
            continue
        sections.append(_section(heading, body, after_refs))
        after_refs = after_refs or _cut_order(title) == 5
        heading, body = stripped, []
    sections.append(_section(heading, body, after_refs))
    return [s for s in sections if s.heading or s.body.strip()]


def _heading_title(line: str, numbering: _Numbering | None, after_refs: bool) -> str | None:
    for pattern in (_MD_HEADING, _NAMED_HEADING):
        match = pattern.match(line)
        if match:
            return match.group("title")
    match = _PDF_HEADING.match(line)
    if match and (numbering is None or numbering.accepts(match, after_refs)):
        return match.group("title")
    return None


def _section(heading: str, body: list[str], after_refs: bool) -> Section:
    title = _heading_title(heading, None, after_refs) or ""
    order = _cut_order(title)
    if after_refs and order < 4:
        order = 4  # sections after the bibliography are appendices
    return Section(heading, "\n".join(body).strip(), order)


_NUMBERING = re.compile(r"^(?:\d{1,2}(?:\.\d+)*\.?|[A-H](?:\.\d+)*\.?|[IVX]{1,4}\.)\s+")


def _cut_order(title: str) -> int:
    clean = _NUMBERING.sub("", title.strip())
    for order, pattern in _CUT_RULES:
        if pattern.search(clean):
            return order
    return 0


def trim_to_budget(text: str, max_chars: int) -> str:
    """Fit ``text`` into ``max_chars``: drop whole sections by cut order (references first,
    later sections before earlier ones), then shorten the core sections proportionally."""
    if len(text) <= max_chars:
        return text
    sections = split_sections(text)
    total = sum(s.size for s in sections)
    for order in (5, 4, 3, 2):
        for section in reversed([s for s in sections if s.cut_order == order]):
            if total <= max_chars:
                break
            sections.remove(section)
            total -= section.size
    if total > max_chars:
        sections = _shrink(sections, max_chars)
    return "\n\n".join(_join(s) for s in sections)[:max_chars]


def _shrink(sections: list[Section], max_chars: int) -> list[Section]:
    overhead = sum(len(s.heading) + 2 + len(ELLIPSIS) for s in sections)
    room = max(max_chars - overhead, 0)
    body_total = sum(len(s.body) for s in sections) or 1
    ratio = min(room / body_total, 1.0)
    shrunk = []
    for section in sections:
        keep = int(len(section.body) * ratio)
        body = section.body if keep >= len(section.body) else section.body[:keep] + ELLIPSIS
        shrunk.append(Section(section.heading, body, section.cut_order))
    return shrunk


def _join(section: Section) -> str:
    return f"{section.heading}\n{section.body}" if section.heading else section.body
