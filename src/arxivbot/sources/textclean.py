"""Clean text extracted from a paper before an LLM reads it (pure functions, no I/O).

pypdf gives the text layer as typeset: ligature glyphs (``ﬁ`` ``ﬀ``), words hyphenated at
line ends, accents as separate spacing characters (``J´erome``), ``≠`` drawn as ``⁄=`` and
display math one symbol per line. Each costs tokens (a ligature splits a word into several
tokens) and reads worse. :func:`clean_paper_text` repairs these without ever changing the
words' letters: only hyphens, spaces and line breaks move, and accents are put back on
their letters.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

# Spacing accents pypdf emits before the letter they belong to -> the combining mark.
_SPACING_ACCENTS = {
    "\u00b4": "\u0301",  # acute
    "\u00a8": "\u0308",  # diaeresis
    "\u02c6": "\u0302",  # circumflex
    "\u02dc": "\u0303",  # tilde
    "\u02c7": "\u030c",  # caron
    "\u00b8": "\u0327",  # cedilla
    "\u02da": "\u030a",  # ring
    "\u02d8": "\u0306",  # breve
}
_ACCENT_BEFORE_LETTER = re.compile(f"([{''.join(_SPACING_ACCENTS)}]+)([A-Za-z])")
_NOT_ACCENTS = re.compile(f"[^{''.join(_SPACING_ACCENTS)}]+")
_LONE_ACCENTS = re.compile(f"[{''.join(_SPACING_ACCENTS)}]")
_GLYPH_FIXES = (("\u2044=", "\u2260"),)  # fraction slash + '=' is how pypdf draws ≠
# Invisible characters: soft hyphen, zero-width space/joiners, BOM, word joiner.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_RUNS = re.compile(r"\n{3,}")
# A word broken at a line end: letters, a hyphen, newline, then a lower-case continuation.
_BROKEN = re.compile(r"(?P<left>[\w-]*[^\W\d_])-\n(?=(?P<right>[a-z]\w*))")
_BROKEN_WORD = re.compile(r"[\w-]*[^\W\d_]-\n[a-z]\w*")  # both fragments, for the vocabulary
_HYPHENATED = re.compile(r"\b[^\W\d_]+(?:-[^\W\d_]+)+\b")
_WORD = re.compile(r"\b[^\W\d_]+\b")
# Prefixes that commonly make real compounds; kept only when the rest is a word on its own.
_COMPOUND_PREFIXES = frozenset(
    {
        "self", "non", "cross", "multi", "semi", "co", "pre", "post", "sub", "inter", "intra",
        "anti", "over", "under", "fine", "task", "data", "end", "real", "high", "low", "long",
        "short", "large", "small",
    }
)  # fmt: skip


def clean_paper_text(text: str) -> str:
    """NFKC, ligatures expanded, line-end hyphenation joined, stray math lines collapsed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", _INVISIBLE.sub("", text))
    # NFKC (ﬁ -> fi, ﬀ -> ff, 𝑥 -> x, full-width -> ASCII) around the spacing accents, which
    # it would turn into a space plus a mark; then they join their letters.
    text = _NOT_ACCENTS.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text)
    text = _ACCENT_BEFORE_LETTER.sub(_compose_accent, text)
    text = unicodedata.normalize("NFKC", _LONE_ACCENTS.sub("", text))  # debris, no letter
    for glyphs, char in _GLYPH_FIXES:
        text = text.replace(glyphs, char)
    text = join_hyphenation(_tidy_lines(text))
    return _BLANK_RUNS.sub("\n\n", collapse_stray_lines(_tidy_lines(text))).strip()


def _tidy_lines(text: str) -> str:
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


def _compose_accent(match: re.Match[str]) -> str:
    marks = "".join(_SPACING_ACCENTS[accent] for accent in match.group(1))
    return unicodedata.normalize("NFC", match.group(2) + marks)


def join_hyphenation(text: str) -> str:
    """``repre-\\nsentation`` -> ``representation``; ``state-of-the-\\nart`` keeps its hyphen.

    The paper's own vocabulary decides: a form seen hyphenated inside a line (``pre-trained``)
    keeps the hyphen, one seen whole (``pretrained``) is joined. Otherwise a hyphen is kept
    after a fragment that already holds one (``left-to-``) and after a common compound
    prefix when the rest is a word by itself (``self-`` + ``attention``); all else is joined.
    The two lines become one, so the word is never split across a line again.
    """
    rest = _BROKEN_WORD.sub(" ", text)  # the vocabulary, without the broken fragments themselves
    hyphenated = Counter(m.group(0).lower() for m in _HYPHENATED.finditer(rest))
    words = Counter(m.group(0).lower() for m in _WORD.finditer(rest))

    def keep_hyphen(left: str, right: str) -> bool:
        whole, joined = f"{left}-{right}".lower(), f"{left}{right}".lower()
        if hyphenated[whole] != words[joined]:
            return hyphenated[whole] > words[joined]
        last = left.rsplit("-", 1)[-1].lower()
        if "-" in left:
            return True
        return last in _COMPOUND_PREFIXES and words[right.lower()] > 0

    def repair(match: re.Match[str]) -> str:
        left, right = match.group("left"), match.group("right")
        return f"{left}-" if keep_hyphen(left, right) else left

    return _BROKEN.sub(repair, text)


def collapse_stray_lines(text: str) -> str:
    """Display math comes out one glyph per line (``∑`` / ``n`` / ``=``): each line of a
    single character is put back on the line before it, separated by a space."""
    out: list[str] = []
    for line in text.split("\n"):
        if len(line) == 1 and out and out[-1]:
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return "\n".join(out)
