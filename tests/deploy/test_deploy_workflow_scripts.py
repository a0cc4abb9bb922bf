"""Run digest.yml's own shell steps against real git repositories on disk.

A bare repository stands in for GitHub, a clone for the Actions checkout, and a tiny
fake ``arxivbot`` on PATH for the real one, so the branch handling, the "commit only
when something changed" rule and the exit-code plumbing are exercised as written.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from deploy_helpers import Runner, branch_files, git, isolate_git, make_origin, run_step, steps


@pytest.fixture
def origin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    isolate_git(tmp_path, monkeypatch)
    return make_origin(tmp_path)


def test_first_run_creates_an_orphan_digest_branch(tmp_path: Path, origin: Path) -> None:
    run = Runner(tmp_path, origin, "run1")
    assert run.full_run("Digest of day one") == "0"
    files = branch_files(origin, "digest")
    assert files == {"README.md", "index.html", "vercel.json", ".nojekyll"}
    # Orphan: no history shared with main, and main is untouched.
    assert git(origin, "rev-list", "--count", "digest") == "1"
    assert git(origin, "show", "main:README.md") == "# The project's own README"
    assert run.args() == [
        "run",
        "--config",
        "config.json",
        "--db",
        "data/arxivbot.sqlite3",
        "--output",
        "digest",
    ]
    assert "exit code 0" in run.summary.read_text()


def test_commits_only_when_the_output_changed(tmp_path: Path, origin: Path) -> None:
    assert Runner(tmp_path, origin, "run1").full_run("Day one") == "0"
    first = git(origin, "rev-parse", "digest")
    # Next day, nothing new (e.g. a weekend feed re-run): same output, no commit.
    second_run = Runner(tmp_path, origin, "run2")
    assert second_run.full_run("Day one") == "0"
    assert git(origin, "rev-parse", "digest") == first
    # The run after that has a new digest: one new commit on top of the old one.
    assert Runner(tmp_path, origin, "run3").full_run("Day two") == "0"
    assert git(origin, "rev-list", "--count", "digest") == "2"
    assert git(origin, "show", "digest:README.md") == "Day two"


def test_earlier_pages_survive_in_the_worktree(tmp_path: Path, origin: Path) -> None:
    run = Runner(tmp_path, origin, "run1")
    run.step("check out the digest branch")
    (run.workspace / "digest" / "days").mkdir(parents=True)
    (run.workspace / "digest" / "days" / "2026-06-01.html").write_text("old day")
    run.step("run arxivbot", FAKE_README="Day one")
    run.step("publish")
    later = Runner(tmp_path, origin, "run2")
    later.step("check out the digest branch")
    assert (later.workspace / "digest" / "days" / "2026-06-01.html").read_text() == "old day"


def test_manual_inputs_become_flags(tmp_path: Path, origin: Path) -> None:
    run = Runner(tmp_path, origin, "run1")
    run.full_run("Day", INPUT_DATE="2026-06-15", INPUT_FORCE="true")
    assert run.args()[-3:] == ["--date", "2026-06-15", "--force"]
    run.step("run arxivbot", INPUT_DATE="", INPUT_FORCE="false")
    assert "--date" not in run.args() and "--force" not in run.args()


def test_a_malformed_date_input_is_refused_before_running(tmp_path: Path, origin: Path) -> None:
    run = Runner(tmp_path, origin, "run1")
    run.step("check out the digest branch")
    result = run.step("run arxivbot", INPUT_DATE="15/06/2026; rm -rf /")
    assert run.outputs()["exit_code"] == "2"
    assert "::error::" in result.stdout
    assert not run.args_file.exists(), "arxivbot must not run with a bad date"


@pytest.mark.parametrize(("code", "published"), [(4, True), (5, True), (1, False), (2, False)])
def test_exit_codes_decide_publishing_and_fail_the_job(
    tmp_path: Path, origin: Path, code: int, published: bool
) -> None:
    run = Runner(tmp_path, origin, "run1")
    assert run.full_run("Partial digest", code=code) == str(code)
    branches = git(origin, "branch", "--list", "digest")
    assert bool(branches) is published
    fail_step = steps(run.wf)[-1]
    result = run_step(fail_step["run"], run.workspace, {"CODE": str(code)}, check=False)
    assert result.returncode == 1
    assert "::error::" in result.stdout
