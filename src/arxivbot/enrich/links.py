"""Code and project links in a paper's own text: GitHub, GitLab, Hugging Face, project pages.

Papers with Code is gone, so the only honest source is what the authors wrote: the abstract,
the arXiv comment and, when a summary fetched it, the first page of the full text. Links are
recognised from the text as arXiv serves it, LaTeX and all (``\\url{…}``, ``\\href{…}{…}``,
``\\_`` inside a URL, a trailing full stop). A link introduced by "code will be released at"
is kept but marked ``promised``: the repository may still be empty.

Everything here is a pure function of text, so links are computed on the fly from stored
fields (no migration) and every output shows the same ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from arxivbot.models import Paper

FULL_TEXT_HEAD = 6_000  # characters of the full text searched: its first page, roughly
MAX_LINKS = 8  # per paper: a list of links in an abstract is rarely the paper's own code


class LinkKind(StrEnum):
    GITHUB = "github"
    GITLAB = "gitlab"
    HUGGINGFACE = "huggingface"
    CODE = "code"  # another code or artifact host (Bitbucket, Codeberg, 4open.science …)
    PROJECT = "project"  # a project page (github.io, or a site introduced as one)


_LABELS = {
    LinkKind.GITHUB: "GitHub",
    LinkKind.GITLAB: "GitLab",
    LinkKind.HUGGINGFACE: "Hugging Face",
    LinkKind.PROJECT: "project page",
}


@dataclass(frozen=True)
class CodeLink:
    url: str  # https URL, LaTeX escapes and trailing punctuation removed (untrusted text)
    kind: LinkKind
    where: str  # "abstract" | "comment" | "full text"
    promised: bool = False  # introduced as future ("code will be available at …")

    @property
    def is_code(self) -> bool:
        return self.kind is not LinkKind.PROJECT

    @property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "").removeprefix("www.")

    @property
    def label(self) -> str:
        """``GitHub``, ``Hugging Face``, ``project page``, or the host of another code site."""
        return _LABELS.get(self.kind, self.host)

    @property
    def display(self) -> str:
        """What a reader sees: ``GitHub owner/repo``, ``project page host/path``."""
        return self.name if self.label == self.host else f"{self.label} {self.name}"

    @property
    def name(self) -> str:
        """``owner/repo`` on a code host; the host and path of a project page."""
        path = urlsplit(self.url).path.strip("/")
        if self.kind is LinkKind.PROJECT or not path:
            return (self.host + "/" + path).rstrip("/")
        return "/".join(path.split("/")[: 3 if path.startswith(("datasets/", "spaces/")) else 2])


# `has:` values of the query language and what each accepts.
HAS_VALUES: dict[str, frozenset[LinkKind]] = {
    "code": frozenset(LinkKind) - {LinkKind.PROJECT},
    "github": frozenset({LinkKind.GITHUB}),
    "gitlab": frozenset({LinkKind.GITLAB}),
    "hf": frozenset({LinkKind.HUGGINGFACE}),
    "huggingface": frozenset({LinkKind.HUGGINGFACE}),
    "project": frozenset({LinkKind.PROJECT}),
    "link": frozenset(LinkKind),
}

_CODE_HOSTS = {
    "github.com": LinkKind.GITHUB,
    "gitlab.com": LinkKind.GITLAB,
    "huggingface.co": LinkKind.HUGGINGFACE,
    "hf.co": LinkKind.HUGGINGFACE,
    "bitbucket.org": LinkKind.CODE,
    "codeberg.org": LinkKind.CODE,
    "gitee.com": LinkKind.CODE,
    "sourceforge.net": LinkKind.CODE,
    "anonymous.4open.science": LinkKind.CODE,
    "zenodo.org": LinkKind.CODE,
    "pypi.org": LinkKind.CODE,
    "modelscope.cn": LinkKind.CODE,
    "figshare.com": LinkKind.CODE,
    "osf.io": LinkKind.CODE,
    "colab.research.google.com": LinkKind.CODE,
}
_PAGE_SUFFIXES = (".github.io", ".gitlab.io", ".pages.dev", ".netlify.app", ".vercel.app")
# Hosts whose links are never the paper's own code or page (licences, citations, arXiv).
_IGNORED_HOSTS = ("arxiv.org", "doi.org", "creativecommons.org", "dx.doi.org", "aclanthology.org")
_ZENODO_DOI = "10.5281/zenodo"  # a DOI of a Zenodo archive: released code or data
# Words that, shortly before an unknown host, say the link is the work's own page or artifact.
_PAGE_CONTEXT = re.compile(
    r"project|website|web ?page|home ?page|demo|code|available|released?|"
    r"open-?source|github|dataset|benchmark|leaderboard|playground",
    re.IGNORECASE,
)
_PROMISE = re.compile(
    r"\b(?:will|to be|upon|after (?:the )?(?:acceptance|publication|review)|soon|forthcoming)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?;]\s")
_URL = re.compile(
    r"(?:https?://|www\.|(?<![\w./@-])(?:github\.com|gitlab\.com|huggingface\.co|hf\.co)/)"
    r"[^\s<>\"'{}\[\]\\|^`]+",
    re.IGNORECASE,
)
# LaTeX as arXiv serves it: "\_" inside URLs, "github. com" split by a line break.
_LATEX_ESCAPES = re.compile(r"\\([_%&#~$])|\\textasciitilde(?:\{\})?|\{\\~\}")
_SPLIT_HOST = re.compile(r"\b(github|gitlab|huggingface)\s*\.\s+(com|co|io)\b", re.IGNORECASE)
_TRAILING = ".,;:!?'\"*"
_PAIRS = {")": "(", "]": "["}


def find_links(paper: Paper, full_text: str | None = None) -> tuple[CodeLink, ...]:
    """The paper's code and project links: abstract, then comment, then the full text's head."""
    found = [
        *links_in_text(paper.abstract, "abstract"),
        *links_in_text(paper.comment, "comment"),
    ]
    if full_text:
        found += full_text_links(full_text)
    return _dedupe(found)[:MAX_LINKS]


def full_text_links(text: str) -> tuple[CodeLink, ...]:
    """Links on the first page only: the body and references cite other people's code."""
    return links_in_text(text[:FULL_TEXT_HEAD], "full text")


