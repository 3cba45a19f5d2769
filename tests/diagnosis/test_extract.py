"""Extraction: what the engine reads out of messy pastes (bodies, dumps, logs, reprs, PHP output)."""

from __future__ import annotations

import json

from errorkb.diagnosis.extract import extract, find_windows
from errorkb.diagnosis.jsonish import Budget, parse_at, parse_print_r
from errorkb.diagnosis.text import ascii_lower

HUB = {
    "success": False,
    "error": {"code": 6010, "message": "Payment does not exist", "details": None, "context": None},
    "request_id": "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
    "processing_time": 5,
}


def only_unit(catalogue, text: str):
    found = extract(text, catalogue)
    assert len(found.units) == 1, [(u.kind, u.codes, u.messages) for u in found.units]
    return found.units[0]


def codes(unit) -> list[str]:
    return [c.value for c in unit.codes]


def messages(unit) -> list[str]:
    return [m.text for m in unit.messages]


def test_it_reads_the_123hub_envelope_with_a_numeric_or_string_code(catalogue):
    for code in (6010, "6010"):
        body = json.dumps({**HUB, "error": {**HUB["error"], "code": code}})
        unit = only_unit(catalogue, body)
        assert codes(unit) == ["6010"]
        assert messages(unit) == ["Payment does not exist"]
        assert unit.context["request_id"] == HUB["request_id"]
        assert unit.context["processing_time"] == 5
        assert "123hub" in unit.provider_reasons


def test_it_reads_rukkyhub_error_and_errors_together_with_extra_fields(catalogue):
    body = {"error": "Rate limit exceeded", "errors": {"plan": ["Upgrade for more requests"]}, "reset_in": 37}
    unit = only_unit(catalogue, json.dumps(body, indent=4))
    assert messages(unit)[0] == "Rate limit exceeded"
    assert unit.field_errors == {"plan": ["Upgrade for more requests"]}
    assert unit.context["reset_in"] == 37


def test_it_repairs_trailing_commas_single_quotes_and_python_literals(catalogue):
    pastes = [
        '{"error": {"code": 3003, "message": "The app does not exist",},}',
        "{'success': False, 'error': {'code': 3003, 'message': 'The app does not exist', 'details': None}}",
    ]
    for paste in pastes:
        assert codes(only_unit(catalogue, paste)) == ["3003"]


def test_it_reads_a_body_logged_inside_a_json_string_once_or_twice_escaped(catalogue):
    body = json.dumps(HUB)
    once = json.dumps({"level": "error", "body": body})
    twice = json.dumps({"message": "upstream", "payload": json.dumps(body)})
    for paste in (once, twice, f'2026-01-14 ERROR response="{json.dumps(body)[1:-1]}"'):
        assert codes(only_unit(catalogue, paste)) == ["6010"]


