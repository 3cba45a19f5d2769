"""Every response carries the security headers: pages, API, static files, errors, early refusals."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import override_settings

from errorkb.web.middleware import _inline_blocks, _policy_with_hashes

pytestmark = pytest.mark.django_db


def assert_secure(response):
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert re.fullmatch(r"[A-Za-z0-9._\-]{8,64}", response["X-Request-ID"])


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/search?q=6010",
        "/diagnose",
        "/123hub",
        "/123hub/6010",
        "/no-such-provider",
        "/123hub/99999",
        "/admin/",
        "/admin/login/",
        "/api/v1/providers",
        "/api/v1/errors/123hub/6010",
        "/api/v1/errors/123hub/404404",
        "/api/v1/schema",
    ],
)
def test_every_page_and_api_answer_has_the_headers(client, path):
    response = client.get(path)
    assert response.status_code < 500
    assert_secure(response)


def test_a_diagnosis_and_a_problem_have_the_headers(client):
    assert_secure(client.post("/api/v1/diagnose", '{"body": "6010"}', content_type="application/json"))
    assert_secure(client.post("/api/v1/diagnose", "{", content_type="application/json"))
    assert_secure(client.post("/api/v1/diagnose", "x", content_type="image/png"))


def test_an_answer_says_its_length(client):
    """Content-Length on every answer that is not streamed (else gunicorn sends it chunked)."""
    for response in (
        client.get("/api/v1/errors/123hub/6010"),
        client.post("/api/v1/diagnose", '{"body": "6010"}', content_type="application/json"),
        client.get("/"),
        client.get("/no-such-provider"),
    ):
        assert int(response["Content-Length"]) == len(response.content)


def test_a_static_file_has_the_headers(client):
    """WhiteNoise answers static files before the view middleware; the headers still apply."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    name = "admin/css/base.css"
    assert finders.find(name)
    response = client.get(staticfiles_storage.url(name))
    if response.status_code == 404:  # collectstatic has not run: WhiteNoise serves nothing
        pytest.skip("static files are not collected (make setup)")
    assert response.status_code == 200
    assert_secure(response)


@override_settings(ALLOWED_HOSTS=["errorkb.example.com"])
@pytest.mark.parametrize("path", ["/", "/123hub/6010", "/api/v1/providers", "/static/css/none.css"])
def test_a_refused_host_still_gets_the_headers(client, path):
    response = client.get(path, HTTP_HOST="evil.example.net")
    assert response.status_code == 400
    assert_secure(response)


@override_settings(ALLOWED_HOSTS=["errorkb.example.com"])
def test_a_diagnosis_for_a_refused_host_is_a_400(client):
    response = client.post(
        "/api/v1/diagnose", '{"body": "6010"}', content_type="application/json", HTTP_HOST="evil.example.net"
    )
    assert response.status_code == 400


def test_a_host_once_allowed_is_refused_when_the_setting_no_longer_allows_it(client, settings):
    """Hosts that passed are remembered (EdgeMiddleware); a changed ALLOWED_HOSTS forgets them."""
    settings.ALLOWED_HOSTS = ["errorkb.example.com", "old.example.com"]
    for _ in range(2):  # the second answer comes from what was remembered
        response = client.get("/api/v1/errors/123hub/6010", HTTP_HOST="old.example.com")
        assert response.status_code == 200
        assert response.json()["url"] == "http://old.example.com/123hub/6010"
    assert client.get("/api/v1/providers", HTTP_HOST="evil.example.net").status_code == 400
    settings.ALLOWED_HOSTS = ["errorkb.example.com"]
    assert client.get("/api/v1/errors/123hub/6010", HTTP_HOST="old.example.com").status_code == 400
    # The scheme is part of what is remembered: https behind the proxy gives https URLs.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    for proto in ("http", "https", "http"):
        response = client.get(
            "/api/v1/errors/123hub/6010", HTTP_HOST="errorkb.example.com", HTTP_X_FORWARDED_PROTO=proto
        )
        assert response.json()["url"] == f"{proto}://errorkb.example.com/123hub/6010"


def test_an_oversized_body_refusal_has_the_headers(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10
    assert_secure(client.post("/api/v1/diagnose", '{"body": "6010 6010"}', content_type="application/json"))


def test_the_docs_page_allows_only_its_own_inline_blocks_by_hash(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    html = response.content.decode()
    for tag, directive in (("script", "script-src"), ("style", "style-src")):
        policy = next(part for part in csp.split("; ") if part.startswith(directive + " "))
        assert policy.count("'sha256-") == len([b for b in _inline_blocks(html, tag) if b.strip()])


def test_only_the_docs_page_gets_hashes(client):
    assert "sha256-" not in client.get("/").headers["Content-Security-Policy"]


def test_the_inline_block_reader_is_exact():
    html = "<script>a()</script><script src=x></script><style>b{}</style><script>c()"
    assert _inline_blocks(html, "script") == ["a()"]
    assert _inline_blocks(html, "style") == ["b{}"]
    policy = _policy_with_hashes(html)
    # sha256("a()") in base64
    assert "script-src 'self' 'sha256-" in policy and policy.count("sha256-") == 2


def test_the_session_and_csrf_cookies_are_http_only_or_same_site(client, django_user_model):
    django_user_model.objects.create_superuser("admin", "admin@example.com", "pw-for-tests-only")
    response = client.post("/admin/login/", {"username": "admin", "password": "pw-for-tests-only"})
    session = response.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"
