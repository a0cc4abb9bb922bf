"""Notifications and profiles through a whole run."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from arxivbot.app import RunOptions, run_pipeline
from arxivbot.clock import fixed_clock
from arxivbot.config import load_config
from support.arxiv_server import ArxivServer
from support.httpserver import LocalServer, Reply
from support.smtp_server import SmtpServer, closed_port

CLOCK = fixed_clock(datetime(2026, 6, 2, 6, 0, tzinfo=UTC))


def _run(workdir: Path) -> object:
    loaded = load_config(workdir / "config.json")
    options = RunOptions(db_path=workdir / "db.sqlite3", output_dir=workdir / "out")
    return run_pipeline(loaded, options, clock=CLOCK)


def test_email_and_webhook_get_one_message_each_and_a_dead_target_does_not_fail_the_run(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with SmtpServer() as smtp, LocalServer() as hooks:
        hooks.route("/hook", lambda _r: Reply(200, b"ok"))
        monkeypatch.setenv("HOOK_TOKEN", "s3cret/token")
        data = json.loads((workdir / "config.json").read_text())
        data["notify"] = {
            "max_retries": 1,
            "targets": [
                {
                    "name": "inbox",
                    "url": f"mailto://127.0.0.1:{smtp.port}"
                    "?mode=none&from=bot@example.org&to=me@example.org,you@example.org",
                },
                {
                    "name": "team-chat",
                    "url": f"json://{hooks.url.removeprefix('http://')}/hook?:token=${{HOOK_TOKEN}}",
                },
                {"name": "dead", "url": f"json://127.0.0.1:{closed_port()}/hook"},
            ],
        }
        (workdir / "config.json").write_text(json.dumps(data))
        report = _run(workdir)
        assert report.status == "partial"  # the dead target is reported ...
        assert [i.subject for i in report.issues if i.stage == "notify"] == ["dead"]
        assert len(smtp.messages) == 1  # ... and the others delivered once
        mail = smtp.messages[0]
        assert sorted(mail.rcpt_tos) == ["me@example.org", "you@example.org"]
        assert "2026-06-02" in mail.message["Subject"]
        (hook,) = hooks.requests("/hook")
        assert "2026-06-02" in json.loads(hook.body)["title"]

        again = _run(workdir)
        assert len(smtp.messages) == 1 and len(hooks.requests("/hook")) == 1  # nothing new
        assert [i.subject for i in again.issues if i.stage == "notify"] == ["dead"]


def test_two_profiles_get_two_digests_from_one_fetch(workdir: Path, arxiv: ArxivServer) -> None:
    data = json.loads((workdir / "config.json").read_text())
    data["profiles"] = {
        "systems": {
            "query": 'ti:"speculative decoding"^3 OR (quantiz* AND (FP8 OR FP4)) '
            "OR abs:throughput -survey",
            "min_score": 0.1,
        },
        "vision": {
            "categories": ["cs.AI"],
            "keywords": ["image", "video", "segmentation"],
            "min_score": 0.1,
            "max_papers": 10,
        },
    }
    (workdir / "config.json").write_text(json.dumps(data))
    report = _run(workdir)
    assert report.status == "ok"
    assert len(arxiv.requests("/rss/")) == 1  # one fetch for both profiles
    systems = json.loads((workdir / "out/systems/papers.json").read_text())["papers"]
    vision = json.loads((workdir / "out/vision/papers.json").read_text())["papers"]
    assert systems and vision and len(vision) <= 10
    assert {p["arxiv_id"] for p in systems} != {p["arxiv_id"] for p in vision}
    for paper in systems:
        assert paper["explanation"], paper["arxiv_id"]  # each paper says why it is there
        assert "survey" not in (paper["title"] + paper.get("abstract", "")).lower().split()
    assert all("cs.AI" in p["categories"] for p in vision)
    for name in ("systems", "vision"):
        assert (workdir / f"out/{name}/README.md").exists()
        assert (workdir / f"out/{name}/rss.xml").exists()
