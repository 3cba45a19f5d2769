"""Logging filters: every line carries the request id, and no line carries a secret.

Kept apart from the middleware: logging is configured before Django's apps are
loaded, so these must import nothing that needs them.
"""

from __future__ import annotations

import logging
import re
import threading

_local = threading.local()


def set_request_id(request_id: str) -> None:
    """Log lines this thread writes from now on carry this request id ("-" for none).

    A plain setter, not a context manager: EdgeMiddleware sets it and resets it in
    a finally, on every request.
    """
    _local.request_id = request_id


def current_request_id() -> str:
    return getattr(_local, "request_id", "-")


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


# Credentials any log line may quote, whoever the provider. Each pattern is anchored on
# a literal word, so no run of input can make it backtrack beyond a line
# (tests/diagnosis/test_regex_safety.py). A value already replaced stays "[REDACTED]".
_SECRET_PATTERNS = [
    re.compile(
        r"(?i)\b(authorization|proxy-authorization|x-api-key|cookie|set-cookie)"
        r"([\"']?[ \t]*(?:[:=]|%3[AaDd])[ \t]*+)(?!\[REDACTED\])[^\r\n]+"
    ),
    re.compile(r"(?i)\b(bearer|token|basic)([ \t]+)(?!\[REDACTED\])[A-Za-z0-9._~+/=\-]{6,}"),
    re.compile(
        r"(?i)\b(key|pin|api_key|apikey|password|passwd|secret|token|access_token|sessionid|csrftoken)"
        r"([\"']?[ \t]*(?:[:=]|%3[AaDd])[ \t]*+[\"']?)(?!\[REDACTED\])[^\"'&\s,;}\[\]]+"
    ),
]


def scrub_secrets(text: str) -> str:
    """Replace anything that looks like a credential with [REDACTED] (for logs only).

    The providers' own secrets (their secret headers and key formats, such as
    RukkyHub's rk_live_ keys and 123hub's 128-hex signatures) are found by the
    diagnosis engine's redactor, built from the providers' rules; the patterns
    above catch what any API's credentials look like, whatever the catalogue says.
    """
    redactor = _provider_redactor()
    if redactor is not None:
        text = redactor.redact(text).text
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + m.group(2) + "[REDACTED]", text)
    return text


def _provider_redactor():
    """This process's catalogue's redactor once it is built; before that, one from the fixtures."""
    try:
        from errorkb.catalogue.snapshot import fixture_catalogue, snapshot_cache

        return (snapshot_cache.built() or fixture_catalogue()).redactor
    except Exception:  # noqa: BLE001 - a log line must be written even from a half-started process
        return None


class ScrubSecretsLogFilter(logging.Filter):
    """Logs never hold a paste, but a traceback or a request line might quote one."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        scrubbed = scrub_secrets(message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub_secrets(record.exc_text)
        return True
