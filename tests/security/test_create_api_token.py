"""`manage.py create_api_token <username>` prints a token that the API accepts."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", *args, stdout=out, stderr=err)
    return out.getvalue().strip()


def test_it_creates_a_user_without_a_password_and_a_token(client):
    key = run("ci-bot")
    user = get_user_model().objects.get(username="ci-bot")
    assert not user.has_usable_password() and not user.is_staff
    assert Token.objects.get(user=user).key == key
    response = client.post(
        "/api/v1/diagnose",
        '{"body": "6010"}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 200


def test_it_prints_the_existing_token_again():
    assert run("ci-bot") == run("ci-bot")


def test_rotate_replaces_the_token(client):
    old = run("ci-bot")
    new = run("ci-bot", "--rotate")
    assert new != old
    response = client.get("/api/v1/providers", HTTP_AUTHORIZATION=f"Bearer {old}")
    assert response.status_code == 401


def test_it_gives_an_existing_user_a_token_and_keeps_the_password(django_user_model):
    user = django_user_model.objects.create_user("alice", password="pw-for-tests-only")
    run("alice")
    user.refresh_from_db()
    assert user.check_password("pw-for-tests-only")
    assert Token.objects.filter(user=user).exists()
