from typing import NamedTuple

from django.conf import settings
from django.http import HttpResponse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import APIException, NotFound, ParseError, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from errorkb.catalogue.models import ErrorEntry, Provider
from errorkb.catalogue.snapshot import engine_catalogue, snapshot_cache
from errorkb.diagnosis import Catalogue, ProviderUnknown, memo

from .errors import PayloadTooLarge
from .filters import ErrorEntryFilter
from .pagination import EntryPages, EntryPagination
from .parsers import JSONBodyParser, PlainTextParser, read_json
from .renderers import JSONRenderer
from .serializers import ErrorEntrySerializer, ProviderSerializer
from .throttles import RateLimit

JSON = JSONRenderer()


class JSONOnly(DefaultContentNegotiation):
    """The API answers JSON whatever the Accept header says, so the header is never parsed."""

    def select_parser(self, request, parsers):
        # The content type tooling sends is one of the parsers' own, bare or with a
        # charset: found by comparing strings. DRF's media-type matching (parsing
        # both types into parameters) is the fallback for anything else.
        content_type = request.content_type.partition(";")[0].strip().lower()
        for parser in parsers:
            if parser.media_type == content_type:
                return parser
        return super().select_parser(request, parsers)

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class LeanAPIMixin:
    """What every API view shares: JSON only, and no per-request work a call does not need.

    Tooling calls on every failed request it sees, so the framework must cost little:
    no Accept parsing, authentication only for a caller that sends a token, and
    no throttle at all when ERRORKB_RATE_LIMITS is off.
    """

    renderer_classes = [JSONRenderer]
    content_negotiation_class = JSONOnly
    throttle_classes = [RateLimit]

    def initial(self, request, *args, **kwargs):
        # DRF's initial() less what these views never use: format suffixes, content
        # negotiation (the answer is JSON whatever is asked) and a versioning scheme
        # (the version is in the path).
        self.format_kwarg = None
        request.accepted_renderer, request.accepted_media_type = JSON, JSON.media_type
        request.version, request.versioning_scheme = None, None
        self.perform_authentication(request)
        self.check_permissions(request)
        self.check_throttles(request)

    @property
    def default_response_headers(self):
        # DRF sends Allow with every answer; HTTP asks for it on a 405 and an OPTIONS
        # answer. Each header is work for the server on every call.
        method = self.request.method.lower()
        if method == "options" or method not in self.http_method_names or not hasattr(self, method):
            return {"Allow": ", ".join(self.allowed_methods)}
        return {}

    def perform_authentication(self, request):
        # Authenticate up front only a caller that sends a token (a bad token is a 401
        # at once); anonymous callers are never looked up unless a throttle asks.
        if "HTTP_AUTHORIZATION" in request.META:
            request.user  # noqa: B018

    def get_throttles(self):
        if settings.ERRORKB_RATE_LIMITS is None:
            return []
        return super().get_throttles()


class ProviderViewMixin(LeanAPIMixin):
    serializer_class = ProviderSerializer
    pagination_class = None

    def get_queryset(self):
        return Provider.objects.with_entry_counts()


class ProviderList(ProviderViewMixin, generics.ListAPIView):
    pass


class ProviderDetail(ProviderViewMixin, generics.RetrieveAPIView):
    lookup_field = "slug"


class ErrorList(LeanAPIMixin, generics.ListAPIView):
    serializer_class = ErrorEntrySerializer  # what a page shows (entry_pages builds the same dicts)
    filter_backends = [DjangoFilterBackend]
    filterset_class = ErrorEntryFilter
    pagination_class = EntryPagination

    def get_queryset(self):
        # Plain: entry_pages() reads each page's rows and related entries itself
        # (for_api()'s joins and prefetch are for instances, which a page never makes).
        return ErrorEntry.objects.all()

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        pages = EntryPages(queryset, request)
        page = self.paginate_queryset(pages)
        if page is None:  # no pagination configured: every entry, the same way
            return Response(pages[:])
        return self.get_paginated_response(page)


# In rendered JSON every quote inside a string is escaped, so this byte string can
# only be a "url" key whose value is a path of this site.
RELATIVE_URL = b'"url":"/'


def json_response(content: bytes) -> HttpResponse:
    """An answer rendered already (by JSON): what DRF's Response would send, without re-rendering."""
    return HttpResponse(content, content_type=JSON.media_type)


def absolute_root(request) -> str:
    """'http://host' for making the site's own paths absolute.

    Django keeps it on the request once worked out (it is what build_absolute_uri
    uses): validating the Host header against ALLOWED_HOSTS costs a few
    microseconds each time.
    """
    return request._current_scheme_host


