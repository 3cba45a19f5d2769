from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "errorkb.catalogue"
    verbose_name = "Catalogue"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the catalogue-changed receivers)
