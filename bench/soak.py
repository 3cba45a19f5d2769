"""Soak: a minute of mixed traffic at 32 connections against gunicorn, on loopback.

    python bench/soak.py                      # starts gunicorn (4 sync workers) on the project database
    python bench/soak.py --duration 10        # a shorter run
    python bench/soak.py --url http://127.0.0.1:8000   # against a server already running

The mix: error lookups, API searches, page searches, diagnoses (small, batches and
pastes of a few hundred KB), page views, the paste form and static files. It
reports the requests made, every status, connection errors, p50/p99 per kind, the
workers' RSS after a warm-up and at the end, and ends with `TARGET soak …` lines.
Only the standard library: threads and http.client.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
SECRET = "rk_live_SoakSecret8f3a9c2e7b1d"
HASH = "9f" * 64

SMALL_PASTES = [
    '{"success": false, "error": {"code": 6010, "message": "Payment does not exist", "details": null, '
    '"context": null}, "request_id": "a1b2c3d4-e5f6-7890-abcd-ef1234567890", "processing_time": 5}',
    '{"error": "Insufficient balance"}',
    '{"error": "Rate limit exceeded", "reset_in": 37}',
    f"> POST /api/v1/order HTTP/1.1\n> X-API-KEY: {SECRET}\n>\n< HTTP/1.1 403 Forbidden\n<\n"
    '{"error": "Incorrect PIN"}',
    f"X-Data-Hash: {HASH}\n\nHTTP/1.1 400 Bad Request\n\n"
    '{"success": false, "error": {"code": 3000, "message": "Invalid signature"}}',
    "6010",
    "429",
    f"2024-05-01 12:00:00 ERROR rukkyhub failed key={SECRET}&pin=4821 status=401 Invalid API key",
    'Traceback (most recent call last):\n  File "pay.py", line 3, in <module>\n'
    "hub.ApiError: [7002] Service temporarily unavailable",
]


def large_paste(rng: random.Random, size: int) -> str:
    lines, total = [], 0
    while total < size:
        line = rng.choice(
            [
                f"2024-05-01T12:{rng.randrange(60):02d}:00Z INFO worker-{rng.randrange(9)} request ok in {rng.randrange(900)} ms",
                "2024-05-01T12:00:01Z WARN retrying after a timeout",
                f"2024-05-01T12:00:02Z ERROR 123hub answered {rng.choice(SMALL_PASTES[:3])}",
                f"DEBUG headers X-API-KEY: {SECRET}",
            ]
        )
        lines.append(line)
        total += len(line) + 1
    return "\n".join(lines)


class Target:
    """What to ask for: read from the live server's own API and home page, so no database is opened here."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        connection = http.client.HTTPConnection(host, port, timeout=30)
        entries, page = [], 1
        while True:
            connection.request("GET", f"/api/v1/errors?page={page}")
            data = json.loads(connection.getresponse().read())
            entries += [(e["provider"], e["code"], e["title"]) for e in data["results"]]
            if not data.get("next"):
                break
            page += 1
        self.entries = entries
        self.providers = sorted({provider for provider, _, _ in entries})
        connection.request("GET", "/")
        home = connection.getresponse().read().decode()
        self.static = sorted(set(re.findall(r'(?:href|src)="(/static/[^"]+)"', home))) or [
            "/static/admin/css/base.css"
        ]
        connection.close()
        words = [w for _, _, title in entries for w in re.findall(r"[a-z]{4,}", title.lower())]
        self.words = sorted(set(words))[:200] or ["balance"]


