"""Interactive questions for ``arxivbot init`` (terminal only; flags skip them)."""

from __future__ import annotations

import click

from arxivbot.app.starter import PROVIDERS, StarterOptions
from arxivbot.categories import CATEGORY_NAMES


def _split(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    return tuple(part.strip() for part in text.split(",") if part.strip())


def gather_starter_options(
    interactive: bool,
    *,
    categories: str | None,
    keywords: str | None,
    query: str | None,
    provider: str | None,
    language: str | None,
    output: str | None,
) -> StarterOptions:
    defaults = StarterOptions()
    if interactive:
        if categories is None:
            common = ", ".join(f"{c} ({n})" for c, n in list(CATEGORY_NAMES.items())[:12])
            click.echo(f"Common categories: {common} ...")
            categories = click.prompt("Categories", default=",".join(defaults.categories))
        if keywords is None and query is None:
            keywords = click.prompt("Keywords or phrases", default=",".join(defaults.keywords))
        if provider is None:
            for preset in PROVIDERS.values():
                click.echo(f"  {preset.name:<10} {preset.note} ({preset.base_url})")
            provider = click.prompt(
                "LLM provider", default="none", type=click.Choice(list(PROVIDERS))
            )
        if language is None:
            language = click.prompt("Summary language", default=defaults.language)
        if output is None:
            output = click.prompt("Output folder", default=defaults.output)
    return StarterOptions(
        categories=_split(categories) or defaults.categories,
        keywords=_split(keywords) or defaults.keywords,
        query=query,
        provider=provider or defaults.provider,
        output=output or defaults.output,
        language=language or defaults.language,
    )