def rendered_entry(provider: str, code: str) -> bytes | None:
    """One entry as the API shows it, rendered to JSON with site-relative URLs; None if unknown."""
    queryset = ErrorEntry.objects.for_api()
    try:
        entry = queryset.get(provider__slug=provider, code=code)
    except ErrorEntry.DoesNotExist:
        return None
    return JSON.render(ErrorEntrySerializer(entry).data)


class ErrorDetail(LeanAPIMixin, APIView):
    """One entry, from this process's cache of rendered entries (no query once warm)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("provider", str, OpenApiParameter.PATH, description="Provider slug."),
            OpenApiParameter("code", str, OpenApiParameter.PATH, description="The entry's code."),
        ],
        responses=ErrorEntrySerializer,
    )
    def get(self, request, provider: str, code: str):
        content = snapshot_cache.cached(("api-error", provider, code), lambda: rendered_entry(provider, code))
        if content is None:
            raise NotFound(f"No {provider} error with code {code!r}.")
        root = absolute_root(request).encode()
        return json_response(content.replace(RELATIVE_URL, b'"url":"' + root + b"/"))


class DiagnoseRequest(serializers.Serializer):
    body = serializers.CharField(allow_blank=True, trim_whitespace=False, help_text="The paste, as it is.")
    provider = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, help_text="A provider slug, if known."
    )
    http_status = serializers.IntegerField(required=False, allow_null=True, min_value=100, max_value=599)

    def validate_body(self, value: str) -> str:
        check_paste_size(len(value.encode("utf-8", errors="replace")))
        return value


def check_paste_size(size: int) -> None:
    if size > settings.ERRORKB_MAX_PASTE_BYTES:
        raise PayloadTooLarge(
            f"The paste is larger than {settings.ERRORKB_MAX_PASTE_BYTES:,} bytes; send the part around the error."
        )


def diagnose_values(data: dict) -> tuple[str, str | None, int | None]:
    """The body, provider hint and status hint of one diagnose request.

    A well-formed request (what tooling sends) is read here directly, giving what
    DiagnoseRequest would: DRF's CharField checks a paste one character at a time
    in Python (about 60 µs for a typical body, 0.1 s for 1 MB). Anything else goes
    through DiagnoseRequest, the one source of the error messages.
    """
    body, provider, status = data.get("body"), data.get("provider"), data.get("http_status")
    if (
        type(body) is str
        and "\x00" not in body
        and (provider is None or (type(provider) is str and "\x00" not in provider))
        and (status is None or (type(status) is int and 100 <= status <= 599))
    ):
        try:
            size = len(body.encode("utf-8"))
            if provider:
                provider.encode("utf-8")
        except UnicodeEncodeError:
            pass  # a lone surrogate: DiagnoseRequest words the error
        else:
            check_paste_size(size)
            return body, (provider.strip() if provider else None) or None, status
    payload = DiagnoseRequest(data=data)
    try:
        payload.is_valid(raise_exception=True)
    except RecursionError:
        # `provider` or `http_status` nested a thousand deep (orjson parses 1,024 levels)
        # is str()'d by DRF's CharField or IntegerField, which recurses past Python's limit
        # before any check can say "not a string" or "not a number".
        raise ParseError("The request is nested too deeply to read.") from None
    values = payload.validated_data
    return values["body"], values.get("provider") or None, values.get("http_status")


EXAMPLE_123HUB = OpenApiExample(
    "A 123hub error body",
    value={
        "body": '{"success": false, "error": {"code": 6010, "message": "Payment does not exist", '
        '"details": null, "context": null}, "request_id": "a1b2c3d4-e5f6-7890-abcd-ef1234567890", '
        '"processing_time": 5}',
    },
    request_only=True,
)
EXAMPLE_RUKKYHUB = OpenApiExample(
    "A RukkyHub rate limit with a hint",
    value={
        "body": '{"error": "Rate limit exceeded", "reset_in": 37}',
        "provider": "rukkyhub",
        "http_status": 429,
    },
    request_only=True,
)


class DiagnoseCall(NamedTuple):
    """One diagnose request, checked: what diagnose() is given, and the catalogue that will answer."""

    body: str
    provider: str | None
    http_status: int | None
    catalogue: Catalogue


def validated_call(data) -> DiagnoseCall:
    """Check one diagnose request; raises DRF's errors (400, 413) and has no side effect."""
    if not isinstance(data, dict):
        raise ParseError("Send a JSON object with a 'body' string, or the paste itself as text/plain.")
    body, hint, http_status = diagnose_values(data)
    catalogue = engine_catalogue()
    provider = None
    if hint is not None:
        # Resolved here, where an unknown one is a 400: diagnose() is given the slug, which it
        # then finds at its first lookup.
        provider = catalogue.resolve_provider(hint)
        if provider is None:
            raise ValidationError({"provider": [str(ProviderUnknown(hint, catalogue.provider_slugs))]})
    return DiagnoseCall(body, provider, http_status, catalogue)


