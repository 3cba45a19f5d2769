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
from dataclasses import dataclass, field
from typing import Final

from .redact import Redactor
from .text import STOPWORDS, WORD_RE, normalize, tokens

# Generic names for a code and a message, for bodies of a provider whose rules say nothing.
GENERIC_CODE_KEYS: Final = ("code", "error_code", "errorCode", "err_code", "errno")
GENERIC_MESSAGE_KEYS: Final = (
    "message",
    "error",
    "msg",
    "error_message",
    "errorMessage",
    "error_description",
    "detail",
)
STATUS_KEYS: Final = ("status", "status_code", "statusCode", "http_status", "httpStatus", "http_code", "httpCode")

# Postings longer than this are too common to narrow a fuzzy search down.
MAX_POSTINGS: Final = 5_000
FUZZY_SCREEN_TEXTS: Final = 256  # up to this many distinct texts, the fuzzy search is screened first
# Entry groups larger than this get a by-provider index (see group_index).
GROUP_INDEX_FROM: Final = 12
# An envelope shape (signature, code pattern) shared by more providers than this names none of them.
MAX_IDENTIFYING: Final = 3


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


@dataclass(slots=True, eq=False)
class Entry:
    """A catalogue entry as the engine sees it. Read-only by convention: not frozen, because a
    frozen dataclass pays for each field it sets and a big catalogue builds 100,000 of them."""

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
    norm: str = ""  # the message normalized (case, punctuation, spacing)
    key: tuple[str, str] = ("", "")
    # The entry's part of Match.to_dict(), made the first time it is matched (see there).
    public: dict | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.norm = normalize(self.message)
        self.key = (self.provider, self.code)


@dataclass(slots=True, eq=False)
class Form:
    """One documented way an entry's message appears: its message, an alias, or a prefix."""

    entry: Entry
    type: str  # message | alias | prefix
    pattern: str
    norm: str
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True, eq=False)
class MessageText:
    """One distinct normalized text and the forms (of any number of entries) that read so."""

    norm: str
    words: tuple[str, ...]
    is_prefix: bool
    pattern: str  # as one of them documents it
    forms: tuple[Form, ...]
    # Its words sorted and joined by single spaces: what rapidfuzz's token_sort_ratio compares,
    # made once here so the typo-tolerant search can score it with the plain ratio.
    sorted_norm: str = ""
    # Its words as a set, made once: the fragment search tests a paste's words against it.
    word_set: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True, eq=False)
class Template:
    """A documented template; one regex for every entry (of any provider) that documents it."""

    entries: tuple[Entry, ...]
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
class EnvelopePath:
    """One path of one or more providers' envelopes ('error.code'), and what it holds for them."""

    role: str  # code | message | field_errors | context
    steps: tuple[str, ...]
    label: str
    name: str  # the context name, for role == "context"
    providers: frozenset[str]
    # For codes: (pattern or None, providers using it, (provider, reason) pairs when the shape
    # is rare enough to say whose code it is).
    code_shapes: tuple[tuple[re.Pattern | None, frozenset[str], tuple[tuple[str, str], ...]], ...]


