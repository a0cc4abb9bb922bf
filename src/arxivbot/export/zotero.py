"""Your Zotero library, both ways (Zotero Web API through ``pyzotero``, ``arxivbot[zotero]``).

*Import*: every top-level item of a user or group library that names an arXiv paper (its
URL, ``archiveID``, the ``extra`` field or an arXiv DOI) becomes a like of the profile, so
the next ranking uses it as a seed. *Push*: liked papers the library does not hold yet are
created as ``preprint`` items in a named collection (made when missing), 50 per request.

The API's rules are followed, not guessed: each write sends ``If-Unmodified-Since-Version``
with the library version just read; a 412 (the library changed meanwhile) re-reads the
version and retries; a 429 or a ``Backoff`` header waits what the server asked (pyzotero
records it) before the next request. The key is read from the environment variable the
caller names, never from a file.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from arxivbot.clock import Clock, utc_now
from arxivbot.config import LoadedConfig
from arxivbot.errors import ArxivBotError
from arxivbot.export.select import ExportItem, Selection, choose_profile, select_papers
from arxivbot.ids import parse_arxiv_id
from arxivbot.paths import Paths
from arxivbot.store import open_store
from arxivbot.store.api import StoreApi

BATCH = 50  # the API's maximum items per write
ATTEMPTS = 4
# new-style (2606.01234) or old-style (hep-th/9901001) ids, not inside a longer number
_ID_RE = re.compile(r"(?<![\d.])(\d{4}\.\d{4,5}|[a-z][a-z.\-]+/\d{7})(?:v\d+)?(?!\d)", re.I)


class ZoteroError(ArxivBotError):
    """The Zotero API refused or failed a request (after the retries it allows)."""


@dataclass(frozen=True)
class ZoteroLibrary:
    library_id: str
    library_type: str = "user"  # "user" | "group"
    key_env: str = "ZOTERO_API_KEY"
    endpoint: str = "https://api.zotero.org"


@dataclass(frozen=True)
class ImportReport:
    liked: tuple[str, ...]  # arXiv ids newly or again marked liked
    items: int  # top-level items read
    without_arxiv: int

    def describe(self) -> str:
        return (
            f"read {self.items} Zotero item(s): {len(self.liked)} arXiv paper(s) liked, "
            f"{self.without_arxiv} without an arXiv id"
        )


@dataclass(frozen=True)
class PushReport:
    created: tuple[str, ...]
    already: int  # liked papers the library held already
    failed: tuple[str, ...]  # "id: message"

    def describe(self) -> str:
        text = f"created {len(self.created)} Zotero item(s); {self.already} already there"
        return text + "".join(f"\n  ! {line}" for line in self.failed)


def connect(library: ZoteroLibrary) -> Any:
    """A pyzotero client for ``library`` (the key from its environment variable)."""
    try:
        from pyzotero import zotero
    except ImportError:  # pragma: no cover - exercised only without the extra
        raise ZoteroError(
            "Zotero needs the zotero extra", hint="pip install 'arxivbot[zotero]'"
        ) from None
    key = os.environ.get(library.key_env, "").strip()
    if not key:
        raise ZoteroError(
            f"no Zotero API key in ${library.key_env}",
            hint="create one at zotero.org/settings/keys",
        )
    client = zotero.Zotero(library.library_id, library.library_type, key)
    client.endpoint = library.endpoint.rstrip("/")
    return client


def arxiv_id_of(data: Mapping[str, Any]) -> str | None:
    """The arXiv id a Zotero item names (URL, archiveID, extra, DOI), or None."""
    doi = str(data.get("DOI", ""))
    if doi.lower().startswith("10.48550/arxiv."):
        return _valid(doi[len("10.48550/arxiv.") :])
    for field in ("archiveID", "url", "extra", "number"):
        for match in _ID_RE.finditer(str(data.get(field, ""))):
            found = _valid(match.group(1))
            if found:
                return found
    return None


def _valid(text: str) -> str | None:
    try:
        return parse_arxiv_id(text).id
    except ValueError:
        return None


def library_ids(client: Any) -> tuple[dict[str, str], int]:
    """arXiv id → item key of the library's top-level items, and how many items there are."""
    items = _call(lambda: client.everything(client.top()))
    found: dict[str, str] = {}
    for item in items:
        arxiv_id = arxiv_id_of(item.get("data", {}))
        if arxiv_id:
            found.setdefault(arxiv_id, str(item.get("key", "")))
    return found, len(items)


def import_likes(
    client: Any, store: StoreApi, profile: str, *, clock: Clock = utc_now
) -> ImportReport:
    found, total = library_ids(client)
    now = clock()
    with store.transaction():
        for arxiv_id in sorted(found):
            store.add_feedback(profile, arxiv_id, 1, now)
    return ImportReport(tuple(sorted(found)), total, total - len(found))


