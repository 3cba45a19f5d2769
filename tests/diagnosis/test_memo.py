"""memo.answer() answers what the engine answers, value for value, remembered or not.

The API answers bodies through it, so every check compares it with
diagnose(...).to_dict() on the same paste: over the corpus, over bodies of every
123hub entry written several ways with many ids and timings, over pairs of bodies a
review found answered differently before, and over values the memo must not put into
a remembered answer (a code inside the request id, a key format, a word its scanners
look for). A shape is remembered the second time it is seen.
"""

from __future__ import annotations

import copy
import json
import random
import re
import sys
import threading
import uuid
from pathlib import Path

import pytest

from errorkb.diagnosis import Catalogue, ProviderUnknown, diagnose
from errorkb.diagnosis.memo import MAX_ANSWERS, UNREMEMBERED, answer

CASES = json.loads((Path(__file__).parent / "corpus" / "cases.json").read_text())


@pytest.fixture
def fresh(snapshot) -> Catalogue:
    """A catalogue that has remembered nothing yet."""
    return Catalogue.from_snapshot(snapshot)


def body(
    code, message, request_id='"a1b2c3d4-e5f6-7890-abcd-ef1234567890"', processing_time="5", layout=0
) -> str:
    """A 123hub error body, its request_id and processing_time written as given (JSON text)."""
    error = json.dumps({"code": code, "message": message, "details": None, "context": None})
    if layout == 0:  # as json.dumps writes it
        return f'{{"success": false, "error": {error}, "request_id": {request_id}, "processing_time": {processing_time}}}'
    if layout == 1:  # compact
        error = error.replace(": ", ":").replace(", ", ",")
        return f'{{"success":false,"error":{error},"request_id":{request_id},"processing_time":{processing_time}}}'
    # pretty-printed, with a newline at the end, as a log or a terminal gives it
    return (
        '{\n  "success": false,\n  "error": ' + error + f',\n  "request_id": {request_id},\n'
        f'  "processing_time": {processing_time}\n}}\n'
    )


def ids(rng: random.Random, count: int) -> list[str]:
    return [f'"{uuid.UUID(int=rng.getrandbits(128))}"' for _ in range(count)]


def assert_engines(text: str, catalogue: Catalogue, **hints) -> dict:
    expected = diagnose(text, catalogue, **hints).to_dict()
    got = answer(text, catalogue, **hints)
    assert got == expected, text
    return got


def test_the_corpus_is_answered_as_the_engine_answers_it(fresh):
    rng = random.Random(5)
    for case in CASES:
        hints = {"provider": case.get("provider"), "http_status": case.get("http_status")}
        assert_engines(case["text"], fresh, **hints)
        assert_engines(case["text"], fresh, **hints)  # remembered now, where it can be
        # The same body with other ids and timings, where it ends with them.
        text = case["text"]
        for old in set(re.findall(r'"request_id":\s*("[^"]*")', text)):
            for new in ids(rng, 2):
                assert_engines(text.replace(old, new), fresh, **hints)
    remembered = [known for known in fresh.answers.values() if known is not UNREMEMBERED and known.plan]
    assert remembered, "no body of the corpus was remembered with its values"


@pytest.mark.parametrize("layout", [0, 1, 2])
def test_every_123hub_entry_with_many_ids_and_timings(fresh, layout):
    rng = random.Random(layout)
    entries = [entry for entry in fresh.entries if entry.provider == "123hub" and entry.kind == "code"]
    assert len(entries) >= 20
    timings = ["0", "5", "40", "1234", "12.5", "-1"]
    for entry in entries:
        request_ids = ids(rng, 4) + ['"req_7Hq2-x"', f'"{entry.code}-{rng.randrange(10**6)}"']
        # Two whole timings first, so that the shape is remembered; then any timing.
        for index, request_id in enumerate(request_ids):
            timing = rng.choice(timings) if index >= 2 else str(rng.randrange(1, 500))
            text = body(int(entry.code), entry.message, request_id, timing, layout)
            got = assert_engines(text, fresh)
            assert got["context"]["request_id"] == json.loads(request_id)
            assert got["redacted_text"] == text
    shapes = [known for known in fresh.answers.values() if known.plan]
    assert len(shapes) >= len(entries)  # one shape per entry at least


