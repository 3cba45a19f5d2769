"""POST /api/v1/diagnose and /api/v1/diagnose/batch: the contract tooling depends on."""

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

HUB_BODY = json.dumps(
    {
        "success": False,
        "error": {"code": 6010, "message": "Payment does not exist", "details": None, "context": None},
        "request_id": "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
        "processing_time": 5,
    }
)


def post(client, payload, **extra):
    return client.post("/api/v1/diagnose", json.dumps(payload), content_type="application/json", **extra)


def test_it_diagnoses_a_123hub_body(client):
    response = post(client, {"body": HUB_BODY})
    assert response.status_code == 200
    result = response.json()
    assert {"provider", "http_status", "category", "matches", "context", "advice", "redactions"} <= set(
        result
    )
    assert result["provider"] == "123hub"
    top = result["matches"][0]
    assert (top["provider"], top["code"], top["title"]) == ("123hub", "6010", "Payment does not exist")
    assert top["confidence"] >= 0.5
    assert top["reasons"]
    assert top["url"] == "http://testserver/123hub/6010"
    assert result["errors"][0]["matches"][0]["url"] == "http://testserver/123hub/6010"
    assert result["category"]["name"] == "Payment errors"
    assert result["category"]["range"] == "6xxx"
    assert result["context"]["request_id"] == "a1b2c3d4-e5f6-7890-abcd-ef1234567890"


def test_bodies_of_one_shape_each_get_their_own_values(client):
    """From the third call on, the bodies are answered from a remembered answer (memo.py)."""
    answers = []
    for request_id, processing_time in [
        ("a1b2c3d4-e5f6-7890-abcd-ef1234567890", 5),
        ("0f1e2d3c-0000-4bbb-8ccc-123456789abc", 31),
    ] * 2:
        body = HUB_BODY.replace("a1b2c3d4-e5f6-7890-abcd-ef1234567890", request_id).replace(
            '"processing_time": 5', f'"processing_time": {processing_time}'
        )
        result = post(client, {"body": body}).json()
        assert result["redacted_text"] == body
        assert result["context"]["request_id"] == request_id
        assert result["context"]["processing_time"] == processing_time
        assert result["errors"][0]["context"]["request_id"] == request_id
        assert f"Quote request_id {request_id} to 123hub support." in result["advice"]["steps"]
        # Made absolute once per answer, never again on a remembered one.
        assert result["matches"][0]["url"] == "http://testserver/123hub/6010"
        assert result["errors"][0]["matches"][0]["url"] == "http://testserver/123hub/6010"
        answers.append(result)
    assert answers[0] == answers[2] and answers[1] == answers[3]


def test_it_takes_a_plain_text_paste(client):
    response = client.post("/api/v1/diagnose", '{"error": "Insufficient balance"}', content_type="text/plain")
    assert response.status_code == 200
    top = response.json()["matches"][0]
    assert (top["provider"], top["code"]) == ("rukkyhub", "low-balance")


@pytest.mark.parametrize(
    "content_type",
    ["application/json; charset=utf-8", "Application/JSON", " application/json ;charset=UTF-8"],
)
def test_it_reads_json_whatever_the_case_and_parameters_of_its_content_type(client, content_type):
    response = client.post("/api/v1/diagnose", json.dumps({"body": HUB_BODY}), content_type=content_type)
    assert response.status_code == 200
    assert response.json()["matches"][0]["code"] == "6010"


def test_a_text_paste_with_a_charset_is_read_as_the_paste(client):
    response = client.post(
        "/api/v1/diagnose", "6010".encode("latin-1"), content_type="text/plain; charset=latin-1"
    )
    assert response.json()["matches"][0]["code"] == "6010"


@pytest.mark.parametrize("content_type", ["application/xml", "application/json-patch+json", "text/html"])
def test_it_refuses_a_content_type_it_cannot_read(client, content_type):
    response = client.post("/api/v1/diagnose", "{}", content_type=content_type)
    assert response.status_code == 415
    assert content_type in response.json()["detail"]


def test_it_uses_the_hints(client):
    result = post(client, {"body": "Rate limit exceeded", "provider": "rukkyhub", "http_status": 429}).json()
    assert result["provider"] == "rukkyhub"
    assert result["http_status"] == 429
    assert result["matches"][0]["code"] == "rate-limit-hit"


def test_it_names_the_category_of_an_unlisted_code_in_a_documented_range(client):
    body = json.dumps({"success": False, "error": {"code": 5003, "message": "Limit"}, "request_id": "x"})
    result = post(client, {"body": body}).json()
    assert result["category"]["name"] == "Limit errors"
    assert not [m for m in result["matches"] if m["confidence"] >= 0.5]


def test_an_empty_paste_is_a_valid_request_that_matches_nothing(client):
    result = post(client, {"body": ""}).json()
    assert result["matches"] == []


def test_it_never_echoes_a_secret(client):
    paste = '> X-API-KEY: rk_live_9f8e7d6c5b4a\n< HTTP/1.1 403 Forbidden\n\n{"error": "Incorrect PIN"}'
    response = post(client, {"body": paste})
    assert "rk_live_9f8e7d6c5b4a" not in response.content.decode()
    result = response.json()
    assert result["redactions"]
    assert result["matches"][0]["code"] == "wrong-pin"


