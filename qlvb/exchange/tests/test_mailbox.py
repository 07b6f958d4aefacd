"""An official mailbox read over IMAP (a local IMAP server started by the test): edXML
attachments and PDFs land in the reception queue, once, and the messages are marked as read."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from qlvb.core.actor import Actor
from qlvb.exchange import mailbox as intake
from qlvb.exchange.models import Mailbox, ReceptionItem
from qlvb.exchange.peers import save_mailbox
from qlvb.exchange.tests.conftest import pdf_bytes
from qlvb.exchange.tests.imap_server import Store, serve
from qlvb.exchange.tests.test_packages import sample


def mail(subject: str, attachments: list[tuple[str, bytes, str]], sender: str = "vanthu@sotttt.sonla.gov.vn"):
    message = EmailMessage()
    message["From"] = f"Văn thư Sở TT&TT <{sender}>"
    message["To"] = "vanthu@ubnd.sonla.gov.vn"
    message["Subject"] = subject
    message["Message-ID"] = f"<{abs(hash(subject))}@sonla.gov.vn>"
    message.set_content("Kính gửi văn bản điện tử.")
    for name, data, mime in attachments:
        main, sub = mime.split("/")
        message.add_attachment(data, maintype=main, subtype=sub, filename=name)
    return message.as_bytes()


@pytest.fixture
def imap(org, root):
    store = Store("vanthu@sotttt", "mat-khau-hop-thu")
    server, port = serve(store)
    box = save_mailbox(by=Actor(root), agency=org.agency, host="127.0.0.1", port=port, use_ssl=False,
                       username="vanthu@sotttt", password="mat-khau-hop-thu")
    yield store, box
    server.shutdown()
    server.server_close()


def test_mailbox_packages_and_pdfs_land_in_the_queue_once(org, imap):
    store, box = imap
    assert bytes(box.password) and b"mat-khau" not in bytes(box.password)  # stored encrypted
    store.add(mail("Gửi văn bản 7816/VPCP-TTĐT", [("7816.edxml", sample("edoc_new.edxml"), "application/xml")]))
    store.add(mail("V/v họp giao ban tháng 12", [("giay-moi.pdf", pdf_bytes("mail"), "application/pdf")]))
    store.add(mail("Gói tin hỏng", [("hong.edxml", sample("edoc.edxml"), "application/xml")]))
    assert intake.read_all() == 2
    package = ReceptionItem.objects.get(source="mailbox", kind="new", package__isnull=False)
    assert package.receiver == org.agency and package.sender_code == "000.00.00.A80" and package.files.exists()
    pdf = ReceptionItem.objects.get(source="mailbox", package__isnull=True, state="waiting")
    assert pdf.summary == "V/v họp giao ban tháng 12" and pdf.sender_code == "vanthu@sotttt.sonla.gov.vn"
    assert ReceptionItem.objects.get(state="invalid").reason
    assert all(m["seen"] for m in store.messages)
    # Read again (e.g. the flags were lost in a crash): nothing registered twice.
    for message in store.messages:
        message["seen"] = False
    intake.read_all()
    assert ReceptionItem.objects.exclude(state="invalid").count() == 2
    box.refresh_from_db()
    assert box.last_error == "" and box.last_checked_at


def test_wrong_password_is_recorded_not_raised(org, imap):
    store, box = imap
    store.password = "khac"
    store.add(mail("x", [("a.pdf", pdf_bytes("x"), "application/pdf")]))
    assert intake.read_mailbox(box) == 0
    box.refresh_from_db()
    assert box.last_error and not ReceptionItem.objects.exists()
    assert Mailbox.objects.count() == 1


def test_mailbox_page_for_the_agency_administrator(org, other_org, login):
    assert login(org.clerk).get("/exchange/mailbox/").status_code == 404
    client = login(org.admin)
    assert client.get("/exchange/mailbox/").status_code == 200
    response = client.post("/exchange/mailbox/", {"host": "mail.sonla.gov.vn", "port": "993", "use_ssl": "on",
                                                  "username": "vanthu@stttt", "password": "bi-mat-123",
                                                  "folder": "INBOX", "is_active": "on"})
    assert response.status_code == 302
    box = Mailbox.objects.get(agency=org.agency)
    assert box.host == "mail.sonla.gov.vn" and b"bi-mat" not in bytes(box.password)
    client.post("/exchange/mailbox/", {"host": "mail2.sonla.gov.vn", "port": "993", "username": "vanthu@stttt",
                                       "folder": "INBOX"})
    box.refresh_from_db()
    assert box.host == "mail2.sonla.gov.vn" and not box.use_ssl and bytes(box.password)  # password kept
    assert not Mailbox.objects.filter(agency=other_org.agency).exists()
