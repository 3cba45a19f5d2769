"""Message matching: exact first, then normalized, templates, prefixes, phrases inside text, parts, typos."""

from __future__ import annotations

import pytest

from errorkb.diagnosis.matching import match_message, normalize_number


def best(catalogue, text: str, **options):
    found = match_message(catalogue, text, **options)
    assert found, f"nothing matched {text!r}"
    return found[0]


def test_exact_wording_matches_exactly(catalogue):
    hit = best(catalogue, "Insufficient balance")
    assert (hit.entry.provider, hit.entry.code, hit.how) == ("rukkyhub", "low-balance", "exact")
    assert hit.reason == "message matches exactly"


@pytest.mark.parametrize(
    "text", ["INSUFFICIENT BALANCE", "insufficient balance.", "  Insufficient   balance!! "]
)
def test_case_punctuation_and_spacing_do_not_matter(catalogue, text):
    hit = best(catalogue, text)
    assert hit.entry.code == "low-balance"
    assert hit.how in ("exact", "normalized")


def test_a_documented_alias_matches(catalogue):
    hit = best(catalogue, "The method does not exist / is not available.")
    assert hit.entry.code == "1002"


def test_a_template_matches_and_gives_its_parameters_as_written_and_normalized(catalogue):
    hit = best(catalogue, "Amount must be between 500 and 20000")
    assert hit.entry.code == "gift-card-amount-out-of-range"
    assert hit.params == {"min": "500", "max": "20000"}
    hit = best(catalogue, "Amount must be between 1,000 and 20,000.00.")
    assert hit.params == {
        "min": "1,000",
        "min_normalized": "1000",
        "max": "20,000.00",
        "max_normalized": "20000",
    }


def test_a_documented_prefix_matches_whatever_follows_it(catalogue):
    hit = best(catalogue, "This credential is no longer active. Contact support.")
    assert (hit.entry.code, hit.how) == ("account-disabled", "prefix")


def test_a_documented_message_inside_a_longer_message_matches_less_surely(catalogue):
    hit = best(catalogue, "Insufficient balance. Required: 500, available: 120")
    assert (hit.entry.code, hit.how) == ("low-balance", "contained")
    assert 0.5 < hit.score < best(catalogue, "Insufficient balance").score


def test_a_message_cut_short_matches_the_message_it_starts(catalogue):
    hit = best(catalogue, "Current payment or operation status does not allow this act (truncated...)")
    assert (hit.entry.code, hit.how) == ("8801", "truncated")


def test_a_fragment_of_one_message_matches_it(catalogue):
    hit = best(catalogue, "not allowed for this action")
    assert hit.entry.code == "scope-restriction"
    assert hit.how in ("fragment", "contained")


def test_a_fragment_shared_by_two_messages_matches_both_alike(catalogue):
    found = match_message(catalogue, "provider not available")
    assert {m.entry.code for m in found[:2]} == {"2002", "7002"}
    assert abs(found[0].score - found[1].score) < 0.05


@pytest.mark.parametrize(
    ("typo", "code"),
    [
        ("Insuficient balence", "low-balance"),
        ("Paymnet does not exist", "6010"),
        ("Invalid api kee", "invalid-key"),
        ("no kyc daily vtu limit exeeded", "daily-kyc-limit"),
        ("Incorect transaction amount", "6001"),
    ],
)
def test_small_typos_are_tolerated(catalogue, typo, code):
    hit = best(catalogue, typo)
    assert (hit.entry.code, hit.how) == (code, "fuzzy")
    assert 0.5 <= hit.score < 0.85


def test_exact_wording_outranks_a_near_twin(catalogue):
    assert best(catalogue, "Payment provider not available").entry.code == "7002"
    assert best(catalogue, "The payment provider is not available").entry.code == "2002"
    assert best(catalogue, "Insufficient funds").entry.code == "6004"
    assert best(catalogue, "Invalid action").entry.code == "unknown-action"
    assert best(catalogue, "No-KYC per-transaction VTU limit exceeded").entry.code == "kyc-limit"


def test_unrelated_messages_match_nothing(catalogue):
    for text in ("Your card was declined.", "Not Found", "invalid_grant", "Something went wrong", "error"):
        assert not [m for m in match_message(catalogue, text) if m.score >= 0.5], text


def test_the_allowed_providers_restrict_the_matches(catalogue):
    assert {
        m.entry.provider for m in match_message(catalogue, "Insufficient", allowed=frozenset({"123hub"}))
    } <= {"123hub"}


def test_numbers_are_normalized_without_their_thousands_separators():
    assert normalize_number("20,000.00") == "20000"
    assert normalize_number("1 000") == "1000"
    assert normalize_number("12.50") == "12.5"
    assert normalize_number("X") is None
