"""Read JSON-ish objects out of pasted text: strict JSON first, then a tolerant reader.

Real pastes hold bodies that are not JSON: Python and Node reprs (single quotes,
unquoted keys, True/None, `[Object]`, `'...' +` string joins), PHP var_dump
(`["error"]=>`, `string(20) "..."`), bodies with trailing commas, and bodies cut
short by a client library. The tolerant reader accepts all of these, closes
whatever is still open where the text ends, and never recurses, so a body nested
5,000 levels deep costs a loop, not a RecursionError.

PHP print_r output has no braces at all and has its own small reader below.
"""

from __future__ import annotations

import json
import json.scanner
import re
from dataclasses import dataclass
from typing import Any, Final, cast

# Containers deeper than this are read (to find their end) but their contents dropped.
MAX_DEPTH: Final = 48
# Keys/items kept per container; the rest are read and dropped.
MAX_ITEMS: Final = 200
MAX_STRING: Final = 20_000

# The standard decoder's C scanner, called as JSONDecoder.raw_decode calls it: raw_decode
# is a Python method, the one piece of interpreted code a compiled engine would run for
# a JSON paste. The scanner raises StopIteration where no value starts. (typeshed types
# the decoder it reads its settings from as a scanner, hence the cast.)
_SCAN_JSON: Final = json.scanner.make_scanner(cast(Any, json.JSONDecoder()))
# How every JSON object starts: '{', JSON whitespace, then a key's quote or the closing brace.
_JSON_OBJECT_START: Final = re.compile(r'\{[ \t\n\r]*+["}]')

_TOKEN_RE: Final = re.compile(
    r"""[ \t\r\n]*(?:
      (?P<dq>"(?:[^"\\\n]|\\.)*(?:"|(?=\n)|\Z))
    | (?P<sq>'(?:[^'\\\n]|\\.)*(?:'|(?=\n)|\Z))
    | (?P<num>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w.]))
    | (?P<arrow>=>)
    | (?P<p>[{}\[\]:,=()+;<])
    | (?P<word>[^\s"'{}\[\]:,=()+;<>]+)
    | (?P<other>.)
    )""",
    re.X | re.S,
)
_BRACKET_KEY_RE: Final = re.compile(
    r"""\[[ \t]*(?:"([^"\n\]]{0,200})"|'([^'\n\]]{0,200})'|([^\]\n]{0,200}))[ \t]*\]"""
)
_PLACEHOLDER_RE: Final = re.compile(
    r"\[(?:Object|Array|Function|Circular|Getter|Setter|Symbol|class)\b[^\]\n]{0,80}\]"
)
_PAREN_RE: Final = re.compile(r"\(([^()\n]{0,200})\)(?:#\d+)?(?:[ \t]*\(\d+\))?")
_ANGLE_RE: Final = re.compile(r"<[^<>\n]{0,80}>")
_BARE_VALUE_RE: Final = re.compile(r"[^,}\]\n]*")
_JOIN_RE: Final = re.compile(r"[ \t\r\n]*\+[ \t\r\n]*(?=['\"])")
_ESCAPE_RE: Final = re.compile(r"\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", re.S)
_TRUNCATION_MARKERS: Final = (" (truncated...)", "(truncated...)", " (truncated…)", "…(truncated)")

_LITERALS: Final = {
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
    "null": None,
    "None": None,
    "NULL": None,
    "nil": None,
    "undefined": None,
}
_SIMPLE_ESCAPES: Final = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "0": "\0"}
_PHP_TYPES: Final = {"string", "int", "float", "double", "bool", "array", "object", "resource"}


@dataclass(init=False)
class Parsed:
    """(Its __init__ written out, as built for every paste: see compiled.py.)"""

    value: Any  # a parsed JSON-ish value (dict, list, str, number, bool or None)
    start: int
    end: int
    truncated: bool
    strict: bool

    def __init__(self, value: Any, start: int, end: int, truncated: bool, strict: bool) -> None:
        self.value = value
        self.start = start
        self.end = end
        self.truncated = truncated
        self.strict = strict


class Budget:
    """A shared allowance of tokens, so one paste can never make the reader quadratic."""

    __slots__ = ("tokens", "attempts")

    def __init__(self, tokens: int, attempts: int) -> None:
        self.tokens = tokens
        self.attempts = attempts


def _unescape(match: re.Match) -> str:
    code = match.group(1)
    if len(code) == 1:
        return _SIMPLE_ESCAPES.get(code, code)
    try:
        return chr(int(code[1:], 16))
    except ValueError:
        return code


