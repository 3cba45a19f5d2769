import json

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

BODY_6010 = json.dumps(
    {
        "success": False,
        "error": {"code": 6010, "message": "Payment does not exist", "details": None, "context": None},
        "request_id": "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
        "processing_time": 5,
    }
)
HTTP_DUMP_1005 = """HTTP/1.1 400 Bad Request
Content-Type: application/json

{"success": false, "error": {"code": 1005, "message": "Invalid request format",
 "details": {"description": "missing required properties including: 'payer'. Path: $.params.payment"},
 "context": null}, "request_id": "d4e5f6a7-b8c9-0123-defa-234567890123", "processing_time": 3}"""
SECRET_PASTE = """POST /api/v1 HTTP/1.1
Host: rukkyhub.com
X-API-KEY: rk_live_abc123secret
Content-Type: application/x-www-form-urlencoded

action=add&service=12&pin=1234

HTTP/1.1 403 Forbidden
{"error": "Incorrect PIN"}"""

pytestmark = pytest.mark.django_db


def post(client, **data):
    return client.post(reverse("web:paste"), data)


def test_the_form_works(client):
    response = client.get(reverse("web:paste"))
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        'action="/diagnose#diagnosis" method="post" enctype="multipart/form-data" data-live-diagnose' in html
    )
    assert "csrfmiddlewaretoken" in html
    assert 'aria-live="polite"' in html
    assert "The diagnosis appears here" in html


def test_it_diagnoses_a_123hub_body(client):
    response = post(client, body=BODY_6010)
    assert response.status_code == 200
    diagnosis = response.context["diagnosis"]
    assert (diagnosis["top"]["provider"], diagnosis["top"]["code"]) == ("123hub", "6010")
    html = response.content.decode()
    assert "Best match" in html and "Payment does not exist" in html
    assert 'data-summary="Best match: 123hub 6010, Payment does not exist. Certain' in html
    assert "% sure" in html
    assert 'href="/123hub/6010"' in html
    assert "What to do now" in html


def test_it_shows_the_request_id_with_a_copy_button(client):
    html = post(client, body=BODY_6010).content.decode()
    assert '<code id="request-id">a1b2c3d4-e5f6-7890-abcd-ef1234567890</code>' in html
    assert 'data-copy="request-id"' in html


def test_it_diagnoses_a_raw_http_dump_with_details(client):
    response = post(client, body=HTTP_DUMP_1005)
    assert response.status_code == 200
    assert response.context["diagnosis"]["top"]["code"] == "1005"
    html = response.content.decode()
    assert "payer" in html and "$.params.payment" in html


def test_it_shows_the_paste_back_with_highlights(client):
    response = post(client, body=BODY_6010)
    html = response.content.decode()
    assert response.context["diagnosis"]["segments"]
    assert "Your paste" in html and "<mark>" in html.split("Your paste", 1)[1]


def test_it_diagnoses_a_rukkyhub_rate_limit_with_a_countdown(client):
    response = post(
        client,
        body='{"error": "Rate limit exceeded", "reset_in": 37}',
        provider="rukkyhub",
        http_status="429",
    )
    assert response.status_code == 200
    assert response.context["diagnosis"]["top"]["code"] == "rate-limit-hit"
    html = response.content.decode()
    assert "data-countdown=" in html and "in 37 s" in html and "UTC" in html


def test_it_lists_field_errors(client):
    body = '{"errors": {"service": ["The selected service is invalid."], "quantity": ["The quantity field is required."]}}'
    response = post(client, body=body, provider="rukkyhub", http_status="422")
    html = response.content.decode()
    assert "Field errors" in html
    assert "<code>quantity</code>: The quantity field is required." in html


def test_it_says_when_nothing_matches_confidently(client):
    response = post(client, body="the weather is nice today")
    assert response.status_code == 200
    assert response.context["diagnosis"]["top"] is None
    assert "No confident match" in response.content.decode()


