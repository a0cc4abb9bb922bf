"""`arxivbot init`: non-interactive from flags, interactive through prompts."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from cli_helpers import cli

from arxivbot.config import load_config


@pytest.fixture(autouse=True)
def _here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_non_interactive_flags_write_a_valid_commented_toml(tmp_path: Path) -> None:
    result = cli(
        "init",
        "--non-interactive",
        "--categories",
        "cs.CL, cs.LG",
        "--keywords",
        "speculative decoding,KV cache",
        "--provider",
        "deepseek",
        "--language",
        "zh",
        "--output",
        "site",
    )
    assert result.code == 0, result.text
    assert "wrote config.toml" in result.text and "arxivbot run --config config.toml" in result.text
    text = (tmp_path / "config.toml").read_text()
    assert text.startswith("# arxivbot configuration")
    assert "cs.CL      Computation and Language" in text  # categories explained by name
    loaded = load_config(tmp_path / "config.toml")
    assert loaded.warnings == ()
    config = loaded.config
    assert config.categories == ["cs.CL", "cs.LG"]
    assert config.keywords == ["speculative decoding", "KV cache"]
    assert config.ai_summary.enabled and config.ai_summary.api_key_env == "DEEPSEEK_API_KEY"
    assert config.ai_summary.base_url == "https://api.deepseek.com/v1"
    assert config.output.dir == "site"
    assert tomllib.loads(text)["ai_summary"]["language"] == "zh"


def test_defaults_without_flags_when_stdin_is_not_a_terminal(tmp_path: Path) -> None:
    result = cli("init")  # CliRunner's stdin is not a tty: no questions asked
    assert result.code == 0, result.text
    config = load_config(tmp_path / "config.toml").config
    assert config.categories == ["cs.AI", "cs.CL", "cs.LG"]
    assert not config.ai_summary.enabled  # provider "none"


def test_json_path_writes_the_original_layout(tmp_path: Path) -> None:
    result = cli("init", "--non-interactive", "--path", "config.json", "--query", "ti:agent*")
    assert result.code == 0, result.text
    data = json.loads((tmp_path / "config.json").read_text())
    assert {"categories", "keywords", "max_papers", "ai_summary"} <= set(data)
    loaded = load_config(tmp_path / "config.json")
    assert loaded.warnings == () and loaded.config.query == "ti:agent*"


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("# mine\n")
    result = cli("init", "--non-interactive")
    assert result.code == 2
    assert "already exists" in result.text and "--force" in result.text
    assert result.one_clear_error()
    assert (tmp_path / "config.toml").read_text() == "# mine\n"
    assert cli("init", "--non-interactive", "--force").code == 0
    assert load_config(tmp_path / "config.toml").config.categories


def test_existing_file_is_reported_before_any_question(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("# mine\n")
    result = cli("init", "--interactive", input="")
    assert result.code == 2 and "Categories" not in result.text


def test_bad_provider_is_a_usage_error(tmp_path: Path) -> None:
    result = cli("init", "--non-interactive", "--provider", "gpt5")
    assert result.code == 2
    assert "gpt5" in result.text and "openai" in result.text  # names the choices
    assert not (tmp_path / "config.toml").exists()


def test_blank_categories_fall_back_to_defaults(tmp_path: Path) -> None:
    result = cli("init", "--non-interactive", "--categories", " , ")
    assert result.code == 0  # empty list falls back to the defaults
    assert load_config(tmp_path / "config.toml").config.categories == ["cs.AI", "cs.CL", "cs.LG"]


def test_interactive_answers_through_prompts(tmp_path: Path) -> None:
    answers = "\n".join(["cs.DC,cs.LG", "MoE, FP8 training", "ollama", "en", "public", ""])
    result = cli("init", "--interactive", input=answers)
    assert result.code == 0, result.text
    for prompt in ("Categories", "Keywords or phrases", "LLM provider", "Output folder"):
        assert prompt in result.text
    assert "dashscope" in result.text and "http://localhost:11434/v1" in result.text  # presets
    assert "cs.DC (Distributed" in result.text  # category names shown
    loaded = load_config(tmp_path / "config.toml")
    assert loaded.warnings == ()
    config = loaded.config
    assert config.categories == ["cs.DC", "cs.LG"]
    assert config.keywords == ["MoE", "FP8 training"]
    assert config.ai_summary.base_url == "http://localhost:11434/v1"
    assert config.output.dir == "public"


def test_interactive_defaults_on_empty_answers(tmp_path: Path) -> None:
    result = cli("init", "--interactive", input="\n" * 6)
    assert result.code == 0, result.text
    config = load_config(tmp_path / "config.toml").config
    assert config.categories == ["cs.AI", "cs.CL", "cs.LG"] and not config.ai_summary.enabled


def test_interactive_rejects_an_unknown_provider_and_asks_again(tmp_path: Path) -> None:
    answers = "\n".join(["cs.AI", "agents", "gpt5", "openai", "en", "out", ""])
    result = cli("init", "--interactive", input=answers)
    assert result.code == 0, result.text
    assert "gpt5" in result.text  # click says it is not one of the choices, then re-asks
    assert load_config(tmp_path / "config.toml").config.ai_summary.api_key_env == "OPENAI_API_KEY"


def test_flags_skip_their_questions(tmp_path: Path) -> None:
    result = cli(
        "init",
        "--interactive",
        "--categories",
        "cs.CV",
        "--provider",
        "none",
        input="vision transformer\nen\nout\n",
    )
    assert result.code == 0, result.text
    assert "Categories" not in result.text and "LLM provider" not in result.text
    assert load_config(tmp_path / "config.toml").config.categories == ["cs.CV"]


def test_interactive_and_non_interactive_conflict() -> None:
    result = cli("init", "--interactive", "--non-interactive")
    assert result.code == 2 and "either" in result.text