@dataclass(frozen=True, slots=True)
class Provider:
    slug: str
    name: str
    hosts: tuple[str, ...]
    code_re: re.Pattern | None
    envelope: Envelope
    rate_limit_headers: tuple[str, ...]
    status_reliable: bool
    # The entry a body of field errors alone means ('422' for a validation-errors body).
    field_errors_entry: str = ""

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
        # memo.answer()'s answers to bodies, by shape: the one thing that changes after
        # building (answers this catalogue gave, added and forgotten, never edited).
        self.answers: dict = {}

    # --- building ---------------------------------------------------------------------

    @classmethod
    def from_snapshot(cls, snapshot: dict) -> Catalogue:
        self = cls()
        problems: list[str] = []
        self.version = snapshot.get("version") or 0
        self._build_providers(snapshot.get("providers") or [], problems)
        self._build_categories(snapshot.get("categories") or [])
        raw_forms = self._build_entries(snapshot.get("entries") or [], problems)
        self._build_message_indexes(raw_forms, problems)
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
            given_rules = row.get("rules")
            rules: dict = given_rules if isinstance(given_rules, dict) else {}
            name = str(row.get("name") or slug)
            code_re = None
            if rules.get("code_pattern"):
                try:
                    code_re = re.compile(str(rules["code_pattern"]))
                except re.error as exc:
                    problems.append(f"{slug}: code_pattern does not compile ({exc})")
            given_envelope = rules.get("envelope")
            envelope: dict = given_envelope if isinstance(given_envelope, dict) else {}
            given_context = envelope.get("context")
            context: dict = given_context if isinstance(given_context, dict) else {}
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
                field_errors_entry=str(envelope.get("field_errors_entry") or ""),
            )
            secret_headers += _strings(rules.get("secret_headers"))
            secret_fields += _strings(rules.get("secret_fields"))
            secret_patterns += [(slug, name, p) for p in _strings(rules.get("secret_patterns"))]
        self.provider_slugs = tuple(self.providers)
        # Sets of slugs (an envelope's providers, the providers a paste points to) are walked
        # in this order wherever the order decides something: a set's own order follows the
        # hash seed, and would make the answer differ from one process to the next.
        self.provider_rank = {slug: index for index, slug in enumerate(self.provider_slugs)}
        self.provider_names = {slug: p.name for slug, p in self.providers.items()}
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
        ranged: dict[str, list[tuple[int, int, Category]]] = defaultdict(list)
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
                ranged[provider].append((category.start, category.end, category))
        # Each provider's (start, end, category), by start; the starts alone for bisect.
        self._ranges = {p: sorted(spans, key=lambda span: span[0]) for p, spans in ranged.items()}
        self._range_starts = {p: [span[0] for span in spans] for p, spans in self._ranges.items()}

    def _build_entries(self, rows: list[dict], problems: list[str]) -> list[tuple[Entry, list]]:
        """Entries and their indexes by code and status; returns each entry's match_forms as given."""
        entries = []
        raw_forms: list[tuple[Entry, list]] = []
        for row in rows:
            slug = row.get("provider")
            provider = self.providers.get(slug) if isinstance(slug, str) else None
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
            raw_forms.append((entry, forms if isinstance(forms, list) else []))
        self.entries = tuple(entries)
        self.by_key = {e.key: e for e in entries}
        codes: dict[str, list[Entry]] = defaultdict(list)
        # HTTP-status entries by status, then by provider: a paste with a status that points
        # at providers weighs only theirs, not all of a large catalogue's (500 with a 400);
        # a bare status line, pointing at none, still weighs every provider's.
        statuses: dict[int, dict[str, list[Entry]]] = defaultdict(lambda: defaultdict(list))
        documented: dict[tuple[str, int], list[Entry]] = defaultdict(list)
        for entry in entries:
            if entry.kind == "code":
                codes[entry.code].append(entry)
            elif entry.kind == "http_status":
                status = entry.http_status if entry.http_status is not None else _int(entry.code)
                if status is not None:
                    statuses[status][entry.provider].append(entry)
            if (
                entry.kind != "http_status"
                and entry.http_status is not None
                and entry.http_status_basis == "documented"
            ):
                documented[(entry.provider, entry.http_status)].append(entry)
        self.codes = {k: tuple(v) for k, v in codes.items()}
        self.status_entries = {
            status: {slug: tuple(found) for slug, found in by_provider.items()}
            for status, by_provider in statuses.items()
        }
        self.documented_by_status = {k: tuple(v) for k, v in documented.items()}
        return raw_forms

    def _build_message_indexes(self, raw_forms: list[tuple[Entry, list]], problems: list[str]) -> None:
        forms: list[Form] = []
        shapes: dict[str, tuple[str, tuple[str, ...]]] = {}
        templates: list[tuple[Entry, str]] = []
        for entry, match_forms in raw_forms:
            if entry.message and entry.kind != "http_status":
                if _PLACEHOLDER_RE.search(entry.message):
                    templates.append((entry, entry.message))
                else:
                    forms.append(_form(entry, "message", entry.message, shapes))
            for match_form in match_forms:
                if not isinstance(match_form, dict):
                    continue
                kind, pattern = match_form.get("type"), str(match_form.get("pattern") or "").strip()
                if not pattern:
                    continue
                if kind == "template":
                    templates.append((entry, pattern))
                elif kind in ("alias", "prefix"):
                    forms.append(_form(entry, kind, pattern, shapes))
        forms = [f for f in forms if f.norm]
        self.forms = tuple(forms)
        self.longest_message = max((len(f.norm) for f in forms), default=0)
        # Distinct texts (many providers document the same message): the fuzzy and fragment
        # searches compare each text once, then expand to the entries that document it.
        texts: dict[tuple[str, bool], list[Form]] = defaultdict(list)
        for form in forms:
            texts[(form.norm, form.type == "prefix")].append(form)
        self.texts = tuple(
            MessageText(
                norm,
                group[0].words,
                is_prefix,
                group[0].pattern,
                tuple(group),
                sort_words(norm),
                frozenset(group[0].words),
            )
            for (norm, is_prefix), group in texts.items()
        )

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
        for text_norm, _ in texts:
            for word in set(text_norm.split()):
                document_frequency[word] += 1
        self.exact = {k: tuple(v) for k, v in exact.items()}
        self.normal = {k: tuple(v) for k, v in normal.items()}
        self.prefixes = {k: tuple(v) for k, v in prefixes.items()}
        self.prefix_max_words = max((len(k.split()) for k in prefixes), default=0)
        self.prefix_first_words = frozenset(k.split()[0] for k in prefixes)
        self.phrases = {k: tuple(v) for k, v in phrases.items()}
        self.phrase_lengths = {k: tuple(sorted(v, reverse=True)) for k, v in lengths.items()}
        self.document_frequency = dict(document_frequency)

        # Typo-tolerant candidates come from shared words, else shared trigrams; never a full scan.
        postings: dict[str, list[int]] = defaultdict(list)
        trigrams: dict[str, list[int]] = defaultdict(list)
        for index, text in enumerate(self.texts):
            for word in set(text.words):
                postings[word].append(index)
            for gram in _trigrams(text.words):
                trigrams[gram].append(index)
        self.postings = {k: tuple(v) for k, v in postings.items() if len(v) <= MAX_POSTINGS}
        self.trigram_postings = {k: tuple(v) for k, v in trigrams.items() if len(v) <= MAX_POSTINGS}
        # A small catalogue can be screened whole before the typo-tolerant search: when no text
        # at all comes near the cutoff (most texts never do), that search would find nothing.
        # (text lengths sorted, their texts in that order, the prefix texts); None when large.
        self.fuzzy_screen = None
        self.fuzzy_screen_sorted: tuple[str, ...] | None = None
        self.fuzzy_screen_chars: tuple[str, ...] | None = None
        if len(self.texts) <= FUZZY_SCREEN_TEXTS:
            ordered = sorted((t for t in self.texts if not t.is_prefix), key=lambda t: len(t.norm))
            self.fuzzy_screen = (
                tuple(len(t.norm) for t in ordered),
                tuple(t.norm for t in ordered),
                tuple(t for t in self.texts if t.is_prefix),
            )
            # The same texts, words sorted (see MessageText.sorted_norm), in the same order.
            self.fuzzy_screen_sorted = tuple(t.sorted_norm for t in ordered)
            # The same texts, characters sorted: the ratio of two such strings bounds from above
            # both ratios the screen takes (see matching._may_pass).
            self.fuzzy_screen_chars = tuple("".join(sorted(t.norm)) for t in ordered)

        # Templates are found through their two rarest literal words (rarest among templates):
        # a line must hold both before any template regex runs on it.
        built: list[tuple[Template, list[str]]] = []
        template_frequency: dict[str, int] = defaultdict(int)
        grouped: dict[str, list[Entry]] = defaultdict(list)
        for entry, pattern in templates:
            grouped[pattern].append(entry)
        for pattern, group in grouped.items():
            template = _template(pattern, tuple(group))
            if template is None:
                problems.append(
                    f"{group[0].provider} {group[0].code}: template {pattern!r} has no literal words"
                )
                continue
            literal = sorted(set(tokens(_PLACEHOLDER_RE.sub(" ", pattern))))
            built.append((template, literal))
            for word in literal:
                template_frequency[word] += 1
        by_anchor: dict[str, dict[str, list[Template]]] = defaultdict(lambda: defaultdict(list))
        signals: set[str] = set()
        for template, literal in built:
            useful = [w for w in literal if w not in STOPWORDS] or literal
            ranked = sorted(
                useful, key=lambda w: (template_frequency[w], document_frequency.get(w, 0), -len(w), w)
            )
            first, second = ranked[0], (ranked[1] if len(ranked) > 1 else "")
            by_anchor[first][second].append(template)
            signals.add(
                _signal_pair(
                    tokens(_PLACEHOLDER_RE.split(template.pattern)[0]) or [first], document_frequency
                )
            )
        self.templates_by_anchor = {
            a: {b: tuple(ts) for b, ts in inner.items()} for a, inner in by_anchor.items()
        }
        # Groups of entries documenting one text (the same message across many providers): an
        # index by provider, so the providers a paste points to are found without a pass over all.
        self.group_index: dict[int, dict[str, tuple]] = {}
        groups = [
            *self.exact.values(),
            *self.normal.values(),
            *self.prefixes.values(),
            *self.phrases.values(),
            *(t.forms for t in self.texts),
        ]
        for forms_of_text in groups:
            self._index_group(forms_of_text, lambda form: form.entry.provider)
        for template, _ in built:
            self._index_group(template.entries, lambda entry: entry.provider)
        # For huge pastes: the rarest pair of adjacent words of each documented text ('insufficient
        # balance', 'http method'), so a line of a 1 MB log is read only if it may hold one.
        for text in self.texts:
            signals.add(_signal_pair(list(text.words), document_frequency))
        self.signal_pairs = frozenset(signals)

    def _index_group(self, group: tuple, provider_of) -> None:
        if len(group) <= GROUP_INDEX_FROM:
            return
        by_provider: dict[str, list] = defaultdict(list)
        for item in group:
            by_provider[provider_of(item)].append(item)
        self.group_index[id(group)] = {slug: tuple(items) for slug, items in by_provider.items()}

    def _build_envelope_indexes(self) -> None:
        # Each distinct path is read once per node, whatever the number of providers sharing
        # it (a 500-provider catalogue has a few dozen distinct paths), and only for the first
        # steps a node actually has.
        paths: dict[tuple[str, tuple[str, ...], str], list[str]] = defaultdict(list)
        signatures: dict[frozenset[str], list[str]] = defaultdict(list)
        key_names: dict[str, set[str]] = {
            "code": set(GENERIC_CODE_KEYS),
            "message": set(GENERIC_MESSAGE_KEYS),
        }
        context_keys: set[str] = set()
        for provider in self.providers.values():
            envelope = provider.envelope
            for role, role_paths in (
                ("code", envelope.code),
                ("message", envelope.message),
                ("field_errors", envelope.field_errors),
            ):
                for path in role_paths:
                    paths[(role, path, "")].append(provider.slug)
                    if role in key_names:
                        key_names[role].add(path[-1])
            for name, path in envelope.context:
                paths[("context", path, name)].append(provider.slug)
                context_keys.add(path[-1])
            if envelope.signature:
                signatures[envelope.signature].append(provider.slug)
        by_first: dict[str, list[EnvelopePath]] = defaultdict(list)
        for (role, path, name), slugs in paths.items():
            shapes: dict[str, list[str]] = defaultdict(list)
            if role == "code":
                for slug in slugs:
                    code_re = self.providers[slug].code_re
                    shapes[code_re.pattern if code_re else ""].append(slug)
            by_first[path[0]].append(
                EnvelopePath(
                    role=role,
                    steps=path,
                    label=".".join(path),
                    name=name,
                    providers=frozenset(slugs),
                    code_shapes=tuple(
                        (
                            re.compile(pattern) if pattern else None,
                            frozenset(group),
                            tuple(
                                (
                                    slug,
                                    f"{'.'.join(path)} holds a code shaped like {self.providers[slug].name}'s",
                                )
                                for slug in group
                            )
                            if pattern and len(group) <= MAX_IDENTIFYING
                            else (),
                        )
                        for pattern, group in shapes.items()
                    ),
                )
            )
        self.envelope_paths = {k: tuple(v) for k, v in by_first.items()}
        by_key: dict[str, list[tuple[frozenset[str], dict[str, str]]]] = defaultdict(list)
        for signature, slugs in signatures.items():
            # A shape shared by many providers identifies none of them: no reasons then.
            reasons = (
                {
                    slug: f"the body has {self.providers[slug].name}'s envelope ({', '.join(sorted(signature))})"
                    for slug in slugs
                }
                if len(slugs) <= MAX_IDENTIFYING
                else {}
            )
            by_key[min(signature)].append((signature, reasons))
        self.signatures = {k: tuple(v) for k, v in by_key.items()}
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
        _, end, category = self._ranges[provider][index]
        return category if number <= end else None  # (its start <= number: bisect)

    def in_order(self, slugs) -> list[str]:
        """The slugs of a set in the catalogue's provider order (the same in every process)."""
        return sorted(slugs, key=self.provider_rank.__getitem__)

    def providers_with_code_shape(self, code: str) -> tuple[str, ...]:
        found: list[str] = []
        for regex, slugs in self.code_patterns:
            if regex.fullmatch(code):
                found.extend(slugs)
        return tuple(found)


