"""Editing, retiring and reopening registers: the agency's administrator only, every change an event
with the old and new values, numbers never lost, and the agency never left without an open register
of a kind documents are numbered in by default."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.models import Event
from qlvb.registers.models import Register
from qlvb.registers.services import (
    check_register,
    create_register,
    default_register,
    ensure_default_registers,
    next_number,
    set_register_active,
    update_register,
)


def _register(org, name: str = "Sổ văn bản đi") -> Register:  # noqa: ANN001
    ensure_default_registers(org.agency)
    return Register.objects.get(agency=org.agency, name=name)


def test_admin_renames_and_reorders_through_the_page_and_the_event_says_from_what(org, login):
    register = _register(org)
    response = login(org.admin).post(f"/registers/{register.pk}/edit/", {
        "name": "Sổ đăng ký văn bản đi", "category": "ordinary", "order": "7"})
    assert response.status_code == 302
    register.refresh_from_db()
    assert (register.name, register.order) == ("Sổ đăng ký văn bản đi", 7)
    event = Event.objects.get(verb="register.updated")
    assert event.actor == org.admin and event.agency_id == org.agency.pk
    assert event.data["changes"] == {"name": ["Sổ văn bản đi", "Sổ đăng ký văn bản đi"], "order": [3, 7]}


def test_a_register_that_numbered_documents_keeps_its_category(org):
    register = _register(org)
    create_register(by=Actor(org.admin), agency=org.agency, direction="out", category="ordinary", name="Sổ 2")
    with transaction.atomic():
        next_number(register, 2026)
    with pytest.raises(ValidationError) as caught:
        update_register(by=Actor(org.admin), register=register, name=register.name, category="other", order=0)
    assert "category" in caught.value.message_dict
    register.refresh_from_db()
    assert register.category == "ordinary"


def test_duplicate_or_empty_name_is_refused_and_nothing_changes(org, login):
    register = _register(org)
    client = login(org.admin)
    for name in ("sổ văn bản đi mật", "   "):
        response = client.post(f"/registers/{register.pk}/edit/", {"name": name, "category": "ordinary",
                                                                    "order": "0"})
        assert response.status_code == 200
    register.refresh_from_db()
    assert register.name == "Sổ văn bản đi"
    assert not Event.objects.filter(verb="register.updated").exists()


def test_retired_register_gives_no_number_and_reopens(org, login):
    ensure_default_registers(org.agency)
    spare = create_register(by=Actor(org.admin), agency=org.agency, direction="out", category="ordinary",
                            name="Sổ văn bản đi 2026")
    register = _register(org)
    assert login(org.admin).post(f"/registers/{register.pk}/active/", {"active": "0"}).status_code == 302
    register.refresh_from_db()
    assert not register.is_active
    with pytest.raises(ValidationError):
        check_register(register, agency=org.agency, direction="out")
    assert default_register(agency=org.agency, direction="out", secret=False) == spare
    assert Event.objects.get(verb="register.retired").data["changes"] == {"is_active": [True, False]}
    set_register_active(by=Actor(org.admin), register=register, active=True)
    register.refresh_from_db()
    assert register.is_active and Event.objects.filter(verb="register.reopened").exists()


def test_the_only_open_ordinary_or_secret_register_cannot_be_retired(org, login):
    for name in ("Sổ văn bản đi", "Sổ văn bản đến mật"):
        register = _register(org, name)
        response = login(org.admin).post(f"/registers/{register.pk}/active/", {"active": "0"}, follow=True)
        register.refresh_from_db()
        assert register.is_active
        assert "tạo sổ khác trước" in response.content.decode()
    letters = _register(org, "Sổ đơn thư")  # a register of its own kind may go
    set_register_active(by=Actor(org.admin), register=letters, active=False)


def test_other_people_get_404_and_change_nothing(org, other_org, login):
    register = _register(org)
    for person in (other_org.admin, org.clerk):
        client = login(person)
        assert client.get(f"/registers/{register.pk}/edit/").status_code == 404
        assert client.post(f"/registers/{register.pk}/edit/", {"name": "X", "category": "ordinary",
                                                                "order": "0"}).status_code == 404
        assert client.post(f"/registers/{register.pk}/active/", {"active": "0"}).status_code == 404
        with pytest.raises(NotAllowed):
            set_register_active(by=Actor(person), register=register, active=False)
    register.refresh_from_db()
    assert register.name == "Sổ văn bản đi" and register.is_active


def test_list_shows_how_notations_are_made_from_the_agencys_abbreviations(org, login):
    page = login(org.admin).get("/registers/").content.decode()
    assert "15/QĐ-STTTT" in page and "05/STTTT-CNTT" in page
    assert f"/org/units/{org.unit.pk}/" in page


def test_the_installation_administrator_chooses_the_agency(org, other_org, root, login):
    client = login(root)
    page = client.get(f"/registers/?agency={other_org.agency.pk}").content.decode()
    assert "15/QĐ-SNV" in page
    register = Register.objects.get(agency=other_org.agency, name="Sổ văn bản đi")
    assert client.post(f"/registers/{register.pk}/edit/", {"name": "Sổ đi", "category": "ordinary",
                                                           "order": "1"}).status_code == 302
    assert login(org.admin).get(f"/registers/?agency={other_org.agency.pk}").content.decode().count("15/QĐ-STTTT")
    assert f"/registers/?agency={other_org.agency.pk}" in client.get("/administration/flow/").content.decode()
