"""No regular expression in errorkb backtracks catastrophically.

Every compiled pattern is collected: module globals (and the containers and
classes they hold) of errorkb.diagnosis, errorkb.web and errorkb.api, the
patterns a built Catalogue holds (the redactor's, built from provider rules),
and every literal pattern passed to a re function in those packages' source.
Each is searched through adversarial strings (long runs, and the literal words
of the pattern followed by long runs) in a child process, so a pattern that
never returns is killed and named instead of hanging the suite. The bound per
search is a hang guard only; the slowest search is printed.
"""

from __future__ import annotations

import ast
import importlib
import multiprocessing
import pkgutil
import re
import time
from pathlib import Path

import pytest

import errorkb
from errorkb.catalogue.fixtures import default_fixture_paths
from errorkb.catalogue.snapshot import snapshot_from_fixtures
from errorkb.diagnosis import Catalogue

pytestmark = pytest.mark.slow

PACKAGES = ("errorkb.diagnosis", "errorkb.web", "errorkb.api")
GUARD_SECONDS = 2.0
OVERALL_SECONDS = 240

GENERIC = [
    "a" * 50_000 + "!",
    " " * 50_000,
    " " * 50_000 + "!",
    "\t" * 30_000 + "x",
    "\\" * 20_000,
    '\\"' * 10_000,
    '"' * 20_000,
    "'" * 20_000,
    "{" * 20_000,
    "}" * 20_000,
    "[" * 20_000,
    '{"a":' * 10_000,
    ":" * 20_000,
    "=" * 20_000,
    "&" * 20_000,
    "-" * 20_000,
    "_" * 20_000,
    "." * 20_000,
    "/" * 20_000,
    "\n" * 50_000,
    "\r\n" * 25_000,
    "0" * 50_000,
    "a-" * 25_000,
    "a_" * 25_000,
    "a " * 25_000,
    "1 " * 25_000,
    "a1" * 25_000,
    "é" * 20_000,
    "HTTP/1.1 " * 5_000,
    '"code":' * 5_000,
    '"message": "' * 3_000,
    "rk_live_" * 5_000,
    "X-API-KEY: " * 3_000,
    "key=" * 5_000,
    "> " * 20_000,
    "eyJ" + "a" * 30_000,
    "://" * 10_000,
    "a:" * 20_000 + "@",
    "error " * 8_000,
    "error code " * 4_000,
]
SHAPES = ("{w} " * 1, "{w}:", '{w}="', "{w}=", "{w} ", "-H '{w}: ")


def words_of(source: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r"[A-Za-z][A-Za-z_-]{2,}", source)))[:6]


def derived_strings(pattern: re.Pattern) -> list[str]:
    """The pattern's own literal words followed by long runs of what might make it backtrack."""
    source = pattern.pattern if isinstance(pattern.pattern, str) else ""
    out = []
    for word in words_of(source):
        out += [
            word + " " * 20_000 + "!",
            word + ":" + " " * 20_000,
            word + '="' + "\\" * 20_000,
            word + "=" + "a" * 30_000 + "!",
            (word + " ") * 3_000,
            word + "-" + "a-" * 10_000,
            word + ": Bearer " + "a" * 30_000 + "!",
        ]
    return out


def _walk(value, found: dict, seen: dict, depth: int, name: str = "") -> None:
    if isinstance(value, re.Pattern):
        entry = found.setdefault((value.pattern, value.flags), [value, set()])
        entry[1].add(name)
        return
    if id(value) in seen or depth > 8:
        return
    # Kept alive while walking: a temporary (a copied vars() dict) freed early would hand
    # its id to a later object, which would then be skipped as already seen.
    seen[id(value)] = value
    if isinstance(value, dict):
        for key, item in value.items():
            _walk(item, found, seen, depth + 1, key if isinstance(key, str) else name)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            _walk(item, found, seen, depth + 1, "")  # used through a loop variable: searched
    elif not type(value).__module__.startswith("errorkb"):
        return  # imported modules, functions, Django objects: not errorkb's patterns
    else:
        attributes = getattr(value, "__dict__", None)
        if isinstance(attributes, dict):
            _walk(attributes, found, seen, depth + 1)
        for cls in type(value).__mro__:
            # (a class compiled by mypyc has no __dict__ nor __slots__: it lists its attributes
            # in __mypyc_attrs__)
            for slot in (*getattr(cls, "__slots__", ()), *getattr(cls, "__mypyc_attrs__", ())):
                if hasattr(value, slot):
                    _walk(getattr(value, slot), found, seen, depth + 1, slot)


