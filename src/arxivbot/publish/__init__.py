"""Publishing: the web server (feeds, site, API, search), its scheduler, notifications.

The web server is imported lazily so ``arxivbot.publish.notify`` does not pull FastAPI in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from arxivbot.publish.web import create_app, create_app_from_env, serve

__all__ = ["create_app", "create_app_from_env", "serve"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from arxivbot.publish import web

        return getattr(web, name)
    raise AttributeError(f"module 'arxivbot.publish' has no attribute {name!r}")
