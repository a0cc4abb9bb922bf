"""Shared checks of the reliability suite: run the CLI, snapshot outputs, audit the store.

Every reliability case asks the same four questions after injecting its fault:

1. did the run finish or stop with a clear message and the right exit code (no traceback)?
2. is the store consistent (``PRAGMA integrity_check`` and ``foreign_key_check``)?
3. are the previous outputs intact (byte-for-byte when nothing new was produced)?
4. does the stored run report (``store.last_run()``) say what happened?
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import feedparser
import lxml.html
import pytest
from click.testing import CliRunner
from lxml import etree

from arxivbot.cli.main import main
from arxivbot.models import RunReport
from arxivbot.store import open_store
from arxivbot.store.runs import report_from_json
from support.arxiv_server import ArxivServer
from support.llm_server import TITLE_RE, FakeLlm

DATA = Path(__file__).resolve().parents[1] / "data" / "reliability"
END_MARKER = "## 📅 Schedule"  # the last section of the original README layout
FEED_FILES = ("rss.xml", "atom.xml")
API_KEY = "sk-rel-test-0123456789abcdef"
SUMMARIES = 15  # max_papers_to_summarize of the seed config
Describe = Callable[..., None]  # the `case` fixture: case(area, fault, expected, lost=...)


@dataclass(frozen=True)
class CliResult:
    code: int
    stdout: str
    stderr: str

    @property
    def text(self) -> str:
        """stdout + stderr with rich's line wrapping undone (messages are matched as text)."""
        return " ".join((self.stdout + " " + self.stderr).split())


def run_cli(*args: str) -> CliResult:
    """``arxivbot ARGS`` in-process; fails the test on any traceback or unexpected exception."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"unhandled {result.exception!r} reached the CLI") from (
            result.exception
        )
    out, err = result.stdout, result.stderr
    assert "Traceback" not in out + err, out + err
    return CliResult(result.exit_code, out, err)


def run_args(world: Path, *extra: str) -> list[str]:
    return [
        "run",
        "--config",
        str(world / "config.json"),
        "--db",
        str(world / "db.sqlite3"),
        "--output",
        str(world / "out"),
        "--no-notify",
        *extra,
    ]


def edit_config(world: Path, **sections: object) -> None:
    """Merge ``sections`` into ``world/config.json`` (dicts are merged one level deep)."""
    path = world / "config.json"
    data = json.loads(path.read_text())
    for key, value in sections.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key].update(value)
        else:
            data[key] = value
    path.write_text(json.dumps(data, ensure_ascii=False))


def copy_world(source: Path, target: Path) -> Path:
    """Copy a finished world (config, prompt, store, outputs) so each case starts from it."""
    target.mkdir(parents=True, exist_ok=True)
    for item in source.iterdir():
        if item.name.endswith(".lock"):
            continue
        if item.is_dir():
            shutil.copytree(item, target / item.name)
        else:
            shutil.copy2(item, target / item.name)
    return target


# -- outputs -----------------------------------------------------------------------------------
def snapshot(out: Path) -> dict[str, bytes]:
    if not out.exists():
        return {}
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def readme_entries(readme: str) -> list[int]:
    """Paper numbers of the README's ``### N.`` entries (summary blocks are the LLM's text)."""
    outside = re.sub(r"^<details>$.*?^</details>$", "", readme, flags=re.M | re.S)
    return [int(n) for n in re.findall(r"^### (\d+)\. ", outside, re.M)]


def assert_full_digest(entries: list[int]) -> None:
    """Entries numbered 1..N with no gap, N a full day's digest (max_papers = 30 caps it)."""
    assert entries == list(range(1, len(entries) + 1)), entries
    assert 15 <= len(entries) <= 30, f"{len(entries)} entries"


def leftover_temp_files(out: Path) -> list[str]:
    return sorted(str(p.relative_to(out)) for p in out.rglob(".*.tmp"))


