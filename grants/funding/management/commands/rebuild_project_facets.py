from django.core.management.base import BaseCommand

from grants.funding import facets


class Command(BaseCommand):
    help = "Rebuild the project browser's facet rows and totals from the awards (after a bulk load)."

    def handle(self, *args, **options):
        count = facets.rebuild()
        self.stdout.write(f"{count} awards")
