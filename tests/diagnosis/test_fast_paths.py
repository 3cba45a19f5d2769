"""The engine's shortcuts give exactly what the long way gives.

- the typo-tolerant search screens a small catalogue whole first (`Catalogue.fuzzy_screen`)
  and skips texts whose length cannot reach the cutoff: checked against the search as it was
  first written (kept below as the reference), and whole diagnoses with and without the screen;
- the free-text scan finds word positions only where a documented phrase is: checked
  through whole diagnoses of the corpus and of variants of it;
- patterns that open with a lookbehind are searched through their lead words
  (`extract.finditer`): the same matches as `pattern.finditer`, on the corpus, tricky
  phrases and random strings of the patterns' own words.
"""

from __future__ import annotations

import copy
import heapq
import json
import random
from pathlib import Path

import pytest
from rapidfuzz import fuzz, process

from errorkb.diagnosis import Catalogue, diagnose
from errorkb.diagnosis.catalogue import word_trigrams
from errorkb.diagnosis.matching import (
    FUZZY_CANDIDATES,
    FUZZY_CUTOFF,
    FUZZY_TRIGRAMS,
    MAX_FUZZY_POSTING,
    MAX_SAME_MESSAGE,
    MessageMatch,
    _fuzzy,
    _limit,
    match_message,
)
from errorkb.diagnosis.text import STOPWORDS, normalize

CASES = json.loads((Path(__file__).parent / "corpus" / "cases.json").read_text())


def reference_fuzzy(catalogue: Catalogue, norm: str, words: list[str]) -> list[MessageMatch]:
    """The typo-tolerant search as first written."""
    if len(norm) < 6 or len(norm) > catalogue.longest_message * 1.5 + 10 or len(words) > 16:
        return []
    if not any(w not in STOPWORDS for w in words):
        return []
    counts: dict[int, int] = {}
    for word in set(words):
        posting = catalogue.postings.get(word)
        if posting and len(posting) <= MAX_FUZZY_POSTING:
            for index in posting:
                counts[index] = counts.get(index, 0) + 2
    grams = sorted(
        (
            p
            for g in word_trigrams(words)
            if (p := catalogue.trigram_postings.get(g)) and len(p) <= MAX_FUZZY_POSTING
        ),
        key=len,
    )
    for posting in grams[:FUZZY_TRIGRAMS]:
        for index in posting:
            counts[index] = counts.get(index, 0) + 1
    if not counts:
        return []
    candidates = [
        catalogue.texts[i] for i in heapq.nlargest(FUZZY_CANDIDATES, counts, key=counts.__getitem__)
    ]
    whole = [text for text in candidates if not text.is_prefix]
    best: dict[int, float] = {}
    for scorer in (fuzz.ratio, fuzz.token_sort_ratio):
        for _, score, index in process.extract(
            norm, [t.norm for t in whole], scorer=scorer, score_cutoff=FUZZY_CUTOFF, limit=None
        ):
            best[index] = max(best.get(index, 0.0), score)
    scored = [(score, whole[index]) for index, score in best.items()]
    for text in candidates:
        if text.is_prefix:
            score = fuzz.ratio(" ".join(words[: len(text.words)]), text.norm, score_cutoff=FUZZY_CUTOFF)
            if score >= FUZZY_CUTOFF:
                scored.append((score, text))
    matches = []
    for score, text in sorted(scored, key=lambda pair: -pair[0])[:MAX_SAME_MESSAGE]:
        confidence = round(0.5 + (score - FUZZY_CUTOFF) / (100 - FUZZY_CUTOFF) * 0.3, 3)
        reason = f"message is close to the documented '{text.pattern}' (typo-tolerant score {score:.0f})"
        matches.extend(
            MessageMatch(form.entry, "fuzzy", confidence, reason)
            for form in _limit(catalogue, text.forms, frozenset())
        )
    return matches


def found(matches) -> list[tuple]:
    return [(m.entry.key, m.how, m.score, m.reason) for m in matches]


def messages() -> list[str]:
    """Texts to search: the corpus's short pastes and lines, with typos made in them."""
    rng = random.Random(11)
    texts: list[str] = []
    for case in CASES:
        for line in case["text"].splitlines():
            line = line.strip()
            if 4 <= len(line) <= 120:
                texts.append(line)
                for _ in range(2):
                    i = rng.randrange(len(line))
                    texts.append(line[:i] + line[i + 1 :])
                    texts.append(line[:i] + rng.choice("aeioust ") + line[i:])
    return texts


