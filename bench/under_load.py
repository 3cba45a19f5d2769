"""Where POST /api/v1/diagnose's time goes under load: `python bench/under_load.py` (~2 minutes).

make bench finds diagnose at about 0.8x bare Django's throughput, though the engine is
only about a sixth of its instructions in-process. Under the same load as make bench
(gunicorn, 2 sync workers; wrk -t2 -c32), interleaved rounds of: bare Django; bare Django
answering a POST of diagnose's shape (the body parsed, a 2.2 KB answer); ErrorKB;
ErrorKB with the engine's answer canned (bench/engine_probe.py; everything else real);
each as a ratio to the same round's bare Django. Then ErrorKB with every diagnosis run
three times in a row in the worker, each run's CPU time measured: the first run is what
a request pays, the next ones find the caches warm.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from run import (  # noqa: E402
    DIAGNOSE_LUA,
    cpu_ratio,
    ensure_tools,
    gunicorn,
    interleaved_rounds,
    prepared_env,
    ratio,
    typical_body,
    warm,
    wrk,
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=8, help="wrk duration per run (default 8)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    options = parser.parse_args()
    ensure_tools()
    work = Path(tempfile.mkdtemp(prefix="errorkb-under-load-"))
    try:
        env = prepared_env(work)
        times = work / "engine-times.txt"
        probe = "bench.engine_probe:application"
        with ExitStack() as servers:
            start = lambda app, **extra: servers.enter_context(gunicorn(app, {**env, **extra}))  # noqa: E731
            plain_django = start(
                "bench.baseline.wsgi:application", DJANGO_SETTINGS_MODULE="bench.baseline.settings"
            )
            plan = [
                ("bare Django", plain_django, "/ping", None),
                ("  bare Django, diagnose's shape", plain_django, "/diagnose-shaped", DIAGNOSE_LUA),
                ("ErrorKB diagnose", start("errorkb.wsgi:application"), "/api/v1/diagnose", DIAGNOSE_LUA),
                (
                    "  engine's answer canned",
                    start(probe, ERRORKB_BENCH_ENGINE="canned"),
                    "/api/v1/diagnose",
                    DIAGNOSE_LUA,
                ),
            ]
            timed = start(probe, ERRORKB_BENCH_ENGINE="timed", ERRORKB_BENCH_TIMES=str(times))
            body = typical_body()
            for _, server, path, script in [*plan, ("", timed, "/api/v1/diagnose", DIAGNOSE_LUA)]:
                warm(server, path, body if script else None)
            runs = interleaved_rounds(plan, options.seconds, options.rounds)
            print("ratios to the same round's bare Django (median over rounds):")
            for label in list(runs)[1:]:
                print(
                    f"  {label:<34} {ratio(runs, label, 'bare Django'):.2f}x by req/s, "
                    f"{cpu_ratio(runs, label, 'bare Django'):.2f}x by server CPU"
                )
            wrk(timed, "/api/v1/diagnose", options.seconds * 2, DIAGNOSE_LUA)
        lines = times.read_text().split() if times.exists() else []
        last = {}
        for pid, _, first, second, third in zip(*[iter(lines)] * 5, strict=True):
            last[pid] = (float(first), float(second), float(third))
        if last:
            means = [statistics.mean(run) for run in zip(*last.values(), strict=True)]
            print(
                "engine CPU per call in the workers under load (typical body), three runs in a row: "
                f"{means[0]:.1f} us, then {means[1]:.1f} us, then {means[2]:.1f} us"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
