"""Access for AI assistants: the store's papers, digests and feedback as MCP tools.

:mod:`~arxivbot.agent.library` is the plain library (usable without the SDK);
:mod:`~arxivbot.agent.server` wires it to the official ``mcp`` SDK (``arxivbot[mcp]``).
"""

from arxivbot.agent.library import (
    AgentLibrary,
    DigestEntry,
    DigestListing,
    FeedbackResult,
    LinkInfo,
    PaperBrief,
    PaperDetail,
)

__all__ = [
    "AgentLibrary",
    "DigestEntry",
    "DigestListing",
    "FeedbackResult",
    "LinkInfo",
    "PaperBrief",
    "PaperDetail",
]
