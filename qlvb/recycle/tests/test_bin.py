"""Nothing an administrator deletes is gone at once (R30): people, units, registers, dossiers and
drafting templates go to the bin, gone from every list, choice and sign-in, and come back exactly
as they were; what documents or events use is only retired; each move is an event."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.test import Client
from django.utils import timezone

from conftest import PASSWORD
from qlvb.core import bin
from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.events import verify_chain
from qlvb.core.forms import model_choice
from qlvb.core.models import BinEntry, Event
from qlvb.dossiers import selectors as dossier_selectors
from qlvb.dossiers import services as dossier_services
from qlvb.dossiers.models import Dossier
from qlvb.incoming import services as incoming_services
from qlvb.incoming.forms import RegistrationForm, parse_routing, routing_candidates
from qlvb.incoming.tests.conftest import fields, pdf_upload
from qlvb.org import selectors as org_selectors
from qlvb.org import services as org_services
from qlvb.org.forms import FieldForm, PostForm, SigningForm, UnitForm
from qlvb.org.models import Person, Post, SigningAuthority, Unit
from qlvb.outgoing import drafting
from qlvb.outgoing.forms import IssueForm
from qlvb.recycle.tests.conftest import docx_template
from qlvb.registers import selectors as register_selectors
from qlvb.registers import services as register_services
from qlvb.registers.models import Register, RegisterCounter


def _events(verb: str, obj) -> list[Event]:  # noqa: ANN001
    return list(Event.objects.filter(verb=verb, target_type=obj._meta.label_lower, target_id=str(obj.pk)))


def _offered(form: Any, name: str) -> set[int]:
    """The ids a choice field of the form offers (as its widget lists them)."""
    choices: Any = model_choice(form, name).choices
    return {int(str(value)) for value, _label in choices if str(value)}


def _signs_in(person: Person) -> bool:
    response = Client().post("/accounts/login/", {"username": person.username, "password": PASSWORD})
    return response.status_code == 302


def _register_incoming(org, register: Register, number: str = "15"):  # noqa: ANN001, ANN202
    return incoming_services.register_document(by=Actor(org.clerk), agency=org.agency, register=register,
                                               fields=fields(number=number), uploads=[pdf_upload(salt=number)],
                                               presented_to=org.head)


# --- People -----------------------------------------------------------------------------------

@pytest.fixture
def binned_person(org, newcomer):
    return bin.move_to_bin(by=Actor(org.admin), obj=newcomer)


def test_a_binned_person_is_gone_from_everywhere(org, newcomer, binned_person, login):
    assert not _signs_in(newcomer)
    everyone = org_selectors.people_list(viewer=org.admin, agency=org.agency, include_inactive=True)
    assert newcomer not in everyone
    with pytest.raises(Exception):  # noqa: B017 - Http404: the page of a binned person does not exist
        org_selectors.get_person(org.admin, newcomer.pk)
    tree = org_selectors.unit_tree(org.agency, with_people=True)
    assert newcomer.pk not in {post.person_id for node in org_selectors.flatten(tree) for post in node.people}
    assert newcomer.pk not in {post.person_id for post in routing_candidates(org.agency)["posts"]}
    assert newcomer.pk not in _offered(FieldForm(agency=org.agency), "leader")
    assert newcomer.pk not in _offered(SigningForm(agency=org.agency), "person")
    api = login(org.admin)
    listed = api.get("/api/v1/people/", {"agency": org.agency.pk, "page_size": 100}).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert newcomer.pk not in {row["id"] for row in rows}
    assert api.get(f"/org/people/{newcomer.pk}/").status_code == 404


def test_restoring_a_person_brings_back_their_posts_and_authority_and_sign_in(org, newcomer, binned_person):
    assert Post.objects.filter(person=newcomer, end_date__isnull=True).count() == 1  # never left
    restored = bin.restore(by=Actor(org.admin), entry=binned_person)
    assert restored.is_active and restored.deleted_at is None
    assert SigningAuthority.objects.filter(person=newcomer).count() == 1
    assert newcomer in org_selectors.people_list(viewer=org.admin, agency=org.agency)
    assert not BinEntry.objects.exists()
    assert _signs_in(restored)
    moved, back = _events("bin.moved", newcomer), _events("bin.restored", newcomer)
    assert [e.actor for e in moved] == [org.admin] and [e.actor for e in back] == [org.admin]
    assert moved[0].data["kind"] == "org.person" and moved[0].data["restorable_until"]


def test_a_retired_person_binned_comes_back_retired(org, newcomer, root):
    Person.objects.filter(pk=newcomer.pk).update(is_active=False)
    entry = bin.move_to_bin(by=Actor(root), obj=Person.objects.get(pk=newcomer.pk))
    assert not bin.restore(by=Actor(root), entry=entry).is_active


def test_a_person_who_has_acted_can_only_be_deactivated(org, login):
    login(org.specialist)  # the sign-in is an event of theirs
    with pytest.raises(ValidationError) as refused:
        bin.move_to_bin(by=Actor(org.admin), obj=org.specialist)
    assert "sự kiện" in str(refused.value) or "events" in str(refused.value)
    assert Person.objects.get(pk=org.specialist.pk).deleted_at is None and not BinEntry.objects.exists()
    bin.retire(by=Actor(org.admin), obj=org.specialist)
    assert not Person.objects.get(pk=org.specialist.pk).is_active
    assert _events("account.deactivated", org.specialist)


def test_nobody_bins_themselves_or_another_agencys_people(org, other_org, newcomer):
    with pytest.raises(NotAllowed):
        bin.move_to_bin(by=Actor(other_org.admin), obj=newcomer)
    with pytest.raises(NotAllowed):
        bin.move_to_bin(by=Actor(org.head), obj=newcomer)
    with pytest.raises(NotAllowed):
        bin.move_to_bin(by=Actor(org.admin), obj=org.admin)


# --- Units ------------------------------------------------------------------------------------

def test_a_binned_unit_is_not_offered_for_routing_or_posts_and_comes_back(org, empty_unit):
    entry = bin.move_to_bin(by=Actor(org.admin), obj=empty_unit)
    assert empty_unit.pk not in {u.pk for u in routing_candidates(org.agency)["units"]}
    assert empty_unit.pk not in _offered(PostForm(agency=org.agency), "unit")
    assert empty_unit.pk not in _offered(UnitForm(agency=org.agency), "parent")
    assert empty_unit.pk not in {n.unit.pk for n in org_selectors.flatten(org_selectors.unit_tree(org.agency))}
    with pytest.raises(ValidationError):  # nor taken when its id is sent anyway
        parse_routing(QueryDict(f"main=u:{empty_unit.pk}"), org.agency, default_deadline=None)
    restored = bin.restore(by=Actor(org.admin), entry=entry)
    assert restored.is_active
    assert parse_routing(QueryDict(f"main=u:{empty_unit.pk}"), org.agency, default_deadline=None)
    assert empty_unit.pk in {u.pk for u in routing_candidates(org.agency)["units"]}


def test_a_unit_with_people_or_sub_units_can_only_be_retired(org, empty_unit):
    with pytest.raises(ValidationError) as refused:
        bin.move_to_bin(by=Actor(org.admin), obj=org.unit)
    assert "vị trí công tác" in str(refused.value) or "posts" in str(refused.value)
    org_services.create_unit(by=Actor(org.admin), agency=org.agency, name="Tổ con", abbreviation="TC",
                             parent=empty_unit)
    with pytest.raises(ValidationError):
        bin.move_to_bin(by=Actor(org.admin), obj=empty_unit)
    bin.retire(by=Actor(org.admin), obj=empty_unit)
    assert not Unit.objects.get(pk=empty_unit.pk).is_active


# --- Registers --------------------------------------------------------------------------------

def test_a_binned_register_is_not_offered_for_registration_or_issuing(org):
    register = register_services.create_register(by=Actor(org.admin), agency=org.agency, direction="in",
                                                 category="ordinary", name="Sổ đến thử")
    outgoing = register_services.create_register(by=Actor(org.admin), agency=org.agency, direction="out",
                                                 category="ordinary", name="Sổ đi thử")
    entry = bin.move_to_bin(by=Actor(org.admin), obj=register)
    bin.move_to_bin(by=Actor(org.admin), obj=outgoing)
    assert register.pk not in _offered(RegistrationForm(agency=org.agency), "register")
    assert outgoing.pk not in _offered(IssueForm(agency=org.agency), "register")
    shown = register_selectors.registers_with_counts(org.admin, org.agency, timezone.localdate().year)
    assert register not in shown and outgoing not in shown
    with pytest.raises(ValidationError):
        register_services.check_register(Register.objects.get(pk=register.pk), agency=org.agency, direction="in")
    bin.restore(by=Actor(org.admin), entry=entry)
    assert register.pk in _offered(RegistrationForm(agency=org.agency), "register")


def test_a_register_with_documents_is_only_closed(org):
    register_services.ensure_default_registers(org.agency)
    register = Register.objects.get(agency=org.agency, direction="in", category="ordinary")
    _register_incoming(org, register, "15")
    _register_incoming(org, register, "16")
    with pytest.raises(ValidationError) as refused:
        bin.move_to_bin(by=Actor(org.admin), obj=register)
    assert "được dùng bởi 2 văn bản đến" in str(refused.value)
    # The clerk who registered them and the leader they went to: one count per document.
    assert "2 văn bản đến" in bin.describe(bin.references(org.clerk))
    assert "2 văn bản đến" in bin.describe(bin.references(org.head))
    # The agency keeps an open ordinary register each way (registers.services): another comes first.
    with pytest.raises(ValidationError):
        bin.retire(by=Actor(org.admin), obj=register)
    register_services.create_register(by=Actor(org.admin), agency=org.agency, direction="in",
                                      category="ordinary", name="Sổ văn bản đến 2027")
    bin.retire(by=Actor(org.admin), obj=register)
    assert not Register.objects.get(pk=register.pk).is_active
    assert _events("register.retired", register)


# --- Dossiers ---------------------------------------------------------------------------------

def test_an_empty_dossier_goes_to_the_bin_one_with_documents_is_only_closed(org):
    by = Actor(org.specialist)
    empty = dossier_services.create_dossier(by=by, agency=org.agency, code="01", title="Hồ sơ trống",
                                            retention="10")
    kept = dossier_services.create_dossier(by=by, agency=org.agency, code="02", title="Hồ sơ có văn bản",
                                           retention="10")
    register_services.ensure_default_registers(org.agency)
    document = _register_incoming(org, Register.objects.get(agency=org.agency, direction="in", category="ordinary"))
    dossier_services.file_document(by=by, dossier=kept, document=document, label="Văn bản")
    entry = bin.move_to_bin(by=Actor(org.admin), obj=empty)
    assert empty not in dossier_selectors.dossiers_for(org.specialist)
    assert empty not in dossier_selectors.fileable_dossiers(org.specialist)
    assert empty not in dossier_selectors.plan(org.agency, empty.year)
    with pytest.raises(ValidationError):
        bin.move_to_bin(by=Actor(org.admin), obj=kept)
    bin.retire(by=Actor(org.admin), obj=kept)
    assert Dossier.objects.get(pk=kept.pk).status == Dossier.Status.CLOSED
    bin.restore(by=Actor(org.admin), entry=entry)
    assert empty in dossier_selectors.fileable_dossiers(org.specialist)


# --- Templates --------------------------------------------------------------------------------

def test_a_binned_template_is_not_offered_for_drafts(org):
    template = drafting.save_template(by=Actor(org.admin), agency=org.agency, doc_type="QĐ", name="Mẫu QĐ",
                                      upload=docx_template())
    assert drafting.template_for(org.agency, "QĐ") == template
    entry = bin.move_to_bin(by=Actor(org.admin), obj=template)
    assert drafting.template_for(org.agency, "QĐ") is None
    bin.restore(by=Actor(org.admin), entry=entry)
    assert drafting.template_for(org.agency, "QĐ") == template


def test_a_template_restored_after_another_took_its_type_comes_back_retired(org):
    old = drafting.save_template(by=Actor(org.admin), agency=org.agency, doc_type="QĐ", name="Mẫu cũ",
                                 upload=docx_template())
    entry = bin.move_to_bin(by=Actor(org.admin), obj=old)
    new = drafting.save_template(by=Actor(org.admin), agency=org.agency, doc_type="QĐ", name="Mẫu mới",
                                 upload=docx_template())
    assert not bin.restore(by=Actor(org.admin), entry=entry).is_active
    assert drafting.template_for(org.agency, "QĐ") == new


# --- Purge ------------------------------------------------------------------------------------

def test_the_nightly_purge_deletes_what_waited_its_period_and_no_sooner(org, newcomer, empty_unit, settings):
    settings.QLVB_BIN_DAYS = 30
    bin.move_to_bin(by=Actor(org.admin), obj=newcomer)
    bin.move_to_bin(by=Actor(org.admin), obj=empty_unit)
    assert bin.purge_expired(now=timezone.now() + timedelta(days=29)) == 0
    assert Person.objects.filter(pk=newcomer.pk).exists()
    label = str(newcomer)
    assert bin.purge_expired(now=timezone.now() + timedelta(days=31)) == 2
    assert not Person.objects.filter(pk=newcomer.pk).exists() and not Unit.objects.filter(pk=empty_unit.pk).exists()
    assert not Post.objects.filter(person_id=newcomer.pk).exists()  # its parts went with it
    assert not BinEntry.objects.exists()
    purged = Event.objects.get(verb="bin.purged", target_type="org.person", target_id=str(newcomer.pk))
    assert purged.actor is None and purged.data["nightly"] and purged.target_label == label
    assert not verify_chain(f"agency:{org.agency.pk}").problems


def test_what_came_to_be_used_while_in_the_bin_is_kept(org, empty_unit, settings):
    entry = bin.move_to_bin(by=Actor(org.admin), obj=empty_unit)
    # Something that slipped in, pointing at the binned unit (no page offers it any more).
    Unit.objects.create(agency=org.agency, name="Tổ lạc", abbreviation="TL", parent_id=empty_unit.pk)
    assert bin.purge_expired(now=timezone.now() + timedelta(days=settings.QLVB_BIN_DAYS + 1)) == 0
    assert BinEntry.objects.filter(pk=entry.pk).exists() and Unit.objects.filter(pk=empty_unit.pk).exists()


def test_a_register_with_counters_only_is_purged_with_them(org, root):
    register = register_services.create_register(by=Actor(org.admin), agency=org.agency, direction="in",
                                                 category="ordinary", name="Sổ nhầm")
    RegisterCounter.objects.create(register=register, year=2026, last_number=0)
    entry = bin.move_to_bin(by=Actor(org.admin), obj=register)
    with pytest.raises(NotAllowed):  # before the period, deleting for good is the installation's
        bin.purge(by=Actor(org.admin), entry=entry)
    bin.purge(by=Actor(root), entry=entry)
    assert not Register.objects.filter(pk=register.pk).exists()
    assert Event.objects.get(verb="bin.purged", target_id=str(register.pk)).actor == root


def test_the_bin_of_an_agency_administrator_is_their_agencys(org, other_org, root, newcomer):
    theirs = org_services.create_unit(by=Actor(other_org.admin), agency=other_org.agency, name="Phòng Nhầm",
                                      abbreviation="PN")
    mine = bin.move_to_bin(by=Actor(org.admin), obj=newcomer)
    other = bin.move_to_bin(by=Actor(other_org.admin), obj=theirs)
    assert list(bin.entries_for(org.admin)) == [mine]
    assert list(bin.entries_for(other_org.admin)) == [other]
    assert set(bin.entries_for(root)) == {mine, other}
    assert not bin.entries_for(org.head).exists()
    with pytest.raises(NotAllowed):
        bin.restore(by=Actor(org.admin), entry=other)


def test_the_worker_runs_the_purge_each_night(org, empty_unit, settings):
    from qlvb.core.tasks import purge_bin

    settings.QLVB_BIN_DAYS = 7
    entry = bin.move_to_bin(by=Actor(org.admin), obj=empty_unit)
    assert purge_bin.call_local() == 0
    BinEntry.objects.filter(pk=entry.pk).update(binned_at=timezone.now() - timedelta(days=8))  # a week later
    assert purge_bin.call_local() == 1
    assert not Unit.objects.filter(pk=empty_unit.pk).exists()


def test_an_entry_of_an_app_no_longer_installed_is_left_alone(org, root):
    entry = BinEntry.objects.create(kind="tasks.task", object_id=1, agency=org.agency, label="Nhiệm vụ",
                                    binned_at=timezone.now() - timedelta(days=365))
    with pytest.raises(NotAllowed):
        bin.restore(by=Actor(root), entry=entry)
    assert bin.purge_expired() == 0 and BinEntry.objects.filter(pk=entry.pk).exists()
