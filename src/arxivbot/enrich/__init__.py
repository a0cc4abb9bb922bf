"""What the library adds to a paper beyond arXiv's metadata, computed from stored fields.

Nothing here is stored: links are read from the abstract and comment on demand (a paper's
text never changes for a version), so no migration is needed and every output agrees.
"""

from arxivbot.enrich.links import (
    HAS_VALUES,
    CodeLink,
    LinkKind,
    find_links,
    fts_prefilter,
    full_text_links,
    has_link,
    links_in_text,
)

__all__ = [
    "HAS_VALUES",
    "CodeLink",
    "LinkKind",
    "find_links",
    "fts_prefilter",
    "full_text_links",
    "has_link",
    "links_in_text",
]
