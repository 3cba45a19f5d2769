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

import bisect
import heapq
import re
from collections import Counter
from dataclasses import dataclass
from typing import Final

from rapidfuzz import fuzz, process

from .catalogue import Catalogue, Entry, Form, MessageText, Template, word_trigrams
from .jsonish import cut_truncation
from .text import STOPWORDS, WORD_RE, clip, normalize

FUZZY_CUTOFF: Final = 84.0
FUZZY_CANDIDATES: Final = 24
FUZZY_TRIGRAMS: Final = 16
MAX_FUZZY_POSTING: Final = 300
MAX_FRAGMENT_CANDIDATES: Final = 500
MAX_FRAGMENT_TEXTS: Final = 8  # a fragment found in more documented messages than this identifies none
MAX_SAME_MESSAGE: Final = 12  # entries returned for one message documented by many providers
MAX_MESSAGE: Final = 2_000

BASE: Final = {
    "exact": 0.92,
    "alias": 0.9,
    "normalized": 0.9,
    "template": 0.9,
    "prefix": 0.86,
    "contained": 0.8,
    "truncated": 0.78,
    "start": 0.72,
}

_NUMBER_RE: Final = re.compile(r"[-+]?\d{1,3}(?:[,\s_']\d{3})+(?:\.\d+)?|[-+]?\d+(?:\.\d+)?")
_NUMBER_SEPARATORS_RE: Final = re.compile(r"[,\s_']")


@dataclass(slots=True, init=False)
class MessageMatch:
    """(Its __init__ written out, as built for every paste: see compiled.py.)"""

    entry: Entry
    how: str  # exact | alias | normalized | template | prefix | contained | truncated | start | fragment | fuzzy
    score: float
    reason: str
    params: dict
    span: tuple[int, int] | None  # in the matched text, when known
    form: Form | Template | None  # the Form or Template that matched, when one did

    def __init__(
        self,
        entry: Entry,
        how: str,
        score: float,
        reason: str,
        params: dict | None = None,
        span: tuple[int, int] | None = None,
        form: Form | Template | None = None,
    ) -> None:
        self.entry = entry
        self.how = how
        self.score = score
        self.reason = reason
        self.params = {} if params is None else params
        self.span = span
        self.form = form


def match_message(
    catalogue: Catalogue,
    text: str,
    allowed: frozenset[str] | None = None,
    fuzzy: bool = True,
    prefer: frozenset[str] = frozenset(),
) -> list[MessageMatch]:
    """The entries the message `text` may be, best first.

    When many providers document the same message, at most MAX_SAME_MESSAGE of them are
    returned, those in `prefer` (the providers the paste points to) first.
    """
    clean, cut = cut_truncation(text.strip())
    clean = clean.strip(" \t\r\n\"'`").rstrip("…").strip()
    if clean.endswith("..."):
        clean, cut = clean[:-3].rstrip(), True
    if not clean:
        return []
    if len(clean) > MAX_MESSAGE:
        return _best_first(contained_matches(catalogue, clean, allowed, prefer=prefer), prefer)

    found = _keep(_exact(catalogue, clean, prefer), allowed)
    if found:
        return _best_first(found, prefer)
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
            for f in _limit(catalogue, catalogue.normal.get(norm, ()), prefer)
        ],
        allowed,
    )
    if found:
        return _best_first(found, prefer)

    words = norm.split()
    # The templates are searched once: contained_matches reads the same matches as contained.
    templates = template_matches(catalogue, clean, words, whole=True, prefer=prefer)
    found = _keep(templates[:], allowed)  # (a copy: `found` grows below, `templates` is read again)
    found += _keep(_prefixes(catalogue, words, prefer), allowed)
    found += _keep(
        contained_matches(
            catalogue, clean, allowed, words=words, prefer=prefer, templates=templates, words_are_its_own=True
        ),
        allowed,
    )
    found += _keep(_parts(catalogue, norm, words, cut, prefer), allowed)
    if found:
        return _best_first(found, prefer)
    if fuzzy:
        return _best_first(_keep(_fuzzy(catalogue, norm, words, prefer), allowed), prefer)
    return []


def _exact(catalogue: Catalogue, clean: str, prefer: frozenset[str]) -> list[MessageMatch]:
    matches = []
    for form in _limit(catalogue, catalogue.exact.get(clean, ()), prefer):
        if form.type == "alias":
            matches.append(
                MessageMatch(form.entry, "alias", BASE["alias"], "message matches a documented alias exactly")
            )
        else:
            matches.append(MessageMatch(form.entry, "exact", BASE["exact"], "message matches exactly"))
    return matches