def test_it_groups_many_errors_in_a_summary(client):
    lines = "\n".join(
        [
            '2024-05-01 ERROR {"success": false, "error": {"code": 6010, "message": "Payment does not exist"}}',
            '2024-05-01 ERROR {"success": false, "error": {"code": 6010, "message": "Payment does not exist"}}',
            '2024-05-01 ERROR {"success": false, "error": {"code": 3002, "message": "Missing / incorrect X-Data-Hash header"}}',
        ]
    )
    response = post(client, body=lines)
    assert response.status_code == 200
    assert response.context["diagnosis"]["many"]
    assert "All errors in the paste" in response.content.decode()


def test_a_secret_never_comes_back(client):
    response = post(client, body=SECRET_PASTE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "rk_live_abc123secret" not in html
    assert "abc123secret" not in html
    assert "pin=1234" not in html
    assert "Redacted" in html


def test_the_no_javascript_flow_with_csrf(db):
    browser = Client(enforce_csrf_checks=True)
    form = browser.get(reverse("web:paste"))
    token = form.cookies["csrftoken"].value
    response = browser.post(reverse("web:paste"), {"body": BODY_6010, "csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert "Payment does not exist" in response.content.decode()


def test_a_post_without_the_csrf_token_is_refused(db):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(reverse("web:paste"), {"body": BODY_6010})
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()


def test_an_oversize_paste_answers_413_with_a_message(client):
    body = "x" * (settings.ERRORKB_MAX_PASTE_BYTES + 1)
    response = post(client, body=body)
    assert response.status_code == 413
    html = response.content.decode()
    assert "The paste is larger than 1,000,000 bytes" in html
    assert "x" * 1000 not in html


def test_an_unknown_provider_answers_400_with_a_message(client):
    response = post(client, body=BODY_6010, provider="acme")
    assert response.status_code == 400
    html = response.content.decode()
    assert "ErrorKB knows no provider “acme”" in html
    assert 'aria-invalid="true"' in html


def test_a_bad_http_status_answers_400(client):
    response = post(client, body=BODY_6010, http_status="700")
    assert response.status_code == 400
    assert "between 100 and 599" in response.content.decode()


def test_an_empty_paste_answers_400(client):
    response = post(client, body="")
    assert response.status_code == 400
    assert "Paste something to diagnose" in response.content.decode()


def test_an_invalid_form_does_not_echo_the_paste(client):
    response = post(client, body=SECRET_PASTE, provider="acme")
    assert "rk_live_abc123secret" not in response.content.decode()


def test_a_get_with_a_body_is_prefilled_and_diagnosed(client):
    response = client.get(reverse("web:paste"), {"body": BODY_6010, "provider": "123hub"})
    assert response.status_code == 200
    assert response.context["diagnosis"]["top"]["code"] == "6010"
    assert '<option value="123hub" selected>' in response.content.decode()


def test_the_live_path_gets_the_fragment_only(client):
    response = client.post(reverse("web:paste"), {"body": BODY_6010}, headers={"X-Requested-With": "fetch"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div class="diagnosis" data-diagnosis data-summary="Best match:')
    assert "<html" not in html and "Payment does not exist" in html


def test_the_live_path_gets_errors_as_a_fragment(client):
    # 200: the fragment itself is the answer to the script; the alert in it says what is wrong.
    body = "x" * (settings.ERRORKB_MAX_PASTE_BYTES + 1)
    response = client.post(reverse("web:paste"), {"body": body}, headers={"X-Requested-With": "fetch"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "The paste is larger than" in response.content.decode()


def test_it_escapes_the_paste(client):
    response = post(client, body='{"error": "<script>alert(1)</script><img src=x onerror=alert(1)>"}')
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_body_over_the_upload_limit_answers_413_on_the_paste_page(client):
    body = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = post(client, body=body)
    assert response.status_code == 413
    html = response.content.decode()
    assert "The paste is larger than 1,000,000 bytes" in html
    assert 'name="body"' in html
