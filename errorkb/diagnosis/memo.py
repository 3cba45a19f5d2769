"""answer(): diagnose(...).to_dict(), remembered for bodies that differ only in a call's id and timing.

Tooling posts the body of every failed response it sees, and one provider's bodies
for one error differ from call to call only in the id and timing each call carries,
written last:

    {"success": false, "error": {"code": 6010, ...}, "request_id": "a1b2...", "processing_time": 5}

The engine copies those values into its answer (the context, the advice to quote
the request id, the paste shown back) and reads nothing else from them. So each
catalogue keeps the answers it gave to bodies (at most MAX_ANSWERS), keyed by the
body with those trailing values taken out, and answers the next body of the same
shape by putting its values in: a dictionary lookup and a few copies. On a busy
server the engine's regular expressions and indexes are out of the CPU's caches by
the next request: a typical body took it about 80 µs, where the engine alone, run
again and again, takes 25.

Nothing is taken on trust:
- The first time a shape is seen the engine runs twice, on the body and on the
  same body with other values of the same form. The shape is remembered only if
  the two answers differ exactly where those values are copied to. A body whose
  values the engine reads in any other way is never remembered: every call of its
  shape runs the engine.
- Each body's values are checked for what could make the engine read them: one
  of the answer's codes or messages inside them (the engine finds those in the
  paste to mark them), a word its scanners look for (a status, a host, a
  rate-limit header), a provider's key format. Any of these, and that call runs
  the engine.
tests/diagnosis/test_memo.py holds the answers to be the engine's own.
"""

from __future__ import annotations

from typing import Any, Final

from .catalogue import Catalogue
from .engine import diagnose
from .text import ascii_lower

# Members that identify or time one call, written last in a body (as 123hub's are).
VOLATILE_KEYS: Final = frozenset({"request_id", "processing_time"})
MAX_ANSWERS: Final = 512  # per catalogue; the oldest is forgotten first
MAX_BODY: Final = 4_096  # characters: longer pastes are logs and dumps, seldom sent twice
MAX_VALUE: Final = 128  # characters of an id
ID_CHARACTERS: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
WHITESPACE: Final = frozenset(" \t\r\n")

# What a step of a remembered answer's plan does (any other action is the index of a value).
COPY: Final = -1  # copy the container, so that the remembered one stays as it is
TAIL: Final = -2  # the paste shown back: its trailing members written as this body writes them


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

    def shape(self, text: str) -> str:
        """The body without its values, saying only what kind each was: what its answer is remembered by."""
        return text[: self.start] + self.written([_kind(value) for value in self.values])


def _kind(value: str) -> str:
    """A value's stand-in in a shape: a string, a whole number or a fraction (each read differently)."""
    if value[0] == '"':
        return '""'
    return "0.0" if "." in value else "0"


class Remembered:
    """One shape's answer, and how to put another body's values into it."""

    def __init__(self, answer: dict, plan: list[tuple[int, Any, int]], tail: str, values: list[str]) -> None:
        self.answer = answer
        self.plan = plan  # (slot of the container, key in it, COPY, TAIL or a value's index)
        self.tail = tail  # the trailing members as the remembered body wrote them
        self.values = values


# A shape whose answer does not follow its values: every call of it runs the engine.
UNREMEMBERED: Final = Remembered({}, [], "", [])


def answer(
    text: str, catalogue: Catalogue, provider: str | None = None, http_status: int | None = None
) -> dict:
    """What diagnose(text, catalogue, provider, http_status).to_dict() answers.

    The answer may share parts with a remembered one: read it, do not change it.
    """
    trailing = _trailing(text) if len(text) <= MAX_BODY and text.lstrip().startswith("{") else None
    if trailing is None:
        return diagnose(text, catalogue, provider, http_status).to_dict()
    key = (trailing.shape(text), provider, http_status)
    answers = catalogue.answers
    known = answers.get(key)
    if known is not None:
        if known is UNREMEMBERED or not _unread(trailing.values, known.answer, catalogue):
            return diagnose(text, catalogue, provider, http_status).to_dict()
        return _restored(known, text[trailing.start :], trailing.values)
    result = diagnose(text, catalogue, provider, http_status).to_dict()
    if len(answers) >= MAX_ANSWERS:
        del answers[next(iter(answers))]
    answers[key] = _remember(text, trailing, result, catalogue, provider, http_status)
    return result


# --- reading a body's trailing members --------------------------------------------------------


