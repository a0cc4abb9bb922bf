"""Dockerfile, .dockerignore and compose.yaml, read statically (no Docker engine here),
plus the image's own command and health check run against the real server."""

from __future__ import annotations

import fnmatch
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from deploy_helpers import (
    REPO,
    cli_flags,
    config_json,
    dockerfile_instructions,
    exec_form,
    load_yaml,
)

from support.live import free_port

DOCKERFILE = REPO / "Dockerfile"
BUILD_TOOLS = ("gcc", "build-essential", "g++", "make ", "clang")


@pytest.fixture(scope="module")
def instructions() -> list[tuple[str, str]]:
    return dockerfile_instructions(DOCKERFILE)


def _stages(instructions: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    stages: list[list[tuple[str, str]]] = []
    for keyword, args in instructions:
        if keyword == "FROM":
            stages.append([])
        if stages:
            stages[-1].append((keyword, args))
    return stages


def _one(stage: list[tuple[str, str]], keyword: str) -> str:
    found = [args for kw, args in stage if kw == keyword]
    assert len(found) == 1, f"expected one {keyword} in the runtime stage, found {len(found)}"
    return found[0]


def test_multi_stage_with_a_slim_runtime(instructions: list[tuple[str, str]]) -> None:
    stages = _stages(instructions)
    assert len(stages) >= 2
    runtime = stages[-1]
    assert runtime[0][1].split()[0] == "python:3.11-slim"
    builder_name = stages[0][0][1].split()[-1]
    assert any(f"from={builder_name}" in args for kw, args in runtime if kw in ("COPY", "RUN"))
    for keyword, args in runtime:
        if keyword == "RUN":
            assert not any(tool in args for tool in BUILD_TOOLS), f"build tools at runtime: {args}"
            assert "apt-get install" not in args


def test_runs_as_a_non_root_user(instructions: list[tuple[str, str]]) -> None:
    runtime = _stages(instructions)[-1]
    user = _one(runtime, "USER")
    assert user.split(":")[0] not in ("root", "0")
    assert any("useradd" in args and user in args for kw, args in runtime if kw == "RUN")


def test_database_and_site_live_on_the_volume(instructions: list[tuple[str, str]]) -> None:
    runtime = _stages(instructions)[-1]
    assert _one(runtime, "VOLUME") in ("/data", '["/data"]')
    env = " ".join(args for kw, args in runtime if kw == "ENV")
    assert "ARXIVBOT_DB=/data/arxivbot.sqlite3" in env
    assert "ARXIVBOT_OUTPUT=/data/site" in env
    assert _one(runtime, "EXPOSE") == "8000"


def test_entry_command_is_arxivbot_serve_with_real_flags(
    instructions: list[tuple[str, str]],
) -> None:
    runtime = _stages(instructions)[-1]
    assert exec_form(_one(runtime, "ENTRYPOINT")) == ["arxivbot"]
    command = exec_form(_one(runtime, "CMD"))
    assert command == [
        "serve",
        "--config",
        "/config/config.json",
        "--host",
        "0.0.0.0",
        "--port",
        "8000",
    ]
    assert "--no-scheduler" not in command
    used = {word for word in command if word.startswith("--")}
    assert not used - cli_flags("serve"), f"'arxivbot serve' lacks {used - cli_flags('serve')}"


def test_healthcheck_asks_health_without_curl(instructions: list[tuple[str, str]]) -> None:
    check = _one(_stages(instructions)[-1], "HEALTHCHECK")
    assert "/health" in check and "urllib.request" in check
    assert "curl" not in check and "wget" not in check
    assert exec_form(check[check.index("CMD") + 3 :].strip())[0] == "python"


def _dockerignore_admits(path: str) -> bool:
    admitted = True
    for line in (REPO / ".dockerignore").read_text().splitlines():
        rule = line.strip()
        if not rule or rule.startswith("#"):
            continue
        negate = rule.startswith("!")
        pattern = rule.lstrip("!").rstrip("/")
        if fnmatch.fnmatch(path, pattern) or path.startswith(pattern + "/"):
            admitted = negate
    return admitted


def test_build_context_holds_what_the_build_needs_and_nothing_private() -> None:
    for needed in ("pyproject.toml", "config.json", "src/arxivbot/__init__.py", "README.md"):
        assert _dockerignore_admits(needed), f".dockerignore keeps out {needed}"
    for private in (".git/config", ".env", "data/arxivbot.sqlite3", "tests/conftest.py"):
        assert not _dockerignore_admits(private), f".dockerignore lets in {private}"
    copied = [args.split()[0] for kw, args in dockerfile_instructions(DOCKERFILE) if kw == "COPY"]
    for source in copied:
        if not source.startswith("--") and source != ".":
            assert (REPO / source).exists() and _dockerignore_admits(source), source


@pytest.fixture(scope="module")
def compose() -> dict:
    return load_yaml(REPO / "compose.yaml")


def test_compose_runs_the_image_command_with_scheduler_and_volume(
    compose: dict, instructions: list[tuple[str, str]]
) -> None:
    (service,) = compose["services"].values()
    assert service["build"] == "."
    assert service["restart"] == "unless-stopped"
    runtime = _stages(instructions)[-1]
    assert service["command"] == exec_form(_one(runtime, "CMD")), "same command as the image"
    volumes = service["volumes"]
    assert any(v.split(":")[1] == "/data" for v in volumes)
    assert "./config.json:/config/config.json:ro" in volumes
    named = [v.split(":")[0] for v in volumes if not v.startswith(".")]
    assert all(name in compose["volumes"] for name in named)
    assert service["ports"] == ["8000:8000"]


def test_compose_passes_secrets_from_the_environment(compose: dict) -> None:
    (service,) = compose["services"].values()
    env = service["environment"]
    key_var = config_json()["ai_summary"]["api_key_env"]
    assert env[key_var] == f"${{{key_var}:-}}"
    assert env["ARXIVBOT_ADMIN_TOKEN"] == "${ARXIVBOT_ADMIN_TOKEN:-}"


def test_compose_healthcheck_matches_the_image(compose: dict) -> None:
    (service,) = compose["services"].values()
    test = service["healthcheck"]["test"]
    assert test[0] == "CMD" and test[1] == "python"
    image_check = _one(_stages(dockerfile_instructions(DOCKERFILE))[-1], "HEALTHCHECK")
    assert json.dumps(test[3]) in image_check or test[3] in image_check


def test_image_command_serves_and_passes_its_healthcheck(
    tmp_path: Path, instructions: list[tuple[str, str]]
) -> None:
    """The image's ENTRYPOINT + CMD, with only host/port/config path changed for a laptop."""
    cli_flags("serve")  # skips while the CLI does not exist yet
    runtime = _stages(instructions)[-1]
    command = exec_form(_one(runtime, "ENTRYPOINT")) + exec_form(_one(runtime, "CMD"))
    port = free_port()
    replace = {"/config/config.json": str(REPO / "config.json"), "0.0.0.0": "127.0.0.1"}
    command = [replace.get(word, word) for word in command]
    command[command.index("--port") + 1] = str(port)
    unreachable = "http://127.0.0.1:9"  # nothing leaves this machine even if a run starts
    env = {
        **os.environ,
        "ARXIVBOT_DB": str(tmp_path / "data" / "arxivbot.sqlite3"),
        "ARXIVBOT_OUTPUT": str(tmp_path / "site"),
        "ARXIVBOT_RSS_BASE": unreachable,
        "ARXIVBOT_ARXIV_BASE": unreachable,
        "ARXIVBOT_API_BASE": unreachable,
        "ARXIVBOT_OAI_BASE": unreachable,
    }
    bindir = Path(sys.executable).parent
    command[0] = str(bindir / command[0]) if (bindir / command[0]).exists() else command[0]
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=log, stderr=log)
    check = _one(runtime, "HEALTHCHECK")
    probe = exec_form(check[check.index("CMD") + 3 :].strip())
    probe = [re.sub(r"127\.0\.0\.1:8000", f"127.0.0.1:{port}", word) for word in probe]
    probe[0] = sys.executable
    try:
        deadline = time.monotonic() + 60
        while True:
            result = subprocess.run(probe, capture_output=True, text=True, timeout=30)
            if result.returncode == 0:
                break
            assert server.poll() is None, log_path.read_text(errors="replace")
            assert time.monotonic() < deadline, f"no healthy answer: {result.stderr}"
            time.sleep(0.5)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
