"""Load a config file (the original ``config.json``, or TOML) into a validated :class:`Config`.

Errors name the key and what was expected; unknown keys become warnings naming them.
Relative paths inside the file resolve against the file's folder. Environment variables
override the source base URLs and the database path (so a mirror, a stand-in server or a
CI cache location needs no config edit).
"""

from __future__ import annotations

import difflib
import json
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from arxivbot.config.model import Config
from arxivbot.config.secrets import literal_secrets
from arxivbot.errors import ConfigError

ENV_OVERRIDES: dict[str, tuple[str, str]] = {
    "ARXIVBOT_RSS_BASE": ("sources", "rss_base"),
    "ARXIVBOT_ARXIV_BASE": ("sources", "arxiv_base"),
    "ARXIVBOT_API_BASE": ("sources", "api_base"),
    "ARXIVBOT_OAI_BASE": ("sources", "oai_base"),
    "ARXIVBOT_LLM_BASE": ("ai_summary", "base_url"),
    "ARXIVBOT_DB": ("store", "path"),
    "ARXIVBOT_DB_URL": ("store", "url"),
    "ARXIVBOT_OUTPUT": ("output", "dir"),
}


@dataclass(frozen=True)
class LoadedConfig:
    config: Config
    path: Path | None
    warnings: tuple[str, ...]

    @property
    def base_dir(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    def resolve(self, relative: str) -> Path:
        """A path from the config, resolved against the config file's folder."""
        candidate = Path(relative).expanduser()
        return candidate if candidate.is_absolute() else self.base_dir / candidate


def load_config(path: str | Path | None, environ: Mapping[str, str] | None = None) -> LoadedConfig:
    """Read, validate and apply environment overrides. ``path=None`` gives the defaults."""
    env = os.environ if environ is None else environ
    raw: dict[str, Any] = {} if path is None else _read(Path(path))
    config = parse_config(raw)
    literal = literal_secrets(config)  # the file's own values: the environment may hold secrets
    config = _apply_env(config, env)
    warnings = unknown_keys(config) + literal
    loaded = LoadedConfig(config, Path(path).resolve() if path else None, warnings)
    _check_files(loaded)
    return loaded


def _check_files(loaded: LoadedConfig) -> None:
    """Files the config names must exist: say so now, not after fetching and ranking."""
    config = loaded.config
    named = [("output.readme_template", config.output.readme_template)]
    if config.ai_summary.enabled:
        named.append(("ai_summary.prompt_file", config.ai_summary.prompt_file))
    for key, value in named:
        if value and not loaded.resolve(value).is_file():
            raise ConfigError(
                f"config key '{key}': file not found: {loaded.resolve(value)}",
                key=key,
                hint="create the file, fix its path (relative to the config) or remove the key",
            )


def parse_config(raw: Mapping[str, Any]) -> Config:
    try:
        return Config.model_validate(raw)
    except ValidationError as exc:
        raise _config_error(exc) from None


MAX_CONFIG_BYTES = 1_000_000  # far above any real config, far below what could hurt


def _read(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise ConfigError(
            f"config file not found: {path}",
            hint="create one with 'arxivbot init' or pass --config PATH",
        )
    if path.stat().st_size > MAX_CONFIG_BYTES:
        raise ConfigError(
            f"{path.name} is {path.stat().st_size:,} bytes; a configuration is a few KB",
            hint="check the file is the one you meant (--config PATH)",
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path.name} is not UTF-8 text (bad byte at offset {exc.start})",
            hint="save the file as UTF-8",
        ) from None
    try:
        data: Any = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"{path.name} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
            hint="fix the syntax (a trailing comma or a missing quote is the usual cause)",
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path.name} is not valid TOML: {exc}") from None
    except RecursionError:  # the parsers recurse once per level of nesting
        raise ConfigError(
            f"{path.name} is nested too deeply to be a configuration",
            hint="a config has a few levels of sections; check the file is the one you meant",
        ) from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path.name} must hold an object of settings, not {type(data).__name__}")
    return data


def _config_error(exc: ValidationError) -> ConfigError:
    first = exc.errors()[0]
    key = ".".join(str(part) for part in first["loc"]) or "(top level)"
    got = first.get("input")
    shown = json.dumps(got, ensure_ascii=False, default=str)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    more = f" (and {exc.error_count() - 1} more problem(s))" if exc.error_count() > 1 else ""
    message = f"config key '{key}': {first['msg'].removeprefix('Value error, ')}; got {shown}"
    return ConfigError(message + more, key=key, hint=f"fix '{key}' in the config file")


# A misspelling of one of these would silently switch a feature off: refuse it instead.
SWITCH_KEYS = frozenset({"enabled"})


def unknown_keys(model: BaseModel) -> tuple[str, ...]:
    """One warning per key the model does not know, at any depth, with the nearest known key.

    A near miss of a switch (``ai_summary.enable`` for ``enabled``) is a :class:`ConfigError`:
    ignoring it would quietly turn the feature off.
    """
    warnings = []
    for key, suggestion in _unknown(model, ""):
        if suggestion is None:
            warnings.append(f"unknown config key '{key}' is ignored")
            continue
        section = key.rpartition(".")[0]
        meant = f"{section}.{suggestion}" if section else suggestion
        if suggestion in SWITCH_KEYS:
            raise ConfigError(
                f"unknown config key '{key}' (did you mean '{meant}'?)",
                key=key,
                hint=f"rename it to '{meant}'; ignoring it would leave the feature off",
            )
        warnings.append(f"unknown config key '{key}' is ignored (did you mean '{meant}'?)")
    return tuple(warnings)


def _nearest(key: str, model: BaseModel) -> str | None:
    close = difflib.get_close_matches(key, list(type(model).model_fields), n=1, cutoff=0.75)
    return close[0] if close else None


def _unknown(model: BaseModel, prefix: str) -> list[tuple[str, str | None]]:
    found = [(f"{prefix}{key}", _nearest(key, model)) for key in (model.model_extra or {})]
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, dict):
            children: list[tuple[str, object]] = [(f"{name}.{k}", v) for k, v in value.items()]
        elif isinstance(value, list):
            children = [(f"{name}[{i}]", v) for i, v in enumerate(value)]
        else:
            children = [(name, value)]
        for label, child in children:
            if isinstance(child, BaseModel):
                found.extend(_unknown(child, f"{prefix}{label}."))
    return found


def _apply_env(config: Config, env: Mapping[str, str]) -> Config:
    updates: dict[str, dict[str, str]] = {}
    for variable, (section, key) in ENV_OVERRIDES.items():
        value = env.get(variable, "").strip()
        if value:
            updates.setdefault(section, {})[key] = (
                value.rstrip("/") if "BASE" in variable else value
            )
    if not updates:
        return config
    changed = {
        section: getattr(config, section).model_copy(update=values)
        for section, values in updates.items()
    }
    return config.model_copy(update=changed)