def test_it_refuses_an_unknown_provider_hint_listing_the_valid_ones(client):
    response = post(client, {"body": "x", "provider": "stripe"})
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "123hub" in detail and "rukkyhub" in detail


def test_it_refuses_a_request_without_a_body_field(client):
    response = post(client, {"paste": "x"})
    assert response.status_code == 400
    assert "body" in response.json()["detail"]


def test_it_refuses_an_oversized_paste_with_a_413(client):
    response = post(client, {"body": "x" * 1_000_001})
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert "1,000,000" in response.json()["detail"]


def test_it_needs_no_csrf_token_nor_login(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert (
        strict.post("/api/v1/diagnose", {"body": "6010"}, content_type="application/json").status_code == 200
    )


def test_batch_answers_a_list_in_order(client):
    payload = [{"body": HUB_BODY}, {"body": '{"error": "Incorrect PIN"}'}, {"body": ""}]
    response = client.post("/api/v1/diagnose/batch", json.dumps(payload), content_type="application/json")
    assert response.status_code == 200
    results = response.json()
    assert [r["matches"][0]["code"] if r["matches"] else None for r in results] == ["6010", "wrong-pin", None]


def test_batch_refuses_more_than_its_bound(client, settings):
    payload = [{"body": "6010"}] * (settings.ERRORKB_MAX_BATCH + 1)
    response = client.post("/api/v1/diagnose/batch", json.dumps(payload), content_type="application/json")
    assert response.status_code == 400
    assert str(settings.ERRORKB_MAX_BATCH) in response.json()["detail"]


# A JSON call without a token is answered without DRF's Request (Diagnose.direct_answer);
# a text/plain paste always goes through DRF. The two must give the same answer.


def record_direct_answers(monkeypatch) -> list[bool]:
    """Whether each diagnose call was answered directly (True) or handed to DRF (False)."""
    from errorkb.api.views import Diagnose

    answered, direct_answer = [], Diagnose.direct_answer

    def recording(view, request):
        response = direct_answer(view, request)
        answered.append(response is not None)
        return response

    monkeypatch.setattr(Diagnose, "direct_answer", recording)
    return answered


CORPUS = json.loads((Path(__file__).parent.parent / "diagnosis" / "corpus" / "cases.json").read_text())
UNHINTED = [
    case for case in CORPUS if case["text"] and not case.get("provider") and not case.get("http_status")
]


@pytest.mark.parametrize("case", UNHINTED[::7], ids=lambda case: case["id"])
def test_a_json_call_answers_what_the_same_paste_as_text_does(client, case, settings, monkeypatch):
    settings.ERRORKB_RATE_LIMITS = None  # two calls for each of many cases
    answered_directly = record_direct_answers(monkeypatch)
    direct = post(client, {"body": case["text"]})
    through_drf = client.post("/api/v1/diagnose", case["text"].encode(), content_type="text/plain")
    assert answered_directly == [True, False]  # the comparison is of the two paths
    assert direct.status_code == through_drf.status_code == 200
    assert direct.json() == through_drf.json()
    for header in ("Content-Type", "Content-Security-Policy", "X-Content-Type-Options"):
        assert direct[header] == through_drf[header]
    assert "Allow" not in direct and "Allow" not in through_drf


def test_a_token_call_is_answered_the_same_as_an_anonymous_one(client, django_user_model, monkeypatch):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=django_user_model.objects.create_user("ci"))
    payload = {"body": "Rate limit exceeded", "provider": "RukkyHub", "http_status": 429}
    answered_directly = record_direct_answers(monkeypatch)
    anonymous = post(client, payload)
    with_token = post(client, payload, HTTP_AUTHORIZATION=f"Bearer {token.key}")
    assert answered_directly == [True, False]
    assert anonymous.status_code == with_token.status_code == 200
    assert anonymous.json() == with_token.json()


def test_a_view_closed_to_anonymous_callers_is_never_answered_directly(client, monkeypatch):
    # The direct answer serves only views open to anyone; any other permission is DRF's to check.
    from rest_framework.permissions import IsAuthenticated

    from errorkb.api.views import Diagnose

    monkeypatch.setattr(Diagnose, "permission_classes", [IsAuthenticated])
    answered_directly = record_direct_answers(monkeypatch)
    response = post(client, {"body": "6010"})
    assert answered_directly == [False]
    assert response.status_code in (401, 403)
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    "raw",
    [
        b'{"body": "6010", "http_status": NaN}',  # not JSON; Python's json would take it
        b'{"body": "\\ud800 6010"}',  # a lone surrogate: orjson refuses it, DRF words the 400
        b'{"body": "6010"',
        b"\xff\xfe{}",
        b"[]",
    ],
)
def test_a_json_body_it_cannot_take_is_a_400_problem(client, raw, settings, monkeypatch):
    settings.ERRORKB_RATE_LIMITS = None
    answered_directly = record_direct_answers(monkeypatch)
    response = client.post("/api/v1/diagnose", raw, content_type="application/json")
    assert answered_directly == [False]  # DRF words the 400
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"]


def test_an_api_failure_outside_any_view_is_a_problem_not_an_html_page(monkeypatch):
    from django.test import Client

    def fail(request):
        raise RuntimeError("a bug in a middleware")

    monkeypatch.setattr("errorkb.web.middleware._too_big", fail)
    response = Client(raise_request_exception=False).post(
        "/api/v1/diagnose", '{"body": "6010"}', content_type="application/json"
    )
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Internal Server Error"
