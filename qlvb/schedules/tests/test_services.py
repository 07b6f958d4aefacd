"""Schedule services: entries, the weekly leaders' schedule drafted, approved, published and
adjusted, bad input saving nothing, and who may write what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.models import Event
from qlvb.schedules import selectors, services
from qlvb.schedules.models import Attendee, Entry, Period, Scope
from qlvb.schedules.tests.conftest import at

pytestmark = pytest.mark.django_db


def _agency_entry(org, office, monday, **extra):
    values = {"title": "Giao ban Lãnh đạo Sở", "place": "Phòng họp tầng 2", "starts_at": at(monday, 8),
              "ends_at": at(monday, 10), "chair": org.head, "people": [org.head, org.deputy]}
    values.update(extra)
    return services.save_entry(by=Actor(office.chief), agency=org.agency, scope=Scope.AGENCY, **values)


def test_personal_entry_is_in_its_makers_schedule(org, monday):
    entry = services.save_entry(by=Actor(org.specialist), agency=org.agency, scope=Scope.PERSONAL,
                                title="Soạn báo cáo quý", starts_at=at(monday, 8), ends_at=at(monday, 11))
    assert list(Attendee.objects.filter(entry=entry).values_list("person_id", flat=True)) == [org.specialist.pk]
    assert list(selectors.personal_entries(org.specialist, monday, monday)) == [entry]
    assert list(selectors.personal_entries(org.unit_head, monday, monday)) == []
    event = Event.objects.get(verb="schedules.entry_created")
    assert event.target_id == str(entry.pk) and event.data["people"] == [org.specialist.pk]


def test_an_entry_ending_before_it_starts_saves_nothing_and_says_so_in_vietnamese(org, office, monday):
    with translation.override("vi"), pytest.raises(ValidationError) as caught:
        _agency_entry(org, office, monday, starts_at=at(monday, 10), ends_at=at(monday, 9))
    assert "Thời điểm kết thúc phải sau thời điểm bắt đầu." in caught.value.message_dict["ends_at"]
    assert not Entry.objects.exists() and not Period.objects.exists()
    assert not Event.objects.filter(verb__startswith="schedules.").exists()
    with translation.override("vi"), pytest.raises(ValidationError) as caught:
        _agency_entry(org, office, monday, title="  ")
    assert caught.value.message_dict["title"] == ["Hãy ghi nội dung công việc."]


def test_people_outside_the_agency_are_refused(org, other_org, office, monday):
    with pytest.raises(ValidationError) as caught:
        _agency_entry(org, office, monday, people=[other_org.head])
    assert "people" in caught.value.message_dict
    assert not Entry.objects.exists()


def test_only_the_office_drafts_the_leaders_schedule(org, office, monday):
    for outsider in (org.specialist, org.unit_head, org.head):
        with pytest.raises(NotAllowed):
            services.save_entry(by=Actor(outsider), agency=org.agency, scope=Scope.AGENCY, title="x",
                                starts_at=at(monday, 8), ends_at=at(monday, 9))
    _agency_entry(org, office, monday)
    # the clerk works in the office too
    services.save_entry(by=Actor(org.clerk), agency=org.agency, scope=Scope.AGENCY, title="Tiếp đoàn công tác",
                        starts_at=at(monday, 14), ends_at=at(monday, 16))
    assert Entry.objects.filter(scope=Scope.AGENCY).count() == 2


def test_reception_schedule_drafted_by_the_inspectorate_by_month(org, office, monday):
    entry = services.save_entry(by=Actor(office.inspector), agency=org.agency, scope=Scope.RECEPTION,
                                title="Tiếp công dân định kỳ", starts_at=at(monday, 7, 30), ends_at=at(monday, 11, 30),
                                chair=org.head)
    assert entry.period is not None and entry.period.starts == monday.replace(day=1)
    with pytest.raises(NotAllowed):
        services.save_entry(by=Actor(office.inspector), agency=org.agency, scope=Scope.AGENCY, title="x",
                            starts_at=at(monday, 8), ends_at=at(monday, 9))


def test_unit_schedule_kept_by_the_unit_head(org, monday):
    entry = services.save_entry(by=Actor(org.unit_head), agency=org.agency, scope=Scope.UNIT, unit=org.unit,
                                title="Họp phòng", starts_at=at(monday, 8), ends_at=at(monday, 9))
    assert selectors.may_see(org.specialist, entry)  # a member of the unit
    assert selectors.may_see(org.head, entry)  # a leader of the agency
    assert not selectors.may_see(org.clerk, entry)
    with pytest.raises(NotAllowed):
        services.save_entry(by=Actor(org.specialist), agency=org.agency, scope=Scope.UNIT, unit=org.unit,
                            title="x", starts_at=at(monday, 8), ends_at=at(monday, 9))


def test_week_drafted_submitted_approved_published(org, office, monday):
    entry = _agency_entry(org, office, monday)
    period = entry.period
    assert period.starts == monday and period.ends == monday + timedelta(days=6)
    # a draft: the office and the leaders see it, nobody else
    assert selectors.may_see(org.clerk, entry) and selectors.may_see(org.deputy, entry)
    assert not selectors.may_see(org.specialist, entry)
    assert list(selectors.personal_entries(org.deputy, monday, monday)) == []  # not in his own before publishing
    services.submit_period(by=Actor(office.chief), period=period)
    with pytest.raises(NotAllowed):
        services.publish_period(by=Actor(org.deputy), period=period)  # the head approves (001 Đ3, Đ14)
    with pytest.raises(NotAllowed):
        services.publish_period(by=Actor(office.chief), period=period)
    services.publish_period(by=Actor(org.head), period=period)
    period.refresh_from_db()
    assert period.is_published and period.published_by == org.head
    entry.refresh_from_db()
    assert selectors.may_see(org.specialist, entry)
    assert list(selectors.personal_entries(org.deputy, monday, monday)) == [entry]
    verbs = Event.objects.filter(verb__startswith="schedules.period").order_by("seq").values_list("verb", flat=True)
    assert list(verbs) == ["schedules.period_submitted", "schedules.period_published"]


def test_a_deputy_acting_with_the_heads_delegation_publishes(org, office, monday):
    entry = _agency_entry(org, office, monday)
    services.publish_period(by=Actor(org.deputy, on_behalf_of=org.head), period=entry.period)
    event = Event.objects.get(verb="schedules.period_published")
    assert event.actor == org.deputy and event.on_behalf_of == org.head


def test_head_returns_a_submitted_week_with_a_note(org, office, monday):
    period = _agency_entry(org, office, monday).period
    services.submit_period(by=Actor(office.chief), period=period)
    with pytest.raises(ValidationError):
        services.return_period(by=Actor(org.head), period=period, note=" ")
    services.return_period(by=Actor(org.head), period=period, note="Bổ sung lịch làm việc với Sở Tài chính")
    period.refresh_from_db()
    assert period.status == Period.Status.DRAFT


def test_a_published_week_changed_is_marked_adjusted_and_recorded(org, office, monday):
    entry = _agency_entry(org, office, monday)
    services.publish_period(by=Actor(org.head), period=entry.period)
    assert Entry.objects.get().adjusted_at is None
    services.save_entry(by=Actor(office.chief), agency=org.agency, scope=Scope.AGENCY, entry=entry,
                        title=entry.title, place="Hội trường UBND tỉnh", starts_at=at(monday, 14),
                        ends_at=at(monday, 16), chair=org.head, people=[org.head, org.deputy, org.unit_head])
    entry.refresh_from_db()
    assert entry.is_adjusted and entry.sequence == 1
    event = Event.objects.get(verb="schedules.entry_adjusted")
    assert event.data["change"] == "changed"
    assert event.data["changed"]["place"] == ["Phòng họp tầng 2", "Hội trường UBND tỉnh"]
    assert set(event.data["changed"]) == {"place", "starts_at", "ends_at", "people"}
    assert set(event.data["people"]) == {org.head.pk, org.deputy.pk, org.unit_head.pk}
    # an entry added to the published week is an adjustment too
    added = _agency_entry(org, office, monday + timedelta(days=1), title="Tiếp đoàn kiểm tra")
    assert added.is_adjusted
    assert Event.objects.filter(verb="schedules.entry_adjusted", data__change="added").count() == 1


def test_saving_the_same_values_changes_nothing(org, office, monday):
    entry = _agency_entry(org, office, monday)
    services.publish_period(by=Actor(org.head), period=entry.period)
    services.save_entry(by=Actor(office.chief), agency=org.agency, scope=Scope.AGENCY, entry=entry,
                        title=entry.title, place=entry.place, starts_at=entry.starts_at, ends_at=entry.ends_at,
                        chair=org.head, people=[org.head, org.deputy])
    entry.refresh_from_db()
    assert not entry.is_adjusted
    assert not Event.objects.filter(verb="schedules.entry_adjusted").exists()


def test_a_published_entry_is_cancelled_never_deleted(org, office, monday):
    entry = _agency_entry(org, office, monday)
    services.publish_period(by=Actor(org.head), period=entry.period)
    with pytest.raises(ValidationError):
        services.remove_entry(by=Actor(office.chief), entry=entry, reason="")
    kept = services.remove_entry(by=Actor(office.chief), entry=entry, reason="Giám đốc đi họp tỉnh")
    assert kept is not None and kept.is_cancelled and kept.is_adjusted
    assert Entry.objects.filter(pk=entry.pk).exists()
    assert Event.objects.get(verb="schedules.entry_cancelled").data["reason"] == "Giám đốc đi họp tỉnh"
    assert not selectors.can_edit(office.chief, kept)


def test_a_draft_entry_is_deleted(org, office, monday):
    entry = _agency_entry(org, office, monday)
    assert services.remove_entry(by=Actor(office.chief), entry=entry) is None
    assert not Entry.objects.exists()
    assert Event.objects.filter(verb="schedules.entry_deleted").exists()


def test_double_booking_is_shown(org, office, monday):
    meeting = _agency_entry(org, office, monday)
    own = services.save_entry(by=Actor(org.deputy), agency=org.agency, scope=Scope.PERSONAL, title="Khám sức khỏe",
                              starts_at=at(monday, 9), ends_at=at(monday, 11))
    services.publish_period(by=Actor(org.head), period=meeting.period)
    shown = list(selectors.personal_entries(org.deputy, monday, monday))
    found = selectors.conflicts(shown)
    assert set(found) == {meeting.pk, own.pk}
    assert "Cầm Thị Lan" in found[meeting.pk][0]
    # the office sees the clash in the agency's week without the personal entry's content
    week = list(selectors.agency_entries(office.chief, org.agency.pk, Scope.AGENCY, monday, monday))
    assert "Khám" not in " ".join(selectors.conflicts(week)[meeting.pk])


def test_a_double_booking_follows_the_entry_when_it_is_moved(org, office, monday):
    """The clash is the people's times as they are now: moved away it goes, moved back it returns,
    cancelled it goes."""
    def save(title: str, start: int, end: int, entry: Entry | None = None) -> Entry:
        return services.save_entry(by=Actor(org.deputy), agency=org.agency, scope=Scope.PERSONAL, entry=entry,
                                   title=title, starts_at=at(monday, start), ends_at=at(monday, end))

    def clashes() -> set[int]:
        return set(selectors.conflicts(list(selectors.personal_entries(org.deputy, monday, monday))))

    own, other = save("Khám sức khỏe", 9, 11), save("Tiếp dân", 14, 16)
    assert clashes() == set()
    moved = save("Tiếp dân", 10, 12, other)
    assert clashes() == {own.pk, moved.pk}
    save("Tiếp dân", 15, 17, moved)
    assert clashes() == set()
    save("Tiếp dân", 8, 10, moved)
    assert clashes() == {own.pk, moved.pk}
    services.remove_entry(by=Actor(org.deputy), entry=own, reason="Hoãn")
    assert clashes() == set()


def test_week_table_puts_mornings_and_afternoons_apart(org, office, monday):
    _agency_entry(org, office, monday)
    _agency_entry(org, office, monday, title="Chiều", starts_at=at(monday, 14), ends_at=at(monday, 16))
    rows = selectors.week_table(list(Entry.objects.all()), monday)
    assert [e.title for e in rows[0].morning] == ["Giao ban Lãnh đạo Sở"]
    assert [e.title for e in rows[0].afternoon] == ["Chiều"]
    assert rows[0].name == "Thứ Hai" and all(r.is_empty for r in rows[1:])


def test_feed_token_reset(org):
    first = services.reset_feed_token(by=Actor(org.specialist), feed="personal")
    token = services.find_feed_token(first)
    assert token is not None and token.person == org.specialist
    second = services.reset_feed_token(by=Actor(org.specialist), feed="personal")
    assert services.find_feed_token(first) is None and services.find_feed_token(second) is not None
    with pytest.raises(NotAllowed):
        services.reset_feed_token(by=Actor(org.specialist), feed="unit", unit=org.office)


def test_the_chair_takes_part_and_units_see_what_they_attend(org, office, monday):
    entry = _agency_entry(org, office, monday, people=[org.deputy], units=[org.unit])
    assert set(entry.attendees.values_list("person_id", flat=True)) == {org.head.pk, org.deputy.pk}
    assert list(selectors.unit_entries(org.specialist, org.unit, monday, monday)) == []  # a draft
    services.publish_period(by=Actor(org.head), period=entry.period)
    assert list(selectors.unit_entries(org.specialist, org.unit, monday, monday)) == [entry]
    assert list(selectors.personal_entries(org.head, monday, monday)) == [entry]
    prepared = _agency_entry(org, office, monday, starts_at=at(monday, 14), ends_at=at(monday, 15),
                             people=[], preparing_unit=org.office, chair=None)
    assert list(selectors.unit_entries(org.clerk, org.office, monday, monday)) == [prepared]
