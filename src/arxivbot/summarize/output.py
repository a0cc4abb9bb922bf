"""Checks on what the model sent back. LLM output is untrusted text.

:func:`clean_answer` removes what must never reach a file (NUL and other control
characters), unwraps an answer fenced as one big code block, and caps the size;
:func:`answer_problem` says why an answer is unusable (empty, cut off, too short, not
Markdown) so the service can ask once more and then reject it. Rendering escapes and
sanitises the Markdown again later; this is the first line, not the only one.
"""

from __future__ import annotations

import re

MAX_SUMMARY_BYTES = 64 * 1024
DEFAULT_MIN_CHARS = 200

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u2028\u2029\ufeff]")
_FENCED = re.compile(r"^```(?:markdown|md)?[ \t]*\n(?P<body>.*)\n```\s*$", re.DOTALL | re.I)
_MARKDOWN = re.compile(
    r"^\s{0,3}#{1,6}\s+\S|^\s*[-*+]\s+\S|^\s*\d{1,2}[.)]\s+\S|\*\*[^*\n]+\*\*|^\|.+\|\s*$",
    re.MULTILINE,
)
_HTML_PAGE = re.compile(r"^\s*(<!doctype html|<html)", re.I)


def clean_answer(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text).strip()
    fenced = _FENCED.match(text)
    if fenced:
        text = fenced.group("body").strip()
    encoded = text.encode("utf-8")
    if len(encoded) > MAX_SUMMARY_BYTES:
        text = encoded[:MAX_SUMMARY_BYTES].decode("utf-8", "ignore").rstrip() + "\n\n[…]"
    return text


def answer_problem(text: str, finish_reason: str, min_chars: int = DEFAULT_MIN_CHARS) -> str:
    """Why a cleaned answer is unusable, or ``""`` when it is fine."""
    if not text:
        return "the model returned an empty answer"
    if finish_reason == "length":
        return (
            "the answer was cut off at the output-token limit (raise ai_summary.max_output_tokens)"
        )
    if _HTML_PAGE.match(text):
        return "the answer is an HTML page, not a summary"
    if len(text) < min_chars:
        return f"the answer is too short ({len(text)} characters)"
    if not _MARKDOWN.search(text):
        return "the answer does not look like Markdown (no headings, lists or bold text)"
    return ""
