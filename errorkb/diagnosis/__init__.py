"""The diagnosis engine: paste an error, get the catalogue entry, confidence, reasons and advice.

Pure Python, no Django: it is fed a plain snapshot of the catalogue.

    catalogue = Catalogue.from_snapshot(snapshot)   # indexes built once; immutable afterwards
    result = diagnose(text, catalogue, provider=None, http_status=None)
    result.to_dict()                                # the JSON contract of the page, the API and the CLI
"""

from .catalogue import Catalogue
from .engine import ProviderUnknown, diagnose
from .result import Advice, Diagnosis, FoundError, Match

__all__ = ["Advice", "Catalogue", "Diagnosis", "FoundError", "Match", "ProviderUnknown", "diagnose"]
