"""Cross-cutting HTTP concerns: request ids, security headers, size limits, a database that went away."""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import secrets
from http import HTTPStatus

from django.conf import settings
from django.contrib.auth import middleware as auth
from django.contrib.messages import middleware as messages
from django.contrib.sessions import middleware as sessions
from django.core.exceptions import DisallowedHost, RequestDataTooBig
from django.core.handlers.exception import response_for_exception
from django.core.signals import setting_changed
from django.db import DatabaseError
from django.http import HttpResponse, JsonResponse
from django.middleware import csrf
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils.html import escape

from .logs import set_request_id

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


def is_api_request(request) -> bool:
    """Whether the request is for the API: by its path inside the site (path_info), so
    that a site served under a script prefix (/errorkb/api/...) is judged the same way."""
    return request.path_info.startswith("/api/")


def problem_response(request, status: int, detail: str) -> HttpResponse:
    """An RFC 9457 problem for the API, the matching error page for everything else."""
    if is_api_request(request):
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


def _security_headers(request, response) -> None:
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
    headers = response.headers
    # The names already set, looked up in a set: `name in headers` raises and catches a
    # KeyError inside Django for every header not there yet.
    present = {name.lower() for name in headers}
    for name, value in (
        ("Content-Security-Policy", policy),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", settings.X_FRAME_OPTIONS),
        ("Referrer-Policy", settings.SECURE_REFERRER_POLICY),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ):
        if name.lower() not in present:
            headers[name] = value


# scheme://host of the Host headers that passed Django's check, by (scheme, raw Host).
# Django validates the Host header against ALLOWED_HOSTS on every get_host() (~5 µs:
# a regex and a match against each pattern); the answer depends only on the header
# and the settings, and every API call needs it. Only hosts that passed are kept, a
# few (a full cache empties); a changed setting forgets them. Measured by callgrind,
# keeping the string beat deriving it on each call (12k instructions an API call), and
# beat keying on the settings too (each read of `settings` goes through
# LazyObject.__getattribute__).
_VALID_HOSTS: dict[tuple[str, str], str] = {}
_MAX_VALID_HOSTS = 64


def _forget_valid_hosts(**kwargs) -> None:
    _VALID_HOSTS.clear()


setting_changed.connect(_forget_valid_hosts, dispatch_uid="errorkb_valid_hosts")


def _check_host(request) -> None:
    """Validate the Host header (DisallowedHost if not allowed) and keep scheme://host on the request.

    What Django's cached `_current_scheme_host` holds once worked out (build_absolute_uri
    and the API's absolute URLs read it), remembered for a host that passed before.
    """
    key = (request.scheme, request._get_raw_host())
    known = _VALID_HOSTS.get(key)
    if known is None:
        known = request._current_scheme_host  # get_host(): raises DisallowedHost
        if len(_VALID_HOSTS) >= _MAX_VALID_HOSTS:
            _VALID_HOSTS.clear()
        _VALID_HOSTS[key] = known
    else:
        request.__dict__["_current_scheme_host"] = known


def _too_big(request) -> HttpResponse | None:
    """Refuse a body over the upload limit before anything reads it.

    Django checks DATA_UPLOAD_MAX_MEMORY_SIZE only when request.body or request.POST
    is read, and DRF's parsers read the stream directly and never check it. The API
    answers a 413 problem; a page raises RequestDataTooBig as Django would, so the
    project's handler400 (the paste page with its message) answers it.
    """
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if limit is None or length <= limit:
        return None
    detail = (
        f"The request body is {length:,} bytes; the most accepted is {limit:,} bytes "
        f"(a paste may be up to {settings.ERRORKB_MAX_PASTE_BYTES:,} bytes). Send the part around the error."
    )
    if not is_api_request(request):
        raise RequestDataTooBig(detail)
    return problem_response(request, 413, detail)


class EdgeMiddleware:
    """What every request gets, as the first and last thing it meets.

    - An id: X-Request-ID on the response (the caller's, if it sent a sane one), and
      in every log line written while it is served.
    - A gate: a host not served (DisallowedHost, a 400) or a body over the upload
      limit (413) is refused before anything reads the request. CommonMiddleware is
      not in MIDDLEWARE, and it was what checked ALLOWED_HOSTS on every request.
    - The security headers, on every response: static files from WhiteNoise and
      early errors included, since this sits outside them. And Content-Length on
      every answer that is not streamed, as CommonMiddleware would.
    - A database that went away: a view that needed it answers 503 and the next
      request recovers by itself (process_exception).

    One class rather than four: each middleware layer costs every request a few
    microseconds, and the API is called on every failed request tooling sees.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request.id = incoming if _SAFE_ID.match(incoming) else secrets.token_hex(16)
        set_request_id(request.id)
        try:
            _check_host(request)
            response = _too_big(request) or self.get_response(request)
        except (DisallowedHost, RequestDataTooBig) as exc:
            response = response_for_exception(request, exc)
        finally:
            set_request_id("-")
        response["X-Request-ID"] = request.id
        _security_headers(request, response)
        if not response.streaming and not response.has_header("Content-Length"):
            # What Django's CommonMiddleware does (it is not in MIDDLEWARE). Without a
            # length gunicorn sends the answer chunked: a chunk header, and one more
            # write for the closing chunk on every call.
            response.headers["Content-Length"] = str(len(response.content))
        return response

    def process_exception(self, request, exception):
        if not isinstance(exception, DatabaseError):
            return None
        logging.getLogger("errorkb").error("database unavailable: %s", type(exception).__name__)
        response = problem_response(
            request, 503, "The catalogue database is unavailable; try again shortly. Diagnosis still works."
        )
        response["Retry-After"] = "5"
        return response


class PagesOnly:
    """Mixed into middleware only the pages need: API requests pass straight through.

    Sessions, users, messages and CSRF serve the browser pages and the admin. The
    API is stateless: it reads no session cookie, shows no messages and knows a
    caller only by a Bearer token (DRF's authentication, in the view), and every
    API view is exempt from CSRF (DRF's as_view). Django runs every middleware for
    every request, so the API skips these (about 20 µs a call; CSRF alone, which
    read the cookie of every call only to be told the view is exempt, was 46k
    instructions of a diagnose call).
    """

    def __call__(self, request):
        if is_api_request(request):
            return self.get_response(request)
        return super().__call__(request)


class SessionMiddleware(PagesOnly, sessions.SessionMiddleware):
    pass


class AuthenticationMiddleware(PagesOnly, auth.AuthenticationMiddleware):
    pass


class MessageMiddleware(PagesOnly, messages.MessageMiddleware):
    pass


class CsrfViewMiddleware(PagesOnly, csrf.CsrfViewMiddleware):
    pass
