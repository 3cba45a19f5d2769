"""How the pages show catalogue entries and diagnoses: labels, highlights, groupings.

Pure functions over model instances, entries' values and the engine's result dicts;
no queries. Every string that reaches a page through here is escaped
(escape, html.escape), so catalogue data and pastes can never become markup.
"""

from __future__ import annotations

import functools
import html
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from errorkb.catalogue.models import entry_path, is_retryable, is_status_documented
from errorkb.diagnosis.result import CONFIDENT  # at or above it the engine stands behind a match

CONFIDENCE_WORDS = (
    (0.9, "Certain"),
    (0.75, "Very likely"),
    (CONFIDENT, "Likely"),
    (0.3, "A guess"),
    (0.0, "A long shot"),
)

# What each key of a provider's envelope rules means, for the annotated example.
ENVELOPE_MEANINGS = {
    "code": "The numbered error code: look it up here.",
    "message": "The human-readable message.",
    "field_errors": "Validation errors: each field with its list of messages.",
    "signature": "Always present in this provider's responses.",
}
CONTEXT_MEANINGS = {
    "request_id": "Quote it when you contact the provider's support.",
    "processing_time": "How long the provider took, in milliseconds.",
    "details": "Extra detail, such as the missing field and its JSON path.",
    "provider_context": "Extra context from the provider (usually null).",
    "reset_in": "Seconds until the rate-limit window resets.",
    "detected_domain": "The origin the provider saw, on a whitelist mismatch.",
}


def confidence_words(confidence: float | None) -> str:
    value = confidence or 0.0
    return next(words for floor, words in CONFIDENCE_WORDS if value >= floor)


def percent(confidence: float | None) -> int:
    return round((confidence or 0.0) * 100)


# --- Highlighting -------------------------------------------------------------------


def query_words(query: str) -> list[str]:
    """The words of a query worth marking, longest first so overlaps mark the longer."""
    words = {w for w in re.findall(r"\w+", query.lower()) if len(w) > 1 or w.isdigit()}
    return sorted(words, key=lambda word: (-len(word), word))


@functools.lru_cache(maxsize=256)
def words_pattern(words: tuple[str, ...]) -> re.Pattern:
    """One pattern for all the words (a page of results highlights the same words 200 times),
    capturing them, so split() keeps each found word between the text around it."""
    return re.compile("(" + "|".join(re.escape(w) for w in words) + ")", re.IGNORECASE)


def highlight(text: str, words: list[str]) -> SafeString:
    """`text` escaped, with every occurrence of any of `words` wrapped in <mark>.

    Escaped with html.escape, which is what Django's escape() calls: escape() and
    format_html() first check every argument for a lazy string, and a page of fifty
    results called them about 1,200 times. Marking the fifty results of 'Payment
    does not exist' at 100k: 8.5 -> 1.4 ms ('wallet is blocked' 4.5 -> 1.3 ms).
    """
    text = str(text or "")
    if not words or not text:
        return escape(text)
    pieces = words_pattern(tuple(words)).split(text)  # the found words at odd positions
    pieces[0::2] = [html.escape(piece) for piece in pieces[0::2]]
    pieces[1::2] = [f"<mark>{html.escape(word)}</mark>" for word in pieces[1::2]]
    return mark_safe("".join(pieces))  # every piece is escaped