def build_requests(target: Target, rng: random.Random):
    """(kind, method, path, body, headers) chooser, weighted like a busy day."""
    json_headers = {"Content-Type": "application/json"}
    large = [large_paste(rng, size) for size in (100_000, 300_000, 600_000)]

    def lookup():
        provider, code, _ = rng.choice(target.entries)
        return "api lookup", "GET", f"/api/v1/errors/{provider}/{code}", None, {}

    def api_search():
        return "api search", "GET", f"/api/v1/errors?search={rng.choice(target.words)}", None, {}

    def page_search():
        return (
            "page search",
            "GET",
            f"/search?q={rng.choice(target.words)}+{rng.choice(target.words)}",
            None,
            {},
        )

    def diagnose_small():
        body = json.dumps({"body": rng.choice(SMALL_PASTES)})
        return "diagnose", "POST", "/api/v1/diagnose", body, json_headers

    def diagnose_text():
        return (
            "diagnose",
            "POST",
            "/api/v1/diagnose",
            rng.choice(SMALL_PASTES),
            {"Content-Type": "text/plain"},
        )

    def diagnose_large():
        return (
            "diagnose large",
            "POST",
            "/api/v1/diagnose",
            json.dumps({"body": rng.choice(large)}),
            json_headers,
        )

    def batch():
        body = json.dumps([{"body": rng.choice(SMALL_PASTES)} for _ in range(10)])
        return "diagnose batch", "POST", "/api/v1/diagnose/batch", body, json_headers

    def page():
        provider, code, _ = rng.choice(target.entries)
        path = rng.choice(["/", f"/{provider}", f"/{provider}/{code}", f"/{provider}/{code}", "/diagnose"])
        return "page", "GET", path, None, {}

    def static():
        return "static", "GET", rng.choice(target.static), None, {}

    mix = [
        (lookup, 22),
        (api_search, 10),
        (page_search, 8),
        (diagnose_small, 16),
        (diagnose_text, 4),
        (diagnose_large, 2),
        (batch, 4),
        (page, 16),
        (static, 12),
    ]
    makers = [maker for maker, weight in mix for _ in range(weight)]
    return lambda: rng.choice(makers)()


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.statuses: Counter = Counter()
        self.errors: Counter = Counter()
        self.examples: dict[str, str] = {}
        self.bytes = 0
        self.leaks = 0

    def record(
        self, kind: str, status: int | None, seconds: float, body: bytes = b"", error: str = ""
    ) -> None:
        with self.lock:
            if status is not None:
                self.latencies[kind].append(seconds)
                self.statuses[status] += 1
                self.bytes += len(body)
                if SECRET.encode() in body or HASH.encode() in body:
                    self.leaks += 1
            if error:
                self.errors[error] += 1
                self.examples.setdefault(error, kind)


def form_token(connection: http.client.HTTPConnection) -> tuple[str, str]:
    connection.request("GET", "/diagnose")
    response = connection.getresponse()
    html = response.read().decode()
    cookie = next(
        (
            c.split(";")[0]
            for h, c in response.getheaders()
            if h.lower() == "set-cookie" and c.startswith("csrftoken")
        ),
        "",
    )
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return cookie, token.group(1) if token else ""


def client(host: str, port: int, choose, deadline: float, results: Results | None, seed: int) -> None:
    rng = random.Random(seed)
    connection = http.client.HTTPConnection(host, port, timeout=60)
    cookie, token = "", ""
    while time.monotonic() < deadline:
        kind, method, path, body, headers = choose()
        if kind == "page" and rng.random() < 0.25:  # the paste form, with its CSRF token
            if not token:
                try:
                    cookie, token = form_token(connection)
                except (OSError, http.client.HTTPException):
                    connection.close()
                    continue
            kind, method, path = "paste form", "POST", "/diagnose"
            body = urlencode({"csrfmiddlewaretoken": token, "body": rng.choice(SMALL_PASTES)})
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": cookie,
                "Referer": f"http://{host}:{port}/diagnose",
            }
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            elapsed = time.perf_counter() - started
            if results is not None:
                ok = 200 <= response.status < 400
                results.record(
                    kind, response.status, elapsed, data, "" if ok else f"HTTP {response.status} on {kind}"
                )
            if response.will_close:
                connection.close()
        except (OSError, http.client.HTTPException) as exc:
            if results is not None:
                results.record(kind, None, 0.0, error=f"{type(exc).__name__} on {kind}")
            connection.close()
    connection.close()


