"""An edit in one process reaches every gunicorn worker within ERRORKB_CATALOGUE_REFRESH_SECONDS.

For real: gunicorn with two workers serves a temporary SQLite file; this process
edits an entry through the ORM on the same file (the catalogue signals bump
CatalogueVersion on commit), then polls until every one of many consecutive
requests, spread over both workers by the kernel, shows the edit.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper

from errorkb.catalogue.fixtures import sync_catalogue
from errorkb.catalogue.models import ErrorEntry

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
REFRESH_SECONDS = 0.5
CONSECUTIVE = 30


@contextmanager
def default_database(path: Path):
    """Point this process's default connection at a SQLite file for the duration."""
    original = connections["default"]
    settings_dict = connections.configure_settings(
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}}
    )["default"]
    connections["default"] = SQLiteWrapper(settings_dict, alias="default")
    try:
        yield
    finally:
        connections["default"].close()
        connections["default"] = original


@contextmanager
def gunicorn(database: Path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SECRET_KEY": "test-only",
        "ERRORKB_CATALOGUE_REFRESH_SECONDS": str(REFRESH_SECONDS),
        "ERRORKB_RATE_LIMITS": "off",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "errorkb.wsgi:application",
            "--workers",
            "2",
            "--bind",
            "127.0.0.1:0",
            "--log-level",
            "info",
        ],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        port, workers = None, 0
        deadline = time.monotonic() + 30
        while (port is None or workers < 2) and time.monotonic() < deadline:
            line = server.stderr.readline()
            if not line:
                break
            if match := re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", line):
                port = int(match.group(1))
            workers += "Booting worker" in line
        assert port and workers == 2, "gunicorn did not start two workers"
        yield f"http://127.0.0.1:{port}"
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server.stderr.close()


def get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def diagnosed_title(base: str) -> str:
    paste = json.dumps(
        {"success": False, "error": {"code": 6010, "message": "Payment does not exist"}, "request_id": "x"}
    )
    request = urllib.request.Request(
        f"{base}/api/v1/diagnose", json.dumps({"body": paste}).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["matches"][0]["title"]


def titles(base: str) -> list[tuple[str, str]]:
    """(detail title, diagnosed title) for many consecutive requests, new connections each."""
    return [
        (get(f"{base}/api/v1/errors/123hub/6010")["title"], diagnosed_title(base)) for _ in range(CONSECUTIVE)
    ]


def test_an_admin_edit_reaches_every_worker(tmp_path, django_db_blocker):
    database = tmp_path / "catalogue.sqlite3"
    with django_db_blocker.unblock(), default_database(database):
        call_command("migrate", verbosity=0)
        sync_catalogue()
        with gunicorn(database) as base:
            # Both workers have built their catalogue from the old rows.
            assert set(titles(base)) == {("Payment does not exist", "Payment does not exist")}

            with transaction.atomic():
                entry = ErrorEntry.objects.get(provider__slug="123hub", code="6010")
                entry.title = "Payment not found"
                entry.save()
            edited_at = time.monotonic()

            deadline = edited_at + REFRESH_SECONDS + 15
            seen = set(titles(base))
            while seen != {("Payment not found", "Payment not found")} and time.monotonic() < deadline:
                time.sleep(REFRESH_SECONDS / 2)
                seen = set(titles(base))
            assert seen == {("Payment not found", "Payment not found")}