def test_a_remembered_answer_is_put_together_from_the_one_remembered(fresh):
    first = body(6010, "Payment does not exist")
    assert_engines(first, fresh)
    (seen,) = fresh.answers.values()
    assert not seen.plan  # seen once: nothing remembered yet
    assert_engines(first, fresh)
    (known,) = fresh.answers.values()
    assert known.plan
    second = body(6010, "Payment does not exist", '"0f0e0d0c-1111-2222-3333-444455556666"', "17")
    got = assert_engines(second, fresh)
    # Put together from the remembered answer: what holds no value is shared, not made again.
    assert got["category"] is known.answer["category"]
    assert got["matches"] is known.answer["matches"]
    assert got["context"]["request_id"] == "0f0e0d0c-1111-2222-3333-444455556666"
    assert got["context"]["processing_time"] == 17
    assert (
        "Quote request_id 0f0e0d0c-1111-2222-3333-444455556666 to 123hub support." in got["advice"]["steps"]
    )
    # ...and the remembered answer still holds the first body's values.
    assert known.answer["context"]["request_id"] == "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
    assert known.answer["redacted_text"] == first


@pytest.mark.parametrize(
    ("request_id", "why"),
    [
        ('"aa-6010-bb"', "the entry's code, which the engine looks for to mark it"),
        ('"rk_live_0123456789abcdefABCDEF"', "RukkyHub's key format: redacted"),
        ('"' + "ab" * 64 + '"', "123hub's X-Data-Hash format (128 hex digits): redacted"),
        ('"x-ratelimit-reset"', "a rate-limit header's name, which the scanners look for"),
        ('"x-rukkyhub"', "a provider's name"),
    ],
)
def test_values_the_engine_may_read_are_never_put_in(fresh, request_id, why):
    for _ in range(2):  # the shape is remembered
        assert_engines(body(6010, "Payment does not exist"), fresh)
    got = assert_engines(body(6010, "Payment does not exist", request_id), fresh)
    if "redacted" in why:
        assert json.loads(request_id) not in json.dumps(got), why


def test_a_shape_whose_answer_follows_a_value_otherwise_is_never_remembered(fresh):
    # The request id holds the code the highlight looks for, and the body writes the code so
    # that only the request id holds it standalone: the engine marks the request id.
    text = '{"success": false, "error": {"code": "06010", "message": "x"}, "request_id": "zz-6010-zz"}'
    assert_engines(text, fresh)
    assert_engines(text, fresh)
    assert list(fresh.answers.values()) == [UNREMEMBERED]
    assert_engines(text.replace("zz-6010-zz", "zz-1234-zz"), fresh)


def test_hints_and_value_kinds_are_part_of_the_shape(fresh):
    text = body(6010, "Payment does not exist")
    for hints in ({}, {"provider": "123hub"}, {"http_status": 400}, {"http_status": 404}):
        assert_engines(text, fresh, **hints)
    assert_engines(body(6010, "Payment does not exist", request_id="5"), fresh)  # a number, not a string
    assert len(fresh.answers) == 5


def test_what_is_not_a_body_is_never_remembered(fresh):
    for text in [
        "HTTP/1.1 400 Bad Request\n\n" + body(6010, "Payment does not exist"),
        "6010",
        body(6010, "Payment does not exist") + " trailing words",
        "{" * 3 + "}" * 3,
        "{" + "x" * 5000 + "}",
        body(6010, "Payment does not exist " + "x" * 4_000),  # over MAX_BODY
    ]:
        assert_engines(text, fresh)
        assert_engines(text, fresh)
    assert fresh.answers == {}


