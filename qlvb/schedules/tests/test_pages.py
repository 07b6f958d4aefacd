"""Schedule pages: who sees what (404 otherwise), the week view and its queries, the PDF, the
iCalendar feeds and the invitation letter made into an entry."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.models import Event
from qlvb.incoming import services as incoming_services
from qlvb.incoming.services import Target
from qlvb.schedules import services
from qlvb.schedules.models import Entry, Scope
from qlvb.schedules.tests.conftest import at

pytestmark = pytest.mark.django_db


def week_url(key: str, day) -> str:  # noqa: ANN001
    return f"{reverse('schedules:calendar', args=['week'])}?s={key}&d={day.isoformat()}"


def agency_entry(org, office, day, hour=8, **extra):  # noqa: ANN001, ANN201
    values = {"title": "Giao ban Lãnh đạo Sở", "place": "Phòng họp tầng 2", "starts_at": at(day, hour),
              "ends_at": at(day, hour + 2), "chair": org.head, "people": [org.head, org.deputy],
              "preparing_unit": org.office}
    values.update(extra)
    return services.save_entry(by=Actor(office.chief), agency=org.agency, scope=Scope.AGENCY, **values)


def test_week_view_of_the_leaders_schedule(org, office, monday, login):
    entry = agency_entry(org, office, monday)
    services.publish_period(by=Actor(org.head), period=entry.period)
    services.save_entry(by=Actor(office.chief), agency=org.agency, scope=Scope.AGENCY, entry=entry,
                        title=entry.title, place="Hội trường", starts_at=entry.starts_at, ends_at=entry.ends_at,
                        chair=org.head, people=[org.head, org.deputy], preparing_unit=org.office)
    page = login(org.specialist).get(week_url("agency", monday))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Giao ban Lãnh đạo Sở" in html and "Hội trường" in html and "Lò Văn Hùng" in html
    assert "đã điều chỉnh" in html and "Sáng" in html and "Thứ Hai" in html


def test_draft_week_seen_only_by_the_office_and_leaders(org, office, monday, login):
    agency_entry(org, office, monday)
    assert "Giao ban" not in login(org.specialist).get(week_url("agency", monday)).content.decode()
    for person in (office.chief, org.clerk, org.head, org.deputy):
        html = login(person).get(week_url("agency", monday)).content.decode()
        assert "Giao ban" in html, person
    entry = Entry.objects.get()
    assert login(org.specialist).get(reverse("schedules:entry", args=[entry.pk])).status_code == 404
    assert login(org.head).get(reverse("schedules:entry", args=[entry.pk])).status_code == 200


def test_outsiders_get_404(org, other_org, office, monday, login):
    entry = agency_entry(org, office, monday)
    services.publish_period(by=Actor(org.head), period=entry.period)
    personal = services.save_entry(by=Actor(org.specialist), agency=org.agency, scope=Scope.PERSONAL,
                                   title="Việc riêng", starts_at=at(monday, 14), ends_at=at(monday, 15))
    stranger = login(other_org.head)
    for url in (reverse("schedules:entry", args=[entry.pk]), reverse("schedules:entry", args=[personal.pk]),
                week_url(f"unit-{org.unit.pk}", monday)):
        assert stranger.get(url).status_code == 404, url
    # the other agency's own leaders' week does not show ours
    assert "Giao ban" not in stranger.get(week_url("agency", monday)).content.decode()
    colleague = login(org.unit_head)
    assert colleague.get(reverse("schedules:entry", args=[personal.pk])).status_code == 404
    assert colleague.post(reverse("schedules:entry_remove", args=[entry.pk])).status_code == 404
    period = entry.period
    assert colleague.post(reverse("schedules:period_action", args=[period.pk, "publish"])).status_code == 404
    assert login(org.specialist).get(week_url(f"unit-{org.office.pk}", monday)).status_code == 404


def test_bad_input_on_the_page_saves_nothing(org, office, monday, login):
    client = login(office.chief)
    response = client.post(f"{reverse('schedules:entry_new')}?s=agency&d={monday.isoformat()}", {
        "title": "Họp", "starts_at": f"{monday:%d/%m/%Y} 10:00", "ends_at": f"{monday:%d/%m/%Y} 09:00"},
        HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    assert "Thời điểm kết thúc phải sau thời điểm bắt đầu." in response.content.decode()
    assert not Entry.objects.exists()


def test_office_drafts_head_publishes_through_the_pages(org, office, monday, login):
    client = login(office.chief)
    response = client.post(f"{reverse('schedules:entry_new')}?s=agency&d={monday.isoformat()}", {
        "title": "Làm việc với Sở Tài chính", "starts_at": f"{monday:%d/%m/%Y} 14:00",
        "ends_at": f"{monday:%d/%m/%Y} 16:00", "chair": org.head.pk, "people": [org.deputy.pk]})
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert client.post(reverse("schedules:period_action", args=[entry.period_id, "submit"])).status_code == 302
    publish = reverse("schedules:period_action", args=[entry.period_id, "publish"])
    assert login(org.head).post(publish).status_code == 302
    entry.refresh_from_db()
    assert entry.period is not None and entry.period.is_published


def test_week_view_queries_stay_flat(org, office, monday, login, settings):
    settings.QLVB_KEEP_PAGES = False  # the page made afresh each time (core.keptpages), its queries counted
    client = login(office.chief)
    agency_entry(org, office, monday)
    client.get(week_url("agency", monday))  # warm the caches of the person and the menu
    with CaptureQueriesContext(connection) as few:
        assert client.get(week_url("agency", monday)).status_code == 200
    for day in range(6):
        for hour in (8, 14):
            agency_entry(org, office, monday + timedelta(days=day), hour=hour, title=f"Việc {day}-{hour}",
                         people=[org.head, org.deputy, org.unit_head], units=[org.unit])
    client.get(week_url("agency", monday))
    with CaptureQueriesContext(connection) as many:
        assert client.get(week_url("agency", monday)).status_code == 200
    print("week view queries:", len(few), len(many))
    assert len(many) <= len(few), [q["sql"][:120] for q in many.captured_queries]


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.slow
def test_week_pdf_in_the_usual_layout(org, office, monday, login):
    entry = agency_entry(org, office, monday)
    services.publish_period(by=Actor(org.head), period=entry.period)
    agency_entry(org, office, monday + timedelta(days=2), hour=14, title="Tiếp đoàn kiểm tra của Bộ")
    response = login(org.specialist).get(f"{reverse('schedules:week_pdf')}?s=agency&d={monday.isoformat()}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    for words in ("LỊCH CÔNG TÁC TUẦN CỦA LÃNH ĐẠO", "Thứ/ngày", "Nội dung", "Thành phần", "Địa điểm", "Chủ trì",
                  "Giao ban Lãnh đạo Sở", "Tiếp đoàn kiểm tra của Bộ", "đã điều chỉnh", "Lò Văn Hùng", "Thứ Tư",
                  "Đã duyệt và công bố"):
        assert words in text, words
    from pathlib import Path

    Path("test-artifacts").mkdir(exist_ok=True)
    Path("test-artifacts/schedule-week.pdf").write_bytes(response.content)


def test_ical_feed_with_a_private_token(org, office, monday, login):
    import icalendar

    entry = agency_entry(org, office, monday)
    services.publish_period(by=Actor(org.head), period=entry.period)
    services.remove_entry(by=Actor(office.chief), entry=agency_entry(org, office, monday, hour=14, title="Hủy"),
                          reason="Đổi lịch")
    own = services.save_entry(by=Actor(org.deputy), agency=org.agency, scope=Scope.PERSONAL, title="Khám sức khỏe",
                              starts_at=at(monday, 9), ends_at=at(monday, 11), place="Bệnh viện tỉnh")
    client = login(org.deputy)
    page = client.post(reverse("schedules:feeds"), {"feed": "personal"})
    url = page.context["new_url"]
    assert "/schedules/feed/" in url
    anonymous = type(client)()
    response = anonymous.get(url[url.index("/schedules/"):])
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    events = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {"Giao ban Lãnh đạo Sở", "Khám sức khỏe", "Hủy"}
    assert str(events["Hủy"]["status"]) == "CANCELLED"
    assert events["Khám sức khỏe"].decoded("dtstart") == own.starts_at
    assert str(events["Khám sức khỏe"]["location"]) == "Bệnh viện tỉnh"
    assert "Chủ trì: Lò Văn Hùng" in str(events["Giao ban Lãnh đạo Sở"]["description"])
    # a wrong token is a 404; resetting the token kills the former address
    assert anonymous.get(reverse("schedules:feed", args=["nope"])).status_code == 404
    client.post(reverse("schedules:feeds"), {"feed": "personal"})
    assert anonymous.get(url[url.index("/schedules/"):]).status_code == 404
    assert Event.objects.filter(verb="schedules.feed_token_reset").count() == 2


def test_unit_feed_closes_when_the_person_leaves_the_unit(org, monday):
    from django.http import Http404

    from qlvb.org import services as org_services
    from qlvb.org.models import Post
    from qlvb.schedules import selectors

    raw = services.reset_feed_token(by=Actor(org.specialist), feed="unit", unit=org.unit)
    token = services.find_feed_token(raw)
    assert token is not None and selectors.feed_entries(token, monday, monday) == []
    org_services.end_post(by=Actor(org.admin), post=Post.objects.get(person=org.specialist))
    token = services.find_feed_token(raw)  # as the next request of the calendar reads it
    assert token is not None
    with pytest.raises(Http404):
        selectors.feed_entries(token, monday, monday)


def test_invitation_letter_becomes_an_entry_of_the_people_sent(org, office, monday, register_doc, login):
    letter = register_doc(doc_type="GM", summary="UBND tỉnh mời họp về chuyển đổi số ngày 15/12")
    not_a_letter = register_doc(doc_type="QĐ")
    incoming_services.route(by=Actor(org.head), document=letter, main=Target(person=org.deputy),
                            coordinators=[Target(unit=org.unit)], informed=[Target(unit=org.office)])
    client = login(org.deputy)
    assert "UBND tỉnh mời họp" in client.get(week_url("me", monday)).content.decode()  # waiting to be taken in
    response = client.post(reverse("schedules:invitation", args=[letter.pk]), {
        "title": "Họp về chuyển đổi số", "starts_at": f"{monday:%d/%m/%Y} 08:00",
        "ends_at": f"{monday:%d/%m/%Y} 11:00", "place": "Hội trường UBND tỉnh"})
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = Entry.objects.get()
    assert entry.source_incoming_id == letter.pk and entry.scope == Scope.PERSONAL
    people = set(entry.attendees.values_list("person_id", flat=True))
    assert people == {org.deputy.pk, org.unit_head.pk}  # the person sent, and the head of the unit sent
    assert list(entry.units.all()) == [org.unit]
    assert "Họp về chuyển đổi số" in login(org.unit_head).get(week_url("me", monday)).content.decode()
    event = Event.objects.get(verb="schedules.entry_created")
    assert event.data["source_incoming_id"] == letter.pk
    # once only; a document that is no invitation letter refuses; an outsider gets 404
    assert client.post(reverse("schedules:invitation", args=[letter.pk]), {
        "title": "x", "starts_at": f"{monday:%d/%m/%Y} 08:00", "ends_at": f"{monday:%d/%m/%Y} 11:00"}
    ).status_code == 200
    with pytest.raises(ValidationError):
        services.entry_from_invitation(by=Actor(org.head), incoming_id=not_a_letter.pk, starts_at=at(monday, 8),
                                       ends_at=at(monday, 9))
    with pytest.raises(NotAllowed):
        services.entry_from_invitation(by=Actor(org.deputy), incoming_id=letter.pk + 1000, starts_at=at(monday, 8),
                                       ends_at=at(monday, 9))
    assert Entry.objects.count() == 1


def test_day_month_and_every_schedule_render(org, office, monday, login):
    entry = agency_entry(org, office, monday)
    services.publish_period(by=Actor(org.head), period=entry.period)
    services.save_entry(by=Actor(office.inspector), agency=org.agency, scope=Scope.RECEPTION, title="Tiếp công dân",
                        starts_at=at(monday, 7, 30), ends_at=at(monday, 11, 30), chair=org.head)
    client = login(org.head)
    for span in ("day", "week", "month"):
        for key in ("me", "agency", "reception", f"unit-{org.unit.pk}", f"unit-{org.office.pk}"):
            response = client.get(f"{reverse('schedules:calendar', args=[span])}?s={key}&d={monday.isoformat()}")
            assert response.status_code == 200, (span, key)
    html = client.get(f"{reverse('schedules:calendar', args=['month'])}?s=agency&d={monday.isoformat()}").content
    assert "Giao ban Lãnh đạo Sở" in html.decode()
    # the reception draft is the inspectorate's and the leaders' until published
    reception = week_url("reception", monday)
    assert "Tiếp công dân" in client.get(reception).content.decode()
    assert "Tiếp công dân" not in login(org.specialist).get(reception).content.decode()
    assert client.get(f"{reverse('schedules:calendar', args=['week'])}?s=unit-abc").status_code == 404
    assert client.get(f"{reverse('schedules:calendar', args=['week'])}?s=me&d=not-a-date").status_code == 200
    assert client.get(reverse("schedules:feeds")).status_code == 200
    response = client.get(f"{reverse('schedules:week_pdf')}?s=reception&d={monday.isoformat()}")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_office_changes_and_cancels_a_published_entry_on_its_page(org, office, monday, login):
    entry = agency_entry(org, office, monday)
    services.publish_period(by=Actor(org.head), period=entry.period)
    client = login(office.chief)
    url = reverse("schedules:entry", args=[entry.pk])
    page = client.get(url).content.decode()
    assert "Lịch đã công bố" in page and 'id="entry-form"' in page
    response = client.post(url, {"title": entry.title, "starts_at": f"{monday:%d/%m/%Y} 08:00",
                                 "ends_at": f"{monday:%d/%m/%Y} 10:00", "place": "Hội trường",
                                 "chair": org.head.pk, "people": [org.head.pk, org.deputy.pk],
                                 "preparing_unit": org.office.pk})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.place == "Hội trường" and entry.is_adjusted
    remove = reverse("schedules:entry_remove", args=[entry.pk])
    client.post(remove, {"reason": ""})
    entry.refresh_from_db()
    assert not entry.is_cancelled  # a reason is required
    client.post(remove, {"reason": "Giám đốc họp UBND tỉnh"})
    entry.refresh_from_db()
    assert entry.is_cancelled
    html = login(org.specialist).get(week_url("agency", monday)).content.decode()
    assert "text-decoration-line-through" in html and "đã hủy" in html
    # the specialist cannot change it
    assert login(org.specialist).post(url, {"title": "x"}).status_code == 404


def test_ical_feed_queries_stay_flat(org, office, monday, client):
    first = agency_entry(org, office, monday)
    services.publish_period(by=Actor(org.head), period=first.period)
    url = reverse("schedules:feed", args=[services.reset_feed_token(by=Actor(org.deputy), feed="personal")])
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for day in range(6):
        for hour in (8, 14):
            agency_entry(org, office, monday + timedelta(days=day), hour=hour, title=f"Việc {day}-{hour}",
                         people=[org.head, org.deputy, org.unit_head], units=[org.unit], preparing_unit=org.unit)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.content.count(b"BEGIN:VEVENT") == 13
    assert len(many) <= len(few), [q["sql"][:120] for q in many.captured_queries]