def _prefixes(catalogue: Catalogue, words: list[str], prefer: frozenset[str]) -> list[MessageMatch]:
    """A text starting with a documented prefix ('This credential is no longer active')."""
    if not words or words[0] not in catalogue.prefix_first_words:
        return []  # every documented prefix starts with one of those words
    for size in range(min(len(words), catalogue.prefix_max_words), 0, -1):
        forms = _limit(catalogue, catalogue.prefixes.get(" ".join(words[:size]), ()), prefer)
        if forms:
            return [
                MessageMatch(
                    f.entry,
                    "prefix",
                    BASE["prefix"],
                    f"message starts with the documented prefix '{f.pattern}'",
                )
                for f in forms
            ]
    return []


def template_matches(
    catalogue: Catalogue, text: str, words, whole: bool, prefer: frozenset[str] = frozenset()
) -> list[MessageMatch]:
    """Documented templates ('Amount must be between {min} and {max}') found in `text`."""
    if not catalogue.templates_by_anchor or catalogue.templates_by_anchor.keys().isdisjoint(words):
        return []  # a template is tried only when its first anchor word is in the text
    lowered = text.lower()
    same_length = len(lowered) == len(text)
    matches = []
    # The words once each, in the order they come: the templates are then tried in an order
    # that does not follow the hash seed (a set's order of strings does).
    wordset = dict.fromkeys(words)
    for template in _template_candidates(catalogue, wordset):
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
        reason = f"message matches the documented template '{template.pattern}'" + (
            f" ({shown})" if shown else ""
        )
        for entry in _limit(catalogue, template.entries, prefer):
            matches.append(
                MessageMatch(
                    entry,
                    "template" if full else "contained",
                    BASE["template"] if full else BASE["contained"],
                    reason,
                    dict(params),
                    (found.start(), found.end()) if same_length else None,
                    template,
                )
            )
    return matches


def _template_candidates(catalogue: Catalogue, wordset: dict[str, None]):
    """Templates whose two anchor words are both in the text (`wordset`: its words, in order)."""
    anchors = catalogue.templates_by_anchor
    for first in wordset:
        inner = anchors.get(first)
        if inner is None:
            continue
        yield from inner.get("", ())
        if len(inner) < len(wordset):
            for second, group in inner.items():
                if second and second in wordset:
                    yield from group
        else:
            for second in wordset:
                if second != first:
                    yield from inner.get(second, ())


def normalize_number(value: str) -> str | None:
    """'20,000.00' -> '20000'; '1 000' -> '1000'; None when `value` is not a number."""
    value = value.strip()
    if not _NUMBER_RE.fullmatch(value):
        return None
    digits = _NUMBER_SEPARATORS_RE.sub("", value)
    if "." in digits:
        digits = digits.rstrip("0").rstrip(".")
    return digits


def scan_phrases(catalogue: Catalogue, words: list[str]) -> list[tuple[int, int, tuple[Form, ...]]]:
    """(start word, length, forms) of documented phrases inside `words`, longest at each place.

    A dictionary lookup per candidate window: the first word says which lengths to try.
    """
    lengths, phrases = catalogue.phrase_lengths, catalogue.phrases
    hits: list[tuple[int, int, tuple[Form, ...]]] = []
    if lengths.keys().isdisjoint(words):
        return hits  # no word starts a documented phrase
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
    catalogue: Catalogue,
    text: str,
    allowed: frozenset[str] | None,
    words: list[str] | None = None,
    prefer: frozenset[str] = frozenset(),
    templates: list[MessageMatch] | None = None,
    words_are_its_own: bool = False,
) -> list[MessageMatch]:
    """Documented messages inside a longer text ('Order 55 failed: Insufficient balance, top up').

    `words_are_its_own`: `words` is normalize(text).split(), which is always the text's own
    words as WORD_RE finds them in text.lower() (normalize turns every run of what WORD_RE
    does not match into one space), so they need no counting again.
    """
    lowered = text.lower()
    spans = None  # word positions, found only when a phrase is (the words given are the text's)
    if words is None or (not words_are_its_own and len(words) != len(WORD_RE.findall(lowered))):
        spans = [(m.start(), m.end()) for m in WORD_RE.finditer(lowered)]
        words = [text[s:e].lower() for s, e in spans]
        templates = None  # found with other words: searched again below
    matches = []
    for start, size, forms in scan_phrases(catalogue, words):
        if size == len(words):
            continue  # the whole text: the normalized lookup has answered it already
        if spans is None:
            spans = [(m.start(), m.end()) for m in WORD_RE.finditer(lowered)]
        span = (spans[start][0], spans[start + size - 1][1])
        score = contained_score(size, len(words))
        for form in _limit(catalogue, forms, prefer):
            if allowed is not None and form.entry.provider not in allowed:
                continue
            what = "documented prefix" if form.type == "prefix" else "documented message"
            matches.append(
                MessageMatch(
                    form.entry,
                    "contained",
                    score,
                    f"the {what} '{form.pattern}' appears in the message",
                    {},
                    span,
                    form,
                )
            )
    if len(words) > 2:
        if templates is not None:
            # The caller's search of this text, with these words (as a whole message): each
            # match read again as one contained in the message, as a search for that would give.
            inside = [
                MessageMatch(m.entry, "contained", BASE["contained"], m.reason, dict(m.params), m.span, m.form)
                for m in templates
            ]
        else:
            inside = template_matches(catalogue, text, words, whole=False, prefer=prefer)
        for match in inside:
            if allowed is None or match.entry.provider in allowed:
                template = match.form
                if match.how == "contained" and isinstance(template, Template):
                    match.score = contained_score(template.literal_words + len(template.names), len(words))
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


