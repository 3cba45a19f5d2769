"""The plain snapshot of the catalogue that the diagnosis engine is fed.

The engine (errorkb.diagnosis) never imports Django; it takes the dict built
here. Each process keeps one built engine catalogue in memory and rebuilds it
when CatalogueVersion moves, checking at most every
ERRORKB_CATALOGUE_REFRESH_SECONDS, so a diagnosis costs no database query.
"""

from __future__ import annotations

import functools
import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import DatabaseError

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
    from .models import entry_path, is_retryable

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
                "retryable": is_retryable(e.get("retry_strategy")),
                "url": entry_path(e["provider"], e["code"]),
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
        [{**e, "provider": e.pop("provider_slug"), "category": e.pop("category_slug")} for e in entries],
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
    """What each process keeps of the catalogue, dropped when the catalogue version moves.

    The version is read at most every ERRORKB_CATALOGUE_REFRESH_SECONDS; between
    checks nothing here touches the database. It holds the built engine catalogue
    and, through `cached()`, other values derived from the catalogue (the API's
    serialized entries), built on first use and bounded in number.
    """

    MAX_CACHED = 20_000

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._catalogue: Catalogue | None = None
        self._cached: dict = {}
        self._version: int | None = None
        self._checked_at = 0.0

    def get(self) -> Catalogue:
        self._check_version()
        catalogue = self._catalogue
        if catalogue is None:
            with self._lock:
                if self._catalogue is None:
                    from errorkb.diagnosis import Catalogue

                    self._catalogue = Catalogue.from_snapshot(snapshot_from_database(self._version or 0))
                catalogue = self._catalogue
        return catalogue

    def built(self) -> Catalogue | None:
        """The engine catalogue if this process has built it; never reads the database."""
        return self._catalogue

    def cached(self, key, build: Callable[[], object]):
        """The value of `build()` for the current catalogue version, built once per process."""
        self._check_version()
        values = self._cached
        value = values.get(key, _MISSING)
        if value is _MISSING:
            value = build()
            if len(values) >= self.MAX_CACHED:
                values.pop(next(iter(values)), None)  # oldest first
            values[key] = value
        return value

    def _check_version(self) -> None:
        if (
            self._version is not None
            and time.monotonic() - self._checked_at < settings.ERRORKB_CATALOGUE_REFRESH_SECONDS
        ):
            return
        with self._lock:
            if (
                self._version is not None
                and time.monotonic() - self._checked_at < settings.ERRORKB_CATALOGUE_REFRESH_SECONDS
            ):
                return
            from .models import CatalogueVersion

            try:
                version = CatalogueVersion.current()
            except DatabaseError:
                # The database is away: keep answering from what we have.
                if self._version is None:
                    raise
                version = self._version
            if version != self._version:
                # The version is read before anything is rebuilt from the rows, so
                # what is built is never older than the version it is filed under.
                self._catalogue = None
                self._cached = {}
                self._version = version
            self._checked_at = time.monotonic()

    def invalidate(self) -> None:
        """Forget everything: the next use reads the version and rebuilds (this process only)."""
        with self._lock:
            self._catalogue = None
            self._cached = {}
            self._version = None


_MISSING = object()
snapshot_cache = _SnapshotCache()


@functools.cache
def fixture_catalogue() -> Catalogue:
    """An engine catalogue from the committed fixtures alone (no database), built once."""
    from errorkb.diagnosis import Catalogue

    from .fixtures import default_fixture_paths

    return Catalogue.from_snapshot(snapshot_from_fixtures(default_fixture_paths()))


def engine_catalogue() -> Catalogue:
    """The built engine catalogue for this process."""
    return snapshot_cache.get()
