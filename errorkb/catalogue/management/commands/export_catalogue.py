from pathlib import Path

from django.core.management.base import BaseCommand

from errorkb.catalogue.fixtures import FIXTURE_DIR, export_catalogue


class Command(BaseCommand):
    help = "Write the catalogue as it is now (curated edits included) as fixtures, one file per provider."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", type=Path, default=FIXTURE_DIR, help="Directory to write to (default: fixtures/)."
        )

    def handle(self, *args, output, **options):
        for path in export_catalogue(output):
            self.stdout.write(f"wrote {path}")
