from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from errorkb.catalogue.fixtures import default_fixture_paths, sync_catalogue


class Command(BaseCommand):
    help = (
        "Load the catalogue fixtures into the database. New rows are created and rows nobody "
        "edited are updated; rows edited since the fixtures last set them are kept and reported "
        "as conflicts (use --overwrite to take the fixtures' version)."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path, help="Fixture files (default: fixtures/*.json).")
        parser.add_argument(
            "--overwrite", action="store_true", help="Replace curated rows that conflict with the fixtures."
        )
        parser.add_argument(
            "--check", action="store_true", help="Exit with status 1 when there are conflicts."
        )

    def handle(self, *args, paths, overwrite, check, **options):
        paths = paths or default_fixture_paths()
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise CommandError(f"No such fixture file: {', '.join(missing)}")
        try:
            report = sync_catalogue(paths, overwrite=overwrite)
        except (ValueError, LookupError) as exc:
            raise CommandError(f"The fixtures could not be read: {exc}") from exc
        for line in report.lines():
            self.stdout.write(line)
        if report.conflicts:
            self.stderr.write(
                self.style.WARNING(
                    "Curated rows differ from changed fixtures and were kept. Review them in the "
                    "admin, then export_catalogue to commit them, or sync with --overwrite."
                )
            )
            if check:
                raise CommandError("conflicts found")
