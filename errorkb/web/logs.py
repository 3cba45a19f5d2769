"""Logging filters: every line carries the request id, and no line carries a secret.

Kept apart from the middleware: logging is configured before Django's apps are
loaded, so these must import nothing that needs them.
"""

from __future__ import annotations

import logging
import re
import threading
from contextlib import contextmanager

_local = threading.local()


@contextmanager
def request_id_scope(request_id: str):
    """Log lines written inside carry this request id."""
    _local.request_id = request_id
    try:
        yield
    finally:
        _local.request_id = "-"


def current_request_id() -> str:
    return getattr(_local, "request_id", "-")


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


# Credentials that pastes carry. Each pattern is anchored on a literal word, so no
# run of input can make it backtrack beyond a line (tests/diagnosis/test_regex_safety.py).
# A value an earlier pattern already replaced is skipped, so it stays "[REDACTED]".
_SECRET_PATTERNS = [
    re.compile(r"rk_live_[A-Za-z0-9_\-]+"),
    re.compile(r"(?<![0-9A-Fa-f])[0-9A-Fa-f]{128}(?![0-9A-Fa-f])"),
    re.compile(
        r"(?i)\b(authorization|proxy-authorization|x-api-key|x-data-hash|cookie|set-cookie)"
        r"([\"']?[ \t]*(?:[:=]|%3[AaDd])[ \t]*+)(?!\[REDACTED\])[^\r\n]+"
    ),
    re.compile(r"(?i)\b(bearer|token|basic)([ \t]+)[A-Za-z0-9._~+/=\-]{6,}"),
    re.compile(
        r"(?i)\b(key|pin|api_key|apikey|password|passwd|secret|token|access_token|sessionid|csrftoken)"
        r"([\"']?[ \t]*(?:[:=]|%3[AaDd])[ \t]*+[\"']?)(?!\[REDACTED\])[^\"'&\s,;}\[\]]+"
    ),
]


def scrub_secrets(text: str) -> str:
    """Replace anything that looks like a credential with [REDACTED] (for logs only)."""
    for pattern in _SECRET_PATTERNS:
        if pattern.groups:
            text = pattern.sub(lambda m: m.group(1) + m.group(2) + "[REDACTED]", text)
        else:
            text = pattern.sub("[REDACTED]", text)
    return text


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


