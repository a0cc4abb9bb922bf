"""Secrets pasted into the config file itself: ``run`` and ``doctor`` warn, never repeat them.

A fork's config is committed with the repository, so a key written where the NAME of an
environment variable belongs is published. Each case writes the secrets literally, runs the
command, and checks one warning per key (naming the key and the fix) and that no secret's
value, nor a fragment of it, appears anywhere in the output.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rel_helpers import Describe, edit_config, run_args, run_cli

from arxivbot.config import parse_config
from arxivbot.config.secrets import literal_secrets

API_KEY = "sk-proj-LITERALkey0123456789abcdef"
SMTP_PASSWORD = "hunter2-LITERAL-smtp"
WEBHOOK_TOKEN = "AbCdEfGhIjKlMnOpQrSt0123456789LITERAL"
BOT_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofLITERAL0K5PALD"
ADMIN_TOKEN = "f3a9c2e17b604d58a1e9LITERAL77c0de"
SECRETS = (API_KEY, SMTP_PASSWORD, WEBHOOK_TOKEN, BOT_TOKEN, ADMIN_TOKEN)
EXPECTED = {  # key -> words its warning must hold
    "ai_summary.api_key_env": "NAME of an environment variable",
    "server.admin_token_env": "NAME of an environment variable",
    "notify.targets[0].url": "a password",
    "notify.targets[1].url": "a token in the URL",
    "notify.targets[2].url": "a token in the URL",
    "ai_summary.api_key": "holds a secret literally",
}


def literal_config(world: Path) -> None:
    data = json.loads((world / "config.json").read_text())
    data["ai_summary"]["api_key_env"] = API_KEY
    data["ai_summary"]["api_key"] = API_KEY  # unknown key, but the key is in the file
    edit_config(world, ai_summary=data["ai_summary"])
    targets = [
        {"name": "mail", "url": f"mailtos://digest:{SMTP_PASSWORD}@smtp.example.org?to=a@b.org"},
        {"name": "discord", "url": f"discord://123456789012345678/{WEBHOOK_TOKEN}"},
        {"name": "telegram", "url": f"tgram://{BOT_TOKEN}/-1001234567"},
    ]
    edit_config(world, notify={"enabled": True, "targets": targets},
                server={"admin_token_env": ADMIN_TOKEN})  # fmt: skip


def assert_warned_without_values(text: str) -> None:
    for key, words in EXPECTED.items():
        lines = [line for line in text.split("config key ") if line.startswith(f"'{key}'")]
        assert any(words in line for line in lines), f"no warning names {key}: {text}"
    for secret in SECRETS:
        for fragment in (secret, secret[:12], secret[-12:]):
            assert fragment not in text, f"a secret's value was printed: {fragment}"


@pytest.mark.parametrize("command", ["run", "doctor"])
def test_literal_secrets_in_config_are_warned_by_name_never_shown(
    world: Path, command: str, case: Describe
) -> None:
    case(
        "secrets",
        f"`arxivbot {command}` with the API key in ai_summary.api_key_env (and an api_key key), "
        "the admin token in server.admin_token_env, an SMTP password, a Discord webhook "
        "token and a Telegram bot token written literally in notify URLs",
        "one warning per key naming it and the fix (environment variable / ${NAME}); no "
        "secret's value or fragment in the output",
    )
    literal_config(world)
    if command == "run":
        result = run_cli(*run_args(world))
        assert result.code == 0, result.text
    else:
        paths = ("--db", str(world / "db.sqlite3"), "--output", str(world / "out"))
        result = run_cli("doctor", "--config", str(world / "config.json"), *paths)
    assert_warned_without_values(result.text)


def test_env_names_and_placeholders_are_not_warned() -> None:
    """The documented forms stay silent: names in ``*_env``, ``${VAR}`` in URLs."""
    config = parse_config(
        {
            "ai_summary": {"api_key_env": "DASHSCOPE_API_KEY",
                           "base_url": "https://dashscope.aliyuncs.com/compatible-mode/v1"},
            "server": {"admin_token_env": "ARXIVBOT_ADMIN_TOKEN"},
            "notify": {"targets": [
                {"name": "mail", "url": "mailtos://digest:${SMTP_PASSWORD}@smtp.gmail.com"},
                {"name": "discord", "url": "discord://${DISCORD_ID}/${DISCORD_TOKEN}"},
                {"name": "hook", "url": "${SLACK_WEBHOOK_URL}"},
                {"name": "ntfy", "url": "ntfys://ntfy.sh/arxiv-digest?auth=${NTFY_AUTH}"},
            ]},
        }
    )  # fmt: skip
    assert literal_secrets(config) == ()
    assert literal_secrets(parse_config({})) == ()
