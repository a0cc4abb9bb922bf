"""Shared helpers for the deployment-file tests: load the files, ask the real CLI for its
flags, and run a workflow step's shell script the way GitHub Actions runs it."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
WORKFLOWS = REPO / ".github" / "workflows"
FLAG_RE = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*)")


def load_yaml(path: Path) -> dict[str, Any]:
    assert path.is_file(), f"{path.relative_to(REPO)} is missing"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name} must hold a mapping"
    return data


def workflow(name: str) -> dict[str, Any]:
    return load_yaml(WORKFLOWS / name)


def triggers(wf: Mapping[Any, Any]) -> dict[str, Any]:
    """The ``on:`` block. YAML 1.1 (PyYAML) reads the bare key ``on`` as ``True``."""
    value = wf.get("on", wf.get(True))
    if isinstance(value, str):
        return {value: None}
    if isinstance(value, list):
        return {name: None for name in value}
    assert isinstance(value, dict), "the workflow has no 'on:' triggers"
    return value


def steps(wf: Mapping[str, Any], job: str | None = None) -> list[dict[str, Any]]:
    jobs = wf["jobs"]
    chosen = jobs[job] if job else next(iter(jobs.values()))
    return list(chosen["steps"])


def step_named(wf: Mapping[str, Any], fragment: str) -> dict[str, Any]:
    found = [s for s in steps(wf) if fragment.lower() in str(s.get("name", "")).lower()]
    assert len(found) == 1, f"expected one step named like {fragment!r}, found {len(found)}"
    return found[0]


def step_using(wf: Mapping[str, Any], action: str) -> list[dict[str, Any]]:
    return [s for s in steps(wf) if str(s.get("uses", "")).split("@")[0] == action]


def flags_in(script: str, command: str) -> set[str]:
    """Every ``--flag`` on the lines of ``script`` that build the ``command`` invocation."""
    found: set[str] = set()
    for line in script.splitlines():
        if command in line or "extra+=" in line:
            found.update(FLAG_RE.findall(line))
    return found


def _cli() -> Any:
    """``arxivbot.cli.main``; skipped only while the module does not exist at all."""
    if not (REPO / "src" / "arxivbot" / "cli" / "main.py").is_file():
        pytest.skip("src/arxivbot/cli/main.py does not exist yet")
    import arxivbot.cli.main

    return arxivbot.cli.main


def cli_flags(command: str) -> set[str]:
    """The options the real ``arxivbot <command>`` accepts."""
    import click

    cli = _cli()

    group = cli.main
    assert isinstance(group, click.Group), "arxivbot.cli.main must be a click group"
    cmd = group.commands.get(command)
    assert cmd is not None, f"'arxivbot {command}' does not exist"
    flags = {opt for param in cmd.params for opt in (*param.opts, *param.secondary_opts)}
    return {flag for flag in flags if flag.startswith("--")}


def cli_help(command: str) -> str:
    from click.testing import CliRunner

    cli = _cli()

    result = CliRunner().invoke(cli.main, [command, "--help"])
    assert result.exit_code == 0, result.output
    return result.output


def readme_commands() -> list[str]:
    """The lines of the first fenced code block of README.md."""
    readme = REPO / "README.md"
    assert readme.is_file(), "README.md is missing (it must start with the two commands)"
    match = re.search(r"^```[^\n]*\n(.*?)^```", readme.read_text(encoding="utf-8"), re.S | re.M)
    assert match, "README.md has no fenced code block"
    return [line.strip() for line in match.group(1).splitlines() if line.strip()]


def config_json() -> dict[str, Any]:
    data = json.loads((REPO / "config.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def run_step(
    script: str,
    cwd: Path,
    env: Mapping[str, str],
    *,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run a ``run:`` script exactly as Actions does for ``shell: bash``."""
    assert "${{" not in script, "expressions must reach scripts through env, not be pasted in"
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    if check:
        output = f"{result.stdout}\n{result.stderr}"
        assert result.returncode == 0, f"step failed ({result.returncode}):\n{output}"
    return result


