"""A month of daily `arxivbot run`s: CPU per run as history grows, re-runs' LLM calls, and a
cold run's wall time against the polite floor. Every figure is of one child process alone.

    python bench/bench_days.py [--days 30] [--latency 1.0] [--no-cold]

The recorded June 2026 feeds (whole days, ``../shared/fixtures``) and an OpenAI-compatible
stand-in (tests/support/llm_server.py) run on loopback in this process; each `arxivbot run`
is a child process started as a user or GitHub Actions would. The child reports its own
CPU (user + system) and its own peak RSS (``VmHWM`` of its address space, which starts at
exec: ``ru_maxrss`` would carry the parent's high-water mark into a vfork'ed child).

1. **CPU as history grows.** One run per calendar day, June 1 to June ``--days`` (weekends
   and the empty Monday are "no announcement" runs). Day sizes differ (9 to 496 items), so
   the growth figure compares *the same announcement*: the last day run on a fresh store
   (day 1: history of one day) against the same day run after all the earlier ones (day 30:
   the whole month in the feeds and site), and once more on a copy of that store with the
   stored summary HTML deleted (what every run paid before it was stored).
2. **Re-runs.** The last day again (the feed answers 304): 0 LLM calls; and the second day
   with ``--date`` (an old day re-processed): it ranks the same, so it pays only for papers
   replaced by a newer version since (printed beside it).
3. **Cold run against the polite floor.** The bundled config as its users have it (file
   mode: each PDF downloaded under arXiv's 3 s etiquette, then uploaded), ``--latency``
   seconds per LLM call, 15 summaries, fresh store. Floor = 15 x 3 s + one LLM latency.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support.arxiv_server import RECORDED_DAYS, ArxivServer  # noqa: E402
from support.fixtures import _shared_candidates  # noqa: E402
from support.httpserver import Reply, Request  # noqa: E402
from support.llm_server import FakeLlm  # noqa: E402

MULTI = "cs.AI+cs.CL+cs.DC+cs.LG"

# The child reports its own CPU and the peak RSS of its own address space when it exits.
_CHILD = "\n".join(
    [
        "import atexit, resource, sys",
        "def _report():",
        "    use = resource.getrusage(resource.RUSAGE_SELF)",
        "    status = open('/proc/self/status').read().split('VmHWM:')[1].split()[0]",
        "    sys.stderr.write('BENCH %f %d\\n' % (use.ru_utime + use.ru_stime, int(status)))",
        "atexit.register(_report)",
        "sys.argv = ['arxivbot', 'run', '--config', 'config.json', '--db', 'db.sqlite3',"
        " '--output', 'out', '-q', *sys.argv[1:]]",
        "try:",
        "    from arxivbot.cli.main import main",
        "except ImportError:  # before the CLI became a package",
        "    from arxivbot.cli import main",
        "main()",
    ]
)


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    peak_mib: float
    llm_calls: int
    code: int


def _shared() -> Path:
    _candidates, found = _shared_candidates()
    if found is None:
        print("skipped: the recorded set ../shared/fixtures (or $ARXIVBOT_FIXTURES) is absent")
        raise SystemExit(0)
    return found


def _config(folder: Path, llm: FakeLlm, fixtures: Path, *, cold: bool) -> dict[str, object]:
    """The original's config.json; the month uses abstract mode with no politeness so the
    CPU figures are the run's own work, the cold run keeps the bundled etiquette."""
    data = json.loads((fixtures / "seed-config.json").read_text())
    shutil.copy(fixtures / "ai_summary_prompt.txt", folder / "ai_summary_prompt.txt")
    mode = "file" if cold else "abstract"
    data["ai_summary"].update(base_url=llm.base_url, mode=mode)
    data["catch_up"] = {"enabled": False}  # every day is run in turn: nothing to catch up
    if not cold:
        data["sources"] = {"min_interval_seconds": 0}
    (folder / "config.json").write_text(json.dumps(data))
    return data


def _env(arxiv: ArxivServer) -> dict[str, str]:
    return {
        **os.environ,
        "DASHSCOPE_API_KEY": "sk-bench",
        "ARXIVBOT_RSS_BASE": arxiv.url,
        "ARXIVBOT_ARXIV_BASE": arxiv.url,
        "ARXIVBOT_API_BASE": arxiv.url,
    }


def _run(folder: Path, env: dict[str, str], llm: FakeLlm, *args: str) -> Run:
    latency = llm.latency
    llm.reset()
    llm.latency = latency
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    reports = [line.split() for line in done.stderr.splitlines() if line.startswith("BENCH ")]
    if done.returncode not in (0, 5) or not reports:
        print(done.stdout[-2000:], done.stderr[-2000:], file=sys.stderr)
    cpu, peak_kib = (float(reports[-1][1]), int(reports[-1][2])) if reports else (0.0, 0)
    return Run(wall, cpu, peak_kib / 1024, llm.chat_calls, done.returncode)


def _items(fixtures: Path, day: str) -> int:
    path = fixtures / "arxiv-feeds" / day / "rss" / f"{MULTI}.xml"
    return path.read_bytes().count(b"<item>") if path.is_file() else 0


def _row(label: str, items: int | str, run: Run) -> str:
    return (
        f"{label:<40}{items:>6}{run.cpu:>8.2f}{run.wall:>8.2f}{run.peak_mib:>9.0f}"
        f"{run.llm_calls:>6}{run.code:>6}"
    )


HEADER = f"{'run':<40}{'items':>6}{'CPU s':>8}{'wall s':>8}{'peak MiB':>9}{'LLM':>6}{'exit':>6}"


