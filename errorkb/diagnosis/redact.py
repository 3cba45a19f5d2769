"""Redaction: every secret in a paste is replaced before anything else looks at it.

The engine analyses only the redacted text, so no secret can reach a match, a
reason, the context or a log. Some names are always secret whatever the
provider (Authorization, cookies, passwords, tokens, API keys, bearer tokens);
each provider's rules add its own header names, field names and key formats.
"""

from __future__ import annotations

import re
import re._constants as _sre  # the regex parser's own opcodes (for _run_gate)
import re._parser as _sre_parser
from dataclasses import dataclass
from typing import Final

from .text import ascii_lower, trie_pattern

REDACTED: Final = "[REDACTED]"
_NO_PROVIDERS: Final[frozenset[str]] = frozenset()

ALWAYS_HEADERS: Final = (
    "Authorization",
    "Proxy-Authorization",
    "Cookie",
    "Set-Cookie",
    "X-API-KEY",
    "Api-Key",
    "X-Auth-Token",
    "X-Access-Token",
)
ALWAYS_FIELDS: Final = (
    "password",
    "passwd",
    "token",
    "secret",
    "api_key",
    "apikey",
    "api-key",
    "access_token",
    "refresh_token",
    "id_token",
    "client_secret",
    "private_key",
    "secret_key",
    "authorization",
    "cookie",
)
# Any name ending in one of these is secret too: X-Auth-Token, csrf_token, client_secret.
_GENERIC_WORDS: Final = (
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "api-key",
    "access_key",
    "access-key",
    "private_key",
    "private-key",
    "signature",  # request signatures (a SHA-512 of the body) let a request be replayed
    "hash",
)
_GENERIC_SUFFIX: Final = r"(?:[\w.-]{0,40}?[-_.])?(?:password|passwd|secret|token|api[-_]?key|apikey|access[-_]?key|private[-_]?key|signature)"

_SCHEME_RE: Final = re.compile(r"(?:bearer|basic|token|digest|apikey|hmac\S*)[ \t]+")
_AUTH_SCHEMES: Final = {"bearer", "basic", "token", "digest", "apikey"}
_CREDENTIAL_RE: Final = re.compile(r"[ \t]+([^\s\"',;}\]]+)")
# Values that are not secrets even under a secret name.
_NOT_SECRETS: Final = {
    "",
    "null",
    "none",
    "nil",
    "undefined",
    "true",
    "false",
    "[redacted]",
    "redacted",
    "***",
    "[filtered]",
}


@dataclass(frozen=True, slots=True)
class Redaction:
    kind: str  # api_key | pin | signature | authorization | cookie | secret
    where: str

    def to_dict(self) -> dict:
        return {"kind": self.kind, "where": self.where}


@dataclass(slots=True, eq=False, init=False)
class Redacted:
    """(Not frozen, as every paste builds one and a frozen dataclass pays for each field it
    sets; read-only all the same. Its __init__ written out for the same reason: see compiled.py.)"""

    text: str
    redactions: tuple[Redaction, ...]
    # Providers whose own key format was seen (an rk_live_ key says RukkyHub).
    providers: frozenset[str]
    # Where the cuts are: (start in the redacted text, end there, length of what was cut).
    cuts: tuple[tuple[int, int, int], ...]
    # ascii_lower(text), when nothing was cut (the redactor lowered it already): the
    # extractor reuses it instead of lowering the same text again.
    lowered: str | None

    def __init__(
        self,
        text: str,
        redactions: tuple[Redaction, ...],
        providers: frozenset[str],
        cuts: tuple[tuple[int, int, int], ...],
        lowered: str | None = None,
    ) -> None:
        self.text = text
        self.redactions = redactions
        self.providers = providers
        self.cuts = cuts
        self.lowered = lowered

    def to_original(self, position: int) -> int:
        """A position in the redacted text -> the same place in the text as given."""
        shift = 0
        for start, end, removed in self.cuts:
            if position < start:
                break
            if position < end:
                return start - shift + (removed if position > start else 0)
            shift += (end - start) - removed
        return position - shift

    def to_redacted(self, position: int) -> int:
        """A position in the text as given -> the same place in the redacted text."""
        shift = 0
        for start, end, removed in self.cuts:
            original_start = start - shift
            if position < original_start:
                break
            if position < original_start + removed:
                return start
            shift += (end - start) - removed
        return position + shift


