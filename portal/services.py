"""The published 360Giving files: generated into `OPEN_DATA_ROOT`, regenerated when the data
they come from changes, served as they are.

What the files publish changes only through the events of the apps that own it: an award
created, paid, signed, varied, reported on or ended (`grants.funding.events`), a gift to a
project paid or refunded (`grants.donations.events`), an organisation's public record edited
(`incubator.organisations.events`), and staff's edits of funds, themes, streets and
communities in the admin; and when a call page is published (Wagtail's `page_published`), as
its title is the grant programme's. PortalConfig.ready connects them to `data_changed`,
which notes the change as an `OpenDataChange` row in the sender's transaction and queues the
`regenerate_files` task once that transaction commits: a change rolled back queues nothing.

Whether the files are current is told by a fingerprint: the newest of those rows, plus the
export's format and settings. The files carry the fingerprint they were made from
(`state.json`). A request that finds the files stale serves them anyway and queues the task
too (requests re-read the fingerprint at most every CHECK_EVERY seconds), and only a request
that finds no file waits for one to be made.

Files are written to a temporary name beside the target and renamed over it, so a reader
always gets a whole file; one export runs at a time (a lock file), and a task that finds
the files already current does nothing, so a burst of changes costs one regeneration.

A worker that dies mid-export leaves its temporary files behind and its task "running": the
next export removes temporary files older than any export takes (core.tasks.LOST_AFTER; a
younger one may be a writer's on another machine sharing the folder), and the sweep of lost
work (core.tasks.sweeping) queues the regeneration again while the files are stale; so does
the next request for them, REQUEUE_AFTER after it last queued one.
"""

import fcntl
import hashlib
import json
import logging
import os
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from core import tasks
from portal import opendata
from portal.models import OpenDataChange

logger = logging.getLogger(__name__)

FORMAT = 1  # raise when the mapping changes, so deployed files count as stale
FILES = {"json": "360giving.json", "csv": "360giving.csv"}
STATE = "state.json"
CHECK_EVERY = 30  # seconds a request may rely on the last fingerprint read
REQUEUE_AFTER = 600  # seconds before a request queues again a regeneration that has not happened


def root():
    return Path(settings.OPEN_DATA_ROOT)


def _licence():
    return settings.OPEN_DATA_LICENSE


def _settings_digest():
    chosen = [opendata.prefix(), *publisher().values(), _licence(), settings.SITE_URL, settings.LANGUAGE_CODE]
    return hashlib.sha256(json.dumps(chosen).encode()).hexdigest()[:8]


def _newest_change():
    """(pk, moment) of the newest change to the published data, or None."""
    return OpenDataChange.objects.order_by("-pk").values_list("pk", "noted_at").first()


def fingerprint(newest=None):
    """The state of everything the export reads, in one indexed query (none when given the
    newest change). The change's id and time: ids alone repeat across databases (a restored
    backup, SQLite reusing a rolled-back row's id, test runs), ids and times do not."""

    newest = newest or _newest_change()
    version = f"{newest[0]}@{newest[1].timestamp():.6f}" if newest else "0"
    return f"{FORMAT}.{_settings_digest()}.{version}"


def publisher():
    """The package's publisher, from settings (the identifier is left out when unset)."""
    details = {"name": settings.OPEN_DATA_PUBLISHER_NAME}
    if identifier := settings.OPEN_DATA_PUBLISHER_ID:
        details["identifier"] = identifier
    details["website"] = settings.SITE_URL + "/"
    return details


def metadata():
    name = publisher()["name"]
    return {
        "title": _("%(publisher)s: funded projects") % {"publisher": name},
        "description": _("Every project funded through %(publisher)s, with its funders, amounts, payments "
                         "and places, in the 360Giving Data Standard.") % {"publisher": name},
        "identifier": f"{opendata.prefix()}-grants",
        "modified": timezone.localtime().replace(microsecond=0).isoformat(),
        "publisher": publisher(),
        "license": _licence(),
        "downloadURL": settings.SITE_URL + opendata.PACKAGE_PATH,
    }


def state():
    try:
        return json.loads((root() / STATE).read_text())
    except (FileNotFoundError, ValueError):
        return {}


def is_current(known=None):
    return state().get("fingerprint") == (known or fingerprint()) and all(
        (root() / name).exists() for name in FILES.values())


