"""The disclosure register's pages and API: 404 for anyone but the office and the leaders, the
form's Vietnamese refusal of a secret document, the printout, the exports and the query count."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from qlvb.accounts.services import create_api_token
from qlvb.core import personcache
from qlvb.core.actor import Actor
from qlvb.disclosures import services
from qlvb.disclosures.models import Disclosure
from qlvb.disclosures.tests.conftest import issued

pytestmark = pytest.mark.django_db
API = "/api/v1/disclosures/"


def _auth(person):  # noqa: ANN001, ANN202
    _token, key = create_api_token(person=person, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def record(org, chief, n: int = 12, **extra) -> Disclosure:  # noqa: ANN001
    document = issued(org, chief, number=n, summary=f"Kế hoạch công tác số {n}")
    values: dict[str, Any] = {"category": "work_plan", "title": f"Công khai: kế hoạch công tác {n}",
                              "source_kind": "outgoing", "source_id": document.pk}
    values.update(extra)
    return services.create(by=Actor(chief), agency=org.agency, **values)


def test_only_the_office_and_the_leaders(org, other_org, chief, login, client):
    disclosure = record(org, chief)
    for person in (chief, org.clerk, org.head):
        assert login(person).get("/disclosures/").status_code == 200
        assert login(person).get(f"/disclosures/{disclosure.pk}/").status_code == 200
    for person in (org.unit_head, org.specialist):
        c = login(person)
        for url in ("/disclosures/", "/disclosures/new/", f"/disclosures/{disclosure.pk}/"):
            assert c.get(url).status_code == 404
        for url in (API, f"{API}{disclosure.pk}/", f"{API}export/"):
            assert client.get(url, **_auth(person)).status_code == 404
    # Another agency's leader keeps his own register, never this one.
    assert login(other_org.head).get(f"/disclosures/{disclosure.pk}/").status_code == 404
    assert client.get(f"{API}{disclosure.pk}/", **_auth(other_org.head)).status_code == 404
    assert client.get(API, **_auth(other_org.head)).json()["count"] == 0


def test_the_form_refuses_a_secret_document_and_records_a_plan(org, chief, login):
    secret = issued(org, chief, number=99, summary="Phương án bảo vệ bí mật", secrecy="mat")
    plan = issued(org, chief, number=5)
    client = login(chief)
    response = client.post("/disclosures/new/", {"category": "work_plan", "title": "Công khai",
                                                  "source": f"outgoing:{secret.pk}", "posting_days": 30})
    assert response.status_code == 200 and Disclosure.objects.count() == 0
    assert "Tài liệu mật không được công khai" in response.content.decode() or "Hãy chọn" in response.content.decode()
    today = timezone.localdate().strftime("%d/%m/%Y")
    response = client.post("/disclosures/new/", {
        "category": "work_plan", "title": "Công khai: kế hoạch công tác", "source": f"outgoing:{plan.pk}",
        "disclosed_on": today, "by_notice": "on", "at_premises": "on", "posting_days": 30})
    assert response.status_code == 302, response.content.decode()[:3000]
    page = client.get(response["Location"]).content.decode()
    assert "đúng hạn" in page and "Niêm yết tại trụ sở".lower() in page.lower()


def test_print_and_exports(org, chief, login, django_assert_max_num_queries):
    for n in range(3):
        record(org, chief, n=n + 1)
    client = login(chief)
    client.get("/disclosures/")
    personcache.bump()  # measured as after an event: nothing kept
    with django_assert_max_num_queries(25) as counted:
        assert client.get("/disclosures/").status_code == 200
    first = len(counted.captured_queries)
    for n in range(3, 13):
        record(org, chief, n=n + 1)
    personcache.bump()
    with django_assert_max_num_queries(first):
        assert client.get("/disclosures/?category=work_plan").status_code == 200
    printed = client.get("/disclosures/?format=print").content.decode()
    assert "Sổ theo dõi công khai".upper() in printed.upper() and printed.count("Công khai: kế hoạch công tác") == 13
    csv = client.get("/disclosures/?format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert "Kế hoạch công tác hằng năm" in csv.content.decode("utf-8-sig")
    xlsx = client.get("/disclosures/?format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None and sheet.max_row == 14


def test_the_api(org, chief, client):
    plan = issued(org, chief, number=7)
    secret = issued(org, chief, number=8, secrecy="mat")
    body = {"category": "work_plan", "title": "Công khai: kế hoạch công tác", "source_kind": "outgoing",
            "source_id": secret.pk, "disclosed_on": timezone.localdate().isoformat(), "by_notice": True}
    response = client.post(API, body, content_type="application/json", **_auth(chief))
    assert response.status_code == 400 and "mật" in response.json()["source_id"][0]
    response = client.post(API, {**body, "source_id": plan.pk}, content_type="application/json", **_auth(chief))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["state"] == "on_time" and data["notice"] and data["days_allowed"] == 3
    assert client.get(f"{API}?state=on_time", **_auth(chief)).json()["count"] == 1
    assert client.get(f"{API}?state=bogus", **_auth(chief)).status_code == 400
    assert client.get(f"{API}{data['id']}/", **_auth(org.head)).json()["title"] == "Công khai: kế hoạch công tác"
    export = client.get(f"{API}export/?output=csv", **_auth(chief))
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
