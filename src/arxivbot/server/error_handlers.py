"""Error responses: a JSON body with a message, never a traceback or an internal detail."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response

from arxivbot.errors import ArxivBotError, QueryError, RunLockedError, StoreError

log = logging.getLogger(__name__)


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse({"error": message, "status": status}, status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _bad_request)  # type: ignore[arg-type]
    app.add_exception_handler(ArxivBotError, _library_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected)


async def _http_error(_: Request, exc: StarletteHTTPException) -> Response:
    headers = dict(exc.headers) if exc.headers else None
    if exc.status_code == 304:  # pragma: no cover - we answer 304 with responses, not raises
        return Response(status_code=304, headers=headers)
    return error_response(exc.status_code, str(exc.detail), headers)


async def _bad_request(_: Request, exc: RequestValidationError) -> Response:
    """FastAPI says 422; a malformed query parameter is a 400 with a readable message.
    The offending input is not echoed (it may be huge or hostile)."""
    problems = []
    for error in exc.errors():
        where = " ".join(str(part) for part in error.get("loc", ()) if part != "body")
        problems.append(f"{where}: {error.get('msg', 'invalid')}".strip(": "))
    message = "bad request: " + "; ".join(problems[:5])
    return error_response(400, message[:500])


async def _library_error(_: Request, exc: ArxivBotError) -> Response:
    if isinstance(exc, QueryError):
        return error_response(400, exc.message)
    if isinstance(exc, RunLockedError):
        return error_response(409, "a pipeline run is in progress; try again later")
    if isinstance(exc, StoreError):
        log.error("store error: %s", exc)
        return error_response(503, "the database is unavailable; try again later")
    log.error("request failed: %s", exc)
    return error_response(500, "internal server error")


async def _unexpected(_: Request, exc: Exception) -> Response:
    log.error("unhandled error", exc_info=exc)
    return error_response(500, "internal server error")
