"""``arxivbot init``: a commented starter config (TOML, or the original's JSON layout)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from arxivbot.categories import CATEGORY_NAMES
from arxivbot.config import parse_config
from arxivbot.errors import ConfigError
from arxivbot.fsutil import atomic_write_text


@dataclass(frozen=True)
class Provider:
    name: str
    base_url: str
    api_key_env: str
    model: str
    note: str


PROVIDERS: dict[str, Provider] = {
    p.name: p
    for p in (
        Provider("openai", "https://api.openai.com/v1", "OPENAI_API_KEY", "gpt-4o-mini", "OpenAI"),
        Provider(
            "dashscope",
            "https://dashscope.aliyuncs.com/compatible-mode/v1",
            "DASHSCOPE_API_KEY",
            "qwen-long",
            "Alibaba DashScope (reads the whole PDF, as the original bot did)",
        ),
        Provider(
            "deepseek",
            "https://api.deepseek.com/v1",
            "DEEPSEEK_API_KEY",
            "deepseek-chat",
            "DeepSeek",
        ),
        Provider(
            "ollama", "http://localhost:11434/v1", "OLLAMA_API_KEY", "llama3.1", "local Ollama"
        ),
        Provider(
            "vllm",
            "http://localhost:8000/v1",
            "VLLM_API_KEY",
            "Qwen/Qwen2.5-7B-Instruct",
            "local vLLM",
        ),
        Provider("none", "https://api.openai.com/v1", "OPENAI_API_KEY", "gpt-4o-mini", "no LLM"),
    )
}


@dataclass(frozen=True)
class StarterOptions:
    categories: Sequence[str] = ("cs.AI", "cs.CL", "cs.LG")
    keywords: Sequence[str] = ("large language model", "LLM", "inference")
    query: str | None = None
    provider: str = "none"
    output: str = "output"
    language: str = "en"
    extra: dict[str, str] = field(default_factory=dict)


def starter_config(options: StarterOptions, fmt: str = "toml") -> str:
    """The text of a starter config; validated before it is returned."""
    provider = PROVIDERS.get(options.provider)
    if provider is None:
        raise ConfigError(
            f"unknown provider {options.provider!r}",
            key="provider",
            hint=f"choose one of: {', '.join(PROVIDERS)}",
        )
    text = _toml(options, provider) if fmt == "toml" else _json(options, provider)
    _validate(text, fmt)
    return text


def write_starter(path: Path, options: StarterOptions, *, overwrite: bool = False) -> Path:
    if path.exists() and not overwrite:
        raise ConfigError(f"{path} already exists", hint="pass --force to replace it")
    fmt = "json" if path.suffix == ".json" else "toml"
    return atomic_write_text(path, starter_config(options, fmt))


def _toml_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in values) + "]"


def _toml(options: StarterOptions, provider: Provider) -> str:
    names = "\n".join(f"#   {c:<10} {CATEGORY_NAMES.get(c, '')}" for c in options.categories)
    query = (
        json.dumps(options.query)
        if options.query
        else '""  # e.g. "ti:\\"speculative decoding\\"^3 OR au:\\"Tri Dao\\""'
    )
    return f"""# arxivbot configuration — see docs/configuration.md for every key.
# Secrets never go here: the API key is read from the environment variable named below.

# arXiv categories to follow (one feed request for all of them):
{names}
categories = {_toml_list(options.categories)}

# Papers matching any keyword (whole words/phrases; plurals tolerated; acronyms like RL as tokens).
keywords = {_toml_list(options.keywords)}
exclude_keywords = ["survey", "tutorial"]
# Optional query language (AND/OR/NOT, "phrases", ti:/abs:/au:/cat:, quantiz*, term^2):
query = {query}

max_papers = 30       # papers kept per day
min_score = 1.0       # minimum score to keep a paper
days_back = 7         # a paper shown in the last N days is not shown again

[ai_summary]
enabled = {"false" if provider.name == "none" else "true"}
# {provider.note}
base_url = "{provider.base_url}"
api_key_env = "{provider.api_key_env}"
model = "{provider.model}"
language = "{options.language}"
max_papers_to_summarize = 10
max_workers = 3
offline_fallback = true   # without a key, show an extractive summary (clearly labelled)

[output]
dir = "{options.output}"
site = true

[store]
path = "data/arxivbot.sqlite3"
retention_days = 90
"""


def _json(options: StarterOptions, provider: Provider) -> str:
    data = {
        "categories": list(options.categories),
        "keywords": list(options.keywords),
        "exclude_keywords": ["survey", "tutorial"],
        "max_papers": 30,
        "days_back": 7,
        "min_score": 1.0,
        "ai_summary": {
            "enabled": provider.name != "none",
            "api_key_env": provider.api_key_env,
            "base_url": provider.base_url,
            "model": provider.model,
            "max_papers_to_summarize": 10,
            "max_workers": 3,
        },
        "output": {"dir": options.output},
    }
    if options.query:
        data["query"] = options.query
    return json.dumps(data, indent=4, ensure_ascii=False) + "\n"


def _validate(text: str, fmt: str) -> None:
    import tomllib

    parse_config(tomllib.loads(text) if fmt == "toml" else json.loads(text))
