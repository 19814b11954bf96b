from django.core.management.base import BaseCommand

from incubator.training.services import sweep_offers


class Command(BaseCommand):
    help = "Pass offered training places that were not confirmed in time to the next person waiting."

    def handle(self, *args, **options):
        lapsed = sweep_offers()
        self.stdout.write(f"{lapsed} offer(s) lapsed")
