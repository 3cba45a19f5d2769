"""Instructions per request, counted by valgrind's callgrind: `python bench/instructions.py`.

Requests/s on this shared 2-core machine move by 10-25% between identical rounds,
more than most changes to the request path are worth. Callgrind counts the
instructions the process executes instead: within 1% from run to run, whatever
else the machine is doing (PYTHONHASHSEED is fixed so dicts lay out the same).
Each request is called in-process (bench/inprocess.py's WSGI environ, no server,
no sockets): the figure is the application's own cost, without gunicorn's.

Each path is run twice under callgrind, with WARM + FEW and WARM + MANY requests;
the difference over MANY - FEW is the cost of one warm request, start-up excluded.
It prints ErrorKB's paths against the baseline apps of bench/baseline/ as ratios
(baseline instructions / ErrorKB's: above 1 is cheaper than the baseline).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

WARM, FEW, MANY = 50, 20, 220
PATHS = [
    ("bare Django (startproject) GET /ping", "bench.baseline.settings", "/ping"),
    ("Django, no apps nor middleware GET /ping", "bench.baseline.settings_bare", "/ping"),
    ("ErrorKB GET /api/v1/errors/123hub/6010", "errorkb.settings", "/api/v1/errors/123hub/6010"),
    ("ErrorKB POST /api/v1/diagnose", "errorkb.settings", "POST:/api/v1/diagnose"),
]


def serve_requests(settings: str, target: str, count: int) -> None:
    """The child: WARM requests, then `count` more, in this process."""
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    os.environ.setdefault("ERRORKB_RATE_LIMITS", "off")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    from django.core.wsgi import get_wsgi_application
    from inprocess import caller

    one, statuses = caller(get_wsgi_application(), target)
    for _ in range(WARM + count):
        one()
    if not statuses[-1].startswith("200"):
        raise SystemExit(f"{target} answered {statuses[-1]}")


def count_instructions(settings: str, target: str, requests: int, work: Path) -> int:
    out = work / f"callgrind.{settings}.{target.replace('/', '_').replace(':', '_')}.{requests}"
    done = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            sys.executable,
            __file__,
            "--child",
            settings,
            target,
            str(requests),
        ],
        env={**os.environ, "PYTHONHASHSEED": "0"},
        capture_output=True,
        text=True,
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or not found:
        raise RuntimeError(f"callgrind failed for {target}: {done.stderr[-500:]}")
    return int(found.group(1))


def per_request(settings: str, target: str, work: Path) -> float:
    few = count_instructions(settings, target, FEW, work)
    many = count_instructions(settings, target, MANY, work)
    return (many - few) / (MANY - FEW)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--child", nargs=3, metavar=("SETTINGS", "TARGET", "COUNT"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        settings, target, count = options.child
        serve_requests(settings, target, int(count))
        return 0
    if not shutil.which("valgrind"):
        print("skipped: valgrind is not installed (Debian's valgrind package)")
        return 0
    work = Path(tempfile.mkdtemp(prefix="errorkb-callgrind-"))
    try:
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            counts = list(pool.map(lambda p: per_request(p[1], p[2], work), PATHS))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for (label, _, _), instructions in zip(PATHS, counts, strict=True):
        print(f"{label:<44} {instructions / 1000:8,.0f}k instructions per request")
    base, floor = counts[0], counts[1]
    for (label, _, _), instructions in zip(PATHS[2:], counts[2:], strict=True):
        print(
            f"{label.removeprefix('ErrorKB '):<44} {base / instructions:.2f}x bare Django, "
            f"{floor / instructions:.2f}x Django with no middleware (in-process, by instructions)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
