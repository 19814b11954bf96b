from django.core.management.base import BaseCommand, CommandError

from core import backups


class Command(BaseCommand):
    help = ("Restore an archive written by `backup` into this installation, after checking its "
            "checksums and schema. Refuses a database that is not empty unless --force.")

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--force", action="store_true",
                            help="replace the contents of a database that is not empty")

    def handle(self, *args, archive, force=False, **options):
        try:
            manifest, files = backups.restore(archive, force=force)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored the database and {files} files from {archive} "
                          f"(written {manifest['created']} by commit {manifest['seedbed']['commit'][:12]}). "
                          "Now run `manage.py migrate`.")
