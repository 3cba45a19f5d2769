"""The database going away, for real: diagnosis goes on, pages answer the 503 page, all recovers.

gunicorn serves a SQLite file that is then locked by another connection, renamed
away or replaced by garbage; and a private PostgreSQL cluster that is stopped.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from .servers import ROOT, manage, server_env

pytestmark = pytest.mark.slow

DIAGNOSIS = json.dumps(
    {
        "body": '{"success": false, "error": {"code": 6010, "message": "Payment does not exist"}, "request_id": "r"}'
    }
)
JSON = {"Content-Type": "application/json"}
PAGES = ["/", "/123hub", "/123hub/6010", "/search?q=balance"]


def diagnose(server) -> tuple[int, dict]:
    status, _, body = server.request("POST", "/api/v1/diagnose", DIAGNOSIS, JSON)
    return status, json.loads(body)


def assert_healthy(server) -> None:
    for path in PAGES:
        status, _, _ = server.request("GET", path)
        assert status in (200, 302), (path, status)
    status, _, body = server.request("GET", "/api/v1/errors/123hub/6010")
    assert status == 200, body[:300]
    status, result = diagnose(server)
    assert status == 200 and result["matches"][0]["code"] == "6010"


def assert_degraded(server) -> None:
    """Pages and catalogue reads answer 503 with Retry-After; diagnosis still answers."""
    for path in PAGES:
        status, headers, body = server.request("GET", path)
        assert status == 503, (path, status, body[:300])
        assert headers["retry-after"] == "5"
        assert headers["content-type"].startswith("text/html")
        assert b"unavailable" in body.lower()
        assert headers["x-request-id"] and headers["content-security-policy"]
    status, headers, body = server.request("GET", "/api/v1/errors?search=balance")
    assert status == 503
    assert headers["content-type"] == "application/problem+json"
    assert "unavailable" in json.loads(body)["detail"]
    started = time.monotonic()
    status, result = diagnose(server)
    assert status == 200, result
    assert result["matches"][0]["code"] == "6010"
    assert time.monotonic() - started < 15  # a hang guard: at most one 2 s lock wait per refresh
    # The paste page needs only the in-memory catalogue too.
    status, _, body = server.request("GET", "/diagnose?body=6010")
    assert status == 200, body[:300]
    assert b"Payment does not exist" in body


def test_a_locked_sqlite_file(sqlite_copy, make_server):
    database, static_root = sqlite_copy
    server = make_server(f"sqlite:///{database}", static_root)
    assert_healthy(server)
    lock = sqlite3.connect(database, isolation_level=None)
    lock.execute("BEGIN EXCLUSIVE")
    try:
        assert_degraded(server)
    finally:
        lock.execute("COMMIT")
        lock.close()
    assert_healthy(server)
    assert "Traceback" not in server.output()


def test_a_sqlite_file_renamed_away(sqlite_copy, make_server):
    database, static_root = sqlite_copy
    # A new connection per request, so the rename is seen at once (a kept connection holds the old file).
    server = make_server(f"sqlite:///{database}", static_root, DATABASE_CONN_MAX_AGE="0")
    assert_healthy(server)
    away = database.with_suffix(".away")
    os.rename(database, away)
    try:
        assert_degraded(server)
    finally:
        os.replace(away, database)  # over the empty file SQLite made in its place
    assert_healthy(server)


def test_a_sqlite_file_that_is_garbage(sqlite_copy, make_server):
    database, static_root = sqlite_copy
    server = make_server(f"sqlite:///{database}", static_root, DATABASE_CONN_MAX_AGE="0")
    assert_healthy(server)
    good = database.with_suffix(".good")
    shutil.copy(database, good)
    database.write_bytes(b"this is not a database " * 200)
    try:
        assert_degraded(server)
    finally:
        os.replace(good, database)
    assert_healthy(server)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a chmod 000 file anyway")
def test_an_unreadable_sqlite_file(sqlite_copy, make_server):
    database, static_root = sqlite_copy
    server = make_server(f"sqlite:///{database}", static_root, DATABASE_CONN_MAX_AGE="0")
    assert_healthy(server)
    database.chmod(0)
    try:
        assert_degraded(server)
    finally:
        database.chmod(0o600)
    assert_healthy(server)


def test_a_diagnosis_made_before_the_outage_keeps_working_through_several_refreshes(sqlite_copy, make_server):
    database, static_root = sqlite_copy
    server = make_server(
        f"sqlite:///{database}",
        static_root,
        DATABASE_CONN_MAX_AGE="0",
        ERRORKB_CATALOGUE_REFRESH_SECONDS="0.2",
    )
    assert diagnose(server)[0] == 200
    away = database.with_suffix(".away")
    os.rename(database, away)
    try:
        for _ in range(5):
            assert diagnose(server)[0] == 200
            time.sleep(0.25)
    finally:
        os.replace(away, database)


@pytest.fixture
def private_postgres():
    """A throwaway PostgreSQL cluster of our own (scripts/postgres.sh), so stopping it harms no one."""
    if not (ROOT / "scripts" / "postgres.sh").exists():
        pytest.skip("scripts/postgres.sh is missing")
    if not shutil.which("psql") and not os.path.isdir("/usr/lib/postgresql"):
        pytest.skip("PostgreSQL is not installed here (make test-postgres installs it)")
    home = tempfile.mkdtemp(prefix="errorkb-pg-")
    os.chmod(home, 0o755)  # the cluster runs as the postgres user
    port = str(55000 + os.getpid() % 5000)
    env = {**os.environ, "ERRORKB_PGDATA": os.path.join(home, "data"), "ERRORKB_PGPORT": port}

    def control(command: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["bash", "scripts/postgres.sh", command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )

    started = control("start")
    if started.returncode != 0:
        shutil.rmtree(home, ignore_errors=True)
        pytest.skip(f"a private PostgreSQL could not start: {started.stderr[-500:]}")
    url = control("url").stdout.strip()
    try:
        yield url, control
    finally:
        control("stop")
        shutil.rmtree(home, ignore_errors=True)


def test_the_postgresql_server_stopped_and_started_again(private_postgres, prepared_sqlite, make_server):
    url, control = private_postgres
    _, static_root = prepared_sqlite
    env = server_env(url, static_root=static_root)
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "sync_catalogue")
    server = make_server(url, static_root)
    assert_healthy(server)
    assert control("stop").returncode == 0
    try:
        assert_degraded(server)
    finally:
        assert control("start").returncode == 0
    assert_healthy(server)


def test_workers_build_their_catalogue_at_start_so_diagnosis_survives_an_outage_before_any_call(
    sqlite_copy, make_server
):
    """No diagnose call before the database goes away: every worker built its catalogue when it booted."""
    database, static_root = sqlite_copy
    server = make_server(f"sqlite:///{database}", static_root, workers=2, DATABASE_CONN_MAX_AGE="0")
    away = database.with_suffix(".away")
    os.rename(database, away)
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(lambda _: diagnose(server), range(24)))
    finally:
        os.replace(away, database)
    assert [status for status, _ in answers] == [200] * 24
    assert {result["matches"][0]["code"] for _, result in answers} == {"6010"}
    assert "catalogue not built at start" not in server.output()
