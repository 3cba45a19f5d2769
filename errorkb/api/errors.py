"""API errors as RFC 9457 problem details (application/problem+json)."""

from http import HTTPStatus

from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.views import exception_handler


class ProblemJSONRenderer(JSONRenderer):
    media_type = "application/problem+json"


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = "The request is too large."
    default_code = "payload_too_large"


def problem_exception_handler(exc, context):
    response = exception_handler(exc, context)
    if response is None:
        return None
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
