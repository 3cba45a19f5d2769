"""`manage.py check --deploy` is clean under the production settings the README documents."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def production_env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "ERRORKB_"))}
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_HTTPS="true",
        DJANGO_ALLOWED_HOSTS="errorkb.example.com",
        DATABASE_URL=os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path / 'prod.sqlite3'}",
    )
    env.update(extra)
    return env


def manage(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_reports_no_issues(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # The one silenced check is security.W003: it looks for CsrfViewMiddleware by Django's
    # path, and ours is its subclass that skips /api/ (test_paste_page_limits refuses a
    # page post without the token).
    assert "no issues (1 silenced)" in output


def test_a_production_setup_without_a_secret_key_refuses_to_start(tmp_path):
    env = production_env(tmp_path)
    del env["DJANGO_SECRET_KEY"]
    result = manage(env, "check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_a_sloppy_boolean_refuses_to_start(tmp_path):
    result = manage(production_env(tmp_path, DJANGO_DEBUG="yes"), "check")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be 'true' or 'false'" in result.stderr


def test_a_bad_rate_limit_setting_refuses_to_start(tmp_path):
    result = manage(production_env(tmp_path, ERRORKB_RATE_LIMITS="everyone=5/min"), "check")
    assert result.returncode != 0
    assert "ERRORKB_RATE_LIMITS" in result.stderr
