"""What a diagnosis returns: matches, context, advice, redactions; and its JSON form.

(Plain slotted dataclasses, not frozen ones: a frozen dataclass pays for every field it
sets, and a diagnosis is built in microseconds. Treat them as read-only all the same.)

`Diagnosis.to_dict()` is the contract the web page, the JSON API and the CLI are
built on; its keys do not change. Nothing here holds a secret: everything was
built from the redacted paste.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Final

from .catalogue import Category, Entry
from .redact import Redaction
from .text import parse_int

CONFIDENT: Final = 0.5  # at or above this, ErrorKB stands behind a match
MAX_SHOWN_TEXT: Final = 20_000

STRATEGY_SUMMARIES: Final = {
    "no": "Do not retry: the same request will fail the same way.",
    "exponential_backoff": "Retry with exponential backoff (for example 1 s, 2 s, 4 s, 8 s, then give up).",
    "wait_reset": "Wait until the rate-limit window resets, then retry.",
    "after_fix": "Retry only after fixing the cause.",
    "later": "Retry later.",
}


# The classes built for every paste write out their __init__ (init=False): see compiled.py.


@dataclass(slots=True, init=False)
class Match:
    entry: Entry
    confidence: float
    reasons: tuple[str, ...]
    params: dict

    def __init__(self, entry: Entry, confidence: float, reasons: tuple[str, ...], params: dict) -> None:
        self.entry = entry
        self.confidence = confidence
        self.reasons = reasons
        self.params = params

    @property
    def confident(self) -> bool:
        return self.confidence >= CONFIDENT

    def to_dict(self) -> dict:
        entry = self.entry
        template = entry.public
        if template is None:
            # The entry's fields never change: they are laid out once, in the answer's key
            # order, with the match's own three as placeholders; each answer copies it (in C).
            template = entry.public = {
                "provider": entry.provider,
                "code": entry.code,
                "kind": entry.kind,
                "title": entry.title,
                "message": entry.message,
                "http_status": entry.http_status,
                "retryable": entry.retryable,
                "retry_strategy": entry.retry_strategy,
                "confidence": None,
                "reasons": None,
                "params": None,
                "url": entry.url,
            }
        answer = template.copy()
        answer["confidence"] = self.confidence
        answer["reasons"] = list(self.reasons)
        answer["params"] = dict(self.params)
        return answer


@dataclass(slots=True, init=False)
class Advice:
    retry: bool | None
    strategy: str | None
    retry_after_seconds: int | None
    summary: str
    steps: tuple[str, ...]

    def __init__(
        self,
        retry: bool | None,
        strategy: str | None,
        retry_after_seconds: int | None,
        summary: str,
        steps: tuple[str, ...],
    ) -> None:
        self.retry = retry
        self.strategy = strategy
        self.retry_after_seconds = retry_after_seconds
        self.summary = summary
        self.steps = steps

    def to_dict(self) -> dict:
        return {
            "retry": self.retry,
            "strategy": self.strategy,
            "retry_after_seconds": self.retry_after_seconds,
            "summary": self.summary,
            "steps": list(self.steps),
        }


@dataclass(slots=True, init=False)
class FoundError:
    """One error in a paste that holds several (a log excerpt).

    `offset` is where it starts in the paste as given; `line` is its 1-based line
    number (redaction never adds or removes lines).
    """

    offset: int
    line: int
    provider: str | None
    http_status: int | None
    category: Category | None
    matches: tuple[Match, ...]
    ambiguous: bool
    context: dict

    def __init__(
        self,
        offset: int,
        line: int,
        provider: str | None,
        http_status: int | None,
        category: Category | None,
        matches: tuple[Match, ...],
        ambiguous: bool,
        context: dict,
    ) -> None:
        self.offset = offset
        self.line = line
        self.provider = provider
        self.http_status = http_status
        self.category = category
        self.matches = matches
        self.ambiguous = ambiguous
        self.context = context

    @property
    def top(self) -> Match | None:
        return self.matches[0] if self.matches else None

    def to_dict(self) -> dict:
        return {
            "offset": self.offset,
            "line": self.line,
            "provider": self.provider,
            "http_status": self.http_status,
            "category": self.category.to_dict() if self.category else None,
            "matches": [m.to_dict() for m in self.matches[:3]],
            "ambiguous": self.ambiguous,
            "context": self.context,
        }


@dataclass(slots=True, init=False)
class Diagnosis:
    provider: str | None
    http_status: int | None
    category: Category | None
    matches: tuple[Match, ...]
    ambiguous: bool
    context: dict
    advice: Advice
    redactions: tuple[Redaction, ...]
    redacted_text: str  # already cut to MAX_SHOWN_TEXT, with a note when cut
    highlights: tuple[tuple[int, int], ...]
    errors: tuple[FoundError, ...]
    summary: tuple[dict, ...]

    def __init__(
        self,
        provider: str | None,
        http_status: int | None,
        category: Category | None,
        matches: tuple[Match, ...],
        ambiguous: bool,
        context: dict,
        advice: Advice,
        redactions: tuple[Redaction, ...],
        redacted_text: str,
        highlights: tuple[tuple[int, int], ...],
        errors: tuple[FoundError, ...],
        summary: tuple[dict, ...],
    ) -> None:
        self.provider = provider
        self.http_status = http_status
        self.category = category
        self.matches = matches
        self.ambiguous = ambiguous
        self.context = context
        self.advice = advice
        self.redactions = redactions
        self.redacted_text = redacted_text
        self.highlights = highlights
        self.errors = errors
        self.summary = summary

    @property
    def top(self) -> Match | None:
        return self.matches[0] if self.matches else None

    @property
    def confident(self) -> bool:
        return bool(self.matches) and self.matches[0].confident

    def to_dict(self) -> dict:
        return {
            "provider": self.provider,
            "http_status": self.http_status,
            "category": self.category.to_dict() if self.category else None,
            "matches": [m.to_dict() for m in self.matches],
            "ambiguous": self.ambiguous,
            "context": self.context,
            "advice": self.advice.to_dict(),
            "redactions": [r.to_dict() for r in self.redactions],
            "redacted_text": self.redacted_text,
            "highlights": [[start, end] for start, end in self.highlights],
            "errors": [e.to_dict() for e in self.errors],
            "summary": [dict(s) for s in self.summary],
        }


def shown_text(redacted: str, total: int) -> str:
    """The redacted paste as returned: its first MAX_SHOWN_TEXT characters, saying so when cut."""
    if len(redacted) <= MAX_SHOWN_TEXT and total <= len(redacted):
        return redacted
    return (
        redacted[:MAX_SHOWN_TEXT] + f"\n… [cut: showing the first {MAX_SHOWN_TEXT:,} characters of {total:,}]"
    )


# --- advice ----------------------------------------------------------------------------------


def retry_after(context: dict) -> int | None:
    """Seconds to wait: reset_in from the body, else Retry-After, else X-RateLimit-Reset minus Date."""
    if "reset_in" not in context and "rate_limit" not in context:
        return None  # (most pastes: nothing to tell the time from)
    seconds = parse_int(context.get("reset_in"))
    if seconds is not None and 0 <= seconds <= 86_400 * 7:
        return seconds
    headers = context.get("rate_limit")
    if not headers:
        return None  # no Retry-After, no X-RateLimit-Reset
    rate_limit = {k.lower(): v for k, v in headers.items()}
    seconds = parse_int(rate_limit.get("retry-after"))
    if seconds is not None and 0 <= seconds <= 86_400 * 7:
        return seconds
    reset = parse_int(rate_limit.get("x-ratelimit-reset"))
    date = context.get("date")
    if reset is not None and reset > 1_000_000_000 and isinstance(date, str):
        try:
            now = parsedate_to_datetime(date).timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        wait = int(reset - now)
        if 0 <= wait <= 86_400:
            return wait
    return None


def build_advice(
    top: Match | None,
    context: dict,
    category: Category | None,
    unlisted_code: str | None,
    provider_names: dict[str, str],
) -> Advice:
    wait = retry_after(context)
    request_id = context.get("request_id")
    steps: list[str] = []
    if top is None or not top.confident:
        if unlisted_code and category:
            summary = (
                f"Code {unlisted_code} is not in the catalogue; it falls in "
                f"{provider_names.get(category.provider, category.provider)}'s "
                f"{category.name}" + (f" ({category.range_label})." if category.range_label else ".")
            )
        elif top is not None:
            summary = "No confident match: the candidates below are guesses."
        else:
            summary = "Nothing in the paste matches a documented error."
        steps.append(
            "Paste the whole response body (and the status line, if you have it) for a surer answer."
        )
        if request_id:
            steps.append(f"Quote request_id {request_id} to the provider's support.")
        return Advice(None, None, wait, summary, tuple(steps))

    entry = top.entry
    summary = STRATEGY_SUMMARIES.get(entry.retry_strategy, "")
    if wait is not None and entry.retry_strategy in ("wait_reset", "later", "exponential_backoff"):
        summary = f"Retry after {wait} s." + (" " + summary if entry.retry_strategy != "wait_reset" else "")
    elif wait is not None:
        summary += f" (The rate-limit headers say the window resets in {wait} s.)"
    steps.extend(entry.remedy)
    if entry.retry_note:
        steps.append(entry.retry_note)
    if request_id:
        steps.append(f"Quote request_id {request_id} to {entry.provider_name} support.")
    return Advice(entry.retryable, entry.retry_strategy, wait, summary.strip(), tuple(steps))


# --- details ----------------------------------------------------------------------------------

_PATH_RE: Final = re.compile(r"Path:?\s*(\$[\w.\[\]*'\"-]{0,200})", re.I)
_QUOTED_RE: Final = re.compile(r"'([^'\n]{1,64})'|\"([^\"\n]{1,64})\"")


def parse_details(details) -> dict | object:
    """123hub-style details: pull the missing fields and the JSON path out of the description.

    'missing required properties including: 'payer'. Path: $.params.payment'
      -> {"description": ..., "missing_fields": ["payer"], "path": "$.params.payment"}
    Works on any provider's details that read like that; anything else is returned as it was.
    """
    if isinstance(details, str):
        parsed: dict = {"description": details}
    elif isinstance(details, dict):
        parsed = dict(details)
    else:
        return details
    description = parsed.get("description") or parsed.get("message")
    if isinstance(description, str):
        path = _PATH_RE.search(description)
        if path and "path" not in parsed:
            parsed["path"] = path.group(1).rstrip(".,;")
        head = description[: path.start()] if path else description
        if re.search(r"missing|required", head, re.I) and "missing_fields" not in parsed:
            fields = [a or b for a, b in _QUOTED_RE.findall(head)]
            if fields:
                parsed["missing_fields"] = fields
    return parsed
