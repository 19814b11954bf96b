from django.core.management.base import BaseCommand

from grants.review.services import send_overdue_reminders


class Command(BaseCommand):
    help = "Email reviewers about overdue reviews (at most once a day each). Run daily, e.g. from cron."

    def handle(self, *args, **options):
        self.stdout.write(f"Reminders sent to {send_overdue_reminders()} reviewers.")
