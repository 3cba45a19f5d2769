"""The plain snapshot of the catalogue that the diagnosis engine is fed.

The engine (errorkb.diagnosis) never imports Django; it takes the dict built
here. Each process keeps one built engine catalogue in memory and rebuilds it
when CatalogueVersion moves, checking at most every
ERRORKB_CATALOGUE_REFRESH_SECONDS, so a diagnosis costs no database query.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import DatabaseError
from django.urls import reverse

if TYPE_CHECKING:
    from errorkb.diagnosis import Catalogue

PROVIDER_FIELDS = ("slug", "name", "rules")
CATEGORY_FIELDS = ("slug", "name", "code_range_start", "code_range_end", "other_names")
ENTRY_FIELDS = (
    "code",
    "kind",
    "title",
    "message",
    "match_forms",
    "http_status",
    "http_status_basis",
    "description",
    "remedy",
    "retry_strategy",
    "retry_note",
)


def snapshot_from_rows(providers, categories, entries, version: int = 0) -> dict:
    """Build the snapshot from row dicts.

    `categories` rows carry a `provider` slug; `entries` rows carry `provider`
    and `category` slugs (category may be None), as fixtures hold them.
    """
    from .models import RETRYABLE_STRATEGIES

    return {
        "version": version,
        "providers": [{k: p.get(k) for k in PROVIDER_FIELDS} for p in providers],
        "categories": [
            {"provider": c["provider"], **{k: c.get(k) for k in CATEGORY_FIELDS}} for c in categories
        ],
        "entries": [
            {
                "provider": e["provider"],
                "category": e.get("category"),
                **{k: e.get(k) for k in ENTRY_FIELDS},
                "retryable": e.get("retry_strategy") in RETRYABLE_STRATEGIES,
                "url": reverse("web:error", args=[e["provider"], e["code"]]),
            }
            for e in entries
        ],
    }


def snapshot_from_database(version: int = 0) -> dict:
    from .models import Category, ErrorEntry, Provider

    providers = Provider.objects.values(*PROVIDER_FIELDS)
    categories = Category.objects.values(*CATEGORY_FIELDS, provider_slug=_f("provider__slug"))
    entries = ErrorEntry.objects.values(
        *ENTRY_FIELDS, provider_slug=_f("provider__slug"), category_slug=_f("category__slug")
    )
    return snapshot_from_rows(
        list(providers),
        [{**c, "provider": c.pop("provider_slug")} for c in categories],
        [
            {**e, "provider": e.pop("provider_slug"), "category": e.pop("category_slug")}
            for e in entries
        ],
        version=version,
    )


def snapshot_from_fixtures(paths) -> dict:
    """Build the snapshot straight from fixture files, with no database."""
    rows = {"catalogue.provider": [], "catalogue.category": [], "catalogue.errorentry": []}
    for path in paths:
        for obj in json.loads(Path(path).read_text()):
            if obj["model"] in rows:
                rows[obj["model"]].append(obj["fields"])
    return snapshot_from_rows(
        rows["catalogue.provider"],
        [{**c, "provider": c["provider"][0]} for c in rows["catalogue.category"]],
        [
            {**e, "provider": e["provider"][0], "category": (e.get("category") or [None, None])[1]}
            for e in rows["catalogue.errorentry"]
        ],
    )


def _f(path: str):
    from django.db.models import F

    return F(path)


class _SnapshotCache:
    """One engine catalogue per process, refreshed when the catalogue version moves."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._catalogue: Catalogue | None = None
        self._version: int | None = None
        self._checked_at = 0.0

    def get(self) -> Catalogue:
        now = time.monotonic()
        if self._catalogue is not None and now - self._checked_at < settings.ERRORKB_CATALOGUE_REFRESH_SECONDS:
            return self._catalogue
        with self._lock:
            if self._catalogue is not None and now - self._checked_at < settings.ERRORKB_CATALOGUE_REFRESH_SECONDS:
                return self._catalogue
            self._refresh()
            self._checked_at = time.monotonic()
            return self._catalogue

    def _refresh(self) -> None:
        from .models import CatalogueVersion

        try:
            version = CatalogueVersion.current()
            if self._catalogue is None or version != self._version:
                from errorkb.diagnosis import Catalogue

                self._catalogue = Catalogue.from_snapshot(snapshot_from_database(version))
                self._version = version
        except DatabaseError:
            # The database is away: keep answering from the catalogue we have.
            if self._catalogue is None:
                raise

    def invalidate(self) -> None:
        """Forget the snapshot: the next get() rebuilds it (this process only)."""
        with self._lock:
            self._catalogue = None
            self._version = None


snapshot_cache = _SnapshotCache()


def engine_catalogue() -> Catalogue:
    """The built engine catalogue for this process."""
    return snapshot_cache.get()
