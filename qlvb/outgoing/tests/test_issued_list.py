"""The list of issued documents shows exactly the issued documents the person may see (the kind's
one rule), newest first, each once, page after page — read from the access rows' issue time
(OutgoingAccess.issued_at), which issuing sets and cancelling clears in the same transaction."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.core.paging import CappedPaginator
from qlvb.files.services import store_bytes
from qlvb.outgoing import selectors, services
from qlvb.outgoing.models import DraftVersion, OutgoingAccess, OutgoingDocument
from qlvb.outgoing.services import RecipientSpec
from qlvb.outgoing.tests.conftest import submit_approve_and_sign
from qlvb.outgoing.tests.test_marks import DOCX_TYPE, _docx
from qlvb.signatures.demo import create_demo_pki_for


def expected(person):  # noqa: ANN001, ANN201
    """The issued list as the rule defines it: every visible issued document, newest first."""
    return list(selectors.visible_documents(person).filter(status=OutgoingDocument.Status.ISSUED)
                .order_by("-issued_at", "-id").values_list("id", flat=True))


def listed(person, q: str = "") -> list[int]:  # noqa: ANN001
    return [pk for pk, _at in selectors.issued_newest(person, q)[:]]


def everyone(org, other_org):  # noqa: ANN001, ANN201
    return [org.specialist, org.unit_head, org.head, org.deputy, org.clerk, org.admin, other_org.specialist,
            other_org.head, other_org.clerk]


def test_issuing_puts_a_document_in_its_readers_lists_and_cancelling_takes_it_out(org, other_org, signing):
    create_demo_pki_for(org.agency)
    draft = services.create_draft(
        by=Actor(org.specialist), agency=org.agency,
        uploads=[SimpleUploadedFile("a.docx", _docx("Nội dung"), content_type=DOCX_TYPE)],
        fields={"doc_type": "CV", "summary": "V/v báo cáo tình hình ứng dụng CNTT năm 2026", "field": signing},
        recipients=[RecipientSpec(kind="unit", unit=org.office, name=org.office.name),
                    RecipientSpec(kind="agency", agency=other_org.agency, name=other_org.agency.name)])
    document = submit_approve_and_sign(org, draft)
    assert not OutgoingAccess.objects.filter(document=document, issued_at__isnull=False).exists()
    assert all(listed(person) == [] for person in everyone(org, other_org))

    services.issue(by=Actor(org.clerk), document=document)
    document.refresh_from_db()
    rows = OutgoingAccess.objects.filter(document=document)
    assert rows.filter(unit=org.office).exists()  # the unit recipient's row, given at issuing
    assert set(rows.values_list("issued_at", flat=True)) == {document.issued_at}
    for person in everyone(org, other_org):
        assert listed(person) == expected(person), person.username
    assert document.pk in listed(org.specialist) and document.pk in listed(org.clerk)  # drafter, clerk
    assert listed(other_org.specialist) == []

    services.cancel(by=Actor(org.admin), document=document, reason="Phát hành nhầm sổ, theo chỉ đạo")
    assert set(rows.values_list("issued_at", flat=True)) == {None}
    assert all(listed(person) == [] for person in everyone(org, other_org))


@pytest.fixture
def many_issued(org, other_org, signing):
    """Issued documents of both agencies as issuing leaves them, without the PDFs: some secret,
    some shared with a unit, some with the same issue time; plus drafts and a cancelled one."""
    stored = store_bytes(b"%PDF-1.4 benchmark", name="x.pdf")
    now = timezone.now()
    made = []
    for index in range(70):
        agency_org = org if index % 7 else other_org
        secret = "mat" if index % 5 == 0 else ""
        status = OutgoingDocument.Status.ISSUED
        if index % 11 == 0:
            status = OutgoingDocument.Status.DRAFT
        elif index == 13:
            status = OutgoingDocument.Status.CANCELLED
        issued_at = now - timedelta(hours=index // 3)  # three by three at the same moment
        document = OutgoingDocument.objects.create(
            agency=agency_org.agency, drafting_unit=agency_org.unit, doc_type="CV", secrecy=secret,
            drafter=agency_org.specialist if index % 2 else agency_org.unit_head, status=status,
            summary=f"V/v văn bản thử số {index} của danh sách", issued_at=None if status == "draft" else issued_at)
        DraftVersion.objects.create(document=document, number=1, stored=stored, name="x.pdf",
                                    author=document.drafter, role="drafter")
        on_list = issued_at if status == OutgoingDocument.Status.ISSUED else None
        OutgoingAccess.objects.create(document=document, person=document.drafter, reason="drafter",
                                      issued_at=on_list)
        if index % 3 == 0:  # sent to the office (a unit row: never opens a secret one to the unit)
            OutgoingAccess.objects.create(document=document, unit=agency_org.office, reason="recipient",
                                          issued_at=on_list)
        if index % 4 == 0:
            OutgoingAccess.objects.create(document=document, person=agency_org.deputy, reason="reviewer",
                                          issued_at=on_list)
        made.append(document)
    return made


def test_each_person_sees_exactly_their_issued_documents_newest_first_page_after_page(org, other_org, many_issued):
    people = everyone(org, other_org)
    assert any(expected(person) for person in people)
    for person in people:
        rows = selectors.issued_newest(person)
        want = expected(person)
        assert [pk for pk, _at in rows[:]] == want, person.username
        for start in range(0, len(want) + 10, 7):  # every page, pages cut anywhere
            assert [pk for pk, _at in rows[start:start + 7]] == want[start:start + 7]
    secret = [d.pk for d in many_issued if d.secrecy and d.status == "issued" and d.agency_id == org.agency.pk]
    assert secret and set(secret) <= set(listed(org.clerk))  # the clerk issues them
    assert not set(secret) & set(listed(org.head) + listed(org.admin))  # the office's members don't see them
    assert listed(org.head, q="số 3 của") == [pk for pk in expected(org.head)
                                            if "số 3 của" in OutgoingDocument.objects.get(pk=pk).summary]


def test_the_issued_page_lists_them_with_a_flat_count_of_queries(org, many_issued, login, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.QLVB_KEEP_PAGES = False  # the queries of the page made afresh (core.keptpages)
    client = login(org.deputy)
    want = expected(org.deputy)
    assert len(want) > 25
    client.get("/outgoing/list/issued/")  # the session's once-a-minute writes
    with CaptureQueriesContext(connection) as on_page_1:
        first = client.get("/outgoing/list/issued/")
    assert first.status_code == 200
    assert first.context["page"].paginator.count == len(want)
    assert [d.pk for d in first.context["page"]] == want[:25]
    with CaptureQueriesContext(connection) as on_page_2:
        second = client.get("/outgoing/list/issued/?page=2")
    assert [d.pk for d in second.context["page"]] == want[25:50]
    assert len(on_page_2.captured_queries) == len(on_page_1.captured_queries)


def test_the_count_stops_at_the_cap(org, many_issued, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 5)
    paginator = CappedPaginator(selectors.issued_newest(org.deputy), 2)
    page = paginator.get_page(2)
    assert paginator.count == 5 and paginator.capped
    assert [pk for pk, _at in page.object_list] == expected(org.deputy)[2:4]


def test_the_api_lists_the_same_documents_page_after_page_with_a_flat_count_of_queries(org, many_issued, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(org.deputy)
    want = expected(org.deputy)
    client.get("/api/v1/outgoing/documents/?list=issued&limit=5")
    pages, queries = [], []
    for offset in range(0, len(want), 5):
        with CaptureQueriesContext(connection) as ctx:
            data = client.get(f"/api/v1/outgoing/documents/?list=issued&limit=5&offset={offset}").json()
        pages += [row["id"] for row in data["results"]]
        queries.append(len(ctx.captured_queries))
        assert data["count"] == len(want)
    assert pages == want
    assert len(set(queries[:-1])) == 1  # the same queries for every full page
    assert client.get("/api/v1/outgoing/documents/?list=issued&q=số 3 của").json()["count"] == len(
        [pk for pk in want if "số 3 của" in OutgoingDocument.objects.get(pk=pk).summary])
