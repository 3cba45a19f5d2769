"""The last guard on the console log: credentials quoted in a log line or a traceback are replaced."""

import logging
import sys

import pytest

from errorkb.web.logs import ScrubSecretsLogFilter, scrub_secrets

KEY = "rk_live_4Hq9ZxV2mB7nC1pL8sK3"
HASH = "a3" * 64


@pytest.mark.parametrize(
    "line,secret",
    [
        (f"GET /search?q={KEY} HTTP/1.1", KEY),
        (f'"GET /diagnose?body=X-Data-Hash%3A+{HASH} HTTP/1.1" 200', HASH),
        ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abcdefgh", "eyJhbGciOiJIUzI1NiJ9"),
        ("> X-API-KEY: some-opaque-value-123", "some-opaque-value-123"),
        ("Cookie: sessionid=abc123def456; csrftoken=zzz999", "abc123def456"),
        ("failed with key=plainkey12345&pin=4821", "plainkey12345"),
        ("failed with key=plainkey12345&pin=4821", "4821"),
        ('{"key": "plainkey12345", "pin": "4821"}', "plainkey12345"),
        ("{'password': 'hunter2hunter2'}", "hunter2hunter2"),
        ("GET /diagnose?body=key%3Dvalue12345%26pin%3D4821", "value12345"),
        ("GET /diagnose?body=X-API-KEY%3A+opaque-value-777", "opaque-value-777"),
    ],
)
def test_it_replaces_credentials(line, secret):
    scrubbed = scrub_secrets(line)
    assert secret not in scrubbed
    assert "[REDACTED]" in scrubbed


def test_it_leaves_ordinary_lines_alone():
    line = "Internal Server Error: /api/v1/diagnose (code 6010, 429 Too Many Requests)"
    assert scrub_secrets(line) == line


def make_record(message, *args, exc_info=None):
    return logging.LogRecord("django.server", logging.INFO, __file__, 1, message, args, exc_info)


def test_the_filter_rewrites_the_message_and_the_traceback():
    try:
        raise ValueError(f"bad key {KEY}")
    except ValueError:
        record = make_record('"%s" %s', f"GET /search?q={KEY} HTTP/1.1", 200, exc_info=sys.exc_info())
    assert ScrubSecretsLogFilter().filter(record)
    assert KEY not in record.getMessage()
    assert KEY not in record.exc_text and "ValueError" in record.exc_text
    formatted = logging.Formatter().format(record)
    assert KEY not in formatted


def test_the_console_handler_uses_it(settings):
    assert "scrub_secrets" in settings.LOGGING["handlers"]["console"]["filters"]
    assert settings.LOGGING["loggers"]["django.server"]["handlers"] == ["console"]


@pytest.mark.parametrize(
    "line, expected",
    [
        ("X-API-KEY: rk_live_9f8e7d6c5b4a", "X-API-KEY: [REDACTED]"),
        ('{"key": "rk_live_9f8e7d6c5b4a"}', '{"key": "[REDACTED]"}'),
        ("GET /diagnose?body=pin%3D1234%26key%3Drk_live_abc", "GET /diagnose?body=pin%3D[REDACTED][REDACTED]"),
    ],
)
def test_a_value_scrubbed_twice_reads_as_one_clean_marker(line, expected):
    assert scrub_secrets(line) == expected


@pytest.mark.django_db
def test_a_provider_added_to_the_catalogue_has_its_secrets_scrubbed_too():
    """The filter knows each provider's key formats and secret headers from the catalogue's rules."""
    from errorkb.catalogue.models import Provider
    from errorkb.catalogue.snapshot import engine_catalogue, snapshot_cache

    Provider.objects.create(
        slug="payflux",
        name="PayFlux",
        rules={"secret_headers": ["X-PF-Signature"], "secret_patterns": ["pf_sk_[A-Za-z0-9]{8,}"]},
    )
    snapshot_cache.invalidate()
    engine_catalogue()
    try:
        scrubbed = scrub_secrets("retrying with pf_sk_Zq81LmX0vTy4; X-PF-Signature: 9f8e7d6c5b4a")
    finally:
        snapshot_cache.invalidate()
    assert "pf_sk_Zq81LmX0vTy4" not in scrubbed
    assert "9f8e7d6c5b4a" not in scrubbed
    assert scrubbed.startswith("retrying with [REDACTED]")
