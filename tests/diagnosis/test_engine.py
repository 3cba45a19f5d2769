"""diagnose(): what a support engineer is told about a paste, and the to_dict() contract."""

from __future__ import annotations

import json
import random

import pytest

from errorkb.diagnosis import Catalogue, Diagnosis, ProviderUnknown, diagnose

HUB_BODY = json.dumps(
    {
        "success": False,
        "error": {"code": 6010, "message": "Payment does not exist", "details": None, "context": None},
        "request_id": "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
        "processing_time": 5,
    }
)
KEYS = [
    "provider",
    "http_status",
    "category",
    "matches",
    "ambiguous",
    "context",
    "advice",
    "redactions",
    "redacted_text",
    "highlights",
    "errors",
    "summary",
]


def top(result: Diagnosis):
    match = result.matches[0]
    return match.entry.provider, match.entry.code


def hub(code: int, message: str, **extra) -> str:
    error = {"code": code, "message": message, "details": extra.pop("details", None), "context": None}
    return json.dumps(
        {"success": False, "error": error, "request_id": extra.pop("request_id", "r-1"), "processing_time": 3}
    )


def test_to_dict_keeps_the_contract_keys(catalogue):
    answer = diagnose(HUB_BODY, catalogue).to_dict()
    assert list(answer) == KEYS
    assert set(answer["matches"][0]) >= {
        "provider",
        "code",
        "kind",
        "title",
        "message",
        "http_status",
        "retryable",
        "confidence",
        "reasons",
        "params",
        "url",
    }
    assert set(answer["advice"]) == {"retry", "strategy", "retry_after_seconds", "summary", "steps"}
    assert answer["category"] == {
        "provider": "123hub",
        "slug": answer["category"]["slug"],
        "name": "Payment errors",
        "range": "6xxx",
        "range_start": 6000,
        "range_end": 6999,
    }
    json.dumps(answer)


def test_it_diagnoses_a_123hub_envelope_with_reasons_and_context(catalogue):
    result = diagnose(HUB_BODY, catalogue)
    assert top(result) == ("123hub", "6010")
    assert result.provider == "123hub"
    assert result.matches[0].confidence >= 0.9
    assert "error.code 6010 is 123hub code 6010" in result.matches[0].reasons
    assert "message matches exactly" in result.matches[0].reasons
    assert result.context["request_id"] == "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
    assert result.context["error_code"] == "6010"
    assert result.advice.retry is False
    assert any("a1b2c3d4-e5f6-7890-abcd-ef1234567890" in step for step in result.advice.steps)


def test_a_numbered_code_beats_a_message_that_points_elsewhere(catalogue):
    result = diagnose(hub(6004, "Insufficient balance"), catalogue)
    assert top(result) == ("123hub", "6004")
    assert any("reads like RukkyHub" in r for r in result.matches[0].reasons)
    others = {(m.entry.provider, m.entry.code): m.confidence for m in result.matches[1:]}
    assert others.get(("rukkyhub", "low-balance"), 0) < 0.5


def test_a_documented_message_beats_the_http_status_entry(catalogue):
    result = diagnose('HTTP/1.1 403 Forbidden\nHost: rukkyhub.com\n\n{"error": "Incorrect PIN"}', catalogue)
    assert top(result) == ("rukkyhub", "wrong-pin")
    status_entries = [m for m in result.matches if m.entry.kind == "http_status"]
    assert status_entries and all(m.confidence < 0.5 for m in status_entries)


def test_the_http_status_entry_is_the_answer_when_nothing_else_is_there(catalogue):
    result = diagnose("< HTTP/2 429\n< host: rukkyhub.com\n< retry-after: 30\n", catalogue)
    assert top(result) == ("rukkyhub", "429")
    assert result.matches[0].confident
    assert result.advice.retry_after_seconds == 30
    assert result.context["rate_limit"] == {"Retry-After": "30"}


