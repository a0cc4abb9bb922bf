from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from arxivbot.cli.main import main
from support.arxiv_server import ArxivServer
from support.fixtures import fixtures_dir

COMMON = ["--config", "config.json", "--db", "db.sqlite3", "--output", "out"]


@dataclass(frozen=True)
class Result:
    code: int
    out: str  # stdout
    err: str  # stderr
    text: str  # both, with rich's line wrapping undone

    def one_clear_error(self) -> bool:
        """Exactly one "error:" line on stderr and no traceback anywhere."""
        lines = [line for line in self.err.splitlines() if line.strip()]
        return (
            len([line for line in lines if line.startswith("error:")]) == 1
            and "Traceback" not in self.out + self.err
        )


def cli(*args: str, input: str | None = None) -> Result:
    # Wide enough that rich never wraps a line: assertions can look at whole lines.
    result = CliRunner(env={"COLUMNS": "400"}).invoke(main, list(args), input=input)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    both = result.output  # stdout and stderr interleaved
    return Result(result.exit_code, result.stdout, result.stderr, " ".join(both.split()))


def write_config(path: Path, arxiv: ArxivServer, **changes: object) -> None:
    data = json.loads((fixtures_dir() / "seed-config.json").read_text())
    data["sources"] = {
        "rss_base": arxiv.url,
        "arxiv_base": arxiv.url,
        "api_base": arxiv.url,
        "oai_base": arxiv.url,
        "min_interval_seconds": 0,
        "max_retries": 1,
    }
    data.update(changes)
    path.write_text(json.dumps(data))
    shutil.copy(fixtures_dir() / "ai_summary_prompt.txt", path.parent / "ai_summary_prompt.txt")
