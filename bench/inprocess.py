"""Where a request's time goes, without a server: `python bench/inprocess.py [--profile] PATH...`.

Calls the Django WSGI application directly (no sockets, no gunicorn), so the
figures are the application's own cost per request. PATH is a URL path for a GET
or `POST:/api/v1/diagnose` for the benchmark's typical 123hub body. With
--settings bench.baseline.settings and PATH /ping it measures the baseline app.

    python bench/inprocess.py /api/v1/errors/123hub/6010 POST:/api/v1/diagnose
    python bench/inprocess.py --settings bench.baseline.settings /ping
    python bench/inprocess.py --profile POST:/api/v1/diagnose   # and a cProfile, by own time
    python bench/inprocess.py --no-engine POST:/api/v1/diagnose  # the request less the engine
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DIAGNOSE_LUA = ROOT / "bench" / "diagnose.lua"


def typical_body() -> bytes:
    """The body bench/diagnose.lua posts (the HTTP benchmark's), unescaped from Lua."""
    raw = re.search(r"wrk.body = '(.*)'", DIAGNOSE_LUA.read_text()).group(1)
    return raw.replace("\\\\", "\\").encode()


def environ(method: str, path: str, body: bytes) -> dict:
    return {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/json" if body else "",
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
    }


def caller(application, target: str):
    """(one, statuses): `one()` makes one request for TARGET ('/path', or 'POST:/path' with the
    typical body) through the WSGI application; `statuses` collects what each answered."""
    method, path = ("POST", target[5:]) if target.startswith("POST:") else ("GET", target)
    body = typical_body() if method == "POST" else b""
    statuses: list[str] = []

    def start_response(status, headers, exc_info=None):
        statuses.append(status)

    def one() -> None:
        response = application(environ(method, path, body), start_response)
        b"".join(response)
        response.close()

    return one, statuses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--settings", default="errorkb.settings")
    parser.add_argument("--number", type=int, default=2000, help="requests per round (default 2000)")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of each path")
    parser.add_argument(
        "--no-engine",
        action="store_true",
        help="diagnose answers an empty result: the framework's cost alone",
    )
    options = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = options.settings
    os.environ.setdefault("ERRORKB_RATE_LIMITS", "off")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    if options.no_engine:
        from errorkb.diagnosis import memo

        memo.answer = lambda *args, **kwargs: {"matches": [], "errors": []}
    for target in options.paths:
        one, statuses = caller(application, target)
        for _ in range(200):  # warm: caches, the catalogue, connections
            one()
        if not statuses[-1].startswith("200"):
            print(f"{target}: answered {statuses[-1]}", file=sys.stderr)
            return 1
        rounds = []
        for _ in range(7):
            started = time.perf_counter()
            for _ in range(options.number):
                one()
            rounds.append((time.perf_counter() - started) / options.number * 1e6)
        print(f"{target}: {statistics.median(rounds):.1f} us per request (best round {min(rounds):.1f})")
        if options.profile:
            profile = cProfile.Profile()
            profile.runcall(lambda one=one: [one() for _ in range(options.number)])
            pstats.Stats(profile).sort_stats("tottime").print_stats(30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