def month(fixtures: Path, days: list[str]) -> None:
    last, second = days[-1], next(d for d in days[1:] if _items(fixtures, d))
    print(f"\n1. a month of daily runs, {days[0]} .. {last} ({len(days)} calendar days)")
    print(
        "   config: seed-config.json (4 categories, 35 keywords, max_papers 30, 15 summaries,"
        " 3 workers), mode abstract, LLM stand-in latency 0, min_interval 0, catch-up off,"
        " output.feed_days 30 (default), site on"
    )
    root = Path(tempfile.mkdtemp(prefix="arxivbot-days-"))
    try:
        with ArxivServer(day=days[0], fixtures=fixtures) as arxiv, FakeLlm() as llm:
            env = _env(arxiv)
            fresh, grown = root / "fresh", root / "grown"
            for folder in (fresh, grown):
                folder.mkdir()
                _config(folder, llm, fixtures, cold=False)
            print(HEADER)
            arxiv.set_day(last)
            day1 = _run(fresh, env, llm)
            print(_row(f"{last} on a fresh store (day 1)", _items(fixtures, last), day1))
            for day in days:
                arxiv.set_day(day)
                if day == last:
                    # the same store twice for the last day: with and without stored HTML
                    bare = root / "bare"
                    shutil.copytree(grown, bare)
                    with sqlite3.connect(bare / "db.sqlite3") as conn:
                        conn.execute("DELETE FROM rendered_summaries")
                result = _run(grown, env, llm)
                label = f"{day} (day {len(days)})" if day == last else day
                print(_row(label, _items(fixtures, day), result))
            unstored = _run(bare, env, llm)
            print(_row(f"{last}, stored HTML deleted first", _items(fixtures, last), unstored))
            rerun = _run(grown, env, llm)
            print(_row(f"re-run {last} (feed answers 304)", "", rerun))
            replaced = _replaced_since(grown / "db.sqlite3", second)
            old_day = _run(grown, env, llm, "--date", second)
            print(_row(f"re-run --date {second}", "", old_day))
            growth = result.cpu / day1.cpu - 1 if day1.cpu else 0.0
            print(
                f"CPU of the same announcement ({last}), day {len(days)} vs day 1: "
                f"{result.cpu:.2f} s vs {day1.cpu:.2f} s ({growth:+.0%}); "
                f"without stored HTML {unstored.cpu:.2f} s "
                f"({unstored.cpu / day1.cpu - 1:+.0%})"
            )
            print(
                f"re-runs' LLM calls: {rerun.llm_calls} (304) and {old_day.llm_calls} (--date "
                f"{second}; {replaced} of its 15 summarised papers have a newer version since, "
                "a new summary key)"
            )
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _replaced_since(db: Path, day: str) -> int:
    """How many of ``day``'s top 15 have been replaced by a newer version since."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT r.version, p.version FROM rankings AS r JOIN papers AS p USING (arxiv_id) "
            "WHERE r.announced_on = ? ORDER BY r.rank LIMIT 15",
            (day,),
        ).fetchall()
    return sum(1 for ranked, now in rows if now != ranked)


def _any_pdf(fixtures: Path) -> Reply:
    body = (fixtures / "pdf" / "1706.03762v5.pdf").read_bytes()
    return Reply(200, body, {"Content-Type": "application/pdf"})


def cold(fixtures: Path, latency: float, day: str = "2026-06-02") -> None:
    folder = Path(tempfile.mkdtemp(prefix="arxivbot-cold-"))
    try:
        with ArxivServer(day=day, fixtures=fixtures) as arxiv, FakeLlm(latency=latency) as llm:
            pdf = _any_pdf(fixtures)

            def serve_pdf(_request: Request) -> Reply:
                return pdf  # the recorded set holds five PDFs; every paper gets a real one

            arxiv.route("/pdf/", serve_pdf)
            data = _config(folder, llm, fixtures, cold=True)
            summaries = int(data["ai_summary"]["max_papers_to_summarize"])  # type: ignore[index]
            interval = 3.0  # sources.min_interval_seconds default: arXiv's etiquette
            print(f"\n3. cold run of {day} ({_items(fixtures, day)} items), fresh store")
            print(
                f"   config: seed-config.json as is (file mode: PDF download + upload), "
                f"{summaries} summaries, 3 workers, min_interval {interval:g} s, "
                f"LLM latency {latency:g} s"
            )
            print(HEADER)
            result = _run(folder, _env(arxiv), llm)
            print(_row("cold run (file mode)", _items(fixtures, day), result))
            floor = summaries * interval + latency
            print(
                f"polite floor {summaries} x {interval:g} s + {latency:g} s = {floor:.1f} s; "
                f"measured {result.wall:.1f} s = {result.wall / floor:.2f} x the floor"
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30, help="calendar days of June 2026 to run")
    parser.add_argument("--latency", type=float, default=1.0, help="LLM seconds per call (cold)")
    parser.add_argument("--no-cold", action="store_true", help="skip the cold run (~1 min)")
    args = parser.parse_args()
    fixtures = _shared()
    print(f"arxivbot, recorded arXiv from {fixtures}; {os.cpu_count()} cores; one child per run")
    month(fixtures, list(RECORDED_DAYS[: max(2, min(args.days, len(RECORDED_DAYS)))]))
    if not args.no_cold:
        cold(fixtures, args.latency)
    print(
        "\noriginal bot: its code is not available here (../shared/fixtures holds its config"
        " and prompt only), so no figure is claimed for it. From seed-config.json: it keeps"
        " no store, so every run, a re-run too, refetches the feed and pays all "
        "max_papers_to_summarize = 15 LLM calls again."
    )


if __name__ == "__main__":
    main()
