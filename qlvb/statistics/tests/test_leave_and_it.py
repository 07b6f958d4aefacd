"""Leave requests, IT reports and IT incidents in the statistics (issue 20): their rows follow each
state (built by the subscriber, the same as a rebuild), a figure and its list count only what the
viewer may open by the kind's rule (a colleague never learns of someone's sick leave, a scope he
may not open is a 404), and the Department sees the incidents of every agency, by agency and kind."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from conftest import make_person
from qlvb.accounts.services import create_api_token
from qlvb.core import kinds
from qlvb.core.actor import Actor
from qlvb.itstaff import rules as it_rules
from qlvb.itstaff import services as it
from qlvb.itstaff.tests.conftest import deadline
from qlvb.leave import rules as leave_rules
from qlvb.leave import services as leave
from qlvb.leave.tests.conftest import MONDAY, TODAY, delegate
from qlvb.org import services as org_services
from qlvb.search import selectors as search
from qlvb.statistics import periods, scopes, selectors, services
from qlvb.statistics.models import Item, Tally
from qlvb.statistics.selectors import Query

pytestmark = pytest.mark.django_db
SICK_REASON = "Điều trị viêm phổi tại bệnh viện tỉnh"


def _row(kind: str, source_id: int) -> Item:
    return Item.objects.get(kind=kind, source_id=source_id)


def _counted(kind: str, source_id: int) -> bool:
    return Item.objects.filter(kind=kind, source_id=source_id).exists()


def _columns(kind: str) -> list[tuple]:
    return sorted(Item.objects.filter(kind=kind).values_list(
        "source_id", "agency_id", "unit_id", "person_id", "category", "secret", "opened_on", "deadline", "closed_on",
        "state", "late", "status"))


def _ask(person, start=MONDAY, end=None, kind="annual", **extra):  # noqa: ANN001, ANN202
    return leave.request_leave(by=Actor(person), kind=kind, start=start, end=end or start,
                               reason=extra.pop("reason", "Việc gia đình"), today=extra.pop("today", TODAY), **extra)


def _year(viewer, kind: str, level: str = "agency", params: dict[str, str] | None = None,  # noqa: ANN001, ANN202
          day: date | None = None):
    scope = scopes.resolve(viewer, {"scope": level, **(params or {})})
    return Query(kind, scope, periods.of("year", day or timezone.localdate()))


@pytest.fixture
def colleague(org):
    """Another specialist of the same unit."""
    person = make_person(org.agency, "stttt.cv2", "Vũ Minh Đức")
    org_services.assign_post(by=Actor(org.admin), person=person, unit=org.unit, position=org.positions["cv"])
    return person


# --- Rows ----------------------------------------------------------------------------------------

def test_a_leave_request_row_in_each_state(org, field, later):
    today = timezone.localdate()
    two_days = _ask(org.specialist, MONDAY, MONDAY + timedelta(days=1), kind="sick")  # to the director
    row = _row("leave", two_days.pk)
    assert (row.agency_id, row.unit_id, row.person_id) == (org.agency.pk, org.unit.pk,
                                                                               org.specialist.pk)
    assert (row.category, row.secret, row.opened_on, row.deadline, row.state) == ("sick", True, today, MONDAY, "open")
    assert row.reference == "08/03/2027–09/03/2027"
    leave.approve(by=Actor(org.head), leave=two_days)
    row = _row("leave", two_days.pk)
    assert (row.state, row.closed_on, row.late, row.status) == ("done", today, False, "approved")

    # Refused: decided, done; cancelled after approval: the decision still counts.
    one_day = _ask(org.specialist, MONDAY + timedelta(days=7))
    leave.refuse(by=Actor(org.deputy), leave=one_day, note="Trùng lịch họp")
    assert (_row("leave", one_day.pk).state, _row("leave", one_day.pk).status) == ("done", "refused")
    leave.cancel(by=Actor(org.specialist), leave=two_days, today=TODAY)
    assert _row("leave", two_days.pk).state == "done"

    # Withdrawn before any decision: not counted at all.
    withdrawn = _ask(org.specialist, MONDAY + timedelta(days=14))
    assert _counted("leave", withdrawn.pk)
    leave.cancel(by=Actor(org.specialist), leave=withdrawn, today=TODAY)
    assert not _counted("leave", withdrawn.pk)

    # The director's own is announced: done at once, on time.
    delegate(org, org.head, MONDAY + timedelta(days=21), MONDAY + timedelta(days=21))
    own = _ask(org.head, MONDAY + timedelta(days=21))
    assert (_row("leave", own.pk).state, _row("leave", own.pk).late) == ("done", False)

    # Decided after its first day: late; waiting past it: overdue.
    slow = _ask(org.specialist, MONDAY + timedelta(days=28), MONDAY + timedelta(days=29))
    waiting = _ask(org.specialist, MONDAY + timedelta(days=35), MONDAY + timedelta(days=36))
    later((MONDAY + timedelta(days=30) - today).days)
    leave.approve(by=Actor(org.head), leave=slow)
    assert (_row("leave", slow.pk).state, _row("leave", slow.pk).late) == ("done", True)
    counts = selectors.totals(org.head, _year(org.head, "leave", day=today), MONDAY + timedelta(days=40))
    assert counts["overdue"] == 1 and _row("leave", waiting.pk).deadline == MONDAY + timedelta(days=35)


def test_an_emergency_entered_afterwards_is_due_the_day_it_was_asked(org, field):
    today = timezone.localdate()
    past = today - timedelta(days=6)
    request = leave.request_leave(by=Actor(org.specialist), kind="sick", start=past, end=past + timedelta(days=4),
                                  reason=SICK_REASON, emergency=True, emergency_reason="Nhập viện cấp cứu",
                                  today=today)
    row = _row("leave", request.pk)
    assert row.deadline == today and row.opened_on == today
    approver = leave_rules.route(org.specialist, org.agency.pk, request.days, org.unit.pk).approver
    leave.approve(by=Actor(approver), leave=request)
    assert (_row("leave", request.pk).state, _row("leave", request.pk).late) == ("done", False)


def test_an_it_report_row_from_the_round_to_its_submission(org, other_org, department, later):
    today = timezone.localdate()
    template = it.publish_template(by=Actor(org.head), title="Báo cáo CNTT 6 tháng đầu năm", period="h1",
                                   year=today.year, deadline=deadline(10), sections=["Hạ tầng", "Nhân lực"])
    report = it.save_report(by=Actor(other_org.head), template=template, agency=other_org.agency,
                            answers={"s1": "Đủ máy chủ"})
    row = _row("itreport", report.pk)
    assert (row.agency_id, row.person_id, row.category, row.secret) == (other_org.agency.pk, other_org.head.pk,
                                                                        "h1", True)
    assert (row.opened_on, row.deadline, row.state) == (today, deadline(10), "open")
    report = it.save_report(by=Actor(other_org.head), template=template, agency=other_org.agency,
                            answers={"s1": "Đủ máy chủ", "s2": "Hai kỹ sư"})
    it.submit_report(by=Actor(other_org.head), report=report)
    row = _row("itreport", report.pk)
    assert (row.state, row.closed_on, row.late, row.status) == ("done", today, False, "submitted")
    it.return_report(by=Actor(org.head), report=report, reason="Bổ sung số liệu an toàn thông tin")
    assert (_row("itreport", report.pk).state, _row("itreport", report.pk).closed_on) == ("open", None)
    later(15)  # resubmitted after the deadline: its first submission was on time (the round's table says so)
    it.submit_report(by=Actor(other_org.head), report=report)
    assert (_row("itreport", report.pk).state, _row("itreport", report.pk).late) == ("done", False)
    it.accept_report(by=Actor(org.head), report=report)
    assert (_row("itreport", report.pk).state, _row("itreport", report.pk).status) == ("done", "accepted")


def test_an_it_report_first_submitted_after_the_deadline_is_late(org, other_org, department, later):
    template = it.publish_template(by=Actor(org.head), title="Báo cáo CNTT năm", period="year",
                                   year=timezone.localdate().year, deadline=deadline(3), sections=["Kết quả"])
    report = it.save_report(by=Actor(other_org.head), template=template, agency=other_org.agency,
                            answers={"s1": "Hoàn thành"})
    later(10)
    query = _year(org.head, "itreport", "department", {"agency": str(org.agency.pk)})
    assert selectors.totals(org.head, query)["overdue"] == 1
    it.submit_report(by=Actor(other_org.head), report=report)
    assert _row("itreport", report.pk).late
    assert selectors.totals(org.head, query)["done_late"] == 1


def test_an_it_incident_row_and_when_it_was_told_late(org, other_org, department):
    now = timezone.now()
    quick = it.report_incident(by=Actor(other_org.head), agency=other_org.agency, kind="server",
                               title="Máy chủ thư điện tử ngừng hoạt động", occurred_at=now - timedelta(hours=2))
    slow = it.report_incident(by=Actor(other_org.head), agency=other_org.agency, kind="security",
                              title="Phát hiện mã độc trên máy trạm", occurred_at=now - timedelta(days=3))
    for incident, kind in ((quick, "server"), (slow, "security")):
        row = _row("itincident", incident.pk)
        assert (row.category, row.state, row.deadline, row.opened_on, row.secret) == (
            kind, "open", None, timezone.localdate(incident.occurred_at), True)
    it.close_incident(by=Actor(other_org.head), incident=quick, handling="Khởi động lại dịch vụ")
    it.close_incident(by=Actor(other_org.head), incident=slow, handling="Cài lại máy")
    assert (_row("itincident", quick.pk).state, _row("itincident", quick.pk).late) == ("done", False)
    assert (_row("itincident", slow.pk).state, _row("itincident", slow.pk).late) == ("done", True)
    assert _row("itincident", quick.pk).closed_on == timezone.localdate()


def test_the_rebuild_writes_the_same_rows(org, other_org, field, department):
    _ask(org.specialist, kind="sick")
    leave.approve(by=Actor(org.head), leave=_ask(org.specialist, MONDAY + timedelta(days=7),
                                                  MONDAY + timedelta(days=8)))
    it.report_incident(by=Actor(other_org.head), agency=other_org.agency, kind="wan", title="Đứt cáp quang",
                       occurred_at=timezone.now() - timedelta(hours=1))
    template = it.publish_template(by=Actor(org.head), title="Báo cáo CNTT năm", period="year",
                                   year=timezone.localdate().year, deadline=deadline(), sections=["Kết quả"])
    it.save_report(by=Actor(other_org.head), template=template, agency=other_org.agency, answers={"s1": "Tốt"})
    kept = {kind: _columns(kind) for kind in ("leave", "itreport", "itincident")}
    assert all(kept.values())
    Item.objects.filter(kind__in=list(kept)).delete()
    services.rebuild()
    assert {kind: _columns(kind) for kind in kept} == kept


# --- Who sees what -------------------------------------------------------------------------------

def test_the_kinds_rules_are_the_apps_own(org, other_org, field, chief, colleague, department):
    """Search, the audit log and the statistics ask core.kinds; the pages ask the apps' rules: the
    same people, for every one of them."""
    requests = [_ask(org.specialist, kind="sick"), _ask(org.specialist, MONDAY + timedelta(days=7))]
    incident = it.report_incident(by=Actor(other_org.clerk), agency=other_org.agency, kind="line",
                                  title="Mất kết nối đường truyền", occurred_at=timezone.now())
    template = it.publish_template(by=Actor(org.head), title="Báo cáo CNTT năm", period="year",
                                   year=timezone.localdate().year, deadline=deadline(), sections=["Kết quả"])
    report = it.save_report(by=Actor(other_org.clerk), template=template, agency=other_org.agency, answers={})
    people = [org.head, org.deputy, org.unit_head, org.specialist, org.clerk, org.admin, chief, colleague,
              other_org.head, other_org.specialist, other_org.clerk, other_org.unit_head]
    for person in people:
        for request in requests:
            assert kinds.may_see("leave", person, request) == leave_rules.may_see(person, request), person
        assert kinds.may_see("itincident", person, incident) == it_rules.may_see(person, incident.agency_id), person
        assert kinds.may_see("itreport", person, report) == it_rules.may_see(person, report.agency_id), person


def test_the_audit_log_tells_an_administrator_no_ones_kind_of_leave(org, field, login):
    """The agency's administrator keeps the audit log; a request he may not open is named by its
    kind and number only, without the event's details (the kind of leave, the dates)."""
    sick = _ask(org.specialist, MONDAY, MONDAY + timedelta(days=2), kind="sick", reason=SICK_REASON)
    page = login(org.admin).get("/audit/").content.decode()
    assert f"#{sick.pk}" in page and "sick" not in page and "08/03/2027" not in page and "2027-03-08" not in page


