"""Every change to the catalogue moves CatalogueVersion, so every worker's
in-memory diagnosis snapshot is rebuilt (see snapshot.py)."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .models import CatalogueVersion, Category, ErrorEntry, Provider
from .snapshot import snapshot_cache


def catalogue_changed(**kwargs) -> None:
    if kwargs.get("raw"):
        # loaddata: the loading command bumps the version once when it is done.
        return
    connection = transaction.get_connection()
    if any(func is _bump for _, func, _ in connection.run_on_commit):
        return  # one bump per transaction is enough
    transaction.on_commit(_bump)


def _bump() -> None:
    CatalogueVersion.bump()
    snapshot_cache.invalidate()


for model in (Provider, Category, ErrorEntry):
    post_save.connect(catalogue_changed, sender=model, dispatch_uid=f"catalogue_saved_{model.__name__}")
    post_delete.connect(catalogue_changed, sender=model, dispatch_uid=f"catalogue_deleted_{model.__name__}")


@receiver(m2m_changed, sender=ErrorEntry.related.through, dispatch_uid="catalogue_related_changed")
def related_changed(**kwargs) -> None:
    catalogue_changed()
