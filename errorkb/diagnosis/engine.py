"""diagnose(): redact, extract evidence, decide, and say why.

How it decides, per error found in the paste:
- the most specific evidence wins: a numbered code beats a message, a documented
  message beats an HTTP-status entry, and an HTTP-status entry is the answer only
  when nothing more specific is there;
- evidence that agrees (code and message, the documented status, the provider's
  envelope or host) raises confidence; evidence that disagrees lowers it and the
  reasons say so;
- two entries that remain equally plausible are both shown, flagged ambiguous,
  and neither is stood behind (both below 0.5).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from .catalogue import Catalogue, Category, Entry, Form
from .extract import (
    LARGE_PASTE,
    MAX_UNITS,
    CodeEvidence,
    Extraction,
    MessageEvidence,
    PhraseEvidence,
    Unit,
    extract,
    find_windows,
    number_lines,
)
from .matching import match_message
from .redact import Redacted
from .result import (
    CONFIDENT,
    MAX_SHOWN_TEXT,
    Advice,
    Diagnosis,
    FoundError,
    Match,
    build_advice,
    parse_details,
    shown_text,
)
from .text import ascii_lower, clip, normalize

MAX_PASTE: Final = 2_000_000  # characters analysed; the web and API layers cap pastes at 1 MB before this
MAX_MATCHES: Final = 5
AMBIGUITY_MARGIN: Final = 0.05

# A code in a body's code field is near certain; 'error 7002' inside a longer line is not,
# until something else says whose error it is (MySQL's "ERROR 2002 (HY000)" is not 123hub's 2002).
CODE_BASE: Final = {"envelope": 0.9, "key": 0.8, "phrase": 0.45, "bare": 0.72}
PHRASE_CODE_WITH_PROVIDER: Final = 0.15
MESSAGE_ADJUST: Final = {"envelope": 0.0, "key": -0.03, "field": -0.04, "paste": -0.03}
KIND_ORDER: Final = {"code": 0, "message": 1, "http_status": 2}


class ProviderUnknown(ValueError):
    """The provider hint names no provider of the catalogue."""

    def __init__(self, hint: str, slugs: tuple[str, ...]) -> None:
        self.hint = hint
        self.slugs = slugs
        super().__init__(f"Unknown provider {hint!r}; valid providers: {', '.join(slugs) or '(none)'}.")


# The classes built for every paste write out their __init__ (init=False): see compiled.py.


@dataclass(slots=True, init=False)
class _Candidate:
    entry: Entry
    code_score: float
    message_score: float
    other_score: float
    reasons: list[str]
    params: dict
    adjust: float
    factor: float
    cap: float

    def __init__(self, entry: Entry) -> None:
        self.entry = entry
        self.code_score = 0.0
        self.message_score = 0.0
        self.other_score = 0.0
        self.reasons = []
        self.params = {}
        self.adjust = 0.0
        self.factor = 1.0
        self.cap = 1.0

    @property
    def score(self) -> float:
        base = max(self.code_score, self.message_score, self.other_score)
        if self.code_score and self.message_score:
            base = max(self.code_score, self.message_score) + 0.06
        value = min((base + self.adjust) * self.factor, self.cap)
        return max(0.01, min(0.99, value))

    def reason(self, text: str) -> None:
        if text not in self.reasons:
            self.reasons.append(text)


@dataclass(slots=True, init=False)
class _UnitResult:
    unit: Unit
    matches: list[Match]
    ambiguous: bool
    category: Category | None
    unlisted_code: str | None
    provider: str | None
    status: int | None
    context: dict

    def __init__(
        self,
        unit: Unit,
        matches: list[Match],
        ambiguous: bool,
        category: Category | None,
        unlisted_code: str | None,
        provider: str | None,
        status: int | None,
        context: dict,
    ) -> None:
        self.unit = unit
        self.matches = matches
        self.ambiguous = ambiguous
        self.category = category
        self.unlisted_code = unlisted_code
        self.provider = provider
        self.status = status
        self.context = context


def diagnose(
    text: object,
    catalogue: Catalogue,
    provider: object = None,
    http_status: object = None,
) -> Diagnosis:
    """Diagnose a pasted error against the catalogue. Never raises on any text.

    `text` is meant to be a str (bytes are decoded, None is empty, anything else is str()'d),
    `provider` a slug or name, `http_status` an int or its digits (anything else is ignored):
    the parameters say `object` because that is what the engine accepts (a compiled build
    checks annotations at run time)."""
    hint = None
    if provider is not None and str(provider).strip():
        hint = catalogue.resolve_provider(str(provider))
        if hint is None:
            raise ProviderUnknown(str(provider), catalogue.provider_slugs)
    allowed = frozenset((hint,)) if hint else None
    status_hint = _status_hint(http_status) if http_status is not None else None
    text = _as_text(text)[:MAX_PASTE]

    # Redact first; only redacted text is analysed. A huge paste is redacted where it is
    # read: the part shown back, and the windows around the lines that may hold an error.
    redactor = catalogue.redactor
    if len(text) <= LARGE_PASTE:
        shown = redactor.redact(text)
        pieces = [(0, shown)]
        cut_short = False
    else:
        windows, cut_short = find_windows(ascii_lower(text), catalogue)
        shown = redactor.redact(text[: _line_end(text, MAX_SHOWN_TEXT)])
        pieces = [(start, redactor.redact(text[start:end])) for start, end in windows]
    extraction = _extract(text, pieces, catalogue)
    if cut_short:
        extraction.truncated = True
    if len(pieces) == 1 and pieces[0][1] is shown:
        redactions, key_providers = shown.redactions, shown.providers
    else:
        redactions = tuple(dict.fromkeys(r for _, piece in [(0, shown), *pieces] for r in piece.redactions))
        key_providers = frozenset().union(shown.providers, *(piece.providers for _, piece in pieces))

    paste_providers: dict[str, str] = {}
    for _, host, slugs in extraction.hosts:
        for slug in slugs:
            paste_providers.setdefault(slug, f"the host {host} is {catalogue.providers[slug].name}'s")
    for slug in sorted(key_providers) if key_providers else ():
        paste_providers.setdefault(slug, f"the paste carries a {catalogue.providers[slug].name} key")
    for slug in extraction.named:
        paste_providers.setdefault(slug, f"the text names {catalogue.providers[slug].name}")
    if hint:
        paste_providers = {hint: f"the provider hint says {catalogue.providers[hint].name}"}

    # The messages' readings, by evidence: the fallback below decides over the same evidence
    # objects again, and is spared a second run of the message cascade (fuzzy search included).
    readings: dict = {}
    results = [
        _decide(u, catalogue, allowed, status_hint, paste_providers, extraction, readings)
        for u in extraction.units
    ]
    for result in results:
        if result.matches or result.category:
            break
    else:
        if not _fallback_adds_nothing(results, extraction):
            results = _fallback(text, catalogue, allowed, status_hint, paste_providers, extraction, results, readings)
    top = _pick_top(results)

    matches = tuple(top.matches[:MAX_MATCHES]) if top else ()
    highlights = _highlights(shown, results)
    errors = tuple(
        [
            FoundError(
                offset=r.unit.start,
                line=r.unit.line,
                provider=r.provider,
                http_status=r.status,
                category=r.category,
                matches=tuple(r.matches[:3]),
                ambiguous=r.ambiguous,
                context=r.context,
            )
            for r in results
            if r.matches or r.category
        ]
    )
    context = dict(top.context) if top else {}
    advice = build_advice(
        matches[0] if matches else None,
        context,
        top.category if top else None,
        top.unlisted_code if top else None,
        catalogue.provider_names,
    )
    if extraction.truncated:
        advice = Advice(
            advice.retry,
            advice.strategy,
            advice.retry_after_seconds,
            advice.summary,
            (*advice.steps, "The paste holds more errors than are analysed; only the first ones are listed."),
        )
    context.pop("date", None)
    for error in errors:
        error.context.pop("date", None)
    return Diagnosis(
        provider=top.provider if top else hint,
        http_status=top.status if top else status_hint,
        category=top.category if top else None,
        matches=matches,
        ambiguous=top.ambiguous if top else False,
        context=context,
        advice=advice,
        redactions=redactions,
        redacted_text=shown_text(shown.text, len(shown.text) if len(text) <= LARGE_PASTE else len(text)),
        highlights=highlights,
        errors=errors,
        summary=_summary(results),
    )


# --- deciding one error ------------------------------------------------------------------------


def _decide(
    unit: Unit,
    catalogue: Catalogue,
    allowed: frozenset[str] | None,
    status_hint: int | None,
    paste_providers: dict[str, str],
    extraction: Extraction,
    readings: dict | None = None,
) -> _UnitResult:
    """`readings`: match_message's answers by (evidence, preferred providers), kept for one paste."""
    candidates: dict[tuple[str, str], _Candidate] = {}

    def candidate(entry: Entry) -> _Candidate:
        found = candidates.get(entry.key)
        if found is None:
            found = candidates[entry.key] = _Candidate(entry)
        return found

    providers = dict(paste_providers)
    if not allowed:
        for slug, reason in unit.provider_reasons.items():
            providers[slug] = reason

    # Codes.
    unlisted: list[tuple[str, Category | None, str]] = []
    strong_codes: set[tuple[str, str]] = set()
    for evidence in unit.codes:
        entries = [
            e for e in catalogue.codes.get(evidence.value, ()) if allowed is None or e.provider in allowed
        ]
        if evidence.providers:
            entries = [e for e in entries if e.provider in evidence.providers]
        base = CODE_BASE[evidence.source]
        if entries:
            for entry in entries:
                chosen = candidate(entry)
                score = base
                if evidence.source == "phrase" and entry.provider in providers:
                    score = base + PHRASE_CODE_WITH_PROVIDER
                chosen.code_score = max(chosen.code_score, score)
                if evidence.source == "bare":
                    chosen.reason(
                        f"the paste is the code {evidence.value}: {entry.provider_name} code {entry.code}"
                    )
                elif evidence.source == "phrase":
                    chosen.reason(f"{evidence.label} names {entry.provider_name} code {entry.code}")
                else:
                    chosen.reason(f"{evidence.label} is {entry.provider_name} code {entry.code}")
                if evidence.source in ("envelope", "key"):
                    strong_codes.add(entry.key)
            continue
        # The first fitting provider names the code's category: taken in the catalogue's order.
        slugs = (
            catalogue.in_order(evidence.providers)
            if evidence.providers
            else catalogue.providers_with_code_shape(evidence.value)
        )
        for slug in slugs:
            if allowed is not None and slug not in allowed:
                continue
            if not evidence.providers and evidence.source == "key" and slug not in providers:
                # A bare `code` key in an unknown body names no provider's category by itself.
                continue
            number = int(evidence.value)
            unlisted.append((slug, catalogue.category_for_code(slug, number), evidence.value))

    # Messages, field errors, documented phrases found in free text.
    preferred = frozenset(providers)
    code_messages = {candidates[k].entry.norm: candidates[k] for k in strong_codes} if strong_codes else None
    # With one strong code, a message written exactly as documented normalizes to its norm
    # (normalize() ignores the spaces strip() removes): a dict lookup then spares the regex.
    single_code = None
    if code_messages is not None and len(strong_codes) == 1:
        (only,) = code_messages.values()
        single_code = {only.entry.message: only}
    for message_evidence in unit.messages:
        if code_messages and message_evidence.source == "envelope":
            # The body's code already names an entry; its message confirming it is all we need.
            stripped = message_evidence.text.strip()
            agreeing = single_code.get(stripped) if single_code else None
            if agreeing is None:
                agreeing = code_messages.get(normalize(message_evidence.text))
            if agreeing is not None:
                exact = stripped == agreeing.entry.message
                agreeing.message_score = max(agreeing.message_score, 0.92 if exact else 0.9)
                agreeing.reason(
                    "message matches exactly"
                    if exact
                    else "message matches once case and punctuation are ignored"
                )
                continue
        fuzzy = message_evidence.source != "field"
        prefer = preferred
        if message_evidence.providers and len(message_evidence.providers) <= 50:
            prefer = preferred | message_evidence.providers  # (no new set when the evidence names none)
        others = 0
        # (The evidence objects live as long as the paste's diagnosis: their ids stay theirs.)
        reading_key = (id(message_evidence), prefer)
        hits = readings.get(reading_key) if readings is not None else None
        if hits is None:
            hits = match_message(catalogue, message_evidence.text, allowed, fuzzy=fuzzy, prefer=prefer)
            if readings is not None:
                readings[reading_key] = hits
        for hit in hits:
            if strong_codes and hit.entry.key not in candidates:
                # The code has spoken; a few other readings of the message are enough to show.
                others += 1
                if others > 2:
                    continue
            chosen = candidate(hit.entry)
            score = hit.score + MESSAGE_ADJUST[message_evidence.source]
            reason = hit.reason
            if message_evidence.source == "field":
                reason = f"{message_evidence.label}: {reason}"
            chosen.reason(reason)
            if message_evidence.providers and hit.entry.provider not in message_evidence.providers:
                # The message sits where another provider's envelope puts messages.
                score *= 0.7
                chosen.reason(
                    f"but it sits at {message_evidence.label}, which is not where {hit.entry.provider_name} puts its messages"
                )
            if score > chosen.message_score:
                chosen.message_score = score
                if hit.params:
                    chosen.params = dict(hit.params)
    for phrase in unit.phrases:
        entry = phrase.entry
        if allowed is not None and entry.provider not in allowed:
            continue
        chosen = candidate(entry)
        # Inside a log line: a longer documented phrase is more telling than a two-word one.
        form = phrase.form
        words = len(form.words) if phrase.how == "contained" and isinstance(form, Form) else 4
        score = 0.66 + 0.03 * min(words, 4)
        if score > chosen.message_score:
            chosen.message_score = score
            if phrase.params:
                chosen.params = dict(phrase.params)
        chosen.reason(phrase.reason)

    # A numbered code beats a message: entries only the message points to are capped below it.
    if strong_codes:
        message_only = [c for c in candidates.values() if c.message_score and not c.code_score]
        if message_only:
            best_code = max(candidates[k].code_score for k in strong_codes)
            code_titles = ", ".join(f"{candidates[k].entry.code}" for k in sorted(strong_codes))
            for chosen in message_only:
                chosen.cap = min(chosen.cap, CONFIDENT - 0.05, best_code - 0.25)
                chosen.reason(f"but the code ({code_titles}) points to another entry")
            for key in strong_codes:
                code_candidate = candidates[key]
                if not code_candidate.message_score:
                    code_candidate.adjust -= 0.04
                    other = max(message_only, key=lambda c: c.message_score).entry
                    code_candidate.reason(
                        f"the message reads like {other.provider_name} '{other.title}' instead, not this code's documented message"
                    )
    if unlisted:
        unlisted_providers = {slug for slug, _, _ in unlisted}
        for chosen in candidates.values():
            if chosen.entry.provider in unlisted_providers and not chosen.code_score:
                chosen.cap = min(chosen.cap, 0.45)
                chosen.reason(f"but the code {unlisted[0][2]} is not this entry's code")

    status = unit.status if unit.status is not None else status_hint
    status_reason = (
        unit.status_label if unit.status is not None else ("the HTTP status hint" if status_hint else "")
    )

    # HTTP-status entries: the answer only when nothing more specific is there.
    if status is not None:
        identified = set(providers) | {
            c.entry.provider for c in candidates.values() if c.code_score or c.message_score >= 0.7
        }
        specific = [c for c in candidates.values()]
        best_specific = max((c.score for c in specific), default=0.0)
        # The status entries of the providers that can be chosen, looked up by provider (a
        # large catalogue has hundreds with a 400): those the paste points at if it points
        # at any, else those the evidence identified, else every provider's. (`providers` is
        # within `identified`: an entry of one is known.) In no particular order: the final
        # ranking orders the matches by score, kind, provider and code.
        by_provider = catalogue.status_entries.get(status, {})
        pointed = providers if providers else identified if specific else None
        status_slugs: Iterable[str] = (
            by_provider if pointed is None else [s for s in pointed if s in by_provider]
        )
        status_entries = [
            entry for slug in status_slugs if allowed is None or slug in allowed for entry in by_provider[slug]
        ]
        for entry in status_entries:
            known = entry.provider in identified
            chosen = candidate(entry)
            if not specific:
                chosen.other_score = 0.62 if known else 0.35
            else:
                chosen.other_score = max(0.1, min(0.45, best_specific - 0.25))
            chosen.reason(f"HTTP {status} is {entry.provider_name}'s documented status '{entry.title}'")
            if known and entry.provider in providers:
                chosen.reason(providers[entry.provider])
            elif not known:
                chosen.reason(f"nothing else in the paste says it is {entry.provider_name}'s")
        if not specific:
            for slug in providers:
                documented = catalogue.documented_by_status.get((slug, status), ())
                if len(documented) == 1:
                    entry = documented[0]
                    chosen = candidate(entry)
                    chosen.other_score = max(chosen.other_score, 0.45)
                    chosen.reason(
                        f"{entry.code} is the only {entry.provider_name} error documented with HTTP {status}"
                    )

    # Field errors alone, where a provider's envelope puts them, are that provider's
    # validation error (the entry its rules name) when nothing more specific matched.
    # Alone they are a guess (the shape is common); the status or the provider settles it.
    owner = None
    if unit.field_errors and not any(c.score >= CONFIDENT for c in candidates.values()):
        owners = sorted(s for s in unit.field_error_providers if allowed is None or s in allowed)
        owner = catalogue.providers[owners[0]] if len(owners) == 1 else None
        validation_entry = catalogue.by_key.get((owner.slug, owner.field_errors_entry)) if owner else None
        if owner is not None and validation_entry is not None:
            chosen = candidate(validation_entry)
            # The field errors do say whose it is: drop the status section's doubt.
            chosen.reasons = [r for r in chosen.reasons if not r.startswith("nothing else in the paste")]
            fields = ", ".join(list(unit.field_errors)[:3])
            chosen.reason(f"the body lists field errors ({fields}) the way {owner.name}'s validation errors do")
            score = 0.45
            if status is not None and status == validation_entry.http_status:
                score += 0.2
                chosen.reason(f"HTTP {status} is the status of that entry")
            if owner.slug in providers:
                score += 0.15
                chosen.reason(providers[owner.slug])
            chosen.other_score = max(chosen.other_score, score)

    # Agreement and contradiction: the HTTP status, and who the paste is from.
    for chosen in candidates.values():
        entry = chosen.entry
        if entry.kind != "http_status" and status is not None and entry.http_status is not None:
            entry_provider = catalogue.providers[entry.provider]
            is_documented = entry.http_status_basis == "documented"
            if status == entry.http_status:
                chosen.adjust += 0.04 if is_documented else 0.02
                chosen.reason(
                    f"HTTP {status} agrees with the documented status"
                    if is_documented
                    else f"HTTP {status} agrees with the status expected for it"
                )
            elif not entry_provider.status_reliable:
                chosen.reason(
                    f"HTTP {status} differs from the usual {entry.http_status}, but {entry_provider.name} often sends errors with other statuses"
                )
            else:
                chosen.adjust -= 0.06 if is_documented else 0.03
                chosen.reason(
                    f"HTTP {status} contradicts the documented status {entry.http_status}"
                    if is_documented
                    else f"HTTP {status} differs from the status expected for it ({entry.http_status})"
                )
        if providers and entry.kind != "http_status":
            if entry.provider in providers:
                chosen.adjust += 0.03
                chosen.reason(providers[entry.provider])
            else:
                other_slug = next(iter(providers))
                chosen.factor *= 0.8
                chosen.reason(
                    f"but the paste looks like {catalogue.providers[other_slug].name}'s ({providers[other_slug]})"
                )

    scored = [(c.score, c) for c in candidates.values()]
    if len(scored) > 1:
        scored.sort(
            key=lambda pair: (
                -pair[0],
                KIND_ORDER.get(pair[1].entry.kind, 3),
                pair[1].entry.provider,
                pair[1].entry.code,
            )
        )
    ambiguous = False
    if len(scored) >= 2 and scored[0][1].entry.kind != "http_status":
        (first_score, _), (second_score, second) = scored[0], scored[1]
        if (
            second.entry.kind != "http_status"
            and first_score - second_score < AMBIGUITY_MARGIN
            and second_score >= 0.35
        ):
            ambiguous = True
            tied = [
                c
                for score, c in scored
                if first_score - score < AMBIGUITY_MARGIN and c.entry.kind != "http_status"
            ]
            names = ", ".join(f"{c.entry.provider_name} {c.entry.code}" for c in tied)
            for chosen in tied:
                chosen.cap = min(chosen.cap, CONFIDENT - 0.01)
                chosen.reason(f"ambiguous: the paste fits {names} equally well")
            scored = [(c.score, c) for _, c in scored]
    matches = [
        Match(c.entry, round(score, 2), tuple(c.reasons), c.params) for score, c in scored[:MAX_MATCHES]
    ]

    category = None
    unlisted_code = None
    if matches and matches[0].confident:
        category = matches[0].entry.category
    elif unlisted:
        slug, category, unlisted_code = next(
            ((s, c, v) for s, c, v in unlisted if c is not None), unlisted[0]
        )
        if category is None:
            unlisted_code = None
    elif matches:
        category = matches[0].entry.category

    if matches and matches[0].confident:
        provider = matches[0].entry.provider
    elif unlisted:
        provider = unlisted[0][0]
    elif unit.provider_reasons:
        provider = next(iter(unit.provider_reasons))
    elif owner is not None:
        provider = owner.slug
    elif len(providers) == 1:
        provider = next(iter(providers))
    else:
        provider = None

    context = _context(unit, extraction, status, status_reason)
    return _UnitResult(unit, matches, ambiguous, category, unlisted_code, provider, status, context)


_PLAIN_NUMBERS: Final = frozenset((int, float, bool))


def _context(unit: Unit, extraction: Extraction, status: int | None, status_reason: str) -> dict:
    context: dict = {}
    for key, value in unit.context.items():
        if value is None:
            continue
        cls = value.__class__
        if cls is str or cls is dict or cls is list:
            if not value:
                continue  # "", {} or []
        elif cls not in _PLAIN_NUMBERS and (value == "" or value == {} or value == []):
            continue  # (numbers equal none of those: the comparisons are spared for them)
        context[key] = parse_details(value) if key == "details" else value
    if unit.field_errors:
        context["field_errors"] = unit.field_errors
    if unit.rate_limit:
        context["rate_limit"] = dict(unit.rate_limit)
    if unit.codes:
        context["error_code"] = unit.codes[0].value
    if unit.messages:
        context["error_message"] = clip(unit.messages[0].text.strip(), 500)
    if extraction.hosts:
        hosts = [host for _, host, slugs in extraction.hosts if slugs] or [
            host for _, host, _ in extraction.hosts
        ]
        context["host"] = hosts[0]
    if unit.date:
        context["date"] = unit.date  # used for Retry timing, dropped before returning
    return context


def _fallback(
    text: str,
    catalogue: Catalogue,
    allowed: frozenset[str] | None,
    status_hint: int | None,
    paste_providers: dict[str, str],
    extraction: Extraction,
    results: list[_UnitResult],
    readings: dict,
) -> list[_UnitResult]:
    """Nothing specific anywhere: the status line and headers are all there is to go on."""
    fallback = _status_only_unit(extraction, len(text))
    for result in results:
        fallback.absorb(result.unit)
    return [_decide(fallback, catalogue, allowed, status_hint, paste_providers, extraction, readings)]


def _fallback_adds_nothing(results: list[_UnitResult], extraction: Extraction) -> bool:
    """Whether the fallback would decide exactly what the one unit's decision already says.

    It would hold the same evidence (it absorbs the unit's codes, messages, phrases, field
    errors, context and providers) and, with no status line, header or date in the paste and
    none in the unit, the same status (none), rate limit and date: _decide reads nothing else
    of a unit. Its answer, like the first, has no match and no category, and its unit's place
    (the one thing that differs) is read only for a match or a category. So it is not made.
    """
    if len(results) != 1 or extraction.statuses or extraction.rate_limit or extraction.dates:
        return False
    unit = results[0].unit
    return unit.status is None and not unit.rate_limit and unit.date is None


def _status_only_unit(extraction: Extraction, length: int) -> Unit:
    """A paste with no error body or message: its status line and headers are all there is."""
    unit = Unit(0, length, "status")
    if extraction.statuses:
        _, unit.status, unit.status_label = extraction.statuses[-1]
    for _, name, value in extraction.rate_limit:
        unit.rate_limit.setdefault(name, value)
    if extraction.dates:
        unit.date = extraction.dates[0][1]
    unit.line = 1
    return unit


def _pick_top(results: list[_UnitResult]) -> _UnitResult | None:
    """The error to headline: the surest; among equals, the most frequent, then the first."""
    if len(results) <= 1:
        return results[0] if results else None
    counts: dict[tuple[str, str], int] = {}
    for result in results:
        if result.matches:
            key = result.matches[0].entry.key
            counts[key] = counts.get(key, 0) + 1

    def rank(result: _UnitResult):
        if not result.matches:
            return (0, 1 if result.category else 0, 0, -result.unit.start)
        top = result.matches[0]
        return (1 if top.confident else 0.5, counts[top.entry.key], top.confidence, -result.unit.start)

    return max(results, key=rank)


def _summary(results: list[_UnitResult]) -> tuple[dict, ...]:
    """The errors grouped by entry, most frequent first."""
    if len(results) == 1 and results[0].matches and results[0].matches[0].confident:
        entry = results[0].matches[0].entry
        return ({"provider": entry.provider, "code": entry.code, "title": entry.title, "count": 1},)
    groups: dict[tuple, dict] = {}
    for result in results:
        if result.matches and result.matches[0].confident:
            entry = result.matches[0].entry
            key = (entry.provider, entry.code)
            title = entry.title
        elif result.unlisted_code and result.category:
            key = (result.category.provider, result.unlisted_code)
            title = f"Not in the catalogue ({result.category.name})"
        else:
            continue
        group = groups.setdefault(
            key, {"provider": key[0], "code": key[1], "title": title, "count": 0, "_first": result.unit.start}
        )
        group["count"] += 1
    ordered = sorted(groups.values(), key=lambda g: (-g["count"], g["_first"]))
    return tuple({k: v for k, v in g.items() if k != "_first"} for g in ordered)


def _highlights(shown: Redacted, results: list[_UnitResult]) -> tuple[tuple[int, int], ...]:
    """Where the matched code and message sit in the shown (redacted) text, for the page to mark.

    Evidence positions are kept in the paste's own coordinates; they are moved into the
    redacted text here, and only those inside what is shown are returned.
    """
    text = shown.text
    limit = min(len(text), MAX_SHOWN_TEXT)
    spans: set[tuple[int, int]] = set()
    lowered = None
    # Nothing was cut out (most pastes): positions in the paste are positions in the shown text.
    moved = bool(shown.cuts)

    def place(start: int, end: int) -> None:
        if moved:
            start, end = shown.to_redacted(start), shown.to_redacted(end)
        if start < limit and end > start:
            spans.add((start, min(end, limit)))

    for result in results:
        if not result.matches or result.matches[0].confidence < CONFIDENT:
            continue
        entry = result.matches[0].entry
        unit = result.unit
        if moved:
            unit_start, unit_end = shown.to_redacted(unit.start), shown.to_redacted(unit.end)
        else:
            unit_start, unit_end = unit.start, unit.end
        if unit_start >= limit:
            continue
        for evidence in unit.codes:
            if evidence.value != entry.code:
                continue
            if evidence.span:
                place(*evidence.span)
            else:
                at = _find_number(text, evidence.value, unit_start, min(unit_end, limit))
                if at >= 0:
                    spans.add((at, at + len(evidence.value)))
        for message_evidence in unit.messages:
            if message_evidence.span:
                place(*message_evidence.span)
                continue
            needle = message_evidence.text.strip()
            if not needle or len(needle) > 500:
                continue
            at = text.find(needle, unit_start, min(unit_end, limit))
            if at < 0:
                if lowered is None:
                    lowered = text[:limit].lower()
                at = lowered.find(needle.lower(), unit_start, min(unit_end, limit))
            if at >= 0:
                spans.add((at, at + len(needle)))
        for phrase in unit.phrases:
            if phrase.span and phrase.entry is entry:
                place(*phrase.span)
    return tuple(sorted(spans))[:200]


def _extract(text: str, pieces: list[tuple[int, Redacted]], catalogue: Catalogue) -> Extraction:
    """Extract each redacted piece, and give every position back in the paste's own coordinates."""
    if len(pieces) == 1 and pieces[0][0] == 0 and not pieces[0][1].cuts:
        piece = pieces[0][1]  # nothing was cut: positions are the paste's
        extraction = extract(piece.text, catalogue, piece.lowered)
        return extraction
    merged = Extraction([], [], [], [], [], ())
    named: dict[str, None] = {}
    for offset, piece in pieces:
        found = extract(piece.text, catalogue)

        def original(position: int, piece=piece, offset=offset) -> int:
            return offset + piece.to_original(position)

        for unit in found.units:
            unit.start, unit.end = original(unit.start), original(unit.end)
            spanned: tuple[CodeEvidence | MessageEvidence | PhraseEvidence, ...] = (
                *unit.codes,
                *unit.messages,
                *unit.phrases,
            )
            for evidence in spanned:
                if evidence.span:
                    evidence.span = (original(evidence.span[0]), original(evidence.span[1]))
        merged.units += found.units
        merged.statuses += [(original(o), status, label) for o, status, label in found.statuses]
        merged.hosts += [(original(o), host, slugs) for o, host, slugs in found.hosts]
        merged.rate_limit += [(original(o), name, value) for o, name, value in found.rate_limit]
        merged.dates += [(original(o), value) for o, value in found.dates]
        named.update(dict.fromkeys(found.named))
        merged.truncated = merged.truncated or found.truncated
        if len(merged.units) >= MAX_UNITS:
            merged.truncated = True
            break
    merged.named = tuple(named)
    number_lines(text, merged.units)
    return merged


def _line_end(text: str, position: int) -> int:
    """Where to cut the shown part: the end of the line holding `position`, or 2,000 further.

    Cutting inside a secret is safe: the redactor cuts a value at the end of the text too.
    """
    end = text.find("\n", position, position + 2_000)
    return position + 2_000 if end < 0 else end


def _find_number(text: str, number: str, start: int, end: int) -> int:
    """Where `number` stands alone (not inside a longer number) in text[start:end]; -1 if nowhere."""
    at = text.find(number, start, end)
    while at >= 0:
        before = text[at - 1] if at > 0 else ""
        after = text[at + len(number)] if at + len(number) < len(text) else ""
        if not before.isdigit() and not after.isdigit():
            return at
        at = text.find(number, at + 1, end)
    return -1


# --- input hygiene ------------------------------------------------------------------------------


def _as_text(value) -> str:
    # A str first, as it nearly always is: compiled, `bytes | bytearray` builds a union
    # type on every call.
    if not isinstance(value, str):
        if value is None:
            return ""
        if isinstance(value, (bytes, bytearray)):
            return bytes(value).decode("utf-8", "replace")
        value = str(value)
    if value.isascii():
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        # Lone surrogates (bytes decoded with surrogateescape): make the text printable and JSON-safe.
        value = value.encode("utf-8", "replace").decode("utf-8")
    return value


def _status_hint(value) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 100 <= number <= 599 else None
