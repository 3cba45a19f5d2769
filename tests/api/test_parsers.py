"""JSON in a charset other than UTF-8 (Diagnose's direct answer takes only UTF-8; DRF's parser the rest)."""

import pytest

pytestmark = pytest.mark.django_db

DIAGNOSE = "/api/v1/diagnose"


def test_a_json_body_in_another_charset_is_decoded_first(client):
    payload = '{"body": "Payment does not exist", "provider": "123hub"}'.encode("utf-16")
    response = client.generic("POST", DIAGNOSE, payload, content_type="application/json; charset=utf-16")
    assert response.status_code == 200
    assert response.json()["matches"][0]["code"] == "6010"


def test_an_unknown_charset_is_read_as_utf8_as_django_reads_it(client):
    response = client.generic(
        "POST", DIAGNOSE, b'{"body": "6010"}', content_type="application/json; charset=no-such"
    )
    assert response.status_code == 200
    assert response.json()["matches"][0]["code"] == "6010"
