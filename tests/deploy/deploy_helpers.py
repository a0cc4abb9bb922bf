"""Shared helpers for the deployment-file tests: load the files, ask the real CLI for its
flags, and run a workflow step's shell script the way GitHub Actions runs it."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
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


def cli_flags(command: str) -> set[str]:
    """The options the real ``arxivbot <command>`` accepts (skips until the CLI imports)."""
    cli = pytest.importorskip("arxivbot.cli", reason="arxivbot.cli does not import yet")
    import click

    group = cli.main
    assert isinstance(group, click.Group), "arxivbot.cli.main must be a click group"
    cmd = group.commands.get(command)
    assert cmd is not None, f"'arxivbot {command}' does not exist"
    flags = {opt for param in cmd.params for opt in (*param.opts, *param.secondary_opts)}
    return {flag for flag in flags if flag.startswith("--")}


def cli_help(command: str) -> str:
    cli = pytest.importorskip("arxivbot.cli", reason="arxivbot.cli does not import yet")
    from click.testing import CliRunner

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
        assert result.returncode == 0, f"step failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
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
