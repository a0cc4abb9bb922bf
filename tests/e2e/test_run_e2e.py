"""`arxivbot run` end to end: the original config against the recorded arXiv on loopback."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

from click.testing import CliRunner
from e2e_helpers import feed_ids

from arxivbot.cli.main import main
from support.arxiv_server import ArxivServer
from support.fixtures import feed_path

RUN = ["run", "--config", "config.json", "--db", "db.sqlite3", "--output", "out"]


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_run_writes_digest_in_original_layout(workdir: Path) -> None:
    code, output = invoke(*RUN)
    assert code == 0, output
    readme = (workdir / "out/README.md").read_text()
    assert readme.startswith("# arXiv Papers Bot 🤖")
    for heading in (
        "## 📊 Statistics",
        "## 📚 Recent Papers",
        "## 🔧 Configuration",
        "## 📅 Schedule",
    ):
        assert heading in readme
    entries = re.findall(r"^### (\d+)\. \[(.+)\]\((https://arxiv\.org/abs/[^)]+)\)$", readme, re.M)
    numbers = [int(n) for n, _t, _u in entries]
    assert numbers == list(range(1, len(numbers) + 1)) and 15 <= len(numbers) <= 30  # max 30
    for line in (
        "**Authors**:",
        "**Category**:",
        "**Published**: 2026-06-02",
        "**Score**:",
        "**Type**:",
        "**ArXiv ID**:",
    ):
        assert readme.count(line) == len(numbers), line
    papers = json.loads((workdir / "out/papers.json").read_text())["papers"]
    scores = [p["score"] for p in papers]
    # min_score 2.5 applies on the original's +1-per-keyword scale (see arxivbot.rank), not here
    assert scores == sorted(scores, reverse=True) and min(scores) > 0
    assert "DASHSCOPE_API_KEY" in output  # the report says why summaries were skipped


def test_cross_listed_first_announcements_kept_and_replacements_excluded(
    workdir: Path, arxiv: ArxivServer
) -> None:
    arxiv.set_day("2026-06-09")
    code, output = invoke(*RUN)
    assert code == 0, output
    types = {
        p["announce_type"] for p in json.loads((workdir / "out/papers.json").read_text())["papers"]
    }
    assert types <= {"new", "cross"} and "cross" in types
    replaced = feed_ids(feed_path("2026-06-09"), {"replace", "replace-cross"})
    stored = sqlite3.connect(workdir / "db.sqlite3")
    ranked = {row[0] for row in stored.execute("SELECT arxiv_id FROM rankings")}
    first = feed_ids(feed_path("2026-06-09"), {"new", "cross"})
    assert ranked <= first and not ranked & (replaced - first)


def test_empty_weekend_feed_keeps_previous_digest(workdir: Path, arxiv: ArxivServer) -> None:
    assert invoke(*RUN)[0] == 0
    before = {p: p.read_bytes() for p in (workdir / "out").rglob("*") if p.is_file()}
    arxiv.set_day("2026-06-06")
    code, output = invoke(*RUN)
    assert code == 0, output
    assert "no announcement" in output
    after = {p: p.read_bytes() for p in (workdir / "out").rglob("*") if p.is_file()}
    assert after == before


def test_bad_config_value_names_the_key_and_writes_nothing(workdir: Path) -> None:
    data = json.loads((workdir / "config.json").read_text())
    data["max_papers"] = "thirty"
    (workdir / "config.json").write_text(json.dumps(data))
    code, output = invoke(*RUN)
    assert code == 2
    assert "max_papers" in output
    assert not (workdir / "out").exists() and not (workdir / "db.sqlite3").exists()


def test_unknown_key_is_warned_by_name(workdir: Path) -> None:
    data = json.loads((workdir / "config.json").read_text())
    data["keywrods"] = ["typo"]
    (workdir / "config.json").write_text(json.dumps(data))
    code, output = invoke(*RUN, "--dry-run")
    assert code == 0, output
    assert "keywrods" in output


def test_dry_run_writes_nothing(workdir: Path) -> None:
    code, output = invoke(*RUN, "--dry-run")
    assert code == 0, output
    assert "dry-run" in output
    assert not (workdir / "out").exists()


def test_rerun_same_day_is_idempotent(workdir: Path) -> None:
    assert invoke(*RUN)[0] == 0
    first = (workdir / "out/papers.json").read_text()
    assert invoke(*RUN)[0] == 0
    second = (workdir / "out/papers.json").read_text()
    strip = lambda text: re.sub(r'"generated_at": "[^"]+"', "", text)  # noqa: E731
    assert strip(first) == strip(second)
    db = sqlite3.connect(workdir / "db.sqlite3")
    assert db.execute("SELECT count(*) FROM announcements").fetchone()[0] > 0
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_arxiv_unreachable_fails_and_keeps_outputs(workdir: Path, arxiv: ArxivServer) -> None:
    assert invoke(*RUN)[0] == 0
    before = (workdir / "out/README.md").read_bytes()
    data = json.loads((workdir / "config.json").read_text())
    data["sources"] = {"max_retries": 0, "min_interval_seconds": 0}
    (workdir / "config.json").write_text(json.dumps(data))
    from support.httpserver import Reply, sequence

    arxiv.route("/rss/", sequence(Reply(503, b"down")))
    code, output = invoke(*RUN)
    assert code == 1, output
    assert "503" in output
    assert (workdir / "out/README.md").read_bytes() == before


def test_unusually_small_batch_is_flagged(workdir: Path, arxiv: ArxivServer) -> None:
    for day in ("2026-06-18", "2026-06-19", "2026-06-23", "2026-06-24"):
        arxiv.set_day(day)
        assert invoke(*RUN)[0] == 0
    arxiv.set_day("2026-06-25")  # the recorded partial day: 3 first announcements
    code, output = invoke(*RUN)
    assert code == 0, output
    assert "small batch" in output
    db = sqlite3.connect(workdir / "db.sqlite3")
    (report,) = db.execute("SELECT report FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    assert "small batch" in report