def test_at_most_max_answers_are_kept_the_least_recently_used_forgotten(fresh):
    for index in range(MAX_ANSWERS + 20):
        for _ in range(2):  # seen, then remembered
            answer(body(6010, f"Payment does not exist ({index})"), fresh)
    assert len(fresh.answers) == MAX_ANSWERS
    assert all(known.plan for known in fresh.answers.values())
    # The oldest went first: the twenty first shapes are forgotten, the rest kept in order.
    shapes = [key[0] for key in fresh.answers]
    assert "Payment does not exist (20)" in shapes[0]
    assert f"Payment does not exist ({MAX_ANSWERS + 19})" in shapes[-1]
    # A shape answered from memory again is the last to be forgotten.
    assert_engines(body(6010, "Payment does not exist (20)", '"0f0e0d0c-3333"'), fresh)
    assert "Payment does not exist (20)" in next(reversed(fresh.answers))[0]


# Found by review: each pair is a body remembered, then one of the same shape asked.
# (Several are never remembered now; the pairs hold them to the engine's answers all the same.)
HUB = '{"success": false, "error": {"code": 6010, "message": "Payment does not exist", "details": null, "context": null}'
PAIRS = {
    "the id equals the timing": (
        HUB + ', "request_id": "5", "processing_time": 5}',
        HUB + ', "request_id": "7", "processing_time": 8}',
    ),
    "the id repeats the timing": (
        HUB + ', "request_id": "55", "processing_time": 5}',
        HUB + ', "request_id": "12", "processing_time": 7}',
    ),
    "the id holds the timing": (
        HUB + ', "request_id": "5-5", "processing_time": 5}',
        HUB + ', "request_id": "ab-cd", "processing_time": 7}',
    ),
    "the id twice": (
        HUB + ', "request_id": "abc", "request_id": "abc"}',
        HUB + ', "request_id": "xyz", "request_id": "qqq"}',
    ),
    "the timing twice": (
        HUB + ', "processing_time": 5, "processing_time": 5}',
        HUB + ', "processing_time": 6, "processing_time": 9}',
    ),
    "an id with no letter or digit": (HUB + ', "request_id": "-"}', HUB + ', "request_id": "abc1"}'),
    "an id of dashes and underscores": (HUB + ', "request_id": "_-_"}', HUB + ', "request_id": "a-b"}'),
    "an empty id after a real one": (
        HUB + ', "request_id": "abc", "processing_time": 5}',
        HUB + ', "request_id": "", "processing_time": 7}',
    ),
    "a real id after an empty one": (
        HUB + ', "request_id": "", "processing_time": 5}',
        HUB + ', "request_id": "abc", "processing_time": 7}',
    ),
    "a numeric id, then zero": (
        HUB + ', "request_id": 5, "processing_time": 3}',
        HUB + ', "request_id": 0, "processing_time": 7}',
    ),
    "a fractional id": (
        HUB + ', "request_id": 2.5, "processing_time": 3}',
        HUB + ', "request_id": 2.50, "processing_time": 7}',
    ),
    "a zero timing": (
        HUB + ', "request_id": "abc", "processing_time": 0}',
        HUB + ', "request_id": "abd", "processing_time": 0.0}',
    ),
    "a fractional timing": (
        HUB + ', "request_id": "abc", "processing_time": 12.5}',
        HUB + ', "request_id": "abd", "processing_time": 12.50}',
    ),
    "a provider's name in the id": (
        '{"error": "Rate limit exceeded", "reset_in": 37, "request_id": "abc"}',
        '{"error": "Rate limit exceeded", "reset_in": 37, "request_id": "123hub"}',
    ),
    "a provider's name after a dash": (
        '{"error": "something odd happened", "request_id": "abc"}',
        '{"error": "something odd happened", "request_id": "x-rukkyhub"}',
    ),
    "an escaped message found in the id": (
        '{"success": false, "error": {"code": 6010, "message": "\\u0062oom"}, "request_id": "aaaa", "processing_time": 5}',
        '{"success": false, "error": {"code": 6010, "message": "\\u0062oom"}, "request_id": "xboomx", "processing_time": 5}',
    ),
    "members outside the object: a code": (
        HUB + '}, "request_id": "abc", "processing_time": 5}',
        HUB + '}, "request_id": "err7002", "processing_time": 5}',
    ),
    "members outside the object: a phrase": (
        HUB + '}, "request_id": "abc", "processing_time": 5}',
        HUB + '}, "request_id": "Insufficient_funds", "processing_time": 5}',
    ),
    "members outside an empty object": (
        '{}, "request_id": "abcdefghijklmnopqrstuvwxyz"}',
        '{}, "request_id": "Insufficientbalance"}',
    ),
    "a trailing comma and a long timing": (
        HUB.replace('"context": null}', '"context": null,}') + ', "request_id": "abc", "processing_time": 5}',
        HUB.replace('"context": null}', '"context": null,}')
        + ', "request_id": "abd", "processing_time": 123456789012345}',
    ),
    "an object with nothing before the members": (
        '{, "request_id": "abc", "processing_time": 5}',
        '{, "request_id": "abd", "processing_time": 6}',
    ),
}