def links_in_text(text: str, where: str) -> tuple[CodeLink, ...]:
    """Every code or project link in ``text`` (LaTeX-escaped or plain), in order, deduplicated."""
    if not text or ("http" not in text and "www." not in text and ".co" not in text):
        return ()
    cleaned = _SPLIT_HOST.sub(r"\1.\2", _LATEX_ESCAPES.sub(_unescape, text))
    found: list[CodeLink] = []
    for match in _URL.finditer(cleaned):
        url = _normalise(_trim(match.group(0)))
        before = cleaned[max(0, match.start() - 120) : match.start()]
        link = _classify(url, where, before)
        if link is not None:
            found.append(link)
    return _dedupe(found)


def has_link(links: Iterable[CodeLink], value: str) -> bool:
    """Whether any link is of the kinds ``has:value`` names (``value`` in :data:`HAS_VALUES`)."""
    kinds = HAS_VALUES[value]
    return any(link.kind in kinds for link in links)


# Tokens FTS5 indexes for each kind (unicode61 splits "github.com/a/b" into github, com,
# a, b): a search for has:X first narrows the store to papers containing one of them.
_FTS_WORDS = {
    LinkKind.GITHUB: ("github",),
    LinkKind.GITLAB: ("gitlab",),
    LinkKind.HUGGINGFACE: ("huggingface", "hf"),
    LinkKind.CODE: (
        "bitbucket",
        "codeberg",
        "gitee",
        "sourceforge",
        "4open",
        "zenodo",
        "pypi",
        "modelscope",
        "figshare",
        "osf",
        "colab",
    ),
    LinkKind.PROJECT: ("http*", "www"),
}


def fts_prefilter(value: str) -> str:
    """An FTS5 expression matching a superset of the papers ``has:value`` accepts."""
    words = [w for kind in sorted(HAS_VALUES[value]) for w in _FTS_WORDS[kind]]
    return "{abstract comment} : (" + " OR ".join(words) + ")"


def _unescape(match: re.Match[str]) -> str:
    return match.group(1) or "~"


def _trim(url: str) -> str:
    """Cut at an unbalanced ``)`` (the text's, not the URL's), drop trailing punctuation."""
    depth = 0
    for index, char in enumerate(url):
        depth += (char == "(") - (char == ")")
        if depth < 0:
            url = url[:index]
            break
    while url:
        last = url[-1]
        unbalanced = last in _PAIRS and url.count(last) > url.count(_PAIRS[last])
        if last in _TRAILING or unbalanced:
            url = url[:-1]
        else:
            break
    return url


def _normalise(url: str) -> str:
    if not url.lower().startswith(("http://", "https://")):
        url = "https://" + url
    if url.lower().endswith(".git"):
        url = url[:-4]
    return url.rstrip("/")


def _classify(url: str, where: str, before: str) -> CodeLink | None:
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. a bracketed host that is not an IPv6 address
        return None
    host = (parts.hostname or "").removeprefix("www.")
    path = parts.path.strip("/")
    if host == "doi.org" and path.startswith(_ZENODO_DOI):
        return CodeLink(url, LinkKind.CODE, where, _promised(before))
    if not host or "." not in host or host.endswith(_IGNORED_HOSTS):
        return None
    kind = _CODE_HOSTS.get(host)
    if kind is not None:
        if not path or (kind is LinkKind.HUGGINGFACE and path.startswith(("papers", "docs"))):
            return None  # a bare host, or Hugging Face's page about a paper: not an artifact
    elif host.startswith("gitlab.") and path:
        kind = LinkKind.GITLAB  # a self-hosted GitLab (gitlab.inria.fr …)
    elif host.endswith(".hf.space"):
        kind = LinkKind.HUGGINGFACE  # a Space's own domain
    elif host.endswith(_PAGE_SUFFIXES) or _PAGE_CONTEXT.search(_last_clause(before)):
        kind = LinkKind.PROJECT
    else:
        return None
    return CodeLink(url, kind, where, _promised(before))


def _promised(before: str) -> bool:
    return bool(_PROMISE.search(_last_clause(before)))


def _last_clause(before: str) -> str:
    """The words between the previous sentence end and the link."""
    ends = list(_SENTENCE_END.finditer(before))
    return before[ends[-1].end() :] if ends else before


def _dedupe(links: Iterable[CodeLink]) -> tuple[CodeLink, ...]:
    """One link per URL (case-insensitive); a released mention wins over a promise."""
    kept: dict[str, CodeLink] = {}
    for link in links:
        key = link.url.casefold()
        existing = kept.get(key)
        if existing is None or (existing.promised and not link.promised):
            kept[key] = link
    return tuple(kept.values())
