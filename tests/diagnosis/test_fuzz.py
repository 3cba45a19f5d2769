"""Fuzzing the diagnosis engine: over 100,000 generated pastes, none raises, none hangs, none leaks a key.

Three sources, all reproducible:
- hypothesis strategies (derandomized, no example database), 10,000 examples;
- a seeded generator of short pastes glued from the fragments pastes and the
  engine's regular expressions care about, 92,000 of them;
- a fixed list of pathological shapes up to 1 MB: deep nesting, 10^5-digit
  numbers, a 1 MB line, long runs of quotes, backslashes, braces, spaces…

Each diagnosis is timed. The bound asserted is only a hang guard (2 s for a
paste under 64 KB, 10 s for the big ones); the worst time is printed.
"""

from __future__ import annotations

import json
import random
import string
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from errorkb.catalogue.fixtures import default_fixture_paths
from errorkb.catalogue.snapshot import snapshot_from_fixtures
from errorkb.diagnosis import Catalogue, diagnose

pytestmark = pytest.mark.slow

KEYS = (
    "provider",
    "http_status",
    "category",
    "matches",
    "ambiguous",
    "context",
    "advice",
    "redactions",
    "redacted_text",
    "highlights",
    "errors",
    "summary",
)
SMALL_GUARD, BIG_GUARD = 2.0, 10.0
SOUP_INPUTS = 92_000


@pytest.fixture(scope="module")
def catalogue():
    return Catalogue.from_snapshot(snapshot_from_fixtures(default_fixture_paths()))


@pytest.fixture(scope="module")
def messages():
    snapshot = snapshot_from_fixtures(default_fixture_paths())
    return [e["message"] or e["title"] for e in snapshot["entries"]] + [
        e["code"] for e in snapshot["entries"]
    ]


class Stats:
    def __init__(self, name: str):
        self.name, self.count, self.worst, self.worst_input = name, 0, 0.0, ""

    def run(self, catalogue, text: str, provider=None, http_status=None, secret: str | None = None) -> dict:
        started = time.perf_counter()
        result = diagnose(text, catalogue, provider=provider, http_status=http_status).to_dict()
        elapsed = time.perf_counter() - started
        self.count += 1
        if elapsed > self.worst:
            self.worst, self.worst_input = elapsed, f"{len(text):,} chars: {text[:60]!r}"
        guard = SMALL_GUARD if len(text) < 65_536 else BIG_GUARD
        assert elapsed < guard, f"diagnose took {elapsed:.2f} s on {len(text):,} chars: {text[:200]!r}"
        assert set(KEYS) <= set(result), sorted(set(KEYS) - set(result))
        encoded = json.dumps(result)  # the API, the page and the CLI all serialise it
        if secret is not None:
            assert secret not in encoded, f"{secret!r} leaked from {text[:200]!r}"
        return result

    def report(self) -> str:
        line = (
            f"fuzz {self.name}: {self.count:,} inputs, worst {self.worst * 1000:.1f} ms ({self.worst_input})"
        )
        print("\n" + line)
        return line


PROVIDERS = st.sampled_from([None, None, "123hub", "rukkyhub"])
STATUSES = st.one_of(st.none(), st.integers(100, 599))

FRAGMENTS = [
    '"',
    "'",
    "\\",
    '\\"',
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "=",
    "&",
    "?",
    "/",
    "<",
    ">",
    "> ",
    "< ",
    "*",
    " ",
    "  ",
    "\t",
    "\n",
    "\r\n",
    "\x00",
    "\u00a0",
    "\u200b",
    "é",
    "😀",
    "\udcff",
    '"code":',
    '"code": ',
    '"message":',
    '"error":',
    '"errors":',
    '"success": false',
    '"request_id":',
    '"details":',
    '"context":',
    '"reset_in":',
    "null",
    "true",
    "false",
    "NaN",
    "-",
    ".",
    "e+",
    "HTTP/1.1 ",
    "HTTP/2 ",
    "HTTP/1.1 429 Too Many Requests",
    "HTTP/1.1 400 Bad Request",
    "status=",
    "X-API-KEY: ",
    "x-api-key:",
    "X-Data-Hash: ",
    "Authorization: Bearer ",
    "Cookie: ",
    "Set-Cookie: ",
    "key=",
    "pin=",
    "api_key=",
    "password=",
    "token=",
    "-H ",
    "--header ",
    "curl ",
    "-d ",
    "?key=",
    "&pin=",
    "rk_live_",
    "Bearer ",
    "Basic ",
    "eyJ",
    "://",
    "https://rukkyhub.com/api/v1/",
    "api.123hub.pro",
    "ERROR",
    "WARN",
    "Traceback (most recent call last):",
    'File "x.py", line 1',
    "raise ",
    "Error: ",
    "array(1) {",
    "=>",
    "string(4)",
    "b'",
    "u'",
    "dict(",
    "{'",
    "':",
    "AxiosError",
    "config:",
    "error ",
    "code ",
    "Error code ",
    "#",
    "0",
    "1",
    "2",
    "6010",
    "1000",
    "7002",
    "9999",
    "429",
    "500",
    "404",
    "12345678901234567890",
    "-1",
    "1e309",
]


