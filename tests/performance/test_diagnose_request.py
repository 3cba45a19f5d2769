"""The direct reading of a well-formed diagnose request gives what DiagnoseRequest gives."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.exceptions import APIException

from errorkb.api.views import DiagnoseRequest, diagnose_values

values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1000, 1000),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.sampled_from(["123hub", " rukkyhub ", "", "  ", "429", "\x00", "\ud800", "a\x00b"]),
)
requests = st.fixed_dictionaries(
    {}, optional={"body": values, "provider": values, "http_status": values, "other": values}
)


def through_serializer(data):
    payload = DiagnoseRequest(data=data)
    payload.is_valid(raise_exception=True)
    values = payload.validated_data
    return values["body"], values.get("provider") or None, values.get("http_status")


def outcome(read, data):
    try:
        return read(data)
    except APIException as exc:
        return type(exc), exc.status_code


@settings(max_examples=400, deadline=None)
@given(requests)
def test_it_reads_any_request_as_the_serializer_does(data):
    assert outcome(diagnose_values, data) == outcome(through_serializer, data)


@pytest.mark.parametrize("body", ["x" * 1_000_001, "é" * 500_001])
def test_an_oversized_paste_is_refused_either_way(body):
    assert outcome(diagnose_values, {"body": body}) == outcome(through_serializer, {"body": body})
