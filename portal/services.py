"""The published 360Giving files: generated into `OPEN_DATA_ROOT`, regenerated when the data
they come from changes, served as they are.

Whether the files are current is told by a fingerprint: the newest audit entry that can
change them (every change to an award, a fund or a payment writes one, and so do staff's
edits of funds, organisations, themes and places in the admin, and publishing a call),
plus the export's format and settings. The files carry the fingerprint they were made
from (`state.json`). Each such audit entry queues the `regenerate_files` task once its
transaction commits; a request that finds the files stale serves them anyway and queues the
task too (requests re-read the fingerprint at most every CHECK_EVERY seconds), and only a
request that finds no file waits for one to be made.

Files are written to a temporary name beside the target and renamed over it, so a reader
always gets a whole file; one export runs at a time (a lock file), and a task that finds
the files already current does nothing, so a burst of changes costs one regeneration.
"""

import fcntl
import hashlib
import json
import logging
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task
from wagtail.models import ModelLogEntry, PageLogEntry

from core import tasks
from grants.calls.models import CallPage, Theme
from grants.funding.models import Award, Fund
from incubator.organisations.models import Organisation
from incubator.places.models import Community, Street
from portal import opendata

logger = logging.getLogger(__name__)

FORMAT = 1  # raise when the mapping changes, so deployed files count as stale
FILES = {"json": "360giving.json", "csv": "360giving.csv"}
STATE = "state.json"
CHECK_EVERY = 30  # seconds a request may rely on the last fingerprint read

# The audit entries that can change the export (see the module docstring). Proposals' own
# entries are left out on purpose: drafts are saved all day, and a funded proposal no
# longer changes.
WATCHED_PREFIXES = ("seedbed.award.", "seedbed.fund.")
WATCHED_ACTIONS = ("seedbed.organisation.edited",)
ADMIN_EDITED = (Award, Fund, Organisation, Theme, Street, Community)  # their wagtail.* entries


def root():
    return Path(settings.OPEN_DATA_ROOT)


def _admin_types():
    return [ct.pk for ct in ContentType.objects.get_for_models(*ADMIN_EDITED, for_concrete_models=False).values()]


def watched(entry):
    """Whether a model audit entry can change the export (cheap: content types are cached)."""

    action = entry.action or ""
    return (action.startswith(WATCHED_PREFIXES) or action in WATCHED_ACTIONS
            or (action.startswith("wagtail.") and entry.content_type_id in _admin_types()))


def _licence():
    return settings.OPEN_DATA_LICENSE


def _settings_digest():
    chosen = [opendata.prefix(), *publisher().values(), _licence(), settings.SITE_URL, settings.LANGUAGE_CODE]
    return hashlib.sha256(json.dumps(chosen).encode()).hexdigest()[:8]


def _newest(entries):
    # The id and time of the newest entry: ids alone repeat across databases (a restored
    # backup, SQLite reusing a deleted row's id, test runs), ids and times do not.
    newest = entries.order_by("-pk").values_list("pk", "timestamp").first()
    return f"{newest[0]}@{newest[1].timestamp():.6f}" if newest else "0"


def fingerprint():
    """The state of everything the export reads, in two indexed queries."""

    model = ModelLogEntry.objects.filter(
        Q(*[Q(action__startswith=prefix) for prefix in WATCHED_PREFIXES], _connector=Q.OR)
        | Q(action__in=WATCHED_ACTIONS)
        | Q(action__startswith="wagtail.", content_type_id__in=_admin_types()))
    page = PageLogEntry.objects.filter(content_type=ContentType.objects.get_for_model(CallPage),
                                       action="wagtail.publish")
    return f"{FORMAT}.{_settings_digest()}.{_newest(model)}.{_newest(page)}"


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


def regenerate(force=False):
    """Write both files if they are not current (or `force`): returns the number of grants
    written, or None when there was nothing to do."""
    directory = root()
    directory.mkdir(parents=True, exist_ok=True)
    with _locked(directory), translation.override(settings.LANGUAGE_CODE):
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if outermost:
                _repeatable_read()
            current = fingerprint()
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
    logger.info("open data: %s grants written (%s)", count, current)
    return count


@task(backend="background")
def regenerate_files():
    """The background task: bring the files up to date (nothing to do if they are)."""
    return regenerate()


def _enqueue():
    regenerate_files.enqueue()


def _regenerate_now():
    regenerate_files.call()


def schedule():
    """Queue a regeneration when the current transaction commits (at once outside one),
    once per transaction however many entries it writes (a matching run's confirmation
    writes hundreds); inside `core.tasks.run_now()`, regenerate at the commit instead.

    Django keeps the pending callbacks as (savepoints open when registered, callback, …); one
    of ours registered within savepoints that are all still open is dropped only with the
    change asking now, so a second is not needed."""
    ours = _regenerate_now if tasks.running_now() else _enqueue
    connection = transaction.get_connection()
    open_now = set(connection.savepoint_ids)
    if any(callback is ours and savepoints <= open_now
           for savepoints, callback, *_rest in connection.run_on_commit):
        return
    transaction.on_commit(ours)


def model_entry_saved(sender, instance, created, raw=False, **kwargs):
    """post_save of ModelLogEntry (connected in GrantsConfig.ready)."""
    if created and not raw and watched(instance):
        schedule()


def page_entry_saved(sender, instance, created, raw=False, **kwargs):
    """post_save of PageLogEntry: a call published (its title is the grant programme's)."""
    if created and not raw and instance.action == "wagtail.publish" \
            and instance.content_type_id == ContentType.objects.get_for_model(CallPage).pk:
        schedule()


def file_for(kind):
    """The path of the current file of `kind` ("json" or "csv"). A stale file is still
    served (a regeneration is queued, once per state); only a missing one is made now."""
    path = root() / FILES[kind]
    if not path.exists():
        regenerate()
        return path
    # The fingerprint's query walks the audit log back to the newest entry that counts (tens
    # of milliseconds behind a long run of draft saves): requests share it for a while.
    current = cache.get_or_set("opendata:fingerprint", fingerprint, CHECK_EVERY)
    if state().get("fingerprint") != current and cache.add(f"opendata:queued:{current}", True, 3600):
        _enqueue()
    return path