def fragment_soup(rng: random.Random, messages: list[str], size: int) -> str:
    pieces = []
    for _ in range(size):
        roll = rng.random()
        if roll < 0.55:
            pieces.append(rng.choice(FRAGMENTS))
        elif roll < 0.7:
            message = rng.choice(messages)
            if rng.random() < 0.5 and len(message) > 3:  # a typo or a cut
                i = rng.randrange(len(message))
                message = message[:i] + rng.choice(string.ascii_letters + " ") + message[i + 1 :]
            pieces.append(message)
        elif roll < 0.85:
            pieces.append("".join(rng.choice(string.printable) for _ in range(rng.randrange(1, 12))))
        elif roll < 0.95:
            pieces.append(str(rng.randrange(10 ** rng.randrange(1, 8))))
        else:
            pieces.append(chr(rng.randrange(0x20, 0x3000)))
    return "".join(pieces)


SECRET_KEY = "rk_live_Qx7fT2mZp9LwR4vKs8Jd"  # inserted into some inputs: it must never come back out


def json_values():
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(10**30), 10**30),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=40),
        st.sampled_from(["Payment does not exist", "Insufficient balance", "Rate limit exceeded"]),
    )
    keys = st.one_of(
        st.sampled_from(
            [
                "error",
                "errors",
                "code",
                "message",
                "success",
                "request_id",
                "details",
                "context",
                "reset_in",
                "key",
                "pin",
                "data",
            ]
        ),
        st.text(max_size=10),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(keys, inner, max_size=5)),
        max_leaves=30,
    )


HYPOTHESIS = settings(
    max_examples=2_000,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def test_hypothesis_strategies(catalogue):
    stats = Stats("hypothesis")

    @HYPOTHESIS
    @given(
        st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=600), PROVIDERS, STATUSES
    )
    def any_text(text, provider, status):
        stats.run(catalogue, text, provider, status)

    @HYPOTHESIS
    @given(st.binary(max_size=800), st.sampled_from(["replace", "surrogateescape", "latin-1"]), PROVIDERS)
    def any_bytes(data, how, provider):
        text = data.decode("latin-1") if how == "latin-1" else data.decode("utf-8", errors=how)
        stats.run(catalogue, text, provider)

    @HYPOTHESIS
    @given(json_values(), st.booleans(), STATUSES)
    def any_json(value, pretty, status):
        stats.run(
            catalogue, json.dumps(value, indent=2 if pretty else None, ensure_ascii=False), None, status
        )

    @HYPOTHESIS
    @given(
        st.integers(100, 599),
        st.lists(
            st.tuples(
                st.sampled_from(
                    [
                        "X-API-KEY",
                        "Content-Type",
                        "X-Data-Hash",
                        "Retry-After",
                        "Set-Cookie",
                        "X-RateLimit-Reset",
                    ]
                ),
                st.text(max_size=40),
            ),
            max_size=6,
        ),
        json_values(),
        st.sampled_from(["", "> ", "< "]),
    )
    def http_dumps(status, headers, body, prefix):
        lines = [f"{prefix}HTTP/1.1 {status} Whatever"] + [f"{prefix}{k}: {v}" for k, v in headers]
        stats.run(catalogue, "\n".join(lines) + "\n\n" + json.dumps(body))

    @HYPOTHESIS
    @given(st.lists(st.sampled_from(FRAGMENTS), max_size=80), st.integers(0, 80), PROVIDERS)
    def fragments_with_a_key(pieces, where, provider):
        where = min(where, len(pieces))
        text = "".join(pieces[:where]) + SECRET_KEY + "".join(pieces[where:])
        stats.run(catalogue, text, provider, secret=SECRET_KEY)

    for fuzz in (any_text, any_bytes, any_json, http_dumps, fragments_with_a_key):
        fuzz()
    stats.report()
    assert stats.count >= 5 * HYPOTHESIS.max_examples


def test_seeded_fragment_soup(catalogue, messages):
    stats = Stats("seeded soup")
    rng = random.Random(1_000_003)
    for i in range(SOUP_INPUTS):
        text = fragment_soup(rng, messages, rng.randrange(0, 40))
        provider = rng.choice([None, None, None, "123hub", "rukkyhub"])
        status = rng.choice([None, None, rng.randrange(100, 600)])
        if i % 7 == 0:
            cut = rng.randrange(len(text) + 1)
            text = text[:cut] + SECRET_KEY + text[cut:]
            stats.run(catalogue, text, provider, status, secret=SECRET_KEY)
        else:
            stats.run(catalogue, text, provider, status)
    stats.report()
    assert stats.count == SOUP_INPUTS