def test_a_colleague_never_counts_someones_sick_leave(org, field, chief, colleague, login):
    sick = _ask(org.specialist, MONDAY, MONDAY + timedelta(days=2), kind="sick", reason=SICK_REASON)
    mine = _ask(colleague, MONDAY + timedelta(days=7))
    # The colleague: his own request only; the specialist's figures and the agency's are not his (404).
    assert list(selectors.items(colleague, _year(colleague, "leave", "person")).values_list(
        "document_id", flat=True)) == [mine.pk]
    client = login(colleague)
    base = {"kind": "leave", "period": "year"}
    assert client.get("/statistics/items/?" + urlencode({**base, "scope": "person",
                                                        "person": org.specialist.pk})).status_code == 404
    assert client.get("/statistics/table/?" + urlencode({**base, "scope": "agency"})).status_code == 404
    # The unit head leads the specialist but is not the approver (two days: the director): not counted.
    for level, extra in (("unit", {"unit": str(org.unit.pk)}), ("person", {"person": str(org.specialist.pk)})):
        assert selectors.totals(org.unit_head, _year(org.unit_head, "leave", level, extra))["total"] == 0
    rows = selectors.by(org.unit_head, _year(org.unit_head, "leave", "unit", {"unit": str(org.unit.pk)}), "person")
    assert org.specialist.pk not in [r.key for r in rows]
    # The deputy leads the agency and approves the colleague's day, not the sick leave.
    assert [r.key for r in selectors.by(org.deputy, _year(org.deputy, "leave"), "category")] == ["annual"]
    # The approver, the office and the person himself count it, and its list opens the request.
    for viewer in (org.head, org.clerk, chief):
        listed = selectors.items(viewer, _year(viewer, "leave"))
        assert sick.pk in listed.values_list("document_id", flat=True), viewer
    assert selectors.totals(org.specialist, _year(org.specialist, "leave", "person"))["total"] == 1
    page = login(org.clerk).get("/statistics/items/?" + urlencode({**base, "scope": "agency"})).content.decode()
    assert f'href="/leave/{sick.pk}/"' in page and f'href="/leave/{mine.pk}/"' in page
    # Figures by person need a leader: the office counts the agency's leave, not person by person.
    assert login(org.clerk).get("/statistics/table/?" + urlencode({**base, "scope": "agency",
                                                                    "by": "person"})).status_code == 404


