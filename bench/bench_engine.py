"""Benchmark of the pure diagnosis engine: `python bench/bench_engine.py [--catalogue PATH] [--scale PATH]`.

Django is set up only to build the snapshot from fixtures/*.json; everything timed
is errorkb.diagnosis alone. Per paste of the corpus (tests/diagnosis/corpus) the
time is the best of --repeat runs (as timeit advises: on a shared machine the
slower runs measure the neighbours, not the code). Reported: median, p99 and max
over the corpus, a 1 MB log with a few errors in it, and a baseline measured in
the same run (json.loads of a typical 123hub body plus a dict lookup) with the
engine's ratio to it. It ends with one line per target.

--catalogue PATH  diagnose against a snapshot JSON file instead of the real catalogue
--scale PATH      also diagnose against a large snapshot (`manage.py generate_catalogue --output`)
                  and compare medians: index-based matching should keep it within 2x. Each
                  paste is timed on one catalogue right after the other, so the ratio is taken
                  at one moment of the machine (measured minutes apart, it moved by 0.4x).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CORPUS = ROOT / "tests" / "diagnosis" / "corpus" / "cases.json"
MEDIAN_TARGET_US = 50.0
P99_TARGET_US = 1_000.0
BIG_TARGET_MS = 50.0
SCALE_TARGET = 2.0
ISSUE_BASELINE_US = 2.0  # "parsing the JSON of a small body and a dictionary lookup take about 2 us"

TYPICAL_BODY = (
    '{"success":false,"error":{"code":6010,"message":"Payment does not exist","details":null,'
    '"context":null},"request_id":"a1b2c3d4-e5f6-7890-abcd-ef1234567890","processing_time":5}'
)


def real_snapshot() -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "errorkb.settings")
    import django

    django.setup()
    from errorkb.catalogue.fixtures import default_fixture_paths
    from errorkb.catalogue.snapshot import snapshot_from_fixtures

    return snapshot_from_fixtures(default_fixture_paths())


def best_of(function, repeat: int, number: int = 1) -> float:
    """Seconds per call: the best of `repeat` rounds of `number` calls."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for _ in range(number):
            function()
        best = min(best, (time.perf_counter() - started) / number)
    return best


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def corpus_times(catalogues: list, cases: list[dict], repeat: int) -> list[tuple[list[float], list[float]]]:
    """Per catalogue, per paste: µs for diagnose(), and for diagnose().to_dict().

    Each paste is timed on every catalogue in turn before the next paste."""
    from errorkb.diagnosis import diagnose

    times: list[tuple[list[float], list[float]]] = [([], []) for _ in catalogues]
    for case in cases:
        text, provider, status = case["text"], case.get("provider"), case.get("http_status")
        for catalogue, (engine, full) in zip(catalogues, times, strict=True):

            def run(text=text, provider=provider, status=status, catalogue=catalogue):
                return diagnose(text, catalogue, provider=provider, http_status=status)

            run()  # warm
            engine.append(best_of(run, repeat) * 1e6)
            full.append(best_of(lambda run=run: run().to_dict(), repeat) * 1e6)
    return times


