"""The web server (FastAPI + uvicorn): site pages, feeds, JSON API, search, health, admin.

The render stage writes the site and the feeds into the output directory; the server
serves those files (cached in memory per file generation, with ETag/Last-Modified and
304s). A feed whose file does not exist yet is built from the store's history instead and
cached until the store changes. The pipeline runs in a background thread (the built-in
cron scheduler, or ``POST /admin/refresh``), never two at once, while requests go on.

Errors never show a traceback: unknown things are 404, bad parameters 400 with a message,
anything unexpected a bare 500 JSON body (details go to the log).
"""

from __future__ import annotations

import json
import logging
import mimetypes
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, FastAPI, HTTPException, Query, Request
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import Response

from arxivbot.clock import Clock, utc_now
from arxivbot.config import LoadedConfig, Profile, load_config
from arxivbot.digest import load_history
from arxivbot.render.feeds import FEED_PATHS, FeedFormat, build_feed, feed_path
from arxivbot.render.outputs import feed_meta
from arxivbot.render.site import STATIC_FILES
from arxivbot.render.site_landing import render_landing
from arxivbot.server.admin import router as ops_router
from arxivbot.server.api import StateDep
from arxivbot.server.api import router as api_router
from arxivbot.server.cache import CachedBody, cached_response, file_generation, mtime_of, safe_join
from arxivbot.server.error_handlers import install_error_handlers
from arxivbot.server.middleware import RequestLimits, SecurityHeaders
from arxivbot.server.scheduler import Runner
from arxivbot.server.search import router as search_router
from arxivbot.server.state import ServerState

log = logging.getLogger(__name__)

FEED_TYPES: dict[str, str] = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}
# What the static route may serve: exactly the files the render stage writes, by name or
# by the pattern of their folder, and nothing else, so an output directory shared with
# other files (``output.dir = "."``: the repository root, its prompt file, notes) leaks
# nothing even when those files have the same suffixes.
ROOT_FILES = frozenset(
    {
        "index.html",
        "stats.html",
        "search.html",
        "search-index.json",
        "search-index.js",
        "README.md",
        "papers.json",
        *(whole for whole, _ in FEED_PATHS.values()),
    }
)
STATIC_NAMES = frozenset({*STATIC_FILES, "server.js"})
# Folder -> the one suffix its rendered files have (days/<date>.html, rss/<cat>.xml, ...).
DIR_SUFFIX = {"days": ".html", "papers": ".html", "rss": ".xml", "atom": ".xml", "feed": ".json"}
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
}

site_router = APIRouter()
ProfileParam = Annotated[str | None, Query(max_length=41, description="profile (default: first)")]


def create_app(
    loaded: LoadedConfig,
    *,
    db_path: Path,
    output_dir: Path,
    runner: Runner | None = None,
    clock: Clock = utc_now,
    scheduler: bool = False,
) -> FastAPI:
    """The ASGI app. ``runner`` runs the pipeline once (the scheduler and the admin route
    call it in a background thread); ``scheduler`` starts the cron thread with the app."""
    state = ServerState(
        loaded,
        db_path=db_path,
        output_dir=output_dir,
        runner=runner,
        clock=clock,
        scheduler=scheduler,
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if state.scheduler is not None:
            state.scheduler.start()
        try:
            yield
        finally:
            state.close()

    app = FastAPI(
        title="arxivbot",
        summary="Your ranked, summarised arXiv digest: feeds, pages, search and a JSON API.",
        version="1",
        lifespan=lifespan,
        # Swagger UI pulls scripts from a CDN onto this origin, where the site keeps the
        # admin token: off unless asked for. /openapi.json is always there.
        docs_url="/docs" if loaded.config.server.api_docs else None,
        redoc_url=None,
    )
    app.state.arxivbot = state
    install_error_handlers(app)
    app.include_router(ops_router)
    app.include_router(api_router)
    app.include_router(search_router)
    app.include_router(site_router)  # last: its catch-all route must not shadow the others
    # Added innermost first: limits run before anything else, headers land on every reply.
    app.add_middleware(GZipMiddleware, minimum_size=512, compresslevel=6)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestLimits)
    return app