def pathological_inputs():
    rng = random.Random(99)
    mb = 1_000_000
    yield (
        "random bytes, replaced",
        bytes(rng.randrange(256) for _ in range(200_000)).decode("utf-8", "replace"),
    )
    yield (
        "random bytes, surrogateescape",
        bytes(rng.randrange(256) for _ in range(200_000)).decode("utf-8", "surrogateescape"),
    )
    yield (
        "invalid UTF-8 runs",
        (b"\xff\xfe\xc3(\xa0\xa1\xe2\x28\xa1\xf0\x28\x8c\xbc" * 20_000).decode("utf-8", "replace"),
    )
    yield "lone surrogates", "\udcff\ud800" * 50_000
    for depth in (5_000, 50_000):
        yield f"[[[ x{depth}", "[" * depth + "]" * depth
        yield f"[[[ unclosed x{depth}", "[" * depth
        yield f'{{"a":{{"a": x{depth}', '{"a":' * depth + "1" + "}" * depth
        yield f'{{"a": unclosed x{depth}', '{"a":' * depth
    yield "mixed nesting", '[{"error":' * 10_000 + '"Insufficient balance"' + "}]" * 10_000
    yield "10^5-digit number", "9" * 100_000
    yield "10^5-digit code", '{"success": false, "error": {"code": ' + "7" * 100_000 + ', "message": "x"}}'
    yield "10^5-digit status", "HTTP/1.1 " + "4" * 100_000 + " Oops"
    yield "10^5-digit float", '{"reset_in": 1.' + "5" * 100_000 + "e99999}"
    yield "1 MB line of one letter", "a" * mb
    yield "1 MB line of printable noise", "".join(rng.choice(string.printable.strip()) for _ in range(mb))
    yield "1 MB of words", "insufficient balance " * (mb // 21)
    yield "1 MB JSON string", '{"error": "' + "x" * (mb - 20) + '"}'
    for name, run in [
        ("quotes", '"'),
        ("single quotes", "'"),
        ("backslashes", "\\"),
        ("escaped quotes", '\\"'),
        ("braces", "{"),
        ("closing braces", "}"),
        ("brackets", "["),
        ("spaces", " "),
        ("tabs", "\t"),
        ("newlines", "\n"),
        ("CRLF", "\r\n"),
        ("colons", ":"),
        ("equals", "="),
        ("ampersands", "&"),
        ("HTTP/1.1 ", "HTTP/1.1 "),
        ('"code":', '"code":'),
        ('"code": 6010,', '"code": 6010,'),
        ('"message":', '"message":'),
        ('"error":', '"error": '),
        ('"errors": {"a": [', '"errors": {"a": ['),
        ("X-API-KEY: ", "X-API-KEY: "),
        ("> headers", "> X-API-KEY: a\n"),
        ("key=", "key="),
        ("pin=", "&pin="),
        ("rk_live_", "rk_live_"),
        ("Bearer ", "Authorization: Bearer "),
        ("-H '", "-H 'X-API-KEY: "),
        ("eyJ", "eyJ"),
        ("://", "://a:"),
        ("hex", "0123456789abcdef"),
        ("digits and spaces", "1 "),
        ("error words", "error code "),
        ("php", '["key"]=> string(4) '),
        ("python repr", "{'key': '"),
        ("less-than", "<"),
        ("percent", "%"),
        ("NUL", "\x00"),
        ("combining", "e\u0301"),
        ("emoji", "😀"),
        ("password-ish names", "x-very-long-name-password"),
        ("dashes", "a-"),
        ("underscores", "_"),
    ]:
        yield f"run of {name} (100 KB)", run * (100_000 // len(run) + 1)
        yield f"run of {name} then a letter", run * (20_000 // len(run) + 1) + "!"
    # A keyword, then a long run of blanks that the pattern after it could split many ways.
    for keyword in ("error", "errno", "error code", "code", "Error code #", "X-API-KEY:", "key ="):
        for blank in (" ", "\t"):
            yield f"{keyword!r} then 30,000 {blank!r}", keyword + blank * 30_000 + "x"
    yield "code fields, one line", '"code":6010,' * 80_000
    yield "HTTP lines without newlines", "HTTP/1.1 429 " * 80_000
    yield "many short lines", "error 6010\n" * 90_000
    yield "header lines", "X-API-KEY: rk_live_abc\n" * 40_000
    yield "form fields", "key=rk_live_abc&pin=1234&" * 40_000


def test_pathological_shapes(catalogue):
    stats = Stats("pathological")
    for name, text in pathological_inputs():
        try:
            stats.run(catalogue, text)
            stats.run(catalogue, text[:5_000], provider="rukkyhub", http_status=429)
        except Exception as exc:  # name the shape, not a megabyte of it
            raise AssertionError(f"{name}: {type(exc).__name__}: {str(exc)[:300]}") from exc
    stats.report()
    assert stats.count >= 200


def test_the_fuzzing_reaches_a_hundred_thousand_inputs():
    assert 5 * HYPOTHESIS.max_examples + SOUP_INPUTS >= 100_000  # and some 280 pathological shapes
