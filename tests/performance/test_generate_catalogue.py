"""generate_catalogue: a synthetic catalogue in the shapes of the real one, as a file and in the database."""

import json
from collections import Counter

import pytest
from django.core.management import call_command

from errorkb.catalogue.models import Category, ErrorEntry, Provider
from errorkb.diagnosis import Catalogue, diagnose

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated(tmp_path):
    path = tmp_path / "catalogue.json"
    call_command("generate_catalogue", providers=6, entries=300, output=path, stdout=open("/dev/null", "w"))
    return json.loads(path.read_text())


def synthetic(snapshot, key):
    return [row for row in snapshot[key] if (row.get("provider") or row["slug"]).startswith("synth-")]


def test_it_writes_the_real_catalogue_and_the_synthetic_one(generated):
    assert len(generated["providers"]) == 2 + 6
    assert len(generated["entries"]) == 47 + 300
    assert len(synthetic(generated, "entries")) == 300


def test_codes_are_unique_per_provider(generated):
    keys = Counter((e["provider"], e["code"]) for e in generated["entries"])
    assert max(keys.values()) == 1


def test_it_has_the_variety_of_the_real_providers(generated):
    entries = synthetic(generated, "entries")
    assert {e["kind"] for e in entries} == {"code", "message", "http_status"}
    forms = Counter(form["type"] for e in entries for form in e["match_forms"])
    assert forms["template"] and forms["prefix"] and forms["alias"]
    rules = [p["rules"] for p in synthetic(generated, "providers")]
    assert all(r["hosts"] and r["envelope"] for r in rules)
    assert any(r.get("code_pattern") for r in rules) and any(r["secret_patterns"] for r in rules)
    ranges = [c for c in synthetic(generated, "categories") if c["code_range_start"] is not None]
    assert ranges


def test_the_engine_diagnoses_a_synthetic_paste(generated):
    catalogue = Catalogue.from_snapshot(generated)
    entry = next(e for e in synthetic(generated, "entries") if e["kind"] == "code" and not e["match_forms"])
    envelope = next(p for p in generated["providers"] if p["slug"] == entry["provider"])["rules"]["envelope"]
    body = {}
    for path, value in ((envelope["code"], int(entry["code"])), (envelope["message"][0], entry["message"])):
        *parents, last = path.split(".")
        node = body
        for key in parents:
            node = node.setdefault(key, {})
        node[last] = value
    result = diagnose(json.dumps({**dict.fromkeys(envelope["signature"], "x"), **body}), catalogue).to_dict()
    assert (result["matches"][0]["provider"], result["matches"][0]["code"]) == (
        entry["provider"],
        entry["code"],
    )


def test_the_real_pastes_still_find_the_real_entries(generated):
    catalogue = Catalogue.from_snapshot(generated)
    paste = (
        '{"success": false, "error": {"code": 6010, "message": "Payment does not exist"}, "request_id": "x"}'
    )
    top = diagnose(paste, catalogue).to_dict()["matches"][0]
    assert (top["provider"], top["code"]) == ("123hub", "6010")


def test_it_loads_the_database_again_without_duplicates(tmp_path):
    for _ in range(2):
        call_command(
            "generate_catalogue",
            providers=3,
            entries=90,
            output=tmp_path / "c.json",
            database=True,
            stdout=open("/dev/null", "w"),
        )
    assert Provider.objects.count() == 2 + 3
    assert ErrorEntry.objects.filter(provider__slug__startswith="synth-").count() == 90
    assert ErrorEntry.objects.exclude(provider__slug__startswith="synth-").count() == 47
    assert Category.objects.filter(provider__slug__startswith="synth-").exists()
    title = ErrorEntry.objects.filter(provider__slug="synth-0000").first().title
    assert "synth-0000" in {e.provider.slug for e in ErrorEntry.objects.search(title)}


def test_a_status_weighs_the_status_entries_of_the_providers_the_paste_points_at(generated):
    """The status entries are looked up by provider: a paste that names RukkyHub (its host)
    gets RukkyHub's 403 and no synthetic provider's; a bare status line, every provider's."""
    catalogue = Catalogue.from_snapshot(generated)
    with_403 = {
        e["provider"] for e in generated["entries"] if e["kind"] == "http_status" and e["code"] == "403"
    }
    assert "rukkyhub" in with_403 and len(with_403) > 2
    synthetic_one = sorted(with_403 - {"rukkyhub"})[-1]

    pointed = diagnose("< HTTP/2 403\n< host: rukkyhub.com\n", catalogue)
    assert {(m.entry.provider, m.entry.code) for m in pointed.matches} == {("rukkyhub", "403")}

    hinted = diagnose("HTTP/1.1 403 Forbidden", catalogue, provider=synthetic_one)
    assert {(m.entry.provider, m.entry.code) for m in hinted.matches} == {(synthetic_one, "403")}

    bare = diagnose("HTTP/1.1 403 Forbidden", catalogue)
    assert {m.entry.provider for m in bare.matches} == with_403
    assert all(m.entry.code == "403" and not m.confident for m in bare.matches)
