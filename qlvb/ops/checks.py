"""The generic health checks: database, cache, job worker, storage, free disk, job queue.

Registered in core.health when the app loads (OpsConfig.ready). Each says what it found in the
Probe; a check that raises is a failed check too (core.health.run). `critical` decides whether a
failure takes this node out of the load balancer (/health/ answers 503): a dead database or an
unwritable storage does; a stopped job worker, a long queue or a filling disk are shared by every
node or not yet fatal, so they are warnings for the administrator and the metrics' alerts.
"""

from __future__ import annotations

import copy
import shutil
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import DatabaseError, connection
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qlvb.core import health
from qlvb.core.health import Probe
from qlvb.ops.models import Heartbeat

PROBE_FOLDER = "health-probes"


@health.register("database", label=gettext_lazy("Database"))
def database() -> Probe:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return Probe(ok=False, detail=_("No answer: %(error)s") % {"error": error})
    return Probe(ok=True, detail=_("%(vendor)s answered in %(ms)s ms") % {
        "vendor": connection.display_name, "ms": number_format((time.monotonic() - started) * 1000, 1)})


@health.register("cache", label=gettext_lazy("Cache"))
def cache_roundtrip() -> Probe:
    cache = caches["default"]
    key, token = f"qlvb:health:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, token, timeout=30)
    read = cache.get(key)
    cache.delete(key)
    backend = type(cache).__name__
    if read != token:
        return Probe(ok=False, detail=_("%(backend)s did not return what was stored") % {"backend": backend})
    return Probe(ok=True, detail=backend)


@health.register("worker", label=gettext_lazy("Job worker"))
def worker() -> Probe:
    stale_after = settings.QLVB_WORKER_STALE_SECONDS
    last = Heartbeat.objects.order_by("-at").first()
    if last is None:
        return Probe(ok=False, critical=False, detail=_("No job worker has ever reported (is run_huey running?)"))
    age = max(0.0, (timezone.now() - last.at).total_seconds())
    if age > stale_after:
        detail = _("Silent for %(minutes)d minutes (last heard from %(host)s); jobs and reminders are not running")
        return Probe(ok=False, critical=False, value=age, detail=detail % {"minutes": age // 60, "host": last.host})
    return Probe(ok=True, critical=False, value=age,
                 detail=_("Alive %(seconds)d s ago on %(host)s") % {"seconds": age, "host": last.host})


# An S3 store that hangs must not hold /health/ (and a gunicorn worker) for botocore's default
# minute-long timeouts and retries: the probe asks with its own short ones, in seconds.
S3_PROBE_TIMEOUT = 5.0
_probe_stores: dict[int, tuple[Storage, Storage]] = {}


def _probe_store(store: Storage) -> Storage:
    try:
        from botocore.config import Config
        from storages.backends.s3 import S3Storage
    except ImportError:  # pragma: no cover - django-storages[s3] is in the lock file
        return store
    if not isinstance(store, S3Storage):
        return store
    kept = _probe_stores.get(id(store))
    if kept is None or kept[0] is not store:
        probe = copy.copy(store)  # S3Storage's own __getstate__: the copy makes its own connections
        probe.client_config = store.client_config.merge(Config(
            connect_timeout=S3_PROBE_TIMEOUT, read_timeout=S3_PROBE_TIMEOUT, retries={"max_attempts": 1}))
        kept = _probe_stores[id(store)] = (store, probe)
    return kept[1]


@health.register("storage", label=gettext_lazy("File storage"))
def storage() -> Probe:
    store = _probe_store(storages["default"])
    backend = type(store).__name__
    payload = uuid.uuid4().bytes
    try:
        name = store.save(f"{PROBE_FOLDER}/{uuid.uuid4().hex}.bin", ContentFile(payload))
        try:
            with store.open(name, "rb") as file:
                read = file.read()
        finally:
            store.delete(name)
    except Exception as error:  # noqa: BLE001 - whatever the backend raises (OSError, botocore's), the check says it
        return Probe(ok=False, detail=_("%(backend)s could not write, read back or delete a test file: %(error)s") % {
            "backend": backend, "error": f"{type(error).__name__}: {error}"})
    if read != payload:
        return Probe(ok=False, detail=_("%(backend)s returned other bytes than were written") % {"backend": backend})
    return Probe(ok=True, detail=_("%(backend)s: written, read back and deleted") % {"backend": backend})


def local_folders() -> list[Path]:
    """The folders on this machine's disks that QLVB writes: its var folder and, when files are
    kept on disk rather than S3, the files' folder."""
    folders = [Path(settings.VAR_DIR)]
    if isinstance(storages["default"], FileSystemStorage):
        folders.append(Path(settings.MEDIA_ROOT))
    return folders


@health.register("disk", label=gettext_lazy("Free disk space"))
def disk() -> Probe:
    minimum = settings.QLVB_MIN_FREE_DISK_MB * 1024 * 1024
    lowest: tuple[int, Path] | None = None
    for folder in local_folders():
        target = folder if folder.exists() else folder.parent
        free = shutil.disk_usage(target).free
        if lowest is None or free < lowest[0]:
            lowest = (free, folder)
    assert lowest is not None
    free, folder = lowest
    detail = _("%(free)s free on %(folder)s (warning under %(minimum)s)") % {
        "free": _size(free), "folder": folder, "minimum": _size(minimum)}
    return Probe(ok=free >= minimum, critical=False, value=float(free), detail=detail)


@health.register("jobs", label=gettext_lazy("Job queue"))
def job_queue() -> Probe:
    from huey.contrib.djhuey import HUEY

    pending, scheduled = HUEY.pending_count(), HUEY.scheduled_count()
    detail = _("%(pending)d waiting, %(scheduled)d scheduled for later") % {"pending": pending, "scheduled": scheduled}
    return Probe(ok=pending <= settings.QLVB_JOB_QUEUE_WARN, critical=False, value=float(pending), detail=detail)


def _size(count: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1024:
            return f"{number_format(count, 0 if unit == 'B' else 1)} {unit}"
        count /= 1024
    return f"{number_format(count, 1)} TB"
