"""Progress events: how the library tells a caller (the CLI's rich display) what it is doing.

The library never prints; it calls the sink it was given, if any.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ProgressEvent:
    stage: str  # a models.Stage value: "fetch", "catch-up", "backfill", "summarize", ...
    message: str = ""
    done: int = 0
    total: int | None = None


ProgressSink = Callable[[ProgressEvent], None]


def silent(_event: ProgressEvent) -> None:
    """The default sink: ignore every event."""
