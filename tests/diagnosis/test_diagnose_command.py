"""manage.py diagnose: the engine from a terminal, on a file or stdin."""

from __future__ import annotations

import io
import json
import sys

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

PASTE = '> X-API-KEY: rk_live_abc123def456\n< HTTP/1.1 429 Too Many Requests\n\n{"error":"Rate limit exceeded","reset_in":37}'


def run(*args, stdin: str | None = None) -> str:
    out = io.StringIO()
    if stdin is not None:
        original = sys.stdin
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin.encode()))
        try:
            call_command("diagnose", *args, stdout=out)
        finally:
            sys.stdin = original
    else:
        call_command("diagnose", *args, stdout=out)
    return out.getvalue()


def test_it_prints_a_readable_diagnosis_of_a_file(tmp_path):
    paste = tmp_path / "paste.txt"
    paste.write_text(PASTE)
    out = run(str(paste))
    assert out.startswith("rukkyhub rate-limit-hit: Rate limit hit")
    assert "message matches exactly" in out
    assert "Advice: Retry after 37 s." in out
    assert "api_key (X-API-KEY header)" in out
    assert "rk_live_abc123def456" not in out


def test_it_reads_stdin_and_prints_the_api_shape_with_json():
    answer = json.loads(
        run("--json", stdin='{"success":false,"error":{"code":6010,"message":"Payment does not exist"}}')
    )
    assert answer["matches"][0]["code"] == "6010"
    assert answer["category"]["range"] == "6xxx"


def test_it_passes_the_hints_on():
    answer = json.loads(
        run("-", "--provider", "rukkyhub", "--http-status", "429", "--json", stdin="Rate limit exceeded")
    )
    assert (answer["provider"], answer["http_status"]) == ("rukkyhub", 429)


def test_it_says_when_nothing_matches_confidently():
    assert run(stdin="provider not available").startswith(
        "No confident match. The paste fits several entries"
    )


def test_it_refuses_an_unknown_provider_and_an_unreadable_file(tmp_path):
    with pytest.raises(CommandError, match="valid providers: .*123hub"):
        run("--provider", "stripe", stdin="6010")
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(tmp_path / "missing.txt"))