def test_fuzzy_matches_the_reference(catalogue):
    assert catalogue.fuzzy_screen is not None  # the real catalogue is small: it is screened
    checked = hits = 0
    for text in messages():
        norm = normalize(text)
        words = norm.split()
        expected = found(reference_fuzzy(catalogue, norm, words))
        assert found(_fuzzy(catalogue, norm, words)) == expected, text
        checked += 1
        hits += bool(expected)
    assert checked > 1000 and hits > 50


@pytest.fixture(scope="module")
def unscreened(snapshot) -> Catalogue:
    catalogue = Catalogue.from_snapshot(snapshot)
    catalogue.fuzzy_screen = None
    return catalogue


def test_screen_changes_no_message_match(catalogue, unscreened):
    for text in messages()[::3]:
        with_screen = [(m.entry.key, m.score, m.reason) for m in match_message(catalogue, text)]
        without = [(m.entry.key, m.score, m.reason) for m in match_message(unscreened, text)]
        assert with_screen == without, text


def test_screen_changes_no_diagnosis(catalogue, unscreened):
    rng = random.Random(5)
    for case in CASES:
        variants = [case["text"]]
        if len(case["text"]) > 3:
            i = rng.randrange(len(case["text"]))
            variants.append(case["text"][:i] + case["text"][i + 1 :])
        for text in variants:
            kwargs = {"provider": case.get("provider"), "http_status": case.get("http_status")}
            assert (
                diagnose(text, catalogue, **kwargs).to_dict()
                == diagnose(text, unscreened, **kwargs).to_dict()
            ), case["id"]


def test_large_catalogue_is_not_screened(snapshot):
    big = copy.deepcopy(snapshot)
    template = next(e for e in big["entries"] if e.get("message"))
    for number in range(300):
        entry = dict(template)
        entry["code"] = f"X{number}"
        entry["message"] = f"Synthetic message number {number} went wrong"
        entry["title"] = entry["message"]
        entry["match_forms"] = []
        big["entries"].append(entry)
    catalogue = Catalogue.from_snapshot(big)
    assert catalogue.fuzzy_screen is None
    norm = "synthetic mesage number 17 went wrong"
    got = _fuzzy(catalogue, norm, norm.split())
    assert found(got) == found(reference_fuzzy(catalogue, norm, norm.split()))
    assert got and got[0].entry.code == "X17"


def lead_texts() -> list[str]:
    """Corpus texts, tricky phrases, and random strings made of the patterns' words and separators."""
    texts = [case["text"].lower() for case in CASES]
    texts += [
        "xerror code 1234",
        "status error code 12",
        "exit error 77",
        "error code 12; error-code 13 error_code=14 errno 15 err#16 code: 17",
        "http status 404 xhttp 500 /http 502 http http 503",
        "status: 429, http_code=502 xstatus: 400 status_code => 401",
        "retry-after: 30\ndate: mon, 01 jan 2026\nx-ratelimit-reset: 1700000000 xdate: 1",
        'code=6010 message="payment does not exist" request_id=abc detail: x errorcode: 7',
    ]
    rng = random.Random(17)
    vocabulary = [
        "error", "err", "errno", "code", "error code", "error_code", "status", "status code",
        "http", "http ", "http_code", "date", "retry-after", "x-ratelimit-reset", "message",
        "msg", "request_id", "exit ", "status ", "x", "-", "_", ".", "/", " ", "\t", ":", "=",
        "=>", "#", '"', "'", "\\", "6010", "429", "12", "7", "ms", "\n", "no.", "number",
    ]  # fmt: skip
    for _ in range(3000):
        texts.append("".join(rng.choice(vocabulary) for _ in range(rng.randrange(1, 14))))
    return texts


def test_lead_finditer_finds_what_finditer_finds(catalogue):
    from errorkb.diagnosis.extract import finditer

    scanners = catalogue.scanners
    patterns = [pattern for _, _, pattern, _ in scanners.status]
    patterns += [scanners.kv, scanners.code_phrase, scanners.rate_limit]
    led = [pattern for pattern in patterns if id(pattern) in scanners.leads]
    assert len(led) == 5
    for text in lead_texts():
        for pattern in led:
            for start, end in ((0, len(text)), (1, max(1, len(text) - 1))):
                expected = [(m.span(), m.groups()) for m in pattern.finditer(text, start, end)]
                got = [(m.span(), m.groups()) for m in finditer(scanners, pattern, text, start, end)]
                assert got == expected, (pattern.pattern[:40], text)
