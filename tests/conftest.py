import pytest
from django.core.cache import cache

from errorkb.catalogue.fixtures import sync_catalogue
from errorkb.catalogue.models import ErrorEntry
from errorkb.catalogue.snapshot import snapshot_cache


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the real catalogue, loaded once per session."""
    with django_db_blocker.unblock():
        sync_catalogue()


@pytest.fixture
def catalogue(transactional_db):
    """The real catalogue for tests that commit (live servers): reloaded after each flush."""
    if not ErrorEntry.objects.exists():
        sync_catalogue()
    snapshot_cache.invalidate()


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    """Assets by their plain names, so pages render without a collectstatic manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def no_calls_counted():
    """Each test starts with no call counted against the rate limits (kept in the default
    cache): a test is refused only for its own calls, never for those of the tests that
    ran before it in the same minute."""
    cache.clear()


@pytest.fixture(autouse=True)
def fresh_snapshot():
    """Tests edit the catalogue inside rolled-back transactions; never carry a snapshot over."""
    yield
    snapshot_cache.invalidate()