def modules():
    for package_name in PACKAGES:
        package = importlib.import_module(package_name)
        yield package
        for info in pkgutil.walk_packages(package.__path__, package_name + "."):
            if ".migrations" in info.name:
                continue
            yield importlib.import_module(info.name)


def literal_patterns(found: dict) -> int:
    """Patterns written as literals in re.compile/search/match/sub/… calls inside functions."""
    count = 0
    for package_name in PACKAGES:
        root = Path(errorkb.__file__).parent / package_name.split(".")[1]
        for path in root.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                    continue
                if not (isinstance(node.func.value, ast.Name) and node.func.value.id == "re"):
                    continue
                if (
                    not node.args
                    or not isinstance(node.args[0], ast.Constant)
                    or not isinstance(node.args[0].value, str)
                ):
                    continue
                flags = 0
                for arg in list(node.args[1:]) + [k.value for k in node.keywords if k.arg == "flags"]:
                    for name in ast.walk(arg):
                        if (
                            isinstance(name, ast.Attribute)
                            and isinstance(name.value, ast.Name)
                            and name.value.id == "re"
                        ):
                            flags |= (
                                getattr(re, name.attr, 0) if isinstance(getattr(re, name.attr, 0), int) else 0
                            )
                try:
                    compiled = re.compile(node.args[0].value, flags)
                except re.error:
                    continue
                entry = found.setdefault((compiled.pattern, compiled.flags), [compiled, set()])
                if node.func.attr != "compile":  # a compiled pattern is judged by how its name is used
                    entry[1].add(f"re.{node.func.attr}")
                count += 1
    return count


def source_text() -> str:
    root = Path(errorkb.__file__).parent
    return "\n".join(
        path.read_text() for package in PACKAGES for path in (root / package.split(".")[1]).rglob("*.py")
    )


ANCHORED = {"match", "fullmatch"}


def how_used(names: set[str], source: str) -> set[str]:
    """The methods the code calls on a pattern, by the names it is kept under ({'search'} when unknown)."""
    methods = set()
    for name in names:
        if name.startswith("re."):
            methods.add(name[3:])
        elif name:
            methods |= set(
                re.findall(
                    rf"\b{re.escape(name)}\.(search|match|fullmatch|finditer|findall|sub|subn|split)\(",
                    source,
                )
            )
    return methods or {"search"}


def collect_patterns() -> list[tuple[re.Pattern, bool]]:
    """(pattern, anchored): anchored when the code only ever calls match/fullmatch on it."""
    found: dict = {}
    seen: dict = {}
    for module in modules():
        for name, value in vars(module).items():
            if isinstance(value, type) and value.__module__ == module.__name__:
                _walk(dict(vars(value)), found, seen, 0)
            elif not name.startswith("__"):
                _walk(value, found, seen, 0, name)
    catalogue = Catalogue.from_snapshot(snapshot_from_fixtures(default_fixture_paths()))
    _walk(catalogue, found, seen, 0)
    literal_patterns(found)
    source = source_text()
    return [(pattern, how_used(names, source) <= ANCHORED) for pattern, names in found.values()]


