"""A made-up third provider works from snapshot data alone: its envelope, codes, secrets and hosts."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

import errorkb.diagnosis
from errorkb.diagnosis import Catalogue, ProviderUnknown, diagnose

SECRET = "pf_sk_Zq81LmX0vTy4"

PAYFLUX = {
    "slug": "payflux",
    "name": "PayFlux",
    "rules": {
        "hosts": ["api.payflux.example"],
        "code_pattern": "^[1-9][0-9]{4}$",
        "envelope": {
            "code": "fault.id",
            "message": ["fault.text"],
            "field_errors": "fault.fields",
            "signature": ["ok", "trace"],
            "context": {"request_id": "trace", "retry_in": "fault.retry_in"},
        },
        "secret_headers": ["X-PF-Signature"],
        "secret_fields": ["merchant_secret"],
        "secret_patterns": ["pf_sk_[A-Za-z0-9]{8,}"],
        "rate_limit_headers": ["PF-Quota-Reset"],
        "status_reliable": True,
    },
}
CATEGORIES = [
    {
        "provider": "payflux",
        "slug": "card",
        "name": "Card faults",
        "code_range_start": 10000,
        "code_range_end": 19999,
        "other_names": [],
    },
    {
        "provider": "payflux",
        "slug": "account",
        "name": "Account faults",
        "code_range_start": 20000,
        "code_range_end": 29999,
        "other_names": [],
    },
    {
        "provider": "payflux",
        "slug": "quota",
        "name": "Quota faults",
        "code_range_start": 30000,
        "code_range_end": 39999,
        "other_names": [],
    },
]


def entry(code, kind, title, message, category=None, status=None, retry="no", forms=()):
    return {
        "provider": "payflux",
        "category": category,
        "code": code,
        "kind": kind,
        "title": title,
        "message": message,
        "match_forms": list(forms),
        "http_status": status,
        "http_status_basis": "documented" if status else "unknown",
        "description": "",
        "remedy": [f"Handle {title.lower()}."],
        "retry_strategy": retry,
        "retry_note": "",
        "retryable": retry in ("exponential_backoff", "wait_reset", "later"),
        "url": f"/payflux/{code}",
    }


ENTRIES = [
    entry("10001", "code", "Card declined", "The card was declined by the issuer", "card", 402),
    entry(
        "10002",
        "code",
        "Card expired",
        "Card expired",
        "card",
        402,
        forms=[{"type": "alias", "pattern": "Card has expired"}],
    ),
    entry("20001", "code", "Account suspended", "Merchant account suspended", "account", 403),
    entry(
        "quota-exceeded",
        "message",
        "Quota exceeded",
        "Quota exceeded",
        retry="wait_reset",
        forms=[{"type": "template", "pattern": "Quota of {limit} requests per {period} exceeded"}],
    ),
    entry("503", "http_status", "Service Unavailable", "", status=503, retry="later"),
]


@pytest.fixture(scope="module")
def alone() -> Catalogue:
    return Catalogue.from_snapshot(
        {"version": 1, "providers": [PAYFLUX], "categories": CATEGORIES, "entries": ENTRIES}
    )


@pytest.fixture(scope="module")
def beside_the_real_ones(snapshot) -> Catalogue:
    return Catalogue.from_snapshot(
        {
            "version": 2,
            "providers": snapshot["providers"] + [PAYFLUX],
            "categories": snapshot["categories"] + CATEGORIES,
            "entries": snapshot["entries"] + ENTRIES,
        }
    )


def fault(code: int, text: str, **extra) -> str:
    return json.dumps({"ok": False, "fault": {"id": code, "text": text, **extra}, "trace": "tr_4411"})


def test_its_envelope_names_its_code_with_its_own_paths(alone):
    result = diagnose(fault(10001, "The card was declined by the issuer"), alone)
    match = result.matches[0]
    assert (match.entry.provider, match.entry.code) == ("payflux", "10001")
    assert "fault.id 10001 is PayFlux code 10001" in match.reasons
    assert any("PayFlux's envelope (ok, trace)" in r for r in match.reasons)
    assert result.context["request_id"] == "tr_4411"
    assert result.category.name == "Card faults"
    assert result.to_dict()["category"]["range"] == "10000–19999"


def test_its_field_errors_and_extra_context_are_read(alone):
    body = fault(10002, "Card has expired", fields={"exp_month": ["Must be in the future"]}, retry_in=30)
    result = diagnose(body, alone)
    assert result.matches[0].entry.code == "10002"
    assert result.context["field_errors"] == {"exp_month": ["Must be in the future"]}
    assert result.context["retry_in"] == 30


def test_an_unlisted_code_in_its_pattern_names_its_category(alone):
    result = diagnose(fault(30007, "Too many refunds today"), alone)
    assert not result.confident
    assert result.category.name == "Quota faults"
    assert result.provider == "payflux"


def test_its_template_gives_parameters(alone):
    result = diagnose("Quota of 1,000 requests per minute exceeded", alone)
    match = result.matches[0]
    assert match.entry.code == "quota-exceeded"
    assert match.params == {"limit": "1,000", "limit_normalized": "1000", "period": "minute"}


def test_its_secrets_are_redacted_and_its_key_format_names_it(alone):
    paste = (
        f"> X-PF-Signature: 5f1c0ffee\n> Authorization: Bearer {SECRET}\n"
        f'{{"merchant_secret": "hunter22", "note": "rotated {SECRET}"}}\n< HTTP/1.1 402 Payment Required\n\n'
        + fault(10001, "The card was declined by the issuer")
    )
    answer = diagnose(paste, alone).to_dict()
    dumped = json.dumps(answer)
    for secret in (SECRET, "5f1c0ffee", "hunter22"):
        assert secret not in dumped
    assert {"X-PF-Signature header", "merchant_secret field"} <= {r["where"] for r in answer["redactions"]}
    assert answer["matches"][0]["code"] == "10001"
    assert "HTTP 402 agrees with the documented status" in answer["matches"][0]["reasons"]


def test_its_host_identifies_it_when_only_a_status_is_there(alone):
    paste = "requests.exceptions.HTTPError: 503 Server Error: Service Unavailable for url: https://api.payflux.example/v2/charges"
    result = diagnose(paste, alone)
    match = result.matches[0]
    assert (match.entry.code, match.confident) == ("503", True)
    assert "the host api.payflux.example is PayFlux's" in match.reasons


def test_beside_the_real_providers_each_keeps_its_own_errors(beside_the_real_ones):
    catalogue = beside_the_real_ones
    assert (
        diagnose(fault(20001, "Merchant account suspended"), catalogue).matches[0].entry.provider == "payflux"
    )
    assert (
        diagnose('{"success":false,"error":{"code":6010,"message":"Payment does not exist"}}', catalogue)
        .matches[0]
        .entry.code
        == "6010"
    )
    assert diagnose('{"error": "Insufficient balance"}', catalogue).matches[0].entry.code == "low-balance"
    with pytest.raises(ProviderUnknown) as raised:
        diagnose("x", catalogue, provider="stripe")
    assert "payflux" in str(raised.value)
    restricted = diagnose("Card expired", catalogue, provider="payflux")
    assert {m.entry.provider for m in restricted.matches} == {"payflux"}


def test_the_engine_code_names_no_provider():
    """Comments and docstrings may use the real providers as examples; the code itself may not."""
    for path in Path(errorkb.diagnosis.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text())
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        words = [
            str(node.value).lower()
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
        ] + [node.id.lower() for node in ast.walk(tree) if isinstance(node, ast.Name)]
        for name in ("123hub", "rukkyhub", "rk_live", "payflux"):
            assert not [w for w in words if name in w], f"{path.name} names {name}"
