"""``arxivbot demo``: the whole product on a sample announcement day, offline, in seconds.

A newcomer without network or an API key sees what arxivbot makes before configuring
anything: a recorded arXiv announcement (2026-06-02, a sample of cs.AI/cs.CL/cs.DC/cs.LG,
packaged with arxivbot; arXiv metadata is CC0) goes through the real pipeline — store,
rank, summaries (extractive offline stand-ins, never an LLM call), README, feeds and site —
into a folder of its own. Nothing is fetched: the day is stored before the run, and the run
re-processes that stored day with catch-up and notifications off.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from datetime import UTC, datetime, time
from importlib import resources
from pathlib import Path

from arxivbot.app.context import RunOptions
from arxivbot.app.ingest import store_listing
from arxivbot.app.run import run_pipeline
from arxivbot.clock import fixed_clock
from arxivbot.config import LoadedConfig, parse_config
from arxivbot.errors import ConfigError
from arxivbot.models import RunReport
from arxivbot.progress import ProgressSink, silent
from arxivbot.sources.rss import parse_feed
from arxivbot.store import open_store

SAMPLE = "data/demo/2026-06-02.rss.xml.gz"
SAMPLE_URL = "https://rss.arxiv.org/rss/cs.AI+cs.CL+cs.DC+cs.LG"
# The demo never calls an LLM, whatever keys the environment holds: it names a variable
# nobody sets, and the offline fallback stands in.
NO_KEY_ENV = "ARXIVBOT_DEMO_HAS_NO_LLM_KEY"
DEMO_KEYWORDS = (
    "LLM",
    "inference",
    "speculative decoding",
    "quantization",
    "KV cache",
    "mixture of experts",
    "distributed training",
    "serving",
    "throughput",
    "agent",
)


@dataclass(frozen=True)
class DemoResult:
    folder: Path
    output_dir: Path
    report: RunReport

    @property
    def site_index(self) -> Path:
        return self.output_dir / "index.html"


def demo_config(folder: Path) -> LoadedConfig:
    """The demo's configuration: an ML-systems reader, offline summaries, nothing sent."""
    raw = {
        "categories": ["cs.AI", "cs.CL", "cs.DC", "cs.LG"],
        "keywords": list(DEMO_KEYWORDS),
        "exclude_keywords": ["survey"],
        "max_papers": 20,
        "ai_summary": {
            "enabled": True,
            "api_key_env": NO_KEY_ENV,
            "offline_fallback": True,
            "max_papers_to_summarize": 10,
            "language": "en",
        },
        "store": {"path": str(folder / "arxivbot.sqlite3")},
        "output": {"dir": str(folder / "output"), "site_title": "arxivbot demo"},
        "catch_up": {"enabled": False},
        # Unroutable on purpose: the run re-processes a stored day and fetches nothing.
        "sources": {"rss_base": "http://127.0.0.1:9", "max_retries": 0},
    }
    return LoadedConfig(parse_config(raw), None, ())


def run_demo(folder: Path, *, progress: ProgressSink = silent) -> DemoResult:
    """Build the demo digest in ``folder`` (created; an earlier demo there is replaced)."""
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"{folder} is a file", hint="choose a folder for the demo")
    folder = folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    loaded = demo_config(folder)
    body = gzip.decompress(resources.files("arxivbot").joinpath(SAMPLE).read_bytes())
    listing = parse_feed(body, SAMPLE_URL)
    day = listing.announced_on
    assert day is not None  # the packaged sample is an announcement day
    db_path = Path(loaded.config.store.path)
    output_dir = Path(loaded.config.output.dir)
    with open_store(db_path) as store:
        store_listing(store, listing, loaded.config)
    # The clock stands at that morning, so the digest reads as it did on the day.
    clock = fixed_clock(datetime.combine(day, time(6, 0), tzinfo=UTC))
    options = RunOptions(db_path, output_dir, day=day, notify=False, catch_up=False)
    report = run_pipeline(loaded, options, clock=clock, progress=progress)
    return DemoResult(folder, output_dir, report)
