"""Every bad input to the API gets a clear RFC 9457 problem, never a 500."""

import json

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

DIAGNOSE = "/api/v1/diagnose"
BATCH = "/api/v1/diagnose/batch"


def post(client, data, content_type="application/json", path=DIAGNOSE, **extra):
    return client.post(path, data, content_type=content_type, **extra)


def problem(response, status):
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["title"] and body["type"] == "about:blank"
    assert body["detail"]
    return body


def test_a_paste_over_the_limit_is_a_413(client):
    paste = "x" * (settings.ERRORKB_MAX_PASTE_BYTES + 1)
    body = problem(post(client, json.dumps({"body": paste})), 413)
    assert "1,000,000 bytes" in body["detail"]


def test_a_paste_at_the_limit_is_diagnosed(client):
    paste = "x" * settings.ERRORKB_MAX_PASTE_BYTES
    assert post(client, json.dumps({"body": paste})).status_code == 200


def test_the_limit_counts_bytes_not_characters(client):
    paste = "é" * (settings.ERRORKB_MAX_PASTE_BYTES // 2 + 1)  # two bytes each in UTF-8
    problem(post(client, json.dumps({"body": paste})), 413)


def test_a_plain_text_paste_over_the_limit_is_a_413(client):
    problem(post(client, b"y" * (settings.ERRORKB_MAX_PASTE_BYTES + 1), content_type="text/plain"), 413)


def test_a_paste_under_the_limit_fits_even_when_json_escapes_every_byte(client):
    paste = "\x01" * (settings.ERRORKB_MAX_PASTE_BYTES // 2)
    payload = json.dumps({"body": paste})  # \u0001: six bytes for each one
    assert len(payload) > 2 * settings.ERRORKB_MAX_PASTE_BYTES
    assert post(client, payload).status_code == 200


def test_a_request_body_over_the_upload_limit_is_a_413_before_it_is_read(client):
    payload = json.dumps({"body": "z" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)})
    body = problem(post(client, payload), 413)
    assert f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,}" in body["detail"]


def test_an_api_body_over_the_upload_limit_is_a_problem_under_a_script_prefix(client):
    # Served at /errorkb/: the API is known by its path inside the site, not the full path.
    payload = json.dumps({"body": "z" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)})
    problem(post(client, payload, SCRIPT_NAME="/errorkb"), 413)


def test_a_batch_over_the_upload_limit_is_a_413(client):
    items = [{"body": "b" * 900_000} for _ in range(8)]
    problem(post(client, json.dumps(items), path=BATCH), 413)


def test_a_batch_with_one_paste_over_the_limit_is_a_413(client):
    items = [{"body": "fine"}, {"body": "b" * (settings.ERRORKB_MAX_PASTE_BYTES + 1)}]
    problem(post(client, json.dumps(items), path=BATCH), 413)


def test_a_batch_over_the_count_limit_is_a_400(client):
    items = [{"body": "6010"}] * (settings.ERRORKB_MAX_BATCH + 1)
    body = problem(post(client, json.dumps(items), path=BATCH), 400)
    assert str(settings.ERRORKB_MAX_BATCH) in body["detail"]


def test_a_batch_at_the_count_limit_is_answered(client):
    items = [{"body": "6010"}] * settings.ERRORKB_MAX_BATCH
    response = post(client, json.dumps(items), path=BATCH)
    assert response.status_code == 200
    assert len(response.json()) == settings.ERRORKB_MAX_BATCH


def test_a_batch_that_is_not_a_list_is_a_400(client):
    problem(post(client, json.dumps({"body": "6010"}), path=BATCH), 400)


def test_a_batch_item_that_is_not_an_object_is_a_400(client):
    problem(post(client, json.dumps(["6010"]), path=BATCH), 400)


def test_malformed_json_says_where(client):
    body = problem(post(client, '{\n  "body": "6010",\n  "provider" "123hub"\n}'), 400)
    assert "line 3 column 14" in body["detail"]


def test_truncated_json_says_where(client):
    body = problem(post(client, '{"body": "6010'), 400)
    assert "line 1 column" in body["detail"]


