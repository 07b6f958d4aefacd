"""Consultations through their services: who opens them, who answers (once), bad input, the
compiled results, publication (the event the disclosures register subscribes to), requests to
meet the director, and the reminders before the closing."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from qlvb.consultations import rules, selectors, services
from qlvb.consultations.models import Consultation, MeetingRequest, Participation, Response
from qlvb.consultations.tests.helpers import answers, rules_consultation
from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.models import Event
from qlvb.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_closing_before_opening_is_refused_in_vietnamese_and_nothing_saved(org):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        services.create(by=Actor(org.head), agency=org.agency, title="Lấy ý kiến kế hoạch công tác năm",
                        opens_on=today, closes_on=today - timedelta(days=1))
    assert error.value.message_dict["closes_on"] == ["Ngày kết thúc lấy ý kiến không thể trước ngày bắt đầu."]
    assert not Consultation.objects.exists()
    assert not Event.objects.filter(verb="consultation.created").exists()


def test_who_opens_a_consultation(org):
    today = timezone.localdate()
    values: dict[str, Any] = {"title": "Lấy ý kiến kế hoạch thi đua", "opens_on": today,
                               "closes_on": today + timedelta(days=3)}
    with pytest.raises(NotAllowed):
        services.create(by=Actor(org.specialist), agency=org.agency, **values)
    # A unit head consults his unit only, not everyone.
    with pytest.raises(ValidationError):
        services.create(by=Actor(org.unit_head), agency=org.agency, everyone=True, **values)
    with pytest.raises(ValidationError):
        services.create(by=Actor(org.unit_head), agency=org.agency, everyone=False, units=[org.office], **values)
    mine = services.create(by=Actor(org.unit_head), agency=org.agency, everyone=False, units=[org.unit], **values)
    assert mine.unit_id == org.unit.pk
    assert services.create(by=Actor(org.clerk), agency=org.agency, **values).everyone  # the office


def test_draft_seen_by_organisers_only_then_participants_once_open(org, other_org):
    c = rules_consultation(org, open_it=False)
    assert rules.may_see(org.head, c) and rules.may_see(org.clerk, c)
    assert not rules.may_see(org.specialist, c)
    c = services.open_consultation(by=Actor(org.head), consultation=c)
    assert rules.may_see(org.specialist, c)
    assert not rules.may_see(other_org.head, c)
    assert c in selectors.consultation_list(org.specialist, "to_answer")


def test_unit_consultation_is_not_seen_outside_the_unit(org):
    today = timezone.localdate()
    c = services.create(by=Actor(org.unit_head), agency=org.agency, title="Lấy ý kiến phân công nhiệm vụ phòng",
                        opens_on=today, closes_on=today + timedelta(days=3), everyone=False, units=[org.unit])
    services.add_question(by=Actor(org.unit_head), consultation=c, kind="text", text="Ý kiến của đồng chí")
    c = services.open_consultation(by=Actor(org.unit_head), consultation=c)
    assert rules.may_see(org.specialist, c)
    assert not rules.may_see(org.clerk, c) or rules.may_manage(org.clerk, c)  # the office organises
    assert org.clerk.pk not in selectors.participant_ids(c)
    assert set(selectors.participant_ids(c)) == {org.unit_head.pk, org.specialist.pk, org.admin.pk}


def test_answer_once_and_named(org):
    c = rules_consultation(org)
    response = services.answer(by=Actor(org.specialist), consultation=c, answers=answers(c))
    assert response is not None and response.person_id == org.specialist.pk
    with pytest.raises(ValidationError) as error:
        services.answer(by=Actor(org.specialist), consultation=c, answers=answers(c))
    assert "Bạn đã gửi ý kiến cho đợt lấy ý kiến này rồi" in str(error.value)
    assert Response.objects.count() == 1 and Participation.objects.count() == 1
    event = Event.objects.get(verb="consultation.answered")
    assert event.target_type == "consultation" and event.data["response"] == str(response.pk)


def test_bad_answers_save_nothing(org):
    c = rules_consultation(org)
    q = c.q  # type: ignore[attr-defined]
    for bad in ({str(q["single"].pk): 7}, {str(q["text"].pk): "Chỉ góp ý chung"},
                {str(q["single"].pk): 0, str(q["multiple"].pk): [5]}):
        with pytest.raises(ValidationError):
            services.answer(by=Actor(org.specialist), consultation=c, answers=bad)
    assert not Response.objects.exists() and not Participation.objects.exists()


def test_not_participant_and_not_open(org, other_org):
    c = rules_consultation(org)
    with pytest.raises(NotAllowed):
        services.answer(by=Actor(other_org.specialist), consultation=c, answers=answers(c))
    # Not yet open on its opening date, and closed after its closing date.
    later = rules_consultation(org, opens_on=timezone.localdate() + timedelta(days=2))
    with pytest.raises(ValidationError):
        services.answer(by=Actor(org.specialist), consultation=later, answers=answers(later))
    services.close(by=Actor(org.head), consultation=c)
    with pytest.raises(ValidationError):
        services.answer(by=Actor(org.specialist), consultation=c, answers=answers(c))


def test_answering_on_anothers_behalf_is_refused(org):
    c = rules_consultation(org)
    with pytest.raises(NotAllowed):
        services.answer(by=Actor(person=org.clerk, on_behalf_of=org.head), consultation=c, answers=answers(c))


def test_results_compiled(org):
    c = rules_consultation(org)
    services.answer(by=Actor(org.specialist), consultation=c, answers=answers(c))
    services.answer(by=Actor(org.unit_head), consultation=c, answers=answers(
        c, opinion="Cần bổ sung làm việc trực tuyến", single=1, multiple=(1,), agree="agree", comment="Hợp lý"))
    r = selectors.results(c)
    assert r.responses == 2 and r.participants == 6
    by_kind = {q.question.kind: q for q in r.questions}
    assert [ch.count for ch in by_kind["single"].choices] == [1, 1]
    assert [ch.count for ch in by_kind["multiple"].choices] == [1, 1, 1]
    articles = by_kind["articles"].articles
    assert (articles[0].agree, articles[0].disagree) == (2, 0)
    assert (articles[2].agree, articles[2].disagree) == (1, 1)
    assert {t for _ok, t, _who in articles[2].comments} == {"Nên họp sáng thứ Hai", "Hợp lý"}
    assert {who for _t, who in by_kind["text"].opinions} == {org.specialist.full_name, org.unit_head.full_name}
    xlsx = selectors.export_xlsx(r)
    assert xlsx[:2] == b"PK"
    assert "Nên họp sáng thứ Hai" in selectors.export_csv(r).decode("utf-8")


def test_publish_results_after_closing_emits_the_disclosure_event(org):
    c = rules_consultation(org)
    services.answer(by=Actor(org.specialist), consultation=c, answers=answers(c))
    with pytest.raises(ValidationError):
        services.publish_results(by=Actor(org.head), consultation=c)  # still open
    with pytest.raises(NotAllowed):
        services.publish_results(by=Actor(org.specialist), consultation=c)
    assert not rules.may_see_results(org.specialist, c)
    services.close(by=Actor(org.head), consultation=c)
    c = services.publish_results(by=Actor(org.head), consultation=c)
    event = Event.objects.get(verb="consultation.results_published")
    assert event.target_type == "consultation" and event.target_id == str(c.pk)
    assert event.data == {"title": c.title, "url": f"/consultations/{c.pk}/results/", "agency": org.agency.pk,
                          "published_on": timezone.localdate().isoformat()}
    assert rules.may_see_results(org.specialist, c)
    with pytest.raises(ValidationError):
        services.publish_results(by=Actor(org.head), consultation=c)


def test_publish_closes_a_consultation_past_its_date(org):
    c = rules_consultation(org)
    Consultation.objects.filter(pk=c.pk).update(opens_on=timezone.localdate() - timedelta(days=9),
                                                closes_on=timezone.localdate() - timedelta(days=1))
    c.refresh_from_db()
    assert selectors.is_closed(c)
    c = services.publish_results(by=Actor(org.clerk), consultation=c)
    assert c.status == Consultation.Status.CLOSED and c.published


def test_linked_document_respects_visibility(org, register_doc):
    """A secret document linked by the office is shown only to who may see it: the link never
    opens it to a participant."""
    from qlvb.core import kinds

    secret = register_doc(secrecy="mat")
    today = timezone.localdate()
    values: dict[str, Any] = {"title": "Lấy ý kiến về văn bản đến", "opens_on": today,
                               "closes_on": today + timedelta(days=2)}
    assert kinds.may_see("incoming", org.head, secret) and not kinds.may_see("incoming", org.specialist, secret)
    c = services.create(by=Actor(org.head), agency=org.agency, document_kind="incoming", document_id=secret.pk,
                        **values)
    assert selectors.linked_document(org.head, c) is not None
    assert selectors.linked_document(org.specialist, c) is None
    # Whoever may not see it cannot link it.
    with pytest.raises(ValidationError):
        services.create(by=Actor(org.unit_head), agency=org.agency, document_kind="incoming", document_id=secret.pk,
                        everyone=False, units=[org.unit], **values)
    with pytest.raises(ValidationError):
        services.create(by=Actor(org.head), agency=org.agency, document_kind="nonsense", document_id=1, **values)
    with pytest.raises(ValidationError):
        services.create(by=Actor(org.head), agency=org.agency, document_kind="incoming", document_id=999999, **values)


def test_opening_notifies_participants_and_reminders_go_to_those_who_have_not_answered(
        org, django_capture_on_commit_callbacks):
    from qlvb.notifications import reminders

    with django_capture_on_commit_callbacks(execute=True):
        c = rules_consultation(org, closes_on=timezone.localdate() + timedelta(days=1))
    told = set(Notification.objects.filter(kind=Notification.Kind.CONSULTATION, target_id=str(c.pk))
               .values_list("person_id", flat=True))
    assert org.specialist.pk in told and org.head.pk not in told  # not the one who opened it
    services.answer(by=Actor(org.specialist), consultation=c, answers=answers(c))
    Notification.objects.all().delete()
    now = timezone.make_aware(datetime.combine(timezone.localdate(), time(9)))
    counts = reminders.run(now)
    reminded = set(Notification.objects.filter(kind=Notification.Kind.CONSULTATION).values_list("person_id", flat=True))
    if reminders.Clock(now).working(org.agency.pk):
        assert counts.get("consultation", 0) == len(reminded) > 0
        assert org.specialist.pk not in reminded and org.unit_head.pk in reminded
    assert reminders.run(now).get("consultation", 0) == 0  # once a day


def test_meeting_request_answered_with_a_time(org, django_capture_on_commit_callbacks):
    with pytest.raises(ValidationError):
        services.request_meeting(by=Actor(org.specialist), agency=org.agency, subject="", reason="")
    assert not MeetingRequest.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        req = services.request_meeting(by=Actor(org.specialist), agency=org.agency,
                                       subject="Đề xuất cải tiến quy trình", reason="Muốn trình bày trực tiếp")
    assert Notification.objects.filter(person=org.head, kind=Notification.Kind.CONSULTATION).exists()
    with pytest.raises(NotAllowed):
        services.answer_meeting_request(by=Actor(org.unit_head), request=req,
                                        meets_at=timezone.now() + timedelta(days=1))
    with pytest.raises(ValidationError):
        services.answer_meeting_request(by=Actor(org.head), request=req)
    with django_capture_on_commit_callbacks(execute=True):
        req = services.answer_meeting_request(by=Actor(org.head), request=req,
                                              meets_at=timezone.now() + timedelta(days=1), place="Phòng Giám đốc")
    assert req.status == "scheduled"
    assert Notification.objects.filter(person=org.specialist, kind=Notification.Kind.CONSULTATION).exists()
    assert list(selectors.requests_to_answer(org.clerk)) == [req]
    assert list(selectors.requests_to_answer(org.specialist)) == []