def test_a_sick_leave_reason_is_found_only_by_who_may_open_the_request(org, field, colleague):
    sick = _ask(org.specialist, MONDAY, MONDAY + timedelta(days=2), kind="sick", reason=SICK_REASON)
    words = "viem phoi benh vien"
    found = {person: [h.entry.document_id for h in search.search(person, words).hits if h.entry.kind == "leave"]
             for person in (org.specialist, org.head, org.clerk, colleague, org.unit_head, org.deputy, org.admin)}
    assert found[org.specialist] == found[org.head] == found[org.clerk] == [sick.pk]
    assert found[colleague] == found[org.unit_head] == found[org.deputy] == found[org.admin] == []


def test_it_work_is_counted_for_its_agencys_managers_and_the_department(org, other_org, department, login):
    incident = it.report_incident(by=Actor(other_org.head), agency=other_org.agency, kind="server",
                                  title="Máy chủ cổng thông tin quá tải", occurred_at=timezone.now())
    base = {"kind": "itincident", "period": "year"}
    # The reporting agency's leaders and office count it; its specialist opens no agency scope.
    for viewer in (other_org.head, other_org.clerk):
        assert selectors.totals(viewer, _year(viewer, "itincident"))["total"] == 1, viewer
    assert login(other_org.specialist).get("/statistics/table/?" + urlencode(
        {**base, "scope": "agency", "agency": other_org.agency.pk})).status_code == 404
    assert selectors.totals(other_org.specialist, _year(other_org.specialist, "itincident", "person"))["total"] == 0
    # The Department's people, over every agency, by agency: and only the IT work there.
    department_scope = {"scope": "department", "agency": org.agency.pk}
    for viewer in (org.head, org.specialist):
        client = login(viewer)
        page = client.get("/statistics/table/?" + urlencode({**base, **department_scope, "by": "agency"}))
        assert page.status_code == 200 and other_org.agency.name in page.content.decode()
        listed = client.get("/statistics/items/?" + urlencode({**base, **department_scope,
                                                               "f_agency": other_org.agency.pk})).content.decode()
        assert f'href="/itstaff/incidents/{incident.pk}/"' in listed
        assert client.get("/statistics/table/?" + urlencode({**department_scope, "kind": "incoming",
                                                             "period": "year"})).status_code == 404
        assert client.get("/statistics/?" + urlencode(department_scope)).status_code == 302
    # Another agency's people have no Department's scope.
    assert login(other_org.head).get("/statistics/table/?" + urlencode(
        {**base, "scope": "department", "agency": other_org.agency.pk})).status_code == 404
    # The Department's leaders do not see the agencies' figures person by person there.
    assert login(org.head).get("/statistics/table/?" + urlencode(
        {**base, **department_scope, "by": "person"})).status_code == 404