def kind_of(name: str) -> str:
    lowered = name.lower()
    if "authorization" in lowered:
        return "authorization"
    if "cookie" in lowered:
        return "cookie"
    if lowered == "pin" or lowered.endswith(("_pin", "-pin", "pin_code")):
        return "pin"
    if "hash" in lowered or "signature" in lowered or lowered.endswith(("sig", "-sign")):
        return "signature"
    if "key" in lowered:
        return "api_key"
    return "secret"


class Redactor:
    """Built once per catalogue from every provider's rules; `redact()` is pure."""

    def __init__(
        self,
        header_names: list[str],
        field_names: list[str],
        patterns: list[tuple[str, str, str]],  # (provider slug, provider name, regex)
    ) -> None:
        headers = {n.lower() for n in (*ALWAYS_HEADERS, *header_names) if n}
        # Redactions are described with these names, never with text from the paste: a name
        # glued to a secret ('rk_live_…X-API-KEY') must not carry the secret into the answer.
        self._display = {
            n.lower(): n for n in (*ALWAYS_FIELDS, *field_names, *ALWAYS_HEADERS, *header_names) if n
        }
        fields = {n.lower() for n in (*ALWAYS_FIELDS, *field_names) if n} | headers
        self._header_names = headers
        header_alt = f"(?:{trie_pattern(headers)}|{_GENERIC_SUFFIX.replace('[-_.]', '-')})"
        self._generic_words = frozenset(_GENERIC_WORDS)
        field_alt = trie_pattern(fields | self._generic_words)
        self._header_line = re.compile(
            rf"(?m)^(?P<lead>[ \t]*(?:[<>][ \t]?)?)(?P<name>{header_alt})[ \t]*:[ \t]*(?P<value>[^\r\n]*)"
        )
        self._curl_header = re.compile(
            rf"(?:-h|--header)[ \t]+[\"']?(?P<name>{header_alt})[ \t]*:[ \t]*(?P<value>[^\"'\r\n]*)"
        )
        self._field = re.compile(
            rf"""(?P<name>{field_alt})(?P<close>\\{{0,3}}["']?\]?)[ \t]*(?P<sep>=>|:|=)[ \t]*(?:\r?\n[ \t]*)?(?:string\(\d+\)[ \t]*)?(?:
                \\{{1,3}}["'](?P<ev>(?:[^"'\\\n]|\\(?!\\{{0,2}}["']))*)\\{{1,3}}["']
              | "(?P<dv>(?:[^"\\\n]|\\.)*)"
              | '(?P<sv>(?:[^'\\\n]|\\.)*)'
              | (?P<bv>[^\s"'&,;{{}}\[\]()<>\\]+)
            )""",
            re.X,
        )
        self._bearer = re.compile(r"\bbearer[ \t]+(?P<value>[a-z0-9\-._~+/]{6,}=*)")
        self._url_credentials = re.compile(
            r"\b[a-z][a-z0-9+.-]{0,20}://[^/\s:@\"']{1,200}:(?P<value>[^@\s/\"']{1,200})@"
        )
        self._jwt = re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{4,}")
        self._compile_patterns(patterns)
        # One cheap pass says whether any secret name is there at all; most pastes skip the rest.
        names = headers | fields
        probe_words = names | set(_GENERIC_WORDS) | {"key"}
        self._name_probe = re.compile(trie_pattern(probe_words))
        # The probe can match only where one of these (each inside some name) is: a few
        # substring tests say 'no name here' faster than the regex walks the text.
        self._name_roots = _roots(probe_words)

    def _compile_patterns(self, patterns: list[tuple[str, str, str]]) -> None:
        """Providers' key formats. Those that start with a literal ('rk_live_') are found through
        one trie of their prefixes and then tried where a prefix occurs, so 500 providers' formats
        cost one pass, not 500; the rest share one alternation."""
        by_prefix: dict[str, list[tuple[re.Pattern, str, str]]] = {}
        loose: list[str] = []
        loose_groups: dict[str, tuple[str, str]] = {}
        for index, (slug, name, pattern) in enumerate(patterns):
            try:
                compiled = re.compile(pattern)
            except re.error:
                continue  # a broken rule must not break diagnosis
            prefix = _literal_prefix(pattern, limit=64)
            label = _literal_prefix(pattern)
            where = f"{label}… {name} key format" if label else f"{name} key format"
            if len(prefix) >= 3:
                by_prefix.setdefault(prefix, []).append((compiled, slug, where))
            else:
                group = f"p{index}"
                loose.append(f"(?P<{group}>{pattern})")
                loose_groups[group] = (slug, where)
        self._by_prefix = by_prefix
        self._prefix_lengths = sorted({len(p) for p in by_prefix}, reverse=True)
        self._prefix_probe = re.compile(trie_pattern(by_prefix)) if by_prefix else None
        self._prefix_roots = _roots(by_prefix)
        self._loose = None
        self._loose_gate = None
        if loose:
            try:
                self._loose = (re.compile("|".join(loose)), loose_groups)
            except re.error:
                self._loose = None
            else:
                self._loose_gate = _run_gate(self._loose[0].pattern)

    def _key_formats(self, text: str, spans: list, providers: set[str]) -> None:
        if self._prefix_probe is not None and _holds_any(text, self._prefix_roots):
            for found in self._prefix_probe.finditer(text):
                position, matched = found.start(), found.group()
                best = None
                for length in self._prefix_lengths:
                    if length > len(matched):
                        continue
                    for compiled, slug, where in self._by_prefix.get(matched[:length], ()):
                        hit = compiled.match(text, position)
                        if hit and hit.end() > position and (best is None or hit.end() > best[0]):
                            best = (hit.end(), slug, where)
                if best is not None:
                    providers.add(best[1])
                    spans.append((position, best[0], Redaction("api_key", best[2])))
        if self._loose is not None and (
            self._loose_gate is None or self._loose_gate[0].search(text[:: self._loose_gate[1]]) is not None
        ):
            regex, groups = self._loose
            for found in regex.finditer(text):
                name = found.lastgroup
                if found.end() > found.start() and name is not None:  # (every alternative is named)
                    slug, where = groups[name]
                    providers.add(slug)
                    spans.append((found.start(), found.end(), Redaction("api_key", where)))

    def key_format_in(self, text: str) -> bool:
        """Whether a provider's key format occurs in `text` (what redact() would cut as an API key)."""
        spans: list[tuple[int, int, Redaction]] = []
        self._key_formats(text, spans, set())
        return bool(spans)

    def redact(self, text: str) -> Redacted:
        spans: list[tuple[int, int, Redaction]] = []
        providers: set[str] = set()
        lowered = ascii_lower(text)
        named = _holds_any(lowered, self._name_roots) and self._name_probe.search(lowered) is not None
        if named and ":" in text:
            for found in self._header_line.finditer(lowered):
                self._header(text, found, spans)
            if "-h" in lowered or "--header" in lowered:
                for found in self._curl_header.finditer(lowered):
                    self._header(text, found, spans)
        if named and ("=" in text or ":" in text):
            for found in self._field.finditer(lowered):
                self._field_value(text, lowered, found, spans)
        if "bearer" in lowered:
            for found in self._bearer.finditer(lowered):
                spans.append(
                    (found.start("value"), found.end("value"), Redaction("authorization", "Bearer token"))
                )
        if "://" in text and "@" in text:
            for found in self._url_credentials.finditer(lowered):
                spans.append(
                    (found.start("value"), found.end("value"), Redaction("secret", "password in a URL"))
                )
        if "eyJ" in text:
            for found in self._jwt.finditer(text):
                spans.append((found.start(), found.end(), Redaction("secret", "a JSON Web Token")))
        self._key_formats(text, spans, providers)
        if not spans:
            return Redacted(text, (), frozenset(providers) if providers else _NO_PROVIDERS, (), lowered)

        spans.sort(key=lambda s: (s[0], -s[1]))
        kept, seen, covered_to = [], set(), -1
        for start, end, redaction in spans:
            if start >= end:
                continue
            if start < covered_to:  # inside a cut already described (a header also matched as a field)
                covered_to = max(covered_to, end)
                continue
            covered_to = end
            key = (redaction.kind, redaction.where)
            if key not in seen:
                seen.add(key)
                kept.append(redaction)
        redacted, cuts = _apply(text, spans)
        return Redacted(redacted, tuple(kept), frozenset(providers), cuts)

    def _name(self, matched: str) -> str:
        """How a redaction names the header or field: its documented name, or '…token' for a longer one."""
        known = self._display.get(matched)
        if known is not None:
            return known
        word = next((w for w in _GENERIC_WORDS if matched.endswith(w)), None)
        if word is None:
            word = next(
                (w for w in ("api-key", "apikey", "token", "secret", "password") if w in matched), "secret"
            )
        return f"…{word}"

    def _header(self, text: str, found: re.Match, spans: list) -> None:
        """A header line or a curl -H: the value is secret (after an Authorization scheme)."""
        name = self._name(found.group("name"))
        value_start, value_end = found.start("value"), found.end("value")
        value = text[value_start:value_end]
        stripped = value.rstrip()
        value_end -= len(value) - len(stripped)
        if stripped.lower() in _NOT_SECRETS:
            return
        if found.group("name").endswith("authorization"):
            scheme = _SCHEME_RE.match(stripped.lower())
            if scheme:
                value_start += scheme.end()
        if value_start >= value_end:
            return
        spans.append((value_start, value_end, Redaction(kind_of(name), f"{name} header")))

    def _field_value(self, text: str, lowered: str, found: re.Match, spans: list) -> None:
        group = next((g for g in ("ev", "dv", "sv", "bv") if found.group(g) is not None), None)
        if group is None:
            return
        # The name must start a word ('monkey: 1' is not a key); a generic secret word may end
        # a longer name ('csrf_token', 'x_client_secret'), which is then reported whole.
        start = found.start("name")
        before = lowered[start - 1] if start else ""
        # `"" in "_-."` is true: a name at the very start of the paste must not count as glued.
        if before and (before.isalnum() or before in "_-."):
            if found.group("name") not in self._generic_words or before.isalnum():
                return
            while (
                start > 0
                and (lowered[start - 1].isalnum() or lowered[start - 1] in "_-.")
                and found.start("name") - start < 60
            ):
                start -= 1
        value_start, value_end = found.start(group), found.end(group)
        value = text[value_start:value_end]
        if value.strip().lower() in _NOT_SECRETS:
            return
        if group == "bv" and value.lower() in _AUTH_SCHEMES:
            # `Authorization: Bearer abc`: the secret is the word after the scheme.
            credential = _CREDENTIAL_RE.match(text, value_end)
            if credential is None:
                return
            value_start, value_end = credential.start(1), credential.end(1)
        name = self._name(lowered[start : found.end("name")])
        before = text[start - 1] if start else "\n"
        sep = found.group("sep")
        if sep == "=":
            if before == "?":
                where = f"{name}= in the query string"
            elif before == "&":
                line_start = text.rfind("\n", max(0, start - 2_000), start) + 1
                where = (
                    f"{name}= in the query string"
                    if "?" in text[max(line_start, start - 2000) : start]
                    else f"{name}= in a form body"
                )
            elif before in "\n\r":
                where = f"{name}= in a form body"
            else:
                where = f"{name}= in the text"
        elif sep == "=>":
            where = f"{name} in a PHP dump"
        elif name.lower() in self._header_names:
            where = f"{name} header"
        else:
            where = f"{name} field"
        spans.append((value_start, value_end, Redaction(kind_of(name), where)))