def run_load(host, port, choose_for, seconds: float, connections: int, results: Results | None) -> float:
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(target=client, args=(host, port, choose_for(i), deadline, results, i), daemon=True)
        for i in range(connections)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - started


def warm_everything(host: str, port: int, target: Target, count: int) -> None:
    """Every page, entry, search word and static file, and the largest paste, a few times per worker.

    A worker's RSS rises once to a high-water mark as it first meets each kind of
    request (caches, templates, the biggest parse); only growth after that is a leak.
    """
    json_headers = {"Content-Type": "application/json"}
    large = json.dumps({"body": large_paste(random.Random(7), 900_000)})
    every = [("GET", path, None, {}) for path in target.static + ["/", "/diagnose"]]
    every += [("GET", f"/{provider}", None, {}) for provider in target.providers]
    for provider, code, _ in target.entries:
        every += [
            ("GET", f"/{provider}/{code}", None, {}),
            ("GET", f"/api/v1/errors/{provider}/{code}", None, {}),
        ]
    for word in target.words:
        every += [("GET", f"/search?q={word}", None, {}), ("GET", f"/api/v1/errors?search={word}", None, {})]
    every += [("POST", "/api/v1/diagnose", large, json_headers)] * 2
    every += [("POST", "/api/v1/diagnose", json.dumps({"body": p}), json_headers) for p in SMALL_PASTES]

    def send(seed: int):
        rng = random.Random(seed)
        connection = http.client.HTTPConnection(host, port, timeout=60)
        for method, path, body, headers in rng.sample(every, len(every)):
            connection.request(method, path, body=body, headers=headers)
            connection.getresponse().read()
        connection.close()

    threads = [threading.Thread(target=send, args=(seed,)) for seed in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(entry))
    return sorted(pids)


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(workers: int, log_path: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {**os.environ, "ERRORKB_RATE_LIMITS": "off"}
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    log = open(log_path, "wb")  # noqa: SIM115 (kept open for the server's life)
    process = subprocess.Popen(
        [
            gunicorn,
            "errorkb.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
            "--error-logfile",
            "-",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited:\n{log_path.read_text()[-3000:]}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/api/v1/providers")
            if connection.getresponse().status == 200:
                return process, port
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer within 60 s")


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--url", help="a running server (its workers' RSS is not measured)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is not met")
    options = parser.parse_args(argv)

    process = None
    log_path = Path(tempfile.mkdtemp(prefix="errorkb-soak-")) / "gunicorn.log"
    if options.url:
        match = re.match(r"http://([^:/]+):(\d+)", options.url)
        host, port = match.group(1), int(match.group(2))
    else:
        process, port = start_gunicorn(options.workers, log_path)
        host = "127.0.0.1"
    try:
        target = Target(host, port)
        print(
            f"soak: {len(target.entries)} entries, {len(target.static)} static files; "
            f"{options.connections} connections for {options.duration:.0f} s after a {options.warmup:.0f} s warm-up"
        )

        def choose_for(i):
            return build_requests(target, random.Random(1000 + i))

        warm_everything(host, port, target, 2 * options.workers)
        run_load(host, port, choose_for, options.warmup, options.connections, None)
        workers = worker_pids(process.pid) if process else []
        rss_start = {pid: rss_kb(pid) for pid in workers}
        results = Results()
        samples: list[tuple[float, int]] = []  # (seconds, total worker RSS in KB): a plateau or a slope
        sampling = threading.Event()

        def sample():
            started = time.monotonic()
            while not sampling.wait(options.duration / 6):
                pids = worker_pids(process.pid)
                samples.append((time.monotonic() - started, sum(rss_kb(pid) for pid in pids)))

        sampler = threading.Thread(target=sample, daemon=True)
        if process:
            sampler.start()
        elapsed = run_load(host, port, choose_for, options.duration, options.connections, results)
        sampling.set()
        rss_end = {pid: rss_kb(pid) for pid in worker_pids(process.pid)} if process else {}
    finally:
        if process is not None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()

    all_latencies = [s for values in results.latencies.values() for s in values]
    total = len(all_latencies)
    fives = sum(count for status, count in results.statuses.items() if status >= 500)
    errors = sum(results.errors.values())
    print(
        f"requests: {total:,} in {elapsed:.1f} s ({total / elapsed:,.0f}/s), {results.bytes / 1e6:,.1f} MB answered"
    )
    print(
        "statuses: " + ", ".join(f"{status}: {count:,}" for status, count in sorted(results.statuses.items()))
    )
    print(
        f"latency: p50 {percentile(all_latencies, 0.5) * 1000:.1f} ms, p99 {percentile(all_latencies, 0.99) * 1000:.1f} ms"
    )
    for kind, values in sorted(results.latencies.items()):
        print(
            f"  {kind:15} {len(values):7,}  p50 {percentile(values, 0.5) * 1000:7.1f} ms  "
            f"p99 {percentile(values, 0.99) * 1000:8.1f} ms  max {max(values) * 1000:8.1f} ms"
        )
    for error, count in results.errors.most_common(10):
        print(f"  error: {error}: {count:,}")

    growth = None
    if rss_start and rss_end:
        common = [pid for pid in rss_start if pid in rss_end]
        replaced = len(rss_start) - len(common)
        growths = [(rss_end[pid] - rss_start[pid]) / rss_start[pid] for pid in common]
        growth = max(growths) if growths else None
        print(
            "worker RSS (MB) after warm-up → end: "
            + ", ".join(f"{rss_start[pid] / 1024:.1f} → {rss_end[pid] / 1024:.1f}" for pid in common)
            + (f" ({replaced} worker(s) replaced during the run)" if replaced else "")
        )
    if process and samples:
        print(
            "total worker RSS over the run (MB): "
            + ", ".join(f"{seconds:.0f} s {kb / 1024:.1f}" for seconds, kb in samples)
        )
    log = log_path.read_text(errors="replace") if log_path.exists() else ""
    if log:
        tracebacks = log.count("Traceback")
        timeouts = log.count("WORKER TIMEOUT")
        log_leaks = log.count(SECRET) + log.count(HASH)
        print(
            f"gunicorn log: {log.count(chr(10)):,} lines, {tracebacks} tracebacks, {timeouts} worker timeouts, "
            f"{log_leaks} secrets"
        )
    else:
        tracebacks = timeouts = log_leaks = 0

    def target_line(name: str, met: bool, detail: str) -> None:
        print(f"TARGET soak {name}: {'MET' if met else 'NOT MET'} ({detail})")

    target_line("zero 5xx", fives == 0 and total > 0, f"{fives} of {total:,}")
    target_line("zero errors", errors == 0 and total > 0, f"{errors} connection or unexpected-status errors")
    if growth is not None:
        target_line("worker RSS growth < 10%", growth < 0.10, f"largest growth {growth * 100:+.1f}%")
    else:
        target_line("worker RSS growth < 10%", False, "not measured (no local gunicorn)")
    target_line(
        "no secret echoed",
        results.leaks == 0 and log_leaks == 0,
        f"{results.leaks} responses, {log_leaks} log lines",
    )
    target_line(
        "no worker crash", tracebacks == 0 and timeouts == 0, f"{tracebacks} tracebacks, {timeouts} timeouts"
    )
    print(f"soak: gunicorn log kept at {log_path}")
    met = fives == 0 and errors == 0 and total > 0 and growth is not None and growth < 0.10
    return 0 if met or not options.strict else 1


if __name__ == "__main__":
    sys.exit(main())
