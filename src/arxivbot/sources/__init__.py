"""Everything that talks to arXiv: the polite HTTP client, feeds, API, OAI-PMH, backfill.

* :mod:`arxivbot.sources.http` — :class:`PoliteClient`, the one shared, rate-limited client.
* :mod:`arxivbot.sources.rss` — rss.arxiv.org RSS 2.0 / Atom daily listings.
* :mod:`arxivbot.sources.api` — the search API (``export.arxiv.org/api/query``).
* :mod:`arxivbot.sources.oai` — OAI-PMH ``ListRecords`` harvesting (``arXiv`` metadata format).
* :mod:`arxivbot.sources.backfill` — rebuild a past announcement day from the API.
* :mod:`arxivbot.sources.xml` — the secure lxml parser every XML reader uses.
* :mod:`arxivbot.sources.source` — the :class:`Source` seam and ``SOURCES`` (arXiv first).
"""

from __future__ import annotations

from arxivbot.sources.api import ApiClient, ApiPage, parse_api_feed
from arxivbot.sources.backfill import estimate_requests, listing_for_day
from arxivbot.sources.http import HttpResponse, PoliteClient
from arxivbot.sources.oai import OaiPage, harvest, parse_list_records
from arxivbot.sources.rss import fetch_listing, merge_listings, parse_feed
from arxivbot.sources.source import ARXIV, SOURCES, ArxivSource, Source

__all__ = [
    "ARXIV",
    "SOURCES",
    "ApiClient",
    "ApiPage",
    "ArxivSource",
    "HttpResponse",
    "OaiPage",
    "PoliteClient",
    "Source",
    "estimate_requests",
    "fetch_listing",
    "harvest",
    "listing_for_day",
    "merge_listings",
    "parse_api_feed",
    "parse_feed",
    "parse_list_records",
]
