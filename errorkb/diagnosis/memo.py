"""answer(): diagnose(...).to_dict(), remembered for bodies that differ only in a call's id and timing.

Tooling posts the body of every failed response it sees, and one provider's bodies
for one error differ from call to call only in the id and timing each call carries,
written last:

    {"success": false, "error": {"code": 6010, ...}, "request_id": "a1b2...", "processing_time": 5}

The engine copies those values into its answer (the context, the advice to quote
the request id, the paste shown back). So each catalogue keeps the answers it gave
to bodies (at most MAX_ANSWERS), keyed by the body with those trailing values
taken out, and answers the next body of the same shape by putting its values in:
a dictionary lookup and a few copies. On a busy server the engine's regular
expressions and indexes are out of the CPU's caches by the next request: a typical
body took it 58-74 µs there, against 25 µs run again and again.

Nothing is taken on trust. A shape is remembered the second time it is seen, and only if:
- json.loads reads the body as an object with no key twice, so the trailing members
  are its own and are read the one way;
- the engine, run again on the body with other values of the same form, answers
  differently exactly where the values are copied to, and nowhere else.
And each body's values are checked for what the engine could read in them: text
of the body it finds again to mark it (a code, a message), a provider's name, a
word its scanners look for (a status, a host, a rate-limit header), a provider's
key format (it would be redacted). Any of these, and that call runs the engine.
tests/diagnosis/test_memo.py holds the answers to be the engine's own.
"""

from __future__ import annotations

import json
import threading
from typing import Any, Final

from .catalogue import Catalogue
from .engine import diagnose
from .extract import named_providers
from .text import ascii_lower

# The members that identify or time one call, written last in a body (as 123hub's are),
# and what each must be: an id is a string, a timing a number.
VOLATILE_KEYS: Final = {"request_id": '"', "processing_time": "0"}
MAX_ANSWERS: Final = 512  # shapes per catalogue; the least recently used is forgotten first
MAX_BODY: Final = 4_096  # characters: longer pastes are logs and dumps, seldom sent twice
MAX_VALUE: Final = 128  # characters of an id
MAX_NUMBER: Final = 15  # characters of a timing: longer ones the engine may read as text
ID_CHARACTERS: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
WHITESPACE: Final = frozenset(" \t\r\n")

# What a step of a remembered answer's plan does (any other action is the index of a value).
COPY: Final = -1  # copy the container, so that the remembered one stays as it is
TAIL: Final = -2  # the paste shown back: its trailing members written as this body writes them

_keeping = threading.Lock()  # one thread at a time adds, moves or forgets an answer


class Trailing:
    """A body's trailing ids and timings: where they begin, their values, and the text around each."""

    def __init__(self, start: int, values: list[str], gaps: list[str]) -> None:
        self.start = start
        self.values = values  # each as written: '"a1b2..."' or '5'
        self.gaps = gaps  # the text before each value and after the last: one more than the values

    def written(self, values: list[str]) -> str:
        """The trailing members with `values` in place of their own."""
        pieces = [self.gaps[0]]
        for value, gap in zip(values, self.gaps[1:], strict=True):
            pieces.append(value)
            pieces.append(gap)
        return "".join(pieces)

    def key(self, text: str, provider: str | None, http_status: int | None) -> tuple:
        """What the body's answer is remembered by: all of it but the values, whose kinds it keeps."""
        return (
            text[: self.start],
            tuple(self.gaps),
            tuple(_kind(value) for value in self.values),
            provider,
            http_status,
        )


def _kind(value: str) -> str:
    """What may set a value apart for the engine: a string, zero, a whole number or a fraction.

    Zero is a kind of its own because the engine may treat a value by whether it is truthy
    (the advice quotes a request id only if it is): a shape with a zero timing is never
    remembered, so every such call runs the engine.
    """
    if value[0] == '"':
        return "string"
    if value.strip("0.") == "":
        return "zero"
    return "fraction" if "." in value else "whole"


class Remembered:
    """One shape's answer, and how to put another body's values into it."""

    def __init__(
        self, answer: dict, plan: list[tuple[int, Any, int]], tail: str, values: list[str], needles: list[str]
    ) -> None:
        self.answer = answer
        self.plan = plan  # (slot of the container, key in it, COPY, TAIL or a value's index)
        self.tail = tail  # the trailing members as the remembered body wrote them
        self.values = values
        self.needles = needles  # text the engine may find again in the paste (see _needles), lowered