def dockerfile_instructions(path: Path) -> list[tuple[str, str]]:
    """``(INSTRUCTION, arguments)`` pairs with continuations joined and comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        full = (pending + line).strip()
        pending = ""
        keyword, _, rest = full.partition(" ")
        instructions.append((keyword.upper(), rest.strip()))
    assert not pending, "the Dockerfile ends inside a continued line"
    return instructions


def exec_form(arguments: str) -> list[str]:
    """A Dockerfile JSON (exec) form, e.g. ``["arxivbot"]``."""
    value = json.loads(arguments)
    assert isinstance(value, list) and all(isinstance(v, str) for v in value)
    return value


def shell_words(text: str) -> list[str]:
    return shlex.split(text)


FAKE_ARXIVBOT = """#!/usr/bin/env bash
# Stand-in for arxivbot: records its arguments, writes a digest, exits as told.
printf '%s\\n' "$@" > "$FAKE_ARGS"
if [ -n "$FAKE_README" ]; then
  mkdir -p digest/days
  printf '%s\\n' "$FAKE_README" > digest/README.md
  printf '<h1>%s</h1>\\n' "$FAKE_README" > digest/index.html
fi
echo "fake arxivbot done"
exit "${FAKE_CODE:-0}"
"""


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True, timeout=60
    )
    return result.stdout.strip()


def isolate_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No user or system git config; a fixed identity for the test's own commits."""
    home = tmp_path / "home"
    home.mkdir()
    env = {
        "HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("GIT_DIR", raising=False)


def make_origin(tmp_path: Path, config: Mapping[str, Any] | None = None) -> Path:
    """A bare repository with README.md, config.json (``config`` or the bundled one) and
    vercel.json on main, as a fork looks before its first scheduled run."""
    seed = tmp_path / "seed"
    seed.mkdir()
    git(seed, "init", "-q", "-b", "main")
    (seed / "README.md").write_text("# The project's own README\n")
    (seed / "vercel.json").write_text((REPO / "vercel.json").read_text())
    text = json.dumps(config) if config is not None else (REPO / "config.json").read_text()
    (seed / "config.json").write_text(text)
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "-m", "project")
    bare = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(seed), str(bare))
    return bare


class Runner:
    """One Actions run: a fresh checkout, then the workflow's steps in order."""

    def __init__(
        self, tmp_path: Path, origin: Path, name: str, *, fake: bool = True, **env: str
    ) -> None:
        self.workspace = tmp_path / name
        git(tmp_path, "clone", "-q", "--depth=1", f"file://{origin}", str(self.workspace))
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir(exist_ok=True)
        if fake:
            stand_in = bin_dir / "arxivbot"
            stand_in.write_text(FAKE_ARXIVBOT)
            stand_in.chmod(0o755)
        else:  # the real console script, next to this interpreter
            bin_dir = Path(sys.executable).parent
        self.output = tmp_path / f"{name}.github_output"
        self.summary = tmp_path / f"{name}.summary"
        self.args_file = tmp_path / f"{name}.args"
        self.env = {
            "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "GITHUB_OUTPUT": str(self.output),
            "GITHUB_STEP_SUMMARY": str(self.summary),
            "FAKE_ARGS": str(self.args_file),
            **env,
        }
        self.wf = workflow("digest.yml")

    def step(self, name: str, **env: str) -> subprocess.CompletedProcess[str]:
        step = step_named(self.wf, name)
        cwd = self.workspace / step.get("working-directory", ".")
        return run_step(step["run"], cwd, {**self.env, **env})

    def outputs(self) -> dict[str, str]:
        lines = self.output.read_text().splitlines() if self.output.exists() else []
        return dict(line.split("=", 1) for line in lines)

    def args(self) -> list[str]:
        return self.args_file.read_text().splitlines()

    def full_run(self, readme: str = "", code: int = 0, **inputs: str) -> str:
        self.step("check out the digest branch")
        self.step("run arxivbot", FAKE_README=readme, FAKE_CODE=str(code), **inputs)
        result = self.outputs()["exit_code"]
        if result in publish_codes(self.wf):
            self.step("publish")
        return result


def publish_codes(wf: Mapping[str, Any]) -> set[str]:
    """The run's exit codes after which the publish step runs (its ``if:``)."""
    return set(re.findall(r"exit_code == '(\d)'", step_named(wf, "publish")["if"]))


def branch_files(origin: Path, branch: str) -> set[str]:
    return set(git(origin, "ls-tree", "-r", "--name-only", branch).splitlines())
