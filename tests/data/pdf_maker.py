"""Generate small paper-like PDFs for the compact test set (``build_recorded.py``).

The text is made up, but the shape is that of an arXiv paper as ``pypdf`` extracts it: a
title, authors, an abstract, numbered sections, references and an appendix, and arXiv's
vertical stamp in the left margin (which the extractor must drop). reportlab (BSD) is only
needed to regenerate the files; the tests read the committed PDFs.
"""

from __future__ import annotations

import io
import random

SECTIONS = (
    "Abstract",
    "1 Introduction",
    "2 Related Work",
    "3 Method",
    "4 Experiments",
    "5 Ablation Studies",
    "6 Conclusion",
    "References",
    "A Additional Details",
)
WORDS = [
    "model",
    "training",
    "data",
    "attention",
    "layer",
    "sequence",
    "token",
    "representation",
    "benchmark",
    "task",
    "accuracy",
    "baseline",
    "encoder",
    "decoder",
    "pre-training",
    "fine-tuning",
    "objective",
    "corpus",
    "evaluation",
    "efficient",
    "scalable",
    "robust",
    "method",
    "results",
    "performance",
    "dataset",
    "transformer",
    "language",
]


def sentences(rng: random.Random, count: int) -> list[str]:
    out = []
    for _ in range(count):
        words = [rng.choice(WORDS) for _ in range(rng.randint(8, 16))]
        out.append(" ".join(words).capitalize() + ".")
    return out


def section_headings(stem: str) -> tuple[str, ...]:
    if stem.startswith("1810.04805"):  # the BERT-shaped test paper keeps its section names
        return tuple(
            h.replace("3 Method", "3 BERT").replace(
                "A Additional Details", "A Additional Details for BERT"
            )
            for h in SECTIONS
        )
    return SECTIONS


def make_pdf(stem: str, title: str, paragraphs_per_section: int = 10) -> bytes:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    rng = random.Random(stem)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter, invariant=True)
    _width, height = letter
    y = height - 72

    def line(text: str, size: int = 10) -> None:
        nonlocal y
        if y < 72:
            stamp()
            pdf.showPage()
            y = height - 72
        pdf.setFont("Helvetica", size)
        pdf.drawString(72, y, text)
        y -= size + 4

    def stamp() -> None:
        pdf.saveState()
        pdf.setFont("Helvetica", 8)
        pdf.translate(30, 200)
        pdf.rotate(90)
        pdf.drawString(0, 0, f"arXiv:{stem} [cs.CL] 24 May 2019")
        pdf.restoreState()

    line(title, 14)
    line("A. Author, B. Author and C. Author", 10)
    for heading in section_headings(stem):
        y -= 6
        line(heading, 12)
        # References and appendices are long in real papers (18-41 % of the text).
        tail = heading == "References" or heading[:2] == "A "
        for index in range(paragraphs_per_section * (3 if tail else 1)):
            text = " ".join(sentences(rng, 4))
            if index == 0 and heading == "3 BERT":
                text = "Masked LM and next sentence prediction are the two tasks. " + text
            while text:
                cut = text.rfind(" ", 0, 95) if len(text) > 95 else len(text)
                line(text[:cut])
                text = text[cut:].strip()
    stamp()
    pdf.save()
    return buffer.getvalue()