@contextmanager
def _locked(directory):
    """One export at a time, across processes; the next one waits, then finds the files
    current (or makes them so)."""
    with open(directory / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _repeatable_read():
    """Read the whole export from one snapshot, so that the CSV's columns, counted first, fit
    every row read later, and the fingerprint read first is the one of the data written.
    Only the first statement of a transaction may say so; SQLite's transactions are
    snapshots already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")


@contextmanager
def _temporary(directory, name, **open_args):
    handle = tempfile.NamedTemporaryFile("w", dir=directory, prefix=f".{name}.", suffix=".tmp", delete=False,
                                         **open_args)
    try:
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, 0o644)  # public data: readable by whatever serves MEDIA_ROOT
    except BaseException:
        os.unlink(handle.name)
        raise


def _remove_abandoned(directory):
    """Temporary files left by an export that died (see above); returns their names."""
    oldest = time.time() - tasks.LOST_AFTER.total_seconds()
    removed = []
    for path in directory.glob(".*.tmp"):
        try:
            if path.stat().st_mtime < oldest:
                path.unlink()
                removed.append(path.name)
        except FileNotFoundError:  # removed meanwhile by another sweep
            continue
    if removed:
        logger.warning("open data: removed %s abandoned temporary files: %s", len(removed), ", ".join(removed))
    return removed


def regenerate(force=False):
    """Write both files if they are not current (or `force`): returns the number of grants
    written, or None when there was nothing to do."""
    directory = root()
    directory.mkdir(parents=True, exist_ok=True)
    with _locked(directory), translation.override(settings.LANGUAGE_CODE):
        _remove_abandoned(directory)
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if outermost:
                _repeatable_read()
            newest = _newest_change()
            current = fingerprint(newest)
            if not force and is_current(current):
                return None
            with _temporary(directory, FILES["json"], encoding="utf-8") as package, \
                    _temporary(directory, FILES["csv"], encoding="utf-8-sig", newline="") as flat:
                count = opendata.export(package, flat, metadata())
        os.replace(package.name, directory / FILES["json"])
        os.replace(flat.name, directory / FILES["csv"])
        (directory / f".{STATE}.tmp").write_text(json.dumps({
            "fingerprint": current, "grants": count, "generated_at": timezone.now().isoformat()}))
        os.replace(directory / f".{STATE}.tmp", directory / STATE)
    if newest:
        # The changes before the newest are published: only the newest is still needed.
        OpenDataChange.objects.filter(pk__lt=newest[0]).delete()
    logger.info("open data: %s grants written (%s)", count, current)
    return count


@task(backend="background")
def regenerate_files():
    """The background task: bring the files up to date (nothing to do if they are)."""
    return regenerate()


# -- changes to the published data ---------------------------------------------------------
# The change this thread's transaction noted first, while that transaction is open.
_noted = threading.local()


def _enqueue():
    _noted.pk = None  # committed: the next change belongs to another transaction
    regenerate_files.enqueue()


def resume(**kwargs):
    """Receiver of core.tasks.sweeping: queue the regeneration again when the files are stale
    and none is waiting or working (one lost with its worker)."""
    if not is_current() and not tasks.pending(regenerate_files):
        regenerate_files.enqueue()


def _regenerate_now():
    regenerate_files.call()


def data_changed(**kwargs):
    """Receiver of the events that change what the files publish (connected in
    PortalConfig.ready): note the change and queue one regeneration for when the sender's
    transaction commits (at once outside one), however many changes it makes (a matching
    run's confirmation creates hundreds of awards).

    The row is written in the sender's transaction: rolling that back, or the savepoint the
    change was made in, takes back the row and the queued task together. So while the row the
    thread noted first is still there, its transaction has queued the task already.

    Every change writes its row, even when the task is already queued: if another on-commit
    callback fails before ours runs (Django then skips the rest), the fingerprint has still
    moved, so the next request finds the files stale, queues the task, and the task's pruning
    of old rows lets this thread queue again."""

    noted = getattr(_noted, "pk", None)
    queued = noted is not None and OpenDataChange.objects.filter(pk=noted).exists()
    change = OpenDataChange.objects.create()
    if not queued:
        _noted.pk = change.pk
        # Inside core.tasks.run_now() (the demo), regenerate at the commit instead of queuing.
        transaction.on_commit(_regenerate_now if tasks.running_now() else _enqueue, robust=True)


def donation_changed(donation, **kwargs):
    """donation_paid and donation_refunded: a gift to the pool is in no grant."""
    if donation.award_id:
        data_changed()


def organisation_changed(organisation, fields=None, **kwargs):
    """An organisation edited: only the fields a grant shows count (all, when not known)."""
    if fields is None or set(fields) & opendata.ORGANISATION_FIELDS:
        data_changed()


def file_for(kind):
    """The path of the current file of `kind` ("json" or "csv"). A stale file is still
    served (a regeneration is queued, once per state); only a missing one is made now."""
    path = root() / FILES[kind]
    if not path.exists():
        regenerate()
        return path
    # Requests share the fingerprint for a while: the files of a busy moment are served
    # without a query each.
    current = cache.get_or_set("opendata:fingerprint", fingerprint, CHECK_EVERY)
    if state().get("fingerprint") != current and cache.add(f"opendata:queued:{current}", True, REQUEUE_AFTER):
        _enqueue()
    return path
