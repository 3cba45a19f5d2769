"""The engine's view of the catalogue: entries and providers' rules, with every index built once.

`Catalogue.from_snapshot()` reads the plain snapshot (errorkb.catalogue.snapshot)
and precompiles everything a diagnosis needs: dictionaries from codes, exact and
normalized messages and documented phrases to entries, templates as regexes
found through an anchor word, token and trigram postings for the typo-tolerant
pass, and one redactor for every provider's secrets. Nothing in here knows a
provider by name: a new provider is a new snapshot row with its rules.

A built Catalogue is never changed, so worker threads can share it.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass

from .redact import Redactor
from .text import STOPWORDS, WORD_RE, normalize, tokens, trie_pattern

# Generic names for a code and a message, for bodies of a provider whose rules say nothing.
GENERIC_CODE_KEYS = ("code", "error_code", "errorCode", "err_code", "errno")
GENERIC_MESSAGE_KEYS = ("message", "error", "msg", "error_message", "errorMessage", "error_description", "detail")
STATUS_KEYS = ("status", "status_code", "statusCode", "http_status", "httpStatus", "http_code", "httpCode")
RETRY_AFTER = "retry-after"

# Postings longer than this are too common to narrow a fuzzy search down.
MAX_POSTINGS = 5_000


@dataclass(frozen=True, slots=True)
class Category:
    provider: str
    slug: str
    name: str
    start: int | None
    end: int | None

    @property
    def range_label(self) -> str:
        """'1xxx' for 1000–1999, '' when there is no range (as the catalogue pages write it)."""
        if self.start is None or self.end is None:
            return ""
        if self.start % 1000 == 0 and self.end == self.start + 999:
            return f"{self.start // 1000}xxx"
        return f"{self.start}–{self.end}"

    def to_dict(self) -> dict:
        return {
            "provider": self.provider,
            "slug": self.slug,
            "name": self.name,
            "range": self.range_label,
            "range_start": self.start,
            "range_end": self.end,
        }


@dataclass(frozen=True, slots=True, eq=False)
class Entry:
    provider: str
    provider_name: str
    code: str
    kind: str  # code | message | http_status
    title: str
    message: str
    category: Category | None
    http_status: int | None
    http_status_basis: str  # documented | inferred | unknown
    description: str
    remedy: tuple[str, ...]
    retry_strategy: str
    retry_note: str
    retryable: bool
    url: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.provider, self.code)


@dataclass(frozen=True, slots=True, eq=False)
class Form:
    """One documented way an entry's message appears: its message, an alias, or a prefix."""

    entry: Entry
    type: str  # message | alias | prefix
    pattern: str
    norm: str
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True, eq=False)
class Template:
    entry: Entry
    pattern: str
    regex: re.Pattern
    names: dict[str, str]  # regex group -> parameter name as documented
    literal_words: int


@dataclass(frozen=True, slots=True)
class Envelope:
    code: tuple[tuple[str, ...], ...]
    message: tuple[tuple[str, ...], ...]
    field_errors: tuple[tuple[str, ...], ...]
    signature: frozenset[str]
    context: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True, slots=True)
class Provider:
    slug: str
    name: str
    hosts: tuple[str, ...]
    code_re: re.Pattern | None
    envelope: Envelope
    rate_limit_headers: tuple[str, ...]
    status_reliable: bool

    def is_code(self, value: str) -> bool:
        return self.code_re is not None and self.code_re.fullmatch(value) is not None


