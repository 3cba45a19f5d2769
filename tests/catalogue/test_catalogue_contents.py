"""The catalogue holds every documented error of both providers, worded as documented."""

import json
from pathlib import Path

import pytest

from errorkb.catalogue.models import Category, ErrorEntry, Provider

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
HUB_CODES = [
    "1000", "1001", "1002", "1005", "1006", "1007", "2001", "2002", "3000", "3001", "3002", "3003",
    "3004", "3005", "6001", "6002", "6004", "6009", "6010", "7001", "7002", "8801", "9000",
]
RUKKYHUB_CODES = [
    "200", "400", "403", "422", "429", "500", "missing-action", "missing-api-key", "invalid-key",
    "account-disabled", "unknown-action", "scope-restriction", "vtu-not-enabled", "smm-not-enabled",
    "invalid-service", "quantity-out-of-range", "low-balance", "wrong-pin", "domain-whitelist-mismatch",
    "rate-limit-hit", "gift-card-type-invalid", "gift-card-amount-out-of-range", "kyc-limit", "daily-kyc-limit",
]


def test_it_has_exactly_the_two_providers():
    assert sorted(Provider.objects.values_list("slug", flat=True)) == ["123hub", "rukkyhub"]


def test_it_has_exactly_the_23_documented_123hub_codes():
    codes = ErrorEntry.objects.filter(provider__slug="123hub").values_list("code", flat=True)
    assert sorted(codes) == HUB_CODES


def test_it_has_exactly_the_24_documented_rukkyhub_entries():
    codes = ErrorEntry.objects.filter(provider__slug="rukkyhub").values_list("code", flat=True)
    assert sorted(codes) == sorted(RUKKYHUB_CODES)


def test_123hub_has_the_nine_range_categories_with_their_table_names():
    categories = Category.objects.filter(provider__slug="123hub").order_by("code_range_start")
    assert [(c.range_label, c.name) for c in categories] == [
        ("1xxx", "System errors"),
        ("2xxx", "Method routing errors"),
        ("3xxx", "Authentication errors"),
        ("4xxx", "Provider/routing errors"),
        ("5xxx", "Limit errors"),
        ("6xxx", "Payment errors"),
        ("7xxx", "External provider errors"),
        ("8xxx", "Parsing errors"),
        ("9xxx", "Validation errors"),
    ]


def test_categories_record_the_names_the_detail_sections_give_instead():
    assert Category.objects.get(provider__slug="123hub", slug="method-routing").other_names == ["Routing Errors"]
    parsing = Category.objects.get(provider__slug="123hub", slug="parsing")
    assert parsing.other_names == ["Status Errors"]
    assert any("Status Errors" in note for note in parsing.notes)


def test_every_123hub_code_sits_in_the_category_of_its_range():
    for entry in ErrorEntry.objects.filter(provider__slug="123hub").select_related("category"):
        assert entry.category.code_range_start <= int(entry.code) <= entry.category.code_range_end


def test_every_entry_passes_full_clean():
    for entry in ErrorEntry.objects.all():
        entry.full_clean()
    for category in Category.objects.all():
        category.full_clean()
    for provider in Provider.objects.all():
        provider.full_clean()


def test_123hub_messages_are_worded_as_in_the_code_table():
    table = (SEEDS / "123hub-error-codes.txt").read_text()
    for entry in ErrorEntry.objects.filter(provider__slug="123hub"):
        row = f"{entry.code}{entry.message}{entry.http_status}"
        assert row in table, f"{entry.code}: {entry.message!r} / {entry.http_status} not in the table"


def test_rukkyhub_messages_and_titles_are_worded_as_documented():
    doc = (SEEDS / "rukkyhub-error-codes.txt").read_text()
    for entry in ErrorEntry.objects.filter(provider__slug="rukkyhub", kind="message"):
        assert f"{entry.message}\n{entry.title}\n" in doc, entry.code


def test_only_1002_is_an_http_404():
    assert list(ErrorEntry.objects.filter(http_status=404).values_list("code", flat=True)) == ["1002"]


def test_123hub_retryable_codes_follow_the_best_practices_section():
    retryable = ErrorEntry.objects.filter(provider__slug="123hub").retryable()
    assert sorted(retryable.values_list("code", flat=True)) == ["1000", "7001", "7002"]
    assert {e.retry_strategy for e in retryable} == {"exponential_backoff"}
    hub = Provider.objects.get(slug="123hub")
    assert any("every 1xxx and every 7xxx" in note for note in hub.notes)


def test_rukkyhub_message_statuses_are_never_presented_as_documented():
    messages = ErrorEntry.objects.filter(provider__slug="rukkyhub", kind="message")
    assert not messages.filter(http_status_basis="documented").exists()
    inferred = messages.get(code="rate-limit-hit")
    assert (inferred.http_status, inferred.http_status_basis) == (429, "inferred")
    assert messages.get(code="invalid-key").http_status is None


def test_templates_and_prefixes_are_recorded_as_match_forms():
    amount = ErrorEntry.objects.get(code="gift-card-amount-out-of-range")
    assert {"type": "template", "pattern": "Amount must be between {min} and {max}"} in amount.match_forms
    disabled = ErrorEntry.objects.get(code="account-disabled")
    assert {"type": "prefix", "pattern": "This credential is no longer"} in disabled.match_forms


def test_documented_example_bodies_are_kept_verbatim():
    example = json.loads(ErrorEntry.objects.get(provider__slug="123hub", code="1005").example)
    assert example["error"]["details"]["description"] == (
        "missing required properties including: 'payer'. Path: $.params.payment"
    )
    assert example["request_id"] == "d4e5f6a7-b8c9-0123-defa-234567890123"


def test_near_twins_say_how_they_differ():
    twin = ErrorEntry.objects.get(provider__slug="123hub", code="2002")
    assert any("7002" in note for note in twin.notes)


def test_entries_link_to_related_entries_of_their_provider():
    rate = ErrorEntry.objects.get(provider__slug="rukkyhub", code="429")
    assert list(rate.related.values_list("code", flat=True)) == ["rate-limit-hit"]