def _run_gate(pattern: str) -> tuple[re.Pattern, int] | None:
    """A cheap test that a text cannot hold a match of `pattern`; None when there is none.

    Key formats without a literal start ('\\b[0-9a-fA-F]{128}\\b') are tried at every position
    of the paste, which costs more than the rest of the redaction. When every character such
    a match can hold is known (literals and ranges, no case folding, no '.' or class like \\w)
    and a match is at least `width` long, a match is a run of `width` or more characters of
    that set, and such a run covers at least width // stride consecutive characters of
    text[::stride] (any `width` consecutive positions hold that many multiples of `stride`).
    So when text[::stride] has no such run, the pattern cannot match: it is not tried.
    Returns (regex finding such a run in text[::stride], stride).
    """
    try:
        parsed = _sre_parser.parse(pattern)
        width = parsed.getwidth()[0]
    except Exception:  # (an internal module: any surprise means no gate, never a wrong one)
        return None
    if parsed.state.flags & re.IGNORECASE or width < 16:
        return None
    chars: set[str] = set()
    if not _match_chars(parsed, chars) or not chars:
        return None
    stride = width // 8
    wanted = width // stride
    allowed = "".join(sorted(re.escape(c) for c in chars))
    return re.compile(f"[{allowed}]{{{wanted}}}"), stride