# A shape whose answer does not follow its values: every call of it runs the engine.
UNREMEMBERED: Final = Remembered({}, [], "", [], [])
# A shape seen once: the next body of it is remembered.
SEEN: Final = Remembered({}, [], "", [], [])


def answer(text: object, catalogue: Catalogue, provider: object = None, http_status: object = None) -> dict:
    """What diagnose(text, catalogue, provider, http_status).to_dict() answers.

    The answer may share parts with a remembered one: read it, do not change it.
    """
    if (
        isinstance(text, str)
        and len(text) <= MAX_BODY
        and (provider is None or isinstance(provider, str))
        and (http_status is None or (isinstance(http_status, int) and not isinstance(http_status, bool)))
        and text.lstrip().startswith("{")
    ):
        trailing = _trailing(text)
        if trailing is not None and trailing.values:
            return _answer(text, trailing, catalogue, provider, http_status)
    return diagnose(text, catalogue, provider, http_status).to_dict()


def _answer(
    text: str, trailing: Trailing, catalogue: Catalogue, provider: str | None, http_status: int | None
) -> dict:
    key = trailing.key(text, provider, http_status)
    answers = catalogue.answers
    known = answers.get(key)
    if known is not None and known is not SEEN:
        if known is not UNREMEMBERED and _unread(trailing.values, known.needles, catalogue):
            with _keeping:  # the most recently used shape is the last to be forgotten
                if answers.pop(key, None) is not None:
                    answers[key] = known
            return _restored(known, text[trailing.start :], trailing.values)
        return diagnose(text, catalogue, provider, http_status).to_dict()
    result = diagnose(text, catalogue, provider, http_status).to_dict()
    # A shape is remembered the second time it is seen: one seen once (a message that
    # differs on every call) costs no second run of the engine nor a strict read.
    remembered = (
        SEEN if known is None else _remember(text, trailing, result, catalogue, provider, http_status)
    )
    with _keeping:
        if answers.get(key) is known:
            answers.pop(key, None)
            while len(answers) >= MAX_ANSWERS:
                del answers[next(iter(answers))]
            answers[key] = remembered
    return result


# --- reading a body's trailing members --------------------------------------------------------


def _trailing(text: str) -> Trailing | None:
    """Read the body's last members backwards while they are ids and timings; None if it is no body.

    Read by hand, not with a regular expression: this runs on every call, and a few
    dozen characters compared in compiled code stay cheap when the caches are cold.
    """
    end = _skip_back(text, len(text))
    if end == 0 or text[end - 1] != "}":
        return None
    start = end - 1  # the closing brace: the members end before it
    spans: list[tuple[int, int]] = []
    while True:
        member = _member_before(text, start)
        if member is None:
            break
        start, value_start, value_end = member
        spans.append((value_start, value_end))
    spans.reverse()
    values: list[str] = []
    gaps: list[str] = []
    at = start
    for value_start, value_end in spans:
        gaps.append(text[at:value_start])
        values.append(text[value_start:value_end])
        at = value_end
    gaps.append(text[at:])
    return Trailing(start, values, gaps)


def _member_before(text: str, end: int) -> tuple[int, int, int] | None:
    """The member `, "request_id": "…"` ending at `end`: (its comma, the value's start, its end)."""
    position = _skip_back(text, end)
    value_end = position
    if position > 0 and text[position - 1] == '"':
        position -= 1
        while position > 0 and text[position - 1] in ID_CHARACTERS and value_end - position <= MAX_VALUE:
            position -= 1
        if position == 0 or text[position - 1] != '"' or not 1 <= value_end - 1 - position <= MAX_VALUE:
            return None
        value_start = position - 1
    else:
        while position > 0 and (text[position - 1].isdigit() or text[position - 1] == "."):
            position -= 1
        value_start = position
        if not _json_number(text[value_start:value_end]):
            return None
    position = _skip_back(text, value_start)
    if position == 0 or text[position - 1] != ":":
        return None
    position = _skip_back(text, position - 1)
    if position == 0 or text[position - 1] != '"':
        return None
    name_end = position - 1
    name_start = text.rfind('"', 0, name_end)
    if name_start < 0 or VOLATILE_KEYS.get(text[name_start + 1 : name_end]) != (
        '"' if text[value_start] == '"' else "0"
    ):
        return None  # not an id nor a timing, or not of its kind
    position = _skip_back(text, name_start)
    if position == 0 or text[position - 1] != ",":
        return None
    return position - 1, value_start, value_end