def decode_string(token: str) -> tuple[str, bool]:
    """The text of a quoted token and whether it was closed (an open one was cut short)."""
    quote = token[0]
    closed = len(token) > 1 and token[-1] == quote and not _ends_escaped(token)
    body = token[1:-1] if closed else token[1:]
    if "\\" in body:
        body = _ESCAPE_RE.sub(_unescape, body)
    return body[:MAX_STRING], closed


def _ends_escaped(token: str) -> bool:
    slashes = len(token) - 1 - len(token[:-1].rstrip("\\"))
    return slashes % 2 == 1 and len(token) > 2


def cut_truncation(value: str) -> tuple[str, bool]:
    """Drop a client library's '(truncated...)' marker and what follows it."""
    if "(truncated" not in value:
        return value, False  # every marker holds it: one search rules them all out
    for marker in _TRUNCATION_MARKERS:
        at = value.find(marker)
        if at >= 0:
            return value[:at].rstrip(), True
    return value, False


def unescape_layer(text: str) -> str:
    """One layer of backslash escaping removed (JSON text logged inside a JSON string)."""
    return _ESCAPE_RE.sub(_unescape, text)


def _number(token: str):
    if len(token) > 15:
        return token  # never int() a 10**6-digit number
    try:
        if "." in token or "e" in token or "E" in token:
            return float(token)
        return int(token)
    except ValueError:
        return token


def parse_at(text: str, start: int, end: int, budget: Budget) -> Parsed | None:
    """The object starting at text[start] == '{', strictly if possible, else tolerantly."""
    if budget.attempts <= 0 or budget.tokens <= 0:
        return None
    budget.attempts -= 1
    # json reads an object's first key (or its closing brace) right after any whitespace;
    # anything else there ('["error"]=>' of var_dump, a Python repr's quote) fails it at once.
    # Those go straight to the tolerant reader: the failure costs more than the test (the
    # error json raises counts the lines up to where it stopped).
    if _JSON_OBJECT_START.match(text, start) is not None:
        try:
            value, stop = _SCAN_JSON(text, start)
            if stop <= end:
                return Parsed(value, start, stop, False, True)
        except (StopIteration, ValueError, RecursionError, MemoryError):
            pass
    return _tolerant(text, start, end, budget)


class _Frame:
    __slots__ = ("container", "is_object", "key", "state")

    def __init__(self, container: Any, is_object: bool) -> None:
        self.container = container
        self.is_object = is_object
        self.key: str | None = None
        # object: key -> sep -> value -> after; array: value -> after
        self.state = "key" if is_object else "value"