class Catalogue:
    """Build with `Catalogue.from_snapshot(snapshot)`."""

    def __init__(self) -> None:  # use from_snapshot
        self.version = 0
        self.providers: dict[str, Provider] = {}
        self.provider_slugs: tuple[str, ...] = ()
        self.entries: tuple[Entry, ...] = ()
        self.problems: tuple[str, ...] = ()

    # --- building ---------------------------------------------------------------------

    @classmethod
    def from_snapshot(cls, snapshot: dict) -> Catalogue:
        self = cls()
        problems: list[str] = []
        self.version = snapshot.get("version") or 0
        self._build_providers(snapshot.get("providers") or [], problems)
        self._build_categories(snapshot.get("categories") or [])
        self._build_entries(snapshot.get("entries") or [], problems)
        self._build_message_indexes(problems)
        self._build_envelope_indexes()
        self._build_scanners()
        self.problems = tuple(problems)
        return self

    def _build_providers(self, rows: list[dict], problems: list[str]) -> None:
        secret_headers, secret_fields, secret_patterns = [], [], []
        for row in rows:
            slug = str(row.get("slug") or "").strip()
            if not slug:
                continue
            rules = row.get("rules") if isinstance(row.get("rules"), dict) else {}
            name = str(row.get("name") or slug)
            code_re = None
            if rules.get("code_pattern"):
                try:
                    code_re = re.compile(str(rules["code_pattern"]))
                except re.error as exc:
                    problems.append(f"{slug}: code_pattern does not compile ({exc})")
            envelope = rules.get("envelope") if isinstance(rules.get("envelope"), dict) else {}
            context = envelope.get("context") if isinstance(envelope.get("context"), dict) else {}
            self.providers[slug] = Provider(
                slug=slug,
                name=name,
                hosts=tuple(h.lower().strip().strip(".") for h in _strings(rules.get("hosts")) if h.strip()),
                code_re=code_re,
                envelope=Envelope(
                    code=_paths(envelope.get("code")),
                    message=_paths(envelope.get("message")),
                    field_errors=_paths(envelope.get("field_errors")),
                    signature=frozenset(_strings(envelope.get("signature"))),
                    context=tuple(
                        (str(key), path[0]) for key, value in context.items() if (path := _paths(value))
                    ),
                ),
                rate_limit_headers=tuple(_strings(rules.get("rate_limit_headers"))),
                status_reliable=rules.get("status_reliable", True) is not False,
            )
            secret_headers += _strings(rules.get("secret_headers"))
            secret_fields += _strings(rules.get("secret_fields"))
            secret_patterns += [(slug, name, p) for p in _strings(rules.get("secret_patterns"))]
        self.provider_slugs = tuple(self.providers)
        self._provider_by_name = {p.name.lower(): p.slug for p in self.providers.values()}
        self.redactor = Redactor(secret_headers, secret_fields, secret_patterns)

        self.host_index: dict[str, tuple[str, ...]] = {}
        for provider in self.providers.values():
            for host in provider.hosts:
                self.host_index[host] = (*self.host_index.get(host, ()), provider.slug)
        patterns: dict[str, list[str]] = defaultdict(list)
        for provider in self.providers.values():
            if provider.code_re is not None:
                patterns[provider.code_re.pattern].append(provider.slug)
        # Identical patterns are tested once, whatever the number of providers sharing them.
        self.code_patterns = tuple((re.compile(p), tuple(slugs)) for p, slugs in patterns.items())

    def _build_categories(self, rows: list[dict]) -> None:
        self.category_by_key: dict[tuple[str, str], Category] = {}
        ranged: dict[str, list[Category]] = defaultdict(list)
        for row in rows:
            provider, slug = row.get("provider"), row.get("slug")
            if provider not in self.providers or not slug:
                continue
            start, end = row.get("code_range_start"), row.get("code_range_end")
            category = Category(
                provider=provider,
                slug=str(slug),
                name=str(row.get("name") or slug),
                start=start if isinstance(start, int) else None,
                end=end if isinstance(end, int) else None,
            )
            self.category_by_key[(provider, category.slug)] = category
            if category.start is not None and category.end is not None:
                ranged[provider].append(category)
        self._ranges = {p: sorted(cats, key=lambda c: c.start) for p, cats in ranged.items()}
        self._range_starts = {p: [c.start for c in cats] for p, cats in self._ranges.items()}

    def _build_entries(self, rows: list[dict], problems: list[str]) -> None:
        entries = []
        self._raw_forms = []
        for row in rows:
            provider = self.providers.get(row.get("provider"))
            if provider is None or not row.get("code"):
                continue
            status = row.get("http_status")
            entry = Entry(
                    provider=provider.slug,
                    provider_name=provider.name,
                    code=str(row["code"]),
                    kind=str(row.get("kind") or "message"),
                    title=str(row.get("title") or row["code"]),
                    message=str(row.get("message") or ""),
                    category=self.category_by_key.get((provider.slug, row.get("category") or "")),
                    http_status=status if isinstance(status, int) and not isinstance(status, bool) else None,
                    http_status_basis=str(row.get("http_status_basis") or "unknown"),
                    description=str(row.get("description") or ""),
                    remedy=tuple(str(step) for step in row.get("remedy") or () if step),
                    retry_strategy=str(row.get("retry_strategy") or "no"),
                    retry_note=str(row.get("retry_note") or ""),
                    retryable=bool(row.get("retryable")),
                url=str(row.get("url") or ""),
            )
            entries.append(entry)
            forms = row.get("match_forms")
            self._raw_forms.append((entry, forms if isinstance(forms, list) else []))
        self.entries = tuple(entries)
        self.by_key = {e.key: e for e in entries}
        codes: dict[str, list[Entry]] = defaultdict(list)
        statuses: dict[int, list[Entry]] = defaultdict(list)
        documented: dict[tuple[str, int], list[Entry]] = defaultdict(list)
        for entry in entries:
            if entry.kind == "code":
                codes[entry.code].append(entry)
            elif entry.kind == "http_status":
                status = entry.http_status if entry.http_status is not None else _int(entry.code)
                if status is not None:
                    statuses[status].append(entry)
            if entry.kind != "http_status" and entry.http_status is not None and entry.http_status_basis == "documented":
                documented[(entry.provider, entry.http_status)].append(entry)
        self.codes = {k: tuple(v) for k, v in codes.items()}
        self.status_entries = {k: tuple(v) for k, v in statuses.items()}
        self.documented_by_status = {k: tuple(v) for k, v in documented.items()}

    def _build_message_indexes(self, problems: list[str]) -> None:
        forms: list[Form] = []
        templates: list[tuple[Entry, str]] = []
        for entry, match_forms in self._raw_forms:
            if entry.message and entry.kind != "http_status":
                if _PLACEHOLDER_RE.search(entry.message):
                    templates.append((entry, entry.message))
                else:
                    forms.append(_form(entry, "message", entry.message))
            for match_form in match_forms:
                if not isinstance(match_form, dict):
                    continue
                kind, pattern = match_form.get("type"), str(match_form.get("pattern") or "").strip()
                if not pattern:
                    continue
                if kind == "template":
                    templates.append((entry, pattern))
                elif kind in ("alias", "prefix"):
                    forms.append(_form(entry, kind, pattern))
        del self._raw_forms
        forms = [f for f in forms if f.norm]
        self.forms = tuple(forms)
        self.longest_message = max((len(f.norm) for f in forms), default=0)

        exact: dict[str, list[Form]] = defaultdict(list)
        normal: dict[str, list[Form]] = defaultdict(list)
        prefixes: dict[str, list[Form]] = defaultdict(list)
        phrases: dict[str, list[Form]] = defaultdict(list)
        lengths: dict[str, set[int]] = defaultdict(set)
        document_frequency: dict[str, int] = defaultdict(int)
        for form in forms:
            if form.type == "prefix":
                prefixes[form.norm].append(form)
            else:
                exact[form.pattern].append(form)
                normal[form.norm].append(form)
            if len(form.words) >= 2:
                phrases[form.norm].append(form)
                lengths[form.words[0]].add(len(form.words))
            for word in set(form.words):
                document_frequency[word] += 1
        self.exact = {k: tuple(v) for k, v in exact.items()}
        self.normal = {k: tuple(v) for k, v in normal.items()}
        self.prefixes = {k: tuple(v) for k, v in prefixes.items()}
        self.prefix_max_words = max((len(k.split()) for k in prefixes), default=0)
        self.phrases = {k: tuple(v) for k, v in phrases.items()}
        self.phrase_lengths = {k: tuple(sorted(v, reverse=True)) for k, v in lengths.items()}
        self.document_frequency = dict(document_frequency)

        # Typo-tolerant candidates come from shared words, else shared trigrams; never a full scan.
        postings: dict[str, list[int]] = defaultdict(list)
        trigrams: dict[str, list[int]] = defaultdict(list)
        for index, form in enumerate(forms):
            for word in set(form.words):
                postings[word].append(index)
            for gram in _trigrams(form.words):
                trigrams[gram].append(index)
        self.postings = {k: tuple(v) for k, v in postings.items() if len(v) <= MAX_POSTINGS}
        self.trigram_postings = {k: tuple(v) for k, v in trigrams.items() if len(v) <= MAX_POSTINGS}

        by_anchor: dict[str, list[Template]] = defaultdict(list)
        anchors: set[str] = set()
        for entry, pattern in templates:
            template = _template(entry, pattern)
            if template is None:
                problems.append(f"{entry.provider} {entry.code}: template {pattern!r} has no literal words")
                continue
            literal = [w for w in tokens(_PLACEHOLDER_RE.sub(" ", pattern)) if w not in STOPWORDS] or tokens(
                _PLACEHOLDER_RE.sub(" ", pattern)
            )
            anchor = min(literal, key=lambda w: (document_frequency.get(w, 0), -len(w)))
            by_anchor[anchor].append(template)
            anchors.add(anchor)
        self.templates_by_anchor = {k: tuple(v) for k, v in by_anchor.items()}
        # The rarest word of each documented phrase: a cheap signal that a line of a huge log may matter.
        for form in forms:
            useful = [w for w in form.words if w not in STOPWORDS and len(w) >= 3] or list(form.words)
            anchors.add(min(useful, key=lambda w: (document_frequency.get(w, 0), -len(w))))
        self.anchor_words = frozenset(anchors)

    def _build_envelope_indexes(self) -> None:
        # Each distinct first path step -> what it leads to, so a node is checked against the
        # steps it actually has, not against every provider in turn.
        by_first: dict[str, list[tuple[str, str, tuple[str, ...], str]]] = defaultdict(list)
        signatures: dict[str, list[tuple[str, frozenset[str]]]] = defaultdict(list)
        key_names: dict[str, set[str]] = {"code": set(GENERIC_CODE_KEYS), "message": set(GENERIC_MESSAGE_KEYS)}
        context_keys: set[str] = set()
        for provider in self.providers.values():
            envelope = provider.envelope
            for role, paths in (("code", envelope.code), ("message", envelope.message), ("field_errors", envelope.field_errors)):
                for path in paths:
                    by_first[path[0]].append((provider.slug, role, path, ""))
                    if role in key_names:
                        key_names[role].add(path[-1])
            for name, path in envelope.context:
                by_first[path[0]].append((provider.slug, "context", path, name))
                context_keys.add(path[-1])
            if envelope.signature:
                rarest = min(envelope.signature)
                signatures[rarest].append((provider.slug, envelope.signature))
        self.envelope_paths = {k: tuple(v) for k, v in by_first.items()}
        self.signatures = {k: tuple(v) for k, v in signatures.items()}
        self.code_keys = frozenset(key_names["code"])
        self.message_keys = frozenset(key_names["message"])
        self.context_keys = frozenset(context_keys)

    def _build_scanners(self) -> None:
        from .extract import build_scanners

        self.scanners = build_scanners(self)

    # --- lookups ------------------------------------------------------------------------

    def resolve_provider(self, hint: str | None) -> str | None:
        """The slug for a provider hint (its slug or its name, any case); None if unknown."""
        if not hint:
            return None
        cleaned = hint.strip()
        if cleaned in self.providers:
            return cleaned
        lowered = cleaned.lower()
        for slug in self.providers:
            if slug.lower() == lowered:
                return slug
        return self._provider_by_name.get(lowered)

    def providers_for_host(self, host: str) -> tuple[str, ...]:
        host = host.lower().strip(".")
        while host:
            found = self.host_index.get(host)
            if found:
                return found
            _, _, host = host.partition(".")
        return ()

    def category_for_code(self, provider: str, number: int) -> Category | None:
        starts = self._range_starts.get(provider)
        if not starts:
            return None
        index = bisect.bisect_right(starts, number) - 1
        if index < 0:
            return None
        category = self._ranges[provider][index]
        return category if category.start <= number <= category.end else None

    def providers_with_code_shape(self, code: str) -> tuple[str, ...]:
        found: list[str] = []
        for regex, slugs in self.code_patterns:
            if regex.fullmatch(code):
                found.extend(slugs)
        return tuple(found)


