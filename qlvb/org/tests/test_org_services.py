from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.models import Event
from qlvb.org import services
from qlvb.org.models import Agency, Post, SigningAuthority, Unit
from qlvb.org.roles import roles_of
from qlvb.org.selectors import field_leader_for, unit_tree


def test_nested_units_and_cycles(org):
    by = Actor(org.admin)
    centre = services.create_unit(by=by, agency=org.agency, name="Trung tâm CNTT&TT", abbreviation="TTCNTT",
                                  kind=Unit.Kind.CENTRE)
    section = services.create_unit(by=by, agency=org.agency, name="Bộ phận Phần mềm", abbreviation="PM",
                                   kind=Unit.Kind.SECTION, parent=centre)
    with pytest.raises(ValidationError):
        services.update_unit(by=by, unit=centre, parent=section)
    centre.refresh_from_db()
    assert centre.parent is None
    roots = unit_tree(org.agency)
    assert any(node.unit == centre and node.children[0].unit == section for node in roots)


def test_unit_parent_must_be_same_agency(org, other_org):
    with pytest.raises(ValidationError):
        services.create_unit(by=Actor(org.admin), agency=org.agency, name="X", abbreviation="X",
                             parent=other_org.unit)


def test_bad_abbreviation_is_refused_and_nothing_is_saved(org):
    before = Unit.objects.count(), Event.objects.count()
    with pytest.raises(ValidationError) as error:
        services.create_unit(by=Actor(org.admin), agency=org.agency, name="Phòng mới", abbreviation="P M-1")
    assert "abbreviation" in error.value.message_dict
    assert (Unit.objects.count(), Event.objects.count()) == before


def test_concurrent_posts(org):
    by = Actor(org.admin)
    services.assign_post(by=by, person=org.unit_head, unit=org.office, position=org.positions["tp"],
                         is_concurrent=True)
    assert Post.objects.filter(person=org.unit_head, end_date__isnull=True).count() == 2
    with pytest.raises(ValidationError):
        services.assign_post(by=by, person=org.unit_head, unit=org.office, position=org.positions["tp"])
    roles = roles_of(type(org.unit_head).objects.get(pk=org.unit_head.pk))
    assert {org.unit.pk, org.office.pk} <= roles.headed_unit_ids


def test_post_in_other_agency_only_concurrent(org, other_org, root):
    with pytest.raises(ValidationError):
        services.assign_post(by=Actor(root), person=org.specialist, unit=other_org.unit,
                             position=other_org.positions["cv"])
    services.assign_post(by=Actor(root), person=org.specialist, unit=other_org.unit,
                         position=other_org.positions["cv"], is_concurrent=True)


def test_fields_and_signing_authority(org, other_org):
    by = Actor(org.admin)
    field = services.save_field(by=by, agency=org.agency, name="Công nghệ thông tin", abbreviation="CNTT",
                                leader=org.deputy, units=[org.unit])
    assert field_leader_for(field.pk) == org.deputy
    authority = services.save_signing_authority(by=by, agency=org.agency, person=org.deputy,
                                                capacity=SigningAuthority.Capacity.KT, fields=[field],
                                                document_types=["CV", "KH"])
    assert authority.capacity == "KT" and list(authority.fields.all()) == [field]
    with pytest.raises(ValidationError):
        services.save_field(by=by, agency=org.agency, name="Khác", leader=other_org.head)
    with pytest.raises(ValidationError):
        services.save_signing_authority(by=by, agency=org.agency, person=org.unit_head, scope="unit")
    with pytest.raises(NotAllowed):
        services.save_field(by=Actor(other_org.admin), agency=org.agency, name="X")


def test_only_installation_admin_creates_agencies_or_moves_codes(org, root):
    with pytest.raises(NotAllowed):
        services.create_agency(by=Actor(org.admin), code="000.00.20.H51", abbreviation="SXD", name="Sở Xây dựng")
    services.update_agency(by=Actor(org.admin), agency=org.agency, code="999.99.99.H99", phone="0212 111 222")
    org.agency.refresh_from_db()
    assert org.agency.code == "000.00.15.H51" and org.agency.phone == "0212 111 222"
    with pytest.raises(ValidationError):
        services.create_agency(by=Actor(root), code="BAD", abbreviation="X", name="X")
    assert not Agency.objects.filter(code="BAD").exists()


def test_people_search_ignores_accents_and_follows_renames(org, other_org):
    from qlvb.org.selectors import people_list

    def found(query: str) -> set[str]:
        return {p.username for p in people_list(viewer=org.admin, agency=org.agency, query=query)}

    person = org.specialist
    first_word = person.full_name.split()[0]  # e.g. "Lò" / "Nguyễn"
    from qlvb.core.text import fold

    assert person.username in found(fold(person.full_name))
    assert person.username in found(fold(person.full_name).upper())
    assert person.username in found(person.full_name)
    assert person.username in found(fold(first_word))
    services.update_person(by=Actor(org.admin), person=person, full_name="Đặng Thị Ánh Tuyết")
    assert person.username in found("dang thi anh")
    assert person.username in found("ĐẶNG THỊ")
    assert person.username not in found(fold(first_word) + " zzz")
    # Someone of another agency is never found from this one.
    assert other_org.specialist.username not in found(fold(other_org.specialist.full_name))
