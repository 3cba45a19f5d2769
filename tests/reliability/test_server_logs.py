"""What `make serve` writes (gunicorn's access and error log, Django's log lines) holds no paste secret."""

import json
import re
import urllib.parse

import pytest

from .servers import Browser

pytestmark = pytest.mark.slow

KEY = "rk_live_LogLeak7Gh2Kd9Qm4Zp1Xw"
HASH = "5e" * 64
PASTE = f'> X-API-KEY: {KEY}\n> X-Data-Hash: {HASH}\n< HTTP/1.1 403 Forbidden\n\n{{"error": "Incorrect PIN"}}'


def test_the_served_log_holds_no_secret_and_names_request_ids(sqlite_copy, make_server):
    database, static_root = sqlite_copy
    server = make_server(f"sqlite:///{database}", static_root)  # the Makefile's gunicorn options
    json_headers = {"Content-Type": "application/json"}
    assert server.request("POST", "/api/v1/diagnose", json.dumps({"body": PASTE}), json_headers)[0] == 200
    assert server.request("POST", "/api/v1/diagnose", PASTE, {"Content-Type": "text/plain"})[0] == 200
    assert (
        server.request("POST", "/api/v1/diagnose/batch", json.dumps([{"body": PASTE}]), json_headers)[0]
        == 200
    )
    assert server.request("POST", "/api/v1/diagnose", "{" + PASTE, json_headers)[0] == 400
    browser = Browser(server.url)
    fields = dict(browser.form("/diagnose"))
    fields["body"] = PASTE
    status, _, html = browser.open("/diagnose", list(fields.items()))
    assert status == 200 and KEY not in html
    quoted = urllib.parse.quote_plus(PASTE)
    for path in (
        f"/diagnose?body={quoted}",
        f"/search?q={urllib.parse.quote_plus(KEY)}",
        f"/api/v1/errors?search={urllib.parse.quote_plus(KEY)}",
    ):
        server.request("GET", path, headers={"Referer": f"{server.url}/diagnose?body={quoted}"})
    server.stop()
    log = server.output()
    assert "POST /api/v1/diagnose" in log  # the access log is on, as `make serve` has it
    assert re.search(r"POST /api/v1/diagnose .* id=[0-9a-f]{32}", log), "access lines name the request id"
    for secret in (KEY, HASH, KEY[8:], HASH[:32]):
        assert secret not in log, f"the server log holds {secret[:12]}…:\n" + "\n".join(
            line[:200] for line in log.splitlines() if secret in line
        )
