from django.core.management.base import BaseCommand

from demo.seed import seed_demo


class Command(BaseCommand):
    help = "Load realistic bilingual demo data. Safe to run again: it only adds what is missing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=int, default=0, metavar="N",
            help="also bulk-create N records of each high-volume kind (for benchmarks)",
        )

    def handle(self, *args, scale=0, **options):
        seed_demo(self.stdout, scale)
