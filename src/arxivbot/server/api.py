"""The JSON API: papers, search, feedback. Pydantic models document it in OpenAPI.

Bodies are cached per store generation (see :mod:`arxivbot.server.cache`), so a
repeated request costs a dictionary lookup and answers 304 to a conditional GET.
"""

from __future__ import annotations

import hmac
import os
from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from pydantic import BaseModel, Field, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from arxivbot.ids import parse_arxiv_id
from arxivbot.models import Paper, RankedPaper, Summary
from arxivbot.server.cache import CachedBody, cached_response
from arxivbot.server.limits import read_capped_body
from arxivbot.server.state import ServerState


# -- response models ---------------------------------------------------------------------
class Links(BaseModel):
    abs: str
    pdf: str
    html: str


class PaperOut(BaseModel):
    arxiv_id: str
    version: int
    versioned_id: str
    title: str
    authors: list[str]
    abstract: str
    primary_category: str
    categories: list[str]
    comment: str
    journal_ref: str
    doi: str
    links: Links

    @classmethod
    def of(cls, paper: Paper) -> PaperOut:
        return cls(
            arxiv_id=paper.arxiv_id,
            version=paper.version,
            versioned_id=paper.versioned_id,
            title=paper.title,
            authors=list(paper.authors),
            abstract=paper.abstract,
            primary_category=paper.primary_category,
            categories=list(paper.categories),
            comment=paper.comment,
            journal_ref=paper.journal_ref,
            doi=paper.doi,
            links=Links(abs=paper.abs_url, pdf=paper.pdf_url, html=paper.html_url),
        )


class SummaryOut(BaseModel):
    text: str = Field(description="Markdown written by an LLM (untrusted: sanitise before display)")
    model: str
    language: str
    source: str
    created_at: datetime

    @classmethod
    def of(cls, summary: Summary | None) -> SummaryOut | None:
        if summary is None:
            return None
        return cls(
            text=summary.text,
            model=summary.model,
            language=summary.key.language,
            source=str(summary.source),
            created_at=summary.created_at,
        )


class ComponentOut(BaseModel):
    kind: str
    label: str
    field: str
    contribution: float
    detail: str


class RankedPaperOut(BaseModel):
    rank: int
    score: float
    explanation: str
    components: list[ComponentOut]
    forced: bool
    announced_on: date
    announce_type: str
    paper: PaperOut
    summary: SummaryOut | None

    @classmethod
    def of(cls, item: RankedPaper, summary: Summary | None) -> RankedPaperOut:
        return cls(
            rank=item.rank,
            score=item.score,
            explanation=item.explanation,
            components=[ComponentOut(**vars(c)) for c in item.components],
            forced=item.forced,
            announced_on=item.announcement.announced_on,
            announce_type=str(item.announcement.announce_type),
            paper=PaperOut.of(item.paper),
            summary=SummaryOut.of(summary),
        )


class PapersPage(BaseModel):
    profile: str
    day: date | None = Field(description="announcement day shown (the newest when not asked)")
    category: str | None
    total: int
    limit: int
    offset: int
    items: list[RankedPaperOut]


class RankingOut(BaseModel):
    profile: str
    day: date
    rank: int
    score: float
    explanation: str


class PaperDetail(BaseModel):
    paper: PaperOut
    summary: SummaryOut | None
    rankings: list[RankingOut]


class FeedbackIn(BaseModel):
    value: Literal["like", "dislike", "clear"]
    profile: str | None = None


class FeedbackOut(BaseModel):
    profile: str
    arxiv_id: str
    value: int


def json_bytes(model: BaseModel) -> bytes:
    """JSON with ``<``, ``>`` and ``&`` escaped, so no body can be sniffed or embedded as HTML."""
    text = model.model_dump_json()
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e").encode()


def state_of(request: Request) -> ServerState:
    state: ServerState = request.app.state.arxivbot
    return state


StateDep = Annotated[ServerState, Depends(state_of)]
router = APIRouter()


# -- auth ----------------------------------------------------------------------------------
def require_admin(request: Request, state: ServerState) -> None:
    """Bearer token from the env var ``server.admin_token_env``; unset → the endpoint is off."""
    variable = state.config.server.admin_token_env
    expected = os.environ.get(variable, "").strip()
    if not expected:
        raise HTTPException(404, f"endpoint is off: set {variable} to enable it")
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given:
        raise HTTPException(
            401, "missing bearer token", headers={"WWW-Authenticate": 'Bearer realm="arxivbot"'}
        )
    if not hmac.compare_digest(given.strip().encode(), expected.encode()):
        raise HTTPException(
            401, "invalid token", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}
        )


