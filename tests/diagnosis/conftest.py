"""The real catalogue, built once for the diagnosis tests (no database needed)."""

from __future__ import annotations

from glob import glob
from pathlib import Path

import pytest

from errorkb.catalogue.snapshot import snapshot_from_fixtures
from errorkb.diagnosis import Catalogue

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture(scope="session")
def snapshot() -> dict:
    return snapshot_from_fixtures(sorted(glob(str(FIXTURES / "*.json"))))


@pytest.fixture(scope="session")
def catalogue(snapshot) -> Catalogue:
    return Catalogue.from_snapshot(snapshot)