def test_an_agreeing_status_raises_confidence_and_a_contradicting_one_lowers_it(catalogue):
    plain = diagnose(hub(6010, "Payment does not exist"), catalogue).matches[0]
    agreeing = diagnose(
        "HTTP/1.1 400 Bad Request\n\n" + hub(6010, "Payment does not exist"), catalogue
    ).matches[0]
    contradicting = diagnose(
        "HTTP/1.1 404 Not Found\n\n" + hub(6010, "Payment does not exist"), catalogue
    ).matches[0]
    assert "HTTP 400 agrees with the documented status" in agreeing.reasons
    assert "HTTP 404 contradicts the documented status 400" in contradicting.reasons
    assert contradicting.confidence < plain.confidence <= agreeing.confidence
    assert contradicting.confident


def test_a_status_from_a_provider_that_sends_errors_with_200_is_not_held_against_it(catalogue):
    result = diagnose('HTTP/1.1 200 OK\n\n{"error": "Insufficient balance"}', catalogue)
    assert top(result) == ("rukkyhub", "low-balance")
    assert any("often sends errors with other statuses" in r for r in result.matches[0].reasons)
    assert result.http_status == 200


def test_two_equally_plausible_entries_are_flagged_and_neither_is_stood_behind(catalogue):
    result = diagnose("provider not available", catalogue)
    assert result.ambiguous
    assert {m.entry.code for m in result.matches[:2]} == {"2002", "7002"}
    assert all(m.confidence < 0.5 for m in result.matches)
    assert any(r.startswith("ambiguous") for r in result.matches[0].reasons)


def test_the_provider_hint_restricts_the_matches(catalogue):
    assert diagnose("Insufficient", catalogue).ambiguous
    result = diagnose("Insufficient funds", catalogue, provider="RukkyHub")
    assert all(m.entry.provider == "rukkyhub" for m in result.matches)
    assert top(diagnose("Insufficient funds", catalogue, provider="123HUB")) == ("123hub", "6004")


def test_an_unknown_provider_hint_is_refused_with_the_valid_slugs(catalogue):
    with pytest.raises(ProviderUnknown) as raised:
        diagnose("6010", catalogue, provider="stripe")
    assert "123hub" in str(raised.value) and "rukkyhub" in str(raised.value)
    assert set(catalogue.provider_slugs) == {"123hub", "rukkyhub"}


def test_the_http_status_comes_from_the_paste_else_from_the_hint(catalogue):
    assert diagnose("Rate limit exceeded", catalogue, http_status=429).http_status == 429
    assert diagnose("HTTP/1.1 400 Bad Request\n\n" + HUB_BODY, catalogue, http_status=500).http_status == 400
    assert diagnose("Rate limit exceeded", catalogue, http_status="junk").http_status is None


def test_an_unlisted_code_names_the_category_of_its_range(catalogue):
    result = diagnose(hub(5003, "Daily limit reached"), catalogue)
    assert not [m for m in result.matches if m.confident]
    assert result.category.name == "Limit errors"
    assert result.to_dict()["category"]["range"] == "5xxx"
    assert result.provider == "123hub"
    assert "5003 is not in the catalogue" in result.advice.summary


def test_a_bare_listed_code_is_a_moderate_match(catalogue):
    result = diagnose("6010", catalogue)
    assert top(result) == ("123hub", "6010")
    assert 0.6 <= result.matches[0].confidence <= 0.8


@pytest.mark.parametrize(
    "paste",
    [
        '{"error":{"type":"card_error","code":"card_declined","message":"Your card was declined."}}',
        "Traceback (most recent call last):\n  File \"app.py\", line 6010, in <module>\nKeyError: 'error'",
        "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>",
        "2026-01-14 10:00:01 listening on 0.0.0.0:7002",
        "ERROR 2002 (HY000): Can't connect to local MySQL server through socket",
        "\x00\x01 random ☃ noise \udcff",
        "",
    ],
)
def test_unrelated_pastes_get_no_confident_match(catalogue, paste):
    result = diagnose(paste, catalogue)
    assert not result.confident


