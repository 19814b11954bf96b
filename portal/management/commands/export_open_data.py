from django.core.management.base import BaseCommand

from portal import services as opendata


class Command(BaseCommand):
    help = ("Regenerate the 360Giving open data (/open-data/360giving.json and .csv), whether or not it is "
            "current. Run after deploys, or from cron as a safety net.")

    def handle(self, *args, **options):
        count = opendata.regenerate(force=True)
        self.stdout.write(f"Open data: {count} grants written to {opendata.root()}.")
