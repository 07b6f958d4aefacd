"""Loads the demo province (org/demo_data.py) through the same services an administrator uses."""

from __future__ import annotations

import secrets
import string
from pathlib import Path

from django.conf import settings
from django.db import transaction

from qlvb.core.actor import Actor
from qlvb.org import services
from qlvb.org.demo_data import AGENCIES
from qlvb.org.models import Agency, Person, Unit

LOGINS_FILE = "demo-logins.txt"


def _password() -> str:
    alphabet = string.ascii_letters + string.digits
    body = "".join(secrets.choice(alphabet) for _ in range(8))
    return f"Demo-{body}{secrets.randbelow(10)}!"


def _units(agency: Agency, by: Actor, items: list[dict], parent: Unit | None, keys: dict[str, Unit]) -> None:
    for order, item in enumerate(items):
        unit = services.create_unit(by=by, agency=agency, name=item["name"], abbreviation=item["abbreviation"],
                                    kind=item["kind"], parent=parent, order=order)
        keys[item["key"]] = unit
        _units(agency, by, item.get("children", []), unit, keys)


@transaction.atomic
def load_demo() -> list[tuple[str, str, str, str]] | None:
    """Create the demo province once. Returns (agency, username, full name, password) rows,
    or None when it is already there (running again changes nothing)."""
    if Agency.objects.filter(code=AGENCIES[0]["code"]).exists():
        return None
    from qlvb.org.directory import load_bundled

    load_bundled()  # the directory of agency codes the repository vouches for (org/directory.py)
    admin_password = _password()
    admin = Person.objects.create_superuser("admin", admin_password, full_name="Quản trị hệ thống",
                                            must_change_password=False)
    by = Actor(admin)
    logins = [("", "admin", admin.full_name, admin_password)]
    agencies: dict[str, Agency] = {}
    people: dict[str, Person] = {}
    for spec in AGENCIES:
        agency = services.create_agency(
            by=by, code=spec["code"], abbreviation=spec["abbreviation"], name=spec["name"],
            parent=agencies.get(spec["parent"]), address=spec.get("address", ""), phone=spec.get("phone", ""),
            email=spec.get("email", ""),
        )
        agencies[agency.code] = agency
        units: dict[str, Unit] = {}
        _units(agency, by, spec["units"], None, units)
        positions = {
            p["key"]: services.create_position(by=by, agency=agency, name=p["name"], kind=p["kind"], order=i)
            for i, p in enumerate(spec["positions"])
        }
        for p in spec["people"]:
            password = _password()
            person = Person(username=p["username"], full_name=p["full_name"], agency=agency,
                            email=p.get("email", ""), phone=p.get("phone", ""),
                            is_agency_admin=p.get("agency_admin", False), must_change_password=False)
            person.set_password(password)
            person.save()
            people[person.username] = person
            logins.append((agency.abbreviation, person.username, person.full_name, password))
            for post in p["posts"]:
                services.assign_post(by=by, person=person, unit=units[post["unit"]],
                                     position=positions[post["position"]],
                                     is_concurrent=post.get("concurrent", False))
        fields = {}
        for f in spec.get("fields", []):
            fields[f["key"]] = services.save_field(
                by=by, agency=agency, name=f["name"], abbreviation=f.get("abbreviation", ""),
                leader=people.get(f.get("leader")), units=[units[k] for k in f.get("units", [])])
        for s in spec.get("signing", []):
            services.save_signing_authority(
                by=by, agency=agency, person=people[s["person"]], capacity=s.get("capacity", ""),
                scope=s.get("scope", "agency"), unit=units.get(s.get("unit")) if s.get("unit") else None,
                document_types=s.get("document_types", []), fields=[fields[k] for k in s.get("fields", [])])
    return logins


def write_logins(rows: list[tuple[str, str, str, str]]) -> Path:
    path = Path(settings.VAR_DIR) / LOGINS_FILE
    lines = [f"{'agency':8} {'username':28} {'password':18} full name"]
    lines += [f"{a:8} {u:28} {p:18} {n}" for a, u, n, p in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path