def test_advice_waits_for_reset_in_or_retry_after(catalogue):
    result = diagnose('{"error": "Rate limit exceeded", "reset_in": 37}', catalogue)
    assert result.advice.retry is True and result.advice.strategy == "wait_reset"
    assert result.advice.retry_after_seconds == 37
    assert result.advice.summary.startswith("Retry after 37 s")
    headers = "HTTP/1.1 429 Too Many Requests\nRetry-After: 12\n\n" + '{"error":"Rate limit exceeded"}'
    assert diagnose(headers, catalogue).advice.retry_after_seconds == 12


def test_advice_reads_the_reset_time_against_the_response_date(catalogue):
    paste = (
        "HTTP/1.1 429 Too Many Requests\nDate: Wed, 14 Jan 2026 10:00:00 GMT\nX-RateLimit-Reset: 1768384845\n\n"
        '{"error":"Rate limit exceeded"}'
    )
    result = diagnose(paste, catalogue)
    assert result.advice.retry_after_seconds == 45
    assert "date" not in result.context


@pytest.mark.parametrize("code", [1000, 7001, 7002])
def test_transient_123hub_errors_are_retried_with_backoff(catalogue, code):
    message = {
        1000: "Common error",
        7001: "Error of interaction between payment provider and payment system",
        7002: "Payment provider not available",
    }
    result = diagnose(hub(code, message[code]), catalogue)
    assert (result.advice.retry, result.advice.strategy) == (True, "exponential_backoff")
    assert "backoff" in result.advice.summary


def test_the_details_of_a_1005_are_read_into_fields_and_a_path(catalogue):
    details = {"description": "missing required properties including: 'payer'. Path: $.params.payment"}
    result = diagnose(hub(1005, "Invalid request format", details=details), catalogue)
    assert top(result) == ("123hub", "1005")
    assert result.context["details"]["missing_fields"] == ["payer"]
    assert result.context["details"]["path"] == "$.params.payment"
    assert result.context["details"]["description"] == details["description"]


def test_field_errors_and_the_detected_domain_are_in_the_context(catalogue):
    body = {
        "error": "API key is restricted to whitelisted domains",
        "detected_domain": "shop.example.com",
        "errors": {"origin": ["The origin is not whitelisted."]},
    }
    result = diagnose(json.dumps(body), catalogue)
    assert top(result) == ("rukkyhub", "domain-whitelist-mismatch")
    assert result.context["detected_domain"] == "shop.example.com"
    assert result.context["field_errors"] == {"origin": ["The origin is not whitelisted."]}


def test_a_log_excerpt_gives_one_diagnosis_per_error_and_a_summary(catalogue):
    log = "\n".join(
        [
            '[10:00:01] production.ERROR: order failed {"response":{"error":"Insufficient balance"}}',
            "[10:00:02] production.INFO: order placed",
            '[10:00:03] production.ERROR: order failed {"response":{"error":"Insufficient balance"}}',
            '[10:00:04] production.ERROR: payout failed {"body":'
            + hub(7002, "Payment provider not available")
            + "}",
        ]
    )
    result = diagnose(log, catalogue)
    answer = result.to_dict()
    assert [(e["line"], e["matches"][0]["code"]) for e in answer["errors"]] == [
        (1, "low-balance"),
        (3, "low-balance"),
        (4, "7002"),
    ]
    assert answer["summary"] == [
        {"provider": "rukkyhub", "code": "low-balance", "title": "Low balance", "count": 2},
        {"provider": "123hub", "code": "7002", "title": "Payment provider not available", "count": 1},
    ]
    assert top(result) == ("rukkyhub", "low-balance")