@pytest.mark.parametrize("name", list(PAIRS))
def test_a_body_of_a_remembered_shape(fresh, name):
    first, second = PAIRS[name]
    for hints in ({}, {"provider": "123hub"}, {"http_status": 429}):
        assert_engines(first, fresh, **hints)
        assert_engines(first, fresh, **hints)
        assert_engines(second, fresh, **hints)
        assert_engines(first, fresh, **hints)


def test_a_key_format_is_matched_as_written(snapshot):
    """Key formats are case-sensitive: the values are checked as the body writes them."""
    snapshot = copy.deepcopy(snapshot)
    hub = next(provider for provider in snapshot["providers"] if provider["slug"] == "123hub")
    hub["rules"]["secret_patterns"] = [*hub["rules"]["secret_patterns"], "AKIA[A-Z0-9]{16}"]
    catalogue = Catalogue.from_snapshot(snapshot)
    for _ in range(2):
        assert_engines(HUB + ', "request_id": "abc", "processing_time": 3}', catalogue)
    got = assert_engines(HUB + ', "request_id": "AKIAABCDEFGHIJKLMNOP", "processing_time": 3}', catalogue)
    assert "AKIAABCDEFGHIJKLMNOP" not in json.dumps(got)


@pytest.mark.parametrize(
    ("text", "hints"),
    [
        (HUB + ', "request_id": "abc"}', {"http_status": [400]}),
        (HUB + ', "request_id": "abc"}', {"http_status": True}),
        ((HUB + ', "request_id": "abc"}').encode(), {}),
        (None, {}),
        (12, {}),
    ],
)
def test_what_the_engine_takes_the_memo_takes(fresh, text, hints):
    assert answer(text, fresh, **hints) == diagnose(text, fresh, **hints).to_dict()


def test_an_unhashable_provider_is_refused_as_the_engine_refuses_it(fresh):
    with pytest.raises(ProviderUnknown):
        answer(HUB + ', "request_id": "abc"}', fresh, provider=["123hub"])


def test_the_answer_a_shape_is_remembered_from_is_the_callers_own(fresh):
    answer(body(6010, "Payment does not exist"), fresh)
    remembered_from = answer(body(6010, "Payment does not exist", '"0f0e0d0c-2222"'), fresh)
    remembered_from["matches"][0]["title"] = "changed"
    remembered_from["advice"]["steps"].append("changed")
    later = assert_engines(body(6010, "Payment does not exist", '"0f0e0d0c-1111"'), fresh)
    assert later["matches"][0]["title"] == "Payment does not exist"


def test_threads_remember_and_forget_together(fresh):
    errors = []
    switch = sys.getswitchinterval()

    def ask(offset):
        try:
            for index in range(offset, MAX_ANSWERS + 200, 4):
                for _ in range(2):  # seen, then remembered
                    answer(body(6010, f"Payment does not exist ({index})"), fresh)
        except Exception as exc:  # noqa: BLE001 (any failure fails the test below)
            errors.append(exc)

    threads = [threading.Thread(target=ask, args=(offset,)) for offset in range(4)]
    sys.setswitchinterval(1e-6)  # threads switch as often as they can
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(switch)
    assert errors == []
    assert len(fresh.answers) == MAX_ANSWERS
