"""Turn a (redacted) paste into evidence: error bodies, status lines, headers, codes, messages.

The paste is cut into *units*, one per error it holds: each body (an object
with an error code, message or field errors, wherever it sits: top level, inside
a log line, inside a JSON string, inside an axios dump) and each free-text line
naming a documented message or code. Facts around them (status lines, rate-limit
headers, hosts) are collected once and given to the unit they precede.

Large pastes are not read whole: lines with a signal (a documented phrase's
rarest word, a code after a code-ish key, a status line, a provider host) are
found with one pass of precompiled regexes, and only windows around them are
analysed. Everything is bounded: objects per paste, tokens per paste, strings
looked into per object, nesting depth.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from .catalogue import STATUS_KEYS, Catalogue, Form, Template
from .jsonish import (
    PRINT_R_START_RE,
    Budget,
    Parsed,
    decode_string,
    get_path,
    iter_nodes,
    iter_strings,
    parse_at,
    parse_print_r,
    unescape_layer,
)
from .matching import scan_phrases, template_matches
from .text import WORD_RE, clip, parse_int, trie_pattern

LARGE_PASTE = 64_000  # above this, analyse windows around signals only
WINDOW_BEFORE = 30  # lines kept before a signal (status line, headers)
WINDOW_AFTER = 40  # lines kept after it (a pretty-printed body)
MAX_WINDOWS_CHARS = 400_000
MAX_UNITS = 200
MAX_OBJECTS = 300
MAX_LINE_SCAN = 20_000  # characters of one line scanned for phrases
MAX_STRING_DEPTH = 3
SHORT_PASTE = 400  # a paste this short with no body is read as a message or a code

_ESCAPED_OBJECT_RE = re.compile(r"\{[ \t]*\\+\"")


@dataclass(slots=True)
class CodeEvidence:
    value: str
    source: str  # envelope | key | phrase | bare
    label: str
    providers: tuple[str, ...] = ()  # the providers whose envelope put it there; () = any
    span: tuple[int, int] | None = None


@dataclass(slots=True)
class MessageEvidence:
    text: str
    source: str  # envelope | key | field | paste
    label: str
    providers: tuple[str, ...] = ()
    span: tuple[int, int] | None = None


@dataclass(slots=True)
class PhraseEvidence:
    form: Form | Template
    how: str  # contained | template
    reason: str
    params: dict
    span: tuple[int, int] | None


@dataclass(slots=True)
class Unit:
    start: int
    end: int
    kind: str  # body | line | paste
    codes: list[CodeEvidence] = field(default_factory=list)
    messages: list[MessageEvidence] = field(default_factory=list)
    phrases: list[PhraseEvidence] = field(default_factory=list)
    field_errors: dict = field(default_factory=dict)
    context: dict = field(default_factory=dict)
    provider_reasons: dict[str, str] = field(default_factory=dict)
    status: int | None = None
    status_label: str = ""
    rate_limit: dict = field(default_factory=dict)
    date: str | None = None
    line: int = 0

    @property
    def has_evidence(self) -> bool:
        return bool(self.codes or self.messages or self.phrases or self.field_errors or self.provider_reasons)

    def absorb(self, other: Unit) -> None:
        self.codes += [c for c in other.codes if all(c.value != o.value for o in self.codes)]
        self.messages += [m for m in other.messages if all(m.text != o.text for o in self.messages)]
        self.phrases += other.phrases
        for key, value in other.field_errors.items():
            self.field_errors.setdefault(key, value)
        for key, value in other.context.items():
            self.context.setdefault(key, value)
        for key, value in other.provider_reasons.items():
            self.provider_reasons.setdefault(key, value)


@dataclass(slots=True)
class Extraction:
    units: list[Unit]
    statuses: list[tuple[int, int, str]]  # (offset, status, label)
    hosts: list[tuple[int, str, tuple[str, ...]]]  # (offset, host, providers)
    rate_limit: list[tuple[int, str, str]]
    dates: list[tuple[int, str]]
    named: tuple[str, ...] = ()  # providers the text names ('123hub error 7002')
    truncated: bool = False  # stopped early: too many errors


# --- scanners, compiled once per catalogue ------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scanners:
    kv: re.Pattern
    code_phrase: re.Pattern
    status: re.Pattern
    rate_limit: re.Pattern
    rate_limit_names: dict[str, str]
    host: re.Pattern
    signal: re.Pattern | None
    bare_code: re.Pattern
    names: re.Pattern | None
    name_to_slug: dict[str, str]
    rate_limit_needles: tuple[str, ...]
    code_keys: frozenset[str]
    message_keys: frozenset[str]
    context_names: dict[str, tuple[str, ...]]  # key as written in a body -> context name


def build_scanners(catalogue: Catalogue) -> Scanners:
    keys = catalogue.code_keys | catalogue.message_keys | catalogue.context_keys
    kv = re.compile(
        rf"""(?i)(?<![\w-])\[?\\{{0,3}}["']?(?P<key>{trie_pattern(keys)})\\{{0,3}}["']?\]?[ \t]*(?:=>|:|=)[ \t]*
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
        r"(?i)(?<![\w.-])(?<!status )(?<!exit )(?:error[ _-]code|error|err|errno|code)(?:[ \t]*(?:\#|no\.?|number))?[ \t]*[:=#]?[ \t]*[\"']?"
        r"(?P<code>\d{2,8})(?![\w.:/-]|[ \t]*(?:ms|s|sec|seconds|bytes|%)\b)"
    )
    status_keys = "|".join(re.escape(k) for k in STATUS_KEYS)
    status = re.compile(
        rf"""(?ix)
          \bHTTP/\d(?:\.\d)?[ \t]+(?P<line>[1-5]\d\d)\b
        | resulted[ \t]in[ \t]a[ \t]`?(?P<guzzle>[1-5]\d\d)\b
        | \b(?P<requests>[1-5]\d\d)[ \t](?:Client|Server)[ \t]Error\b
        | status[ \t]code[ \t](?P<phrase>[1-5]\d\d)\b
        | <Response[ \t]\[(?P<response>[1-5]\d\d)\]>
        | (?<![\w-])\\{{0,3}}["']?(?:{status_keys})\\{{0,3}}["']?[ \t]*(?:=>|:|=)[ \t]*(?:int\()?["']?(?P<field>[1-5]\d\d)(?![\w.])
        | <title>[ \t]*(?P<title>[1-5]\d\d)\b
        | \bHTTP[ \t](?:status[ \t])?(?P<http>[1-5]\d\d)\b
        """
    )
    names: dict[str, str] = {"retry-after": "Retry-After"}
    for provider in catalogue.providers.values():
        for header in provider.rate_limit_headers:
            names.setdefault(header.lower(), header)
    rate_limit = re.compile(
        rf"""(?i)(?<![\w-])\\{{0,3}}["']?(?P<name>{trie_pattern(set(names) | {"date"})})\\{{0,3}}["']?[ \t]*(?::|=>|=)[ \t]*\\{{0,3}}["']?(?P<value>[^\r\n"',;}}\]\\]{{1,64}})"""
    )
    host = re.compile(
        r"(?i)\b(?:https?|wss?)://(?:[^/\s@\"'<>]{1,200}@)?(?P<url>[a-z0-9.-]{1,253})"
        r"|^[<> \t]*host:[ \t]*(?P<header>[a-z0-9.-]{1,253})"
        r"|\bconnected[ \t]to[ \t](?P<curl>[a-z0-9.-]{1,253})",
        re.M,
    )
    signal = None
    if len(catalogue.anchor_words) <= 20_000:
        # One pass over a huge paste finds the lines worth reading.
        hosts = {h for p in catalogue.providers.values() for h in p.hosts}
        signal = re.compile(
            rf"(?i)(?<![^\W_])(?:{trie_pattern(catalogue.anchor_words)})(?![^\W_])"
            rf"|(?<![\w-])(?:{trie_pattern({k.lower() for k in catalogue.code_keys})})[\"'\]\\]{{0,4}}[ \t]*(?:=>|:|=)[ \t]*[\"'\\]{{0,4}}\d"
            r"|\bHTTP/\d"
            + (rf"|{trie_pattern(hosts)}" if hosts else "")
        )
    bare_code = re.compile(
        r"(?i)[ \t]*(?:(?:error[ _-]code|error|err|errno|code)[ \t]*[:=#]?[ \t]*)?[\"'#]?(?P<code>\d{1,12})[\"']?[ \t.]*"
    )
    name_to_slug = {}
    for provider in catalogue.providers.values():
        for name in (provider.slug, provider.name):
            if len(name) >= 3:
                name_to_slug.setdefault(name.lower(), provider.slug)
    names_re = re.compile(rf"(?i)(?<![^\W_])(?:{trie_pattern(name_to_slug)})(?![^\W_])") if name_to_slug else None
    context_names: dict[str, list[str]] = {}
    for provider in catalogue.providers.values():
        for name, steps in provider.envelope.context:
            names_for_key = context_names.setdefault(steps[-1].lower(), [])
            if name not in names_for_key:
                names_for_key.append(name)
    return Scanners(
        kv,
        code_phrase,
        status,
        rate_limit,
        names,
        host,
        signal,
        bare_code,
        names_re,
        name_to_slug,
        tuple(sorted(set(names) | {"date"})),
        frozenset(k.lower() for k in catalogue.code_keys),
        frozenset(k.lower() for k in catalogue.message_keys),
        {k: tuple(v) for k, v in context_names.items()},
    )


# --- the extraction -----------------------------------------------------------------------------


def extract(text: str, catalogue: Catalogue) -> Extraction:
    scanners: Scanners = catalogue.scanners
    budget = Budget(tokens=400_000, attempts=2_000)
    truncated = False
    if len(text) > LARGE_PASTE:
        windows, truncated = _windows(text, scanners)
    else:
        windows = [(0, len(text))]

    units: list[Unit] = []
    statuses, hosts, rate_limit, dates = [], [], [], []
    for start, end in windows:
        region = _Region(text, catalogue, budget)
        units += region.analyse(start, end, depth=0, whole=len(windows) == 1 and start == 0 and end == len(text))
        _ambient(text, start, end, catalogue, statuses, hosts, rate_limit, dates)
        if len(units) >= MAX_UNITS:
            truncated = True
            units = units[:MAX_UNITS]
            break

    named: dict[str, None] = {}
    if scanners.names is not None:
        for start, end in windows:
            if len(scanners.name_to_slug) <= 64:
                lowered = text[start:end].lower()
                if not any(name in lowered for name in scanners.name_to_slug):
                    continue
            for found in scanners.names.finditer(text, start, end):
                named.setdefault(scanners.name_to_slug[found.group().lower()], None)

    units = [u for u in units if u.has_evidence]
    units.sort(key=lambda u: u.start)
    _number_lines(text, units)
    units = _merge_neighbours(units)
    _attach_ambient(units, statuses, rate_limit, dates)
    return Extraction(units, statuses, hosts, rate_limit, dates, tuple(named), truncated)


def _windows(text: str, scanners: Scanners) -> tuple[list[tuple[int, int]], bool]:
    """Spans of lines around signals, merged; the rest of a huge paste is skipped."""
    newlines = [m.start() for m in re.finditer("\n", text)]
    windows: list[list[int]] = []
    total = 0
    if scanners.signal is None:
        return [(0, min(len(text), MAX_WINDOWS_CHARS))], len(text) > MAX_WINDOWS_CHARS
    for found in scanners.signal.finditer(text):
        line = bisect.bisect_left(newlines, found.start())
        first = max(0, line - WINDOW_BEFORE)
        last = min(len(newlines), line + WINDOW_AFTER)
        start = newlines[first - 1] + 1 if first > 0 else 0
        end = newlines[last] if last < len(newlines) else len(text)
        # A single enormous line: keep a bounded piece around the signal only.
        if end - start > 2 * MAX_LINE_SCAN:
            start = max(start, found.start() - MAX_LINE_SCAN)
            end = min(end, found.end() + MAX_LINE_SCAN)
        if windows and start <= windows[-1][1]:
            total += max(0, end - windows[-1][1])
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([start, end])
            total += end - start
        if total > MAX_WINDOWS_CHARS:
            return [(s, e) for s, e in windows], True
    return [(s, e) for s, e in windows], False


class _Region:
    """Analyses one span of text (or a string found inside a body) into units."""

    def __init__(self, text: str, catalogue: Catalogue, budget: Budget) -> None:
        self.text = text
        self.catalogue = catalogue
        self.scanners: Scanners = catalogue.scanners
        self.budget = budget

    def analyse(self, start: int, end: int, depth: int, whole: bool = False) -> list[Unit]:
        text = self.text
        objects = self._objects(start, end)
        units: list[Unit] = []
        for parsed in objects:
            units += self._body_units(parsed, depth)
        position = start
        free: list[Unit] = []
        for parsed in objects:
            if parsed.start > position:
                free += self._free_text(position, parsed.start)
            position = max(position, parsed.end)
        if position < end:
            free += self._free_text(position, end)
        if whole and not objects and end - start <= SHORT_PASTE:
            free = self._short_paste(start, end, free)
        # Free-text evidence on the line of a body belongs to that body.
        for unit in free:
            owner = next(
                (
                    u
                    for u in units
                    if u.kind == "body"
                    and (u.start <= unit.start < u.end or _same_line(text, u.start, unit.start) or _same_line(text, u.end - 1, unit.start))
                ),
                None,
            )
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
        if "=>" in text[start:end] if end - start < 200_000 else True:
            print_r = [m.start() for m in PRINT_R_START_RE.finditer(text, start, end)]
        position = start
        attempts = 0
        while position < end and len(found) < MAX_OBJECTS and attempts < MAX_OBJECTS * 4:
            brace = text.find("{", position, end)
            next_print_r = next((p for p in print_r if p >= position), -1)
            if next_print_r >= 0 and (brace < 0 or next_print_r < brace):
                parsed = parse_print_r(text, next_print_r, end)
                found.append(parsed)
                position = max(parsed.end, next_print_r + 1)
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
        catalogue = self.catalogue
        units: list[Unit] = []
        consumed: set[int] = set()
        used_strings: set[int] = set()
        for path, node in iter_nodes(parsed.value):
            if id(node) in consumed:
                continue
            unit = Unit(parsed.start, parsed.end, "body")
            found = False
            keys = [k for k in node if isinstance(k, str)]
            # The providers' own envelope paths, looked up by the keys this node has.
            for key in keys:
                for slug, role, steps, name in catalogue.envelope_paths.get(key, ()):
                    value = get_path(node, steps)
                    if value is None:
                        continue
                    label = ".".join(steps)
                    if role == "code":
                        code = _code_value(value)
                        provider = catalogue.providers[slug]
                        if code is not None and (provider.code_re is None or provider.is_code(code)):
                            _add_code(unit, CodeEvidence(code, "envelope", f"{label} {code}", (slug,)))
                            if provider.code_re is not None:
                                unit.provider_reasons.setdefault(
                                    slug, f"{label} holds a code shaped like {provider.name}'s"
                                )
                            found = True
                            _consume(node, steps, consumed)
                    elif role == "message":
                        if _is_message(value):
                            _add_message(unit, MessageEvidence(value, "envelope", label, (slug,)))
                            used_strings.add(id(value))
                            found = True
                            _consume(node, steps, consumed)
                    elif role == "field_errors":
                        errors = _field_errors(value)
                        if errors:
                            unit.field_errors.update(errors)
                            for name_, messages in errors.items():
                                for message in messages[:5]:
                                    _add_message(unit, MessageEvidence(message, "field", f"{label}.{name_}", (slug,)))
                            found = True
                            _consume(node, steps, consumed)
                    elif role == "context":
                        unit.context.setdefault(name, _bounded(value))
                        if isinstance(value, str):
                            used_strings.add(id(value))
                for slug, signature in catalogue.signatures.get(key, ()):
                    if signature.issubset(node.keys()):
                        name = catalogue.providers[slug].name
                        unit.provider_reasons[slug] = f"the body has {name}'s envelope ({', '.join(sorted(signature))})"
            # Generic names, for providers whose rules do not describe this shape.
            if not unit.codes:
                for key in catalogue.code_keys:
                    code = _code_value(node.get(key)) if key in node else None
                    if code is not None:
                        _add_code(unit, CodeEvidence(code, "key", f"{'.'.join(map(str, path + (key,)))} {code}"))
                        found = True
            if not unit.messages:
                for key in catalogue.message_keys:
                    value = node.get(key) if key in node else None
                    if _is_message(value) and len(value) <= 2_000:
                        _add_message(unit, MessageEvidence(value, "key", ".".join(map(str, path + (key,)))))
                        used_strings.add(id(value))
                        found = True
            if found or unit.provider_reasons:
                status = _status_in(node)
                if status:
                    unit.status, unit.status_label = status, f"{status} in the dump's status field"
                if found or unit.provider_reasons:
                    units.append(unit)
                for key in keys:
                    child = node[key]
                    if isinstance(child, dict) and key in catalogue.envelope_paths:
                        consumed.add(id(child))
        # Bodies logged as strings inside this object (a Laravel context, a log field).
        if depth < MAX_STRING_DEPTH:
            for value in iter_strings(parsed.value):
                if id(value) in used_strings or len(value) < 16 or (" " not in value and "{" not in value):
                    continue
                inner = _Region(value, catalogue, self.budget).analyse(0, len(value), depth + 1)
                for unit in inner:
                    unit.start, unit.end = parsed.start, parsed.end
                    for evidence in (*unit.codes, *unit.messages):
                        evidence.span = None
                    for phrase in unit.phrases:
                        phrase.span = None
                    units.append(unit)
        return _dedupe(units)

    # -- free text --

    def _free_text(self, start: int, end: int) -> list[Unit]:
        """Lines naming a documented message, template or code (outside any body)."""
        text = self.text
        units: list[Unit] = []
        catalogue = self.catalogue
        scanners = self.scanners
        position = start
        while position < end:
            line_end = text.find("\n", position, end)
            line_end = end if line_end < 0 else line_end
            line_start = position
            position = line_end + 1
            if line_end - line_start < 4:
                continue
            scan_end = min(line_end, line_start + MAX_LINE_SCAN)
            line = text[line_start:scan_end]
            unit = Unit(line_start, line_end, "line")
            lowered = line.lower()
            spans = [(m.start(), m.end()) for m in WORD_RE.finditer(lowered)]
            if not spans:
                continue
            words = [lowered[s:e] for s, e in spans]
            for index, size, forms in scan_phrases(catalogue, words):
                span = (line_start + spans[index][0], line_start + spans[index + size - 1][1])
                for form in forms:
                    what = "documented prefix" if form.type == "prefix" else "documented message"
                    unit.phrases.append(
                        PhraseEvidence(form, "contained", f"the {what} '{form.pattern}' appears in the text", {}, span)
                    )
            if catalogue.templates_by_anchor:
                for match in template_matches(catalogue, line, words, whole=False):
                    span = (line_start + match.span[0], line_start + match.span[1]) if match.span else None
                    unit.phrases.append(PhraseEvidence(match.form, "template", match.reason, match.params, span))
            if "=" in line or ":" in line:
                for found in scanners.kv.finditer(line):
                    self._key_value(unit, found, line_start)
            for found in scanners.code_phrase.finditer(line):
                code = found.group("code")
                if any(c.value == code for c in unit.codes) or not _known_shape(catalogue, code):
                    continue
                unit.codes.append(
                    CodeEvidence(code, "phrase", f"'{clip(found.group().strip(), 40)}' in the text", (), (line_start + found.start("code"), line_start + found.end("code")))
                )
            if unit.has_evidence or unit.context:
                units.append(unit)
        return units

    def _key_value(self, unit: Unit, found: re.Match, offset: int) -> None:
        catalogue = self.catalogue
        key = found.group("key")
        group = next((g for g in ("ev", "dv", "sv", "nv", "bv") if found.group(g) is not None), None)
        if group is None:
            return
        raw = found.group(group)
        value = decode_string('"' + raw + '"')[0] if group in ("dv", "ev") and "\\" in raw else raw
        span = (offset + found.start(group), offset + found.end(group))
        lowered = key.lower()
        scanners = self.scanners
        if lowered in scanners.code_keys:
            if group in ("nv", "dv", "sv", "ev", "bv") and value.strip().isdigit() and len(value.strip()) <= 12:
                code = value.strip()
                if all(c.value != code for c in unit.codes) and _known_shape(catalogue, code):
                    unit.codes.append(CodeEvidence(code, "key", f"{key}={code}", (), span))
            return
        if lowered in scanners.message_keys and group != "nv":
            if value.strip() and len(value) <= 2_000:
                unit.messages.append(MessageEvidence(value, "key", key, (), span))
            return
        for name in scanners.context_names.get(lowered, ()):
            unit.context.setdefault(name, _scalar(value) if group == "nv" else clip(value, 2_000))

    def _short_paste(self, start: int, end: int, free: list[Unit]) -> list[Unit]:
        """A short paste with no body: a bare code, or a message (possibly with a label before it)."""
        text = self.text[start:end]
        stripped = text.strip()
        bare = self.scanners.bare_code.fullmatch(stripped)
        if bare:
            code = bare.group("code")
            offset = start + text.find(stripped) + bare.start("code")
            unit = Unit(start, end, "paste")
            unit.codes.append(CodeEvidence(code, "bare", f"the paste is the code {code}", (), (offset, offset + len(code))))
            return [unit]
        lines = [line for line in stripped.splitlines() if line.strip()]
        if len(lines) > 6:
            return free
        units = []
        for line in lines:
            if _HEADERISH_RE.match(line):
                continue
            line_start = start + text.find(line)
            unit = next((u for u in free if u.start <= line_start < u.end + 1), None)
            if unit is None:
                unit = Unit(line_start, line_start + len(line), "paste")
                units.append(unit)
            candidate = line.strip()
            unit.messages.append(MessageEvidence(candidate, "paste", "the pasted text", (), (line_start, line_start + len(line))))
            if ": " in candidate:
                label, _, rest = candidate.rpartition(": ")
                if rest.strip() and len(rest) >= 4:
                    rest_start = line_start + line.find(rest)
                    unit.messages.append(MessageEvidence(rest, "paste", "the text after its label", (), (rest_start, rest_start + len(rest))))
        return free + units


# --- helpers ---------------------------------------------------------------------------------


_PLACEHOLDER_VALUE_RE = re.compile(r"\[(?:Object|Array|Function|Circular|Getter)\b[^\]]*\]|\[REDACTED\]")


def _is_message(value) -> bool:
    """A string that can be an error message (not `[Object]`, not a redaction mark)."""
    return isinstance(value, str) and bool(value.strip()) and not _PLACEHOLDER_VALUE_RE.fullmatch(value.strip())


def _known_shape(catalogue: Catalogue, code: str) -> bool:
    """A number in free text counts as a code only if some provider lists it or codes look like it."""
    return code in catalogue.codes or bool(catalogue.providers_with_code_shape(code))


# Lines of a dump that are not messages: curl's markers, status lines, headers, markup.
_HEADERISH_RE = re.compile(
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
            existing.providers = tuple(dict.fromkeys(existing.providers + evidence.providers))
            return
    unit.codes.append(evidence)


def _add_message(unit: Unit, evidence: MessageEvidence) -> None:
    for existing in unit.messages:
        if existing.text == evidence.text and existing.label == evidence.label:
            existing.providers = tuple(dict.fromkeys(existing.providers + evidence.providers))
            return
    unit.messages.append(evidence)


def _consume(node: dict, steps: tuple[str, ...], consumed: set[int]) -> None:
    """Mark the dicts along an envelope path, so they are not read again as bodies of their own."""
    for step in steps[:-1]:
        node = node.get(step) if isinstance(node, dict) else None
        if isinstance(node, dict):
            consumed.add(id(node))
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


def _status_in(node: dict) -> int | None:
    for key in STATUS_KEYS:
        value = node.get(key)
        number = parse_int(value)
        if number is not None and 100 <= number <= 599:
            return number
    for key in ("response", "res"):
        child = node.get(key)
        if isinstance(child, dict):
            for name in STATUS_KEYS:
                number = parse_int(child.get(name))
                if number is not None and 100 <= number <= 599:
                    return number
    return None


def _bounded(value, depth: int = 0):
    """A JSON-able copy of a context value, cut down so a huge one cannot bloat the answer."""
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


def _dedupe(units: list[Unit]) -> list[Unit]:
    """One body logged twice in one object (parsed and as a string) is one error."""
    seen: dict[tuple, Unit] = {}
    kept = []
    for unit in units:
        key = (
            tuple(sorted(c.value for c in unit.codes)),
            tuple(sorted(m.text.strip().lower() for m in unit.messages)),
            tuple(sorted(id(p.form) for p in unit.phrases)),
        )
        if key in seen:
            seen[key].absorb(unit)
            continue
        seen[key] = unit
        kept.append(unit)
    return kept


def _number_lines(text: str, units: list[Unit]) -> None:
    line, position = 1, 0
    for unit in units:  # sorted by start
        if unit.start > position:
            line += text.count("\n", position, unit.start)
            position = unit.start
        unit.line = line


def _merge_neighbours(units: list[Unit]) -> list[Unit]:
    """A free-text line just before a body naming the same thing ('Error: X' then the body) is one error."""
    merged: list[Unit] = []
    for unit in units:
        previous = merged[-1] if merged else None
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
    start: int,
    end: int,
    catalogue: Catalogue,
    statuses: list,
    hosts: list,
    rate_limit: list,
    dates: list,
) -> None:
    scanners: Scanners = catalogue.scanners
    region = text if start == 0 and end == len(text) else text[start:end]
    lowered = region.lower()
    if any(needle in lowered for needle in _STATUS_NEEDLES):
        for found in scanners.status.finditer(text, start, end):
            group = found.lastgroup
            status = int(found.group(group))
            statuses.append((found.start(group), status, _STATUS_LABELS[group].format(status)))
    if "://" in region or "host:" in lowered or "connected to" in lowered:
        for found in scanners.host.finditer(text, start, end):
            group = found.lastgroup
            host = found.group(group).lower().strip(".")
            hosts.append((found.start(), host, catalogue.providers_for_host(host)))
    if not any(needle in lowered for needle in scanners.rate_limit_needles):
        return
    for found in scanners.rate_limit.finditer(text, start, end):
        name = found.group("name")
        value = found.group("value").strip()
        if name.lower() == "date":
            dates.append((found.start(), value))
        else:
            rate_limit.append((found.start(), scanners.rate_limit_names.get(name.lower(), name), value))


# Every alternative of the status regex contains one of these: without them, skip the pass.
_STATUS_NEEDLES = ("http", "status", "resulted", " error", "<response", "<title>")

_STATUS_LABELS = {
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