def push_likes(client: Any, items: Sequence[ExportItem], collection: str) -> PushReport:
    held, _ = library_ids(client)
    wanted = [item for item in items if item.paper.arxiv_id not in held]
    already = len(items) - len(wanted)
    key = collection_key(client, collection) if wanted else ""
    created: list[str] = []
    failed: list[str] = []
    for start in range(0, len(wanted), BATCH):
        batch = wanted[start : start + BATCH]
        result = _write(client, lambda version, b=batch: client.create_items(
            [zotero_item(i, key) for i in b], last_modified=version))  # fmt: skip
        for index, item in enumerate(batch):
            done = {**result.get("successful", {}), **result.get("unchanged", {})}
            if str(index) in done:
                created.append(item.paper.arxiv_id)
            elif str(index) in result.get("failed", {}):
                message = result["failed"][str(index)].get("message", "failed")
                failed.append(f"{item.paper.arxiv_id}: {message}")
    return PushReport(tuple(created), already, tuple(failed))


def collection_key(client: Any, name: str) -> str:
    for collection in _call(lambda: client.everything(client.collections())):
        if collection.get("data", {}).get("name") == name:
            return str(collection["key"])
    result = _write(
        client, lambda version: client.create_collections([{"name": name}], last_modified=version)
    )
    made = result.get("successful", {}).get("0")
    if not made:
        raise ZoteroError(f"Zotero did not create the collection {name!r}: {result.get('failed')}")
    return str(made["key"])


def zotero_item(item: ExportItem, collection: str) -> dict[str, Any]:
    paper = item.paper
    creators = []
    for name in paper.authors:
        *given, family = name.split() or [""]
        creators.append({"creatorType": "author", "firstName": " ".join(given), "lastName": family})
    return {
        "itemType": "preprint",
        "title": paper.title,
        "creators": creators,
        "abstractNote": paper.abstract,
        "repository": "arXiv",
        "archiveID": f"arXiv:{paper.arxiv_id}",
        "url": paper.abs_url,
        "date": item.issued.isoformat() if item.issued else "",
        "DOI": paper.doi or f"10.48550/arXiv.{paper.arxiv_id}",
        "extra": f"arXiv: {paper.arxiv_id}",
        "collections": [collection] if collection else [],
        "tags": [{"tag": "arxivbot"}],
    }


def _write(client: Any, send: Any) -> dict[str, Any]:
    """One write with the library version just read; 412 → re-read and retry, 429 → wait."""
    for _ in range(ATTEMPTS):
        _wait_backoff(client)
        version = _call(client.last_modified_version)
        try:
            result = send(version)
        except ValueError:  # a 429's text body: pyzotero recorded Retry-After; wait, retry
            continue
        except Exception as exc:  # pyzotero's errors carry the status in their type
            if type(exc).__name__ == "PreConditionFailedError":
                continue  # someone wrote meanwhile: read the new version and try again
            raise ZoteroError(f"Zotero refused the write: {exc}") from None
        if isinstance(result, dict) and ("successful" in result or "failed" in result):
            return result
    raise ZoteroError(f"Zotero kept refusing the write after {ATTEMPTS} attempts")


def _wait_backoff(client: Any) -> None:
    remaining = float(getattr(client, "backoff_until", 0.0)) - time.time()
    if remaining > 0:
        time.sleep(remaining)


def _call(fn: Any) -> Any:
    try:
        return fn()
    except Exception as exc:
        if isinstance(exc, ArxivBotError):
            raise
        raise ZoteroError(f"Zotero request failed: {exc}") from None


def zotero_import(
    loaded: LoadedConfig,
    paths: Paths,
    library: ZoteroLibrary,
    profile: str | None = None,
    *,
    clock: Clock = utc_now,
) -> ImportReport:
    """``arxivbot zotero import``: the library's arXiv papers become the profile's likes."""
    chosen = choose_profile(loaded, profile)
    client = connect(library)
    with open_store(paths.db) as store:
        return import_likes(client, store, chosen, clock=clock)


def zotero_push(
    loaded: LoadedConfig,
    paths: Paths,
    library: ZoteroLibrary,
    collection: str,
    profile: str | None = None,
) -> PushReport:
    """``arxivbot zotero push``: liked papers the library lacks, into ``collection``."""
    chosen = choose_profile(loaded, profile)
    client = connect(library)
    with open_store(paths.db) as store:
        items = select_papers(store, chosen, Selection.LIKED)
    return push_likes(client, items, collection)
