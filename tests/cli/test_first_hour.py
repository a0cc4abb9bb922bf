"""What a newcomer meets first: the demo, and messages that say what is wrong and the fix."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest
from cli_helpers import cli, write_config

from arxivbot.app import RunOptions, run_pipeline
from arxivbot.categories import canonical_category, known_categories
from arxivbot.config import load_config, parse_config
from arxivbot.config.loader import unknown_keys
from arxivbot.errors import ConfigError, RenderError
from arxivbot.fsutil import atomic_write_text, write_failure
from arxivbot.store import open_store
from support.arxiv_server import ArxivServer


def test_demo_builds_digest_feeds_and_site_offline(tmp_path: Path) -> None:
    result = cli("demo", "--out", str(tmp_path / "demo"))
    assert result.code == 0, result.text
    out = tmp_path / "demo" / "output"
    for name in ("README.md", "index.html", "rss.xml", "atom.xml", "feed.json", "papers.json"):
        assert (out / name).is_file(), name
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "### 1. [" in readme and "Extractive summary" in readme
    assert "no LLM was called" in result.text and "arxivbot init" in result.text
    again = cli("demo", "--out", str(tmp_path / "demo"))
    assert again.code == 0 and (out / "README.md").read_text(encoding="utf-8") == readme


@pytest.mark.parametrize(
    ("given", "canonical"), [("cs.AI", "cs.AI"), ("cs.lg", "cs.LG"), ("HEP-TH", "hep-th")]
)
def test_categories_are_accepted_case_insensitively(given: str, canonical: str) -> None:
    assert canonical_category(given) == canonical
    assert parse_config({"categories": [given]}).categories == [canonical]


def test_unknown_category_is_a_config_error_with_a_suggestion() -> None:
    with pytest.raises(ConfigError, match=r"'cs\.LGG' is not an arXiv category; did you mean"):
        parse_config({"categories": ["cs.LGG"]})
    with pytest.raises(ConfigError, match="not an arXiv category"):
        parse_config({"categories": ["cs.XX"]})
    assert {"cs", "math.AG", "quant-ph", "stat.ML", "eess.SP"} <= known_categories()


def test_unknown_category_exits_2_before_any_fetch(tmp_path: Path) -> None:
    (tmp_path / "c.json").write_text(json.dumps({"categories": ["cs.XX"]}))
    result = cli("run", "--config", str(tmp_path / "c.json"), "--db", str(tmp_path / "d.db"))
    assert result.code == 2 and result.one_clear_error()
    assert "not an arXiv category" in result.err and "could not be reached" not in result.text


def test_unknown_keys_name_the_nearest_key() -> None:
    warnings = unknown_keys(parse_config({"keywordz": ["x"], "ai_summary": {"modle": "m"}}))
    assert "unknown config key 'keywordz' is ignored (did you mean 'keywords'?)" in warnings
    assert any("ai_summary.modle" in w and "did you mean 'ai_summary." in w for w in warnings)


def test_a_misspelt_switch_is_an_error_not_a_feature_silently_off(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"ai_summary": {"enable": True}}))
    with pytest.raises(ConfigError, match=r"did you mean 'ai_summary\.enabled'"):
        load_config(path)
    result = cli("doctor", "--config", str(path))
    assert result.code == 2 and "ai_summary.enabled" in result.err


def test_unwritable_output_is_named_with_its_fix(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the output folder should be")
    with pytest.raises(RenderError, match=r"cannot write .*not-a-folder"):
        atomic_write_text(blocker / "README.md", "x")
    denied = write_failure(tmp_path / "out" / "README.md", PermissionError(errno.EACCES, "no"))
    assert "not writable" in str(denied) and "README.md" in str(denied)
    full = write_failure(tmp_path / "x", OSError(errno.ENOSPC, "No space left on device"))
    assert "disk full" in str(full)


def test_run_into_an_unwritable_output_is_one_clear_error(
    arxiv: ArxivServer, tmp_path: Path
) -> None:
    write_config(tmp_path / "config.json", arxiv)
    (tmp_path / "blocked").write_text("a file")
    result = cli(
        "run",
        "--config",
        str(tmp_path / "config.json"),
        "--db",
        str(tmp_path / "db.sqlite3"),
        "--output",
        str(tmp_path / "blocked" / "out"),
        "--no-catch-up",
    )
    assert result.code != 0
    assert "cannot write" in result.text and "this is a bug" not in result.text


def test_offline_fallback_summaries_are_stored_and_published(
    arxiv: ArxivServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DASHSCOPE_API_KEY", raising=False)
    write_config(
        tmp_path / "config.json",
        arxiv,
        ai_summary={
            "enabled": True,
            "api_key_env": "DASHSCOPE_API_KEY",
            "offline_fallback": True,
            "max_papers_to_summarize": 5,
        },
    )
    loaded = load_config(tmp_path / "config.json")
    options = RunOptions(tmp_path / "db.sqlite3", tmp_path / "out", catch_up=False, notify=False)
    report = run_pipeline(loaded, options)
    assert report.status == "ok", report
    readme = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    assert readme.count("Extractive summary") == 5
    with open_store(tmp_path / "db.sqlite3") as store:
        ranked = store.latest_summaries([p["id"] for p in _papers(tmp_path)])
    assert sum(s.key.model == "offline-textrank" for s in ranked.values()) == 5
    run_pipeline(loaded, options)
    assert (tmp_path / "out" / "README.md").read_text(encoding="utf-8") == readme


def _papers(folder: Path) -> list[dict[str, str]]:
    data = json.loads((folder / "out" / "papers.json").read_text(encoding="utf-8"))
    return [{"id": p.get("arxiv_id") or p.get("id")} for p in data["papers"]]