# --- helpers --------------------------------------------------------------------------

_PLACEHOLDER_RE = re.compile(r"\{([A-Za-z_][\w]{0,40})\}")


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(v) for v in value if isinstance(v, str | int) and str(v)]
    return []


def _paths(value) -> tuple[tuple[str, ...], ...]:
    paths = []
    for text in _strings(value):
        steps = tuple(step for step in text.strip().lstrip("$").split(".") if step)
        if steps:
            paths.append(steps)
    return tuple(paths)


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) <= 6 else None


def _form(entry: Entry, kind: str, pattern: str) -> Form:
    norm = normalize(pattern)
    return Form(entry=entry, type=kind, pattern=pattern.strip(), norm=norm, words=tuple(norm.split()))


def _trigrams(words) -> set[str]:
    grams = set()
    for word in words:
        if len(word) < 3:
            continue
        padded = f" {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def word_trigrams(words) -> set[str]:
    return _trigrams(words)


def _template(entry: Entry, pattern: str) -> Template | None:
    """'Amount must be between {min} and {max}' -> a regex over lower-cased text.

    Literal words are separated by any run of non-word characters; a parameter is
    one run of non-space characters (so '1,000' and '20,000.00' are one parameter).
    A parameter between literals is lazy; one at the end is greedy.
    """
    parts = _PLACEHOLDER_RE.split(pattern)
    pieces: list[str] = []
    names: dict[str, str] = {}
    literal_words = 0
    last_var = max((i for i in range(1, len(parts), 2)), default=-1)
    last_piece_is_var = False
    for index, part in enumerate(parts):
        if index % 2 == 0:
            words = tokens(part)
            if words:
                literal_words += len(words)
                pieces.append(r"[\W_]+".join(re.escape(w) for w in words))
                last_piece_is_var = False
        else:
            group = f"p{len(names)}"
            names[group] = part
            greedy = index == last_var and not any(tokens(p) for p in parts[index + 1 :: 2])
            value = r"[^\s\"'<>{}\[\]]+" if greedy else r"[^\s\"'<>{}\[\]]+?"
            pieces.append(f"(?P<{group}>{value})")
            last_piece_is_var = True
    if not literal_words:
        return None
    body = r"[\W_]+".join(pieces)
    lead = r"(?<![^\W_])" if not pieces[0].startswith("(?P<") else ""
    tail = "" if last_piece_is_var else r"(?![^\W_])"
    return Template(entry, pattern, re.compile(lead + body + tail), names, literal_words)


__all__ = ["Catalogue", "Category", "Entry", "Form", "Provider", "Template", "WORD_RE"]
