"""Everything that talks to arXiv: the polite HTTP client, feeds, API, OAI-PMH, backfill.

* :mod:`arxivbot.sources.http` — :class:`PoliteClient`, the one shared, rate-limited client.
* :mod:`arxivbot.sources.rss` — rss.arxiv.org RSS 2.0 / Atom daily listings.
* :mod:`arxivbot.sources.api` — the search API (``export.arxiv.org/api/query``).
* :mod:`arxivbot.sources.oai` — OAI-PMH ``ListRecords`` harvesting (``arXiv`` metadata format).
* :mod:`arxivbot.sources.backfill` — rebuild a past announcement day from the API.
* :mod:`arxivbot.sources.xml` — the secure lxml parser every XML reader uses.
"""

from __future__ import annotations

from arxivbot.sources.http import HttpResponse, PoliteClient

__all__ = ["HttpResponse", "PoliteClient"]