# --- helpers --------------------------------------------------------------------------

_PLACEHOLDER_RE: Final = re.compile(r"\{([A-Za-z_][\w]{0,40})\}")


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


def _form(entry: Entry, kind: str, pattern: str, cache: dict) -> Form:
    pattern = pattern.strip()
    shaped = cache.get(pattern)
    if shaped is None:
        norm = normalize(pattern)
        shaped = cache[pattern] = (norm, tuple(norm.split()))
    return Form(entry, kind, pattern, shaped[0], shaped[1])


def _trigrams(words) -> set[str]:
    grams: set[str] = set()
    for word in words:
        if len(word) < 3:
            continue
        padded = f" {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def _signal_pair(words: list[str], document_frequency: dict[str, int]) -> str:
    """The adjacent pair of words (or the one word) of a text that is rarest across the catalogue."""
    if len(words) < 2:
        return words[0] if words else ""
    pairs = [(words[i], words[i + 1]) for i in range(len(words) - 1)]
    first, second = min(
        pairs,
        key=lambda pair: (
            (pair[0] in STOPWORDS) + (pair[1] in STOPWORDS),
            document_frequency.get(pair[0], 0) + document_frequency.get(pair[1], 0),
        ),
    )
    return f"{first} {second}"


def sort_words(norm: str) -> str:
    """A normalized text's words in sorted order, single-spaced.

    rapidfuzz's token_sort_ratio(a, b) is ratio() of exactly this form of a and b (it splits on
    whitespace and sorts by code point, as sorted() does); a normalized text has single spaces
    between runs of word characters, none of which rapidfuzz counts as whitespace.
    """
    return " ".join(sorted(norm.split()))


def word_trigrams(words) -> dict[str, None]:
    """A query's trigrams (as _trigrams), once each, in the order they come in its words.

    Not a set: a set's order of strings follows the hash seed, and the fuzzy search breaks
    ties among equally rare trigrams by this order.
    """
    grams: dict[str, None] = {}
    for word in words:
        if len(word) >= 3:
            padded = f" {word} "
            for i in range(len(padded) - 2):
                grams[padded[i : i + 3]] = None
    return grams


def _template(pattern: str, entries: tuple[Entry, ...]) -> Template | None:
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
                pieces.append(r"[\W_]{1,8}".join(re.escape(w) for w in words))
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
    # Separators are bounded: a lazy parameter followed by an unbounded run of punctuation
    # would make a long run of punctuation quadratic.
    body = r"[\W_]{1,8}".join(pieces)
    lead = r"(?<![^\W_])" if not pieces[0].startswith("(?P<") else ""
    tail = "" if last_piece_is_var else r"(?![^\W_])"
    return Template(entries, pattern, re.compile(lead + body + tail), names, literal_words)


__all__ = ["Catalogue", "Category", "Entry", "Form", "Provider", "Template", "WORD_RE"]
