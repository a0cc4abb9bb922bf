from __future__ import annotations

from dataclasses import dataclass

from click.testing import CliRunner

from arxivbot.cli import main

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
