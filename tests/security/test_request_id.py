"""Every response carries X-Request-ID, and the log lines of that request carry it too."""

import logging
import re

import pytest
from django.db import OperationalError

from errorkb.web.logs import RequestIdLogFilter, current_request_id

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "method,path",
    [("get", "/"), ("get", "/api/v1/providers"), ("get", "/nope/nope/nope"), ("post", "/api/v1/diagnose")],
)
def test_every_response_has_a_fresh_request_id(client, method, path):
    first = getattr(client, method)(path)["X-Request-ID"]
    second = getattr(client, method)(path)["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first) and first != second


def test_a_sane_incoming_id_is_kept(client):
    assert client.get("/", HTTP_X_REQUEST_ID="lb-1234abcd.5")["X-Request-ID"] == "lb-1234abcd.5"


@pytest.mark.parametrize(
    "incoming", ["short", "x" * 65, "bad id with spaces", "<script>", "a\r\nSet-Cookie: x=1"]
)
def test_an_odd_incoming_id_is_replaced(client, incoming):
    assert re.fullmatch(r"[0-9a-f]{32}", client.get("/", HTTP_X_REQUEST_ID=incoming)["X-Request-ID"])


def test_the_request_id_is_in_the_log_lines_of_that_request(client, caplog, monkeypatch):
    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr("errorkb.catalogue.models.Provider.objects.with_entry_counts", locked)
    caplog.handler.addFilter(RequestIdLogFilter())
    with caplog.at_level(logging.INFO):
        response = client.get("/", HTTP_X_REQUEST_ID="trace-0001-abcd")
    assert response.status_code == 503
    records = [r for r in caplog.records if r.name == "errorkb"]
    assert records and all(r.request_id == "trace-0001-abcd" for r in records)
    assert current_request_id() == "-"  # not carried over to the next request on this thread


def test_the_log_format_names_the_request_id():
    from django.conf import settings

    assert "%(request_id)s" in settings.LOGGING["formatters"]["plain"]["format"]
    assert "request_id" in settings.LOGGING["handlers"]["console"]["filters"]
