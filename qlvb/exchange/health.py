"""The exchange's health check: packages waiting in the outbound queue (registered in ExchangeConfig.ready)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.core.health import Probe


def outbox() -> Probe:
    from qlvb.exchange.models import OutboundMessage

    waiting = OutboundMessage.objects.filter(state=OutboundMessage.State.PENDING)
    count = waiting.count()
    given_up = OutboundMessage.objects.filter(state=OutboundMessage.State.FAILED).count()
    oldest = waiting.order_by("created_at").values_list("created_at", flat=True).first()
    detail = _("%(count)d packages waiting to be sent, %(given_up)d given up") % {"count": count, "given_up": given_up}
    # A peer down for a while is normal (the queue retries); one silent for longer than this is not.
    late = oldest is not None and timezone.now() - oldest > timedelta(minutes=settings.QLVB_OUTBOX_LATE_MINUTES)
    if late:
        detail = _("%(detail)s; the oldest has waited since %(since)s") % {
            "detail": detail, "since": timezone.localtime(oldest).strftime("%H:%M %d/%m/%Y")}
    return Probe(ok=not late, critical=False, value=float(count), detail=detail)
