"""A full offline `arxivbot run` of one recorded day: wall time and peak memory.

    python bench/bench_run.py [--day 2026-06-02] [--latency 0] [--summaries 15]

The recorded arXiv (tests/support/arxiv_server.py) and an OpenAI-compatible stand-in
(tests/support/llm_server.py) run on loopback in this process; `arxivbot run` runs as a
child process exactly as a user or GitHub Actions would start it, and reports the peak RSS
of its own address space (VmHWM), so the figure is the run's alone. Three runs: a fresh
store (everything paid), a re-run of the same day (conditional GET answers 304, zero LLM
calls), and a weekend (no announcement). Whole recorded days come from ../shared/fixtures
when it is there, else the compact sample in tests/data/recorded.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support.arxiv_server import ArxivServer  # noqa: E402
from support.fixtures import _shared_candidates, fixtures_dir  # noqa: E402
from support.llm_server import FakeLlm  # noqa: E402


def _config(folder: Path, llm: FakeLlm, summaries: int) -> Path:
    data = json.loads((fixtures_dir() / "seed-config.json").read_text())
    data["ai_summary"].update(
        base_url=llm.base_url,
        prompt_file=None,
        mode="abstract",
        max_papers_to_summarize=summaries,
    )
    data["sources"] = {"min_interval_seconds": 0}
    path = folder / "config.json"
    path.write_text(json.dumps(data))
    return path


# The child reports the peak RSS of its own address space (VmHWM, which starts at exec) at
# exit. ru_maxrss would not do: a vfork'ed child carries the parent's high-water mark.
_CHILD = "\n".join(
    [
        "import atexit, sys",
        "atexit.register(lambda: sys.stderr.write('MAXRSS %s\\n' % "
        "open('/proc/self/status').read().split('VmHWM:')[1].split()[0]))",
        "sys.argv = ['arxivbot', 'run', '--config', 'config.json', '--db', 'db.sqlite3',"
        " '--output', 'out', '-q']",
        "try:",
        "    from arxivbot.cli.main import main",
        "except ImportError:  # before the CLI became a package",
        "    from arxivbot.cli import main",
        "main()",
    ]
)


def _run(folder: Path, env: dict[str, str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MiB) of the child, exit code."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    peaks = [int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("MAXRSS")]
    if done.returncode != 0:
        print(done.stdout, done.stderr, file=sys.stderr)
    return wall, (peaks[-1] if peaks else 0) / 1024, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--day", default="2026-06-02")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per LLM call")
    parser.add_argument("--summaries", type=int, default=15)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="arxivbot-bench-"))
    try:
        recorded = _shared_candidates()[1] or fixtures_dir()
        with (
            ArxivServer(day=args.day, fixtures=recorded) as arxiv,
            FakeLlm(latency=args.latency) as llm,
        ):
            _config(folder, llm, args.summaries)
            env = {
                **os.environ,
                "DASHSCOPE_API_KEY": "sk-bench",
                "ARXIVBOT_RSS_BASE": arxiv.url,
                "ARXIVBOT_ARXIV_BASE": arxiv.url,
                "ARXIVBOT_API_BASE": arxiv.url,
            }
            print(
                f"day {args.day} from {recorded}, {args.summaries} summaries, mode abstract, "
                f"LLM latency {args.latency} s, min_interval 0"
            )
            print(f"{'run':<28}{'wall s':>8}{'peak MiB':>10}{'LLM calls':>11}{'exit':>6}")
            for label, day in (
                ("first run (fresh store)", args.day),
                ("re-run, same day", args.day),
                ("weekend (no announcement)", "2026-06-06"),
            ):
                arxiv.set_day(day)
                llm.reset()
                wall, peak, code = _run(folder, env)
                print(f"{label:<28}{wall:>8.2f}{peak:>10.0f}{llm.chat_calls:>11}{code:>6}")
            files = sum(1 for p in (folder / "out").rglob("*") if p.is_file())
            size = (folder / "db.sqlite3").stat().st_size / 1024
            print(f"outputs: {files} files; store: {size:.0f} KiB")
            print(
                "original bot: its code is not available here, so no figure is claimed; from "
                "seed-config.json it keeps no store, so every run refetches and pays all "
                f"{args.summaries} summaries again (re-run = first run)."
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
