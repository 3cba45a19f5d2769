"""A synthetic catalogue at scale, for benchmarks only (never part of the fixtures).

The real catalogue (fixtures/*.json) is kept and synthetic providers are added
beside it, so pastes of the real providers still find their entries among the
synthetic ones. Synthetic providers have slugs starting with `synth-`, hosts
under `.example`, and the shapes of the real ones: numbered-code providers with
an envelope, code ranges and categories like 123hub; message providers with
slug codes and HTTP-status entries like RukkyHub; templates, prefixes and aliases
among the messages; secret headers, fields and patterns among the rules.
"""

from __future__ import annotations

import json
import random
import re
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from errorkb.catalogue.fixtures import default_fixture_paths
from errorkb.catalogue.models import CatalogueVersion, Category, ErrorEntry, Provider
from errorkb.catalogue.snapshot import snapshot_cache, snapshot_from_fixtures, snapshot_from_rows

SLUG_PREFIX = "synth-"
DEFAULT_OUTPUT = Path(settings.BASE_DIR) / "bench-results" / "synthetic-catalogue.json"

NAME_PARTS = (
    [
        "Nova",
        "Atlas",
        "Kite",
        "Orbit",
        "Zenith",
        "Pulse",
        "Harbor",
        "Lumen",
        "Cedar",
        "Quartz",
        "Vertex",
        "Ember",
    ],
    ["Pay", "Hub", "Wallet", "Gate", "Bank", "Cash", "Link", "Flow", "Ledger", "Transfer", "Connect", "SMS"],
)
SUBJECTS = [
    "Payment",
    "Transfer",
    "Wallet",
    "Card",
    "Account",
    "Token",
    "Invoice",
    "Refund",
    "Order",
    "Customer",
    "Merchant",
    "Subscription",
    "Beneficiary",
    "Bank account",
    "Currency",
    "Amount",
    "Signature",
    "Session",
    "Webhook",
    "Payout",
    "Mandate",
    "Voucher",
    "Gift card",
    "Airtime",
    "Data bundle",
    "Meter number",
    "Phone number",
    "Email address",
    "PIN",
    "OTP",
    "API key",
    "Application",
    "Service",
    "Plan",
    "Balance",
    "Reference",
    "Transaction",
    "Request",
    "Callback URL",
    "Batch",
]
PREDICATES = [
    "does not exist",
    "already exists",
    "is blocked",
    "is disabled",
    "has expired",
    "is invalid",
    "is not supported",
    "is not allowed",
    "was declined",
    "is pending",
    "is locked",
    "is incomplete",
    "could not be verified",
    "is missing",
    "is too large",
    "is too small",
    "is not active",
    "limit exceeded",
    "format is invalid",
    "was cancelled",
    "is already processed",
    "is not available",
    "does not match",
    "is restricted",
    "is under review",
    "could not be found",
    "is temporarily unavailable",
    "was rejected by the issuer",
    "is not enabled for your plan",
    "requires verification",
]
TEMPLATES = [
    ("{subject} amount must be between {{min}} and {{max}}", "{subject} amount must be between X and Y"),
    ("{subject} must not exceed {{max}} characters", "{subject} must not exceed N characters"),
    ("{subject} limit of {{limit}} per {{period}} exceeded", "{subject} limit of N per period exceeded"),
    ("Invalid value for {subject}: {{value}}", "Invalid value for {subject}: VALUE"),
]
CATEGORY_NAMES = [
    ("system", "System errors", "Internal errors, unavailability, timeouts"),
    ("request", "Request errors", "Malformed requests and unsupported methods"),
    ("authentication", "Authentication errors", "Keys, signatures and applications"),
    ("account", "Account errors", "The account and its settings"),
    ("limits", "Limit errors", "Amounts, quotas and rates"),
    ("payment", "Payment errors", "Payments and their states"),
    ("external-provider", "External provider errors", "Banks and networks behind the provider"),
    ("status", "Status errors", "Operations not allowed in the current state"),
    ("validation", "Validation errors", "Field validation"),
]
# (code path, message path, signature keys, context paths), as in 123hub's rules.
CODE_ENVELOPES = [
    ("error.code", "error.message", ["success", "request_id"], {"request_id": "request_id"}),
    ("code", "message", ["status", "trace_id"], {"trace_id": "trace_id"}),
    ("fault.code", "fault.description", ["fault", "correlation_id"], {"correlation_id": "correlation_id"}),
    ("status.code", "status.detail", ["status", "timestamp"], {"timestamp": "timestamp"}),
    ("error.error_code", "error.error_message", ["ok", "request_id"], {"request_id": "request_id"}),
]
HTTP_STATUSES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}
RETRIES = ["no"] * 6 + ["after_fix"] * 2 + ["exponential_backoff", "wait_reset", "later"]


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def put(body: dict, path: str, value) -> None:
    *parents, last = path.split(".")
    for key in parents:
        body = body.setdefault(key, {})
    body[last] = value


