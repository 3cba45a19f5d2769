"""Redaction: secrets are cut out of a paste before anything looks at it, and never come back."""

from __future__ import annotations

import json

import pytest

from errorkb.diagnosis import diagnose
from errorkb.diagnosis.redact import REDACTED

KEY = "rk_live_9f8e7d6c5b4a3210"


def redact(catalogue, text: str):
    return catalogue.redactor.redact(text)


def wheres(result) -> set[str]:
    return {r.where for r in result.redactions}


def test_it_redacts_an_api_key_header_in_a_curl_transcript(catalogue):
    result = redact(catalogue, f"> POST /api/v1 HTTP/1.1\n> X-API-KEY: {KEY}\n> Accept: */*\n")
    assert KEY not in result.text
    assert f"> X-API-KEY: {REDACTED}" in result.text
    assert "X-API-KEY header" in wheres(result)
    assert {r.kind for r in result.redactions} == {"api_key"}


def test_it_keeps_the_authorization_scheme_and_cuts_the_credential(catalogue):
    result = redact(
        catalogue, "Authorization: Bearer eyJhbGciOi.payload.sig\nProxy-Authorization: Basic dXNlcjpwYXNz\n"
    )
    assert "Authorization: Bearer [REDACTED]" in result.text
    assert "Proxy-Authorization: Basic [REDACTED]" in result.text
    assert "eyJhbGciOi" not in result.text and "dXNlcjpwYXNz" not in result.text
    assert {r.kind for r in result.redactions} == {"authorization"}


def test_it_redacts_cookies_in_both_directions(catalogue):
    result = redact(
        catalogue, "> Cookie: session=abc123; csrftoken=xyz\n< Set-Cookie: laravel_session=eyJpdiI6; path=/\n"
    )
    assert "abc123" not in result.text and "laravel_session=eyJpdiI6" not in result.text
    assert {r.kind for r in result.redactions} == {"cookie"}


@pytest.mark.parametrize(
    ("paste", "secret", "where"),
    [
        (f"GET https://rukkyhub.com/api/v1?key={KEY}&action=balance", KEY, "key= in the query string"),
        ("action=buy&network=mtn&pin=4821&amount=500", "4821", "pin= in a form body"),
        ('{"key": "' + KEY + '", "action": "balance"}', KEY, "key field"),
        ("{'api_key': 'sk_abc_123456', 'pin': '9931'}", "9931", "pin field"),
        ('  ["pin"]=>\n  string(4) "7314"', "7314", "pin in a PHP dump"),
        ("    [pin] => 5519", "5519", "pin in a PHP dump"),
        ("curl -H 'X-API-KEY: abcdef123456' https://rukkyhub.com/api/v1", "abcdef123456", "X-API-KEY header"),
        ("headers: { 'X-Data-Hash': '9f2c4e1a0b7d' }", "9f2c4e1a0b7d", "X-Data-Hash header"),
        ("DATABASE_URL=postgres://app:s3cr3tpw@db:5432/app", "s3cr3tpw", "password in a URL"),
        ('{"password": "correct horse battery staple"}', "correct horse battery staple", "password field"),
        ("csrf_token=9c8b7a6d5e4f", "9c8b7a6d5e4f", "…token= in a form body"),
    ],
)
def test_it_redacts_secret_fields_in_every_shape_a_paste_holds_them(catalogue, paste, secret, where):
    result = redact(catalogue, paste)
    assert secret not in result.text
    assert REDACTED in result.text
    assert where in wheres(result)


def test_it_redacts_fields_inside_json_logged_as_a_string(catalogue):
    once = json.dumps(json.dumps({"key": KEY, "pin": "1234"}))
    twice = json.dumps(once)
    for paste in (once, twice):
        result = redact(catalogue, f"payload={paste}")
        assert KEY not in result.text
        assert "1234" not in result.text


def test_a_provider_key_format_is_redacted_anywhere_and_says_whose_it_is(catalogue):
    result = redact(catalogue, f"Failed with key {KEY} (copied from the dashboard)")
    assert KEY not in result.text
    assert result.providers == {"rukkyhub"}
    assert any("rk_live_" in r.where and "RukkyHub" in r.where for r in result.redactions)


def test_a_bearer_token_is_redacted_anywhere(catalogue):
    result = redact(catalogue, "retrying with bearer abcdefghijklmnop1234 after 401")
    assert "abcdefghijklmnop1234" not in result.text
    assert "Bearer token" in wheres(result)


