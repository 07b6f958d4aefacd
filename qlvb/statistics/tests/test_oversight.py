"""The leaders' oversight of drafts and issuing (003 Đ13, Đ15.1): where each draft waits, for whom
and for how many working days, flagged past the agency's review days; the documents issued by unit
and type; the reviews that took too long, by reviewer. Only leaders and unit heads open it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qlvb.core.actor import Actor
from qlvb.outgoing import services as outgoing
from qlvb.outgoing.models import OutgoingSettings
from qlvb.outgoing.tests.conftest import docx_upload, signing  # noqa: F401
from qlvb.statistics.models import Item

pytestmark = pytest.mark.django_db


def make_draft(org, field, summary="V/v báo cáo tình hình ứng dụng CNTT năm 2026", **extra):  # noqa: ANN001, ANN201
    return outgoing.create_draft(by=Actor(org.specialist), agency=org.agency, uploads=[docx_upload()],
                                 fields={"doc_type": "CV", "summary": summary, "field": field, **extra})


def rows_of(response) -> list[int]:  # noqa: ANN001
    return [w.item.document_id for w in response.context["page"].object_list]


def test_where_each_draft_waits_and_for_how_long(org, signing, login, later):  # noqa: F811
    writing = make_draft(org, signing, "V/v xây dựng kế hoạch chuyển đổi số năm 2027")
    in_review = make_draft(org, signing, "V/v rà soát hạ tầng mạng của các phòng")
    outgoing.submit(by=Actor(org.specialist), document=in_review, signer=org.deputy)
    later(14)  # two weeks without a review: past the agency's 3 working days
    response = login(org.head).get("/statistics/drafts/")
    assert response.status_code == 200
    counts = {c["status"]: c["n"] for c in response.context["counts"]}
    assert counts == {"draft": 1, "in_review": 1, "returned": 0, "approved": 0, "signed": 0}
    waits = {w.item.document_id: w for w in response.context["page"].object_list}
    assert waits[in_review.pk].item.holder_id == org.unit_head.pk and waits[in_review.pk].over
    assert waits[in_review.pk].days >= 8  # working days: ten weekdays less what the calendar takes off
    assert not waits[writing.pk].over  # being written: no one is asked to act yet
    assert waits[writing.pk].url == f"/outgoing/{writing.pk}/"
    html = response.content.decode()
    assert org.unit_head.full_name in html and "V/v rà soát hạ tầng mạng" in html
    # The agency gives more time for a review: no longer flagged.
    OutgoingSettings.objects.update_or_create(agency=org.agency, defaults={"review_days": 20})
    response = login(org.head).get("/statistics/drafts/", {"status": "in_review"})
    assert rows_of(response) == [in_review.pk] and not response.context["page"].object_list[0].over


def test_who_may_open_the_drafts_page(org, other_org, signing, login):  # noqa: F811
    make_draft(org, signing)
    assert login(org.head).get("/statistics/drafts/").context["scope"].level == "agency"
    deputy = login(org.deputy).get("/statistics/drafts/")  # his fields
    assert deputy.context["scope"].level == "fields" and len(rows_of(deputy)) == 1
    unit = login(org.unit_head).get("/statistics/drafts/")
    assert unit.context["scope"].level == "unit" and len(rows_of(unit)) == 1
    assert login(org.specialist).get("/statistics/drafts/").status_code == 404
    assert login(org.clerk).get("/statistics/drafts/").status_code == 404  # the registers, not the people
    assert login(org.unit_head).get("/statistics/drafts/", {"scope": "agency"}).status_code == 404
    assert login(org.unit_head).get("/statistics/drafts/", {"scope": "unit", "unit": org.office.pk}
                                    ).status_code == 404
    assert login(other_org.head).get("/statistics/drafts/", {"agency": org.agency.pk}).status_code == 404
    assert login(org.head).get("/statistics/drafts/", {"status": "nonsense"}).status_code == 404


def test_a_bad_period_is_explained_and_the_default_shown(org, signing, login):  # noqa: F811
    response = login(org.head).get("/statistics/drafts/", {"period": "range", "start": "2026-12-05",
                                                           "end": "2026-12-01"})
    assert response.status_code == 200 and response.context["period"].kind == "month"
    assert "Ngày kết thúc trước ngày bắt đầu." in response.content.decode()


def test_secret_drafts_only_for_those_who_may_see_them(org, signing, login):  # noqa: F811
    make_draft(org, signing)
    secret = make_draft(org, signing, "V/v phương án bảo vệ bí mật nhà nước", secrecy="mat")
    assert rows_of(login(org.head).get("/statistics/drafts/")) != [] and \
        secret.pk not in rows_of(login(org.head).get("/statistics/drafts/"))
    counts = {c["status"]: c["n"] for c in login(org.head).get("/statistics/drafts/").context["counts"]}
    assert counts["draft"] == 1  # the count of secret drafts is hidden too
    outgoing.submit(by=Actor(org.specialist), document=secret, signer=org.deputy)
    assert secret.pk in rows_of(login(org.unit_head).get("/statistics/drafts/"))  # he reviews it now
    assert secret.pk not in rows_of(login(org.head).get("/statistics/drafts/"))


def test_reviews_that_took_too_long_by_reviewer(org, signing, login, later):  # noqa: F811
    slow, quick = make_draft(org, signing), make_draft(org, signing, "V/v góp ý dự thảo quy chế")
    for document in (slow, quick):
        outgoing.submit(by=Actor(org.specialist), document=document, signer=org.deputy)
    outgoing.approve(by=Actor(org.unit_head), document=quick)
    later(14)
    outgoing.approve(by=Actor(org.unit_head), document=slow)  # after its due date
    response = login(org.head).get("/statistics/drafts/")
    totals = response.context["review_totals"]
    assert (totals["done_late"], totals["done_on_time"]) == (1, 1)
    assert totals["overdue"] == 1  # the office's check of `quick`, due long ago
    reviewers = {row.label: row.counts for row in response.context["late_reviewers"]}
    assert reviewers[org.unit_head.full_name]["done_late"] == 1
    assert reviewers[org.clerk.full_name]["overdue"] == 1
    assert Item.objects.filter(kind="review", late=True).count() == 1


def test_documents_issued_by_unit_and_type(org, signing, login):  # noqa: F811
    from qlvb.outgoing.tests.conftest import submit_approve_and_sign
    from qlvb.signatures.demo import create_demo_pki_for

    create_demo_pki_for(org.agency)
    document = submit_approve_and_sign(org, make_draft(org, signing))
    outgoing.issue(by=Actor(org.clerk), document=document)
    make_draft(org, signing)
    response = login(org.head).get("/statistics/drafts/")
    assert response.context["issued_total"]["total"] == 1
    assert [(e["row"].label, e["row"].counts["total"]) for e in response.context["issued_by_unit"]] == \
        [(org.unit.name, 1)]
    assert [(e["row"].key, e["row"].counts["total"]) for e in response.context["issued_by_type"]] == [("CV", 1)]
    assert document.pk not in rows_of(response)  # issued: no longer waiting


@pytest.mark.parametrize("many", [20])
def test_the_page_reads_a_flat_number_of_queries(org, signing, login, later, many):  # noqa: F811
    client = login(org.head)

    def count() -> int:
        client.get("/statistics/drafts/")  # the caches of the person and the calendar filled
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/statistics/drafts/").status_code == 200
        return len(ctx.captured_queries)

    for index in range(2):
        outgoing.submit(by=Actor(org.specialist), document=make_draft(org, signing, f"V/v dự thảo số {index}"),
                        signer=org.deputy)
    few = count()
    for index in range(2, many):
        document = make_draft(org, signing, f"V/v dự thảo số {index}")
        if index % 2:
            outgoing.submit(by=Actor(org.specialist), document=document, signer=org.deputy)
    later(7)  # the waits now span working days (and the session has lapsed: sign in again)
    client = login(org.head)
    assert len(rows_of(client.get("/statistics/drafts/"))) == many
    assert count() == few, connection.vendor
    assert few <= 26, few
