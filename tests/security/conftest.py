import pytest


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    """Assets by their plain names, so pages render without a collectstatic manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
