"""Reports back after an invitation (001 Đ16: those sent to a meeting by an invitation letter
"báo cáo lại sau khi dự họp"): an attendee files it once the meeting has started, with files; it
is recorded, the leader who routed the letter and who put it into the schedule are told, the
entry's page shows it — and "chưa báo cáo" while a finished meeting has none."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.models import Event
from qlvb.incoming import services as incoming_services
from qlvb.incoming.services import Target
from qlvb.incoming.tests.conftest import pdf_upload
from qlvb.notifications.models import Notification
from qlvb.schedules import selectors, services
from qlvb.schedules.models import EntryReport, ReportFile
from qlvb.search import selectors as search

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter(org, register_doc):
    document = register_doc(doc_type="GM", summary="UBND tỉnh mời dự hội nghị triển khai chuyển đổi số")
    incoming_services.route(by=Actor(org.head), document=document, main=Target(person=org.deputy),
                            coordinators=[Target(unit=org.unit)])
    return document


def _entry(org, letter, *, hours_ago: int = 3):
    now = timezone.now()
    return services.entry_from_invitation(by=Actor(org.clerk), incoming_id=letter.pk,
                                          starts_at=now - timedelta(hours=hours_ago),
                                          ends_at=now - timedelta(hours=hours_ago) + timedelta(hours=2),
                                          place="Hội trường UBND tỉnh")


def test_an_attendee_reports_back_and_the_leader_and_the_maker_are_told(org, letter,
                                                                         django_capture_on_commit_callbacks):
    entry = _entry(org, letter)
    assert {org.deputy.pk, org.unit_head.pk} <= {a.person_id for a in entry.attendees.all()}
    assert selectors.awaiting_report(entry, [])
    with django_capture_on_commit_callbacks(execute=True):
        report = services.file_report(by=Actor(org.deputy), entry=entry,
                                      text="Hội nghị giao Sở xây dựng kế hoạch chuyển đổi số trước 30/12.",
                                      uploads=[pdf_upload("ket-luan.pdf", pages=1, salt="ket luan")])
    assert report.person == org.deputy and report.filed_by is None
    assert ReportFile.objects.get(report=report).name == "ket-luan.pdf"
    event = Event.objects.get(verb="schedules.entry_reported")
    assert event.target_id == str(entry.pk) and event.data["report"] == report.pk
    assert set(event.data["told"]) == {org.head.pk, org.clerk.pk}  # who routed it, who made the entry
    told = Notification.objects.filter(kind="schedule", url=f"/schedules/entries/{entry.pk}/")
    assert {n.person_id for n in told} == {org.head.pk, org.clerk.pk}
    assert not selectors.awaiting_report(entry, selectors.reports_of(entry))
    # The leader finds the report's words in search.
    assert entry.pk in {h.entry.document_id for h in search.search(org.head, "ke hoach chuyen doi so").hits
                        if h.entry.kind == "schedule"}


def test_only_attendees_report_once_the_meeting_has_started(org, letter, register_doc):
    entry = _entry(org, letter)
    for outsider in (org.specialist, org.head):  # not sent to it (the head sees it, reads the reports)
        with pytest.raises(NotAllowed):
            services.file_report(by=Actor(outsider), entry=entry, text="Đã dự")
    with pytest.raises(ValidationError) as empty:
        services.file_report(by=Actor(org.deputy), entry=entry, text="   ")
    assert "text" in empty.value.message_dict
    later = register_doc(doc_type="GM", summary="Mời họp tuần sau")
    incoming_services.route(by=Actor(org.head), document=later, main=Target(person=org.deputy))
    future = services.entry_from_invitation(by=Actor(org.clerk), incoming_id=later.pk,
                                            starts_at=timezone.now() + timedelta(days=2),
                                            ends_at=timezone.now() + timedelta(days=2, hours=2))
    with pytest.raises(ValidationError):
        services.file_report(by=Actor(org.deputy), entry=future, text="Đã dự")
    assert not EntryReport.objects.exists() and not Event.objects.filter(verb="schedules.entry_reported").exists()


def test_an_entry_without_an_invitation_takes_no_report(org, monday):
    from qlvb.schedules.models import Scope

    now = timezone.now()
    entry = services.save_entry(by=Actor(org.deputy), agency=org.agency, scope=Scope.PERSONAL, title="Họp chi bộ",
                                starts_at=now - timedelta(hours=3), ends_at=now - timedelta(hours=1),
                                people=[org.deputy])
    assert not selectors.may_report(org.deputy, entry)
    with pytest.raises(ValidationError):
        services.file_report(by=Actor(org.deputy), entry=entry, text="Đã dự")


def test_the_entry_page_shows_the_reports_and_the_missing_ones(org, other_org, letter, login):
    entry = _entry(org, letter)
    url = reverse("schedules:entry", args=[entry.pk])
    head = login(org.head)  # routed the letter: sees the entry, no report yet
    page = head.get(url).content.decode()
    assert 'id="not-reported"' in page and 'id="report-form"' not in page
    deputy = login(org.deputy)
    page = deputy.get(url).content.decode()
    assert 'id="report-form"' in page
    response = deputy.post(reverse("schedules:entry_report", args=[entry.pk]), {
        "text": "Đã dự, Sở chủ trì xây dựng kế hoạch.",
        "attachments": pdf_upload("bao-cao.pdf", pages=1, salt="bao cao")})
    assert response.status_code == 302
    page = head.get(url).content.decode()
    assert "Sở chủ trì xây dựng kế hoạch" in page and 'id="not-reported"' not in page
    stored = ReportFile.objects.get()
    assert head.get(reverse("schedules:report_file", args=[entry.pk, stored.pk, "view"])).status_code == 200
    # Not an attendee: no form and a 404 on posting; outside the agency: 404 on everything.
    specialist = login(org.specialist)
    assert specialist.get(url).status_code == 404
    assert specialist.post(reverse("schedules:entry_report", args=[entry.pk]), {"text": "x"}).status_code == 404
    assert head.post(reverse("schedules:entry_report", args=[entry.pk]), {"text": "x"}).status_code == 404
    outsider = login(other_org.head)
    assert outsider.get(url).status_code == 404
    assert outsider.get(reverse("schedules:report_file", args=[entry.pk, stored.pk, "view"])).status_code == 404
    assert EntryReport.objects.count() == 1


def test_the_reports_api(org, other_org, letter):
    from rest_framework.test import APIClient

    def api(person):  # noqa: ANN001, ANN202
        client = APIClient()
        client.force_authenticate(person)
        return client

    entry = _entry(org, letter)
    url = f"/api/v1/schedules/entries/{entry.pk}/reports/"
    assert api(org.deputy).post(url, {"text": "  "}, format="json").status_code == 400
    response = api(org.deputy).post(url, {"text": "Đã dự, Sở chủ trì xây dựng kế hoạch."}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["person"]["id"] == org.deputy.pk and body["files"] == [] and body["filed_by"] is None
    assert [r["text"] for r in api(org.head).get(url).json()] == ["Đã dự, Sở chủ trì xây dựng kế hoạch."]
    assert api(org.specialist).get(url).status_code == 404  # may not see the entry
    assert api(org.head).post(url, {"text": "x"}, format="json").status_code == 404  # not sent to it
    assert api(other_org.head).get(url).status_code == 404
    assert EntryReport.objects.count() == 1
    schema = api(org.head).get("/api/schema/?format=json").json()
    assert set(schema["paths"]["/api/v1/schedules/entries/{id}/reports/"]) == {"get", "post"}
