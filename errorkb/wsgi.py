import logging
import os

from django.core.wsgi import get_wsgi_application
from django.db import DatabaseError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "errorkb.settings")

application = get_wsgi_application()


def _build_catalogue() -> None:
    """Build this worker's diagnosis catalogue before it takes a request.

    Each gunicorn worker imports this module when it boots. Built here, the first
    diagnose call does not wait for it, and a worker keeps diagnosing if the
    database goes away before that call. If the database is away at boot, the
    catalogue is built on first use instead.
    """
    from errorkb.catalogue.snapshot import engine_catalogue

    try:
        engine_catalogue()
    except DatabaseError as exc:
        logging.getLogger("errorkb").warning("catalogue not built at start (%s); built on first use", exc)


_build_catalogue()