def _search_all(patterns, progress_path: str) -> None:
    with open(progress_path, "w", buffering=1) as progress:
        for index, (pattern, anchored) in enumerate(patterns):
            strings = GENERIC + derived_strings(pattern)
            if isinstance(pattern.pattern, bytes):
                strings = [s.encode("utf-8") for s in strings]
            for number, text in enumerate(strings):
                progress.write(f"start {index} {number}\n")
                started = time.perf_counter()
                if anchored:  # the code matches it at chosen positions: try a few
                    for position in (0, 1, len(text) // 2):
                        pattern.match(text, position)
                else:
                    pattern.search(text)
                    for _ in pattern.finditer(text[:20_000]):
                        pass
                progress.write(f"done {index} {number} {time.perf_counter() - started:.6f}\n")
        progress.write("finished\n")


def test_the_collection_finds_the_engines_patterns(monkeypatch):
    patterns = [pattern for pattern, _ in collect_patterns()]
    sources = "\n".join(str(p.pattern) for p in patterns)
    # Every pattern compiled while a catalogue is built (from its rules, inside functions:
    # the ones a walk of the modules' globals could miss) is collected, so searched below:
    # itself, or, for a key format without a literal start (compiled alone only to check
    # it), inside the redactor's shared alternation of those formats, which is searched.
    compiled_at_build = []
    compile_pattern = re.compile

    def recording(pattern, flags=0):
        compiled_at_build.append(compile_pattern(pattern, flags))
        return compiled_at_build[-1]

    with monkeypatch.context() as patched:
        patched.setattr(re, "compile", recording)
        catalogue = Catalogue.from_snapshot(snapshot_from_fixtures(default_fixture_paths()))
    assert len(compiled_at_build) >= 5
    collected = {(p.pattern, p.flags) for p in patterns}
    # The fixtures' key formats with no literal prefix share one alternation.
    assert catalogue.redactor._loose is not None
    shared = catalogue.redactor._loose[0]
    assert (shared.pattern, shared.flags) in collected
    missing = [
        built.pattern
        for built in compiled_at_build
        if (built.pattern, built.flags) not in collected and f">{built.pattern})" not in shared.pattern
    ]
    assert not missing
    assert "rk_live_" in sources  # from the provider rules, via the built catalogue's redactor
    assert any("authorization" in str(p.pattern).lower() for p in patterns)


def test_no_pattern_backtracks_catastrophically(tmp_path):
    patterns = collect_patterns()
    progress = tmp_path / "progress.txt"
    child = multiprocessing.get_context("fork").Process(target=_search_all, args=(patterns, str(progress)))
    child.start()
    child.join(OVERALL_SECONDS)
    lines = progress.read_text().splitlines() if progress.exists() else []
    if child.is_alive():
        child.kill()
        child.join()
        last = next((line for line in reversed(lines) if line.startswith("start")), "start 0 0").split()
        pattern = patterns[int(last[1])][0]
        text = (GENERIC + derived_strings(pattern))[int(last[2])]
        pytest.fail(f"pattern never returned: {pattern.pattern!r} on {text[:40]!r}… ({len(text):,} chars)")
    assert lines and lines[-1] == "finished", f"the child died: exit code {child.exitcode}"
    timings = []
    for line in lines:
        if line.startswith("done"):
            _, index, number, seconds = line.split()
            timings.append((float(seconds), int(index), int(number)))
    worst, index, number = max(timings)
    pattern = patterns[index][0]
    text = (GENERIC + derived_strings(pattern))[number]
    print(
        f"\nregex safety: {len(patterns)} patterns, {len(timings):,} adversarial searches; "
        f"slowest {worst * 1000:.1f} ms: {pattern.pattern!r:.120} on {text[:30]!r}… ({len(text):,} chars)"
    )
    slow = sorted(((s, i, n) for s, i, n in timings if s >= GUARD_SECONDS), reverse=True)
    assert not slow, "\n".join(
        f"{s:.2f} s: {patterns[i][0].pattern!r} on {(GENERIC + derived_strings(patterns[i][0]))[n][:40]!r}"
        for s, i, n in slow[:10]
    )