def _trailing(text: str) -> Trailing | None:
    """Read the body's last members backwards while they are ids and timings; None if it is no body.

    Read by hand, not with a regular expression: this runs on every call, and a few
    dozen characters compared in compiled code stay cheap when the caches are cold.
    """
    end = len(text)
    while end > 0 and text[end - 1] in WHITESPACE:
        end -= 1
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
        while position > 0 and (text[position - 1].isdigit() or text[position - 1] in "-."):
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
    if name_start < 0 or text[name_start + 1 : name_end] not in VOLATILE_KEYS:
        return None
    position = _skip_back(text, name_start)
    if position == 0 or text[position - 1] != ",":
        return None
    return position - 1, value_start, value_end


def _skip_back(text: str, position: int) -> int:
    while position > 0 and text[position - 1] in WHITESPACE:
        position -= 1
    return position


def _json_number(written: str) -> bool:
    """A JSON number of at most 15 digits either side of the point: -?(0|[1-9][0-9]*)(.[0-9]+)?"""
    whole, point, fraction = written.removeprefix("-").partition(".")
    return (
        0 < len(whole) <= 15
        and whole.isdigit()
        and whole.isascii()
        and (whole == "0" or whole[0] != "0")
        and (not point or (0 < len(fraction) <= 15 and fraction.isdigit() and fraction.isascii()))
    )


# --- remembering --------------------------------------------------------------------------------


def _unread(values: list[str], result: dict, catalogue: Catalogue) -> bool:
    """True if nothing in these values is what the engine looks for in a paste."""
    joined = ascii_lower(" ".join(values))
    for matches in (result["matches"], *(error["matches"] for error in result["errors"])):
        for match in matches:
            if ascii_lower(str(match["code"])) in joined:
                return False
            if match["message"] and ascii_lower(match["message"]) in joined:
                return False
    return catalogue.scanners.probe.search(joined) is None and not catalogue.redactor.key_format_in(joined)


def _remember(
    text: str,
    trailing: Trailing,
    result: dict,
    catalogue: Catalogue,
    provider: str | None,
    http_status: int | None,
) -> Remembered:
    tail = text[trailing.start :]
    if not trailing.values:
        return Remembered(result, [], tail, [])  # the same paste: the same answer
    if not _unread(trailing.values, result, catalogue):
        return UNREMEMBERED
    others = [_other(value) for value in trailing.values]
    other_tail = trailing.written(others)
    other = diagnose(text[: trailing.start] + other_tail, catalogue, provider, http_status).to_dict()
    sites: list[tuple[tuple, int]] = []
    if not _differences(result, other, (), sites, Change(trailing.values, others, tail, other_tail)):
        return UNREMEMBERED
    return Remembered(result, _plan(sites), tail, trailing.values)


class Change:
    """The remembered body's values, and the others tried in their place."""

    def __init__(self, olds: list[str], news: list[str], old_tail: str, new_tail: str) -> None:
        self.olds = olds
        self.news = news
        self.old_tail = old_tail
        self.new_tail = new_tail


def _other(value: str) -> str:
    """A value of the same form as `value` that differs from it in every letter and digit."""
    shifted = []
    for index, char in enumerate(value):
        if "0" <= char <= "9":
            digit = int(char)
            leading = index == 0 or (index == 1 and value[0] == "-")
            shifted.append(str(digit % 9 + 1) if leading and digit != 0 else str((digit + 1) % 10))
        elif "a" <= char <= "z" or "A" <= char <= "Z":
            base = ord("a") if char >= "a" else ord("A")
            shifted.append(chr(base + (ord(char) - base + 1) % 26))
        else:
            shifted.append(char)
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
    for index in range(len(change.olds)):
        if _placed(a, change.olds[index], change.news[index]) == b:
            sites.append((path, index))
            return True
    # The paste shown back: it ends with the trailing members, values and all.
    if _retailed(a, change.old_tail, change.new_tail) == b:
        sites.append((path, TAIL))
        return True
    return False


def _placed(leaf: Any, old: str, new: str) -> Any:
    """The leaf holding value `old` (a string quoting it, or the number) holding `new` instead; None if it does not."""
    if leaf.__class__ is str:
        bare_old = old.strip('"')
        return leaf.replace(bare_old, new.strip('"')) if bare_old in leaf else None
    if old[0] == '"' or leaf.__class__ is bool:
        return None
    if "." in old:
        return float(new) if leaf.__class__ is float and leaf == float(old) else None
    return int(new) if leaf.__class__ is int and leaf == int(old) else None


def _retailed(leaf: Any, old_tail: str, new_tail: str) -> str | None:
    """A string ending as one body's trailing members, ending as another's instead; None if it does not."""
    if leaf.__class__ is not str or not leaf.endswith(old_tail):
        return None
    return leaf[: len(leaf) - len(old_tail)] + new_tail


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
