"""Prompts: the packaged defaults, the message templates per mode, and the prompt hash.

The prompt hash is part of every summary's store key, so it covers everything that shapes
the answer apart from the paper itself: the prompt text *and* the template that wraps it in
the chosen mode. Editing the prompt file, or switching between file/text/abstract mode,
therefore re-summarises; re-running with the same settings never does.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from typing import Literal

Mode = Literal["file", "text", "abstract"]

PACKAGED_LANGUAGES = ("zh", "en")

# File mode exactly as the original bot (see fixtures/history/README.md): the provider reads
# the uploaded PDF through a ``fileid://`` system message; the user message names the title.
# The title line is in the summary's language: the original's Chinese one for ``zh``
# (unchanged, so stored Chinese summaries keep their prompt hash), English for the rest.
FILE_SYSTEM_TEMPLATE = "fileid://{file_id}"
FILE_USER_TEMPLATE = "论文标题：{title}\n\n{prompt}"
TITLE_LINES = {"zh": "论文标题：{title}"}
OTHER_TITLE_LINE = "Paper title: {title}"

# Text mode: the document comes first and the instructions last, which long-context models
# follow best. The tags let the model tell the paper from our instructions.
TEXT_SYSTEM = (
    "You summarise scientific papers for researchers. The user message holds the paper's "
    "text between <paper> tags (it may be shortened: references and appendices are cut "
    "first), followed by the instructions. Answer in Markdown."
)
TEXT_USER_TEMPLATE = "论文标题：{title}\n\n<paper>\n{body}\n</paper>\n\n{prompt}"
ABSTRACT_NOTE = "(Only the abstract is available.)"


def title_line(language: str) -> str:
    """The user message's first line (a template with ``{title}``) for ``language``."""
    base = (language.strip().lower() or "zh").split("-")[0]
    return TITLE_LINES.get(base, OTHER_TITLE_LINE)


def _file_user(language: str) -> str:
    return FILE_USER_TEMPLATE.replace("论文标题：{title}", title_line(language))


def _text_user(language: str) -> str:
    return TEXT_USER_TEMPLATE.replace("论文标题：{title}", title_line(language))


def _template(mode: Mode, language: str) -> str:
    if mode == "file":
        return FILE_SYSTEM_TEMPLATE + "\x1e" + _file_user(language)
    text = TEXT_SYSTEM + "\x1e" + _text_user(language)
    return text + "\x1e" + ABSTRACT_NOTE if mode == "abstract" else text


@dataclass(frozen=True)
class ChatMessages:
    system: str
    user: str


def default_prompt(language: str) -> str:
    """The packaged prompt for ``language``; other languages get the English one plus a line
    asking for an answer in that language."""
    lang = language.strip().lower() or "zh"
    base = lang.split("-")[0]
    name = base if base in PACKAGED_LANGUAGES else "en"
    text = (
        resources.files("arxivbot").joinpath("prompts").joinpath(f"{name}.txt").read_text("utf-8")
    )
    text = text.strip()
    if name != base:
        text += f"\n\nWrite the whole answer in the language with code '{language}'."
    return text


def prompt_hash(prompt_text: str, mode: Mode, language: str = "zh") -> str:
    """sha256 over the prompt and the mode's template in ``language`` (hex, 16 chars)."""
    payload = f"{mode}\x1f{_template(mode, language)}\x1f{prompt_text.strip()}"
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def file_messages(file_id: str, title: str, prompt_text: str, language: str = "zh") -> ChatMessages:
    return ChatMessages(
        system=FILE_SYSTEM_TEMPLATE.format(file_id=file_id),
        user=_file_user(language).format(title=_one_line(title), prompt=prompt_text.strip()),
    )


def text_messages(title: str, body: str, prompt_text: str, language: str = "zh") -> ChatMessages:
    return ChatMessages(
        system=TEXT_SYSTEM,
        user=_text_user(language).format(
            title=_one_line(title), body=body.strip(), prompt=prompt_text.strip()
        ),
    )


def abstract_messages(
    title: str, abstract: str, prompt_text: str, language: str = "zh"
) -> ChatMessages:
    body = f"{ABSTRACT_NOTE}\n\n{abstract.strip()}"
    return text_messages(title, body, prompt_text, language)


def template_overhead_chars(title: str, prompt_text: str, language: str = "zh") -> int:
    """Characters the text-mode messages add around the paper body (for the input budget)."""
    empty = text_messages(title, "", prompt_text, language)
    return len(empty.system) + len(empty.user)


def _one_line(text: str) -> str:
    return " ".join(text.split())
