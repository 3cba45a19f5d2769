"""The engine compiled by mypyc, used when it was built from the sources beside it.

`make engine` (scripts/build_engine.py) compiles the engine's modules into
.build/engine/: about three times faster per paste than the interpreter (make bench's
figures are in the README). The build is
kept out of the source tree on purpose: Python always imports a compiled
module ahead of the .py beside it, so an edited source would be silently
ignored. Here the build is put in front of the package's path only if it was
made from exactly these sources (a digest recorded at build time); otherwise
the engine runs as plain Python, as it does wherever nothing could be
compiled. ERRORKB_PURE_ENGINE=1 asks for plain Python.

The classes built for every paste (a Unit, its evidence, a Match, the Diagnosis...)
write out their __init__, with @dataclass(init=False). mypyc compiles a dataclass's
methods but not the __init__ that @dataclass generates when the module is imported:
that one runs as interpreted Python, 2,000 instructions a call (7,000 for a Unit),
about a fifth of a typical paste's 190,000. Written out, it is compiled like the rest.

This module and the package's __init__ stay plain Python: they choose.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
BUILD = PACKAGE.parent.parent / ".build" / "engine"
DIGEST_FILE = "SOURCES.sha256"
# Every module of the package but these two, which decide what is imported.
NOT_COMPILED = ("__init__.py", "compiled.py")


def compiled_sources() -> list[Path]:
    return sorted(path for path in PACKAGE.glob("*.py") if path.name not in NOT_COMPILED)


def sources_digest() -> str:
    """What a build is made from: the sources' bytes and the interpreter they are compiled for."""
    digest = hashlib.sha256(sys.implementation.cache_tag.encode())
    for path in compiled_sources():
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def recorded_digest(build: Path = BUILD) -> str | None:
    """The digest of the sources a build was made from; None where there is no build."""
    try:
        return (build / DIGEST_FILE).read_text().strip()
    except OSError:
        return None  # never built (or the build failed)


def fresh_build(build: Path = BUILD) -> Path | None:
    """The build directory if it holds a build of these sources; None to run as plain Python."""
    if os.environ.get("ERRORKB_PURE_ENGINE", "").strip() not in ("", "0"):
        return None
    recorded = recorded_digest(build)
    if recorded is None:
        return None  # plain Python, as designed
    if recorded != sources_digest():
        logging.getLogger("errorkb").warning(
            "the compiled diagnosis engine in %s is older than its sources; running it as plain "
            "Python until `make engine` rebuilds it",
            build,
        )
        return None
    return build


def prefer_build(package_path: list[str], build: Path = BUILD) -> bool:
    """Put a fresh build ahead of the sources on the package's path; True if it was.

    Called by the package's __init__ before any of its modules is imported. The
    build's shared runtime library is a top-level module, hence its directory
    at the end of sys.path.
    """
    if fresh_build(build) is None:
        return False
    package_path.insert(0, str(build / "errorkb" / "diagnosis"))
    if str(build) not in sys.path:
        sys.path.append(str(build))
    return True


def is_compiled(module) -> bool:
    """Whether an engine module was loaded from the compiled build (an extension module)."""
    return (getattr(module, "__file__", None) or "").endswith(tuple(EXTENSION_SUFFIXES))