def _match_chars(items, chars: set[str]) -> bool:
    """Add to `chars` every character a match of the parsed `items` can consume; False if unbounded."""
    for op, arg in items:
        if op is _sre.LITERAL:
            chars.add(chr(arg))
        elif op is _sre.IN:
            for kind, value in arg:
                if kind is _sre.LITERAL:
                    chars.add(chr(value))
                elif kind is _sre.RANGE and value[1] - value[0] <= 256:
                    chars.update(chr(code) for code in range(value[0], value[1] + 1))
                else:
                    return False  # a negated set, a category (\\w, \\d), a huge range
        elif op is _sre.AT:
            continue  # \\b, ^, $: they consume nothing
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):
            if not _match_chars(arg[2], chars):
                return False
        elif op is _sre.SUBPATTERN:
            if arg[1] & re.IGNORECASE or not _match_chars(arg[3], chars):
                return False
        elif op is _sre.BRANCH:
            if not all(_match_chars(branch, chars) for branch in arg[1]):
                return False
        else:
            return False  # anything else ('.', lookarounds, backreferences): no gate
    return True


def _holds_any(text: str, roots: tuple[str, ...] | None) -> bool:
    """Whether `text` holds one of `roots` (True when there are no roots to test: look anyway)."""
    if roots is None:
        return True
    for root in roots:
        if root in text:
            return True
    return False


