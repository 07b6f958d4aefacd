"""The statistics rows follow the work through the owning apps' real services: a draft reviewed,
returned, resubmitted, signed and issued; reviews on time or late across Tết; tasks of each source
under their owner; documents recalled, drafts cancelled and tasks withdrawn leave the figures; a
person with posts in two agencies has each agency's figures apart; and the rebuild gives back
exactly the rows the subscriber kept."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.http import QueryDict
from django.utils import timezone

from conftest import make_person
from qlvb.core.actor import Actor
from qlvb.incoming import services as incoming
from qlvb.org import services as org_services
from qlvb.outgoing import services as outgoing
from qlvb.outgoing.tests.conftest import docx_upload, signing  # noqa: F401
from qlvb.statistics import periods, scopes, selectors
from qlvb.statistics.models import Item
from qlvb.statistics.selectors import Query
from qlvb.tasks import services as tasks
from qlvb.tasks.models import Task
from qlvb.tasks.services import Owner

pytestmark = pytest.mark.django_db


def row(kind: str, source_id: int) -> Item | None:
    return Item.objects.filter(kind=kind, source_id=source_id).first()


def the_row(kind: str, source_id: int) -> Item:
    return Item.objects.get(kind=kind, source_id=source_id)


def make_draft(org, field, summary="V/v báo cáo tình hình ứng dụng CNTT năm 2026"):  # noqa: ANN001, ANN201
    return outgoing.create_draft(by=Actor(org.specialist), agency=org.agency, uploads=[docx_upload()],
                                 fields={"doc_type": "CV", "summary": summary, "field": field})


@pytest.fixture
def clock(monkeypatch):
    """Set the clock to a given day and hour."""
    def set_day(day: date, hour: int = 9) -> None:
        moment = timezone.make_aware(datetime.combine(day, time(hour)))
        monkeypatch.setattr(timezone, "now", lambda: moment)
    return set_day


def place(document) -> tuple:  # noqa: ANN001
    item = row("outgoing", document.pk)
    assert item is not None
    return item.status, item.holder_id, item.state


def test_a_draft_followed_from_writing_to_issuing(org, signing, clock):  # noqa: F811
    from qlvb.signatures.demo import create_demo_pki_for
    from qlvb.signatures.models import Certificate

    create_demo_pki_for(org.agency)
    clock(date(2027, 3, 1))
    document = make_draft(org, signing)
    item = row("outgoing", document.pk)
    assert item is not None
    assert (item.person_id, item.unit_id, item.field_id, item.doc_type, item.opened_on) == \
        (org.specialist.pk, org.unit.pk, signing.pk, "CV", timezone.localdate(document.created_at))
    assert place(document) == ("draft", org.specialist.pk, "open")
    written = the_row("outgoing", document.pk).held_since

    def held_since():  # noqa: ANN202
        return the_row("outgoing", document.pk).held_since

    clock(date(2027, 3, 2))
    outgoing.add_version(by=Actor(org.specialist), document=document, upload=docx_upload("Bản sửa"))
    assert held_since() == written  # still with the drafter: the same place
    clock(date(2027, 3, 3))
    outgoing.submit(by=Actor(org.specialist), document=document, signer=org.deputy)
    assert place(document) == ("in_review", org.unit_head.pk, "open") and held_since() == timezone.now()
    review = Item.objects.get(kind="review", person=org.unit_head)
    assert (review.category, review.deadline, review.state, review.document_id) == \
        ("unit_head", date(2027, 3, 8), "open", document.pk)
    clock(date(2027, 3, 4))
    outgoing.return_draft(by=Actor(org.unit_head), document=document, opinion="Bổ sung số liệu quý IV")
    assert place(document) == ("returned", org.specialist.pk, "open") and held_since() == timezone.now()
    review = the_row("review", review.source_id)  # a draft's review rows are rewritten together
    assert (review.state, review.late, review.closed_on) == ("done", False, date(2027, 3, 4))
    clock(date(2027, 3, 5))
    outgoing.add_version(by=Actor(org.specialist), document=document, upload=docx_upload("Đã bổ sung"))
    outgoing.submit(by=Actor(org.specialist), document=document, signer=org.deputy)
    assert place(document) == ("in_review", org.unit_head.pk, "open")
    for hour, (reviewer, holder_after) in enumerate(((org.unit_head, org.clerk), (org.clerk, org.deputy)), 10):
        clock(date(2027, 3, 5), hour)
        outgoing.approve(by=Actor(reviewer), document=document)
        # The same status, another holder: the place changed.
        assert place(document) == ("in_review", holder_after.pk, "open") and held_since() == timezone.now()
    clock(date(2027, 3, 5), 14)
    outgoing.approve(by=Actor(org.deputy), document=document)
    assert place(document) == ("approved", org.deputy.pk, "open") and held_since() == timezone.now()
    certificate = Certificate.objects.get(person=org.deputy, is_active=True)
    clock(date(2027, 3, 8))
    outgoing.authorise_signing(by=Actor(org.deputy), document=document, certificate=certificate, secret="")
    assert place(document) == ("signed", None, "open") and held_since() == timezone.now()
    clock(date(2027, 3, 9))
    outgoing.issue(by=Actor(org.clerk), document=document)
    document.refresh_from_db()
    item = the_row("outgoing", document.pk)
    assert (item.state, item.closed_on, item.holder_id, item.held_since, item.status) == \
        ("done", date(2027, 3, 9), None, None, "issued")
    assert item.reference == document.reference
    reviews = Item.objects.filter(kind="review", document_id=document.pk)
    # Four reviews given (the unit head twice, the office, the signer), each acted on in time.
    assert reviews.count() == 4 and not reviews.filter(late=True).exists()
    assert set(reviews.values_list("state", flat=True)) == {"done"}


def test_a_cancelled_draft_leaves_the_figures(org, signing):  # noqa: F811
    document = make_draft(org, signing)
    outgoing.submit(by=Actor(org.specialist), document=document, signer=org.deputy)
    assert Item.objects.filter(document_id=document.pk, kind__in=["outgoing", "review"]).count() == 2
    outgoing.cancel(by=Actor(org.specialist), document=document, reason="Không còn cần thiết")
    assert not Item.objects.filter(document_id=document.pk, kind__in=["outgoing", "review"]).exists()
    scope = scopes.resolve(org.head, QueryDict())
    assert selectors.totals(org.head, Query("outgoing", scope, periods.of("year", timezone.localdate())))[
        "total"] == 0


def test_reviews_late_or_on_time_across_tet(org, signing, clock):  # noqa: F811
    """Tết 2027 in the calendar (qlvb.core.workdays, the `holidays` package): 29 Tết to mùng 5,
    4–10 February. Three working days from Wednesday 3 February fall due on Monday 15."""
    in_time, late = make_draft(org, signing), make_draft(org, signing, "V/v góp ý dự thảo quy chế")
    clock(date(2027, 2, 3))
    for document in (in_time, late):
        outgoing.submit(by=Actor(org.specialist), document=document, signer=org.deputy)
    steps = Item.objects.filter(kind="review", document_id__in=[in_time.pk, late.pk])
    assert {s.deadline for s in steps} == {date(2027, 2, 15)}
    clock(date(2027, 2, 12))  # nine days later, but only the second working day
    outgoing.approve(by=Actor(org.unit_head), document=in_time)
    clock(date(2027, 2, 16))
    outgoing.approve(by=Actor(org.unit_head), document=late)
    first = Item.objects.get(kind="review", document_id=in_time.pk, person=org.unit_head)
    second = Item.objects.get(kind="review", document_id=late.pk, person=org.unit_head)
    assert (first.late, second.late) == (False, True)
    # The office's check of the first has waited since the 12th: overdue on the 18th (after the 17th).
    office = Item.objects.get(kind="review", document_id=in_time.pk, person=org.clerk)
    assert office.deadline == date(2027, 2, 17)
    scope = scopes.resolve(org.head, QueryDict())
    query = Query("review", scope, periods.of("month", date(2027, 2, 1)))
    assert selectors.totals(org.head, query, today=date(2027, 2, 18)) == {
        "total": 4, "done_on_time": 1, "done_late": 1, "pending": 1, "overdue": 1}


def test_tasks_under_their_owner_by_source(org):
    by = Actor(org.head)
    deadline = timezone.localdate() + timedelta(days=20)
    given = tasks.assign(by=by, agency=org.agency, owner=Owner(person=org.specialist), title="Rà soát hạ tầng",
                         deadline=deadline)
    meeting = tasks.create_from(by=by, agency=org.agency, source=Task.Source.MEETING, source_ref="17",
                                title="Triển khai kết luận giao ban", owner=Owner(unit=org.unit), deadline=deadline)
    programme = tasks.create_from(by=by, agency=org.agency, source=Task.Source.PROGRAMME, source_ref="5",
                                  title="Xây dựng kế hoạch chuyển đổi số", owner=Owner(person=org.specialist),
                                  deadline=deadline)
    # The unit head splits the meeting's task: the sub-task is the same work, not counted twice.
    sub = tasks.assign(by=Actor(org.unit_head), agency=org.agency, owner=Owner(person=org.specialist),
                       title="Chuẩn bị số liệu", deadline=deadline, parent=meeting)
    rows = {i.source_id: i for i in Item.objects.filter(kind="task")}
    assert set(rows) == {given.pk, meeting.pk, programme.pk} and sub.pk not in rows
    assert (rows[given.pk].person_id, rows[given.pk].category) == (org.specialist.pk, "instruction")
    assert (rows[meeting.pk].unit_id, rows[meeting.pk].person_id, rows[meeting.pk].category) == \
        (org.unit.pk, None, "meeting")
    assert (rows[programme.pk].category, rows[programme.pk].reference) == ("programme", "5")
    tasks.complete(by=Actor(org.specialist), task=sub, result="Đã chuẩn bị")
    tasks.complete(by=Actor(org.unit_head), task=meeting, result="Đã triển khai")
    assert the_row("task", meeting.pk).state == "done" and Item.objects.filter(kind="task").count() == 3
    tasks.withdraw(by=by, task=given, reason="Đã giao nhầm")
    assert row("task", given.pk) is None
    scope = scopes.resolve(org.head, QueryDict())
    by_category = {r.key: r.counts["total"] for r in selectors.by(
        org.head, Query("task", scope, periods.of("year", timezone.localdate())), "category")}
    assert by_category == {"meeting": 1, "programme": 1}


def test_a_recalled_document_leaves_the_figures(org, routed):
    document, kept = routed(), routed()
    assert row("incoming", document.pk) is not None
    incoming.cancel_by_sender(by=Actor(org.clerk), document=document, reason="Cơ quan gửi thu hồi")
    assert row("incoming", document.pk) is None and row("incoming", kept.pk) is not None


def test_two_posts_in_two_agencies_are_counted_apart(org, other_org, root, login):
    person = make_person(org.agency, "stttt.kn", "Lường Thị Hoa")
    org_services.assign_post(by=Actor(root), person=person, unit=org.unit, position=org.positions["cv"])
    org_services.assign_post(by=Actor(root), person=person, unit=other_org.unit, position=other_org.positions["cv"],
                             is_concurrent=True)
    deadline = timezone.localdate() + timedelta(days=20)
    tasks.assign(by=Actor(org.head), agency=org.agency, owner=Owner(person=person), title="Việc ở Sở TTTT",
                 deadline=deadline)
    for title in ("Việc ở Sở Nội vụ", "Việc thứ hai ở Sở Nội vụ"):
        tasks.assign(by=Actor(other_org.head), agency=other_org.agency, owner=Owner(person=person), title=title,
                     deadline=deadline)
    rows = Item.objects.filter(kind="task", person=person)
    assert {(i.agency_id, i.unit_id) for i in rows} == {(org.agency.pk, org.unit.pk),
                                                        (other_org.agency.pk, other_org.unit.pk)}
    client = login(person)
    home = client.get("/statistics/compliance/")
    second = client.get("/statistics/compliance/", {"agency": other_org.agency.pk})
    assert (home.context["figures"].tasks["total"], second.context["figures"].tasks["total"]) == (1, 2)
    # Each agency's leaders see that agency's figures of the person, and only theirs.
    theirs = {"scope": "person", "person": person.pk, "agency": other_org.agency.pk}
    assert login(other_org.head).get("/statistics/compliance/", theirs).context["figures"].tasks["total"] == 2
    assert login(org.head).get("/statistics/compliance/", theirs).status_code == 404


def _snapshot() -> dict[tuple[str, int], dict]:
    return {(i.kind, i.source_id): model_to_dict(i, exclude=["id", "held_since"]) for i in Item.objects.all()}


def test_the_rebuild_gives_back_the_rows_the_subscriber_kept(org, signing, routed, later):  # noqa: F811
    done, _open = routed(days=2), routed(days=4)
    incoming.complete(by=Actor(org.specialist), document=done, note="Đã xử lý")
    reviewed, returned = make_draft(org, signing), make_draft(org, signing, "V/v góp ý dự thảo quy chế")
    for document in (reviewed, returned):
        outgoing.submit(by=Actor(org.specialist), document=document, signer=org.deputy)
    outgoing.approve(by=Actor(org.unit_head), document=reviewed)
    outgoing.return_draft(by=Actor(org.unit_head), document=returned, opinion="Sửa lại")
    task = tasks.assign(by=Actor(org.head), agency=org.agency, owner=Owner(unit=org.unit), title="Rà soát",
                        deadline=timezone.localdate() + timedelta(days=10))
    tasks.assign(by=Actor(org.unit_head), agency=org.agency, owner=Owner(person=org.specialist),
                 title="Phần việc", deadline=task.deadline, parent=task)
    later(8)
    incoming.complete(by=Actor(org.specialist), document=_open, note="Đã xử lý, muộn")
    kept = _snapshot()
    assert {kind for kind, _ in kept} == {"incoming", "outgoing", "review", "task"}
    waiting = dict(Item.objects.filter(kind="outgoing").values_list("source_id", "held_since"))
    call_command("rebuild_statistics", verbosity=0)
    assert _snapshot() == kept
    # Kept rows keep their wait; rows written from nothing (after a restore) are the same too.
    assert dict(Item.objects.filter(kind="outgoing").values_list("source_id", "held_since")) == waiting
    Item.objects.all().delete()
    call_command("rebuild_statistics", verbosity=0)
    assert _snapshot() == kept
    # A draft waiting since before the rebuild is not shown as waiting since the rebuild (the
    # clock is eight days on): its last change is when it came to its place.
    for source_id, since in Item.objects.filter(kind="outgoing").values_list("source_id", "held_since"):
        kept_since = waiting[source_id]
        assert since is not None and kept_since is not None
        assert abs((since - kept_since).total_seconds()) < 60, source_id
