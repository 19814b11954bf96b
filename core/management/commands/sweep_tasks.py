"""Find background work whose worker died, and mark it failed or queue it again (core.tasks)."""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from core import tasks


class Command(BaseCommand):
    help = "Mark background work whose worker stopped answering as failed, or queue it again."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=0,
                            help="Sweep again every this many seconds, until stopped (default: once).")

    def handle(self, *, every, **options):
        while True:
            marked = tasks.sweep()
            if options["verbosity"] > 1 or marked:
                self.stdout.write(f"{marked} lost queue entries marked failed")
            if every <= 0:
                return
            close_old_connections()
            time.sleep(every)
