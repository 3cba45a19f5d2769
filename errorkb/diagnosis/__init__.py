"""The diagnosis engine: paste an error, get the catalogue entry, confidence, reasons and advice.

Pure Python, no Django: it is fed a plain snapshot of the catalogue. Built by
`make engine`, its modules run compiled by mypyc (see compiled.py).

    catalogue = Catalogue.from_snapshot(snapshot)   # indexes built once; immutable afterwards
    result = diagnose(text, catalogue, provider=None, http_status=None)
    result.to_dict()                                # the JSON contract of the page, the API and the CLI
"""

from . import compiled

COMPILED = compiled.prefer_build(__path__)  # before any module of the engine is imported

from .catalogue import Catalogue  # noqa: E402
from .engine import ProviderUnknown, diagnose  # noqa: E402
from .result import Advice, Diagnosis, FoundError, Match  # noqa: E402

__all__ = [
    "COMPILED",
    "Advice",
    "Catalogue",
    "Diagnosis",
    "FoundError",
    "Match",
    "ProviderUnknown",
    "diagnose",
]
