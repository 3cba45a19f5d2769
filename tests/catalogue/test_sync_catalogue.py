"""Loading fixtures never duplicates rows nor silently overwrites curated edits."""

import json

import pytest
from django.core.management import call_command

from errorkb.catalogue.fixtures import default_fixture_paths, export_catalogue, sync_catalogue
from errorkb.catalogue.models import Category, ErrorEntry, Provider

pytestmark = pytest.mark.django_db


def counts():
    return Provider.objects.count(), Category.objects.count(), ErrorEntry.objects.count()


def edited_fixtures(tmp_path, code, **changes):
    """A copy of the fixtures with one 123hub entry changed, as a later commit would."""
    paths = []
    for path in default_fixture_paths():
        data = json.loads(path.read_text())
        for obj in data:
            fields = obj["fields"]
            if obj["model"] == "catalogue.errorentry" and fields["code"] == code:
                fields.update(changes)
        out = tmp_path / path.name
        out.write_text(json.dumps(data))
        paths.append(out)
    return paths


def test_loaddata_twice_creates_no_duplicates():
    before = counts()
    call_command("loaddata", *default_fixture_paths(), verbosity=0)
    call_command("loaddata", *default_fixture_paths(), verbosity=0)
    assert counts() == before == (2, 11, 47)


def test_a_second_sync_changes_nothing():
    report = sync_catalogue()
    assert (report.created, report.updated, report.conflicts) == ([], [], [])
    assert report.unchanged == 2 + 11 + 47


def test_it_creates_the_catalogue_in_an_empty_database():
    ErrorEntry.objects.all().delete()
    Category.objects.all().delete()
    Provider.objects.all().delete()
    report = sync_catalogue()
    assert len(report.created) == 60
    assert counts() == (2, 11, 47)


def test_a_curated_edit_survives_a_sync_of_unchanged_fixtures():
    entry = ErrorEntry.objects.get(provider__slug="123hub", code="6010")
    entry.remedy = ["Ask the merchant for the c_id they used."]
    entry.save()
    report = sync_catalogue()
    assert report.kept_curated == ["errorentry 123hub/6010"]
    entry.refresh_from_db()
    assert entry.remedy == ["Ask the merchant for the c_id they used."]


def test_a_fixture_change_updates_an_entry_nobody_edited(tmp_path):
    paths = edited_fixtures(tmp_path, "6009", description="Duplicate c_id.")
    report = sync_catalogue(paths)
    assert report.updated == ["errorentry 123hub/6009"]
    assert ErrorEntry.objects.get(provider__slug="123hub", code="6009").description == "Duplicate c_id."


def test_a_fixture_change_to_a_curated_entry_is_a_reported_conflict_and_the_edit_is_kept(tmp_path, capsys):
    entry = ErrorEntry.objects.get(provider__slug="123hub", code="6010")
    entry.title = "Payment not found (curated)"
    entry.save()
    paths = edited_fixtures(tmp_path, "6010", title="Payment does not exist!")
    call_command("sync_catalogue", *paths)
    out = capsys.readouterr()
    assert "conflict (database kept): errorentry 123hub/6010" in out.out
    assert "--overwrite" in out.err
    entry.refresh_from_db()
    assert entry.title == "Payment not found (curated)"


def test_overwrite_takes_the_fixture_version_of_a_conflict(tmp_path):
    entry = ErrorEntry.objects.get(provider__slug="123hub", code="6010")
    entry.title = "Curated"
    entry.save()
    paths = edited_fixtures(tmp_path, "6010", title="From fixtures")
    report = sync_catalogue(paths, overwrite=True)
    assert report.overwritten == ["errorentry 123hub/6010"]
    entry.refresh_from_db()
    assert entry.title == "From fixtures"


def test_an_entry_added_in_the_admin_is_left_alone():
    hub = Provider.objects.get(slug="123hub")
    ErrorEntry.objects.create(
        provider=hub, code="5003", kind="code", title="Limit", message="Limit exceeded",
        category=Category.objects.get(provider=hub, slug="limits"),
    )
    sync_catalogue()
    assert ErrorEntry.objects.filter(provider=hub, code="5003").exists()


def test_export_then_import_into_a_fresh_database_reproduces_the_catalogue(tmp_path):
    entry = ErrorEntry.objects.get(provider__slug="rukkyhub", code="low-balance")
    entry.notes = [*entry.notes, "Seen with HTTP 200 in production (curated)."]
    entry.save()
    before = {e.natural_key(): e.content() for e in ErrorEntry.objects.all()}
    paths = export_catalogue(tmp_path)

    ErrorEntry.objects.all().delete()
    Category.objects.all().delete()
    Provider.objects.all().delete()
    sync_catalogue(paths)

    after = {e.natural_key(): e.content() for e in ErrorEntry.objects.all()}
    assert after == before
    assert not ErrorEntry.objects.get(code="low-balance").is_curated


def test_the_committed_fixtures_are_in_export_format(tmp_path):
    for path in export_catalogue(tmp_path):
        committed = json.loads((default_fixture_paths()[0].parent / path.name).read_text())
        assert json.loads(path.read_text()) == committed


def test_it_refuses_a_fixture_for_another_model(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"model": "auth.user", "fields": {"username": "x"}}]))
    with pytest.raises(ValueError, match="not a catalogue model"):
        sync_catalogue([bad])
