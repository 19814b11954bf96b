from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core import backups


class Command(BaseCommand):
    help = "Write one .tar.gz archive: the database, media, private media and a checksummed manifest."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", metavar="PATH",
                            help="archive file, or a folder to put it in (default: seedbed-<time>.tar.gz here)")

    def handle(self, *args, output=None, **options):
        name = f"seedbed-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"
        path = Path(output or name)
        if path.is_dir():
            path = path / name
        try:
            manifest = backups.create(path)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{path}: {len(manifest['files'])} files, database {manifest['database']['vendor']}, "
                          f"commit {manifest['seedbed']['commit'][:12]}")