class Generator:
    def __init__(self, providers: int, entries: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.provider_count = providers
        self.entry_count = entries
        self.providers: list[dict] = []
        self.categories: list[dict] = []
        self.entries: list[dict] = []

    def run(self) -> Generator:
        per_provider, extra = divmod(self.entry_count, self.provider_count)
        for i in range(self.provider_count):
            count = per_provider + (1 if i < extra else 0)
            if i % 3 == 2:
                self.message_provider(i, count)
            else:
                self.code_provider(i, count)
        return self

    def provider(self, i: int, rules: dict, kind: str) -> dict:
        first, second = NAME_PARTS
        name = f"{first[i % len(first)]}{second[(i // len(first)) % len(second)]} {i}"
        slug = f"{SLUG_PREFIX}{i:04d}"
        secret_prefix = f"s{i}k"
        rules = {
            "hosts": [f"api.{slug}.example", f"{slug}.example"],
            **rules,
            "secret_headers": self.rng.choice([["X-Api-Key"], [f"X-{first[i % len(first)]}-Signature"], []]),
            "secret_fields": self.rng.choice([["api_key"], ["secret", "pin"], []]),
            "secret_patterns": [f"{secret_prefix}_live_[A-Za-z0-9]+"] if i % 3 == 0 else [],
            "rate_limit_headers": self.rng.choice(
                [["Retry-After"], ["X-RateLimit-Remaining", "Retry-After"], []]
            ),
            "status_reliable": kind == "code",
        }
        provider = {
            "slug": slug,
            "name": name,
            "summary": f"A synthetic {kind} provider for benchmarks.",
            "base_url": f"https://api.{slug}.example/v1",
            "rules": rules,
            "order": 100 + i,
        }
        self.providers.append(provider)
        return provider

    def code_provider(self, i: int, count: int) -> None:
        width = (3, 4, 4, 5)[i % 4]
        per_category = -(-count // len(CATEGORY_NAMES))
        while 10 ** (width - 1) < per_category:  # a range must hold its category's codes
            width += 1
        code_path, message_path, signature, context = CODE_ENVELOPES[i % len(CODE_ENVELOPES)]
        provider = self.provider(
            i,
            {
                "code_pattern": f"^[1-9][0-9]{{{width - 1}}}$",
                "envelope": {
                    "code": code_path,
                    "message": [message_path],
                    "signature": signature,
                    "context": context,
                },
            },
            "code",
        )
        step = 10 ** (width - 1)
        for n, (slug, name, description) in enumerate(CATEGORY_NAMES, start=1):
            self.categories.append(
                {
                    "provider": provider["slug"],
                    "slug": slug,
                    "name": name,
                    "description": description,
                    "code_range_start": n * step,
                    "code_range_end": n * step + step - 1,
                    "order": n,
                }
            )
        messages = self.messages(count)
        for j, (message, title, forms) in enumerate(messages):
            n, offset = divmod(j, per_category)
            code = str((n + 1) * step + offset * max(1, step // per_category))
            body: dict = {}
            put(body, code_path, int(code))
            put(body, message_path, message)
            for key in signature:
                body.setdefault(key, False if key in ("success", "ok") else "a1b2c3d4")
            self.entry(
                provider,
                code,
                "code",
                title,
                message,
                forms,
                CATEGORY_NAMES[n][0],
                json.dumps(body, indent=2),
            )

    def message_provider(self, i: int, count: int) -> None:
        key = ("error", "message", "detail")[i % 3]
        provider = self.provider(
            i,
            {"envelope": {"message": [key], "field_errors": "errors", "context": {"reset_in": "reset_in"}}},
            "message",
        )
        self.categories.append(
            {
                "provider": provider["slug"],
                "slug": "http-status-codes",
                "name": "HTTP status codes",
                "order": 1,
            }
        )
        self.categories.append(
            {"provider": provider["slug"], "slug": "messages", "name": "Error messages", "order": 2}
        )
        statuses = list(HTTP_STATUSES.items())[: min(len(HTTP_STATUSES), count // 10)]
        for status, phrase in statuses:
            self.entry(
                provider,
                str(status),
                "http_status",
                phrase,
                phrase,
                [],
                "http-status-codes",
                "",
                status=status,
            )
        for message, title, forms in self.messages(count - len(statuses)):
            self.entry(
                provider,
                slugify(title),
                "message",
                title,
                message,
                forms,
                "messages",
                json.dumps({key: message}),
            )

    def messages(self, count: int) -> list[tuple[str, str, list]]:
        """`count` distinct (message, title, match forms) for one provider."""
        pairs = self.rng.sample(
            range(len(SUBJECTS) * len(PREDICATES)), min(count, len(SUBJECTS) * len(PREDICATES))
        )
        out, titles = [], set()
        for k in range(count):
            pair = pairs[k % len(pairs)]
            subject, predicate = SUBJECTS[pair // len(PREDICATES)], PREDICATES[pair % len(PREDICATES)]
            round_ = k // len(pairs)  # past every pair, qualify: "... (3)"
            title = f"{subject} {predicate}" + (f" ({round_ + 1})" if round_ else "")
            message, forms = title, []
            roll = self.rng.random()
            template, templated = (s.format(subject=subject) for s in self.rng.choice(TEMPLATES))
            if round_:
                template, templated = f"{template} ({round_ + 1})", f"{templated} ({round_ + 1})"
            if roll < 0.08 and templated not in titles:
                title = message = templated
                forms = [{"type": "template", "pattern": template}]
            elif roll < 0.13:
                message = f"{title}; contact support with reference {{reference}}"
                forms = [{"type": "prefix", "pattern": title}]
            elif roll < 0.18:
                forms = [{"type": "alias", "pattern": f"{subject} error: {predicate}"}]
            titles.add(title)
            out.append((message, title, forms))
        return out

    def entry(self, provider, code, kind, title, message, forms, category, example, status=None) -> None:
        status = status or self.rng.choice(list(HTTP_STATUSES))
        retry = self.rng.choice(RETRIES)
        self.entries.append(
            {
                "provider": provider["slug"],
                "category": category,
                "code": code,
                "kind": kind,
                "title": title[:200],
                "message": message,
                "match_forms": forms,
                "http_status": status,
                "http_status_basis": "documented" if kind != "message" else "inferred",
                "description": f"{message}. Returned by {provider['name']} when the {title.split()[0].lower()} "
                "cannot be used for this request.",
                "causes": [f"The {title.split()[0].lower()} sent does not satisfy the provider's rules."],
                "remedy": [
                    "Check the request against the provider's documentation.",
                    "Send it again once fixed.",
                ],
                "retry_strategy": retry,
                "retry_note": "",
                "example": example,
                "source_document": f"{provider['name']} error reference (synthetic)",
                "source_section": f"{category}, {code}",
            }
        )


class Command(BaseCommand):
    help = (
        "Make a synthetic catalogue (the real one plus N synthetic providers) for benchmarks: write it "
        "as a diagnosis snapshot JSON file, and with --database also load the synthetic providers into "
        "the configured database (replacing earlier synthetic ones)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--providers", type=int, default=500, help="Synthetic providers (default 500).")
        parser.add_argument(
            "--entries", type=int, default=100_000, help="Synthetic entries in all (default 100000)."
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed; the same seed makes the same catalogue."
        )
        parser.add_argument(
            "--output",
            type=Path,
            default=DEFAULT_OUTPUT,
            help=f"Snapshot file to write (default {DEFAULT_OUTPUT}).",
        )
        parser.add_argument(
            "--database", action="store_true", help="Also load it into the configured database."
        )

    def handle(self, *args, providers, entries, seed, output, database, **options):
        if providers < 1 or entries < providers:
            raise CommandError("Need at least one provider and at least one entry per provider.")
        started = time.monotonic()
        generated = Generator(providers, entries, seed).run()
        snapshot = with_real_catalogue(generated)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(snapshot, ensure_ascii=False), encoding="utf-8")
        self.stdout.write(
            f"{len(snapshot['providers'])} providers, {len(snapshot['entries'])} entries written to {output} "
            f"({time.monotonic() - started:.1f}s)."
        )
        if database:
            load(generated)
            refresh_statistics()
            self.stdout.write(
                f"{len(generated.entries)} synthetic entries loaded into the database "
                f"({time.monotonic() - started:.1f}s)."
            )


def with_real_catalogue(generated: Generator) -> dict:
    """The engine snapshot of the real catalogue (from fixtures) plus the generated one."""
    real = snapshot_from_fixtures(default_fixture_paths())
    synthetic = snapshot_from_rows(generated.providers, generated.categories, generated.entries)
    return {
        "version": 0,
        **{key: real[key] + synthetic[key] for key in ("providers", "categories", "entries")},
    }


def synthetic_snapshot(providers: int, entries: int, seed: int = 1) -> dict:
    return with_real_catalogue(Generator(providers, entries, seed).run())


@transaction.atomic
def load(generated: Generator) -> None:
    """Replace the synthetic providers in the database, in bulk (no per-row signals)."""
    synthetic = Provider.objects.filter(slug__startswith=SLUG_PREFIX)
    # Raw deletes: the catalogue signals would otherwise fire once per row; the
    # version is bumped once below instead.
    ErrorEntry.related.through.objects.filter(from_errorentry__provider__in=synthetic)._raw_delete("default")
    ErrorEntry.objects.filter(provider__in=synthetic)._raw_delete("default")
    Category.objects.filter(provider__in=synthetic)._raw_delete("default")
    synthetic._raw_delete("default")

    providers = Provider.objects.bulk_create(Provider(**row) for row in generated.providers)
    provider_ids = {p.slug: p.pk for p in providers}
    categories = Category.objects.bulk_create(
        [
            Category(
                **{k: v for k, v in row.items() if k != "provider"}, provider_id=provider_ids[row["provider"]]
            )
            for row in generated.categories
        ],
        batch_size=2000,
    )
    category_ids = {(c.provider_id, c.slug): c.pk for c in categories}
    rows = []
    for row in generated.entries:
        provider_id = provider_ids[row["provider"]]
        fields = {k: v for k, v in row.items() if k not in ("provider", "category")}
        rows.append(
            ErrorEntry(
                **fields, provider_id=provider_id, category_id=category_ids[(provider_id, row["category"])]
            )
        )
    ErrorEntry.objects.bulk_create(rows, batch_size=2000)
    transaction.on_commit(_catalogue_changed)


VACUUM_ATTEMPTS = 10


def refresh_statistics() -> None:
    """What a database does after a bulk load, so the first searches are planned as later ones.

    PostgreSQL plans from statistics and answers from an index alone only where the
    visibility map says so: both come from VACUUM ANALYZE, which autovacuum runs
    some time after a large load. SQLite's planner reads ANALYZE's statistics too.
    """
    if connection.in_atomic_block:
        return  # a load that may yet be rolled back (a test's): its statistics would mislead
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute("ANALYZE")
            return
        for model in (Provider, Category, ErrorEntry):
            table = model._meta.db_table
            cursor.execute(f'VACUUM ANALYZE "{table}"')
            # VACUUM marks a page all-visible only if no transaction still running began
            # before the load: an autovacuum worker started during the load is one, and
            # after some loads only 2 of 7,681 pages were marked (100k entries), so a
            # status search read the table instead of its index (429: 9 -> 16 ms). Vacuum
            # again, a second apart, until they are marked: ten seconds a table at most.
            for attempt in range(1, VACUUM_ATTEMPTS + 1):
                cursor.execute(
                    "SELECT relpages, relallvisible FROM pg_class WHERE oid = %s::regclass", [f'"{table}"']
                )
                pages, visible = cursor.fetchone()
                if visible >= pages * 0.95 or attempt == VACUUM_ATTEMPTS:
                    break  # marked, or as marked as it gets: no vacuum nothing would look at
                time.sleep(1)
                cursor.execute(f'VACUUM "{table}"')


def _catalogue_changed() -> None:
    CatalogueVersion.bump()
    snapshot_cache.invalidate()
