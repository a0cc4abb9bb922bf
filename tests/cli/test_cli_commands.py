"""The single-stage commands, feedback, -q/-v, and the error paths (one line, no traceback)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from cli_helpers import COMMON, cli

from arxivbot.store import open_store
from support.arxiv_server import ArxivServer

PAPER = "2606.01234"  # any id; feedback may name a paper before it arrives


def top_paper(workdir: Path) -> str:
    """The first-ranked paper of the stored day (the module's run ranked 2026-06-02)."""
    with open_store(workdir / "db.sqlite3") as store:
        return store.load_ranking("default", date(2026, 6, 2))[0].paper.arxiv_id


# -- like / dislike ----------------------------------------------------------------------


def test_like_and_dislike_store_feedback(workdir: Path) -> None:
    liked = top_paper(workdir)
    result = cli("like", *COMMON, liked, PAPER)
    assert result.code == 0, result.text
    assert f"liked {liked} for profile default:" in result.out
    assert f"liked {PAPER} for profile default: (not in the store yet" in result.out
    result = cli("dislike", *COMMON, "2606.05678v2")
    assert result.code == 0 and "disliked 2606.05678" in result.out
    with open_store(workdir / "db.sqlite3") as store:
        assert store.feedback("default") == {liked: 1, PAPER: 1, "2606.05678": -1}


def test_later_feedback_wins(workdir: Path) -> None:
    cli("like", *COMMON, PAPER)
    cli("dislike", *COMMON, PAPER)
    with open_store(workdir / "db.sqlite3") as store:
        assert store.feedback("default")[PAPER] == -1


def test_unknown_profile_is_exit_2(workdir: Path) -> None:
    result = cli("like", *COMMON, "--profile", "nosuch", PAPER)
    assert result.code == 2
    assert "unknown profile 'nosuch'" in result.text and "default" in result.text
    assert result.one_clear_error()


def test_bad_id_is_exit_2(workdir: Path) -> None:
    result = cli("like", *COMMON, "not-an-id")
    assert result.code == 2 and "not-an-id" in result.text and result.one_clear_error()


def test_like_needs_an_id(workdir: Path) -> None:
    assert cli("like", *COMMON).code == 2


# -- fetch / rank / render / summarize ---------------------------------------------------


def test_fetch_stores_the_latest_announcement(workdir: Path, arxiv: ArxivServer) -> None:
    (workdir / "db.sqlite3").unlink()
    result = cli("fetch", *COMMON)
    assert result.code == 0, result.text
    assert "announcements of 2026-06-02" in result.out
    with open_store(workdir / "db.sqlite3") as store:
        assert store.announcement_days() == [date(2026, 6, 2)]
        assert store.ranking_days("default") == []  # fetch ranks nothing
    assert not (workdir / "out").exists()  # and writes nothing


def test_rank_shows_the_top_papers(workdir: Path) -> None:
    result = cli("rank", *COMMON, "--date", "2026-06-02")
    assert result.code == 0, result.text
    assert re.search(r"default — 2026-06-02 — \d+ kept of", result.out)
    assert top_paper(workdir) in result.out


def test_rank_on_an_empty_store_says_what_to_do(workdir: Path) -> None:
    result = cli("rank", *COMMON, "--db", "empty.sqlite3")
    assert result.code == 1
    assert "no announcements in the store yet" in result.text and "arxivbot run" in result.text
    assert result.one_clear_error()


def test_render_writes_the_outputs_from_the_store(workdir: Path) -> None:
    result = cli("render", *COMMON)
    assert result.code == 0, result.text
    assert "wrote" in result.out and "out" in result.out
    readme = (workdir / "out/README.md").read_text()
    assert readme.startswith("# arXiv Papers Bot") and "2026-06-02" in readme
    assert (workdir / "out/index.html").is_file() and (workdir / "out/rss.xml").is_file()


def test_summarize_ids_without_key_is_explained(workdir: Path) -> None:
    result = cli("summarize", *COMMON, "--ids", top_paper(workdir))
    assert result.code in (0, 4), result.text
    assert "DASHSCOPE_API_KEY" in result.text
    assert "Traceback" not in result.text


def test_summarize_unknown_id_says_fetch_first(workdir: Path) -> None:
    result = cli("summarize", *COMMON, "--ids", "2601.99999")
    assert result.code == 1 and "not in the store: 2601.99999" in result.text
    assert "backfill" in result.text and result.one_clear_error()


def test_summarize_bad_id_is_exit_2(workdir: Path) -> None:
    result = cli("summarize", *COMMON, "--ids", "bogus")
    assert result.code == 2 and result.one_clear_error()


# -- -q / -v -----------------------------------------------------------------------------


def test_quiet_run_prints_only_the_final_line(workdir: Path) -> None:
    result = cli("run", *COMMON, "--no-summaries", "--no-notify", "-q")
    assert result.code == 0, result.text
    assert result.out.strip().splitlines() == [result.out.strip()]
    assert result.out.startswith("arxivbot run #") and ": ok" in result.out


def test_verbose_run_lists_written_files_and_progress(workdir: Path) -> None:
    result = cli("run", *COMMON, "--no-summaries", "--no-notify", "-v")
    assert result.code == 0, result.text
    assert "wrote " in result.out and "README.md" in result.out
    assert "fetch" in result.err  # progress events go to stderr as log lines
    normal = cli("run", *COMMON, "--no-summaries", "--no-notify")
    assert "wrote " not in normal.out and "announcement" in normal.out


# -- error paths ---------------------------------------------------------------------------


def test_missing_config_file(workdir: Path) -> None:
    result = cli("run", "--config", "nope.json", "--db", "db.sqlite3")
    assert result.code == 2
    assert "nope.json" in result.text and result.one_clear_error()


def test_malformed_config_file(workdir: Path) -> None:
    (workdir / "config.json").write_text("{ not json")
    result = cli("rank", *COMMON)
    assert result.code == 2 and "config.json" in result.text and result.one_clear_error()


def test_locked_store_is_exit_3(workdir: Path) -> None:
    with open_store(workdir / "db.sqlite3") as store, store.run_lock():
        result = cli("rank", *COMMON)
    assert result.code == 3 and result.one_clear_error()


def test_arxiv_unreachable_run_is_exit_1(workdir: Path) -> None:
    data = json.loads((workdir / "config.json").read_text())
    data["sources"]["rss_base"] = "http://127.0.0.1:9"
    (workdir / "config.json").write_text(json.dumps(data))
    result = cli("run", *COMMON, "--no-summaries", "--no-notify")
    assert result.code == 1 and "Traceback" not in result.text


def test_unknown_command_and_option(workdir: Path) -> None:
    assert cli("frobnicate").code == 2
    assert cli("run", "--frobnicate").code == 2


@pytest.mark.parametrize(
    "command",
    [
        "run",
        "fetch",
        "rank",
        "render",
        "search",
        "backfill",
        "doctor",
        "like",
        "dislike",
        "notify",
        "summarize",
        "init",
        "serve",
    ],
)
def test_every_command_has_help(command: str) -> None:
    result = cli(command, "--help")
    assert result.code == 0 and "Usage:" in result.out


# -- real processes --------------------------------------------------------------------


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARXIVBOT_")}
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_module_entry_point_help(tmp_path: Path) -> None:
    done = _run(sys.executable, "-m", "arxivbot.cli", "--help", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for command in ("init", "run", "backfill", "search", "doctor", "like"):
        assert command in done.stdout


def test_console_script_version_and_error(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("arxivbot")
    done = _run(str(script), "--version", cwd=tmp_path)
    assert done.returncode == 0 and "version" in done.stdout
    done = _run(str(script), "search", "ti:(x", "--config", "missing.json", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.count("error:") == 1
