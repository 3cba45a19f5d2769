import json

import pytest
from django.db import OperationalError
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from errorkb.api.errors import SERVER_ERROR_DETAIL
from errorkb.web import views


def test_404_is_in_the_design(client):
    response = client.get("/nowhere/at/all")
    assert response.status_code == 404
    html = response.content.decode()
    assert "There is nothing at this address" in html
    assert 'href="/static/css/errorkb.css"' in html
    assert 'role="search"' in html


def test_500_is_in_the_design(rf):
    response = views.server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


@pytest.mark.parametrize("script_name", ["", "/errorkb"])
def test_an_api_500_is_a_problem_even_under_a_script_prefix(rf, script_name):
    response = views.server_error(rf.get("/api/v1/errors", SCRIPT_NAME=script_name))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    assert json.loads(response.content)["detail"] == SERVER_ERROR_DETAIL


def test_a_crash_renders_the_500_page(settings, monkeypatch, db):
    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.presenters, "diagnose_link", explode)
    response = Client(raise_request_exception=False).get("/123hub/6010")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_503_renders_without_the_database():
    # No db fixture: any query here would raise.
    html = render_to_string("503.html", request=RequestFactory().get("/"))
    assert "briefly unavailable" in html and 'href="/static/css/errorkb.css"' in html


def test_a_lost_database_answers_503(client, monkeypatch, db):
    def unavailable(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(views, "get_object_or_404", unavailable)
    response = client.get("/123hub/6010")
    assert response.status_code == 503
    assert "briefly unavailable" in response.content.decode()


def test_a_request_too_big_to_read_answers_413(rf, db):
    from django.core.exceptions import RequestDataTooBig

    response = views.bad_request(rf.post("/diagnose"), RequestDataTooBig("too big"))
    assert response.status_code == 413
    assert "larger than 1,000,000 bytes" in response.content.decode()


@pytest.mark.parametrize("template", ["400.html", "403_csrf.html"])
def test_other_error_templates_render(template):
    html = render_to_string(template)
    assert "status-page" in html