def check_outputs_parse(out: Path) -> None:
    """Every published file is whole: README ends its layout, feeds and JSON parse."""
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert readme.strip() and END_MARKER in readme, "README.md is cut short"
    entries = readme_entries(readme)
    assert entries == list(range(1, len(entries) + 1)), entries
    assert readme.count("<details>") == readme.count("</details>")
    for name in FEED_FILES:
        path = out / name
        if path.exists():
            parsed = feedparser.parse(path.read_bytes())
            assert not parsed.bozo, (name, parsed.get("bozo_exception"))
            etree.fromstring(path.read_bytes())
    for path in [*out.glob("*.json"), *out.glob("feed*.json")]:
        json.loads(path.read_text(encoding="utf-8"))
    for path in out.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert text.rstrip().endswith("</html>"), f"{path} is cut short"


# -- hostile markup ---------------------------------------------------------------------------
def executable_markup(markup: str) -> list[str]:
    """What could run script in an HTML page: inline or cross-origin <script>, on* handlers,
    javascript:/vbscript:/data:text/html URLs, frames and plugins."""
    found: list[str] = []
    root = lxml.html.fromstring(markup or "<p></p>")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        if tag == "script":
            src = element.get("src", "")
            if not src and (element.text or "").strip():
                found.append("inline script")
            if src and re.match(r"^[a-z][a-z0-9+.-]*:|^//", src.strip(), re.I):
                found.append(f"cross-origin script {src}")
        if tag in {"iframe", "object", "embed", "frame"}:
            found.append(tag)
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                found.append(f"<{tag} {name}>")
            squeezed = "".join(value.split()).lower()
            if name.lower() in {"href", "src", "action", "formaction", "xlink:href"} and (
                squeezed.startswith(("javascript:", "vbscript:", "data:text/html"))
            ):
                found.append(f"<{tag} {name}={value}>")
    return found


def feed_html_fragments(path: Path) -> Iterable[str]:
    """The HTML carried by a feed's items (descriptions, content, summaries)."""
    parsed = feedparser.parse(path.read_bytes(), sanitize_html=False, resolve_relative_uris=False)
    for entry in parsed.entries:
        yield entry.get("summary", "")
        for content in entry.get("content", []):
            yield content.get("value", "")


# -- store --------------------------------------------------------------------------------------
def check_store(db: Path) -> None:
    connection = sqlite3.connect(db)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        connection.close()


def last_report(db: Path) -> RunReport:
    with open_store(db) as store:
        record = store.last_run()
    assert record is not None, "no run recorded"
    assert record.report_json, f"run {record.run_id} has no report (status {record.status})"
    return report_from_json(record.report_json)


def report_text(report: RunReport) -> str:
    parts = [*report.notes, *(f"{i.stage} {i.subject} {i.message}" for i in report.issues)]
    return "\n".join(parts)


def stored_summary_ids(db: Path) -> set[str]:
    connection = sqlite3.connect(db)
    try:
        return {row[0] for row in connection.execute("SELECT arxiv_id FROM summaries")}
    finally:
        connection.close()


def requested_titles(llm: FakeLlm) -> Counter[str]:
    """How often each paper was asked for since the log was cleared (answered or not)."""
    counts: Counter[str] = Counter()
    for request in llm.server.requests():
        if not request.path.endswith("/chat/completions"):
            continue
        user = str(json.loads(request.body)["messages"][-1]["content"])
        match = TITLE_RE.search(user)
        counts[" ".join(match.group(1).split()) if match else "?"] += 1
    return counts


def stored_titles(db: Path) -> set[str]:
    """Titles (whitespace-normalised) of the papers with a stored summary."""
    connection = sqlite3.connect(db)
    try:
        rows = connection.execute(
            "SELECT p.title FROM summaries s JOIN papers p ON p.arxiv_id = s.arxiv_id"
        ).fetchall()
    finally:
        connection.close()
    return {" ".join(row[0].split()) for row in rows}


BASE_ENV = ("ARXIVBOT_RSS_BASE", "ARXIVBOT_ARXIV_BASE", "ARXIVBOT_API_BASE", "ARXIVBOT_OAI_BASE")
SECRET_ENV = ("DASHSCOPE_API_KEY", "ARXIVBOT_ADMIN_TOKEN", "OPENAI_API_KEY")


def point_env_at(monkeypatch: pytest.MonkeyPatch, server: ArxivServer) -> None:
    for variable in BASE_ENV:
        monkeypatch.setenv(variable, server.url)
    for variable in SECRET_ENV:
        monkeypatch.delenv(variable, raising=False)
