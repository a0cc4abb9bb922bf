"""README digest: golden file, the original layout, template placeholders, hostile text."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from hostile import HOSTILE_TITLE, MARKERS, hostile_digest
from readme_check import github_like_html, paper_headings
from render_samples import GENERATED

from arxivbot.config import Config, Profile
from arxivbot.models import Digest
from arxivbot.render import render_papers_json, render_readme, write_papers_json, write_readme
from arxivbot.render.readme import cut_abstract, format_score

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden" / "README.md"
UPDATE_ENV = "ARXIVBOT_UPDATE_GOLDEN"  # ARXIVBOT_UPDATE_GOLDEN=1 pytest tests/render
SAMPLE = "history/readme-samples/README_2026-08-21_958c5f5.md"
FIELDS = ("Authors", "Category", "Published", "Score", "Type", "ArXiv ID")


def test_golden_readme(history: list[Digest], profile: Profile, config: Config) -> None:
    text = render_readme(history[0], profile, config, generated_at=GENERATED)
    if os.environ.get(UPDATE_ENV):
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    assert GOLDEN.exists(), f"run with {UPDATE_ENV}=1 to create {GOLDEN}"
    assert text == GOLDEN.read_text(encoding="utf-8")


def _section_headings(text: str) -> list[str]:
    outside = re.sub(r"\n<details>\n.*?\n</details>\n", "\n", text, flags=re.S)
    return [line for line in outside.splitlines() if line.startswith("## ")]


def _paper_shape(text: str) -> list[str]:
    """The line skeleton of the first paper block: heading, fields, abstract, details."""
    block = text.split("\n### 1. ", 1)[1].split("\n---\n\n### 2.", 1)[0]
    shape = []
    for line in block.splitlines():
        field = re.match(r"^\*\*([A-Za-z ]+)\*\*: .*  $", line)
        if field:
            shape.append(f"field:{field.group(1)}")
        elif line.startswith(("#### Abstract", "<details>", "<summary>", "</details>")):
            shape.append(line[:20])
    return shape


def test_layout_matches_original_sample(
    shared_fixtures: Path, history: list[Digest], profile: Profile, config: Config
) -> None:
    original = (shared_fixtures / SAMPLE).read_text(encoding="utf-8")
    ours = render_readme(history[0], profile, config, generated_at=GENERATED)
    wanted = [h for h in _section_headings(original) if "Vercel" not in h]
    assert _section_headings(ours) == wanted
    original_shape = _paper_shape(original)
    our_shape = [s for s in _paper_shape(ours) if s != "field:Why"]
    assert our_shape == original_shape
    assert "**Why**: " in ours.split("#### Abstract")[0]
    assert re.search(r"^### 1\. \[.+\]\(https://arxiv\.org/abs/2512\.03394\)$", ours, re.M)
    assert (
        "<summary><strong>🤖 AI Summary (by qwen-long)</strong> - Click to expand</summary>" in ours
    )
    stats = ours.split("## 📊 Statistics", 1)[1].split("## 📚", 1)[0]
    assert "- **Last Updated**: 2025-12-05 06:07:54 UTC" in stats
    assert "- **Total Papers Found**: 4" in stats
    assert "- **Categories Monitored**: cs.AI, cs.CL, cs.DC, cs.LG" in stats
    assert "- **Papers Fetched**: 812" in stats


def test_rendered_structure_like_github(
    history: list[Digest], profile: Profile, config: Config
) -> None:
    tree = github_like_html(render_readme(history[0], profile, config, generated_at=GENERATED))
    assert len(paper_headings(tree)) == 4
    details = tree.xpath("//details")
    assert len(details) == 3  # one per paper with a summary
    assert all(d.xpath("./summary") for d in details)


def test_abstract_cut_and_score_format() -> None:
    assert cut_abstract("x" * 301) == "x" * 300 + "..."
    assert cut_abstract("short") == "short"
    assert format_score(11) == "11.0" and format_score(4.5) == "4.5"


def test_user_template_placeholders(
    history: list[Digest], profile: Profile, config: Config
) -> None:
    template = (
        "# Mine\nUpdated {{LAST_UPDATED}} · {{PAPER_COUNT}} papers · {{CATEGORIES}}\n"
        "Keywords: {{KEYWORDS}}\n\n{{PAPERS_SECTION}}\n{{UNKNOWN}}\n"
    )
    text = render_readme(history[0], profile, config, template=template, generated_at=GENERATED)
    assert text.startswith("# Mine\nUpdated 2025-12-05 06:07:54 UTC · 4 papers · cs.AI, cs.CL")
    assert "Keywords: LLM, RL, Efficient, Quantization" in text
    assert "### 1. [VS-Graph" in text
    assert "{{UNKNOWN}}" in text  # unknown placeholders are left alone, not erased


def test_placeholder_in_title_is_not_expanded(
    history: list[Digest], profile: Profile, config: Config
) -> None:
    text = render_readme(hostile_digest(), profile, config, generated_at=GENERATED)
    assert text.count("LLM, RL, Efficient, Quantization") == 1


def test_display_limit_and_notice(history: list[Digest], config: Config) -> None:
    limited = config.model_copy(update={"display_limit": 2})
    from arxivbot.config import resolve_profiles

    profile = resolve_profiles(limited)[0]
    text = render_readme(history[0], profile, limited, notice="No announcement today.",
                         generated_at=GENERATED)  # fmt: skip
    assert re.search(r"^### 2\. ", text, re.M) and not re.search(r"^### 3\. ", text, re.M)
    assert "- **Total Papers Found**: 2" in text
    assert "> ℹ️ No announcement today." in text


def test_no_digest_yet(profile: Profile, config: Config) -> None:
    text = render_readme(None, profile, config, generated_at=GENERATED)
    assert "No papers have been announced yet" in text
    assert "## 🔧 Configuration" in text


def test_hostile_text_cannot_break_the_layout(profile: Profile, config: Config) -> None:
    text = render_readme(hostile_digest(), profile, config, generated_at=GENERATED)
    tree = github_like_html(text)
    assert not tree.xpath("//script | //img | //iframe")
    assert not [a for a in tree.xpath("//a/@href") if "javascript" in a.lower()]
    assert not tree.xpath("//*[@onerror]")
    # Exactly two papers, each summary inside its own closed <details>.
    titles = paper_headings(tree)
    assert len(titles) == 2
    assert "Pwned" in titles[0].text_content() and "A Normal Paper" in titles[1].text_content()
    assert len(tree.xpath("//details")) == 2
    assert not tree.xpath("//details//h3")
    assert tree.xpath("//h2")[-1].text_content().strip() == "🔍 Manual Trigger"
    # No heading was injected from the title; no bidi override survives.
    assert not [h for h in tree.xpath("//h1|//h2") if "injected" in h.text_content()]
    assert "\u202e" not in text and "\u200b" not in text
    # The hostile title is still readable (escaped, not dropped).
    assert "Pwned" in titles[0].text_content()
    assert "<script>" in titles[0].text_content()  # shown as text


def test_summary_markup_is_neutralised_in_readme(profile: Profile, config: Config) -> None:
    text = render_readme(hostile_digest(), profile, config, generated_at=GENERATED)
    body = text.split("<summary>", 1)[1].split("\n\n</details>\n\n---\n", 1)[0]
    prose = body.split("```python")[0]
    tree = github_like_html(prose)
    assert not tree.xpath("//script | //img | //details | //*[@onerror]")
    assert "\\<script>" in body  # shown as text
    assert "```python" in body and body.rstrip().endswith("```")  # unclosed fence closed
    hrefs = github_like_html(body).xpath("//a/@href")
    assert hrefs == ["https://example.org"]  # the javascript: links stayed text


def test_hostile_long_fields_are_capped(profile: Profile, config: Config) -> None:
    text = render_readme(hostile_digest(), profile, config, generated_at=GENERATED)
    abstract = text.split("#### Abstract\n", 1)[1].split("\n", 1)[0]
    assert len(abstract) < 400
    assert abstract.startswith("\\- list?")  # a leading list marker is escaped


def test_papers_json(history: list[Digest], tmp_path: Path) -> None:
    text = render_papers_json(history[0])
    data = json.loads(text)
    first = data["papers"][0]
    assert data["announced_on"] == "2025-12-04" and data["stats"]["fetched"] == 812
    assert first["arxiv_id"] == "2512.03394" and first["score"] == 11.0
    assert first["components"][0] == {
        "kind": "term", "label": "Efficient", "field": "title", "contribution": 1.5, "detail": ""
    }  # fmt: skip
    assert first["summary"]["model"] == "qwen-long" and first["summary"]["text"].startswith("#")
    assert data["papers"][3]["summary"] is None
    path = write_papers_json(tmp_path, text)
    assert json.loads(path.read_text(encoding="utf-8")) == data


def test_write_readme_is_atomic_replace(tmp_path: Path) -> None:
    write_readme(tmp_path, "old\n")
    path = write_readme(tmp_path, "new\n")
    assert path.read_text(encoding="utf-8") == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md"]


@pytest.mark.parametrize("marker", MARKERS)
def test_no_live_markers_in_readme_html(marker: str, profile: Profile, config: Config) -> None:
    tree = github_like_html(render_readme(hostile_digest(), profile, config,
                                          generated_at=GENERATED))  # fmt: skip
    for element in tree.iter():
        for name, value in element.attrib.items():
            assert marker not in f"{name}={value}".lower()
    assert HOSTILE_TITLE  # the fixture is in use
