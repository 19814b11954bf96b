"""A cohort's sessions as iCalendar, for people's own calendars."""

from django.urls import reverse
from icalendar import Calendar, Event

from core import mail


def calendar(cohort):
    feed = Calendar()
    feed.add("prodid", "-//Seedbed//Training//ZH")
    feed.add("version", "2.0")
    feed.add("x-wr-calname", f"{cohort.programme.title} · {cohort.name}")
    url = mail.absolute_url(reverse("training:cohort", args=[cohort.pk]))
    for session in cohort.sessions.all():
        event = Event()
        event.add("uid", f"seedbed-training-session-{session.pk}@{mail.absolute_url('').split('//')[-1]}")
        event.add("summary", f"{cohort.name}：{session.title}")
        event.add("dtstart", session.starts_at)
        event.add("dtend", session.ends_at)
        event.add("dtstamp", session.starts_at)
        event.add("location", session.place or cohort.place)
        event.add("url", url)
        feed.add_component(event)
    return feed.to_ical()
