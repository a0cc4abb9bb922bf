"""The GitHub Actions workflows: schedule, inputs, permissions, state, commands."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from croniter import croniter
from deploy_helpers import (
    REPO,
    WORKFLOWS,
    cli_flags,
    config_json,
    flags_in,
    readme_commands,
    step_named,
    step_using,
    steps,
    triggers,
    workflow,
)

INSTALL_COMMAND = "pip install -e . && arxivbot run --config config.json"
TEST_COMMAND = "pip install -e '.[test]' && python -m pytest"
ALLOWED_WRITE = {"contents", "pages", "id-token", "actions"}


@pytest.fixture(scope="module")
def digest() -> dict:
    return workflow("digest.yml")


@pytest.fixture(scope="module")
def ci() -> dict:
    return workflow("ci.yml")


def test_every_workflow_parses_and_has_jobs() -> None:
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert {f.name for f in files} >= {"digest.yml", "ci.yml"}
    for path in files:
        wf = workflow(path.name)
        assert wf.get("name"), f"{path.name} has no name"
        assert triggers(wf), f"{path.name} has no triggers"
        for job_name, job in wf["jobs"].items():
            assert job.get("runs-on"), f"{path.name}:{job_name} has no runs-on"
            assert job.get("timeout-minutes"), f"{path.name}:{job_name} has no timeout"


def test_schedule_runs_shortly_after_the_feed_update_on_weekdays(digest: dict) -> None:
    crons = [entry["cron"] for entry in triggers(digest)["schedule"]]
    assert crons, "digest.yml must be scheduled"
    for expression in crons:
        assert croniter.is_valid(expression), expression
        # A year of fire times: all on Mon-Fri (announcement days), after 05:00 UTC, which
        # is midnight US/Eastern in winter (04:00 in summer), and within the morning.
        fires = croniter(expression, datetime(2026, 1, 1, tzinfo=UTC))
        for _ in range(300):
            moment = fires.get_next(datetime)
            assert moment.weekday() < 5, f"{expression} fires on a weekend: {moment}"
            assert 5 <= moment.hour < 12, f"{expression} fires at {moment:%H:%M} UTC"


def test_manual_runs_take_a_date_and_force(digest: dict) -> None:
    inputs = triggers(digest)["workflow_dispatch"]["inputs"]
    assert inputs["date"]["type"] == "string"
    assert inputs["date"].get("required", False) is False
    assert inputs["force"]["type"] == "boolean"
    assert inputs["force"].get("default") is False


def _permission_blocks(wf: dict) -> list[object]:
    blocks = [wf.get("permissions")]
    blocks += [job.get("permissions") for job in wf["jobs"].values() if "permissions" in job]
    return blocks


@pytest.mark.parametrize("name", ["digest.yml", "ci.yml", "keepalive.yml"])
def test_permissions_are_least_privilege(name: str) -> None:
    wf = workflow(name)
    assert isinstance(wf.get("permissions"), dict), f"{name}: set top-level permissions"
    for block in _permission_blocks(wf):
        assert isinstance(block, dict), f"{name}: no write-all/read-all shorthands"
        for scope, level in block.items():
            assert level in ("read", "write", "none"), (scope, level)
            if level == "write":
                assert scope in ALLOWED_WRITE, f"{name} needs no {scope}: write"
    if name == "ci.yml":
        assert wf["permissions"] == {"contents": "read"}
    if name == "digest.yml":
        assert wf["permissions"] == {"contents": "write"}, "digest only pushes its branch"


def test_runs_never_overlap(digest: dict) -> None:
    assert digest["concurrency"] == {"group": "arxivbot-digest", "cancel-in-progress": False}


@pytest.mark.parametrize("name", ["digest.yml", "ci.yml"])
def test_python_is_set_up_with_a_pip_cache(name: str) -> None:
    wf = workflow(name)
    (setup,) = step_using(wf, "actions/setup-python")
    assert str(setup["with"]["python-version"]) == "3.11"
    assert setup["with"]["cache"] == "pip"
    # setup-python looks for requirements.txt unless told where the dependencies are.
    assert (REPO / setup["with"]["cache-dependency-path"]).is_file()


def test_database_state_is_restored_and_saved(digest: dict) -> None:
    (restore,) = step_using(digest, "actions/cache/restore")
    (save,) = step_using(digest, "actions/cache/save")
    run_script = step_named(digest, "run arxivbot")["run"]
    db = re.search(r"--db (\S+)", run_script)
    assert db, "the run step must pass --db"
    assert restore["with"]["path"] == save["with"]["path"] == db.group(1)
    # Caches are immutable: a fresh key per run, found again through the prefix.
    assert "github.run_id" in save["with"]["key"] and save["with"]["key"] == restore["with"]["key"]
    assert save["with"]["key"].startswith(restore["with"]["restore-keys"])
    assert "always()" in save["if"], "the database is saved even when a later step fails"
    names = [s.get("name") for s in steps(digest)]
    assert names.index(restore["name"]) < names.index("Run arxivbot") < names.index(save["name"])


def test_run_step_uses_the_real_cli_flags(digest: dict) -> None:
    script = step_named(digest, "run arxivbot")["run"]
    assert "arxivbot run --config config.json --db data/arxivbot.sqlite3 --output digest" in script
    used = flags_in(script, "arxivbot run")
    assert used >= {"--config", "--db", "--output", "--date", "--force"}
    missing = used - cli_flags("run")
    assert not missing, f"'arxivbot run' has no {sorted(missing)}"


def test_llm_key_comes_from_the_secret_named_in_config(digest: dict) -> None:
    variable = config_json()["ai_summary"]["api_key_env"]
    env = step_named(digest, "run arxivbot")["env"]
    assert env[variable] == f"${{{{ secrets.{variable} }}}}"
    for step in steps(digest):
        assert "secrets." not in str(step.get("run", "")), "secrets only through env"


def test_inputs_reach_scripts_only_through_env() -> None:
    for path in WORKFLOWS.glob("*.yml"):
        for job in workflow(path.name)["jobs"].values():
            for step in job["steps"]:
                assert "${{" not in str(step.get("run", "")), (path.name, step.get("name"))


def test_output_goes_to_the_digest_branch_only_when_changed(digest: dict) -> None:
    publish = step_named(digest, "publish")
    assert publish["working-directory"] == "digest"
    assert "git diff --cached --quiet" in publish["run"]
    assert "git push origin HEAD:refs/heads/digest" in publish["run"]
    assert "--force" not in publish["run"] and " -f " not in publish["run"]
    codes = set(re.findall(r"exit_code == '(\d)'", publish["if"]))
    assert codes == {"0", "4", "5"}, "publish after success, 'done, but act' and 'incomplete'"


def test_a_run_that_needs_attention_fails_the_job(digest: dict) -> None:
    last = steps(digest)[-1]
    assert last["if"] == "steps.run.outputs.exit_code != '0'"
    assert "exit 1" in last["run"]
    cases = dict(re.findall(r"^\s*(\d)\) echo \"([^\"]*)\"", last["run"], re.M))
    assert set(cases) >= {"1", "2", "4", "5"}, "every documented non-zero code has its message"
    # A missing key is exit 0 (no summaries): exit 4 is a refused key, never a missing one.
    assert "refused" in cases["4"] and "missing" not in cases["4"]
    assert "incomplete" in cases["5"] and "published" in cases["5"]


def test_ci_runs_the_readme_test_command() -> None:
    wf = workflow("ci.yml")
    on = triggers(wf)
    assert "push" in on and "pull_request" in on
    runs = [s["run"] for s in steps(wf) if "run" in s]
    assert "bash .ci/run" in runs
    # The core test data is in the repository: every fork runs the suite, unconditionally.
    test_step = next(s for s in steps(wf) if s.get("run") == "bash .ci/run")
    assert "if" not in test_step
    assert step_using(wf, "actions/checkout")


def test_keepalive_re_enables_the_scheduled_workflows() -> None:
    wf = workflow("keepalive.yml")
    assert wf["permissions"] == {"actions": "write"}
    assert croniter.is_valid(triggers(wf)["schedule"][0]["cron"])
    script = steps(wf)[0]["run"]
    scheduled = [
        p.name for p in WORKFLOWS.glob("*.yml") if "schedule" in triggers(workflow(p.name))
    ]
    for name in scheduled:
        assert name in script, f"keepalive.yml does not re-enable {name}"
    assert "/enable" in script


def test_readme_commands_match_what_the_workflows_run(digest: dict) -> None:
    commands = readme_commands()
    assert commands[:2] == [INSTALL_COMMAND, TEST_COMMAND], commands
    ci_run = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert TEST_COMMAND in ci_run, ".ci/run must run the README's test command exactly"
    _install, run = INSTALL_COMMAND.split(" && ")
    assert run in step_named(digest, "run arxivbot")["run"]


def test_deployment_guide_matches_the_workflow(digest: dict) -> None:
    guide = (REPO / "docs" / "deployment.md").read_text(encoding="utf-8")
    for entry in triggers(digest)["schedule"]:
        assert entry["cron"] in guide, "docs/deployment.md must show the schedule in use"
    assert "arxivbot run --config config.json --db data/arxivbot.sqlite3 --output digest" in guide
    for topic in ("60 days", "429", "api_key_env", "Production Branch", "retention_days"):
        assert topic in guide, topic
