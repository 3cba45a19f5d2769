"""Matching text against the catalogue's messages, most certain way first.

Order: exact wording, normalized (case, punctuation, spacing), a documented
template with its parameters pulled out, a documented prefix, a documented
message found inside a longer text, a text that is the start or a fragment of a
documented message (cut short by a client, or typed from memory), and last a
typo-tolerant comparison against the few messages that share a word or a
trigram with the text. Each later step runs only when the earlier ones found
nothing, so exact wording always outranks a near miss.
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from .catalogue import Catalogue, Entry, Form, word_trigrams
from .jsonish import cut_truncation
from .text import STOPWORDS, WORD_RE, clip, normalize

FUZZY_CUTOFF = 84.0
FUZZY_CANDIDATES = 40
FUZZY_TRIGRAMS = 24
MAX_FUZZY_POSTING = 1_000
MAX_MESSAGE = 2_000

BASE = {
    "exact": 0.92,
    "alias": 0.9,
    "normalized": 0.9,
    "template": 0.9,
    "prefix": 0.86,
    "contained": 0.8,
    "truncated": 0.78,
    "start": 0.72,
}

_NUMBER_RE = re.compile(r"[-+]?\d{1,3}(?:[,\s_']\d{3})+(?:\.\d+)?|[-+]?\d+(?:\.\d+)?")


@dataclass(slots=True)
class MessageMatch:
    entry: Entry
    how: str  # exact | alias | normalized | template | prefix | contained | truncated | start | fragment | fuzzy
    score: float
    reason: str
    params: dict = field(default_factory=dict)
    span: tuple[int, int] | None = None  # in the matched text, when known
    form: object = None  # the Form or Template that matched, when one did


def match_message(
    catalogue: Catalogue,
    text: str,
    allowed: frozenset[str] | None = None,
    fuzzy: bool = True,
) -> list[MessageMatch]:
    """Every entry the message `text` may be, best first."""
    clean, cut = cut_truncation(text.strip())
    clean = clean.strip(" \t\r\n\"'`").rstrip("…").strip()
    if clean.endswith("..."):
        clean, cut = clean[:-3].rstrip(), True
    if not clean:
        return []
    if len(clean) > MAX_MESSAGE:
        return contained_matches(catalogue, clean, allowed)

    found = _keep(_exact(catalogue, clean), allowed)
    if found:
        return _best_first(found)
    norm = normalize(clean)
    if not norm:
        return []
    found = _keep(
        [
            MessageMatch(
                f.entry,
                "alias" if f.type == "alias" else "normalized",
                BASE["normalized"],
                "message matches a documented alias once case and punctuation are ignored"
                if f.type == "alias"
                else "message matches once case and punctuation are ignored",
            )
            for f in catalogue.normal.get(norm, ())
        ],
        allowed,
    )
    if found:
        return _best_first(found)

    words = norm.split()
    found = _keep(template_matches(catalogue, clean, words, whole=True), allowed)
    found += _keep(_prefixes(catalogue, words), allowed)
    found += _keep(contained_matches(catalogue, clean, allowed, words=words), allowed)
    found += _keep(_parts(catalogue, norm, words, cut), allowed)
    if found:
        return _best_first(found)
    if fuzzy:
        return _best_first(_keep(_fuzzy(catalogue, norm, words), allowed))
    return []


def _exact(catalogue: Catalogue, clean: str) -> list[MessageMatch]:
    matches = []
    for form in catalogue.exact.get(clean, ()):
        if form.type == "alias":
            matches.append(MessageMatch(form.entry, "alias", BASE["alias"], "message matches a documented alias exactly"))
        else:
            matches.append(MessageMatch(form.entry, "exact", BASE["exact"], "message matches exactly"))
    return matches


def _prefixes(catalogue: Catalogue, words: list[str]) -> list[MessageMatch]:
    """A text starting with a documented prefix ('This credential is no longer active')."""
    for size in range(min(len(words), catalogue.prefix_max_words), 0, -1):
        forms = catalogue.prefixes.get(" ".join(words[:size]))
        if forms:
            return [
                MessageMatch(
                    f.entry, "prefix", BASE["prefix"], f"message starts with the documented prefix '{f.pattern}'"
                )
                for f in forms
            ]
    return []


def template_matches(catalogue: Catalogue, text: str, words, whole: bool) -> list[MessageMatch]:
    """Documented templates ('Amount must be between {min} and {max}') found in `text`."""
    if not catalogue.templates_by_anchor:
        return []
    lowered = text.lower()
    same_length = len(lowered) == len(text)
    matches = []
    for word in set(words) & catalogue.templates_by_anchor.keys():
        for template in catalogue.templates_by_anchor[word]:
            found = template.regex.search(lowered)
            if not found:
                continue
            source = text if same_length else lowered
            params = {}
            for group, name in template.names.items():
                value = source[found.start(group) : found.end(group)].rstrip(".,;:!?)")
                params[name] = clip(value, 100)
                normalized = normalize_number(value)
                if normalized is not None and normalized != value:
                    params[f"{name}_normalized"] = normalized
            rest = normalize(lowered[: found.start()] + " " + lowered[found.end() :])
            full = whole and not rest
            shown = ", ".join(f"{k}={v}" for k, v in params.items() if not k.endswith("_normalized"))
            matches.append(
                MessageMatch(
                    template.entry,
                    "template" if full else "contained",
                    BASE["template"] if full else BASE["contained"],
                    f"message matches the documented template '{template.pattern}'" + (f" ({shown})" if shown else ""),
                    params,
                    (found.start(), found.end()) if same_length else None,
                    template,
                )
            )
    return matches


def normalize_number(value: str) -> str | None:
    """'20,000.00' -> '20000'; '1 000' -> '1000'; None when `value` is not a number."""
    value = value.strip()
    if not _NUMBER_RE.fullmatch(value):
        return None
    digits = re.sub(r"[,\s_']", "", value)
    if "." in digits:
        digits = digits.rstrip("0").rstrip(".")
    return digits


def scan_phrases(catalogue: Catalogue, words: list[str]) -> list[tuple[int, int, tuple[Form, ...]]]:
    """(start word, length, forms) of documented phrases inside `words`, longest at each place.

    A dictionary lookup per candidate window: the first word says which lengths to try.
    """
    lengths, phrases = catalogue.phrase_lengths, catalogue.phrases
    hits = []
    index, count = 0, len(words)
    while index < count:
        sizes = lengths.get(words[index])
        step = 1
        if sizes:
            for size in sizes:
                if index + size <= count:
                    forms = phrases.get(" ".join(words[index : index + size]))
                    if forms:
                        hits.append((index, size, forms))
                        step = size
                        break
        index += step
    return hits


def contained_matches(
    catalogue: Catalogue, text: str, allowed: frozenset[str] | None, words: list[str] | None = None
) -> list[MessageMatch]:
    """Documented messages inside a longer text ('Order 55 failed: Insufficient balance, top up')."""
    spans = [(m.start(), m.end()) for m in WORD_RE.finditer(text.lower())]
    words = [text[s:e].lower() for s, e in spans] if words is None or len(words) != len(spans) else words
    matches = []
    for start, size, forms in scan_phrases(catalogue, words):
        if size == len(words):
            continue  # the whole text: the normalized lookup has answered it already
        span = (spans[start][0], spans[start + size - 1][1]) if len(spans) == len(words) else None
        for form in forms:
            if allowed is not None and form.entry.provider not in allowed:
                continue
            what = "documented prefix" if form.type == "prefix" else "documented message"
            matches.append(
                MessageMatch(
                    form.entry,
                    "contained",
                    contained_score(size, len(words)),
                    f"the {what} '{form.pattern}' appears in the message",
                    {},
                    span,
                    form,
                )
            )
    if len(words) > 2:
        for match in template_matches(catalogue, text, words, whole=False):
            if allowed is None or match.entry.provider in allowed:
                if match.how == "contained":
                    match.score = contained_score(match.form.literal_words + len(match.form.names), len(words))
                matches.append(match)
    return matches


def contained_score(phrase_words: int, text_words: int) -> float:
    """A documented message inside a longer message field: the more of the field it is, the surer.

    'Insufficient balance. Required: 500' is RukkyHub's message with a detail added;
    'API rate limit exceeded for 1.2.3.4. (But here's the good news: ...)' is another
    API's message that happens to contain a documented phrase.
    """
    coverage = min(1.0, phrase_words / max(text_words, 1))
    return round(0.4 + 0.4 * coverage, 3)


def _parts(catalogue: Catalogue, norm: str, words: list[str], cut: bool) -> list[MessageMatch]:
    """The text is the start of a documented message (cut short) or a fragment of one."""
    meaningful = [w for w in words if w not in STOPWORDS]
    if not meaningful or len(words) > 12:
        return []
    if len(words) == 1 and (len(words[0]) < 5 or not words[0].isalpha()):
        return []
    candidates: set[int] | None = None
    for word in sorted(set(words), key=lambda w: len(catalogue.postings.get(w, ())) or 10**9):
        posting = catalogue.postings.get(word)
        if posting is None:
            return []  # a word no message has: not a fragment of any
        candidates = set(posting) if candidates is None else candidates & set(posting)
        if not candidates:
            return []
    if len(words) == 1 and len(candidates or ()) > 3:
        return []  # one word shared by many messages ('error') says nothing
    matches = []
    for index in candidates or ():
        form = catalogue.forms[index]
        if form.type == "prefix" or len(form.words) <= len(words):
            continue
        coverage = len(words) / len(form.words)
        if form.norm.startswith(norm + " ") and len(words) >= 2:
            how = "truncated" if cut else "start"
            reason = (
                f"the message was cut short; what remains starts '{form.pattern}'"
                if cut
                else f"the text is the start of the documented message '{form.pattern}'"
            )
            matches.append(MessageMatch(form.entry, how, BASE[how] + 0.02 * coverage, reason))
        elif _is_subsequence(words, form.words):
            # Two meaningful words are a guess; three or more start to identify a message.
            score = 0.4 + 0.05 * min(len(meaningful), 5) + 0.02 * coverage
            if len(words) == 1:
                score = 0.42
            matches.append(
                MessageMatch(form.entry, "fragment", score, f"the words appear, in order, in the documented message '{form.pattern}'")
            )
    return matches


def _is_subsequence(needle: list[str], haystack: tuple[str, ...]) -> bool:
    position = 0
    for word in haystack:
        if position < len(needle) and needle[position] == word:
            position += 1
    return position == len(needle)


def _fuzzy(catalogue: Catalogue, norm: str, words: list[str]) -> list[MessageMatch]:
    """Typo-tolerant: rapidfuzz ratios over the candidates that share a word or a rare trigram."""
    if len(norm) < 6 or len(norm) > catalogue.longest_message * 1.5 + 10 or len(words) > 20:
        return []
    if not any(w not in STOPWORDS for w in words):
        return []
    counts: dict[int, int] = {}
    for word in set(words):
        posting = catalogue.postings.get(word)
        if posting and len(posting) <= MAX_FUZZY_POSTING:
            for index in posting:
                counts[index] = counts.get(index, 0) + 2
    # The rarest trigrams say the most: a typo leaves most of a word's trigrams intact.
    grams = sorted(
        (p for g in word_trigrams(words) if (p := catalogue.trigram_postings.get(g)) and len(p) <= MAX_FUZZY_POSTING),
        key=len,
    )
    for posting in grams[:FUZZY_TRIGRAMS]:
        for index in posting:
            counts[index] = counts.get(index, 0) + 1
    if not counts:
        return []
    candidates = heapq.nlargest(FUZZY_CANDIDATES, counts, key=counts.__getitem__)
    best: dict[int, tuple[float, Form]] = {}
    for index in candidates:
        form = catalogue.forms[index]
        if form.type == "prefix":
            score = fuzz.ratio(" ".join(words[: len(form.words)]), form.norm, score_cutoff=FUZZY_CUTOFF)
        else:
            score = max(
                fuzz.ratio(norm, form.norm, score_cutoff=FUZZY_CUTOFF),
                fuzz.token_sort_ratio(norm, form.norm, score_cutoff=FUZZY_CUTOFF),
            )
        if score >= FUZZY_CUTOFF:
            entry_id = id(form.entry)
            if entry_id not in best or best[entry_id][0] < score:
                best[entry_id] = (score, form)
    return [
        MessageMatch(
            form.entry,
            "fuzzy",
            round(0.5 + (score - FUZZY_CUTOFF) / (100 - FUZZY_CUTOFF) * 0.3, 3),
            f"message is close to the documented '{form.pattern}' (typo-tolerant score {score:.0f})",
        )
        for score, form in best.values()
    ]


def _keep(matches: list[MessageMatch], allowed: frozenset[str] | None) -> list[MessageMatch]:
    if allowed is None:
        return matches
    return [m for m in matches if m.entry.provider in allowed]


def _best_first(matches: list[MessageMatch]) -> list[MessageMatch]:
    best: dict[int, MessageMatch] = {}
    for match in matches:
        current = best.get(id(match.entry))
        if current is None or match.score > current.score:
            best[id(match.entry)] = match
    return sorted(best.values(), key=lambda m: -m.score)
