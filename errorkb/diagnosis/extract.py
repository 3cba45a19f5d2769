"""Turn a (redacted) text into evidence: error bodies, status lines, headers, codes, messages.

The text is cut into *units*, one per error it holds: each body (an object with
an error code, message or field errors, wherever it sits: top level, inside a
log line, inside a JSON string, inside an axios dump, in PHP print_r/var_dump
output) and each free-text line naming a documented message or code. Facts
around them (status lines, rate-limit headers, hosts) are collected once and
given to the unit they precede.

A huge paste is not read whole: `find_windows` finds the lines with a signal (a
documented pair of words, a code after a code key, a 4xx/5xx status line, a
provider's host) and the engine extracts only windows around them. Everything
is bounded: objects per text, tokens per text, strings looked into per object,
nesting depth.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Final

from .catalogue import STATUS_KEYS, Catalogue, Entry, Form, Template
from .jsonish import (
    PRINT_R_START_RE,
    Budget,
    Parsed,
    cut_truncation,
    decode_string,
    dict_nodes,
    get_path,
    parse_at,
    parse_print_r,
    unescape_layer,
)
from .matching import scan_phrases, template_matches
from .text import WORD_RE, ascii_lower, clip, parse_int, trie_pattern

LARGE_PASTE: Final = 64_000  # above this, analyse windows around signals only
WINDOW_BEFORE: Final = 30  # lines kept before a signal (status line, headers)
WINDOW_AFTER: Final = 40  # lines kept after it (a pretty-printed body)
MAX_WINDOWS_CHARS: Final = 400_000
MAX_SIGNALS: Final = 5_000
MAX_UNITS: Final = 200
MAX_OBJECTS: Final = 300
MAX_LINE_SCAN: Final = 20_000  # characters of one line scanned for phrases
MAX_STRING_DEPTH: Final = 3
MAX_STRINGS: Final = 64  # string values of one object looked into for a logged body
MAX_SAME_PHRASE: Final = 12  # entries sharing one documented phrase that are kept as candidates
SHORT_PASTE: Final = 400  # a paste this short with no body is read as a message or a code

_ESCAPED_OBJECT_RE: Final = re.compile(r"\{[ \t]*\\+\"")
_LEAD_WORD_RE: Final = re.compile(r"[\w-]{1,200}")


# The classes built for every paste write out their __init__ (init=False): see compiled.py.


@dataclass(slots=True, init=False)
class CodeEvidence:
    value: str
    source: str  # envelope | key | phrase | bare
    label: str
    providers: frozenset[str]  # the providers whose envelope put it there; empty = any
    span: tuple[int, int] | None

    def __init__(
        self,
        value: str,
        source: str,
        label: str,
        providers: frozenset[str] = frozenset(),
        span: tuple[int, int] | None = None,
    ) -> None:
        self.value = value
        self.source = source
        self.label = label
        self.providers = providers
        self.span = span


@dataclass(slots=True, init=False)
class MessageEvidence:
    text: str
    source: str  # envelope | key | field | paste
    label: str
    providers: frozenset[str]
    span: tuple[int, int] | None

    def __init__(
        self,
        text: str,
        source: str,
        label: str,
        providers: frozenset[str] = frozenset(),
        span: tuple[int, int] | None = None,
    ) -> None:
        self.text = text
        self.source = source
        self.label = label
        self.providers = providers
        self.span = span


@dataclass(slots=True, init=False)
class PhraseEvidence:
    entry: Entry
    form: Form | Template
    how: str  # contained | template
    reason: str
    params: dict
    span: tuple[int, int] | None

    def __init__(
        self,
        entry: Entry,
        form: Form | Template,
        how: str,
        reason: str,
        params: dict,
        span: tuple[int, int] | None,
    ) -> None:
        self.entry = entry
        self.form = form
        self.how = how
        self.reason = reason
        self.params = params
        self.span = span


@dataclass(slots=True, init=False)
class Unit:
    start: int
    end: int
    kind: str  # body | line | paste
    codes: list[CodeEvidence]
    messages: list[MessageEvidence]
    phrases: list[PhraseEvidence]
    field_errors: dict
    context: dict
    provider_reasons: dict[str, str]
    # Providers whose envelope put the field errors where they were found.
    field_error_providers: frozenset[str]
    status: int | None
    status_label: str
    rate_limit: dict
    date: str | None
    line: int

    def __init__(self, start: int, end: int, kind: str) -> None:
        self.start = start
        self.end = end
        self.kind = kind
        self.codes = []
        self.messages = []
        self.phrases = []
        self.field_errors = {}
        self.context = {}
        self.provider_reasons = {}
        self.rate_limit = {}
        self.field_error_providers = frozenset()
        self.status = None
        self.status_label = ""
        self.date = None
        self.line = 0

    @property
    def has_evidence(self) -> bool:
        return bool(self.codes or self.messages or self.phrases or self.field_errors or self.provider_reasons)

    def absorb(self, other: Unit) -> None:
        self.codes += [c for c in other.codes if all(c.value != o.value for o in self.codes)]
        self.messages += [m for m in other.messages if all(m.text != o.text for o in self.messages)]
        self.phrases += other.phrases
        for key, value in other.field_errors.items():
            self.field_errors.setdefault(key, value)
        self.field_error_providers |= other.field_error_providers
        for key, value in other.context.items():
            self.context.setdefault(key, value)
        for key, value in other.provider_reasons.items():
            self.provider_reasons.setdefault(key, value)


@dataclass(slots=True, init=False)
class Extraction:
    units: list[Unit]
    statuses: list[tuple[int, int, str]]  # (offset, status, label)
    hosts: list[tuple[int, str, tuple[str, ...]]]  # (offset, host, providers)
    rate_limit: list[tuple[int, str, str]]
    dates: list[tuple[int, str]]
    named: tuple[str, ...]  # providers the text names ('123hub error 7002')
    truncated: bool  # stopped early: too many errors

    def __init__(
        self,
        units: list[Unit],
        statuses: list[tuple[int, int, str]],
        hosts: list[tuple[int, str, tuple[str, ...]]],
        rate_limit: list[tuple[int, str, str]],
        dates: list[tuple[int, str]],
        named: tuple[str, ...],
        truncated: bool = False,
    ) -> None:
        self.units = units
        self.statuses = statuses
        self.hosts = hosts
        self.rate_limit = rate_limit
        self.dates = dates
        self.named = named
        self.truncated = truncated


# --- scanners, compiled once per catalogue ------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scanners:
    """Regexes built from the catalogue. All but `status_cased` run on ASCII-lowered text.

    Lowering once and matching case-sensitively lets the regex engine skip ahead on
    each pattern's first characters; a case-insensitive alternation would be tried
    at every position of the paste.
    """

    kv: re.Pattern
    code_phrase: re.Pattern
    status: tuple[
        tuple[tuple[str, ...], bool, re.Pattern, str], ...
    ]  # (needles, on lowered text?, regex, label)
    rate_limit: re.Pattern
    # For the patterns above that open with a lookbehind (which stops the regex engine from
    # skipping ahead to its first characters): the words a match starts with, found first.
    leads: dict[int, re.Pattern]  # id(pattern) -> its lead
    rate_limit_names: dict[str, str]
    # The words rate_limit's lead finds, when no two of their occurrences can ever overlap
    # (see _apart): then each one's occurrences, found with str.find, are the lead's hits.
    rate_limit_words: tuple[str, ...] | None
    hosts: tuple[tuple[str, re.Pattern], ...]  # (needle, regex)
    probe: re.Pattern  # finds every needle above in one pass
    signal: re.Pattern | None
    signal_literals: tuple | None  # (literal, check at its position or None for a word boundary)
    bare_code: re.Pattern
    names: re.Pattern | None
    name_to_slug: dict[str, str]
    name_phrases: dict[str, str]
    name_lengths: dict[str, tuple[int, ...]]
    code_keys: frozenset[str]
    message_keys: frozenset[str]
    context_names: dict[str, tuple[str, ...]]  # key as written in a body -> context name


def build_scanners(catalogue: Catalogue) -> Scanners:
    code_keys = frozenset(k.lower() for k in catalogue.code_keys)
    message_keys = frozenset(k.lower() for k in catalogue.message_keys)
    keys = code_keys | message_keys | {k.lower() for k in catalogue.context_keys}
    kv = re.compile(
        rf"""(?<![\w-])(?P<key>{trie_pattern(keys)})\\{{0,3}}["']?\]?[ \t]*(?:=>|:|=)[ \t]*
        (?:(?:int|string|float)\(\d{{0,12}}\)[ \t]*)?(?:
            \\{{1,3}}"(?P<ev>(?:[^"\\\n]|\\(?!\\{{0,2}}"))*)(?:\\{{1,3}}")?
          | "(?P<dv>(?:[^"\\\n]|\\.)*)"?
          | '(?P<sv>(?:[^'\\\n]|\\.)*)'?
          | (?P<nv>-?\d{{1,18}}(?:\.\d+)?)(?![\w.])
          | (?P<bv>[^\s"',;&{{}}\[\]()\\=]+(?:[ \t](?![^\s=:]*[=:])[^\s"',;&{{}}\[\]()\\=:]+){{0,15}})
        )""",
        re.X,
    )
    code_phrase = re.compile(
        r"(?<![\w.-])(?<!status )(?<!exit )(?:error[ _-]code|error|err|errno|code)(?:[ \t]{0,3}(?:\#|no\.?|number))?[ \t]{0,3}[:=#]?[ \t]{0,3}[\"']?"
        r"(?P<code>\d{2,8})(?![\w.:/-]|[ \t]*(?:ms|s|sec|seconds|bytes|%)\b)"
    )
    status_keys = trie_pattern({k.lower() for k in STATUS_KEYS})
    status = (
        (("http/",), False, re.compile(r"HTTP/\d(?:\.\d)?[ \t]+([1-5]\d\d)\b"), "line"),
        (("resulted in a",), True, re.compile(r"resulted in a `?([1-5]\d\d)\b"), "guzzle"),
        (
            ("client error", "server error"),
            True,
            re.compile(r"([1-5]\d\d) (?:client|server) error\b"),
            "requests",
        ),
        (("status",), True, re.compile(r"status code ([1-5]\d\d)\b"), "phrase"),
        (("<response [",), True, re.compile(r"<response \[([1-5]\d\d)\]>"), "response"),
        (
            ("status", "http_code", "httpcode"),
            True,
            re.compile(
                rf"(?<![\w-])(?:{status_keys})\\{{0,3}}[\"']?[ \t]*(?:=>|:|=)[ \t]*(?:int\()?[\"']?([1-5]\d\d)(?![\w.])"
            ),
            "field",
        ),
        (("<title>",), True, re.compile(r"<title>[ \t]*([1-5]\d\d)\b"), "title"),
        (("http ",), True, re.compile(r"(?<![\w/])http (?:status )?([1-5]\d\d)\b"), "http"),
    )
    names: dict[str, str] = {"retry-after": "Retry-After"}
    for provider in catalogue.providers.values():
        for header in provider.rate_limit_headers:
            names.setdefault(header.lower(), header)
    rate_limit = re.compile(
        rf"""(?<![\w-])(?P<name>{trie_pattern(set(names) | {"date"})})\\{{0,3}}["']?[ \t]*(?::|=>|=)[ \t]*\\{{0,3}}["']?(?P<value>[^\r\n"';}}\]\\]{{1,64}})"""
    )
    hosts = (
        ("://", re.compile(r"(?:https?|wss?)://(?:[^/\s@\"'<>]{1,200}@)?([a-z0-9.-]{1,253})")),
        ("host:", re.compile(r"(?m)^[<> \t]*host:[ \t]*([a-z0-9.-]{1,253})")),
        ("connected to", re.compile(r"connected to ([a-z0-9.-]{1,253})")),
    )
    signal = None
    if len(catalogue.signal_pairs) <= 20_000:
        # One pass over a huge paste finds the lines worth reading: a documented pair of words,
        # a code after a code key, a 4xx/5xx status line, a provider's host.
        provider_hosts = {h for p in catalogue.providers.values() for h in p.hosts}
        pairs = trie_pattern({p for p in catalogue.signal_pairs if p}).replace("\\ ", r"[\W_]{1,3}")
        signal = re.compile(
            rf"(?P<pair>{pairs})"
            rf"|(?:{trie_pattern(code_keys)})[\"'\]\\]{{0,4}}[ \t]*(?:=>|:|=)[ \t]*[\"'\\]{{0,4}}\d"
            r"|http/\d(?:\.\d)?[ \t]+[45]\d\d"
            + (rf"|{trie_pattern(provider_hosts)}" if provider_hosts else "")
        )
    signal_literals = None
    if len(catalogue.signal_pairs) <= 300:
        literals: list[tuple[str, re.Pattern | None]] = [
            (p, None) for p in sorted(catalogue.signal_pairs) if p
        ]
        key_check = re.compile(
            rf"(?:{trie_pattern(code_keys)})[\"'\]\\]{{0,4}}[ \t]*(?:=>|:|=)[ \t]*[\"'\\]{{0,4}}\d"
        )
        # 'code' finds 'error_code' too: search the shortest keys only, check the digits after.
        roots = sorted(code_keys, key=len)
        literals += [(key, key_check) for key in roots if not any(o != key and o in key for o in roots)]
        literals.append(("http/", re.compile(r"http/\d(?:\.\d)?[ \t]+[45]\d\d")))
        literals += [
            (host, None) for host in sorted({h for p in catalogue.providers.values() for h in p.hosts})
        ]
        signal_literals = tuple(literals)
    bare_code = re.compile(
        r"(?i)(?:(?:error[ _-]code|error|err|errno|code)[ \t]{0,3}[:=#]?[ \t]{0,3})?[\"'#]?(?P<code>\d{1,12})[\"']?\.?"
    )
    name_to_slug: dict[str, str] = {}
    for provider in catalogue.providers.values():
        for name in (provider.slug, provider.name):
            if len(name) >= 3:
                name_to_slug.setdefault(name.lower(), provider.slug)
    names_re = None
    if 0 < len(name_to_slug) <= 64:
        names_re = re.compile(rf"(?<![^\W_])(?:{trie_pattern(name_to_slug)})(?![^\W_])")
    # Many providers: find their names word by word instead (a regex of a thousand names is slow).
    name_phrases: dict[str, str] = {}
    name_lengths: dict[str, set[int]] = {}
    for name, slug in name_to_slug.items():
        words = WORD_RE.findall(name)
        if words:
            name_phrases.setdefault(" ".join(words), slug)
            name_lengths.setdefault(words[0], set()).add(len(words))
    context_names: dict[str, list[str]] = {}
    for provider in catalogue.providers.values():
        for name, steps in provider.envelope.context:
            names_for_key = context_names.setdefault(steps[-1].lower(), [])
            if name not in names_for_key:
                names_for_key.append(name)
    # Each lead matches wherever its pattern can start, and every text it matches is made of
    # characters the pattern's lookbehind refuses before a match (letters, digits, '_', '-'):
    # so no match can start inside what the lead matched, where its next search resumes.
    # ('error code' holds a space, so code_phrase's lead is 'err' or 'code', not the phrase.)
    by_label = {label: regex for _, _, regex, label in status}
    leads = {id(code_phrase): re.compile(r"err|code"), id(by_label["http"]): re.compile("http ")}
    for pattern, lead_words in (
        (kv, keys),
        (rate_limit, set(names) | {"date"}),
        (by_label["field"], {k.lower() for k in STATUS_KEYS}),
    ):
        if all(_LEAD_WORD_RE.fullmatch(word) for word in lead_words):
            leads[id(pattern)] = re.compile(trie_pattern(lead_words))
    return Scanners(
        kv=kv,
        code_phrase=code_phrase,
        status=status,
        rate_limit=rate_limit,
        leads=leads,
        rate_limit_names=names,
        rate_limit_words=(
            tuple(sorted(set(names) | {"date"}))
            if id(rate_limit) in leads and _apart(set(names) | {"date"})
            else None
        ),
        hosts=hosts,
        probe=re.compile(
            trie_pattern(
                {n for needles, _, _, _ in status for n in needles}
                | {n for n, _ in hosts}
                | set(names)
                | {"date"}
            )
        ),
        signal=signal,
        signal_literals=signal_literals,
        bare_code=bare_code,
        names=names_re,
        name_to_slug=name_to_slug,
        name_phrases=name_phrases,
        name_lengths={k: tuple(sorted(v, reverse=True)) for k, v in name_lengths.items()},
        code_keys=code_keys,
        message_keys=message_keys,
        context_names={k: tuple(v) for k, v in context_names.items()},
    )


def _apart(words) -> bool:
    """Whether no occurrence of one of `words` can overlap an occurrence of another.

    True when no word holds another and no word ends with the start of another. A lead (a
    trie of the words, scanned left to right, resuming after each hit) then finds, for each
    word, its occurrences from the left, each after the end of the one before (one of
    'retry-afteretry-after' only: the two overlap): what str.find finds resuming the same way.
    """
    for a in words:
        for b in words:
            if a == b:
                continue
            if b in a or any(a[-size:] == b[:size] for size in range(1, min(len(a), len(b)))):
                return False
    return True


def matches_at_words(pattern: re.Pattern, text: str, start: int, end: int, words: tuple[str, ...]):
    """finditer() for a pattern whose lead is a trie of `words` (that are _apart): the lead's hits
    found with one str.find per occurrence (in C, at memory speed) instead of a regex pass."""
    positions: list[int] = []
    for word in words:
        at = text.find(word, start, end)
        while at >= 0:
            positions.append(at)
            at = text.find(word, at + len(word), end)
    positions.sort()
    resume = start
    for at in positions:
        if at < resume:
            continue
        match = pattern.match(text, at, end)
        if match is not None:
            yield match
            resume = match.end()


def finditer(
    scanners: Scanners, pattern: re.Pattern, text: str, start: int = 0, end: int | None = None
) -> Iterator[re.Match[str]]:
    """pattern.finditer(text, start, end), the same matches, found faster when it has a lead.

    A pattern opening with a lookbehind is tried at every position; its lead (a trie of the
    words a match starts with) skips ahead in C, and the pattern is tried only where the
    lead is, and never inside a match already given (as finditer resumes after each).
    """
    end = len(text) if end is None else end
    lead = scanners.leads.get(id(pattern))
    if lead is None:
        yield from pattern.finditer(text, start, end)
        return
    resume = start
    for found in lead.finditer(text, start, end):
        at = found.start()
        if at < resume:
            continue
        match = pattern.match(text, at, end)
        if match is not None:
            yield match
            resume = match.end()


# --- the extraction -----------------------------------------------------------------------------


def extract(text: str, catalogue: Catalogue, lowered: str | None = None) -> Extraction:
    """Units and facts of one (redacted) text: a whole paste, or one window of a huge one.

    `lowered`, when given, is ascii_lower(text) already made (by the redactor).
    """
    scanners: Scanners = catalogue.scanners
    budget = Budget(tokens=400_000, attempts=2_000)
    if lowered is None:
        lowered = ascii_lower(text)
    region = _Region(text, catalogue, budget, lowered)
    units = region.analyse(0, len(text), depth=0, whole=True)
    truncated = len(units) > MAX_UNITS
    units = units[:MAX_UNITS]
    statuses: list[tuple[int, int, str]] = []
    hosts: list[tuple[int, str, tuple[str, ...]]] = []
    rate_limit: list[tuple[int, str, str]] = []
    dates: list[tuple[int, str]] = []
    _ambient(text, lowered, 0, len(text), catalogue, statuses, hosts, rate_limit, dates)

    named = named_providers(lowered, scanners)

    units = [u for u in units if u.has_evidence]
    if len(units) > 1:
        units.sort(key=lambda u: u.start)
    number_lines(text, units)
    if len(units) > 1:
        units = _merge_neighbours(text, units)
    if statuses or rate_limit or dates:
        _attach_ambient(units, statuses, rate_limit, dates)
    return Extraction(units, statuses, hosts, rate_limit, dates, tuple(named), truncated)


def find_windows(lowered: str, catalogue: Catalogue) -> tuple[list[tuple[int, int]], bool]:
    """Spans of a huge paste worth reading: lines around signals, merged (`lowered` is the paste lowered).

    A signal is a documented pair of words, a code after a code key, a 4xx/5xx status
    line or a provider's host. With a catalogue of ordinary size each is one literal
    search (str.find runs at memory speed; a regex alternation tries every branch at
    every position); a huge catalogue falls back to one regex.
    """
    scanners: Scanners = catalogue.scanners
    positions: list[int] = []
    if scanners.signal_literals is not None:
        for literal, check in scanners.signal_literals:
            at = lowered.find(literal)
            while at >= 0 and len(positions) < MAX_SIGNALS:
                if check is None:
                    if _word_bounded(lowered, at, at + len(literal)):
                        positions.append(at)
                elif check.match(lowered, at):
                    positions.append(at)
                at = lowered.find(literal, at + len(literal))
    elif scanners.signal is not None:
        for found in scanners.signal.finditer(lowered):
            if found.lastgroup != "pair" or _word_bounded(lowered, found.start(), found.end()):
                positions.append(found.start())
            if len(positions) >= MAX_SIGNALS:
                break
    else:
        return [(0, min(len(lowered), MAX_WINDOWS_CHARS))], len(lowered) > MAX_WINDOWS_CHARS
    windows: list[list[int]] = []
    total = 0
    for position in sorted(set(positions)):
        start, end = position, position
        for _ in range(WINDOW_BEFORE):
            if start <= 0:
                break
            start = lowered.rfind("\n", 0, start - 1) + 1
        for _ in range(WINDOW_AFTER):
            newline = lowered.find("\n", end + 1)
            if newline < 0:
                end = len(lowered)
                break
            end = newline
        # A single enormous line: keep a bounded piece around the signal only.
        start = max(start, position - MAX_LINE_SCAN)
        end = min(end, position + MAX_LINE_SCAN)
        if windows and start <= windows[-1][1]:
            total += max(0, end - windows[-1][1])
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([start, end])
            total += end - start
        if total > MAX_WINDOWS_CHARS:
            return [(s, e) for s, e in windows], True
    return [(s, e) for s, e in windows], len(positions) >= MAX_SIGNALS


def named_providers(lowered: str, scanners: Scanners) -> dict[str, None]:
    """The providers a lowered text names ('123hub error 7002'), in the order it names them."""
    named: dict[str, None] = {}
    if scanners.names is not None:
        for name in scanners.name_to_slug:  # (a plain loop: no generator for any())
            if name in lowered:
                for found in scanners.names.finditer(lowered):
                    named.setdefault(scanners.name_to_slug[found.group()], None)
                break
    elif scanners.name_phrases:
        words = WORD_RE.findall(lowered)
        for index, word in enumerate(words):
            for size in scanners.name_lengths.get(word, ()):
                slug = scanners.name_phrases.get(" ".join(words[index : index + size]))
                if slug is not None:
                    named.setdefault(slug, None)
                    break
    return named


class _Region:
    """Analyses one span of text (or a string found inside a body) into units."""

    def __init__(self, text: str, catalogue: Catalogue, budget: Budget, lowered: str | None = None) -> None:
        self.text = text
        self.lowered = lowered if lowered is not None else ascii_lower(text)
        self.catalogue = catalogue
        self.scanners: Scanners = catalogue.scanners
        self.budget = budget

    def analyse(self, start: int, end: int, depth: int, whole: bool = False) -> list[Unit]:
        text = self.text
        if whole and end - start <= SHORT_PASTE and "{" not in text:
            bare = self._bare_code(start, end)
            if bare is not None:
                return [bare]
        objects = self._objects(start, end)
        units: list[Unit] = []
        for parsed in objects:
            units += self._body_units(parsed, depth)
        position = start
        free: list[Unit] = []
        # A short paste with no body is read as a message below, by the full message cascade
        # (which finds documented phrases and templates inside it too): scan it for codes only.
        short = whole and not objects and end - start <= SHORT_PASTE
        for parsed in objects:
            if parsed.start > position:
                free += self._free_text(position, parsed.start)
            position = max(position, parsed.end)
        if position < end:
            free += self._free_text(position, end, phrases=not short)
        if short:
            free = self._short_paste(start, end, free)
        # Free-text evidence on the line of a body belongs to that body.
        for unit in free:
            owner = None
            for u in units:
                if u.kind == "body" and (
                    u.start <= unit.start < u.end
                    or _same_line(text, u.start, unit.start)
                    or _same_line(text, u.end - 1, unit.start)
                ):
                    owner = u
                    break
            if owner is not None:
                owner.absorb(unit)
            else:
                units.append(unit)
        return units

    # -- bodies --

    def _objects(self, start: int, end: int) -> list[Parsed]:
        text = self.text
        found: list[Parsed] = []
        print_r = []
        if text.find("=>", start, end) >= 0:
            print_r = [m.start() for m in PRINT_R_START_RE.finditer(text, start, end)]
        position = start
        attempts = 0
        while position < end and len(found) < MAX_OBJECTS and attempts < MAX_OBJECTS * 4:
            brace = text.find("{", position, end)
            next_print_r = next((p for p in print_r if p >= position), -1) if print_r else -1
            if next_print_r >= 0 and (brace < 0 or next_print_r < brace):
                dump = parse_print_r(text, next_print_r, end)
                found.append(dump)
                position = max(dump.end, next_print_r + 1)
                continue
            if brace < 0:
                break
            attempts += 1
            escaped = _ESCAPED_OBJECT_RE.match(text, brace, end)
            parsed = self._escaped(brace, end) if escaped else parse_at(text, brace, end, self.budget)
            if parsed is None or not _worth_keeping(parsed):
                position = brace + 1
                continue
            found.append(parsed)
            position = max(parsed.end, brace + 1)
        return found

    def _escaped(self, brace: int, end: int) -> Parsed | None:
        """A body logged inside a JSON string: `{\\"success\\":false,...}` (escaped once or more)."""
        line_end = self.text.find("\n", brace, end)
        line_end = end if line_end < 0 else line_end
        chunk = self.text[brace : min(line_end, brace + 200_000)]
        for _ in range(3):
            if '\\"' not in chunk[:64]:
                break
            chunk = unescape_layer(chunk)
        parsed = parse_at(chunk, 0, len(chunk), self.budget)
        if parsed is None:
            return None
        # The span in the paste: the escaped text is longer than what was read; take the line.
        consumed = min(line_end, brace + max(parsed.end * 2, 2))
        return Parsed(parsed.value, brace, consumed, parsed.truncated, parsed.strict)

    def _body_units(self, parsed: Parsed, depth: int) -> list[Unit]:
        """One unit per error body inside a parsed object (the object itself, or one nested in it)."""
        catalogue = self.catalogue
        envelope_paths = catalogue.envelope_paths
        signatures = catalogue.signatures
        units: list[Unit] = []
        consumed: set[int] = set()
        used_strings: set[int] = set()
        strings: list[str] = []
        spare: Unit | None = None
        for path, node in dict_nodes(parsed.value):
            for value in node.values():
                if value.__class__ is str and len(value) >= 16:
                    strings.append(value)
            if id(node) in consumed:
                continue
            if spare is not None:
                unit, spare = spare, None
            else:
                unit = Unit(parsed.start, parsed.end, "body")
            found = False
            # The providers' own envelope paths, looked up by the keys this node has.
            for key in node:
                for signature, reasons in signatures.get(key, ()):
                    if reasons and signature.issubset(node.keys()):
                        unit.provider_reasons.update(reasons)
                rules = envelope_paths.get(key)
                if rules is None:
                    continue
                first = node[key]
                for path_rule in rules:
                    steps = path_rule.steps
                    if len(steps) == 1:
                        value = first
                    elif len(steps) == 2:
                        value = first.get(steps[1]) if first.__class__ is dict else None
                    else:
                        value = get_path(first, steps[1:])
                    if value is None:
                        continue
                    role = path_rule.role
                    if role == "code":
                        code = _code_value(value)
                        if code is None:
                            continue
                        fitting = None
                        for shape, slugs, shape_reasons in path_rule.code_shapes:
                            if shape is None or shape.fullmatch(code):
                                fitting = slugs if fitting is None else fitting | slugs
                                # A code of a shape few providers use says whose it is.
                                for slug, reason in shape_reasons:
                                    unit.provider_reasons.setdefault(slug, reason)
                        if fitting is None:
                            continue
                        _add_code(unit, CodeEvidence(code, "envelope", f"{path_rule.label} {code}", fitting))
                        found = True
                        if len(steps) == 2:
                            consumed.add(id(first))  # (the dict the value was read from)
                        elif len(steps) > 2:  # (a one-step path passes through no dict)
                            _consume(node, steps, consumed)
                    elif role == "message":
                        if _is_message(value):
                            _add_message(
                                unit, MessageEvidence(value, "envelope", path_rule.label, path_rule.providers)
                            )
                            used_strings.add(id(value))
                            found = True
                            if len(steps) == 2:
                                consumed.add(id(first))
                            elif len(steps) > 2:
                                _consume(node, steps, consumed)
                    elif role == "field_errors":
                        errors = _field_errors(value)
                        if errors:
                            unit.field_errors.update(errors)
                            unit.field_error_providers |= path_rule.providers
                            for field_name, messages in errors.items():
                                for message in messages[:5]:
                                    _add_message(
                                        unit,
                                        MessageEvidence(
                                            message,
                                            "field",
                                            f"{path_rule.label}.{field_name}",
                                            path_rule.providers,
                                        ),
                                    )
                            found = True
                            _consume(node, path_rule.steps, consumed)
                    else:  # context
                        unit.context.setdefault(path_rule.name, _bounded(value))
                        if value.__class__ is str:
                            used_strings.add(id(value))
            # Generic names, for bodies whose provider's rules do not describe them.
            generic_code = not unit.codes
            generic_message = not unit.messages
            if generic_code or generic_message:
                for key, value in node.items():
                    if generic_code and key in catalogue.code_keys:
                        code = _code_value(value)
                        if code is not None:
                            _add_code(unit, CodeEvidence(code, "key", f"{_dotted(path, key)} {code}"))
                            found = True
                    elif (
                        generic_message
                        and key in catalogue.message_keys
                        and _is_message(value)
                        and len(value) <= 2_000
                    ):
                        _add_message(unit, MessageEvidence(value, "key", _dotted(path, key)))
                        used_strings.add(id(value))
                        found = True
            if found or unit.provider_reasons:
                status = _status_in(node)
                if status:
                    unit.status, unit.status_label = status, f"{status} in the dump's status field"
                units.append(unit)
                for key, child in node.items():
                    if child.__class__ is dict and key in envelope_paths:
                        consumed.add(id(child))
            elif not unit.context:
                spare = unit  # it holds nothing: the next node's unit
        # Bodies logged as strings inside this object (a Laravel context, a log field).
        if depth < MAX_STRING_DEPTH:
            for value in strings[:MAX_STRINGS]:
                if id(value) in used_strings or (" " not in value and "{" not in value):
                    continue
                inner = _Region(value, catalogue, self.budget).analyse(0, len(value), depth + 1)
                for unit in inner:
                    unit.start, unit.end = parsed.start, parsed.end
                    for code_evidence in unit.codes:
                        code_evidence.span = None
                    for message_evidence in unit.messages:
                        message_evidence.span = None
                    for phrase in unit.phrases:
                        phrase.span = None
                    units.append(unit)
        if len(units) > 1:
            # A log record's own 'message' beside a provider's body logged inside it is not an error.
            if any(c.source == "envelope" for u in units for c in u.codes) or any(
                m.source == "envelope" for u in units for m in u.messages
            ):
                units = [
                    u
                    for u in units
                    if u.codes or u.phrases or u.field_errors or any(m.source != "key" for m in u.messages)
                ]
            return _dedupe(units)
        return units

    # -- free text --

    def _free_text(self, start: int, end: int, phrases: bool = True) -> list[Unit]:
        """Lines naming a documented message, template or code (outside any body)."""
        text, lowered_text = self.text, self.lowered
        units: list[Unit] = []
        catalogue = self.catalogue
        scanners = self.scanners
        position = start
        unit: Unit | None = None
        while position < end:
            line_end = text.find("\n", position, end)
            line_end = end if line_end < 0 else line_end
            line_start = position
            position = line_end + 1
            if line_end - line_start < 4:
                continue
            scan_end = min(line_end, line_start + MAX_LINE_SCAN)
            lowered = lowered_text[line_start:scan_end]
            if _DUMP_LINE_RE.match(lowered):
                continue  # curl's request/response/info lines and headers: read by _ambient
            line = text[line_start:scan_end]
            # A line that gave nothing leaves its unit empty: it is reused for the next line.
            if unit is None:
                unit = Unit(line_start, line_end, "line")
            else:
                unit.start, unit.end = line_start, line_end
            if phrases:
                self._phrases(unit, line, lowered, line_start)
            if "=" in lowered or ":" in lowered:
                for found in finditer(scanners, scanners.kv, lowered):
                    self._key_value(unit, found, line, line_start)
            # (Every way code_phrase starts holds 'err' or 'code': two substring tests in C spare
            # the scan of most lines.)
            found_codes: Iterable[re.Match[str]]
            if "err" not in lowered and "code" not in lowered:
                found_codes = ()
            else:
                found_codes = finditer(scanners, scanners.code_phrase, lowered)
            for found in found_codes:
                code = found.group("code")
                if any(c.value == code for c in unit.codes) or not _known_shape(catalogue, code):
                    continue
                said = clip(line[found.start() : found.end()].strip(), 40)
                unit.codes.append(
                    CodeEvidence(
                        code,
                        "phrase",
                        f"'{said}' in the text",
                        frozenset(),
                        (line_start + found.start("code"), line_start + found.end("code")),
                    )
                )
            if unit.has_evidence or unit.context:
                units.append(unit)
                unit = None
        return units

    def _phrases(self, unit: Unit, line: str, lowered: str, offset: int) -> None:
        """Documented messages, prefixes and templates inside one line of free text."""
        catalogue = self.catalogue
        words = WORD_RE.findall(lowered)
        if not words:
            return
        hits = scan_phrases(catalogue, words)
        # Word positions are needed only where a documented phrase was found.
        spans = [(m.start(), m.end()) for m in WORD_RE.finditer(lowered)] if hits else ()
        for index, size, forms in hits:
            span = (offset + spans[index][0], offset + spans[index + size - 1][1])
            for form in forms[:MAX_SAME_PHRASE]:
                what = "documented prefix" if form.type == "prefix" else "documented message"
                unit.phrases.append(
                    PhraseEvidence(
                        form.entry,
                        form,
                        "contained",
                        f"the {what} '{form.pattern}' appears in the text",
                        {},
                        span,
                    )
                )
        if catalogue.templates_by_anchor:
            for match in template_matches(catalogue, line, words, whole=False):
                template = match.form
                assert template is not None  # template_matches gives each match its template
                template_span = (offset + match.span[0], offset + match.span[1]) if match.span else None
                unit.phrases.append(
                    PhraseEvidence(
                        match.entry, template, "template", match.reason, match.params, template_span
                    )
                )

    def _key_value(self, unit: Unit, found: re.Match, line: str, offset: int) -> None:
        """`code=6010`, `message: "..."`, `request_id => abc` in free text (`found` ran on the lowered line)."""
        catalogue = self.catalogue
        scanners = self.scanners
        key = found.group("key")
        group = next((g for g in ("ev", "dv", "sv", "nv", "bv") if found.group(g) is not None), None)
        if group is None:
            return
        raw = line[found.start(group) : found.end(group)]
        value = decode_string('"' + raw + '"')[0] if group in ("dv", "ev") and "\\" in raw else raw
        span = (offset + found.start(group), offset + found.end(group))
        label = line[found.start("key") : found.end("key")]
        if key in scanners.code_keys:
            code = value.strip()
            if (
                code.isdigit()
                and len(code) <= 12
                and all(c.value != code for c in unit.codes)
                and _known_shape(catalogue, code)
            ):
                unit.codes.append(CodeEvidence(code, "key", f"{label}={code}", frozenset(), span))
            return
        if key in scanners.message_keys and group != "nv":
            if _is_message(value) and len(value) <= 2_000:
                unit.messages.append(MessageEvidence(value, "key", label, frozenset(), span))
            return
        for name in scanners.context_names.get(key, ()):
            unit.context.setdefault(name, _scalar(value) if group == "nv" else clip(value, 2_000))

    def _bare_code(self, start: int, end: int) -> Unit | None:
        """The whole paste is a code: '6010', 'error 7002', 'code=6010', '#3004'."""
        text = self.text[start:end]
        stripped = text.strip()
        bare = self.scanners.bare_code.fullmatch(stripped) if len(stripped) <= 40 else None
        if bare is None:
            return None
        code = bare.group("code")
        offset = start + text.find(stripped) + bare.start("code")
        unit = Unit(start, end, "paste")
        unit.codes.append(
            CodeEvidence(
                code, "bare", f"the paste is the code {code}", frozenset(), (offset, offset + len(code))
            )
        )
        return unit

    def _short_paste(self, start: int, end: int, free: list[Unit]) -> list[Unit]:
        """A short paste with no body: a message, possibly after a label ('Error: ...').

        Only lines that read like a message are tried (not stack frames or markup), so a
        pasted traceback costs a few lookups, not a typo-tolerant search per line.
        """
        text = self.text[start:end]
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) > 3:
            return free
        units = []
        for line in lines:
            candidate = line.strip()
            if _HEADERISH_RE.match(line) or not _reads_like_message(candidate):
                continue
            line_start = start + text.find(line)
            unit = None
            for other in free:
                if other.start <= line_start < other.end + 1:
                    unit = other
                    break
            if unit is None:
                unit = Unit(line_start, line_start + len(line), "paste")
                units.append(unit)
            offset = line_start + line.find(candidate)
            unit.messages.append(
                MessageEvidence(
                    candidate, "paste", "the pasted text", frozenset(), (offset, offset + len(candidate))
                )
            )
            label, _, rest = candidate.rpartition(": ")
            if label and len(label) <= 60 and len(rest.strip()) >= 4:
                rest_start = offset + len(label) + 2
                unit.messages.append(
                    MessageEvidence(
                        rest,
                        "paste",
                        "the text after its label",
                        frozenset(),
                        (rest_start, rest_start + len(rest)),
                    )
                )
        return free + units


_NOISE_RE: Final = re.compile(r"[^\w ]|_")


def _reads_like_message(line: str) -> bool:
    """Mostly words, not too long: 'Insuficient balence', 'Error: Invalid api key'."""
    if len(line) > 200:
        return False
    noise = len(_NOISE_RE.findall(line))
    return noise <= 0.25 * len(line) and len(line.split()) <= 24


# --- helpers ---------------------------------------------------------------------------------


_PLACEHOLDER_VALUE_RE: Final = re.compile(r"\[(?:Object|Array|Function|Circular|Getter)\b[^\]]*\]|\[REDACTED\]")


def _is_message(value) -> bool:
    """A string that can be an error message (not `[Object]`, not a redaction mark)."""
    if value.__class__ is not str:
        return False
    stripped = value.strip()
    if not stripped:
        return False
    return not (stripped[0] == "[" and _PLACEHOLDER_VALUE_RE.fullmatch(stripped))


def _word_bounded(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not before.isalnum() and not after.isalnum()


def _known_shape(catalogue: Catalogue, code: str) -> bool:
    """A number in free text counts as a code only if some provider lists it or codes look like it."""
    return code in catalogue.codes or bool(catalogue.providers_with_code_shape(code))


# Lines of a dump that hold no message: curl's markers, status lines, headers (lowered text).
_DUMP_LINE_RE: Final = re.compile(
    r"[ \t]*(?:[<>*](?:[ \t]|$)|http/\d|[a-z][a-z0-9]*-[a-z0-9-]*:|(?:host|date|server|connection|vary|via):)"
)
# Lines of a dump that are not messages: curl's markers, status lines, headers, markup.
_HEADERISH_RE: Final = re.compile(
    r"[ \t]*(?:[<>*](?:[ \t]|$)|HTTP/\d|<|[A-Za-z][A-Za-z0-9]*-[A-Za-z0-9-]*:|(?i:host|date|server|connection|vary|via|location):)"
)


def _worth_keeping(parsed: Parsed) -> bool:
    value = parsed.value
    if not isinstance(value, dict) or not value:
        return False
    if parsed.strict:
        return True
    return any(v is not None for v in value.values())


def _code_value(value) -> str | None:
    number = parse_int(value)
    if number is None or number < 0:
        return None
    return str(number)


def _add_code(unit: Unit, evidence: CodeEvidence) -> None:
    for existing in unit.codes:
        if existing.value == evidence.value and existing.source == evidence.source:
            existing.providers = existing.providers | evidence.providers
            return
    unit.codes.append(evidence)


def _add_message(unit: Unit, evidence: MessageEvidence) -> None:
    for existing in unit.messages:
        if existing.text == evidence.text and existing.label == evidence.label:
            existing.providers = existing.providers | evidence.providers
            return
    unit.messages.append(evidence)


def _consume(node: dict, steps: tuple[str, ...], consumed: set[int]) -> None:
    """Mark the dicts along an envelope path, so they are not read again as bodies of their own."""
    current: object = node
    for step in steps[:-1]:
        current = current.get(step) if isinstance(current, dict) else None
        if isinstance(current, dict):
            consumed.add(id(current))
        else:
            return


def _field_errors(value) -> dict[str, list[str]]:
    if not isinstance(value, dict):
        return {}
    errors: dict[str, list[str]] = {}
    for key, messages in list(value.items())[:50]:
        if isinstance(messages, str):
            messages = [messages]
        if isinstance(messages, list):
            texts = [clip(m, 500) for m in messages[:20] if isinstance(m, str) and m.strip()]
            if texts:
                errors[clip(str(key), 100)] = texts
    return errors


_STATUS_KEYS: Final = frozenset(STATUS_KEYS)


def _status_in(node: dict) -> int | None:
    """An HTTP status beside a body (axios's response.status, a log's status field)."""
    if "response" not in node and "res" not in node:
        owners: tuple = (node,)  # (most bodies: no need to look up the other two)
    else:
        owners = (node, node.get("response"), node.get("res"))
    for owner in owners:
        if owner.__class__ is not dict or _STATUS_KEYS.isdisjoint(owner):
            continue  # (one C-level test says most bodies have no status key at all)
        for key, value in owner.items():
            if key in _STATUS_KEYS:
                number = parse_int(value)
                if number is not None and 100 <= number <= 599:
                    return number
    return None


def _dotted(path: tuple, key: str) -> str:
    return clip(".".join(map(str, (*path, key))) if path else key, 200)


def _bounded(value, depth: int = 0):
    """A JSON-able copy of a context value, cut down so a huge one cannot bloat the answer."""
    cls = value.__class__
    if cls is str:
        return clip(value, 2_000)
    if value is None or cls is int or cls is bool or cls is float:
        return value  # (the usual scalars, by exact class; subclasses take the tests below)
    if isinstance(value, str):
        return clip(value, 2_000)
    if isinstance(value, bool) or value is None or isinstance(value, int | float):
        return value
    if depth >= 4:
        return "…"
    if isinstance(value, dict):
        return {clip(str(k), 100): _bounded(v, depth + 1) for k, v in list(value.items())[:50]}
    if isinstance(value, list):
        return [_bounded(v, depth + 1) for v in value[:50]]
    return clip(str(value), 200)


def _scalar(value: str):
    number = parse_int(value)
    if number is not None:
        return number
    try:
        return float(value) if len(value) < 30 else value
    except ValueError:
        return value


def _same_line(text: str, a: int, b: int) -> bool:
    low, high = (a, b) if a <= b else (b, a)
    if high - low > 20_000:
        return False
    return "\n" not in text[low:high]


def _evidence_key(unit: Unit) -> tuple:
    return (
        tuple(sorted({c.value for c in unit.codes})),
        tuple(
            sorted({cut_truncation(m.text.strip().lower())[0] for m in unit.messages if m.source != "key"})
        ),
    )


def _dedupe(units: list[Unit]) -> list[Unit]:
    """One body logged twice in one object (parsed and as a string) is one error."""
    seen: dict[tuple, Unit] = {}
    kept = []
    for unit in units:
        key = (
            tuple(sorted(c.value for c in unit.codes)),
            tuple(sorted(m.text.strip().lower() for m in unit.messages)),
            tuple(sorted(id(p.entry) for p in unit.phrases)),
        )
        if key in seen:
            seen[key].absorb(unit)
            continue
        seen[key] = unit
        kept.append(unit)
    return kept


def number_lines(text: str, units: list[Unit]) -> None:
    line, position = 1, 0
    for unit in units:  # sorted by start
        if unit.start > position:
            line += text.count("\n", position, unit.start)
            position = unit.start
        unit.line = line


def _merge_neighbours(text: str, units: list[Unit]) -> list[Unit]:
    """One error mentioned twice back to back is one error: 'Error: X' on the line before its
    body, or a Laravel entry's message followed by its exception context holding the same body."""
    merged: list[Unit] = []
    for unit in units:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and 0 <= unit.start - previous.end <= 8
            and not text[previous.end : unit.start].strip()
            and _evidence_key(previous) == _evidence_key(unit)
        ):
            previous.absorb(unit)
            previous.end = max(previous.end, unit.end)
            continue
        if (
            previous is not None
            and unit.kind == "body"
            and previous.kind in ("line", "paste")
            and 0 <= unit.line - previous.line <= 2
            and not previous.codes
        ):
            unit.absorb(previous)
            unit.start, unit.line = previous.start, previous.line
            merged[-1] = unit
            continue
        merged.append(unit)
    return merged


