"""The web server: site pages and feeds from the output folder, the JSON API, search, admin.

``app`` builds the FastAPI application (``create_app``) and runs it (``serve``); ``api`` and
``admin`` are its routers, ``cache``/``state`` the per-generation caches and shared state,
``scheduler`` the built-in cron runner. ``app`` is imported lazily so importing a helper
module (``arxivbot.server.scheduler``, say) does not build the whole application.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from arxivbot.server.app import create_app, create_app_from_env, serve

__all__ = ["create_app", "create_app_from_env", "serve"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from arxivbot.server import app

        return getattr(app, name)
    raise AttributeError(f"module 'arxivbot.server' has no attribute {name!r}")