def _parts(
    catalogue: Catalogue, norm: str, words: list[str], cut: bool, prefer: frozenset[str] = frozenset()
) -> list[MessageMatch]:
    """The text is the start of a documented message (cut short) or a fragment of one."""
    meaningful = [w for w in words if w not in STOPWORDS]
    if not meaningful or len(words) > 12:
        return []
    if len(words) == 1 and (len(words[0]) < 5 or not words[0].isalpha()):
        return []
    # Text cut short by a client may end in half a word ('this act'): look it up without it.
    whole_words = words[:-1] if cut and len(words) > 2 else words
    postings = []
    # In the order the words come (not a set's, which follows the hash seed): among postings
    # of one length, the first is the one walked.
    for word in dict.fromkeys(whole_words):
        posting = catalogue.postings.get(word)
        if posting is None:
            return []  # a word no message has (or one too common to index): not a fragment of any
        postings.append(posting)
    rarest = min(postings, key=len)
    if len(rarest) > MAX_FRAGMENT_CANDIDATES:
        return []
    wanted = set(whole_words)
    texts = catalogue.texts
    candidates = [texts[i] for i in rarest if wanted <= texts[i].word_set]
    if len(candidates) > (3 if len(words) == 1 else MAX_FRAGMENT_TEXTS):
        return []  # words shared by many messages ('error', 'not found') say nothing
    matches: list[MessageMatch] = []
    for text in candidates:
        if text.is_prefix or len(text.words) < len(words) or text.norm == norm:
            continue
        coverage = len(words) / len(text.words)
        if len(words) >= 2 and (text.norm.startswith(norm + " ") or (cut and text.norm.startswith(norm))):
            how = "truncated" if cut else "start"
            score = BASE[how] + 0.02 * coverage
            reason = (
                f"the message was cut short; what remains starts '{text.pattern}'"
                if cut
                else f"the text is the start of the documented message '{text.pattern}'"
            )
        elif _is_subsequence(words, text.words):
            # Two meaningful words are a guess; three or more start to identify a message.
            score = 0.42 if len(words) == 1 else 0.4 + 0.05 * min(len(meaningful), 5) + 0.02 * coverage
            how, reason = (
                "fragment",
                f"the words appear, in order, in the documented message '{text.pattern}'",
            )
        else:
            continue
        matches.extend(
            MessageMatch(form.entry, how, score, reason) for form in _limit(catalogue, text.forms, prefer)
        )
    return matches


def _is_subsequence(needle: list[str], haystack: tuple[str, ...]) -> bool:
    position = 0
    for word in haystack:
        if position < len(needle) and needle[position] == word:
            position += 1
    return position == len(needle)