def snippet(text: str, words: list[str], width: int = 160) -> str:
    """A window of `text` around the first matched word, at most about `width` long."""
    text = " ".join(str(text or "").split())
    if len(text) <= width:
        return text
    lowered = text.lower()
    hits = [lowered.find(w) for w in words if w in lowered]
    start = max(0, min(hits) - width // 3) if hits else 0
    start = text.rfind(" ", 0, start) + 1 if start else 0
    end = start + width
    cut = text[start:end].rsplit(" ", 1)[0] if end < len(text) else text[start:]
    return ("…" if start else "") + cut + ("…" if end < len(text) else "")


def marked_segments(text: str, spans) -> list[tuple[str, bool]]:
    """Split `text` into (piece, is_highlighted) along the engine's [start, end) spans."""
    segments, position = [], 0
    for start, end in sorted((max(0, s), min(len(text), e)) for s, e in spans or []):
        if start < position:
            start = position
        if start >= end:
            continue
        if start > position:
            segments.append((text[position:start], False))
        segments.append((text[start:end], True))
        position = end
    if position < len(text):
        segments.append((text[position:], False))
    return segments


# --- Search -------------------------------------------------------------------------


def split_provider(query: str, providers: dict[str, str]) -> tuple[str | None, str]:
    """('123hub', '6010') for '123hub 6010': a leading provider slug or name narrows the search."""
    first, _, rest = query.partition(" ")
    for slug, name in providers.items():
        if first.lower() in (slug.lower(), name.lower()):
            return slug, rest.strip()
    return None, query


# What a result row shows of an entry, by the names values() gives them (page_values()):
# its own text and status, its provider's name and its category's name, and the rank
# the search gave it. The JSON fields, the example and the provider's rules are left
# in the database: decoding them for fifty rows cost more than the search.
RESULT_VALUES = (
    "code",
    "kind",
    "title",
    "message",
    "description",
    "http_status",
    "http_status_basis",
    "retry_strategy",
    "provider__slug",
    "provider__name",
    "category__name",
    "rank",
)


def search_hit(row: dict, words: list[str]) -> dict:
    """An entry (its RESULT_VALUES) as a result row: matched words marked, the description cut around them.

    A flat dict of what the row shows (and the entry's values): a template reads a
    dict's keys at once, where each dotted step on an object first tries a key
    lookup that fails. A page of fifty results at 100k entries rendered in 4.7 ms
    from the entries, and in about 2.3 ms from these.
    """
    return {
        "entry": row,
        "url": entry_path(row["provider__slug"], row["code"]),
        "provider_name": row["provider__name"],
        "code": highlight(row["code"], words),
        "title": highlight(row["title"], words),
        "message": highlight(row["message"], words) if row["message"] != row["title"] else "",
        "description": highlight(snippet(row["description"], words), words),
        "http_status": row["http_status"],  # with the next, what web/_status.html reads
        "http_status_documented": is_status_documented(row["http_status_basis"]),
        "category": row["category__name"] or "",
        "retryable": is_retryable(row["retry_strategy"]),
    }


# --- Catalogue pages ----------------------------------------------------------------


def http_url(url: str) -> str:
    """`url` if it is an http(s) address, else "" (never a javascript: link)."""
    return url if re.match(r"^https?://", url or "", re.IGNORECASE) else ""


def diagnose_link(entry) -> str:
    """The paste page, pre-filled with a body like this entry's."""
    params = {"body": entry.example or entry.message or entry.code, "provider": entry.provider.slug}
    if entry.http_status and entry.http_status_documented:
        params["http_status"] = entry.http_status
    return f"{reverse('web:paste')}?{urlencode(params)}"


@dataclass
class RangeSlot:
    category: object
    entries: list = field(default_factory=list)


def range_map(categories, entries) -> list[RangeSlot]:
    """Each numbered category of a provider with its documented codes (empty ones too)."""
    slots = {c.pk: RangeSlot(c) for c in categories if c.code_range_start is not None}
    for entry in entries:
        if entry.category_id in slots:
            slots[entry.category_id].entries.append(entry)
    return sorted(slots.values(), key=lambda slot: slot.category.code_range_start)


def envelope_annotations(provider) -> list[tuple[str, str]]:
    """(JSON path, what it means) for the fields of the provider's error envelope."""
    rules = (provider.rules or {}).get("envelope") or {}
    annotations = []
    for key in ("code", "message", "field_errors", "signature"):
        value = rules.get(key)
        if not value:
            continue
        paths = value if isinstance(value, list) else [value]
        annotations.append((", ".join(str(p) for p in paths), ENVELOPE_MEANINGS[key]))
    for name, path in (rules.get("context") or {}).items():
        annotations.append((str(path), CONTEXT_MEANINGS.get(name, name.replace("_", " ").capitalize())))
    return annotations


# --- Diagnosis ----------------------------------------------------------------------


def present_diagnosis(result: dict, provider_names: dict | None = None, now: datetime | None = None) -> dict:
    """The engine's to_dict() with what the page needs to show it at a glance."""
    now = now or datetime.now(UTC)
    names = provider_names or {}
    matches = [_present_match(m, names) for m in result.get("matches") or []]
    confident = [m for m in matches if m["confident"]]
    context = dict(result.get("context") or {})
    advice = result.get("advice") or {}
    return {
        **result,
        "matches": matches,
        "top": confident[0] if confident else None,
        "others": [m for m in matches if not confident or m is not confident[0]],
        "advice": advice,
        "context_items": _context_items(context),
        "field_errors": sorted((context.get("field_errors") or {}).items()),
        "reset": _reset(advice, now),
        "rate_limit": sorted((context.get("rate_limit") or {}).items()),
        "request_id": context.get("request_id"),
        "segments": marked_segments(result.get("redacted_text") or "", result.get("highlights")),
        "redaction_notes": [_redaction_note(r) for r in result.get("redactions") or []],
        "grouped": [_present_summary_row(row, names) for row in result.get("summary") or []],
        "many": len(result.get("errors") or []) > 1,
    }


def _present_match(match: dict, names: dict) -> dict:
    confidence = match.get("confidence") or 0.0
    return {
        **match,
        "provider_name": names.get(match.get("provider"), match.get("provider")),
        "confident": confidence >= CONFIDENT,
        "confidence_words": confidence_words(confidence),
        "percent": percent(confidence),
    }


def _present_summary_row(row: dict, names: dict) -> dict:
    provider, code = row.get("provider"), row.get("code")
    return {
        **row,
        "provider_name": names.get(provider, provider),
        "url": entry_path(provider, code) if provider and code else None,
    }


# Context keys shown in their own place on the page, not in the generic list.
_SHOWN_APART = {"request_id", "field_errors", "rate_limit", "reset_in"}
_CONTEXT_LABELS = {
    "processing_time": "Processing time",
    "detected_domain": "Detected domain",
    "details": "Details",
    "description": "Description",
    "missing_fields": "Missing fields",
    "path": "JSON path",
    "error_code": "Code in the paste",
    "error_message": "Message in the paste",
    "date": "Date",
    "provider_context": "Provider context",
    "retry_after": "Retry-After",
    "method": "Method",
    "url": "URL",
    "host": "Host",
}


def _context_items(context: dict) -> list[dict]:
    """The rest of the context as (label, text, is_code) rows, in a stable order."""
    items = []
    for key, value in context.items():
        if key in _SHOWN_APART or value in (None, "", [], {}):
            continue
        if key == "details" and isinstance(value, dict):
            for sub_key, sub_value in value.items():
                if sub_value in (None, "", [], {}):
                    continue
                label = _CONTEXT_LABELS.get(sub_key, sub_key.replace("_", " ").capitalize())
                items.append(_context_row(label, sub_value))
            continue
        label = _CONTEXT_LABELS.get(key, key.replace("_", " ").capitalize())
        if key == "processing_time" and isinstance(value, int | float) and not isinstance(value, bool):
            value = f"{value} ms"
        items.append(_context_row(label, value))
    return items


def _context_row(label: str, value) -> dict:
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return {"label": label, "text": ", ".join(str(v) for v in value), "block": False}
    if isinstance(value, dict | list):
        return {"label": label, "text": json.dumps(value, indent=2, ensure_ascii=False), "block": True}
    return {"label": label, "text": str(value), "block": False}


def _reset(advice: dict, now: datetime) -> dict | None:
    """When to retry, as a deadline: the engine's wait (reset_in, Retry-After or the reset header)."""
    seconds = advice.get("retry_after_seconds")
    if seconds is None:
        return None
    at = now + timedelta(seconds=seconds)
    return {"seconds": seconds, "at": at, "iso": at.isoformat(timespec="seconds")}


REDACTION_WORDS = {
    "api_key": "an API key",
    "pin": "a PIN",
    "signature": "a signature",
    "authorization": "an Authorization header",
    "cookie": "a cookie",
    "secret": "a secret",
}


def _redaction_note(redaction: dict) -> str:
    kind = str(redaction.get("kind") or "secret")
    what = REDACTION_WORDS.get(kind, kind.replace("_", " "))
    where = redaction.get("where")
    return f"{what} ({where})" if where else what
