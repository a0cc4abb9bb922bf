"""`arxivbot doctor` against the stand-ins: what is fine, what to fix, and the exit code."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_helpers import COMMON, cli

from support.arxiv_server import ArxivServer
from support.fixtures import fixtures_dir
from support.llm_server import FakeLlm


@pytest.fixture
def env_config(workdir: Path, arxiv: ArxivServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The untouched original config.json; base URLs come from ARXIVBOT_*_BASE."""
    shutil.copy(fixtures_dir() / "seed-config.json", workdir / "config.json")
    for name in ("RSS", "ARXIV", "API", "OAI"):
        monkeypatch.setenv(f"ARXIVBOT_{name}_BASE", arxiv.url)
    return workdir


def line_of(text: str, name: str) -> str:
    return next(line for line in text.splitlines() if f"{name}:" in line)


def test_all_good_except_the_missing_key(env_config: Path) -> None:
    result = cli("doctor", *COMMON)
    assert result.code == 0, result.out  # a missing key is a warning: the digest still works
    out = result.out
    assert "ok" in line_of(out, "config") and "config.json is valid" in out
    assert "ok" in line_of(out, "store") and "papers" in line_of(out, "store")
    for name in ("reach rss.arxiv.org", "reach arxiv.org", "reach arXiv API"):
        assert line_of(out, name).lstrip().startswith("ok"), out
    assert "HTTP 200" in line_of(out, "reach arXiv API")
    key = line_of(out, "LLM API key")
    assert "warn" in key and "$DASHSCOPE_API_KEY is not set" in key
    assert "fix: export DASHSCOPE_API_KEY=" in out


@pytest.fixture
def provider(env_config: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeLlm]:
    """An OpenAI-compatible stand-in the config reaches through ARXIVBOT_LLM_BASE."""
    with FakeLlm() as llm:
        monkeypatch.setenv("ARXIVBOT_LLM_BASE", llm.base_url)
        llm.models = ("qwen-long",)
        yield llm


def test_key_present_is_ok(provider: FakeLlm, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASHSCOPE_API_KEY", "sk-test")
    result = cli("doctor", *COMMON)
    assert result.code == 0, result.out
    assert "ok" in line_of(result.out, "LLM API key")
    assert "the key is accepted" in line_of(result.out, "LLM provider")
    assert "sk-test" not in result.out  # a secret is never printed


def test_refused_key_fails_with_the_fix(provider: FakeLlm, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASHSCOPE_API_KEY", "sk-revoked")
    provider.refused_keys.add("sk-revoked")
    result = cli("doctor", *COMMON)
    assert result.code == 1  # the run would pay nothing and summarise nothing: act now
    assert "refused the key" in line_of(result.out, "LLM provider")
    assert "sk-revoked" not in result.text


def test_model_not_offered_names_the_ones_that_are(
    provider: FakeLlm, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DASHSCOPE_API_KEY", "sk-test")
    provider.models = ("qwen-plus", "qwen-max")
    result = cli("doctor", *COMMON)
    assert result.code == 1
    assert "'qwen-long' is not offered" in result.out and "qwen-max, qwen-plus" in result.out


def test_unreachable_provider_fails(env_config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASHSCOPE_API_KEY", "sk-test")
    monkeypatch.setenv("ARXIVBOT_LLM_BASE", "http://127.0.0.1:9/v1")  # discard port: refused
    result = cli("doctor", *COMMON)
    assert result.code == 1
    assert "could not be reached" in line_of(result.out, "LLM provider")
    assert "ai_summary.base_url" in result.out


def test_unreachable_arxiv_is_reported_with_a_fix(
    env_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARXIVBOT_RSS_BASE", "http://127.0.0.1:9")  # discard port: refused
    result = cli("doctor", *COMMON)
    assert result.code == 0  # reachability is advisory (arXiv may be down for a while)
    assert "warn" in line_of(result.out, "reach rss.arxiv.org")
    assert "ConnectError" in result.out and "*_base URL" in result.out


def test_missing_prompt_file_fails(env_config: Path) -> None:
    (env_config / "ai_summary_prompt.txt").unlink()
    result = cli("doctor", *COMMON)
    assert result.code == 2  # the config names a file that is not there: caught at load
    assert "ai_summary.prompt_file" in result.err and "Traceback" not in result.text


def test_corrupt_store_fails(env_config: Path) -> None:
    (env_config / "db.sqlite3").write_bytes(b"this is not a database" * 100)
    result = cli("doctor", *COMMON)
    assert result.code == 1
    assert "FAIL" in line_of(result.out, "store")
    assert "Traceback" not in result.text


def test_fresh_machine_without_store(env_config: Path) -> None:
    (env_config / "db.sqlite3").unlink()
    result = cli("doctor", *COMMON, "--db", "data/new.sqlite3")
    assert result.code == 0
    assert "ok" in line_of(result.out, "store folder")
    assert not (env_config / "data/new.sqlite3").exists()  # doctor creates nothing


def test_bad_config_is_exit_2_with_the_key(env_config: Path) -> None:
    data = json.loads((env_config / "config.json").read_text())
    data["min_score"] = "high"
    (env_config / "config.json").write_text(json.dumps(data))
    result = cli("doctor", *COMMON)
    assert result.code == 2
    assert "min_score" in result.text and result.one_clear_error()


def test_unknown_key_warned_by_name(env_config: Path) -> None:
    data = json.loads((env_config / "config.json").read_text())
    data["max_paper"] = 3
    (env_config / "config.json").write_text(json.dumps(data))
    result = cli("doctor", *COMMON)
    assert result.code == 0
    assert "max_paper" in result.text and "1 warning" in result.text


def test_misspelt_category_is_exit_2_with_a_suggestion(env_config: Path) -> None:
    data = json.loads((env_config / "config.json").read_text())
    data["categories"] = ["cs.AI", "cs.XX"]
    (env_config / "config.json").write_text(json.dumps(data))
    result = cli("doctor", *COMMON)
    assert result.code == 2 and result.one_clear_error()
    assert "cs.XX" in result.text
