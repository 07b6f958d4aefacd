"""The bin's pages: a Delete on the administration pages leads to a confirmation that says what will
happen; the bin lists the administrator's agency's entries; someone who may not touch an entry or
an object gets 404."""

from __future__ import annotations

import pytest
from django.utils import timezone

from qlvb.core import bin
from qlvb.core.actor import Actor
from qlvb.core.models import BinEntry
from qlvb.org.models import Unit
from qlvb.outgoing import drafting
from qlvb.recycle.tests.conftest import docx_template
from qlvb.registers.services import ensure_default_registers


def _delete_url(obj, next_url: str = "") -> str:  # noqa: ANN001
    url = f"/bin/delete/{obj._meta.label_lower}/{obj.pk}/"
    return f"{url}?next={next_url}" if next_url else url


def test_deleting_an_unused_unit_says_until_when_it_can_be_restored(org, empty_unit, login):
    admin = login(org.admin)
    agency_page = f"/org/agencies/{org.agency.pk}/"
    page = admin.get(_delete_url(empty_unit, agency_page)).content.decode()
    assert bin.restorable_until().strftime("%d/%m/%Y") in page and 'value="bin"' in page
    response = admin.post(_delete_url(empty_unit), {"action": "bin", "next": agency_page})
    assert response.status_code == 302 and response["Location"] == agency_page
    unit_link = f'href="/org/units/{empty_unit.pk}/"'
    assert "có thể khôi phục đến hết ngày" in admin.get(agency_page).content.decode()  # the message, once
    assert unit_link not in admin.get(agency_page).content.decode()
    listed = admin.get("/bin/").content.decode()
    assert "Phòng Thử nghiệm" in listed
    entry = BinEntry.objects.get()
    assert admin.post(f"/bin/{entry.pk}/restore/").status_code == 302
    assert unit_link in admin.get(agency_page).content.decode()
    assert f'data-entry="{entry.pk}"' not in admin.get("/bin/").content.decode()


def test_something_in_use_is_offered_only_for_retiring(org, login):
    admin = login(org.admin)
    page = admin.get(_delete_url(org.unit)).content.decode()
    assert 'id="bin-in-use"' in page and 'value="retire"' in page and 'value="bin"' not in page
    admin.post(_delete_url(org.unit), {"action": "bin"})  # forced: refused, nothing changes
    assert Unit.objects.get(pk=org.unit.pk).deleted_at is None and not BinEntry.objects.exists()
    # People hold posts in it: even retiring is refused, with the reason.
    answer = admin.post(_delete_url(org.unit), {"action": "retire"}).content.decode()
    assert "vị trí" in answer.lower() or "posts" in answer
    assert Unit.objects.get(pk=org.unit.pk).is_active


def test_the_pages_offer_delete_to_their_administrators_only(org, login):
    ensure_default_registers(org.agency)
    drafting.save_template(by=Actor(org.admin), agency=org.agency, doc_type="", name="Mẫu chung",
                           upload=docx_template())
    admin, specialist = login(org.admin), login(org.specialist)
    for path in ("/registers/", "/outgoing/templates/", f"/org/agencies/{org.agency.pk}/",
                 f"/org/people/{org.clerk.pk}/"):
        assert "data-bin-delete" in admin.get(path).content.decode(), path
    assert "data-bin-delete" not in specialist.get(f"/org/people/{org.clerk.pk}/").content.decode()
    assert specialist.get("/bin/").status_code == 404


def test_another_agencys_administrator_gets_404_everywhere(org, other_org, empty_unit, login, root):
    entry = bin.move_to_bin(by=Actor(org.admin), obj=empty_unit)
    stranger = login(other_org.admin)
    assert stranger.get(_delete_url(org.unit)).status_code == 404
    assert stranger.post(_delete_url(org.unit), {"action": "retire"}).status_code == 404
    assert stranger.post(f"/bin/{entry.pk}/restore/").status_code == 404
    assert "Phòng Thử nghiệm" not in stranger.get("/bin/").content.decode()
    assert BinEntry.objects.filter(pk=entry.pk).exists()
    # The agency's administrator restores but does not delete for good; the installation's does.
    admin = login(org.admin)
    assert admin.get(f"/bin/{entry.pk}/purge/").status_code == 404
    assert admin.post(f"/bin/{entry.pk}/purge/").status_code == 404
    assert admin.get(_delete_url(empty_unit)).status_code == 404  # already in the bin
    assert admin.get("/bin/delete/core.event/1/").status_code == 404  # not a kind of the bin
    superuser = login(root)
    assert org.agency.name in superuser.get("/bin/").content.decode()
    assert "Xóa hẳn" in superuser.get(f"/bin/{entry.pk}/purge/").content.decode()
    assert superuser.post(f"/bin/{entry.pk}/purge/").status_code == 302
    assert not Unit.objects.filter(pk=empty_unit.pk).exists()


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x"])
def test_the_way_back_stays_on_the_site(org, empty_unit, login, target):
    response = login(org.admin).post(_delete_url(empty_unit), {"action": "bin", "next": target})
    assert response.status_code == 302 and "evil" not in response["Location"]
    assert BinEntry.objects.get().binned_at <= timezone.now()


def test_a_binned_person_cannot_be_reactivated_or_edited_behind_the_bins_back(org, newcomer, login):
    bin.move_to_bin(by=Actor(org.admin), obj=newcomer)
    admin = login(org.admin)
    for action in ("activate", "reset", "unlock"):
        assert admin.post(f"/org/people/{newcomer.pk}/{action}/").status_code == 404
    assert admin.post(f"/org/people/{newcomer.pk}/edit/", {"edit-full_name": "Khác"}).status_code == 404
    assert admin.get(f"/org/units/{org.unit.pk}/").status_code == 200


def test_the_bin_page_costs_the_same_for_one_entry_or_many(org, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    admin = login(org.admin)

    def queries() -> int:
        with CaptureQueriesContext(connection) as seen:
            assert admin.get("/bin/").status_code == 200
        return len(seen)

    by = Actor(org.admin)
    admin.get("/bin/")  # what is kept until the calendar changes, not until any event, read once
    bin.move_to_bin(by=by, obj=Unit.objects.create(agency=org.agency, name="Tổ 0", abbreviation="T0"))
    one = queries()
    for n in range(1, 6):
        bin.move_to_bin(by=by, obj=Unit.objects.create(agency=org.agency, name=f"Tổ {n}", abbreviation=f"T{n}"))
    assert queries() == one
