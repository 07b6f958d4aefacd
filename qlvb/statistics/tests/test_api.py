"""The statistics REST API: each endpoint for the head, a unit head, a specialist and a clerk; the
list behind each figure counts exactly the figure (secret documents included, for those who may
see them); 404 outside one's scope and 400 with the reason in Vietnamese; figures that move with
the clock; query counts that do not grow with the work."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qlvb.accounts.services import create_api_token
from qlvb.core.actor import Actor
from qlvb.incoming import services as incoming
from qlvb.outgoing import services as outgoing
from qlvb.outgoing.tests.conftest import draft, signing  # noqa: F401
from qlvb.statistics.selectors import OUTCOMES

pytestmark = pytest.mark.django_db
API = "/api/v1/statistics/"


def _auth(person):  # noqa: ANN001, ANN202
    _token, key = create_api_token(person=person, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _get(client, auth, endpoint, status=200, **params):  # noqa: ANN001, ANN202
    response = client.get(f"{API}{endpoint}/?{urlencode(params)}", **auth)
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/json"
    return response.json()


def _figures_equal_lists(client, auth, **params):  # noqa: ANN001, ANN202
    """The figures, after checking that the list behind each one has exactly that many rows."""
    figures = _get(client, auth, "figures", **params)
    for outcome in OUTCOMES:
        listed = _get(client, auth, "items", outcome=outcome, limit=500, **params)
        assert listed["count"] == figures["totals"][outcome] == len(listed["results"]), outcome
    return figures


def test_each_role_sees_its_own_dashboard(client, org, routed):
    done, _waiting = routed(), routed()
    incoming.complete(by=Actor(org.specialist), document=done, note="Đã xử lý")
    expected = {"total": 2, "done_on_time": 1, "done_late": 0, "pending": 1, "overdue": 0}
    for person, level in [(org.head, "agency"), (org.unit_head, "unit"), (org.specialist, "person"),
                          (org.clerk, "agency")]:
        figures = _figures_equal_lists(client, _auth(person))
        assert (figures["scope"]["level"], figures["totals"]) == (level, expected), person.username
        assert figures["period"]["kind"] == "month" and figures["previous"]["total"] == 0
        assert figures["rows"] == [] and figures["by"] is None
    own = _figures_equal_lists(client, _auth(org.clerk), scope="person")
    assert own["scope"]["person_id"] == org.clerk.pk and own["totals"]["total"] == 0
    listed = _get(client, _auth(org.head), "items", outcome="done_on_time")["results"]
    assert [(i["document_id"], i["url"], i["person"]["id"], i["state"]) for i in listed] == [
        (done.pk, f"/incoming/{done.pk}/", org.specialist.pk, "done")]


def test_breakdowns_by_unit_and_by_person_for_leaders_only(client, org, routed):
    routed(), routed()
    head = _auth(org.head)
    by_person = _get(client, head, "figures", by="person")
    assert [(r["key"], r["label"], r["pending"]) for r in by_person["rows"]] == [
        (str(org.specialist.pk), org.specialist.full_name, 2)]
    assert by_person["leads_people"] is True
    # The list behind a row: the same question filtered on the row's key.
    behind = _get(client, head, "items", f_person=by_person["rows"][0]["key"])
    assert behind["count"] == 2
    by_unit = _get(client, _auth(org.clerk), "figures", by="unit")
    assert [(r["key"], r["total"]) for r in by_unit["rows"]] == [(str(org.unit.pk), 2)]
    # The clerk keeps the registers, not the people: no figures by person.
    assert _get(client, _auth(org.clerk), "figures", 404, by="person") == {"detail": "Không tìm thấy."}
    assert _get(client, _auth(org.unit_head), "figures", scope="unit", by="person")["rows"][0]["total"] == 2


def test_no_one_reads_outside_their_scope(client, org, other_org, routed):
    routed()
    for person, params in [
        (org.clerk, {"scope": "person", "person": org.specialist.pk}),  # a colleague's figures
        (org.specialist, {"scope": "person", "person": org.unit_head.pk}),
        (org.specialist, {"scope": "agency"}),
        (org.specialist, {"scope": "unit", "unit": org.unit.pk}),
        (other_org.head, {"scope": "agency", "agency": org.agency.pk}),  # another agency
        (other_org.head, {"scope": "person", "person": org.specialist.pk}),
    ]:
        for endpoint in ("figures", "items", "drafts"):
            assert _get(client, _auth(person), endpoint, 404, **params)["detail"] == "Không tìm thấy."
    assert _get(client, _auth(org.clerk), "compliance", 404, person=org.specialist.pk)
    assert _get(client, _auth(other_org.head), "compliance", 404, person=org.specialist.pk, agency=org.agency.pk)
    assert _get(client, _auth(org.head), "figures", 404, unit="999999999999999999", scope="unit")
    assert client.get(f"{API}figures/").status_code in (401, 403)


def test_a_period_written_wrongly_is_refused_in_vietnamese(client, org):
    head = _auth(org.head)
    bad = _get(client, head, "figures", 400, period="range", start="2026-12-05", end="2026-12-01")
    assert bad == {"period": ["Ngày kết thúc trước ngày bắt đầu."]}
    assert _get(client, head, "items", 400, period="range", start="2026-12-01") == {
        "period": ["Nhập ngày đầu và ngày cuối của khoảng thời gian (dd/mm/yyyy)."]}
    assert _get(client, head, "compliance", 400, period="month", day="31/02/2026") == {
        "period": ["Nhập ngày theo dạng dd/mm/yyyy."]}
    for day in ("9999-12-31", "01/01/1", "1/1/+1"):  # the week after, the month before: past the calendar
        assert _get(client, head, "figures", 400, period="week", day=day) == {
            "day": ["Chọn ngày trong khoảng từ năm 1900 đến năm 2100."]}
    assert "unit" in _get(client, head, "figures", 400, scope="unit", unit="1;2")
    assert "period" in _get(client, head, "figures", 400, period="decade")
    ok = _get(client, head, "figures", period="range", start="01/12/2026", end="15/12/2026")
    assert ok["period"] == {"kind": "range", "start": "2026-12-01", "end": "2026-12-15",
                            "label": "Từ 01/12/2026 đến 15/12/2026"}
    assert ok["previous_period"]["end"] == "2026-11-30"


def test_secret_documents_count_only_for_those_who_may_see_them(client, org, routed):
    routed()
    secret = routed(secrecy="mat")
    for person, params, total in [(org.head, {}, 2), (org.specialist, {}, 2), (org.unit_head, {}, 2),
                                  (org.deputy, {"scope": "agency"}, 1)]:
        figures = _figures_equal_lists(client, _auth(person), **params)
        assert figures["totals"]["total"] == total, person.username
    shown = client.get(f"{API}items/", **_auth(org.head))
    assert secret.pk in [i["document_id"] for i in shown.json()["results"]]
    assert "no-store" in shown["Cache-Control"]  # R7: an answer showing a secret document
    hidden = client.get(f"{API}items/?scope=agency", **_auth(org.deputy))
    assert secret.pk not in [i["document_id"] for i in hidden.json()["results"]]
    assert "no-store" not in hidden.get("Cache-Control", "")


def test_figures_move_when_the_clock_passes_the_deadline(client, org, routed, later):
    on_time, late, _waiting = routed(days=2), routed(days=2), routed(days=2)
    incoming.complete(by=Actor(org.specialist), document=on_time, note="Đã xử lý")
    head = _auth(org.head)
    assert _figures_equal_lists(client, head)["totals"] == {
        "total": 3, "done_on_time": 1, "done_late": 0, "pending": 2, "overdue": 0}
    later(5)
    assert _figures_equal_lists(client, head)["totals"] == {
        "total": 3, "done_on_time": 1, "done_late": 0, "pending": 0, "overdue": 2}
    incoming.complete(by=Actor(org.specialist), document=late, note="Đã xử lý, muộn")
    assert _figures_equal_lists(client, head)["totals"] == {
        "total": 3, "done_on_time": 1, "done_late": 1, "pending": 0, "overdue": 1}


def test_drafts_waiting_show_where_and_since_when(client, org, draft):  # noqa: F811
    outgoing.submit(by=Actor(org.specialist), document=draft, signer=org.deputy)
    for person in (org.head, org.unit_head, org.specialist):
        waiting = _get(client, _auth(person), "drafts")
        assert waiting["count"] == 1, person.username
        row = waiting["results"][0]
        assert (row["document_id"], row["status"], row["holder"]["id"], row["person"]["id"]) == (
            draft.pk, "in_review", org.unit_head.pk, org.specialist.pk)
        assert row["held_since"] and row["url"] == f"/outgoing/{draft.pk}/"
        assert [(s["status"], s["count"]) for s in waiting["by_status"]] == [("in_review", 1)]
    assert _get(client, _auth(org.clerk), "drafts", scope="person")["count"] == 0


def test_compliance_for_the_person_and_their_leaders(client, org, routed):
    done = routed()
    incoming.complete(by=Actor(org.specialist), document=done, note="Đã xử lý")
    own = _get(client, _auth(org.specialist), "compliance")
    assert own["scope"]["person_id"] == org.specialist.pk
    assert own["handled"]["done_on_time"] == 1 and own["handled_rate"] == 100.0
    assert own["working_days"] >= own["login_days"] >= 0
    for leader in (org.unit_head, org.head):
        assert _get(client, _auth(leader), "compliance", person=org.specialist.pk)["handled"] == own["handled"]
    assert _get(client, _auth(org.specialist), "compliance", period="year")["period"]["kind"] == "year"


def test_the_scopes_a_client_builds_its_menu_from(client, org):
    for person, levels, default in [(org.head, ["agency", "fields", "unit", "person"], "agency"),
                                    (org.clerk, ["agency", "fields", "unit", "person"], "agency"),
                                    (org.unit_head, ["unit", "person"], "unit"),
                                    (org.specialist, ["person"], "person")]:
        found = _get(client, _auth(person), "scopes")["agencies"]
        assert found == [{"agency": {"id": org.agency.pk, "name": org.agency.name}, "levels": levels,
                          "default": default}], person.username


def _queries(client, auth, endpoint, **params):  # noqa: ANN001, ANN202
    """Counted once what is cached per person (roles, the calendar) is read: writes clear it."""
    _get(client, auth, endpoint, **params)
    with CaptureQueriesContext(connection) as context:
        _get(client, auth, endpoint, **params)
    return len(context.captured_queries)


def test_query_counts_do_not_grow_with_the_work(client, org, routed, draft, django_assert_max_num_queries):  # noqa: F811
    head = _auth(org.head)
    outgoing.submit(by=Actor(org.specialist), document=draft, signer=org.deputy)
    routed(), routed(secrecy="mat")
    asked = [("figures", {"by": "person"}), ("figures", {"by": "month", "period": "year"}), ("items", {}),
             ("drafts", {}), ("compliance", {"person": org.specialist.pk}), ("scopes", {})]
    before = [_queries(client, head, endpoint, **params) for endpoint, params in asked]
    for _n in range(4):
        routed(), routed(secrecy="mat")
    after = [_queries(client, head, endpoint, **params) for endpoint, params in asked]
    assert after == before
    routed()  # the caches cleared: the ceilings hold for the first request too
    for (endpoint, params), ceiling in zip(asked, [20, 16, 10, 12, 17, 6], strict=True):
        with django_assert_max_num_queries(ceiling):
            _get(client, head, endpoint, **params)
