"""``arxivbot mcp``: serve the store to AI assistants (Model Context Protocol)."""

from __future__ import annotations

import click

from arxivbot.cli.context import Context, with_context


@click.command()
@with_context
@click.option("--http", "http", is_flag=True, help="Streamable HTTP instead of stdio.")
@click.option("--host", default="127.0.0.1", show_default=True, help="HTTP bind address.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535))
def mcp(ctx: Context, http: bool, host: str, port: int) -> None:
    """Serve search, papers, digests and like/dislike as MCP tools (stdio or HTTP)."""
    from arxivbot.agent import AgentLibrary
    from arxivbot.agent.server import run_http, run_stdio

    library = AgentLibrary(ctx.loaded, ctx.paths)
    if not http:
        run_stdio(library)  # stdout is the protocol: print nothing
        return
    ctx.console.warn(f"MCP over streamable HTTP at http://{host}:{port}/mcp")
    run_http(library, host, port)