def _ambient(
    text: str,
    lowered: str,
    start: int,
    end: int,
    catalogue: Catalogue,
    statuses: list,
    hosts: list,
    rate_limit: list,
    dates: list,
) -> None:
    """Status lines, hosts and rate-limit headers: facts about the response around the errors."""
    scanners: Scanners = catalogue.scanners
    found_needles = set(scanners.probe.findall(lowered, start, end))
    if not found_needles:
        return
    for needles, on_lowered, regex, label in scanners.status:
        if not found_needles.isdisjoint(needles):
            for found in finditer(scanners, regex, lowered if on_lowered else text, start, end):
                status = int(found.group(1))
                statuses.append((found.start(1), status, _STATUS_LABELS[label].format(status)))
    for needle, regex in scanners.hosts:
        if needle in found_needles:
            for found in regex.finditer(lowered, start, end):
                host = found.group(1).strip(".")
                hosts.append((found.start(), host, catalogue.providers_for_host(host)))
    if found_needles.isdisjoint(scanners.rate_limit_names) and "date" not in found_needles:
        return
    if scanners.rate_limit_words is not None:
        found_all = matches_at_words(scanners.rate_limit, lowered, start, end, scanners.rate_limit_words)
    else:
        found_all = finditer(scanners, scanners.rate_limit, lowered, start, end)
    for found in found_all:
        name = found.group("name")
        value = text[found.start("value") : found.end("value")].strip()
        if name == "date":
            dates.append((found.start(), value))
        else:
            value = value.split(",", 1)[0].strip()  # a header value ends at a JSON comma
            rate_limit.append((found.start(), scanners.rate_limit_names.get(name, name), value))