def big_log(size: int = 1_000_000) -> tuple[str, int]:
    """A 1 MB application log: ordinary lines, and a few error bodies and messages among them."""
    rng = random.Random(7)
    ordinary = [
        '[2026-01-14 10:{m:02d}:{s:02d}] production.INFO: GET /api/orders/{n} 200 {ms}ms {{"user_id":{u},"ip":"10.0.{a}.{b}"}}',
        "2026-01-14T10:{m:02d}:{s:02d}.{ms:03d}Z worker-{a} processed job {n} in {ms} ms (queue=default attempts=1)",
        '{{"level":"info","ts":"2026-01-14T10:{m:02d}:{s:02d}Z","msg":"cache refreshed","keys":{n},"took_ms":{ms}}}',
        '10.0.{a}.{b} - - [14/Jan/2026:10:{m:02d}:{s:02d} +0000] "GET /health HTTP/1.1" 200 2 "-" "kube-probe/1.29"',
    ]
    errors = [
        '[2026-01-14 10:31:07] production.ERROR: RukkyHub order failed {"response":{"error":"Insufficient balance"}}',
        'HTTP/1.1 400 Bad Request\n\n{"success":false,"error":{"code":6010,"message":"Payment does not exist","details":null,'
        '"context":null},"request_id":"a1b2c3d4-e5f6-7890-abcd-ef1234567890","processing_time":5}',
        "2026-01-14 10:44:12 WARN payout 91 failed: Payment provider not available",
        '[2026-01-14 10:52:40] production.ERROR: RukkyHub order failed {"response":{"error":"Rate limit exceeded","reset_in":12}}',
    ]
    lines: list[str] = []
    length = 0
    while length < size:
        template = rng.choice(ordinary)
        line = template.format(
            m=rng.randrange(60),
            s=rng.randrange(60),
            n=rng.randrange(10**6),
            ms=rng.randrange(1000),
            u=rng.randrange(10**5),
            a=rng.randrange(256),
            b=rng.randrange(256),
        )
        lines.append(line)
        length += len(line) + 1
    for index, error in enumerate(errors):
        lines.insert((index + 1) * len(lines) // (len(errors) + 1), error)
    return "\n".join(lines)[:size], len(errors)


def measure(snapshots: list[tuple[str, dict]], cases: list[dict], repeat: int) -> list[dict]:
    """The corpus through each (label, snapshot)'s catalogue, measured side by side."""
    from errorkb.diagnosis import Catalogue

    catalogues, built = [], []
    for _, snapshot in snapshots:
        started = time.perf_counter()
        catalogues.append(Catalogue.from_snapshot(snapshot))
        built.append(time.perf_counter() - started)
    results = []
    for (label, _), catalogue, built_s, (engine, full) in zip(
        snapshots, catalogues, built, corpus_times(catalogues, cases, repeat), strict=True
    ):
        results.append(
            {
                "label": label,
                "catalogue": catalogue,
                "entries": len(catalogue.entries),
                "providers": len(catalogue.provider_slugs),
                "built_s": built_s,
                "median": statistics.median(engine),
                "p99": percentile(engine, 0.99),
                "max": max(engine),
                "full_median": statistics.median(full),
                "full_p99": percentile(full, 0.99),
                "slowest": sorted(zip(engine, (c["id"] for c in cases), strict=True))[-3:],
            }
        )
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalogue", type=Path, help="A snapshot JSON file to diagnose against.")
    parser.add_argument("--scale", type=Path, help="Also measure against this (large) snapshot JSON file.")
    parser.add_argument("--repeat", type=int, default=7, help="Runs per paste; the best is kept (default 7).")
    options = parser.parse_args()

    from errorkb.diagnosis import COMPILED, diagnose

    print(
        "engine: compiled by mypyc (.build/engine)"
        if COMPILED
        else "engine: plain Python (no fresh compiled build, or ERRORKB_PURE_ENGINE is set)"
    )
    cases = json.loads(CORPUS.read_text())
    if options.catalogue:
        snapshot = json.loads(options.catalogue.read_text(encoding="utf-8"))
        label = options.catalogue.name
    else:
        snapshot, label = real_snapshot(), "real catalogue (fixtures/*.json)"
    snapshots = [(label, snapshot)]
    if options.scale:
        snapshots.append((options.scale.name, json.loads(options.scale.read_text(encoding="utf-8"))))
    result, *scaled = measure(snapshots, cases, options.repeat)
    catalogue = result["catalogue"]

    # Baseline, in the same run: parse a typical 123hub body and look one key up.
    table = {"6010": "Payment does not exist"}
    baseline = best_of(lambda: table.get(str(json.loads(TYPICAL_BODY)["error"]["code"])), 7, 2_000) * 1e6
    typical = best_of(lambda: diagnose(TYPICAL_BODY, catalogue), 7, 200) * 1e6

    print(f"engine median per paste: {result['median']:.1f} us over {len(cases)} corpus pastes ({label})")
    print(
        f"  p99 {result['p99']:.1f} us, max {result['max']:.1f} us; with to_dict(): median {result['full_median']:.1f} us, p99 {result['full_p99']:.1f} us"
    )
    print(
        f"  catalogue: {result['entries']:,} entries, {result['providers']} providers, built in {result['built_s'] * 1000:.0f} ms"
    )
    print("  slowest: " + ", ".join(f"{cid} {us:.0f} us" for us, cid in result["slowest"]))
    print(f"baseline (json.loads of a typical 123hub body + a dict lookup): {baseline:.2f} us")
    print(
        f"  typical 123hub body through the engine: {typical:.1f} us = {typical / baseline:.1f}x the baseline"
    )
    print(
        f"  corpus median = {result['median'] / baseline:.1f}x the baseline, p99 = {result['p99'] / baseline:.1f}x"
    )

    text, planted = big_log()
    found = diagnose(text, catalogue)
    big_ms = best_of(lambda: diagnose(text, catalogue), 3) * 1000
    print(
        f"1 MB paste ({len(text):,} chars, {text.count(chr(10)):,} lines, {planted} errors planted): "
        f"{big_ms:.1f} ms, {len(found.errors)} errors found ({big_ms * 1000 / baseline:,.0f}x the baseline)"
    )

    scale_line = None
    if scaled:
        large = scaled[0]
        factor = large["median"] / result["median"]
        big_large_ms = best_of(lambda: diagnose(text, large["catalogue"]), 3) * 1000
        print(
            f"{large['label']}: {large['entries']:,} entries, {large['providers']} providers, built in "
            f"{large['built_s']:.1f} s; engine median {large['median']:.1f} us (p99 {large['p99']:.1f} us, "
            f"max {large['max']:.1f} us), measured paste by paste beside the catalogue above "
            f"= {factor:.2f}x its median; the 1 MB paste {big_large_ms:.1f} ms"
        )
        print("  slowest: " + ", ".join(f"{cid} {us:.0f} us" for us, cid in large["slowest"]))
        scale_line = (
            f"engine median at {large['entries']:,} entries <= {SCALE_TARGET:g}x the real catalogue's: "
            f"{'MET' if factor <= SCALE_TARGET else 'NOT MET'} ({large['median']:.1f} us vs {result['median']:.1f} us, "
            f"{factor:.2f}x)"
        )

    print()
    # The target is absolute, but this machine's speed varies from run to run: the same
    # line says how the median compares with the baseline, as the issue's figures did
    # (50 us where parsing a small body and a dict lookup took about 2 us: 25x).
    print(
        f"engine median <= {MEDIAN_TARGET_US:g} us: {'MET' if result['median'] <= MEDIAN_TARGET_US else 'NOT MET'} "
        f"({result['median']:.1f} us = {result['median'] / baseline:.0f}x this run's baseline; "
        f"the target is {MEDIAN_TARGET_US / ISSUE_BASELINE_US:.0f}x the issue's {ISSUE_BASELINE_US:g} us)"
    )
    print(
        f"engine p99 <= 1 ms: {'MET' if result['p99'] <= P99_TARGET_US else 'NOT MET'} ({result['p99']:.1f} us)"
    )
    print(
        f"1 MB paste <= {BIG_TARGET_MS:g} ms: {'MET' if big_ms <= BIG_TARGET_MS else 'NOT MET'} ({big_ms:.1f} ms)"
    )
    if scale_line:
        print(scale_line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