def _tolerant(text: str, start: int, end: int, budget: Budget) -> Parsed | None:
    token_re = _TOKEN_RE
    root: dict = {}
    stack = [_Frame(root, True)]
    pos = start + 1
    truncated = False
    junk = 0
    first = True
    pending_string: list[str] | None = None  # a 'a' + 'b' join in progress

    def put(value) -> None:
        frame = stack[-1]
        container = frame.container
        if container is not None:
            if frame.is_object:
                if len(container) < MAX_ITEMS and frame.key is not None:
                    container[frame.key] = value
            elif len(container) < MAX_ITEMS:
                container.append(value)
        frame.state = "after"
        frame.key = None

    def open_container(is_object: bool) -> None:
        parent = stack[-1]
        deep = parent.container is None or len(stack) >= MAX_DEPTH
        container: dict | list | None = None if deep else ({} if is_object else [])
        if container is not None:
            put(container)
        else:
            parent.state = "after"
            parent.key = None
        stack.append(_Frame(container, is_object))

    while stack:
        if pos >= end:
            truncated = True
            break
        budget.tokens -= 1
        if budget.tokens <= 0:
            truncated = True
            break
        match = token_re.match(text, pos, end)
        if match is None or match.end() == pos:
            truncated = True
            break
        kind = match.lastgroup
        assert kind is not None  # every alternative of the pattern is a named group
        token = match.group(kind)
        token_start = match.start(kind)
        pos = match.end()
        frame = stack[-1]
        state = frame.state

        if first:
            first = False
            # `{` followed by something no object starts with: not an object at all.
            if kind in ("other", "num") or (kind == "p" and token not in "}[,"):
                return None

        if kind in ("dq", "sq"):
            value, closed = decode_string(token)
            value, cut = cut_truncation(value)
            if state == "key":
                frame.key = value
                frame.state = "sep"
            elif state in ("value", "sep"):
                if pending_string is not None:
                    value = "".join(pending_string) + value
                    pending_string = None
                # Node's util.inspect splits long strings: 'abc' +\n  'def'
                join = _JOIN_RE.match(text, pos, end)
                if join and closed and not cut:
                    pending_string = [value]
                    pos = join.end()
                    frame.state = "value"
                    continue
                put(value)
            else:  # a value where a comma belonged: take it as the next key or item
                junk += 1
                if frame.is_object:
                    frame.key = value
                    frame.state = "sep"
                else:
                    put(value)
            if not closed or cut:
                truncated = True
                break
            continue

        if kind == "p":
            if token == "{":
                if frame.is_object and state == "key":
                    junk += 1
                    if junk > 40:
                        truncated = True
                        break
                    frame.key = f"_{len(frame.container or ())}"
                open_container(True)
                continue
            if token == "[":
                if frame.is_object and state in ("key", "after"):
                    bracket = _BRACKET_KEY_RE.match(text, token_start, end)
                    if bracket:
                        frame.key = next(g for g in bracket.groups() if g is not None).strip()
                        frame.state = "sep"
                        pos = bracket.end()
                        continue
                placeholder = _PLACEHOLDER_RE.match(text, token_start, end)
                if placeholder:
                    pos = placeholder.end()
                    following = token_re.match(text, pos, end)
                    if following and following.group("p") == "{":
                        continue  # `[Object: null prototype] {` is a prefix, not a value
                    if state in ("value", "sep"):
                        put(placeholder.group())
                    continue
                open_container(False)
                continue
            if token in "}]":
                want_object = token == "}"
                if frame.is_object == want_object:
                    if frame.is_object and frame.key is not None and frame.container is not None:
                        frame.container.setdefault(frame.key, None)
                    stack.pop()
                    continue
                # A closer of the wrong kind: close up to the nearest frame it belongs to.
                depth = next(
                    (i for i in range(len(stack) - 1, -1, -1) if stack[i].is_object == want_object), None
                )
                junk += 1
                if depth is None:
                    continue
                del stack[depth:]
                continue
            if token in ":=":
                if state == "sep":
                    frame.state = "value"
                continue
            if token in ",;":
                if state in ("value", "sep") and frame.is_object and frame.key is not None:
                    put(None)
                frame.state = "key" if frame.is_object else "value"
                continue
            if token == "<":
                angle = _ANGLE_RE.match(text, token_start, end)
                if angle:
                    pos = angle.end()  # Node's `<ref *1>` and `<Buffer ...>` prefixes
                else:
                    junk += 1
                continue
            junk += 1  # ( ) +
            continue

        if kind == "arrow":
            if state == "sep":
                frame.state = "value"
            continue

        if kind == "num":
            if state == "key":
                frame.key = token
                frame.state = "sep"
            elif state in ("value", "sep"):
                put(_number(token))
            else:
                junk += 1
                if frame.is_object:
                    frame.key = token
                    frame.state = "sep"
                else:
                    put(_number(token))
            continue

        if kind == "word":
            if state == "key" or (state == "after" and frame.is_object):
                if state == "after":
                    junk += 1
                frame.key = token.lstrip(":")[:200]
                frame.state = "sep"
                continue
            if state == "sep" and frame.is_object:
                junk += 1
                frame.key = token.lstrip(":")[:200]
                continue
            # a value
            if token in _LITERALS:
                put(_LITERALS[token])
                continue
            if text[pos : pos + 1] == "(":
                paren = _PAREN_RE.match(text, pos, end)
                if paren:
                    pos = paren.end()
                    inner = paren.group(1).strip()
                    lowered = token.lower()
                    if lowered in ("int", "float", "double"):
                        put(_number(inner) if inner else None)
                    elif lowered == "bool":
                        put(inner.lower() == "true")
                    elif lowered in _PHP_TYPES:
                        pass  # string(20) "..." / array(2) { ... }: the value follows
                    else:
                        put(inner.strip("'\""))
                    continue
            lookahead = token_re.match(text, pos, end)
            if lookahead and lookahead.group("p") == "{":
                continue  # `AxiosHeaders {`: a class name before an object
            if (
                lookahead
                and lookahead.group("p") == "["
                and _PLACEHOLDER_RE.match(text, lookahead.start("p"), end)
            ):
                continue  # `Object [AxiosHeaders] {`
            bare = _BARE_VALUE_RE.match(text, token_start, end)
            assert bare is not None  # the pattern matches the empty string too
            pos = max(pos, bare.end())
            put(bare.group().strip()[:MAX_STRING])
            continue

        junk += 1  # other
        if junk > 40:
            truncated = True
            break

    if stack:
        truncated = True
    return Parsed(root, start, min(pos, end), truncated, False)


