"""The floor of the HTTP benchmark: Django with no apps, no middleware and no database."""

from .settings import *  # noqa: F403

INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
TEMPLATES: list[dict] = []
DATABASES: dict = {}
