import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from errorkb.catalogue.snapshot import engine_catalogue
from errorkb.diagnosis import ProviderUnknown, diagnose

CONFIDENT = 0.5


class Command(BaseCommand):
    help = (
        "Diagnose a pasted error (a response body, HTTP dump, curl -v output, log line, repr, code or message): "
        "the catalogue entry it is, how sure, why, the context pulled out of it, what to do, and which secrets "
        "were redacted. Reads FILE, or stdin when FILE is '-' or left out."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", nargs="?", default="-", help="File holding the paste; '-' or nothing reads stdin."
        )
        parser.add_argument("--provider", help="Only consider this provider (its slug, e.g. 123hub).")
        parser.add_argument(
            "--http-status",
            type=int,
            help="The HTTP status the response came with, when the paste does not show it.",
        )
        parser.add_argument(
            "--json", action="store_true", help="Print the whole result as JSON (the API's shape)."
        )

    def handle(self, *args, file, provider, http_status, json: bool, **options):
        text = self.read(file)
        try:
            result = diagnose(text, engine_catalogue(), provider=provider, http_status=http_status)
        except ProviderUnknown as exc:
            raise CommandError(str(exc)) from exc
        except DatabaseError as exc:
            raise CommandError(
                f"The catalogue cannot be read from the database ({exc}); run migrate and sync_catalogue."
            ) from exc
        answer = result.to_dict()
        if json:
            self.stdout.write(_json.dumps(answer, indent=2, ensure_ascii=False))
        else:
            self.stdout.write("\n".join(describe(answer)))

    def read(self, file: str) -> str:
        if file == "-":
            data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()
        else:
            try:
                data = Path(file).read_bytes()
            except OSError as exc:
                raise CommandError(f"Cannot read {file}: {exc.strerror or exc}") from exc
        return data.decode("utf-8", "replace")


_json = json  # the --json option shadows the module's name inside handle()


def describe(answer: dict) -> list[str]:
    """The result as a support engineer reads it in a terminal."""
    lines: list[str] = []
    matches = answer["matches"]
    top = matches[0] if matches else None
    if top and top["confidence"] >= CONFIDENT:
        lines.append(f"{top['provider']} {top['code']}: {top['title']}  (confidence {top['confidence']:.2f})")
        lines += _match_details(top)
        others = matches[1:]
    else:
        lines.append(
            "No confident match."
            + (" The paste fits several entries equally well." if answer["ambiguous"] else "")
        )
        others = matches
    status = answer["http_status"]
    lines.append(
        f"Provider: {answer['provider'] or 'unknown'}   HTTP status: {status if status is not None else 'unknown'}"
    )
    category = answer["category"]
    if category:
        label = f" ({category['range']})" if category["range"] else ""
        lines.append(f"Category: {category['name']}{label}")
    if answer["context"]:
        lines.append("Context:")
        for key, value in answer["context"].items():
            shown = value if isinstance(value, str | int | float) else _json.dumps(value, ensure_ascii=False)
            lines.append(f"  {key}: {shown}")
    advice = answer["advice"]
    lines.append(f"Advice: {advice['summary']}")
    lines += [f"  {number}. {step}" for number, step in enumerate(advice["steps"], 1)]
    if answer["redactions"]:
        lines.append("Redacted: " + ", ".join(f"{r['kind']} ({r['where']})" for r in answer["redactions"]))
    if others:
        lines.append("Other candidates:")
        lines += [f"  {m['provider']} {m['code']}: {m['title']}  ({m['confidence']:.2f})" for m in others]
    if len(answer["errors"]) > 1:
        lines.append(f"Errors found: {len(answer['errors'])}")
        for error in answer["errors"]:
            best = error["matches"][0] if error["matches"] else None
            what = (
                f"{best['provider']} {best['code']} ({best['confidence']:.2f})" if best else "unlisted code"
            )
            lines.append(f"  line {error['line']}: {what}")
        lines.append(
            "Most frequent: "
            + ", ".join(f"{s['provider']} {s['code']} x{s['count']}" for s in answer["summary"])
        )
    return lines


def _match_details(match: dict) -> list[str]:
    lines = [f"  {reason}" for reason in match["reasons"]]
    if match["params"]:
        lines.append("  params: " + ", ".join(f"{k}={v}" for k, v in match["params"].items()))
    lines.append(f"  more: {match['url']}")
    return lines
