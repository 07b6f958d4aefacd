"""Two QLVB installations on loopback ports (separate processes, databases and files) exchange a
document and its statuses as signed edXML; a receiver killed mid-transfer loses and duplicates
nothing."""

from __future__ import annotations

import json
import sqlite3
import threading
import time

import pytest
from django.conf import settings

from qlvb.exchange.tests.instances import ISSUE, make_pair

# The installations run on their own SQLite files whatever the suite's database: once is enough.
# The tests share one pair of installations (made once per process: it takes a minute), so under
# pytest-xdist (--dist loadgroup) they all go to one worker.
pytestmark = [pytest.mark.skipif("sqlite" not in settings.DATABASES["default"]["ENGINE"],
                                 reason="runs in the SQLite job only (the servers use their own SQLite files)"),
              pytest.mark.xdist_group("two_installations"), pytest.mark.slow]

COUNT_ITEMS = """
from qlvb.exchange.models import ReceptionItem
import json
print("RESULT" + json.dumps(list(ReceptionItem.objects.order_by("id").values("kind", "state", "sender_code",
                                                                               "reference", "summary"))))
"""
STATUSES = """
from qlvb.exchange.models import DeliveryStatus, OutboundMessage
import json
print("RESULT" + json.dumps({"statuses": list(DeliveryStatus.objects.order_by("at", "id").values_list("code",
                                                                                                    "arrival_number")),
                             "queue": list(OutboundMessage.objects.values_list("state", "attempts"))}))
"""
HANDLE = """
from qlvb.core.actor import Actor
from qlvb.exchange import services
from qlvb.exchange.models import ReceptionItem
from qlvb.incoming import services as incoming
from qlvb.org.models import Person
from qlvb.registers.models import Register
clerk, head, tp = (Person.objects.get(username=u) for u in ("ubnd.vt", "ubnd.gd", "ubnd.tp"))
item = ReceptionItem.objects.get(kind="new")
draft = services.accept(by=Actor(clerk), item=item)
register = Register.objects.filter(agency=item.receiver, direction=Register.Direction.INCOMING,
                                   category=Register.Category.ORDINARY).first()
document = incoming.register_document(by=Actor(clerk), agency=item.receiver, register=register, fields={},
                                      document=draft)
incoming.route(by=Actor(head), document=document, main=incoming.Target(unit=tp.posts.first().unit))
assignment = document.assignments.get()
incoming.record_progress(by=Actor(tp), assignment=assignment, text="Đang triển khai")
incoming.complete(by=Actor(tp), document=document, note="Đã triển khai xong")
print("RESULT", document.arrival_number)
"""


def _items_in(instance) -> int:
    with sqlite3.connect(instance.dir / "qlvb.sqlite3", timeout=30) as db:
        return db.execute("select count(*) from exchange_receptionitem").fetchone()[0]

RECALL = """
from qlvb.core.actor import Actor
from qlvb.exchange import services
from qlvb.org.models import Person
from qlvb.outgoing.models import OutgoingDocument
document = OutgoingDocument.objects.order_by("id").first()
print(services.send_change(by=Actor(Person.objects.get(username="stttt.vt")), document=document, kind="recall",
                           reason="Ban hành nhầm đối tượng"))
"""
AGREE = """
from qlvb.core.actor import Actor
from qlvb.exchange import services
from qlvb.exchange.models import ReceptionItem
from qlvb.org.models import Person
item = ReceptionItem.objects.get(kind="recall")
assert item.original and item.original.incoming_id, item.original
services.agree_change(by=Actor(Person.objects.get(username="ubnd.vt")), item=item)
item.original.incoming.refresh_from_db()
print(item.original.incoming.status)
"""


def result(output: str):
    return json.loads(output.split("RESULT", 1)[1])


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    a, b = make_pair(tmp_path_factory.mktemp("installations"))
    yield a, b
    a.kill()
    b.kill()


def test_document_and_statuses_between_two_installations(pair):
    a, b = pair
    a.start()
    b.start()
    try:
        a.shell(ISSUE)
        assert "sent 1" in a.manage("send_exchange_queue")
        items = result(b.shell(COUNT_ITEMS))
        assert len(items) == 1 and items[0]["kind"] == "new" and items[0]["state"] == "waiting"
        assert items[0]["summary"].startswith("V/v triển khai chữ ký số")
        b.shell(HANDLE)
        assert "sent 5" in b.manage("send_exchange_queue")  # 01, 03, 04, 05, 06
        sender = result(a.shell(STATUSES))
        assert [code for code, _n in sender["statuses"]] == ["01", "03", "04", "05", "06"]
        assert dict(sender["statuses"])["03"] == "1"  # the arrival number came back
        # A recalls it; B's clerk agrees: B's incoming document is cancelled, A gets 15.
        a.shell(RECALL)
        assert "sent 1" in a.manage("send_exchange_queue")
        assert "cancelled" in b.shell(AGREE)
        assert "sent 1" in b.manage("send_exchange_queue")
        codes = [code for code, _n in result(a.shell(STATUSES))["statuses"]]
        assert codes[-2:] == ["13", "15"]
    finally:
        a.kill()
        b.kill()


def test_receiver_killed_mid_transfer_loses_and_duplicates_nothing(pair):
    a, b = pair
    a.start()
    before = len(result(b.shell(COUNT_ITEMS)))
    a.shell(ISSUE)
    # The receiver is down: the package waits in the outbound queue.
    assert "sent 0, failed 1" in a.manage("send_exchange_queue", "--all")
    # The receiver stores the package, then is killed before it answers.
    b.start(env={"QLVB_EXCHANGE_FAULT_DELAY": "60"})
    outputs: list[str] = []
    sender = threading.Thread(target=lambda: outputs.append(a.manage("send_exchange_queue", "--all")))
    sender.start()
    deadline = time.monotonic() + 60
    while _items_in(b) == before and time.monotonic() < deadline:
        time.sleep(0.2)
    b.kill()  # committed on the receiver's side, no answer sent yet
    sender.join()
    output = outputs[0]
    assert "sent 0, failed 1" in output
    assert len(result(b.shell(COUNT_ITEMS))) == before + 1  # stored before the crash
    # Restarted, the sender retries; the receiver has it already and registers it once.
    b.start()
    try:
        assert "sent 1" in a.manage("send_exchange_queue", "--all")
        items = result(b.shell(COUNT_ITEMS))
        assert len(items) == before + 1
        queue = result(a.shell(STATUSES))["queue"]
        assert all(state == "sent" for state, _attempts in queue)
    finally:
        a.kill()
        b.kill()


def test_sender_killed_between_send_and_answer_loses_and_duplicates_nothing(pair):
    import os
    import signal
    import subprocess
    import sys

    from qlvb.exchange.tests.instances import ROOT

    a, b = pair
    before = _items_in(b)
    a.shell(ISSUE)
    b.start(env={"QLVB_EXCHANGE_FAULT_DELAY": "60"})  # B stores, then is slow to answer
    sender = subprocess.Popen([sys.executable, "manage.py", "send_exchange_queue", "--all"], cwd=ROOT, env=a.env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while _items_in(b) == before and time.monotonic() < deadline:
        time.sleep(0.2)
    os.killpg(sender.pid, signal.SIGKILL)  # the sender dies waiting for the answer
    sender.wait(timeout=10)
    b.kill()
    b.start()
    try:
        assert "sent 1" in a.manage("send_exchange_queue", "--all")
        assert _items_in(b) == before + 1
        assert all(state == "sent" for state, _attempts in result(a.shell(STATUSES))["queue"])
    finally:
        a.kill()
        b.kill()