def test_it_takes_the_status_and_rate_limit_headers_of_an_http_dump(catalogue):
    paste = (
        "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nX-RateLimit-Limit: 60\r\n"
        "X-RateLimit-Remaining: 0\r\nRetry-After: 41\r\n\r\n" + json.dumps({"error": "Rate limit exceeded"})
    )
    unit = only_unit(catalogue, paste)
    assert unit.status == 429
    assert unit.rate_limit == {"X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "0", "Retry-After": "41"}


def test_it_reads_http2_and_curl_verbose_transcripts(catalogue):
    paste = (
        "* Connected to rukkyhub.com (104.21.48.3) port 443 (#0)\n> POST /api/v1 HTTP/2\n> Host: rukkyhub.com\n>\n"
        "< HTTP/2 403\n< content-type: application/json\n<\n" + json.dumps({"error": "Incorrect PIN"}) + "\n"
    )
    found = extract(paste, catalogue)
    assert [u.status for u in found.units] == [403]
    assert {host for _, host, _ in found.hosts} == {"rukkyhub.com"}
    assert messages(found.units[0]) == ["Incorrect PIN"]


def test_it_reads_a_guzzle_message_with_a_body_cut_at_120_bytes(catalogue):
    body = json.dumps(HUB, separators=(",", ":"))[:120]
    paste = f"Client error: `POST https://api.123hub.pro/v1` resulted in a `400 Bad Request` response:\n{body} (truncated...)\n"
    unit = only_unit(catalogue, paste)
    assert codes(unit) == ["6010"]
    assert unit.status == 400


def test_it_reads_the_body_in_a_laravel_exception_context(catalogue):
    guzzle = (
        "Client error: `POST https://api.123hub.pro/v1` resulted in a `400 Bad Request` response:\n"
        + json.dumps(HUB, separators=(",", ":"))[:120]
        + " (truncated...)\n"
    )
    context = {
        "exception": f"[object] (GuzzleHttp\\Exception\\ClientException(code: 400): {guzzle} at /var/www/x.php:113)"
    }
    paste = f"[2026-01-14 10:00:00] production.ERROR: {guzzle} {json.dumps(context)} []\n"
    found = extract(paste, catalogue)
    assert {c for u in found.units for c in codes(u)} == {"6010"}
    assert found.units[0].status == 400


def test_it_reads_a_requests_http_error_and_the_printed_body(catalogue):
    paste = (
        "requests.exceptions.HTTPError: 400 Client Error: Bad Request for url: https://rukkyhub.com/api/v1?key=[REDACTED]\n"
        ">>> r.json()\n{'error': 'Invalid Service Id'}\n"
    )
    unit = only_unit(catalogue, paste)
    assert unit.status == 400
    assert "Invalid Service Id" in messages(unit)


def test_it_reads_a_node_inspect_dump_with_joined_strings_and_object_placeholders(catalogue):
    paste = (
        "AxiosError: Request failed with status code 400\n{\n  code: 'ERR_BAD_REQUEST',\n"
        "  config: { headers: Object [AxiosHeaders] { Accept: 'application/json' }, transformRequest: [ [Function: t] ] },\n"
        '  response: {\n    status: 400,\n    data: \'{"success":false,"error":{"code":7001,"message":"Error of \' +\n'
        '      \'interaction between payment provider and payment system"},"request_id":"r1","processing_time":9}\'\n  }\n}\n'
    )
    found = extract(paste, catalogue)
    assert "7001" in {c for u in found.units for c in codes(u)}
    assert "Error of interaction between payment provider and payment system" in {
        m for u in found.units for m in messages(u)
    }


def test_it_reads_php_print_r_and_var_dump(catalogue):
    print_r = "Array\n(\n    [error] => Insufficient balance\n    [errors] => Array\n        (\n            [balance] => Array\n                (\n                    [0] => Too low\n                )\n\n        )\n\n)\n"
    unit = only_unit(catalogue, print_r)
    assert messages(unit)[0] == "Insufficient balance"
    assert unit.field_errors == {"balance": ["Too low"]}
    var_dump = 'array(2) {\n  ["success"]=>\n  bool(false)\n  ["error"]=>\n  array(2) {\n    ["code"]=>\n    int(6009)\n    ["message"]=>\n    string(22) "Payment already exists"\n  }\n}\n'
    assert codes(only_unit(catalogue, var_dump)) == ["6009"]


def test_it_reads_codes_and_messages_from_log_lines_and_logfmt(catalogue):
    unit = only_unit(catalogue, 'time="2026-01-14" level=error msg="hub failed" code=6002 request_id=r-77\n')
    assert codes(unit) == ["6002"]
    assert unit.context["request_id"] == "r-77"
    log = "2026-01-14 10:00:00 INFO worker started, polling the queue every 5 s\n" * 8
    line = only_unit(
        catalogue,
        log + "2026-01-14 10:00:01 WARN order 5521 rejected: Insufficient balance (wallet 120.50)\n",
    )
    assert [p.entry.code for p in line.phrases] == ["low-balance"]
    assert line.line == 9


def test_numbers_in_dates_ports_ips_and_uuids_are_not_codes(catalogue):
    pastes = [
        "2026-01-14 10:00:01.6010 INFO heartbeat ok",
        "connect ECONNREFUSED 127.0.0.1:6010",
        "client 192.168.60.10 connected",
        "request a1b2c3d4-6010-4abc-9000-ef1234567890 done",
        "SQLSTATE[HY000] [2002] Connection refused",
    ]
    for paste in pastes:
        assert not any(u.codes for u in extract(paste, catalogue).units), paste


def test_a_bare_code_or_message_is_a_unit_of_its_own(catalogue):
    assert codes(only_unit(catalogue, "  6010\n")) == ["6010"]
    assert codes(only_unit(catalogue, "error 7002")) == ["7002"]
    assert messages(only_unit(catalogue, "Error: Insuficient balence"))[-1] == "Insuficient balence"


def test_an_html_gateway_page_gives_a_status_but_no_error_body(catalogue):
    page = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>"
    found = extract(page, catalogue)
    assert [s for _, s, _ in found.statuses] == [502]
    assert not any(u.codes for u in found.units)


def test_it_finds_every_error_of_a_log_excerpt_with_its_line(catalogue):
    log = "\n".join(
        [
            '[10:00:01] ERROR {"response":{"error":"Insufficient balance"}}',
            "[10:00:02] INFO ok",
            '[10:00:03] ERROR {"response":{"error":"Rate limit exceeded","reset_in":12}}',
        ]
    )
    units = extract(log, catalogue).units
    assert [(u.line, u.messages[0].text) for u in units] == [
        (1, "Insufficient balance"),
        (3, "Rate limit exceeded"),
    ]


def test_the_tolerant_reader_survives_deep_nesting_and_huge_numbers():
    deep = '{"a":' * 5_000 + "1" + "}" * 5_000
    parsed = parse_at(deep, 0, len(deep), Budget(1_000_000, 10))
    assert parsed is not None and isinstance(parsed.value, dict)
    huge = '{"code": ' + "7" * 1_000_000 + ', "message": "x"}'
    parsed = parse_at(huge, 0, len(huge), Budget(1_000_000, 10))
    assert parsed.value["message"] == "x"
    assert isinstance(parsed.value["code"], str)


def test_the_print_r_reader_turns_numbered_keys_back_into_lists():
    text = "Array\n(\n    [errors] => Array\n        (\n            [0] => a\n            [1] => b\n        )\n\n)\n"
    assert parse_print_r(text, 0, len(text)).value == {"errors": ["a", "b"]}


def test_only_the_lines_around_signals_of_a_huge_log_are_read(catalogue):
    filler = "\n".join(
        f"2026-01-14 10:00:{i % 60:02d} INFO served /orders/{i} in {i % 97} ms" for i in range(40_000)
    )
    paste = filler + '\n[ERROR] {"error":"Insufficient balance"}\n' + filler
    windows, cut_short = find_windows(ascii_lower(paste), catalogue)
    assert not cut_short
    assert len(windows) == 1
    start, end = windows[0]
    assert end - start < 20_000
    assert "Insufficient balance" in paste[start:end]