def _skip_back(text: str, position: int) -> int:
    while position > 0 and text[position - 1] in WHITESPACE:
        position -= 1
    return position


def _json_number(written: str) -> bool:
    """A non-negative JSON number of at most MAX_NUMBER characters: (0|[1-9][0-9]*)(.[0-9]+)?"""
    whole, point, fraction = written.partition(".")
    return (
        0 < len(written) <= MAX_NUMBER
        and whole.isdigit()
        and whole.isascii()
        and (whole == "0" or whole[0] != "0")
        and (not point or (fraction.isdigit() and fraction.isascii()))
    )


# --- remembering --------------------------------------------------------------------------------


def _unread(values: list[str], needles: list[str], catalogue: Catalogue) -> bool:
    """True if these values hold nothing the engine looks for in a paste."""
    written = " ".join(values)
    lowered = ascii_lower(written)
    for needle in needles:
        if needle in lowered:
            return False
    scanners = catalogue.scanners
    return (
        scanners.probe.search(lowered) is None
        and not named_providers(lowered, scanners)
        and not catalogue.redactor.key_format_in(written)
    )


def _remember(
    text: str,
    trailing: Trailing,
    result: dict,
    catalogue: Catalogue,
    provider: str | None,
    http_status: int | None,
) -> Remembered:
    needles = _needles(text, len(trailing.values), result)
    if needles is None or not _unread(trailing.values, needles, catalogue):
        return UNREMEMBERED
    others = [_other(value) for value in trailing.values]
    if any(other == value for other, value in zip(others, trailing.values, strict=True)):
        return UNREMEMBERED  # an id of dashes and underscores, or a zero timing: nothing to try it with
    tail = text[trailing.start :]
    other_tail = trailing.written(others)
    other = diagnose(text[: trailing.start] + other_tail, catalogue, provider, http_status).to_dict()
    sites: list[tuple[tuple, int]] = []
    if not _differences(result, other, (), sites, Change(trailing.values, others, tail, other_tail)):
        return UNREMEMBERED
    return Remembered(_copied(result), _plan(sites), tail, trailing.values, needles)


def _needles(text: str, trailing: int, result: dict) -> list[str] | None:
    """Text the engine may find again in the paste to mark it, lowered: the values of every
    member of every object in the body but its `trailing` last members (strings and numbers, an
    escaped message decoded), and the matched entries' codes and messages.

    None unless json.loads reads the body as an object with no key twice (it also takes NaN and
    Infinity, which the engine's tolerant parser reads too): otherwise the trailing members might
    not be the body's own, or be read another way.
    """
    objects: list[list[tuple[str, Any]]] = []

    def strict(pairs: list[tuple[str, Any]]) -> dict:
        if len({key for key, _ in pairs}) != len(pairs):
            raise ValueError("a key twice")
        objects.append(pairs)
        return dict(pairs)

    try:
        if json.loads(text, object_pairs_hook=strict).__class__ is not dict:
            return None
    except (ValueError, RecursionError):
        return None
    # json.loads hands over each object as it closes: the body itself, whose trailing members
    # are its last, comes last.
    objects[-1] = objects[-1][: len(objects[-1]) - trailing]
    found: set[str] = set()
    for pairs in objects:
        for _, value in pairs:
            if value.__class__ is str or value.__class__ is int or value.__class__ is float:
                found.add(str(value))
    for matches in (result["matches"], *(error["matches"] for error in result["errors"])):
        for match in matches:
            found.add(str(match["code"]))
            found.add(str(match["message"] or ""))
    return sorted(ascii_lower(needle) for needle in found if needle)


class Change:
    """The remembered body's values, and the others tried in their place."""

    def __init__(self, olds: list[str], news: list[str], old_tail: str, new_tail: str) -> None:
        self.olds = olds
        self.news = news
        self.old_tail = old_tail
        self.new_tail = new_tail