def _fuzzy(
    catalogue: Catalogue, norm: str, words: list[str], prefer: frozenset[str] = frozenset()
) -> list[MessageMatch]:
    """Typo-tolerant: rapidfuzz ratios over the candidates that share a word or a rare trigram."""
    if len(norm) < 6 or len(norm) > catalogue.longest_message * 1.5 + 10 or len(words) > 16:
        return []
    if STOPWORDS.issuperset(words):
        return []  # stopwords only
    screen = catalogue.fuzzy_screen
    # token_sort_ratio is ratio() over the words sorted: the query is sorted once here, and the
    # catalogue's texts were sorted when it was built (three times cheaper than token_sort_ratio).
    # (`words` is norm.split(), what sort_words(norm) would split again.)
    sorted_norm = " ".join(sorted(words))
    if screen is not None and not _may_pass(
        screen, norm, words, catalogue.fuzzy_screen_sorted, sorted_norm, catalogue.fuzzy_screen_chars
    ):
        return []
    # Counted in one C call (Counter over the indexes in the order they are met): ties among
    # the candidates are broken by the order an index is first seen in, as before.
    postings = catalogue.postings
    met: list[int] = []
    # Words in the order they come (dict.fromkeys, not set(): a set's order of strings follows
    # the hash seed, and so would the tie-breaking below).
    for word in dict.fromkeys(words):
        posting = postings.get(word)
        if posting and len(posting) <= MAX_FUZZY_POSTING:
            met += posting
            met += posting  # a shared word counts twice
    # The rarest trigrams say the most: a typo leaves most of a word's trigrams intact.
    trigram_postings = catalogue.trigram_postings
    grams = sorted(
        (p for g in word_trigrams(words) if (p := trigram_postings.get(g)) and len(p) <= MAX_FUZZY_POSTING),
        key=len,
    )
    for posting in grams[:FUZZY_TRIGRAMS]:
        met += posting
    if not met:
        return []
    counts = Counter(met)
    # heapq.nlargest(n, ...) is documented to equal sorted(..., reverse=True)[:n]; a small one is sorted.
    ranked = (
        sorted(counts, key=counts.__getitem__, reverse=True)[:FUZZY_CANDIDATES]
        if len(counts) <= 4 * FUZZY_CANDIDATES
        else heapq.nlargest(FUZZY_CANDIDATES, counts, key=counts.__getitem__)
    )
    # One pass over the ranked candidates: the prefix texts apart, and of the others only
    # those of a length that can reach the cutoff (neither ratio can when the lengths differ
    # too much: see _length_window; token_sort_ratio compares the same single-spaced words
    # re-ordered, so the same lengths). Both keep the candidates' order.
    texts = catalogue.texts
    low, high = _window(len(norm))
    near: list[MessageText] = []
    prefixed: list[MessageText] = []
    for i in ranked:
        text = texts[i]
        if text.is_prefix:
            prefixed.append(text)
        elif low <= len(text.norm) <= high:
            near.append(text)
    best: dict[int, float] = {}  # position in `near` -> best score
    if near:
        # One C call per scorer over all of them (rapidfuzz.process), not one Python call per pair:
        # fuzz.ratio, then token_sort_ratio (as the ratio of the words sorted).
        for query, choices in (
            (norm, [text.norm for text in near]),
            (sorted_norm, [text.sorted_norm for text in near]),
        ):
            for _, score, position in process.extract(
                query, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=None
            ):
                best[position] = max(best.get(position, 0.0), score)
    scored: list[tuple[float, MessageText]] = [(score, near[position]) for position, score in best.items()]
    for text in prefixed:
        score = fuzz.ratio(" ".join(words[: len(text.words)]), text.norm, score_cutoff=FUZZY_CUTOFF)
        if score >= FUZZY_CUTOFF:
            scored.append((score, text))
    matches: list[MessageMatch] = []
    for score, text in sorted(scored, key=lambda pair: -pair[0])[:MAX_SAME_MESSAGE]:
        confidence = round(0.5 + (score - FUZZY_CUTOFF) / (100 - FUZZY_CUTOFF) * 0.3, 3)
        reason = f"message is close to the documented '{text.pattern}' (typo-tolerant score {score:.0f})"
        matches.extend(
            MessageMatch(form.entry, "fuzzy", confidence, reason)
            for form in _limit(catalogue, text.forms, prefer)
        )
    return matches


def _window(size: int) -> tuple[int, int]:
    """_length_window(size), read from a table for the usual sizes (it depends on the size alone)."""
    return _WINDOWS[size] if size < len(_WINDOWS) else _length_window(size)


