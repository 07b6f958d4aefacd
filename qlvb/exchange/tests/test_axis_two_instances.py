"""Two QLVB installations (separate processes, SQLite databases and files) exchange a document and
all its statuses through the axis double, registered on it as two systems; the receiver killed
between fetching a package and acknowledging it loses and doubles nothing. No server runs: the
installations act through their commands (send_exchange_queue, poll_axis), as their jobs would."""

from __future__ import annotations

import sqlite3

import pytest
from django.conf import settings

from qlvb.exchange.axis.double import AxisDouble
from qlvb.exchange.tests.instances import ISSUE, RECEIVER_CODE, SENDER_CODE, make_two
from qlvb.exchange.tests.test_two_instances import AGREE, COUNT_ITEMS, HANDLE, RECALL, STATUSES, result

pytestmark = [pytest.mark.skipif("sqlite" not in settings.DATABASES["default"]["ENGINE"],
                                 reason="runs in the SQLite job only (the installations use their own SQLite files)"),
              pytest.mark.xdist_group("axis_two_installations"), pytest.mark.slow]

CONNECT = """
from qlvb.core.actor import Actor
from qlvb.exchange.axis.sync import save_connection
from qlvb.org.models import Person
save_connection(by=Actor(Person.objects.get(username="root")), name="Trục liên thông văn bản quốc gia",
                endpoint="{url}", system_id="{system}", secret="{secret}", agency_codes="{codes}")
"""
# The receiver dies (no clean-up, no exception handler) after storing a package, before updateStatus.
DIE_BEFORE_ACK = """
import os
from qlvb.exchange.axis.client import AxisClient
def die(self, doc_id, status="done"):
    os._exit(9)
AxisClient.update_status = die
from qlvb.exchange.axis.sync import poll_all
poll_all()
"""


def _items(instance) -> int:
    with sqlite3.connect(instance.dir / "qlvb.sqlite3", timeout=30) as db:
        return db.execute("select count(*) from exchange_receptionitem").fetchone()[0]


@pytest.fixture(scope="module")
def installations(tmp_path_factory):
    axis = AxisDouble()
    url = axis.start()
    axis.add_system("vn.sothongtin.sonla", "secret-of-a-0123", [SENDER_CODE])
    axis.add_system("vn.ubnd.sonla", "secret-of-b-4567", [RECEIVER_CODE])
    a, b = make_two(tmp_path_factory.mktemp("axis-installations"))
    a.shell(CONNECT.format(url=url, system="vn.sothongtin.sonla", secret="secret-of-a-0123", codes=RECEIVER_CODE))
    b.shell(CONNECT.format(url=url, system="vn.ubnd.sonla", secret="secret-of-b-4567", codes=SENDER_CODE))
    yield a, b, axis
    axis.stop()


def test_document_and_all_statuses_through_the_axis_receiver_killed_before_acknowledging(installations):
    a, b, axis = installations
    a.shell(ISSUE)
    assert "sent 1" in a.manage("send_exchange_queue")
    [doc_id] = axis.pending("vn.ubnd.sonla")
    # B fetches and stores the package, then dies before acknowledging it.
    with pytest.raises(RuntimeError):
        b.shell(DIE_BEFORE_ACK)
    assert _items(b) == 1 and axis.pending("vn.ubnd.sonla") == [doc_id]
    # Restarted, B polls again: acknowledged, registered once.
    assert "acknowledged 1" in b.manage("poll_axis")
    items = result(b.shell(COUNT_ITEMS))
    assert len(items) == 1 and items[0]["kind"] == "new" and items[0]["state"] == "waiting"
    assert items[0]["summary"].startswith("V/v triển khai chữ ký số")
    assert axis.pending("vn.ubnd.sonla") == [] and axis.docs[doc_id].fetched == 1
    # B's clerk accepts and registers it, the leader routes it, it is handled and completed.
    b.shell(HANDLE)
    assert "sent 5" in b.manage("send_exchange_queue")  # 01, 03, 04, 05, 06 over the axis
    assert len(axis.pending("vn.sothongtin.sonla", "status")) == 5
    assert "stored 5" in a.manage("poll_axis")
    sender = result(a.shell(STATUSES))
    assert [code for code, _n in sender["statuses"]] == ["01", "03", "04", "05", "06"]
    assert dict(sender["statuses"])["03"] == "1"  # the arrival number came back
    assert axis.pending("vn.sothongtin.sonla", "status") == []
    # A recalls it; B's clerk agrees: B's incoming document is cancelled, A gets 13 back… and 15.
    a.shell(RECALL)
    assert "sent 1" in a.manage("send_exchange_queue")
    assert "stored 1" in b.manage("poll_axis")
    assert "cancelled" in b.shell(AGREE)
    assert "sent 1" in b.manage("send_exchange_queue")
    a.manage("poll_axis")
    codes = [code for code, _n in result(a.shell(STATUSES))["statuses"]]
    assert codes[-1] == "15"
    # Polled again: nothing new, nothing doubled on either side.
    a.manage("poll_axis")
    b.manage("poll_axis")
    assert len(result(b.shell(COUNT_ITEMS))) == 2  # the document and its recall
    assert [code for code, _n in result(a.shell(STATUSES))["statuses"]] == codes