@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_json_nested_thousands_deep_is_a_400(client, opening):
    body = problem(post(client, opening * 5000), 400)
    assert "JSON" in body["detail"]


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        (DIAGNOSE, "application/json"),
        (DIAGNOSE, "application/json; charset=utf8"),
        (BATCH, "application/json"),
    ],
)
def test_a_field_nested_a_thousand_deep_is_a_400(client, path, content_type):
    # Within what JSON parsers take (1,024 levels), yet deeper than validating it can go.
    item = '{"body": "6010", "http_status": ' + "[" * 1000 + "]" * 1000 + "}"
    payload = f"[{item}]" if path == BATCH else item
    body = problem(post(client, payload, content_type=content_type, path=path), 400)
    assert "nested too deeply" in body["detail"]


def test_a_json_number_with_a_hundred_thousand_digits_is_a_400(client):
    problem(post(client, '{"body": "x", "http_status": ' + "9" * 100_000 + "}"), 400)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_a_non_finite_status_is_a_400(client, constant):
    problem(post(client, '{"body": "x", "http_status": ' + constant + "}"), 400)


def test_a_body_that_is_not_an_object_is_a_400(client):
    problem(post(client, '"just a string"'), 400)
    problem(post(client, "[1, 2]"), 400)


def test_a_missing_body_field_is_a_400_naming_it(client):
    body = problem(post(client, json.dumps({"provider": "123hub"})), 400)
    assert "body" in body["detail"]
    assert "body" in body["errors"]


def test_a_body_that_is_not_a_string_is_a_400(client):
    problem(post(client, json.dumps({"body": {"nested": True}})), 400)


@pytest.mark.parametrize("content_type", ["application/xml", "multipart/form-data; boundary=x", "image/png"])
def test_a_wrong_content_type_is_a_415(client, content_type):
    body = problem(post(client, b"<a/>", content_type=content_type), 415)
    assert content_type.split(";")[0] in body["detail"]


def test_a_form_body_is_a_415(client):
    problem(client.post(DIAGNOSE, {"body": "6010"}), 415)


def test_a_batch_as_plain_text_is_a_415(client):
    problem(post(client, "6010", content_type="text/plain", path=BATCH), 415)


def test_an_unknown_provider_hint_is_a_400_listing_the_valid_slugs(client):
    body = problem(post(client, json.dumps({"body": "x", "provider": "stripe"})), 400)
    assert "123hub" in body["detail"] and "rukkyhub" in body["detail"]


@pytest.mark.parametrize("status", [0, 99, 600, -1, 10**12, "abc", True])
def test_an_http_status_out_of_range_is_a_400(client, status):
    body = problem(post(client, json.dumps({"body": "x", "http_status": status})), 400)
    assert "http_status" in body["detail"]


def test_invalid_utf8_json_is_a_400(client):
    problem(post(client, b'{"body": "\xff\xfe\xc3("}'), 400)


def test_invalid_utf8_text_is_diagnosed_as_text(client):
    response = post(client, b"\xff\xfe error 6010 \xc3( \x00\x80", content_type="text/plain")
    assert response.status_code == 200


def test_an_unknown_charset_is_read_as_utf8(client):
    response = client.generic("POST", DIAGNOSE, b"6010", content_type="text/plain; charset=no-such-charset")
    assert response.status_code == 200


def test_random_bytes_as_json_are_a_400(client):
    import random

    rng = random.Random(7)
    for _ in range(50):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300)))
        response = post(client, data)
        assert response.status_code in (200, 400), (data, response.content)


def test_a_nul_character_in_a_json_paste_is_a_clear_400(client):
    problem(post(client, json.dumps({"body": "6010\x00"})), 400)


def test_a_lone_surrogate_in_a_json_paste_is_answered(client):
    response = post(client, '{"body": "6010 \\ud800 x"}')
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert response.json()["detail"]


def test_a_bad_content_length_does_not_break_the_request(client):
    response = post(client, json.dumps({"body": "6010"}), CONTENT_LENGTH="not-a-number")
    assert response.status_code < 500


def test_a_get_on_diagnose_is_a_405_problem(client):
    problem(client.get(DIAGNOSE), 405)


def test_an_unknown_api_path_is_a_404(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
