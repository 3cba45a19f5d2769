"""Small text helpers shared by the catalogue indexes, the redactor and the extractors.

Everything here is linear in its input: no regular expression below has nested
quantifiers over overlapping character classes.
"""

from __future__ import annotations

import re
from typing import Final

WORD_RE: Final = re.compile(r"[^\W_]+")
_NON_WORD_RE: Final = re.compile(r"[\W_]+")

# Words too common to anchor anything on their own.
STOPWORDS: Final = frozenset(
    "a an and are as at be by for from has have in is it its no not of on or the this that to was with your you".split()
)


def normalize(text: str) -> str:
    """Lower case, every run of punctuation/whitespace a single space: the form messages are compared in."""
    return _NON_WORD_RE.sub(" ", text.lower()).strip()


_ASCII_LOWER: Final = {code: code + 32 for code in range(65, 91)}


def ascii_lower(text: str) -> str:
    """Lower-cased text with every character at its original offset (str.lower() can grow 'İ')."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text.translate(_ASCII_LOWER)


def tokens(text: str) -> list[str]:
    return WORD_RE.findall(text.lower())


def trie_pattern(words) -> str:
    """One regular expression alternative matching any of `words` (literals), built as a trie.

    A trie keeps the engine from retrying every alternative at every position: the
    branches share their prefixes and each level is a single character test.
    """
    trie: dict = {}
    for word in {w for w in words if w}:
        node = trie
        for char in word[:200]:
            node = node.setdefault(char, {})
        node[""] = True
    if not trie:
        return "(?!)"
    return _trie_to_pattern(trie)


def _trie_to_pattern(node: dict) -> str:
    # Iterative post-order walk: words are at most 200 characters, but no recursion anyway.
    stack: list[tuple[dict, bool]] = [(node, False)]
    built: dict[int, str | None] = {}
    while stack:
        current, expanded = stack.pop()
        children = [k for k in current if k]
        if not expanded:
            stack.append((current, True))
            stack.extend((current[k], False) for k in children)
            continue
        alternatives, singles = [], []
        for char in sorted(children):
            sub = built.pop(id(current[char]))
            if sub is None:
                singles.append(char)
            else:
                alternatives.append(re.escape(char) + sub)
        if not alternatives and not singles:
            built[id(current)] = None
            continue
        if singles:
            alternatives.append(
                re.escape(singles[0])
                if len(singles) == 1
                else "[" + "".join(_class_escape(c) for c in singles) + "]"
            )
        pattern = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
        if "" in current:
            pattern = "(?:" + pattern + ")?"
        built[id(current)] = pattern
    return built[id(node)] or ""


def _class_escape(char: str) -> str:
    return "\\" + char if char in "\\]^-[" else char


def clip(value: str, limit: int = 300) -> str:
    """A string fit for the answer: at most `limit` characters, and encodable as UTF-8.

    JSON escapes like \\ud800 decode to lone surrogates, which no UTF-8 encoder (the API's
    renderer included) accepts; they become U+FFFD here.
    """
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            value = value.encode("utf-8", "replace").decode("utf-8")
    return value


def parse_int(value) -> int | None:
    """An int from an int or a short digit string; None for anything else (never int() on 10**6 digits)."""
    cls = value.__class__
    # The common cases first, by exact class (bool is its own class, so never taken for an int here).
    if cls is int:
        return value if -(10**12) < value < 10**12 else None
    if value is None:
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if -(10**12) < value < 10**12 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 1e12 else None
    if isinstance(value, str):
        stripped = value.strip()
        if 0 < len(stripped) <= 12 and stripped.isdigit() and stripped.isascii():
            return int(stripped)
    return None
