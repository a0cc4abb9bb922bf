"""The config: the original file unchanged, clear errors naming the key, TOML, env, profiles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from arxivbot.config import load_config, parse_config, resolve_profiles
from arxivbot.config.reference import description, fields, render_reference
from arxivbot.errors import ConfigError
from support.fixtures import seed_config_path

REPO = Path(__file__).resolve().parents[2]


def test_original_config_loads_unchanged_without_warnings() -> None:
    loaded = load_config(seed_config_path(), environ={})
    config = loaded.config
    assert loaded.warnings == ()
    assert config.categories == ["cs.AI", "cs.CL", "cs.DC", "cs.LG"]
    assert config.ai_summary.model == "qwen-long" and config.ai_summary.max_workers == 3
    assert config.min_score == 2.5 and config.display_limit == 500
    (profile,) = resolve_profiles(config)
    assert profile.name == "default" and profile.output_subdir == ""


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ({"max_papers": "thirty"}, "max_papers"),
        ({"max_papers": 0}, "max_papers"),
        ({"categories": ["cs AI"]}, "categories"),
        ({"categories": []}, "categories"),
        ({"ai_summary": {"max_workers": "3x"}}, "ai_summary.max_workers"),
        ({"ai_summary": {"mode": "fax"}}, "ai_summary.mode"),
        ({"deduplication_methods": ["md5"]}, "deduplication_methods.0"),
        ({"server": {"timezone": "Mars/Olympus"}}, "server.timezone"),
        ({"profiles": {"bad name!": {}}}, "profiles"),
        ({"enable_deduplication": "maybe"}, "enable_deduplication"),
    ],
)
def test_wrong_value_names_the_key(raw: dict[str, object], key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(raw)
    assert caught.value.key == key
    assert f"'{key}'" in str(caught.value)
    assert caught.value.exit_code == 2


def test_unknown_keys_are_warned_by_dotted_name(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_text(
        json.dumps(
            {
                "keywrods": [],
                "ai_summary": {"modle": "x"},
                "notify": {"targets": [{"name": "a", "url": "json://h", "x": 1}]},
            }
        )
    )
    warnings = load_config(path, environ={}).warnings
    assert any("'keywrods'" in w for w in warnings)
    assert any("'ai_summary.modle'" in w for w in warnings)
    assert any("'notify.targets[0].x'" in w for w in warnings)


@pytest.mark.parametrize(
    ("text", "suffix", "fragment"),
    [
        ('{"max_papers": 3,}', ".json", "not valid JSON"),
        ("max_papers = ", ".toml", "TOML"),
        ("[1, 2]", ".json", "must hold an object"),
        ('{"a":' * 100_000 + "1" + "}" * 100_000, ".json", "nested too deeply"),
        ("a = " + "[" * 100_000 + "]" * 100_000, ".toml", "nested too deeply"),
        ('{"title": "' + "x" * 1_100_000 + '"}', ".json", "a configuration is a few KB"),
    ],
)
def test_malformed_files_give_one_clear_message(
    tmp_path: Path, text: str, suffix: str, fragment: str
) -> None:
    path = tmp_path / f"config{suffix}"
    path.write_text(text)
    with pytest.raises(ConfigError, match=fragment):
        load_config(path, environ={})


def test_missing_file_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="arxivbot init"):
        load_config(tmp_path / "nope.json", environ={})


def test_toml_and_environment_overrides(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('categories = ["cs.DC"]\n[store]\npath = "x.db"\n')
    env = {"ARXIVBOT_RSS_BASE": "http://127.0.0.1:9/", "ARXIVBOT_DB": "/tmp/other.db"}
    loaded = load_config(path, environ=env)
    assert loaded.config.sources.rss_base == "http://127.0.0.1:9"
    assert loaded.config.store.path == "/tmp/other.db"
    assert loaded.resolve("rel/file") == tmp_path / "rel/file"


def test_profiles_inherit_unset_fields() -> None:
    config = parse_config(
        {
            "categories": ["cs.AI"],
            "keywords": ["LLM"],
            "max_papers": 7,
            "profiles": {"systems": {"categories": ["cs.DC"]}, "nlp": {"keywords": ["parsing"]}},
        }
    )
    systems, nlp = resolve_profiles(config)
    assert systems.categories == ("cs.DC",) and systems.keywords == ("LLM",)
    assert nlp.categories == ("cs.AI",) and nlp.keywords == ("parsing",)
    assert systems.max_papers == nlp.max_papers == 7
    assert {systems.output_subdir, nlp.output_subdir} == {"systems", "nlp"}


def test_every_key_is_documented_and_the_reference_is_current() -> None:
    undocumented = [key for key, _t, _d in fields() if not description(key)]
    assert undocumented == [], f"add descriptions in config/reference.py for {undocumented}"
    committed = (REPO / "docs/configuration.md").read_text(encoding="utf-8")
    assert committed == render_reference(), (
        "docs/configuration.md is stale: regenerate with "
        "python -m arxivbot.config.reference > docs/configuration.md"
    )


def test_bundled_config_is_valid() -> None:
    loaded = load_config(REPO / "config.json", environ={})
    assert loaded.warnings == ()
