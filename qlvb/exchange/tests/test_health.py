"""The exchange's outbound queue on the health page and in the metrics."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from qlvb.core import health
from qlvb.exchange.models import OutboundMessage, Peer
from qlvb.files.services import store_bytes

pytestmark = pytest.mark.django_db


def outbox() -> health.Probe:
    [result] = health.run(["exchange_outbox"])
    return result.probe


def message(peer: Peer, key: str, *, state: str = "pending", age: timedelta = timedelta()) -> OutboundMessage:
    return OutboundMessage.objects.create(peer=peer, kind="document", key=key, state=state,
                                          payload=store_bytes(b"<edXML/>", name="package.edxml"),
                                          created_at=timezone.now() - age)


@pytest.fixture
def peer() -> Peer:
    return Peer.objects.create(name="Trục liên thông", base_url="http://127.0.0.1:9", agency_codes="000.00.00.G22")


def test_the_outbox_counts_what_waits_and_warns_when_a_package_waits_too_long(peer, settings):
    assert outbox().ok and outbox().value == 0
    message(peer, "a")
    message(peer, "b", age=timedelta(minutes=30))
    message(peer, "sent", state="sent", age=timedelta(days=3))
    message(peer, "failed", state="failed", age=timedelta(days=3))
    probe = outbox()
    assert probe.ok and not probe.critical and probe.value == 2
    assert "2" in str(probe.detail) and "1" in str(probe.detail)  # waiting, given up

    message(peer, "late", age=timedelta(minutes=settings.QLVB_OUTBOX_LATE_MINUTES + 1))
    late = outbox()
    assert not late.ok and not late.critical and late.value == 3