_STATUS_LABELS: Final = {
    "line": "the status line says HTTP {}",
    "guzzle": "the client message says it resulted in a {} response",
    "requests": "the HTTPError says {}",
    "phrase": "the message says status code {}",
    "response": "the response repr says [{}]",
    "field": "a status field says {}",
    "title": "the HTML page title says {}",
    "http": "the text says HTTP {}",
}


def _attach_ambient(units: list[Unit], statuses: list, rate_limit: list, dates: list) -> None:
    """Give each unit the status and headers seen since the previous unit and up to its end."""
    previous_end = 0
    for index, unit in enumerate(units):
        following = units[index + 1].start if index + 1 < len(units) else None
        before = [s for s in statuses if previous_end <= s[0] <= unit.start]
        inside = [s for s in statuses if unit.start < s[0] < unit.end]
        if unit.status is None:
            chosen = before[-1] if before else (inside[0] if inside else None)
            if chosen is None and following is None:
                after = [s for s in statuses if s[0] >= unit.end]
                chosen = after[0] if after else None
            if chosen is not None:
                unit.status, unit.status_label = chosen[1], chosen[2]
        limit = following if following is not None else None
        for offset, name, value in rate_limit:
            if offset >= previous_end and (limit is None or offset < limit):
                unit.rate_limit.setdefault(name, value)
        for offset, value in dates:
            if offset >= previous_end and (limit is None or offset < limit):
                unit.date = unit.date or value
        previous_end = unit.end
