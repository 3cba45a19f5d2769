"""Rate limits answer 429 with Retry-After; ERRORKB_RATE_LIMITS configures them; tokens get more."""

import pytest
from rest_framework.authtoken.models import Token

from errorkb.settings import _rate_limits

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    def set_limits(value: str):
        settings.ERRORKB_RATE_LIMITS = _rate_limits(value)

    return set_limits


def diagnose(client, **extra):
    return client.post("/api/v1/diagnose", '{"body": "6010"}', content_type="application/json", **extra)


def test_the_diagnose_limit_answers_429_with_retry_after(client, limits):
    limits("diagnose=3/min")
    assert [diagnose(client).status_code for _ in range(3)] == [200, 200, 200]
    response = diagnose(client)
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert 1 <= int(response["Retry-After"]) <= 60
    body = response.json()
    assert body["status"] == 429 and body["retry_after"] == int(response["Retry-After"])
    assert "throttled" in body["detail"].lower()


def test_the_batch_shares_the_diagnose_limit(client, limits):
    limits("diagnose=2/min")
    diagnose(client)
    diagnose(client)
    response = client.post("/api/v1/diagnose/batch", '[{"body": "6010"}]', content_type="application/json")
    assert response.status_code == 429


def test_reads_have_their_own_anonymous_limit(client, limits):
    limits("anon=2/min,diagnose=100/min")
    assert client.get("/api/v1/providers").status_code == 200
    assert client.get("/api/v1/errors/123hub/6010").status_code == 200
    assert client.get("/api/v1/errors").status_code == 429
    assert diagnose(client).status_code == 200


def test_off_turns_the_limits_off(client, limits):
    limits("off")
    assert {diagnose(client).status_code for _ in range(30)} == {200}


def test_a_token_gets_the_higher_token_rate(client, limits, django_user_model):
    limits("diagnose=2/min,token=5/min")
    token = Token.objects.create(user=django_user_model.objects.create_user("ci"))
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token.key}"}
    assert [diagnose(client, **auth).status_code for _ in range(5)] == [200] * 5
    assert diagnose(client, **auth).status_code == 429
    # The token's count is its own: the anonymous caller at the same address still has its two.
    assert [diagnose(client).status_code for _ in range(3)] == [200, 200, 429]


def test_drf_style_token_header_works_too(client, limits, django_user_model):
    limits("diagnose=1/min,token=5/min")
    token = Token.objects.create(user=django_user_model.objects.create_user("ci"))
    assert [diagnose(client, HTTP_AUTHORIZATION=f"Token {token.key}").status_code for _ in range(3)] == [
        200
    ] * 3


def test_a_forged_forwarded_for_header_does_not_reset_the_count(client, limits):
    limits("diagnose=2/min")
    codes = [diagnose(client, HTTP_X_FORWARDED_FOR=f"10.0.0.{i}").status_code for i in range(4)]
    assert codes == [200, 200, 429, 429]


def test_behind_one_proxy_the_client_is_the_address_it_appended(client, limits, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    limits("diagnose=1/min")
    from rest_framework.settings import api_settings

    api_settings.reload()
    try:
        first = diagnose(client, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.5")
        forged = diagnose(client, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.5")
        other = diagnose(client, HTTP_X_FORWARDED_FOR="203.0.113.6")
    finally:
        settings.REST_FRAMEWORK = {k: v for k, v in settings.REST_FRAMEWORK.items() if k != "NUM_PROXIES"}
        api_settings.reload()
    assert (first.status_code, forged.status_code, other.status_code) == (200, 429, 200)


def test_the_window_slides_so_a_burst_at_a_minute_boundary_does_not_double_the_rate(
    client, limits, monkeypatch
):
    """4/min: four calls late in one minute leave room for only about one more early in the next."""
    from errorkb.api.throttles import RateLimit

    limits("diagnose=4/min")
    clock = {"now": 60 * 1_000_000 + 55.0}  # 55 s into a minute
    monkeypatch.setattr(RateLimit, "timer", lambda self: clock["now"])
    assert [diagnose(client).status_code for _ in range(4)] == [200] * 4
    assert diagnose(client).status_code == 429
    clock["now"] += 20  # 15 s into the next minute: the last one still weighs 45/60 of 4 = 3
    assert [diagnose(client).status_code for _ in range(2)] == [200, 429]
    retry_after = int(diagnose(client)["Retry-After"])
    assert 1 <= retry_after <= 45
    clock["now"] += 60  # a whole minute later, the old burst has slid out
    assert [diagnose(client).status_code for _ in range(4)] == [200] * 4


def test_the_rate_setting_is_parsed_strictly():
    assert _rate_limits("off") is None
    assert _rate_limits("")["diagnose"] == "120/min"
    assert _rate_limits("diagnose=5/sec, token=100/min")["token"] == "100/min"
    with pytest.raises(Exception, match="ERRORKB_RATE_LIMITS"):
        _rate_limits("diagnose")


def test_each_call_counts_once_whether_it_is_answered_or_refused(client, limits):
    limits("diagnose=4/min")
    bad = client.post("/api/v1/diagnose", '{"paste": "6010"}', content_type="application/json")
    unknown = client.post(
        "/api/v1/diagnose", '{"body": "6010", "provider": "stripe"}', content_type="application/json"
    )
    assert (bad.status_code, unknown.status_code) == (400, 400)
    assert [diagnose(client).status_code for _ in range(3)] == [200, 200, 429]
