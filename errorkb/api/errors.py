"""API errors as RFC 9457 problem details (application/problem+json)."""

import logging
import traceback
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

logger = logging.getLogger("errorkb.api")

SERVER_ERROR_DETAIL = "Something went wrong on our side; the request id identifies it in our logs."


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = "The request is too large."
    default_code = "payload_too_large"


def problem_exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge(
            f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes; "
            "send the part around the error."
        )
    response = exception_handler(exc, context)
    if response is None:
        if isinstance(exc, DatabaseError) or settings.DEBUG:
            return None  # EdgeMiddleware answers 503; DEBUG shows the traceback
        # Never an HTML 500 page for an API caller. The exception's message is neither
        # answered nor logged (it may quote the paste): its type and stack are enough.
        logger.error(
            "unhandled %s in %s\n%s",
            type(exc).__name__,
            context["view"].__class__.__name__,
            "".join(traceback.format_tb(exc.__traceback__)).rstrip(),
        )
        set_rollback()
        response = Response(
            {"detail": SERVER_ERROR_DETAIL},
            status=500,
        )
    data = response.data
    if isinstance(data, dict) and set(data) == {"detail"}:
        detail, errors = str(data["detail"]), None
    else:
        detail, errors = _summary(data), data
    status = response.status_code
    problem = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        problem["errors"] = errors
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        problem["retry_after"] = int(exc.wait)
    response.data = problem
    response.content_type = "application/problem+json"
    return response


def _summary(data) -> str:
    if isinstance(data, dict):
        parts = [f"{key}: {_summary(value)}" for key, value in data.items()]
        return "; ".join(parts)
    if isinstance(data, list):
        return " ".join(_summary(item) for item in data)
    return str(data)
