"""Compile the diagnosis engine with mypyc: `python scripts/build_engine.py` (`make engine`).

Writes .build/engine/ (see errorkb/diagnosis/compiled.py for how it is used and
why it is not beside the sources), with the digest of the sources it was made
from. Where this machine cannot compile (mypy missing, no C compiler or Python
headers) it says so and leaves no build, unless the one in place was made from
these same sources: the engine then runs as plain Python, slower but the same
in every answer; it exits non-zero for that only with --strict. When mypyc
itself stops on the sources (a type error, or mypy's configuration) that is the
project's fault, not the machine's: it always exits non-zero, so `make test`
fails instead of quietly testing the plain-Python engine twice. About a minute on a 2-core machine (51-70 s seen).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Importing compiled.py runs the package's __init__: as plain Python, so an old build is
# neither loaded nor warned about while a new one is made.
os.environ["ERRORKB_PURE_ENGINE"] = "1"

from errorkb.diagnosis.compiled import (  # noqa: E402
    BUILD,
    DIGEST_FILE,
    compiled_sources,
    recorded_digest,
    sources_digest,
)


class SourcesRefused(Exception):
    """mypyc stopped on the engine's sources or mypy's configuration: a bug to fix, wherever it runs."""


def compile_into(output: Path, work: Path) -> None:
    from mypyc.build import mypycify
    from setuptools import setup

    sources = [str(path.relative_to(ROOT)) for path in compiled_sources()]
    try:
        modules = mypycify(sources, target_dir=str(work / "c"))  # type-checks, writes the C
    except SystemExit as exc:  # mypyc prints the errors and exits
        raise SourcesRefused(str(exc)) from exc
    setup(
        name="errorkb-diagnosis-engine",
        ext_modules=modules,
        script_args=["--quiet", "build_ext", "--build-lib", str(output), "--build-temp", str(work / "o")],
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--strict", action="store_true", help="exit non-zero if the engine cannot be compiled"
    )
    options = parser.parse_args()
    os.chdir(ROOT)  # mypycify names modules by their paths from here
    digest, started = sources_digest(), time.monotonic()
    # A build of these very sources is kept until a new one is ready, so a compile that
    # fails for a passing reason (a full disk, say) loses nothing.
    kept = recorded_digest(BUILD) == digest
    if not kept:
        shutil.rmtree(BUILD, ignore_errors=True)  # a stale build must never outlive a failed one
    with tempfile.TemporaryDirectory(prefix="errorkb-engine-") as scratch:
        work, output = Path(scratch), Path(scratch) / "build"
        try:
            compile_into(output, work)
        except SourcesRefused:
            print(
                "ERROR: mypyc refused the diagnosis engine's sources or mypy's configuration"
                " (the errors are above).",
                file=sys.stderr,
            )
            return 1
        except (Exception, SystemExit) as exc:  # setuptools reports a failed compile by SystemExit
            outcome = (
                f"the build in {os.path.relpath(BUILD, ROOT)}, made from these same sources, is kept"
                if kept
                else "it runs as plain Python, which gives the same answers, more slowly"
            )
            print(
                f"WARNING: the diagnosis engine could not be compiled ({type(exc).__name__}: {exc}); {outcome}.",
                file=sys.stderr,
            )
            return 1 if options.strict else 0
        if sources_digest() != digest:
            print(
                "WARNING: the engine's sources changed while compiling; run `make engine` again.",
                file=sys.stderr,
            )
            return 1 if options.strict else 0
        (output / DIGEST_FILE).write_text(digest + "\n")
        BUILD.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(BUILD, ignore_errors=True)
        shutil.move(str(output), BUILD)
    print(
        f"Compiled the diagnosis engine into {BUILD.relative_to(ROOT)} in {time.monotonic() - started:.0f}s."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
