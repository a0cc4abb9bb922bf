"""Configuration: the typed model, the loader and the resolved profiles."""

from arxivbot.config.loader import LoadedConfig, load_config, parse_config
from arxivbot.config.model import (
    AiSummaryConfig,
    AuthorsConfig,
    CatchUpConfig,
    Config,
    CustomRulesConfig,
    JudgeConfig,
    NotifyConfig,
    NotifyTarget,
    OutputConfig,
    ProfileConfig,
    SemanticConfig,
    ServerConfig,
    SourcesConfig,
    StoreConfig,
    WeightsConfig,
)
from arxivbot.config.profiles import DEFAULT_PROFILE, Profile, fetch_categories, resolve_profiles

__all__ = [
    "DEFAULT_PROFILE",
    "AiSummaryConfig",
    "AuthorsConfig",
    "CatchUpConfig",
    "Config",
    "CustomRulesConfig",
    "JudgeConfig",
    "LoadedConfig",
    "NotifyConfig",
    "NotifyTarget",
    "OutputConfig",
    "Profile",
    "ProfileConfig",
    "SemanticConfig",
    "ServerConfig",
    "SourcesConfig",
    "StoreConfig",
    "WeightsConfig",
    "fetch_categories",
    "load_config",
    "parse_config",
    "resolve_profiles",
]
