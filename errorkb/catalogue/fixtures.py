"""Loading the catalogue from fixtures, and writing it back out, without losing curation.

A sync is a three-way merge per row, keyed by natural key:
  base   = the fixture content the row was last set from (its `fixture_digest`)
  ours   = the row as it is now in the database (maybe edited in the admin)
  theirs = the row in the fixture files now
If theirs is unchanged since base, nothing happens (curated edits stay). If ours
is unchanged since base, theirs is applied. If both changed, that is a conflict:
the database row is kept and the conflict reported, unless overwrite is asked for.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.db import transaction

from .models import CatalogueVersion, Category, CuratedModel, ErrorEntry, Provider, content_digest_of
from .snapshot import snapshot_cache

MODELS = (Provider, Category, ErrorEntry)  # in dependency order
FIXTURE_DIR = Path(__file__).resolve().parent.parent.parent / "fixtures"


def default_fixture_paths() -> list[Path]:
    return sorted(FIXTURE_DIR.glob("*.json"))


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    kept_curated: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    overwritten: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.overwritten)

    def lines(self) -> list[str]:
        out = [
            f"{len(self.created)} created, {len(self.updated)} updated, {self.unchanged} unchanged, "
            f"{len(self.kept_curated)} curated rows kept, {len(self.conflicts)} conflicts, "
            f"{len(self.overwritten)} overwritten."
        ]
        out += [f"  conflict (database kept): {label}" for label in self.conflicts]
        out += [f"  overwritten from fixtures: {label}" for label in self.overwritten]
        return out


def canonical_fields(model, raw_fields: dict) -> dict:
    """The fixture's fields with every content field present (defaults filled in)."""
    fields = {}
    for f in model._meta.get_fields():
        if not f.concrete or f.primary_key or f.name in CuratedModel.BOOKKEEPING:
            continue
        if f.auto_created and not f.many_to_many:
            continue
        if f.name in raw_fields:
            fields[f.name] = raw_fields[f.name]
        elif f.many_to_many:
            fields[f.name] = []
        else:
            fields[f.name] = f.get_default()
    return fields


def read_fixtures(paths) -> list[dict]:
    objects = []
    for path in paths:
        for obj in json.loads(Path(path).read_text(encoding="utf-8")):
            model = apps.get_model(obj["model"])
            if model not in MODELS:
                raise ValueError(f"{path}: {obj['model']} is not a catalogue model")
            objects.append({"model": obj["model"], "fields": canonical_fields(model, obj["fields"])})
    order = {m._meta.label_lower: i for i, m in enumerate(MODELS)}
    return sorted(objects, key=lambda o: order[o["model"]])


def _label(instance) -> str:
    return f"{instance._meta.model_name} {'/'.join(map(str, instance.natural_key()))}"


@transaction.atomic
def sync_catalogue(paths=None, overwrite: bool = False) -> SyncReport:
    report = SyncReport()
    objects = read_fixtures(paths or default_fixture_paths())
    deferred = []
    for raw, item in zip(
        objects, serializers.deserialize("python", objects, handle_forward_references=True),
        strict=True,
    ):
        theirs = content_digest_of(raw["fields"])
        instance = item.object
        existing = type(instance).objects.filter(pk=instance.pk).first() if instance.pk else None
        if existing is not None:
            ours = existing.content_digest()
            base = existing.fixture_digest
            if ours == theirs:
                if base != theirs:
                    type(existing).objects.filter(pk=existing.pk).update(fixture_digest=theirs)
                report.unchanged += 1
                continue
            if base == theirs:
                report.kept_curated.append(_label(existing))
                continue
            if base and ours != base and not overwrite:
                report.conflicts.append(_label(existing))
                continue
            if base and ours != base:
                report.overwritten.append(_label(existing))
            else:
                report.updated.append(_label(existing))
        else:
            report.created.append(_label(instance))
        instance.fixture_digest = theirs
        item.save()
        if item.deferred_fields:
            deferred.append(item)
    for item in deferred:
        item.save_deferred_fields()
    if report.changed:
        transaction.on_commit(_catalogue_changed)
    return report


def _catalogue_changed() -> None:
    CatalogueVersion.bump()
    snapshot_cache.invalidate()


def export_catalogue(directory: Path) -> list[Path]:
    """Write the catalogue as one fixture file per provider, in the committed format."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for provider in Provider.objects.all():
        rows = [provider, *provider.categories.all(), *provider.entries.prefetch_related("related")]
        data = serializers.serialize(
            "python", rows, use_natural_foreign_keys=True, use_natural_primary_keys=True
        )
        objects = [
            {"model": obj["model"], "fields": _export_fields(obj["fields"])} for obj in data
        ]
        path = directory / f"{provider.slug}.json"
        path.write_text(json.dumps(objects, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written


def _export_fields(fields: dict) -> dict:
    out = {k: v for k, v in fields.items() if k not in CuratedModel.BOOKKEEPING}
    if "related" in out:
        out["related"] = sorted(list(key) for key in out["related"])
    return {k: list(v) if isinstance(v, tuple) else v for k, v in out.items()}