# --- PHP print_r ------------------------------------------------------------------

PRINT_R_START_RE: Final = re.compile(
    r"(?m)^[ \t]*(?:Array|[A-Za-z_\\][\w\\]{0,100}[ \t]Object)[ \t]*\r?\n[ \t]*\([ \t]*\r?$"
)
_PRINT_R_ITEM_RE: Final = re.compile(r"[ \t]*\[([^\]\n]{0,200})\][ \t]*=>[ \t]?([^\n]*)")
_PRINT_R_CONTAINER_RE: Final = re.compile(r"(?:Array|[A-Za-z_\\][\w\\]{0,100} Object)[ \t]*\r?")
MAX_PRINT_R_LINES: Final = 5_000


def parse_print_r(text: str, start: int, end: int) -> Parsed:
    """Read print_r output beginning at `start` (the `Array` line) into dicts and lists."""
    newline = text.find("\n", start, end)
    open_paren = text.find("\n", newline + 1, end) if newline >= 0 else -1
    pos = open_paren + 1 if open_paren >= 0 else end
    root: dict = {}
    stack: list[dict] = [root]
    pending_key: str | None = None
    lines = 0
    while stack and pos < end and lines < MAX_PRINT_R_LINES:
        lines += 1
        line_end = text.find("\n", pos, end)
        if line_end < 0:
            line_end = end
        line = text[pos:line_end]
        next_pos = line_end + 1
        stripped = line.strip()
        if pending_key is not None and stripped == "(":
            child: dict = {}
            if len(stack) < MAX_DEPTH:
                stack[-1][pending_key] = child
            stack.append(child)
            pending_key = None
        elif stripped == ")":
            stack.pop()
        elif stripped:
            item = _PRINT_R_ITEM_RE.match(line)
            if item:
                key, value = item.group(1).strip().strip("'\""), item.group(2).rstrip("\r")
                if _PRINT_R_CONTAINER_RE.fullmatch(value.strip()):
                    pending_key = key
                else:
                    if len(stack[-1]) < MAX_ITEMS:
                        stack[-1][key] = value
                    pending_key = None
        pos = next_pos
    return Parsed(_listify(root), start, min(pos, end), bool(stack), False)


def _listify(root: dict) -> object:
    """print_r shows lists as [0] => ..., [1] => ...: turn those dicts back into lists."""
    work = [root]
    while work:
        node = work.pop()
        for key, value in list(node.items()):
            if isinstance(value, dict):
                work.append(value)
                if value and all(k == str(i) for i, k in enumerate(value)):
                    node[key] = list(value.values())
    return root


_SCALARS: Final = frozenset((str, int, float, bool, type(None)))


def dict_nodes(value, limit: int = 400, max_depth: int = 12) -> list[tuple[tuple[str | int, ...], dict]]:
    """(path, dict) for the dicts in a parsed value, breadth first, bounded.

    A list rather than a generator: compiled, a generator's every step costs more
    than the few dicts a body holds."""
    # Parsed values hold plain dicts and lists only (json, the tolerant reader and the print_r
    # reader build nothing else), so exact class tests stand for isinstance() here, for less.
    queue: list[tuple[tuple[str | int, ...], Any]] = [((), value)]
    nodes: list[tuple[tuple[str | int, ...], dict]] = []
    index = 0
    while index < len(queue) and len(nodes) < limit:
        path, node = queue[index]
        index += 1
        cls = node.__class__
        if cls is dict or (cls is not list and isinstance(node, dict)):
            nodes.append((path, node))
            if len(path) < max_depth:
                for key, child in node.items():
                    kind = child.__class__
                    if kind is dict or kind is list or (kind not in _SCALARS and isinstance(child, dict | list)):
                        queue.append((path + (key,), child))
        elif isinstance(node, list) and len(path) < max_depth:
            for i, child in enumerate(node[:MAX_ITEMS]):
                kind = child.__class__
                if kind is dict or kind is list or (kind not in _SCALARS and isinstance(child, dict | list)):
                    queue.append((path + (i,), child))
    return nodes


def get_path(node, path: tuple[str, ...]):
    """node['a']['b'] for path ('a', 'b'); None when any step is missing."""
    for step in path:
        if isinstance(node, dict):
            node = node.get(step)
        elif isinstance(node, list) and step.isdigit():
            index = int(step)
            node = node[index] if index < len(node) else None
        else:
            return None
        if node is None:
            return None
    return node
