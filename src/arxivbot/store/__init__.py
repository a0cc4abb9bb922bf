"""The SQLite store: papers, announcements, rankings, summaries, runs, search.

``open_store(path)`` returns a :class:`Store` implementing
:class:`~arxivbot.store.api.StoreApi`; see ``migrations.py`` for the schema.
"""

from arxivbot.store.api import RunRecord, SearchFilters, SearchHit, StoreApi
from arxivbot.store.runs import report_from_json, report_to_json
from arxivbot.store.sqlite_store import Store, open_store

__all__ = [
    "RunRecord",
    "SearchFilters",
    "SearchHit",
    "Store",
    "StoreApi",
    "open_store",
    "report_from_json",
    "report_to_json",
]
