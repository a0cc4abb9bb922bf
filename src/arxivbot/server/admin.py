"""Operational routes: ``/health``, ``/config`` (secrets removed) and ``POST /admin/refresh``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel
from starlette.responses import JSONResponse, Response

from arxivbot.errors import ArxivBotError
from arxivbot.secrets import redact_config
from arxivbot.server.api import StateDep, require_admin

router = APIRouter()


class RunInfo(BaseModel):
    run_id: int
    kind: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    announced_on: date | None


class Health(BaseModel):
    status: Literal["ok", "error"]
    now: datetime
    running: bool
    last_run: RunInfo | None
    last_background_error: str
    papers: int
    days: int
    latest_day: date | None
    scheduler: bool
    schedule: str
    timezone: str
    next_run: datetime | None


class RefreshStatus(BaseModel):
    status: Literal["started", "already-running"]
    started_at: datetime | None


@router.get("/health", response_model=Health, tags=["ops"])
def health(state: StateDep) -> Response:
    """Liveness and freshness: last run, counts, next scheduled run (never cached)."""
    run = state.coordinator.status()
    server = state.config.server
    base: dict[str, Any] = {
        "now": state.clock(),
        "running": run.running,
        "last_background_error": run.last_error,
        "scheduler": state.scheduler is not None,
        "schedule": server.schedule,
        "timezone": server.timezone,
        "next_run": state.scheduler.next_run if state.scheduler else None,
    }
    try:
        store = state.store()
        record = store.last_run()
        days = store.ranking_days(state.default_profile.name)
        body = Health(
            status="ok",
            last_run=None
            if record is None
            else RunInfo(
                run_id=record.run_id,
                kind=record.kind,
                status=record.status,
                started_at=record.started_at,
                finished_at=record.finished_at,
                announced_on=record.announced_on,
            ),
            papers=store.paper_count(),
            days=len(days),
            latest_day=max(days) if days else None,
            **base,
        )
        code = 200
    except ArxivBotError:
        body = Health(status="error", last_run=None, papers=0, days=0, latest_day=None, **base)
        code = 503
    return JSONResponse(
        body.model_dump(mode="json"), status_code=code, headers={"Cache-Control": "no-store"}
    )


@router.get("/config", tags=["ops"])
def effective_config(state: StateDep) -> dict[str, Any]:
    """The effective configuration without secrets: env variable *names* stay, values never
    appear; notification URLs and URL credentials are redacted; unknown keys are left out."""
    return redact_config(state.config)


@router.post("/admin/refresh", status_code=202, response_model=RefreshStatus, tags=["admin"])
def refresh(request: Request, state: StateDep) -> Response:
    """Start a pipeline run in the background (bearer token from ``server.admin_token_env``).

    202 when started, 409 when a run is already in progress.
    """
    require_admin(request, state)
    if not state.coordinator.enabled:
        raise HTTPException(503, "this server was started without a pipeline runner")
    started = state.coordinator.trigger("admin")
    status = state.coordinator.status()
    body = RefreshStatus(
        status="started" if started else "already-running", started_at=status.started_at
    )
    return JSONResponse(body.model_dump(mode="json"), status_code=202 if started else 409)