def serve(
    loaded: LoadedConfig,
    *,
    db_path: Path,
    output_dir: Path,
    host: str,
    port: int,
    runner: Runner | None = None,
    scheduler: bool = True,
    clock: Clock = utc_now,
) -> None:
    """Run the server until interrupted (``arxivbot serve``). Logging is the caller's."""
    import uvicorn

    app = create_app(
        loaded,
        db_path=db_path,
        output_dir=output_dir,
        runner=runner,
        clock=clock,
        scheduler=scheduler,
    )
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_config=None,
        server_header=False,
        timeout_graceful_shutdown=10,
    )


def create_app_from_env() -> FastAPI:
    """For serverless hosts (Vercel's ``api/index.py``): config from ``$ARXIVBOT_CONFIG``
    (default ``config.json`` when present), paths from the config or ``$ARXIVBOT_DB`` /
    ``$ARXIVBOT_OUTPUT``; no scheduler and no runner (the host's cron runs the CLI)."""
    default = "config.json" if Path("config.json").exists() else None
    path = os.environ.get("ARXIVBOT_CONFIG") or default
    loaded = load_config(path)
    config = loaded.config
    return create_app(
        loaded,
        db_path=loaded.resolve(config.store.path),
        output_dir=loaded.resolve(config.output.dir),
    )


# -- feeds ---------------------------------------------------------------------------------
def _feed(
    request: Request,
    state: ServerState,
    fmt: FeedFormat,
    category: str | None,
    profile_name: str | None,
) -> Response:
    profile = state.profile(profile_name)
    state.check_category(category)
    if category is not None and category not in profile.categories:
        raise HTTPException(404, f"profile {profile.name!r} does not follow {category}")
    file = state.site_root(profile) / feed_path(fmt, category)
    generation = file_generation(file)
    if generation is not None:
        body = state.bodies.get(
            ("file", file), generation, lambda: _file_body(file, FEED_TYPES[fmt])
        )
    else:  # not rendered yet (or rendering is off): build it from the stored history
        body = state.bodies.get(
            ("feed", profile.name, fmt, category),
            state.generation(),
            lambda: _built_feed(state, profile, fmt, category),
        )
    return cached_response(request, body, max_age=state.max_age)


def _built_feed(
    state: ServerState, profile: Profile, fmt: FeedFormat, category: str | None
) -> CachedBody:
    output = state.config.output
    store = state.store()
    last = store.last_run()
    generated = (last.finished_at or last.started_at) if last else state.clock()
    history = load_history(store, profile, state.clock, days=output.feed_days)
    meta = feed_meta(state.config, profile, generated)  # the rendered files' own channel facts
    text = build_feed(
        history, fmt, category, meta, max_items=output.feed_max_items, max_days=output.feed_days
    )
    return CachedBody.of(text.encode(), FEED_TYPES[fmt], generated)


def _feed_route(fmt: FeedFormat, path: str, per_category: bool) -> None:
    if per_category:

        def category_feed(
            request: Request, state: StateDep, category: str, profile: ProfileParam = None
        ) -> Response:
            return _feed(request, state, fmt, category, profile)

        endpoint = category_feed
    else:

        def whole_feed(request: Request, state: StateDep, profile: ProfileParam = None) -> Response:
            return _feed(request, state, fmt, None, profile)

        endpoint = whole_feed  # type: ignore[assignment]
    name = f"{fmt}_feed_by_category" if per_category else f"{fmt}_feed"
    site_router.add_api_route(
        path, endpoint, methods=["GET"], tags=["feeds"], response_class=Response, name=name
    )
    # Feed readers probe with HEAD; one OpenAPI operation per path is enough.
    site_router.add_api_route(path, endpoint, methods=["HEAD"], include_in_schema=False)


FEED_ROUTES: tuple[tuple[FeedFormat, str, bool], ...] = (
    ("rss", "/rss", False),
    ("rss", "/rss/{category}", True),
    ("atom", "/atom", False),
    ("atom", "/atom/{category}", True),
    ("json", "/feed.json", False),
    ("json", "/feed/{category}.json", True),
)
for _fmt, _path, _per_category in FEED_ROUTES:
    _feed_route(_fmt, _path, _per_category)


