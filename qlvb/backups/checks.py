"""The backup's line on the health page: late or failed is a warning (critical=False): a node
whose last backup failed still serves its users."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qlvb.core import health

# A nightly backup is late when the last verified one is older than a day and a few hours.
LATE_AFTER = timedelta(hours=26)


@health.register("backup", label=gettext_lazy("Last backup"))
def last_backup() -> health.Probe:
    from qlvb.backups.selectors import last_finished, last_verified

    verified = last_verified()
    finished = last_finished()
    age = (timezone.now() - verified.verified_at).total_seconds() if verified and verified.verified_at else None
    if finished is not None and finished.status == finished.Status.FAILED:
        return health.Probe(ok=False, critical=False, value=age,
                            detail=_("The last backup failed: %(error)s") % {"error": finished.error[:300]})
    if verified is None or verified.verified_at is None:
        return health.Probe(ok=False, critical=False, detail=_("No verified backup yet."))
    if timezone.now() - verified.verified_at > LATE_AFTER:
        return health.Probe(ok=False, critical=False, value=age,
                            detail=_("Late: the last verified backup is %(age)s old.")
                            % {"age": timesince(verified.verified_at)})
    return health.Probe(ok=True, critical=False, value=age,
                        detail=_("Verified, %(age)s ago.") % {"age": timesince(verified.verified_at)})
