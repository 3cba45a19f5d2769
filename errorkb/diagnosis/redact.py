"""Redaction: every secret in a paste is replaced before anything else looks at it.

The engine analyses only the redacted text, so no secret can reach a match, a
reason, the context or a log. Some names are always secret whatever the
provider (Authorization, cookies, passwords, tokens, API keys, bearer tokens);
each provider's rules add its own header names, field names and key formats.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import trie_pattern

REDACTED = "[REDACTED]"

ALWAYS_HEADERS = (
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-api-key",
    "api-key",
    "x-auth-token",
    "x-access-token",
)
ALWAYS_FIELDS = (
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
_GENERIC_SUFFIX = r"(?:[\w.-]{0,40}?[-_.])?(?:password|passwd|secret|token|api[-_]?key|apikey|access[-_]?key|private[-_]?key)"

_AUTH_SCHEMES = {"bearer", "basic", "token", "digest", "apikey"}
_CREDENTIAL_RE = re.compile(r"[ \t]+([^\s\"',;}\]]+)")
# Values that are not secrets even under a secret name.
_NOT_SECRETS = {"", "null", "none", "nil", "undefined", "true", "false", "[redacted]", "redacted", "***", "[filtered]"}


@dataclass(frozen=True, slots=True)
class Redaction:
    kind: str  # api_key | pin | signature | authorization | cookie | secret
    where: str

    def to_dict(self) -> dict:
        return {"kind": self.kind, "where": self.where}


@dataclass(frozen=True, slots=True)
class Redacted:
    text: str
    redactions: tuple[Redaction, ...]
    # Providers whose own key format was seen (an rk_live_ key says RukkyHub).
    providers: frozenset[str]


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
        fields = {n.lower() for n in (*ALWAYS_FIELDS, *field_names) if n} | headers
        self._header_names = headers
        header_alt = f"(?:{trie_pattern(headers)}|{_GENERIC_SUFFIX.replace('[-_.]', '-')})"
        field_alt = f"(?:{trie_pattern(fields)}|{_GENERIC_SUFFIX})"
        self._header_line = re.compile(
            rf"(?im)^(?P<lead>[ \t]*(?:[<>][ \t]?)?)(?P<name>{header_alt})[ \t]*:[ \t]*(?P<value>[^\r\n]*)"
        )
        self._curl_header = re.compile(
            rf"(?i)(?:-H|--header)[ \t]+[\"']?(?P<name>{header_alt})[ \t]*:[ \t]*(?P<value>[^\"'\r\n]*)"
        )
        self._field = re.compile(
            rf"""(?i)(?<![\w-])(?P<name>{field_alt})(?P<close>\\{{0,3}}["']?\]?)[ \t]*(?P<sep>=>|:|=)[ \t]*(?:\r?\n[ \t]*)?(?:string\(\d+\)[ \t]*)?(?:
                \\{{1,3}}["'](?P<ev>(?:[^"'\\\n]|\\(?!\\{{0,2}}["']))*)\\{{1,3}}["']
              | "(?P<dv>(?:[^"\\\n]|\\.)*)"
              | '(?P<sv>(?:[^'\\\n]|\\.)*)'
              | (?P<bv>[^\s"'&,;{{}}\[\]()<>\\]+)
            )""",
            re.X,
        )
        self._bearer = re.compile(r"(?i)\bbearer[ \t]+(?P<value>[A-Za-z0-9\-._~+/]{6,}=*)")
        self._url_credentials = re.compile(r"(?i)\b[a-z][a-z0-9+.-]{0,20}://[^/\s:@\"']{1,200}:(?P<value>[^@\s/\"']{1,200})@")
        self._jwt = re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{4,}")
        self._patterns = self._compile_patterns(patterns)
        # Cheap substring checks that let most pastes skip a regex pass entirely.
        names = headers | fields
        self._name_needles = (
            tuple(sorted(names | {"password", "passwd", "secret", "token", "key"})) if len(names) <= 300 else None
        )
        prefixes = [_literal_prefix(p, limit=64) for _, _, p in patterns]
        self._pattern_needles = tuple(set(prefixes)) if prefixes and all(len(p) >= 3 for p in prefixes) else None

    @staticmethod
    def _compile_patterns(patterns):
        """One regex for all providers' key formats; each pattern in its own named group."""
        compiled, groups = [], {}
        for index, (slug, name, pattern) in enumerate(patterns):
            try:
                re.compile(pattern)
            except re.error:
                continue  # a broken rule must not break diagnosis; the catalogue check reports it
            group = f"p{index}"
            compiled.append(f"(?P<{group}>{pattern})")
            groups[group] = (slug, name, _literal_prefix(pattern))
        if not compiled:
            return None
        try:
            return re.compile("|".join(compiled)), groups
        except re.error:
            return None

    def redact(self, text: str) -> Redacted:
        spans: list[tuple[int, int, Redaction]] = []
        providers: set[str] = set()
        lowered = text.lower()
        named = self._name_needles is None or any(n in lowered for n in self._name_needles)
        if named and ":" in text:
            for found in self._header_line.finditer(text):
                self._header(found, spans)
            if "-H" in text or "--header" in text:
                for found in self._curl_header.finditer(text):
                    self._header(found, spans, curl=True)
        if named and ("=" in text or ":" in text):
            for found in self._field.finditer(text):
                self._field_value(text, found, spans)
        if "bearer" in lowered:
            for found in self._bearer.finditer(text):
                spans.append((found.start("value"), found.end("value"), Redaction("authorization", "Bearer token")))
        if "://" in text and "@" in text:
            for found in self._url_credentials.finditer(text):
                spans.append((found.start("value"), found.end("value"), Redaction("secret", "password in a URL")))
        if "eyJ" in text:
            for found in self._jwt.finditer(text):
                spans.append((found.start(), found.end(), Redaction("secret", "a JSON Web Token")))
        if self._patterns is not None and (
            self._pattern_needles is None or any(n in text for n in self._pattern_needles)
        ):
            regex, groups = self._patterns
            for found in regex.finditer(text):
                slug, name, prefix = groups[found.lastgroup]
                providers.add(slug)
                label = f"{prefix}… " if prefix else ""
                spans.append((found.start(), found.end(), Redaction("api_key", f"{label}{name} key format")))
        if not spans:
            return Redacted(text, (), frozenset(providers))

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
        return Redacted(_apply(text, spans), tuple(kept), frozenset(providers))

    def _header(self, found: re.Match, spans: list, curl: bool = False) -> None:
        name = found.group("name")
        value_start, value_end = found.start("value"), found.end("value")
        value = found.group("value")
        stripped = value.rstrip()
        value_end -= len(value) - len(stripped)
        if stripped.lower() in _NOT_SECRETS:
            return
        lowered = name.lower()
        if lowered.endswith("authorization"):
            scheme = re.match(r"(?:Bearer|Basic|Token|Digest|ApiKey|HMAC\S*)[ \t]+", stripped, re.I)
            if scheme:
                value_start += scheme.end()
        if value_start >= value_end:
            return
        spans.append((value_start, value_end, Redaction(kind_of(name), f"{name} header")))

    def _field_value(self, text: str, found: re.Match, spans: list) -> None:
        group = next((g for g in ("ev", "dv", "sv", "bv") if found.group(g) is not None), None)
        if group is None:
            return
        value = found.group(group)
        value_start, value_end = found.start(group), found.end(group)
        if value.strip().lower() in _NOT_SECRETS:
            return
        if group == "bv" and value.lower() in _AUTH_SCHEMES:
            # `Authorization: Bearer abc`: the secret is the word after the scheme.
            credential = _CREDENTIAL_RE.match(text, value_end)
            if credential is None:
                return
            value_start, value_end = credential.start(1), credential.end(1)
        name = found.group("name")
        start = found.start("name")
        before = text[start - 1] if start else "\n"
        sep = found.group("sep")
        if sep == "=":
            if before == "?":
                where = f"{name}= in the query string"
            elif before == "&":
                line_start = text.rfind("\n", 0, start) + 1
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


def _apply(text: str, spans: list[tuple[int, int, Redaction]]) -> str:
    merged: list[list[int]] = []
    for start, end, _ in spans:  # already sorted by start
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    pieces, position = [], 0
    for start, end in merged:
        pieces.append(text[position:start])
        pieces.append(REDACTED)
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


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
