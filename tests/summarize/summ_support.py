"""Builders shared by the summary tests (a module name of its own: test modules must not
import from ``conftest``, which names a different file in every test folder)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from arxivbot.models import Paper
from arxivbot.summarize import SummaryRun
from support.httpserver import LocalServer, Reply, Request, folder
from support.llm_server import fixture_pdf


def arxiv_html(paper: Paper) -> bytes:
    """A small LaTeXML-shaped page, like arxiv.org/html/<id> (fast to turn into text)."""
    body = "".join(
        f'<section class="ltx_section"><h2 class="ltx_title ltx_title_section">{n} {name}</h2>'
        f'<div class="ltx_para"><p class="ltx_p">{name} text of {paper.title}. '
        + "We measure throughput and accuracy on several benchmarks. " * 12
        + "</p></div></section>"
        for n, name in enumerate(["Introduction", "Method", "Experiments", "Conclusion"], 1)
    )
    page = (
        '<!DOCTYPE html><html><head><title>x</title></head><body><div class="ltx_page_main">'
        f'<article class="ltx_document"><h1 class="ltx_title ltx_title_document">{paper.title}'
        f'</h1><div class="ltx_abstract"><h6>Abstract</h6><p class="ltx_p">{paper.abstract}'
        f"</p></div>{body}"
        '<section class="ltx_bibliography"><h2 class="ltx_title">References</h2>'
        '<ul><li class="ltx_bibitem">A. Author. A cited paper. 2020.</li></ul></section>'
        "</article></div></body></html>"
    )
    return page.encode()


def make_paper(record: dict[str, Any]) -> Paper:
    return Paper(
        arxiv_id=str(record["id"]),
        version=int(record["version"]),
        title=str(record["title"]),
        authors=tuple(record["authors"]),
        abstract=str(record["abstract_truncated"]),
        primary_category=str(record["category"]),
        categories=(str(record["category"]),),
    )


class FakeArxiv:
    """arxiv.org stand-in: /html/<id> pages for known papers, /pdf/<id> any fixture PDF."""

    def __init__(self, papers: list[Paper]) -> None:
        self.server = LocalServer()
        self.pdf_bytes = fixture_pdf("1111.2011v2.pdf").read_bytes()
        self.papers = papers
        self.reset()

    def reset(self) -> None:
        self.html_for = {p.versioned_id: arxiv_html(p) for p in self.papers}
        self.server.routes.clear()
        with self.server._lock:
            self.server.log.clear()  # each test counts its own requests
        self.server.route("/html/", self._html)
        self.server.route("/pdf/", self._pdf)

    def _html(self, request: Request) -> Reply:
        page = self.html_for.get(request.path[len("/html/") :])
        if page is None:
            return Reply(404, b"No HTML for this paper", {"Content-Type": "text/html"})
        return Reply(200, page, {"Content-Type": "text/html; charset=utf-8"})

    def _pdf(self, _request: Request) -> Reply:
        return Reply(200, self.pdf_bytes, {"Content-Type": "application/pdf"})

    def serve_fixture_pdfs(self) -> None:
        """/pdf/<id>v<N> -> the real fixture PDF of that name (404 when absent)."""
        pdfs = fixture_pdf("x").parent
        self.server.route("/pdf/", folder(pdfs, "/pdf/", ".pdf", "application/pdf"))


Runner = Callable[..., SummaryRun]
