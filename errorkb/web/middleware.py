"""Cross-cutting HTTP concerns: request ids, security headers, size limits, a database that went away."""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import threading
import uuid
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError
from django.http import HttpResponse, JsonResponse
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils.html import escape

_local = threading.local()
_SAFE_ID = re.compile(r"^[A-Za-z0-9._\-]{8,64}$")

# No inline script or style anywhere, so the policy needs no 'unsafe-inline'.
CSP_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
CONTENT_SECURITY_POLICY = "; ".join(f"{name} {value}" for name, value in CSP_DIRECTIVES.items())

# Views whose HTML comes from a third-party template with inline <script>/<style>
# built only from server settings (drf-spectacular's Swagger UI). Their CSP allows
# exactly those blocks by hash; nothing else on the page may run inline.
INLINE_HASHED_VIEWS = {"api:docs"}


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


class RequestIdMiddleware:
    """Every response carries X-Request-ID (the caller's, if it sent a sane one), also in the logs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request.id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        _local.request_id = request.id
        try:
            response = self.get_response(request)
        finally:
            _local.request_id = "-"
        response["X-Request-ID"] = request.id
        return response


def _csp_hash(source: str) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()}'"


def _inline_blocks(html: str, tag: str) -> list[str]:
    """The bodies of <tag>…</tag> blocks without attributes (str.find: linear on any input)."""
    opening, closing = f"<{tag}>", f"</{tag}>"
    blocks, start = [], 0
    while (begin := html.find(opening, start)) != -1:
        end = html.find(closing, begin)
        if end == -1:
            break
        blocks.append(html[begin + len(opening) : end])
        start = end + len(closing)
    return blocks


def _policy_with_hashes(html: str) -> str:
    directives = dict(CSP_DIRECTIVES)
    for tag, directive in (("script", "script-src"), ("style", "style-src")):
        hashes = [_csp_hash(block) for block in _inline_blocks(html, tag) if block.strip()]
        if hashes:
            directives[directive] = " ".join([directives[directive], *hashes])
    return "; ".join(f"{name} {value}" for name, value in directives.items())


class SecurityHeadersMiddleware:
    """The security headers on every response, static files and early errors included.

    It sits outside Django's SecurityMiddleware and WhiteNoise, so a response they
    make (a static file, a DisallowedHost 400) gets the same headers as a page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if (
            match is not None
            and match.view_name in INLINE_HASHED_VIEWS
            and response.get("Content-Type", "").startswith("text/html")
            and not response.streaming
        ):
            policy = _policy_with_hashes(response.content.decode("utf-8", errors="replace"))
        else:
            policy = CONTENT_SECURITY_POLICY
        response.setdefault("Content-Security-Policy", policy)
        response.setdefault("X-Content-Type-Options", "nosniff")
        response.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        response.setdefault("Referrer-Policy", settings.SECURE_REFERRER_POLICY)
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


def problem_response(request, status: int, detail: str) -> HttpResponse:
    """An RFC 9457 problem for the API, the matching error page for everything else."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status, "detail": detail},
            status=status,
            content_type="application/problem+json",
        )
    try:
        html = render_to_string(f"{status}.html", {"detail": detail}, request=request)
    except (TemplateDoesNotExist, DatabaseError):  # the error page must not need the database
        html = (
            f"<!doctype html><title>{status} {HTTPStatus(status).phrase}</title>"
            f"<h1>{HTTPStatus(status).phrase}</h1><p>{escape(detail)}</p>"
        )
    return HttpResponse(html, status=status)


class RequestGateMiddleware:
    """Refuse, before anything reads it, a request for a host not served or with too big a body.

    Host: CommonMiddleware is not in MIDDLEWARE (it costs time on every request for
    nothing else ErrorKB uses), and it was what checked ALLOWED_HOSTS on every
    request; request.get_host() here raises DisallowedHost (a 400) the same way.

    Body: Django checks DATA_UPLOAD_MAX_MEMORY_SIZE only when request.body or
    request.POST is read, and DRF's parsers read the stream directly and never
    check it. The API answers a 413 problem here; a page raises RequestDataTooBig
    as Django would, so the project's handler400 (the paste page with its message)
    answers it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.get_host()
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is None or length <= limit:
            return self.get_response(request)
        detail = (
            f"The request body is {length:,} bytes; the most accepted is {limit:,} bytes "
            f"(a paste may be up to {settings.ERRORKB_MAX_PASTE_BYTES:,} bytes). Send the part around the error."
        )
        if not request.path.startswith("/api/"):
            raise RequestDataTooBig(detail)
        return problem_response(request, 413, detail)


class DatabaseUnavailableMiddleware:
    """A page that needs the database answers 503 while it is away, and recovers by itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DatabaseError):
            return None
        logging.getLogger("errorkb").error("database unavailable: %s", type(exception).__name__)
        response = problem_response(
            request, 503, "The catalogue database is unavailable; try again shortly. Diagnosis still works."
        )
        response["Retry-After"] = "5"
        return response