def diagnosis_answer(request, call: DiagnoseCall) -> dict:
    """The diagnosis of a checked request, from the in-memory catalogue, its URLs made absolute.

    memo.answer() may hand out parts of an answer it remembers: the URLs are put into copies.
    """
    result = memo.answer(call.body, call.catalogue, provider=call.provider, http_status=call.http_status)
    root = absolute_root(request)

    def absolute(matches: list[dict]) -> list[dict]:
        return [{**match, "url": root + match["url"]} for match in matches]

    return {
        **result,
        "matches": absolute(result["matches"]),
        "errors": [{**error, "matches": absolute(error["matches"])} for error in result["errors"]],
    }


class Diagnose(LeanAPIMixin, APIView):
    """Diagnose a pasted error: body, HTTP dump, log line, repr or bare code/message."""

    parser_classes = [JSONBodyParser, PlainTextParser]
    throttle_scope = "diagnose"

    def dispatch(self, request, *args, **kwargs):
        return self.direct_answer(request) or super().dispatch(request, *args, **kwargs)

    def direct_answer(self, request) -> HttpResponse | None:
        """The call tooling makes on every failed request, answered without DRF's Request.

        DRF's dispatch (a Request wrapping Django's, its parsers, authenticators,
        permissions and exception handling) cost about 120k instructions of the
        1,260k a diagnose call took. An anonymous, well-formed JSON call to a view
        open to anyone needs none of it: the same parser (read_json), the same checks
        (validated_call) and the same throttles answer it. None means "not such a
        call": DRF answers it as before, the one place that words the errors (400,
        401, 403, 413, 415, 429) the schema documents. Handing over is always safe
        because nothing here has a side effect until the call is known to be valid;
        only then does the rate limit count it. A refused call counts nothing, so DRF
        refuses it again and answers the 429.
        """
        if (
            request.method != "POST"
            or "HTTP_AUTHORIZATION" in request.META  # a token: DRF authenticates it (or answers 401)
            # Any other permission needs the caller DRF authenticates: DRF checks it.
            or tuple(self.permission_classes) != (AllowAny,)
            or request.content_type != "application/json"
            or request.content_params.get("charset", "utf-8").lower() != "utf-8"
        ):
            return None
        try:
            # A ValueError is Django's answer to a Content-Length that is no number.
            call = validated_call(read_json(request.body))
        except (ValueError, APIException):
            return None
        for throttle in self.get_throttles():
            if not throttle.allow_request(request, self):
                return None
        try:
            answer = diagnosis_answer(request, call)
        except Exception:
            # A crash, that is a bug: DRF runs the call again and answers the 500 the one
            # way, logging the stack but never the message, which may quote the paste
            # (errors.py). Only such a call is counted twice against the caller's limit.
            return None
        return json_response(JSON.render(answer))

    @extend_schema(
        request=DiagnoseRequest, responses={200: dict}, examples=[EXAMPLE_123HUB, EXAMPLE_RUKKYHUB]
    )
    def post(self, request):
        return json_response(JSON.render(diagnosis_answer(request, validated_call(request.data))))


class DiagnoseBatch(LeanAPIMixin, APIView):
    """Diagnose up to ERRORKB_MAX_BATCH pastes in one call; answers a list in the same order."""

    parser_classes = [JSONBodyParser]
    throttle_scope = "diagnose"

    @extend_schema(request=DiagnoseRequest(many=True), responses={200: dict})
    def post(self, request):
        items = request.data
        if not isinstance(items, list):
            raise ParseError("Send a JSON list of diagnose requests.")
        if len(items) > settings.ERRORKB_MAX_BATCH:
            raise ValidationError(
                f"A batch holds at most {settings.ERRORKB_MAX_BATCH} pastes; this one has {len(items)}."
            )
        calls = [validated_call(item) for item in items]
        return json_response(JSON.render([diagnosis_answer(request, call) for call in calls]))
