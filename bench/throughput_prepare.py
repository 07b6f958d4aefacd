"""Set up the demo province for bench/throughput_bench.py and print what the load generators need
(JSON on stdout): signed-in sessions, the pages to load, the accounts that sign in during the burst.

Run with the bench's DATABASE_URL and QLVB_VAR_DIR; safe to run again (load_demo runs once, the
burst accounts are created once, sessions are new each time).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")

BURST_ACCOUNTS = 100
BURST_PASSWORD = "Bench-Burst-2026!"


def main() -> None:
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.test import Client

    from qlvb.accounts.services import record_login
    from qlvb.core.actor import Actor
    from qlvb.incoming.models import IncomingDocument
    from qlvb.incoming.selectors import counts, newest_task_documents
    from qlvb.org import services
    from qlvb.org.models import Person, Position, Unit

    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115

    def session(person: Person) -> str:
        client = Client()
        client.force_login(person)  # a session as a sign-in makes it, without the password's hashing
        key = client.session.session_key
        assert key
        record_login(person=person, session_key=key, ip="127.0.0.1", user_agent="bench")
        return key

    people = list(Person.objects.filter(is_active=True, agency__isnull=False).exclude(username__startswith="bench.")
                  .order_by("username"))  # the demo's people
    # The inbox of whoever has the most documents to handle, and the newest ordinary one of them
    # (opening a secret one writes to the log each time: another page's cost).
    busiest = max(people, key=lambda p: (counts(p)["to_handle"], p.username))
    ids = [pk for pk, _arrival in newest_task_documents(busiest, "to_handle")]
    newest = [d.pk for d in IncomingDocument.objects.filter(pk__in=ids, secrecy="").order_by("-received_at")[:1]]
    head = Person.objects.get(username="stttt.giamdoc")
    pages = {
        "inbox": (busiest, "/incoming/list/to_handle/"),
        "home": (head, "/"),
        "document": (busiest, f"/incoming/{newest[0]}/" if newest else "/incoming/"),
        "outgoing": (head, "/outgoing/"),
    }

    # Accounts that sign in during the burst: distinct people of the demo's largest agency, each
    # with a post, sharing one password hash (hashing it a hundred times here would cost minutes).
    agency = head.agency
    admin = Actor(Person.objects.get(username="admin"))
    unit = Unit.objects.filter(agency=agency).order_by("id").first()
    position = Position.objects.filter(agency=agency, kind="specialist").first() or Position.objects.filter(
        agency=agency).first()
    assert unit and position
    encoded = make_password(BURST_PASSWORD)
    for i in range(BURST_ACCOUNTS):
        username = f"bench.burst{i:03d}"
        if Person.objects.filter(username=username).exists():
            continue
        person = Person.objects.create(username=username, full_name=f"Bench Burst {i:03d}", agency=agency,
                                       password=encoded, must_change_password=False)
        services.assign_post(by=admin, person=person, unit=unit, position=position)
    # Stored as the current hasher stores them (accounts.hashers): an account left from a run before a
    # change of hasher would otherwise be redone at its first sign-in, once, inside the burst.
    Person.objects.filter(username__startswith="bench.burst").update(password=encoded)

    chosen = {name: {"url": url, "session": session(person), "who": person.username}
              for name, (person, url) in pages.items()}
    for name, page in chosen.items():
        client = Client()
        client.cookies["sessionid"] = page["session"]
        status = client.get(page["url"]).status_code
        assert status == 200, (name, page, status)
    print(json.dumps({
        "pages": chosen,
        "inbox_sessions": [session(p) for p in people],
        "logins": [f"bench.burst{i:03d}" for i in range(BURST_ACCOUNTS)],
        "password": BURST_PASSWORD,
    }))


if __name__ == "__main__":
    main()