def test_highlights_mark_the_code_and_message_in_the_redacted_text(catalogue):
    paste = "> X-API-KEY: rk_live_abcdef123456\n< HTTP/1.1 400 Bad Request\n\n" + HUB_BODY
    answer = diagnose(paste, catalogue).to_dict()
    marked = {answer["redacted_text"][start:end] for start, end in answer["highlights"]}
    assert marked == {"6010", "Payment does not exist"}


def test_a_huge_paste_is_cut_in_the_answer_and_says_so(catalogue):
    filler = "2026-01-14 10:00:00 INFO served /orders in 12 ms\n" * 10_000
    paste = filler + '[ERROR] {"error":"Insufficient balance"}\n' + filler
    result = diagnose(paste, catalogue)
    assert top(result) == ("rukkyhub", "low-balance")
    assert result.errors[0].line == 10_001
    assert result.errors[0].offset == paste.index("{")
    assert len(result.redacted_text) < 20_200
    assert result.redacted_text.endswith(f"of {len(paste):,}]")


def test_it_never_raises_on_hostile_input(catalogue):
    rng = random.Random(5)
    hostile = [
        bytes(rng.randrange(256) for _ in range(5_000)).decode("utf-8", "surrogateescape"),
        bytes(rng.randrange(256) for _ in range(5_000)).decode("utf-8", "replace"),
        '{"a":' * 5_000 + "1" + "}" * 5_000,
        "[" * 5_000,
        '{"error": {"code": ' + "9" * 1_000_000 + "}}",
        "x" * 1_000_000,
        b'{"error": "Insufficient balance"}',
        None,
    ]
    for paste in hostile:
        answer = diagnose(paste, catalogue).to_dict()
        json.dumps(answer)


def test_a_catalogue_with_no_providers_still_answers():
    empty = Catalogue.from_snapshot({"version": 1, "providers": [], "categories": [], "entries": []})
    assert diagnose("6010", empty).matches == ()
    assert empty.provider_slugs == ()


def test_the_answer_always_encodes_as_utf8_even_from_escaped_lone_surrogates(catalogue):
    pastes = [
        '{"error": "Insufficient balance \\ud800", "errors": {"a\\udc00": ["x\\ud800"]}}',
        '{"success":false,"error":{"code":6010,"message":"x","details":{"d\\ud800":"\\udc01"}},"request_id":"\\ud800"}',
        'code=6010 message="\\ud800"',
    ]
    for paste in pastes:
        json.dumps(diagnose(paste, catalogue).to_dict(), ensure_ascii=False).encode("utf-8")


FIELD_ERRORS = '{"errors": {"service": ["The selected service is invalid."], "quantity": ["The quantity field is required."]}}'


def test_a_body_of_field_errors_alone_points_to_rukkyhub_validation_error_as_a_guess(catalogue):
    result = diagnose(FIELD_ERRORS, catalogue).to_dict()
    assert result["provider"] == "rukkyhub"
    first = result["matches"][0]
    assert (first["provider"], first["code"]) == ("rukkyhub", "422")
    assert first["confidence"] < 0.5
    assert result["context"]["field_errors"]["quantity"] == ["The quantity field is required."]


def test_field_errors_with_http_422_are_a_confident_validation_error(catalogue):
    paste = f"HTTP/1.1 422 Unprocessable Entity\nContent-Type: application/json\n\n{FIELD_ERRORS}"
    first = diagnose(paste, catalogue).to_dict()["matches"][0]
    assert (first["provider"], first["code"]) == ("rukkyhub", "422")
    assert first["confidence"] >= 0.5
    assert not any(reason.startswith("nothing else") for reason in first["reasons"])


def test_a_documented_message_beside_field_errors_still_wins(catalogue):
    paste = '{"error": "Insufficient balance", "errors": {"balance": ["Your account balance is too low for this order"]}}'
    first = diagnose(paste, catalogue).to_dict()["matches"][0]
    assert (first["provider"], first["code"]) == ("rukkyhub", "low-balance")
