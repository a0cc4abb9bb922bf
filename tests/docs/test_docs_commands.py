"""Every ``arxivbot`` command shown in README.md and docs/*.md exists and parses; safe ones run.

Commands are taken from fenced ``bash``/``sh``/``console`` blocks (``$ `` prompts, ``\\``
continuations, ``#`` comments, ``&&``/``;``/``|`` chains and ``VAR=value`` prefixes are
understood). Each one is parsed by the real click command objects of :mod:`arxivbot.cli`
(sub-command, every option named, required arguments), without running it. The offline ones
then really run: ``arxivbot --help``, ``arxivbot demo --out <tmp>``, ``arxivbot init`` in a
temporary folder, and ``arxivbot doctor`` with the ``ARXIVBOT_*_BASE`` URLs on the recorded
arXiv stand-in.
"""

from __future__ import annotations

import re
import shlex
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from arxivbot.cli.main import main
from arxivbot.models import EXIT_CODES
from support.arxiv_server import ArxivServer

REPO = Path(__file__).resolve().parents[2]
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(bash|sh|console|shell)\s*\n(.*?)^```\s*$", re.M | re.S)
SEPARATORS = {"&&", "||", ";", "|", "&", "(", ")"}
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
KEY_VARIABLES = ("DASHSCOPE_API_KEY", "OPENAI_API_KEY", "DEEPSEEK_API_KEY")


@dataclass(frozen=True)
class DocCommand:
    source: str  # "docs/deployment.md:123"
    args: tuple[str, ...]  # after "arxivbot"

    def __str__(self) -> str:
        return f"{self.source}: arxivbot {shlex.join(self.args)}"


def _logical_lines(block: str, console: bool) -> Iterator[tuple[int, str]]:
    """(offset, line) with ``\\`` continuations joined; console blocks keep ``$ `` lines only."""
    pending, start = "", 0
    for offset, raw in enumerate(block.splitlines()):
        line = raw.rstrip()
        if not pending:
            start = offset
            if console:
                if not line.lstrip().startswith("$ "):
                    continue
                line = line.lstrip()[2:]
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        yield start, pending + line
        pending = ""
    if pending:
        yield start, pending


def _segments(line: str) -> Iterator[list[str]]:
    """The simple commands of one shell line, comments dropped."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    words: list[str] = []
    for token in lexer:
        if token in SEPARATORS:
            if words:
                yield words
            words = []
        else:
            words.append(token)
    if words:
        yield words


def doc_commands() -> list[DocCommand]:
    found = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        for match in FENCE.finditer(text):
            first_line = text[: match.start(2)].count("\n") + 1
            for offset, line in _logical_lines(match.group(2), match.group(1) == "console"):
                for words in _segments(line):
                    while words and ASSIGNMENT.match(words[0]):
                        words = words[1:]  # VAR=value arxivbot ...
                    if words and words[0] == "arxivbot":
                        source = f"{path.relative_to(REPO)}:{first_line + offset}"
                        found.append(DocCommand(source, tuple(words[1:])))
    return found


COMMANDS = doc_commands()


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    text: str  # stdout and stderr, whitespace collapsed


def cli(*args: str) -> Result:
    """Run the real CLI in-process (as tests/cli/cli_helpers.py does)."""
    result = CliRunner(env={"COLUMNS": "400"}).invoke(main, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Result(result.exit_code, result.stdout, " ".join(result.output.split()))


def _resolve(args: tuple[str, ...]) -> tuple[click.Command, str, list[str]]:
    """The click command the words name, its name, and the words left for it."""
    command: click.Command = main
    name, rest = "arxivbot", list(args)
    while isinstance(command, click.Group) and rest and not rest[0].startswith("-"):
        sub = command.commands.get(rest[0])
        assert sub is not None, f"no command {rest[0]!r} (known: {', '.join(command.commands)})"
        command, name, rest = sub, rest[0], rest[1:]
    return command, name, rest


def _option_names(command: click.Command) -> set[str]:
    names = {"--help", "-h"}
    for param in command.params:
        if isinstance(param, click.Option):
            names.update(param.opts)
            names.update(param.secondary_opts)
    return names


def test_the_docs_show_commands() -> None:
    shown = {c.args[0] if c.args else "" for c in COMMANDS}
    # The README's first lines and the deployment guide name at least these.
    assert {"run", "demo", "init", "doctor", "serve"} <= shown, shown


@pytest.mark.parametrize("command", COMMANDS, ids=str)
def test_documented_command_parses(command: DocCommand) -> None:
    cmd, name, rest = _resolve(command.args)
    known = _option_names(cmd)
    for word in rest:
        if word.startswith("-") and word != "-":
            option = word.split("=", 1)[0]
            assert option in known, f"{command}: {name} has no option {option}"
    if "--help" in rest or "-h" in rest:
        return
    # The real parser: unknown options, missing values and missing arguments are errors.
    # Parsing never runs the command (config is only read when it runs).
    with cmd.make_context(name, list(rest)) as ctx:
        assert ctx.command is cmd


def _runs(name: str) -> list[DocCommand]:
    return [c for c in COMMANDS if c.args[:1] == (name,)]


@pytest.fixture
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for variable in ("ARXIVBOT_CONFIG", "ARXIVBOT_DB", "ARXIVBOT_OUTPUT", *KEY_VARIABLES):
        monkeypatch.delenv(variable, raising=False)
    return tmp_path


def test_help_runs() -> None:
    shown = [c for c in COMMANDS if c.args in (("--help",), ("-h",))] or [DocCommand("-", ())]
    for command in shown:
        result = cli(*command.args, "--help")
        assert result.code == 0, f"{command}: {result.text}"
        assert "demo" in result.out and "doctor" in result.out


@pytest.mark.slow
def test_documented_demo_runs_offline(clean_env: Path) -> None:
    demos = _runs("demo")
    assert demos, "the README names `arxivbot demo --out demo`"
    for number, command in enumerate(demos):
        args = list(command.args)
        folder = clean_env / f"demo{number}"
        if "--out" in args:
            args[args.index("--out") + 1] = str(folder)
        else:
            args += ["--out", str(folder)]
        result = cli(*args)
        assert result.code == 0, f"{command}: {result.text}"
        assert (folder / "output" / "index.html").is_file(), command
        assert "no LLM was called" in result.text
        # The digest README tells a fork which workflow to run by hand: it must exist.
        readme = (folder / "output" / "README.md").read_text(encoding="utf-8")
        named = re.findall(r'Selecting "([^"]+)"', readme)
        assert named and set(named) <= workflow_names(), (named, workflow_names())


def workflow_names() -> set[str]:
    names = set()
    for path in (REPO / ".github" / "workflows").glob("*.yml"):
        text = path.read_text(encoding="utf-8")
        match = re.search(r"^name:\s*(.+?)\s*$", text, re.M)
        if match and "workflow_dispatch" in text:
            names.add(match.group(1).strip("\"'"))
    return names


def test_documented_init_writes_what_the_docs_then_use(clean_env: Path) -> None:
    inits = _runs("init")
    assert inits
    configs_used = {
        c.args[c.args.index("--config") + 1]
        for c in COMMANDS
        if "--config" in c.args[:-1] and c.args[0] in ("run", "doctor", "serve")
    }
    for number, command in enumerate(inits):
        folder = clean_env / f"init{number}"
        folder.mkdir()
        with pytest.MonkeyPatch.context() as patch:
            patch.chdir(folder)
            result = cli(*command.args)
            assert result.code == 0, f"{command}: {result.text}"
            written = re.search(r"wrote (\S+);", result.text)
            assert written, result.text
            assert (folder / written.group(1)).is_file()
        # The file init writes is one the documented run/doctor/serve commands go on to use.
        assert written.group(1) in configs_used, (command, written.group(1), configs_used)


@pytest.fixture(scope="module")
def arxiv() -> Iterator[ArxivServer]:
    with ArxivServer(day="2026-06-02") as server:
        yield server


def test_documented_doctor_runs_against_the_stand_in(
    clean_env: Path, arxiv: ArxivServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    doctors = _runs("doctor")
    assert doctors
    for name in ("RSS", "ARXIV", "API", "OAI"):
        monkeypatch.setenv(f"ARXIVBOT_{name}_BASE", arxiv.url)
    # The configs the docs reach for: the bundled config.json, and what `arxivbot init` writes.
    shutil.copy(REPO / "config.json", clean_env / "config.json")
    assert cli("init", "--non-interactive").code == 0
    for command in doctors:
        result = cli(*command.args)
        # No key set: summaries would be skipped, which is a warning, not a failure.
        assert result.code == 0, f"{command}: {result.text}"
        assert "reach arXiv API" in result.out and "HTTP 200" in result.out, result.out


def test_missing_key_is_exit_0_and_the_report_says_so(
    clean_env: Path, arxiv: ArxivServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As README.md and docs/deployment.md say: no key is no summaries, not a failed run."""
    for name in ("RSS", "ARXIV", "API", "OAI"):
        monkeypatch.setenv(f"ARXIVBOT_{name}_BASE", arxiv.url)
    shutil.copy(REPO / "config.json", clean_env / "config.json")
    result = cli(
        "run", "--config", "config.json", "--db", "db.sqlite3", "--output", "out",
        "--no-notify", "--no-catch-up",
    )  # fmt: skip
    assert result.code == 0, result.text
    assert "AI summaries skipped: no API key" in result.text, result.text
    assert (clean_env / "out" / "README.md").is_file()


def test_every_exit_code_is_documented() -> None:
    codes = {0, 1, 2, 3, 4, *EXIT_CODES.values()}
    for path in (REPO / "README.md", REPO / "docs" / "deployment.md"):
        text = path.read_text(encoding="utf-8")
        line = next(p for p in text.split("\n\n") if p.startswith("Exit codes"))
        for code in codes:
            assert f"`{code}`" in line, f"{path.name}: exit code {code} is not explained"