# -- papers ------------------------------------------------------------------------------------
@router.get("/api/papers", response_model=PapersPage, tags=["api"])
def list_papers(
    request: Request,
    state: StateDep,
    day: Annotated[date | None, Query(description="announcement day; newest if omitted")] = None,
    category: Annotated[str | None, Query(max_length=40)] = None,
    profile: Annotated[str | None, Query(max_length=41)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> Response:
    """One profile's ranked papers of one announcement day, with scores and summaries."""
    chosen = state.profile(profile)
    state.check_category(category)
    key = ("papers", chosen.name, day, category, limit, offset)

    def build() -> CachedBody:
        shown = day or _newest_day(state, chosen.name)
        items: list[RankedPaperOut] = []
        total = 0
        if shown is not None:
            if shown not in state.store().ranking_days(chosen.name):
                raise HTTPException(404, f"no digest for {shown.isoformat()}")
            ranked = [
                (item, summary)
                for item, summary in state.ranked_day(chosen, shown)
                if category is None or category in item.paper.categories
            ]
            total = len(ranked)
            items = [RankedPaperOut.of(i, s) for i, s in ranked[offset : offset + limit]]
        page = PapersPage(
            profile=chosen.name,
            day=shown,
            category=category,
            total=total,
            limit=limit,
            offset=offset,
            items=items,
        )
        return CachedBody.of(json_bytes(page), "application/json", state.clock())

    body = state.bodies.get(key, state.generation(), build)
    return cached_response(request, body, max_age=state.max_age)


def _newest_day(state: ServerState, profile: str) -> date | None:
    days = state.store().ranking_days(profile)
    return max(days) if days else None


@router.get("/api/papers/{arxiv_id:path}", response_model=PaperDetail, tags=["api"])
def get_paper(
    request: Request,
    state: StateDep,
    arxiv_id: Annotated[str, Path(max_length=64, description="2606.01234v2 or hep-th/9901001")],
) -> Response:
    """One paper with its newest summary and every stored ranking of it (404 when unknown)."""
    try:
        parsed = parse_arxiv_id(arxiv_id)
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None

    def build() -> CachedBody:
        store = state.store()
        paper = store.get_paper(parsed.id)
        if paper is None:
            raise HTTPException(404, f"unknown paper {parsed.id}")
        detail = PaperDetail(
            paper=PaperOut.of(paper),
            summary=SummaryOut.of(store.latest_summary(parsed.id)),
            rankings=_rankings_of(state, parsed.id),
        )
        return CachedBody.of(json_bytes(detail), "application/json", state.clock())

    body = state.bodies.get(("paper", parsed.id), state.generation(), build)
    return cached_response(request, body, max_age=state.max_age)


def _rankings_of(state: ServerState, arxiv_id: str) -> list[RankingOut]:
    found: list[RankingOut] = []
    store = state.store()
    for profile in state.profiles.values():
        for day in sorted(store.ranking_days(profile.name), reverse=True)[:60]:
            for item, _ in state.ranked_day(profile, day):
                if item.paper.arxiv_id == arxiv_id:
                    found.append(
                        RankingOut(
                            profile=profile.name,
                            day=day,
                            rank=item.rank,
                            score=item.score,
                            explanation=item.explanation,
                        )
                    )
    return found


# -- feedback ----------------------------------------------------------------------------------
@router.post(
    "/api/feedback/{arxiv_id:path}",
    response_model=FeedbackOut,
    tags=["admin"],
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": FeedbackIn.model_json_schema()}},
        }
    },
)
async def feedback(request: Request, state: StateDep, arxiv_id: str) -> FeedbackOut:
    """Like or dislike a paper (ranks similar papers up or down); needs the admin token.

    The token is checked before a byte of the body is read, and bodies over 16 KiB are
    refused with 413 (from ``Content-Length``, or while reading a chunked body)."""
    require_admin(request, state)
    try:
        body = FeedbackIn.model_validate_json(await read_capped_body(request))
    except ValidationError:
        raise HTTPException(
            400, 'bad request: expected {"value": "like" | "dislike" | "clear"}'
        ) from None
    profile = state.profile(body.profile)
    try:
        parsed = parse_arxiv_id(arxiv_id)
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    value = {"like": 1, "dislike": -1, "clear": 0}[body.value]

    def record() -> None:
        store = state.store()
        if store.get_paper(parsed.id) is None:
            raise HTTPException(404, f"unknown paper {parsed.id}")
        store.add_feedback(profile.name, parsed.id, value, state.clock())

    await run_in_threadpool(record)
    return FeedbackOut(profile=profile.name, arxiv_id=parsed.id, value=value)
