"""The demo's history: moments counted from today, and the services' records dated back to them.

The demo makes everything through the services, which stamp it with the present; each step is
then dated back to when it "happened", relative to today, so that a freshly seeded site always
reads naturally (an open call, last year's finished projects).
"""

import heapq
from contextlib import contextmanager
from datetime import datetime, time, timedelta

from django.utils import timezone
from wagtail.models import ModelLogEntry


def day(days):
    """Today in Beijing, shifted by `days`."""

    return timezone.localdate() + timedelta(days=days)


def at(days, hour, minute=0):
    """An aware moment in Beijing time, `days` from today."""

    return datetime.combine(day(days), time(hour, minute), tzinfo=timezone.get_default_timezone())


def before_now(days, hour, minute=0):
    """Like `at`, but `days` may be fractional and the moment is never in the future."""

    moment = at(0, hour, minute) + timedelta(days=days)
    return min(moment, timezone.now() - timedelta(minutes=5))


@contextmanager
def audited_at(moment):
    """Date the audit entries written inside the block back to `moment`."""

    last = ModelLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    yield
    ModelLogEntry.objects.filter(pk__gt=last).update(timestamp=moment)


class Timeline:
    """Steps in the order they happened, each dated back to its moment. A step returns whether
    it did anything (a second run of the demo finds everything done); it may plan more."""

    def __init__(self):
        self.events, self.count, self.steps = [], 0, 0

    def at(self, moment, action, *args):
        moment = min(moment, timezone.now() - timedelta(minutes=2))
        heapq.heappush(self.events, (moment, self.count, action, args))
        self.count += 1

    def run(self):
        while self.events:
            moment, _count, action, args = heapq.heappop(self.events)
            with audited_at(moment):
                done = action(moment, *args)
            self.steps += bool(done)
        return self.steps
