"""An edit made in the real admin survives `make setup`, a restart and an export → import round trip."""

from __future__ import annotations

import json
import sqlite3

import pytest

from .servers import Browser, manage, server_env, setup_steps

pytestmark = pytest.mark.slow

PASSWORD = "curator-pw-for-tests-only"
TITLE = "Payment not found (curated: check the p_id you sent)"
REMEDY = ["Check the p_id, c_id or h_id you sent.", "Curated step <b>kept</b> as text."]


def entry_pk(database, provider: str, code: str) -> int:
    with sqlite3.connect(database) as connection:
        return connection.execute(
            "SELECT e.id FROM catalogue_errorentry e JOIN catalogue_provider p ON p.id = e.provider_id "
            "WHERE p.slug = ? AND e.code = ?",
            (provider, code),
        ).fetchone()[0]


def assert_curated(server) -> None:
    status, _, body = server.request("GET", "/api/v1/errors/123hub/6010")
    assert status == 200
    entry = json.loads(body)
    assert entry["title"] == TITLE
    assert entry["remedy"] == REMEDY
    status, _, page = server.request("GET", "/123hub/6010")
    assert status == 200
    assert "Payment not found (curated: check the p_id you sent)" in page.decode()
    assert "Curated step &lt;b&gt;kept&lt;/b&gt; as text." in page.decode()


def test_an_admin_edit_survives_setup_restart_and_an_export_import_round_trip(
    sqlite_copy, make_server, tmp_path
):
    database, static_root = sqlite_copy
    url = f"sqlite:///{database}"
    env = server_env(url, static_root=static_root, DJANGO_SUPERUSER_PASSWORD=PASSWORD)
    manage(env, "createsuperuser", "--no-input", "--username", "curator", "--email", "c@example.com")
    server = make_server(url, static_root, workers=2)

    # The edit, through the real admin form, logged in.
    browser = Browser(server.url)
    browser.log_in("curator", PASSWORD)
    change = f"/admin/catalogue/errorentry/{entry_pk(database, '123hub', '6010')}/change/"
    fields = [(k, v) for k, v in browser.form(change) if k not in ("title", "remedy")]
    fields += [("title", TITLE), ("remedy", json.dumps(REMEDY)), ("_save", "Save")]
    status, landed, html = browser.open(change, fields)
    assert status == 200 and landed.endswith("/admin/catalogue/errorentry/"), html[:2000]
    assert_curated(server)

    # `make setup` again (migrate, sync_catalogue, collectstatic) against the same file.
    server.stop()
    _, synced, _ = setup_steps(server.env)
    assert "0 conflicts" in synced.stdout and "0 overwritten" in synced.stdout, synced.stdout
    server.start()  # the restart
    assert_curated(server)

    # A diagnosis reaches the curated text too: the workers' snapshots were rebuilt.
    status, _, body = server.request(
        "POST", "/api/v1/diagnose", json.dumps({"body": "6010"}), {"Content-Type": "application/json"}
    )
    assert status == 200
    assert json.loads(body)["matches"][0]["title"] == TITLE

    # Export, a fresh database, import: the same catalogue, byte for byte.
    exported = tmp_path / "exported"
    manage(server.env, "export_catalogue", "--output", str(exported))
    files = sorted(exported.glob("*.json"))
    assert files
    fresh = tmp_path / "fresh.sqlite3"
    fresh_env = server_env(f"sqlite:///{fresh}", static_root=static_root)
    manage(fresh_env, "migrate", "--no-input", "-v", "0")
    manage(fresh_env, "sync_catalogue", *map(str, files))
    again = tmp_path / "again"
    manage(fresh_env, "export_catalogue", "--output", str(again))
    for path in files:
        assert (again / path.name).read_text() == path.read_text(), path.name
    fresh_server = make_server(f"sqlite:///{fresh}", static_root)
    assert_curated(fresh_server)
