from django.conf import settings
from django.db.models import Count, Prefetch
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound, ParseError, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from errorkb.catalogue.models import Category, ErrorEntry, Provider
from errorkb.catalogue.snapshot import engine_catalogue
from errorkb.diagnosis import ProviderUnknown, diagnose

from .errors import PayloadTooLarge
from .filters import ErrorEntryFilter
from .parsers import PlainTextParser
from .serializers import ErrorEntrySerializer, ProviderSerializer
from .throttles import RateLimit


class ReadOnlyView:
    throttle_classes = [RateLimit]


class ProviderList(ReadOnlyView, generics.ListAPIView):
    serializer_class = ProviderSerializer
    pagination_class = None

    def get_queryset(self):
        return Provider.objects.annotate(entry_count=Count("entries")).prefetch_related(
            Prefetch("categories", queryset=Category.objects.select_related("provider"))
        )


class ProviderDetail(ProviderList, generics.RetrieveAPIView):
    lookup_field = "slug"


class ErrorList(ReadOnlyView, generics.ListAPIView):
    serializer_class = ErrorEntrySerializer
    filterset_class = ErrorEntryFilter

    def get_queryset(self):
        return ErrorEntry.objects.for_display().prefetch_related("related__provider")


class ErrorDetail(ErrorList, generics.RetrieveAPIView):
    def get_object(self):
        queryset = self.get_queryset()
        try:
            return queryset.get(provider__slug=self.kwargs["provider"], code=self.kwargs["code"])
        except ErrorEntry.DoesNotExist:
            raise NotFound(f"No {self.kwargs['provider']} error with code {self.kwargs['code']!r}.")


class DiagnoseRequest(serializers.Serializer):
    body = serializers.CharField(allow_blank=True, trim_whitespace=False, help_text="The paste, as it is.")
    provider = serializers.CharField(required=False, allow_null=True, allow_blank=True, help_text="A provider slug, if known.")
    http_status = serializers.IntegerField(required=False, allow_null=True, min_value=100, max_value=599)

    def validate_body(self, value: str) -> str:
        if len(value.encode("utf-8", errors="replace")) > settings.ERRORKB_MAX_PASTE_BYTES:
            raise PayloadTooLarge(
                f"The paste is larger than {settings.ERRORKB_MAX_PASTE_BYTES:,} bytes; send the part around the error."
            )
        return value


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
    value={"body": '{"error": "Rate limit exceeded", "reset_in": 37}', "provider": "rukkyhub", "http_status": 429},
    request_only=True,
)


def run_diagnosis(request, data: dict) -> dict:
    """Validate one diagnose request and answer it from the in-memory catalogue."""
    if not isinstance(data, dict):
        raise ParseError("Send a JSON object with a 'body' string, or the paste itself as text/plain.")
    payload = DiagnoseRequest(data=data)
    payload.is_valid(raise_exception=True)
    values = payload.validated_data
    try:
        result = diagnose(
            values["body"],
            engine_catalogue(),
            provider=values.get("provider") or None,
            http_status=values.get("http_status"),
        ).to_dict()
    except ProviderUnknown as exc:
        raise ValidationError({"provider": [str(exc)]})
    for match in result["matches"]:
        match["url"] = request.build_absolute_uri(match["url"])
    return result


class Diagnose(APIView):
    """Diagnose a pasted error: body, HTTP dump, log line, repr or bare code/message."""

    parser_classes = [JSONParser, PlainTextParser]
    throttle_classes = [RateLimit]
    throttle_scope = "diagnose"

    @extend_schema(request=DiagnoseRequest, responses={200: dict}, examples=[EXAMPLE_123HUB, EXAMPLE_RUKKYHUB])
    def post(self, request):
        return Response(run_diagnosis(request, request.data))


class DiagnoseBatch(APIView):
    """Diagnose up to ERRORKB_MAX_BATCH pastes in one call; answers a list in the same order."""

    parser_classes = [JSONParser]
    throttle_classes = [RateLimit]
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
        return Response([run_diagnosis(request, item) for item in items])
