"""A serving worker keeps its catalogue out of the garbage collector's full passes, across rebuilds."""

import gc
import weakref

import pytest

from errorkb.catalogue.models import CatalogueVersion
from errorkb.catalogue.snapshot import engine_catalogue, freeze_long_lived, snapshot_cache


@pytest.fixture
def frozen_process():
    freeze_long_lived()
    yield
    gc.unfreeze()


def _bump_catalogue_version() -> None:
    CatalogueVersion.bump()
    snapshot_cache.invalidate()


def _tracked(obj) -> bool:
    """Whether the collector's passes still walk obj (frozen objects are in none of its generations)."""
    return any(candidate is obj for candidate in gc.get_objects())


@pytest.mark.django_db
def test_the_catalogue_built_at_boot_is_frozen():
    catalogue = engine_catalogue()
    assert _tracked(catalogue)

    freeze_long_lived()
    try:
        assert not _tracked(catalogue)
    finally:
        gc.unfreeze()


@pytest.mark.django_db
def test_a_rebuilt_catalogue_is_frozen_again_and_the_old_one_freed(frozen_process):
    old = weakref.ref(engine_catalogue())
    _bump_catalogue_version()

    new = engine_catalogue()

    assert new is not old()
    assert old() is None, "the old catalogue must not be kept alive by the freeze"
    assert not _tracked(new), "the new catalogue must be frozen"


@pytest.mark.django_db
def test_a_process_that_never_froze_builds_without_freezing():
    gc.unfreeze()
    _bump_catalogue_version()

    catalogue = engine_catalogue()

    assert gc.get_freeze_count() == 0
    assert _tracked(catalogue)