def test_the_table_names_the_new_kinds_in_vietnamese(org, department, login):
    page = login(org.head).get("/statistics/table/?kind=leave&period=year").content.decode()
    for label in ("Đơn xin nghỉ", "Báo cáo CNTT", "Sự cố CNTT"):
        assert label in page
    department_page = login(org.head).get("/statistics/table/?" + urlencode(
        {"scope": "department", "agency": org.agency.pk, "period": "year"})).content.decode()
    kinds_offered = department_page.split('id="table-kind"')[1].split("</select>")[0]
    assert "Sự cố CNTT" in kinds_offered and "Báo cáo CNTT" in kinds_offered and "Văn bản đến" not in kinds_offered
    home = login(org.head).get("/itstaff/").content.decode()
    assert "scope=department" in home and "kind=itincident" in home


def test_the_api_counts_what_the_caller_may_open(org, other_org, field, colleague, department, client):
    sick = _ask(org.specialist, MONDAY, MONDAY + timedelta(days=2), kind="sick", reason=SICK_REASON)
    it.report_incident(by=Actor(other_org.head), agency=other_org.agency, kind="wan", title="Đứt cáp",
                       occurred_at=timezone.now())

    def get(who, endpoint, status=200, **params):  # noqa: ANN001, ANN202
        _token, key = create_api_token(person=who, name="test")
        response = client.get(f"/api/v1/statistics/{endpoint}/?{urlencode(params)}",
                              HTTP_AUTHORIZATION=f"Bearer {key}")
        assert response.status_code == status, response.content[:300]
        return response.json()

    office = get(org.clerk, "figures", scope="agency", kind="leave", period="year", by="category")
    assert office["totals"]["total"] == 1 and [r["key"] for r in office["rows"]] == ["sick"]
    listed = get(org.clerk, "items", scope="agency", kind="leave", period="year")
    assert listed["count"] == 1 and listed["results"][0]["url"] == f"/leave/{sick.pk}/"
    assert get(colleague, "figures", scope="person", kind="leave", period="year")["totals"]["total"] == 0
    get(colleague, "items", 404, scope="person", person=org.specialist.pk, kind="leave", period="year")
    department_figures = get(org.specialist, "figures", scope="department", agency=org.agency.pk,
                             kind="itincident", period="year", by="agency")
    assert {r["key"]: r["total"] for r in department_figures["rows"]}[str(other_org.agency.pk)] == 1
    get(org.specialist, "figures", 404, scope="department", agency=org.agency.pk, kind="task", period="year")
    levels = get(org.specialist, "scopes")["agencies"][0]["levels"]
    assert "department" in levels
    assert "department" not in get(other_org.head, "scopes")["agencies"][0]["levels"]


def test_a_leave_statistic_reads_no_tally(org, field, django_assert_max_num_queries):
    """Private rows are never in a tally; an agency's year is read from the rows, in few queries."""
    for week in range(3):
        _ask(org.specialist, MONDAY + timedelta(days=7 * week))
    assert not Tally.objects.filter(kind="leave").exists()
    query = _year(org.clerk, "leave")
    with django_assert_max_num_queries(4):
        assert selectors.totals(org.clerk, query)["total"] == 3