def _length_window(size: int) -> tuple[int, int]:
    """The text lengths whose ratio with a text of `size` characters can reach the cutoff.

    A ratio is at most 200 * shorter / (sum of lengths): that bound rises with the other
    length up to `size` and falls after it, so the lengths that pass it are one interval.
    Its ends are found with the very test a length would face, so the interval holds
    exactly the lengths that pass it (one test per end, not one per candidate).
    """
    def fits(length: int) -> bool:
        return 200.0 * min(size, length) / (size + length) >= FUZZY_CUTOFF - 1e-6

    # (Started from the bound solved for each end; the loops settle the rounding either way.)
    low = max(0, int(size * FUZZY_CUTOFF / (200 - FUZZY_CUTOFF)))
    while low > 0 and fits(low - 1):
        low -= 1
    while low < size and not fits(low):
        low += 1
    high = int(size * (200 - FUZZY_CUTOFF) / FUZZY_CUTOFF)
    while fits(high + 1):
        high += 1
    while high > size and not fits(high):
        high -= 1
    return low, high


_WINDOWS: Final = tuple(_length_window(size) for size in range(1_024))


def _may_pass(
    screen: tuple,
    norm: str,
    words: list[str],
    sorted_norms: tuple[str, ...] | None = None,
    sorted_norm: str = "",
    sorted_chars: tuple[str, ...] | None = None,
) -> bool:
    """Whether any text of a small catalogue reaches the fuzzy cutoff at all (checked in C).

    The candidates _fuzzy scores are some of these texts, scored the same way, so when this
    is False _fuzzy finds nothing. Only texts of a length that can reach the cutoff are
    tried: a ratio is at most 200 * shorter / (sum of lengths).
    """
    lengths, norms, prefixes = screen
    shortest, longest = _window(len(norm))
    low = bisect.bisect_left(lengths, shortest)
    high = bisect.bisect_right(lengths, longest)
    # Texts of one length range, three screens: first a bound on the other two. The ratio is
    # 200 * (longest common subsequence) / (sum of lengths), and the longest common subsequence
    # of two strings is at most the characters they share (counted with repeats): exactly the
    # longest common subsequence of the two strings' characters sorted. The words sorted are
    # the same characters. So when no text's sorted characters reach the cutoff with the query's,
    # neither ratio can: one C call instead of two, for the many messages that are near nothing.
    if low < high and (
        sorted_chars is None
        or process.extractOne(
            "".join(sorted(norm)), sorted_chars[low:high], scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
        )
    ):
        if process.extractOne(norm, norms[low:high], scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF):
            return True
        if sorted_norms is not None:
            # token_sort_ratio, as the ratio of the words sorted (see sort_words).
            found = process.extractOne(
                sorted_norm, sorted_norms[low:high], scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
            )
        else:
            found = process.extractOne(
                norm, norms[low:high], scorer=fuzz.token_sort_ratio, score_cutoff=FUZZY_CUTOFF
            )
        if found is not None:
            return True
    for text in prefixes:
        if (
            fuzz.ratio(" ".join(words[: len(text.words)]), text.norm, score_cutoff=FUZZY_CUTOFF)
            >= FUZZY_CUTOFF
        ):
            return True
    return False


def _keep(matches: list[MessageMatch], allowed: frozenset[str] | None) -> list[MessageMatch]:
    if allowed is None:
        return matches
    return [m for m in matches if m.entry.provider in allowed]


def _limit(catalogue: Catalogue, items: tuple, prefer: frozenset[str]):
    """At most MAX_SAME_MESSAGE of the entries sharing one message: the preferred providers' first.

    Big groups carry a provider index (built with the catalogue), so this costs a lookup per
    preferred provider, not a pass over the hundreds of providers documenting 'Bad Request'.
    """
    if len(items) <= MAX_SAME_MESSAGE:
        return items
    if not prefer:
        return items[:MAX_SAME_MESSAGE]
    by_provider = catalogue.group_index.get(id(items), {})
    present = [slug for slug in prefer if slug in by_provider]
    if len(present) > 1:
        present = catalogue.in_order(present)  # (a set's order follows the hash seed)
    preferred = [item for slug in present for item in by_provider[slug]]
    if not preferred:
        return items[:MAX_SAME_MESSAGE]
    chosen = set(map(id, preferred))
    return (preferred + [item for item in items[: MAX_SAME_MESSAGE * 2] if id(item) not in chosen])[
        :MAX_SAME_MESSAGE
    ]


def _best_first(matches: list[MessageMatch], prefer: frozenset[str] = frozenset()) -> list[MessageMatch]:
    if len(matches) <= 1:
        return list(matches)  # (one match, or none: nothing to choose between or order)
    best: dict[int, MessageMatch] = {}
    for match in matches:
        current = best.get(id(match.entry))
        if current is None or match.score > current.score:
            best[id(match.entry)] = match
    ranked = sorted(best.values(), key=lambda m: (-m.score, m.entry.provider not in prefer))
    return ranked[: MAX_SAME_MESSAGE * 2]
