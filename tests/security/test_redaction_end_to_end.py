"""No secret in a paste comes back out: not in the API, the paste page, the command, the logs or the database.

Every case carries freshly generated credentials in one of the shapes pastes hold
them (headers, curl -v lines, query strings, form bodies, JSON fields, Python and
Node reprs, log lines). Each secret is then looked for, whole and as any
12-character piece, in every output of every channel.
"""

from __future__ import annotations

import io
import json
import logging
import random
import string
from pathlib import Path

import pytest
from django.core.management import call_command, get_commands
from django.db import connection

pytestmark = pytest.mark.django_db

RNG = random.Random(20240501)
FIXTURE_TEXT = "".join(
    p.read_text() for p in (Path(__file__).resolve().parents[2] / "fixtures").glob("*.json")
)


def token(n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(RNG.choice(alphabet) for _ in range(n))


def pin() -> str:
    while True:  # a PIN that appears nowhere in the catalogue, so finding it means it leaked
        value = "".join(RNG.choice("123456789") for _ in range(4))
        if value not in FIXTURE_TEXT:
            return value


def secrets_for_case():
    return {
        "key": "rk_live_" + token(32),
        "key2": "rk_live_" + token(24, string.ascii_lowercase + string.digits + "_-"),
        "plainkey": token(30),
        "pin": pin(),
        "hash": token(128, "0123456789abcdef"),
        "bearer": token(40, string.ascii_letters + string.digits + "-._~"),
        "cookie": token(32),
        "basic": token(24) + "==",
    }


CASES = {
    "x-api-key header": 'X-API-KEY: {key}\nContent-Type: application/json\n\n{{"error": "Invalid API key"}}',
    "x-api-key lower-case header": 'x-api-key:{key}\r\n\r\n{{"error": "Unauthorized"}}',
    "authorization bearer": "Authorization: Bearer {bearer}\n\nHTTP/1.1 401 Unauthorized",
    "authorization basic": "Authorization: Basic {basic}\nHTTP/1.1 403 Forbidden",
    "x-data-hash header": "X-Data-Application-Id: 42\nX-Data-Hash: {hash}\n\n"
    '{{"success": false, "error": {{"code": 3000, "message": "Invalid signature"}}}}',
    "cookie header": "Cookie: sessionid={cookie}; csrftoken={key2}\nHTTP/1.1 419",
    "set-cookie header": 'HTTP/1.1 200 OK\nSet-Cookie: session={cookie}; Path=/; HttpOnly\n\n{{"error": "IP not whitelisted"}}',
    "curl -v": "* Connected to rukkyhub.com\n> POST /api/v1/order HTTP/1.1\n> Host: rukkyhub.com\n"
    "> X-API-KEY: {key}\n> Authorization: Bearer {bearer}\n> Cookie: sid={cookie}\n>\n"
    '< HTTP/1.1 403 Forbidden\n< Set-Cookie: sid={cookie}\n<\n{{"error": "Incorrect PIN"}}',
    "curl command line": "curl -X POST https://rukkyhub.com/api/v1/balance -H 'X-API-KEY: {key}' "
    "-H \"X-Data-Hash: {hash}\" -d 'key={key2}&pin={pin}'",
    "query string": "POST https://rukkyhub.com/api/v1/order?key={key}&pin={pin}&service=12 -> 401 "
    '{{"error": "Invalid API key"}}',
    "query string with a plain key": "GET /api/v1/balance?key={plainkey}&pin={pin} HTTP/1.1\n\n"
    '{{"error": "Invalid API key"}}',
    "form body": 'key={key}&pin={pin}&service=4&link=https://example.com\n\n{{"error": "Incorrect PIN"}}',
    "form body with a plain key": "action=order&key={plainkey}&pin={pin}",
    "json fields": '{{"key": "{key}", "pin": "{pin}", "service": 1}}\n{{"error": "Incorrect PIN"}}',
    "json with a plain key and numeric pin": '{{"key":"{plainkey}","pin":{pin},"api_key":"{key2}"}}',
    "nested json": '{{"request": {{"headers": {{"X-API-KEY": "{key}", "X-Data-Hash": "{hash}"}}, '
    '"body": {{"pin": "{pin}"}}}}, "response": {{"error": "Insufficient balance"}}}}',
    "python repr": "requests.exceptions.HTTPError: 403 Client Error\n"
    "{{'headers': {{'X-API-KEY': '{key}', 'Authorization': 'Bearer {bearer}'}}, "
    "'data': {{'key': '{key2}', 'pin': '{pin}'}}}}",
    "python kwargs repr": "call(url='https://rukkyhub.com/api/v1/order', key='{key}', pin='{pin}')",
    "node inspect": "AxiosError: Request failed with status code 401\n  config: {{\n"
    "    headers: {{ 'X-API-KEY': '{key}', 'x-data-hash': '{hash}', Cookie: 'sid={cookie}' }},\n"
    '    data: \'{{"key":"{key2}","pin":"{pin}"}}\'\n  }}',
    "log line": "2024-05-01T12:00:00Z ERROR rukkyhub call failed key={key} pin={pin} hash={hash} "
    'status=401 body={{"error": "Invalid API key"}}',
    "log line with a bare key": "[worker-3] retrying with {key} after 'Rate limit exceeded' (reset_in=37)",
    "php dump": 'array(2) {{ ["key"]=> string(40) "{key}" ["pin"]=> string(4) "{pin}" }}',
    "123hub signature in a log line": "payment.status failed: code 3000 hash={hash} app=42",
    "123hub signature in a JSON dump": '{{"method": "balance.get", "signature": "{hash}"}}\n'
    '{{"success": false, "error": {{"code": 3000, "message": "Invalid signature"}}}}',
    "a key inside a field name": 'config.{key}.api_key = "{plainkey}"\n{key2}-token: {bearer}',
    "escaped json in a log": '"payload": "{{\\"key\\": \\"{key}\\", \\"pin\\": \\"{pin}\\"}}"',
}


def make_cases():
    cases = []
    for name, template in CASES.items():
        values = secrets_for_case()
        paste = template.format(**values)
        secrets = [v for k, v in values.items() if "{" + k + "}" in template]
        cases.append((name, paste, secrets))
    return cases


ALL_CASES = make_cases()
TRIED = {"secrets": 0, "checks": 0}


def leaks(output: str, secrets: list[str]) -> list[str]:
    """The secrets found in `output`, whole or as a 12-character piece of a long one."""
    found = []
    for secret in secrets:
        TRIED["checks"] += 1
        pieces = [secret] + (
            [secret[i : i + 12] for i in range(len(secret) - 11)] if len(secret) > 16 else []
        )
        if any(piece in output for piece in pieces):
            found.append(secret)
    return found


def assert_clean(channel: str, output: str, secrets: list[str]) -> None:
    leaked = leaks(output, secrets)
    assert not leaked, f"{channel} echoed {leaked}"


@pytest.fixture
def all_logs(caplog, capfd):
    """Everything logged at DEBUG (caplog) and everything written to stdout/stderr by the handlers."""
    caplog.set_level(logging.DEBUG)
    yield lambda: caplog.text + "".join(capfd.readouterr())


@pytest.mark.parametrize("name,paste,secrets", ALL_CASES, ids=[c[0] for c in ALL_CASES])
def test_the_api_redacts(client, name, paste, secrets, all_logs):
    TRIED["secrets"] += len(secrets)
    for payload, content_type in ((json.dumps({"body": paste}), "application/json"), (paste, "text/plain")):
        response = client.post("/api/v1/diagnose", payload, content_type=content_type)
        assert response.status_code == 200
        result = response.json()
        assert result["redactions"], f"{name}: nothing reported redacted"
        assert "[REDACTED]" in result["redacted_text"]
        assert_clean(f"/api/v1/diagnose ({content_type})", response.content.decode(), secrets)
        assert_clean("response headers", str(response.headers), secrets)
    assert_clean("logs", all_logs(), secrets)


def test_the_batch_redacts(client, all_logs):
    items = [{"body": paste} for _, paste, _ in ALL_CASES]
    secrets = [s for _, _, case_secrets in ALL_CASES for s in case_secrets]
    TRIED["secrets"] += len(secrets)
    response = client.post("/api/v1/diagnose/batch", json.dumps(items), content_type="application/json")
    assert response.status_code == 200
    assert len(response.json()) == len(items)
    assert_clean("/api/v1/diagnose/batch", response.content.decode(), secrets)
    assert_clean("logs", all_logs(), secrets)


@pytest.mark.parametrize("name,paste,secrets", ALL_CASES, ids=[c[0] for c in ALL_CASES])
def test_the_paste_page_redacts(client, name, paste, secrets, all_logs):
    TRIED["secrets"] += len(secrets)
    page = client.post("/diagnose", {"body": paste})
    assert page.status_code == 200
    assert_clean("the paste page", page.content.decode(), secrets)
    fragment = client.post("/diagnose", {"body": paste}, HTTP_X_REQUESTED_WITH="fetch")
    assert fragment.status_code == 200
    assert_clean("the paste page fragment", fragment.content.decode(), secrets)
    assert_clean("logs", all_logs(), secrets)


def test_the_diagnose_command_redacts(tmp_path, all_logs, monkeypatch):
    if "diagnose" not in get_commands():
        pytest.fail("there is no `manage.py diagnose` command to check")
    for name, paste, secrets in ALL_CASES:
        TRIED["secrets"] += len(secrets)
        path = tmp_path / "paste.txt"
        path.write_text(paste)
        out, err = io.StringIO(), io.StringIO()
        call_command("diagnose", str(path), "--json", stdout=out, stderr=err)
        json.loads(out.getvalue())
        assert_clean(f"manage.py diagnose --json ({name})", out.getvalue() + err.getvalue(), secrets)
        monkeypatch.setattr("sys.stdin", io.StringIO(paste))
        out = io.StringIO()
        call_command("diagnose", "-", "--json", stdout=out, stderr=err)
        assert_clean(f"manage.py diagnose --json < paste ({name})", out.getvalue() + err.getvalue(), secrets)
    assert_clean("logs", all_logs(), [s for _, _, secrets in ALL_CASES for s in secrets])


def test_an_engine_failure_echoes_nothing(client, monkeypatch, all_logs, settings):
    """A crash whose message quotes the paste is answered and logged without it."""
    name, paste, secrets = next(case for case in ALL_CASES if case[0] == "curl -v")

    def crash(text, *args, **kwargs):
        raise ValueError(f"could not read {text!r}")

    monkeypatch.setattr("errorkb.diagnosis.memo.answer", crash)
    response = client.post("/api/v1/diagnose", json.dumps({"body": paste}), content_type="application/json")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"]
    assert_clean("a 500 problem", response.content.decode(), secrets)
    logs = all_logs()
    assert "ValueError" in logs  # the stack is logged, the message quoting the paste is not
    assert "Connected to rukkyhub.com" not in logs
    assert_clean("the 500 log", logs, secrets)


def test_no_paste_is_written_to_the_database(client):
    marker = "paste-marker-" + token(20)
    for _, paste, _ in ALL_CASES:
        body = f"{marker}\n{paste}"
        client.post("/api/v1/diagnose", json.dumps({"body": body}), content_type="application/json")
        client.post("/api/v1/diagnose/batch", json.dumps([{"body": body}]), content_type="application/json")
        client.post("/diagnose", {"body": body})
        client.post("/diagnose", {"body": body}, HTTP_X_REQUESTED_WITH="fetch")
    needles = [marker] + [s for _, _, secrets in ALL_CASES for s in secrets if len(s) > 8]
    rows = 0
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                rows += 1
                text = " ".join(
                    value.decode("utf-8", "replace") if isinstance(value, bytes | memoryview) else str(value)
                    for value in (bytes(v) if isinstance(v, memoryview) else v for v in row)
                )
                found = [n for n in needles if n in text]
                assert not found, f"table {table} holds {found}"
    assert rows > 100  # the scan saw the catalogue


def test_zz_report_how_many_secrets_were_tried():
    """The suite covers at least 50 distinct secrets; prints the counts (xdist may split the checks)."""
    assert sum(len(c[2]) for c in ALL_CASES) >= 50
    print(
        f"\nredaction: {len(ALL_CASES)} paste shapes, {sum(len(c[2]) for c in ALL_CASES)} distinct secrets; "
        f"{TRIED['secrets']} secrets sent, {TRIED['checks']} output checks in this process"
    )
