"""ErrorEntrySerializer builds its dict directly; it must be what its declared fields say."""

import pytest
from django.test import RequestFactory
from rest_framework import serializers

from errorkb.api.serializers import ErrorEntrySerializer
from errorkb.catalogue.models import ErrorEntry

pytestmark = pytest.mark.django_db


def field_by_field(serializer, entry):
    """DRF's own representation: every declared field's get_attribute and to_representation."""
    return serializers.ModelSerializer.to_representation(serializer, entry)


@pytest.mark.parametrize("request_", [None, RequestFactory().get("/api/v1/errors", HTTP_HOST="localhost")])
def test_every_entry_is_represented_as_its_fields_say(request_):
    serializer = ErrorEntrySerializer(context={"request": request_} if request_ else {})
    entries = ErrorEntry.objects.for_api()  # the rows the API serializes, with what they leave out
    assert entries
    for entry in entries:
        assert serializer.to_representation(entry) == field_by_field(serializer, entry), entry


def test_an_entry_without_a_category_or_status_is_represented_as_its_fields_say():
    entry = ErrorEntry.objects.filter(related__isnull=False).first()
    entry.category, entry.http_status, entry.http_status_basis = None, None, "unknown"
    serializer = ErrorEntrySerializer()
    assert serializer.to_representation(entry) == field_by_field(serializer, entry)
    assert serializer.to_representation(entry)["category"] is None