def test_it_leaves_documented_messages_and_empty_values_alone(catalogue):
    text = 'The api key field is required\n{"key": null, "pin": "", "token": None}\nmonkey: banana'
    result = redact(catalogue, text)
    assert result.text == text
    assert result.redactions == ()


def test_a_redaction_is_described_without_any_text_of_the_paste(catalogue):
    glued = [f"{KEY}X-API-KEY: value1", f"x{KEY}_token=value2", "Sup3rS3cretPrefix-Auth-Token: value3"]
    for paste in glued:
        result = redact(catalogue, paste)
        described = " ".join(r.where for r in result.redactions)
        assert KEY not in described and "Sup3rS3cret" not in described
        assert "value" not in result.text


def test_it_names_each_kind_and_place_once(catalogue):
    result = redact(catalogue, "key=a1b2c3d4\nkey=e5f6g7h8\nkey=i9j0k1l2\n")
    assert [r.where for r in result.redactions] == ["key= in a form body"]


def test_it_maps_positions_between_the_paste_and_the_redacted_text(catalogue):
    text = "before key=secret123 after"
    result = redact(catalogue, text)
    after = result.text.index("after")
    assert result.to_original(after) == text.index("after")
    assert result.to_redacted(text.index("after")) == after


def test_no_secret_reaches_any_part_of_a_diagnosis(catalogue):
    paste = (
        "$ curl -v https://rukkyhub.com/api/v1 -H 'Authorization: Bearer tok_live_123456789' "
        f"-d 'key={KEY}&pin=4821&action=airtime'\n"
        f"> X-API-KEY: {KEY}\n> Cookie: sid=cookie-secret-77\n< HTTP/1.1 403 Forbidden\n<\n"
        '{"error": "Incorrect PIN", "errors": {"pin": ["pin 4821 is wrong"]}, "key": "' + KEY + '"}'
    )
    result = diagnose(paste, catalogue)
    dumped = json.dumps(result.to_dict())
    for secret in (KEY, "tok_live_123456789", "cookie-secret-77"):
        assert secret not in dumped
    assert "pin=4821" not in dumped
    assert result.matches[0].entry.code == "wrong-pin"
    kinds = {r["kind"] for r in result.to_dict()["redactions"]}
    assert {"api_key", "pin", "authorization", "cookie"} <= kinds


def test_the_diagnosis_object_keeps_no_secret_either(catalogue):
    result = diagnose(f'{{"error": "Invalid api key", "key": "{KEY}"}}', catalogue)
    held = repr(result) + result.redacted_text
    assert KEY not in held


@pytest.mark.parametrize(
    "paste, secret",
    [
        ("pin=1234&key=rk_live_zzz&action=order", "1234"),
        ("pin=4321", "4321"),
        ("PIN: 9876", "9876"),
        ("key=abcdef123&action=balance", "abcdef123"),
        ("password=hunter2", "hunter2"),
    ],
)
def test_it_redacts_a_secret_field_at_the_very_start_of_the_paste(catalogue, paste, secret):
    result = diagnose(paste, catalogue).to_dict()
    assert secret not in json.dumps(result)
    assert result["redactions"]


def test_a_key_format_gate_never_hides_a_key():
    """The gate that spares the scan for loose key formats (no literal start) only ever says
    'cannot match' when the format indeed does not match, wherever a key sits in the text."""
    import random
    import re

    from errorkb.diagnosis.redact import _run_gate

    rng = random.Random(7)
    for pattern in (r"\b[0-9a-fA-F]{128}\b", r"(?P<a>\b[A-Z]{2}[0-9]{20,}x)|(?P<b>sk_[a-z]{30})", r"[ab]{16}"):
        regex = re.compile(pattern)
        gate, stride = _run_gate(pattern)
        for _ in range(3_000):
            alphabet = "0123456789abcdefABCDEFxsk_"
            text = "".join(
                rng.choice(alphabet) if rng.random() < 0.98 else rng.choice(' \n"{:,') for _ in range(rng.randrange(400))
            )
            if gate.search(text[::stride]) is None:
                assert regex.search(text) is None, (pattern, text)
        key = "".join(rng.choice("0123456789abcdef") for _ in range(128))
        if regex.fullmatch(key):
            assert gate.search(f'{{"key": "{key}"}}'[::stride]) is not None
    # Formats it cannot bound are always tried.
    assert _run_gate(r"\w{40}") is None
    assert _run_gate(r"(?i)[a-f]{40}") is None
    assert _run_gate(r"[^x]{40}") is None