def _roots(words, limit: int = 16) -> tuple[str, ...] | None:
    """The words that hold no other of `words`: a text holding none of them holds none of `words`.

    None when there are more than `limit` (testing them one by one would cost more than the regex).
    """
    ordered = sorted({w[:200] for w in words if w}, key=len)  # as trie_pattern reads them
    roots: list[str] = []
    for word in ordered:
        if not any(root in word for root in roots):
            roots.append(word)
            if len(roots) > limit:
                return None
    return tuple(roots)


def _apply(
    text: str, spans: list[tuple[int, int, Redaction]]
) -> tuple[str, tuple[tuple[int, int, int], ...]]:
    merged: list[list[int]] = []
    for start, end, _ in spans:  # already sorted by start
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    pieces, position, cuts, length = [], 0, [], 0
    for start, end in merged:
        pieces.append(text[position:start])
        length += start - position
        cuts.append((length, length + len(REDACTED), end - start))
        pieces.append(REDACTED)
        length += len(REDACTED)
        position = end
    pieces.append(text[position:])
    return "".join(pieces), tuple(cuts)


def _literal_prefix(pattern: str, limit: int = 12) -> str:
    """The literal start of a key format ('rk_live_' of 'rk_live_[A-Za-z0-9]+'), to name it safely."""
    prefix = []
    body = pattern.lstrip("^")
    for index, char in enumerate(body):
        if char.isalnum() or char in "_-":
            # A quantifier after it makes the character optional or repeated: not literal.
            if index + 1 < len(body) and body[index + 1] in "?*{":
                break
            prefix.append(char)
        else:
            break
    # A whole-literal pattern would be the secret itself: never show more than a short prefix.
    literal = "".join(prefix)
    if "|" in body:
        return ""  # an alternation: the start of one branch says nothing about the others
    return literal if 2 <= len(literal) <= limit and len(literal) < len(body) else ""