# -- the static site -------------------------------------------------------------------------
@site_router.get("/static/server.js", include_in_schema=False)
def server_js(state: StateDep) -> Response:
    """Tells the site's feedback.js that an API is here (the static file says null)."""
    return _server_js(state, None)


def _server_js(state: ServerState, profile: Profile | None) -> Response:
    feedback = bool(os.environ.get(state.config.server.admin_token_env, "").strip())
    # absolute paths: a profile's site one folder down calls the same API and search
    facts: dict[str, object] = {"feedback": feedback, "search": "/search", "api": "/"}
    if profile is not None:  # likes from a profile's own site are that profile's
        facts["profile"] = profile.name
    text = f"window.arxivbotServer = {json.dumps(facts)};\n"
    return Response(text, media_type="text/javascript", headers={"Cache-Control": "no-store"})


@site_router.api_route("/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
def site_file(request: Request, state: StateDep, path: str) -> Response:
    head, _, rest = path.partition("/")
    if rest == "static/server.js":  # a profile's site, one folder down
        by_folder = {p.output_subdir: p for p in state.profiles.values() if p.output_subdir}
        if head in by_folder:
            return _server_js(state, by_folder[head])
    file = site_file_for(state, path)
    if file is None and path in ("", "index.html"):
        return _landing(request, state)  # several profiles (or none rendered yet): list them
    if file is None:
        raise HTTPException(404, "not found")
    generation = file_generation(file)
    if generation is None:  # removed between lookup and now
        raise HTTPException(404, "not found")
    body = state.bodies.get(("file", file), generation, lambda: _file_body(file, _type_of(file)))
    return cached_response(request, body, max_age=state.max_age)


def _landing(request: Request, state: ServerState) -> Response:
    """``/`` without an ``index.html``: the landing page, never a JSON 404 for a browser."""

    def build() -> CachedBody:
        profiles = list(state.profiles.values())
        html = render_landing(
            state.output_dir, profiles, state.config.output.site_title, state.clock()
        )
        return CachedBody.of(html.encode(), TYPES[".html"], state.clock())

    body = state.bodies.get(("landing",), state.generation(), build)
    return cached_response(request, body, max_age=state.max_age)


def site_file_for(state: ServerState, url_path: str) -> Path | None:
    """The output file a URL path names, or None: only rendered outputs are reachable."""
    segments = url_path.split("/")
    prefix: list[str] = []
    subdirs = {p.output_subdir for p in state.profiles.values() if p.output_subdir}
    if segments[0] in subdirs:  # another profile's site lives in <output>/<profile>/
        prefix, segments = segments[:1], segments[1:] or [""]
    for candidate in _candidates(segments):
        if not _allowed(candidate):
            continue
        found = safe_join(state.output_dir, "/".join(prefix + candidate))
        if found is not None and found.is_file() and _real_allowed(state, found, len(prefix)):
            return found
    return None


def _real_allowed(state: ServerState, found: Path, prefix: int) -> bool:
    """A symlink inside the site must not lead to a private file of the output folder."""
    parts = found.relative_to(state.output_dir.resolve()).parts
    return len(parts) > prefix and _allowed(list(parts[prefix:]))


def _candidates(segments: list[str]) -> list[list[str]]:
    """The exact file, the folder's index page, then the clean URL of a page (no .html)."""
    if segments[-1] == "":
        return [[*segments[:-1], "index.html"]]
    return [segments, [*segments, "index.html"], [*segments[:-1], segments[-1] + ".html"]]


def _allowed(segments: list[str]) -> bool:
    name = segments[-1]
    if len(segments) == 1:
        return name in ROOT_FILES
    if len(segments) != 2:
        return False
    if segments[0] == "static":
        return name in STATIC_NAMES
    suffix = DIR_SUFFIX.get(segments[0])
    return suffix is not None and name.endswith(suffix) and len(name) > len(suffix)


def _type_of(file: Path) -> str:
    suffix = file.suffix.lower()
    if suffix in TYPES:
        return TYPES[suffix]
    guessed, _ = mimetypes.guess_type(file.name)
    return guessed or "application/octet-stream"


def _file_body(file: Path, media_type: str) -> CachedBody:
    try:
        return CachedBody.of(file.read_bytes(), media_type, mtime_of(file))
    except OSError:
        raise HTTPException(404, "not found") from None