def _other(value: str) -> str:
    """A value of the same form and kind as `value` that differs from it in every letter and digit."""
    shifted = []
    for index, char in enumerate(value):
        if "0" <= char <= "9":
            digit = int(char)
            leading = index == 0 and digit != 0  # a number's first digit stays non-zero
            shifted.append(str(digit % 9 + 1) if leading else str((digit + 1) % 10))
        elif "a" <= char <= "z" or "A" <= char <= "Z":
            base = ord("a") if char >= "a" else ord("A")
            shifted.append(chr(base + (ord(char) - base + 1) % 26))
        else:
            shifted.append(char)
    if value[0] != '"' and _kind(value) == "zero":
        return value  # zero has no other value of its kind, so _remember() leaves its shape unremembered
    return "".join(shifted)


def _differences(a: Any, b: Any, path: tuple, sites: list[tuple[tuple, int]], change: Change) -> bool:
    """Add where answers a and b differ to sites; False if a difference is not one value put in for another."""
    if a.__class__ is not b.__class__:
        return False
    if a.__class__ is dict:
        return list(a) == list(b) and all(
            _differences(a[key], b[key], (*path, key), sites, change) for key in a
        )
    if a.__class__ is list:
        return len(a) == len(b) and all(
            _differences(x, y, (*path, index), sites, change)
            for index, (x, y) in enumerate(zip(a, b, strict=True))
        )
    if a == b:
        return True
    if _retailed(a, change.old_tail, change.new_tail) == b:
        # The paste shown back: it ends with the trailing members, values and all, and only
        # there does it differ (a value put in everywhere may fit as well; this is exact).
        sites.append((path, TAIL))
        return True
    fits = [
        index for index in range(len(change.olds)) if _placed(a, change.olds[index], change.news[index]) == b
    ]
    if len(fits) != 1:
        return False  # nothing explains it, or more than one value does
    sites.append((path, fits[0]))
    return True


def _placed(leaf: Any, old: str, new: str) -> Any:
    """The leaf holding value `old` holding `new` instead; None if it does not hold it.

    An id may be quoted inside a string (the advice); a number is only ever the number
    itself, since the engine may write it out differently from the body (12.50 as 12.5).
    """
    if old[0] == '"':
        bare_old = old[1:-1]
        return leaf.replace(bare_old, new[1:-1]) if leaf.__class__ is str and bare_old in leaf else None
    if "." in old:
        return float(new) if leaf.__class__ is float and leaf == float(old) else None
    return int(new) if leaf.__class__ is int and leaf == int(old) else None


def _retailed(leaf: Any, old_tail: str, new_tail: str) -> str | None:
    """A string ending as one body's trailing members, ending as another's instead; None if it does not."""
    if leaf.__class__ is not str or not leaf.endswith(old_tail):
        return None
    return leaf[: len(leaf) - len(old_tail)] + new_tail


def _copied(value: Any) -> Any:
    """A copy of an answer, container by container: what is remembered is no caller's."""
    if value.__class__ is dict:
        return {key: _copied(item) for key, item in value.items()}
    if value.__class__ is list:
        return [_copied(item) for item in value]
    return value


def _plan(sites: list[tuple[tuple, int]]) -> list[tuple[int, Any, int]]:
    """The steps that put values at `sites`: copy each container on the way once, then set the value.

    Containers are numbered as they are copied (the answer itself is 0): a step names the
    container it works in by that number, so no step looks up a path.
    """
    slots: dict[tuple, int] = {(): 0}
    steps: list[tuple[int, Any, int]] = []
    for path, action in sites:
        for depth in range(1, len(path)):
            if path[:depth] not in slots:
                steps.append((slots[path[: depth - 1]], path[depth - 1], COPY))
                slots[path[:depth]] = len(slots)
        steps.append((slots[path[:-1]], path[-1], action))
    return steps


def _restored(known: Remembered, tail: str, values: list[str]) -> dict:
    """The remembered answer with this body's values put in; only the containers that hold them are copied."""
    slots: list[Any] = [dict(known.answer)]
    for slot, key, action in known.plan:
        container = slots[slot]
        if action == COPY:
            inner = container[key]
            copied = dict(inner) if inner.__class__ is dict else list(inner)
            container[key] = copied
            slots.append(copied)
        elif action == TAIL:
            container[key] = _retailed(container[key], known.tail, tail)
        else:
            container[key] = _placed(container[key], known.values[action], values[action])
    return slots[0]
