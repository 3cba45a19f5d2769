"""The compiled engine is used only when it was built from the sources beside it."""

import importlib
import logging
import sys
from pathlib import Path

import pytest

import errorkb.diagnosis.engine
from errorkb.diagnosis import compiled


@pytest.fixture
def build(tmp_path, monkeypatch):
    monkeypatch.delenv("ERRORKB_PURE_ENGINE", raising=False)
    monkeypatch.setattr(sys, "path", list(sys.path))  # prefer_build may add the build to it
    return tmp_path


def test_a_build_of_these_sources_goes_ahead_of_them(build):
    (build / compiled.DIGEST_FILE).write_text(compiled.sources_digest() + "\n")
    path = ["/src/errorkb/diagnosis"]
    assert compiled.prefer_build(path, build) is True
    assert path == [str(build / "errorkb" / "diagnosis"), "/src/errorkb/diagnosis"]


def test_a_build_of_other_sources_is_not_used_and_says_so(build, caplog):
    (build / compiled.DIGEST_FILE).write_text("0" * 64 + "\n")
    path = ["/src/errorkb/diagnosis"]
    with caplog.at_level(logging.WARNING, logger="errorkb"):
        assert compiled.prefer_build(path, build) is False
    assert path == ["/src/errorkb/diagnosis"]
    assert "make engine" in caplog.text


def test_no_build_means_plain_python_quietly(build, caplog):
    with caplog.at_level(logging.WARNING, logger="errorkb"):
        assert compiled.fresh_build(build / "never-built") is None
    assert caplog.text == ""


def test_plain_python_can_be_asked_for(build, monkeypatch):
    (build / compiled.DIGEST_FILE).write_text(compiled.sources_digest())
    monkeypatch.setenv("ERRORKB_PURE_ENGINE", "1")
    assert compiled.fresh_build(build) is None


def test_every_engine_module_but_the_chooser_is_compiled(monkeypatch):
    names = {path.name for path in compiled.compiled_sources()}
    assert "engine.py" in names and "extract.py" in names
    assert not names & {"__init__.py", "compiled.py"}
    # And the build holds an extension module for each of them, none for the chooser.
    monkeypatch.delenv("ERRORKB_PURE_ENGINE", raising=False)
    build = compiled.fresh_build()
    if build is None:
        pytest.skip("no compiled build on this machine (make engine says why)")
    built = {path.name.split(".")[0] for path in (build / "errorkb" / "diagnosis").iterdir()}
    assert built >= {name.removesuffix(".py") for name in names}
    assert not built & {"__init__", "compiled"}


def test_the_engine_in_use_is_the_build_exactly_when_a_fresh_one_exists():
    # After `make engine` (every `make test`) this is the compiled engine; with
    # ERRORKB_PURE_ENGINE=1, or where nothing could be compiled, plain Python.
    assert compiled.is_compiled(errorkb.diagnosis.engine) == (compiled.fresh_build() is not None)
    # Every module, not the engine alone: a partial build would mix the two.
    for path in compiled.compiled_sources():
        module = importlib.import_module(f"errorkb.diagnosis.{path.stem}")
        assert compiled.is_compiled(module) == errorkb.diagnosis.COMPILED, path.name


def test_a_plain_python_module_is_not_taken_for_a_compiled_one():
    assert not compiled.is_compiled(compiled)  # compiled.py itself is never compiled
    assert not compiled.is_compiled(sys)  # a built-in module has no file at all


def load_build_script(monkeypatch, build_dir, compile_fails=True):
    """scripts/build_engine.py as a module, building into build_dir; its compile fails at once
    (with compile_fails)."""
    import importlib.util

    monkeypatch.setenv("ERRORKB_PURE_ENGINE", "1")  # what the script sets; restored after the test
    monkeypatch.chdir(Path(__file__).resolve().parents[2])  # main() changes directory
    monkeypatch.setattr(sys, "argv", ["build_engine.py"])
    monkeypatch.setattr(sys, "path", list(sys.path))  # the script puts the project first on it
    path = Path(__file__).resolve().parents[2] / "scripts" / "build_engine.py"
    spec = importlib.util.spec_from_file_location("build_engine_under_test", path)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    monkeypatch.setattr(script, "BUILD", build_dir)

    def no_compiler(output, work):
        raise OSError("no space left on device")

    if compile_fails:
        monkeypatch.setattr(script, "compile_into", no_compiler)
    return script


def test_sources_mypyc_refuses_fail_the_build_even_without_strict(monkeypatch, tmp_path, capsys):
    mypyc_build = pytest.importorskip("mypyc.build", reason="mypy is not installed: nothing to refuse")

    script = load_build_script(monkeypatch, tmp_path / "engine", compile_fails=False)

    def refused(*args, **kwargs):  # what mypycify does once it has printed a type error
        sys.exit("error: Incompatible return value type")

    monkeypatch.setattr(mypyc_build, "mypycify", refused)  # compile_into imports it when called
    assert script.main() == 1
    assert "mypyc refused" in capsys.readouterr().err


@pytest.mark.parametrize("same_sources", [True, False])
def test_a_failed_compile_keeps_only_a_build_of_the_same_sources(monkeypatch, tmp_path, capsys, same_sources):
    build_dir = tmp_path / "engine"
    build_dir.mkdir()
    script = load_build_script(monkeypatch, build_dir)
    digest = compiled.sources_digest() if same_sources else "0" * 64
    (build_dir / compiled.DIGEST_FILE).write_text(digest + "\n")
    assert script.main() == 0  # not --strict: the engine still runs, as plain Python at worst
    assert build_dir.exists() is same_sources
    warning = capsys.readouterr().err
    assert "no space left on device" in warning
    assert ("made from these same sources, is kept" in warning) is same_sources
    assert ("runs as plain Python" in warning) is not same_sources
