"""Shared fixtures: a small two-agency province built through the services."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pytest

from qlvb.core.actor import Actor
from qlvb.org import services
from qlvb.org.models import Agency, Person, Position, Unit

PASSWORD = "Mật-khẩu-Tốt-2026!"


def _serialise_live_server_requests() -> None:
    """The browser tests' live server shares the in-memory SQLite test database's one connection
    between its request threads (pytest-django's connections_override). Two requests at once can
    then deadlock: one thread inside sqlite3_step holds the connection's mutex and waits for the
    GIL to run a Python SQL function (django_date_trunc…), while the other holds the GIL and waits
    for that mutex. So, with a shared connection, requests are answered one at a time (a file
    response is read whole inside the lock); PostgreSQL keeps a connection per thread, untouched."""
    import threading

    from django.core.servers.basehttp import ThreadedWSGIServer
    from django.test.testcases import LiveServerThread

    class OneRequestAtATime(ThreadedWSGIServer):
        def set_app(self, application: Any) -> None:
            if not self.connections_override:
                return super().set_app(application)
            lock = threading.Lock()

            def serialised(environ: Any, start_response: Any) -> list[bytes]:
                with lock:
                    response = application(environ, start_response)
                    try:
                        return [b"".join(response)]
                    finally:
                        if hasattr(response, "close"):
                            response.close()

            return super().set_app(serialised)

    LiveServerThread.server_class = OneRequestAtATime


_serialise_live_server_requests()


@dataclass
class Org:
    agency: Agency
    admin: Person
    head: Person
    deputy: Person
    unit_head: Person
    specialist: Person
    clerk: Person
    unit: Unit
    office: Unit
    leadership: Unit
    positions: dict[str, Position]


def make_person(agency: Agency, username: str, full_name: str, **extra: object) -> Person:
    person = Person(username=username, full_name=full_name, agency=agency, must_change_password=False, **extra)
    person.set_password(PASSWORD)
    person.save()
    return person


def build_org(installation_admin: Person, code: str, abbr: str, name: str) -> Org:
    by = Actor(installation_admin)
    agency = services.create_agency(by=by, code=code, abbreviation=abbr, name=name)
    leadership = services.create_unit(by=by, agency=agency, name="Ban Giám đốc", abbreviation="BGĐ",
                                      kind=Unit.Kind.LEADERSHIP)
    office = services.create_unit(by=by, agency=agency, name="Văn phòng", abbreviation="VP", kind=Unit.Kind.OFFICE)
    unit = services.create_unit(by=by, agency=agency, name="Phòng Công nghệ thông tin", abbreviation="CNTT")
    kinds = {
        "gd": ("Giám đốc", Position.Kind.AGENCY_HEAD), "pgd": ("Phó Giám đốc", Position.Kind.AGENCY_DEPUTY),
        "tp": ("Trưởng phòng", Position.Kind.UNIT_HEAD), "cv": ("Chuyên viên", Position.Kind.SPECIALIST),
        "vt": ("Văn thư", Position.Kind.CLERK),
    }
    positions = {k: services.create_position(by=by, agency=agency, name=n, kind=kind) for k, (n, kind) in kinds.items()}
    p = abbr.lower()
    admin = make_person(agency, f"{p}.admin", "Quản Trị Viên", is_agency_admin=True)
    head = make_person(agency, f"{p}.gd", "Lò Văn Hùng")
    deputy = make_person(agency, f"{p}.pgd", "Cầm Thị Lan")
    unit_head = make_person(agency, f"{p}.tp", "Nguyễn Văn Bình")
    specialist = make_person(agency, f"{p}.cv", "Trần Thị Mai")
    clerk = make_person(agency, f"{p}.vt", "Đặng Thu Hà")
    for person, u, pos in [(head, leadership, "gd"), (deputy, leadership, "pgd"), (unit_head, unit, "tp"),
                           (specialist, unit, "cv"), (clerk, office, "vt"), (admin, unit, "cv")]:
        services.assign_post(by=by, person=person, unit=u, position=positions[pos])
    return Org(agency, admin, head, deputy, unit_head, specialist, clerk, unit, office, leadership, positions)


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(items: list[pytest.Item]):
    """Tests marked slow first: pytest-xdist hands tests out in this order, so the long ones start at
    once instead of keeping one worker busy at the end. pytest-django then puts the tests in Django's
    order (database tests, transactional ones, the rest) keeping ours within each group; the slow
    tests that use no database at all (separate processes) can go before everything."""
    items.sort(key=lambda item: not item.get_closest_marker("slow"))
    result = yield
    first = [item for item in items if item.get_closest_marker("slow") and not _uses_db(item)]
    if first:
        items[:] = first + [item for item in items if item not in first]
    return result


def _uses_db(item: pytest.Item) -> bool:
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(item.get_closest_marker("django_db") or fixtures & {"db", "transactional_db", "live_server"})


# Browser tests run under the Content Security Policy the settings send (never bypass_csp). A page
# reports what the policy blocked with a securitypolicyviolation event; this script, added to every
# page before its own scripts, turns each into a console error starting "CSP violation", which
# watch_csp() collects as a problem of the test. (Playwright's add_init_script is not itself
# subject to the policy; page.wait_for_function needs a function, "() => …", not an expression,
# since evaluating an expression string is the eval the policy forbids.)
CSP_WATCH = """document.addEventListener("securitypolicyviolation", (e) => console.error(
  `CSP violation: ${e.effectiveDirective} blocked ${e.blockedURI || "inline code"} in ${e.sourceFile}:${e.lineNumber}`
), true);"""


def watch_csp(page, problems: list[str]) -> None:  # noqa: ANN001
    """Report every Content Security Policy violation on `page` into `problems`, and every
    complaint of the browser about our Permissions-Policy header (a feature it does not know)."""
    page.add_init_script(CSP_WATCH)
    page.on("console", lambda message: problems.append(message.text)
            if message.text.startswith("CSP violation") or "Content Security Policy" in message.text
            or "Permissions-Policy" in message.text else None)


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium through Playwright, once per test process for every browser test (tests/browser
    and the apps' own): Playwright's sync API runs one event loop per thread, so a second
    sync_playwright() in the same process fails while this one runs."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    # Playwright's sync API runs an asyncio loop in this thread; Django would otherwise refuse ORM calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def root(db) -> Person:
    person = Person.objects.create_superuser("root", PASSWORD, full_name="Quản trị hệ thống",
                                             must_change_password=False)
    return person


@pytest.fixture
def org(root) -> Org:
    return build_org(root, "000.00.15.H51", "STTTT", "Sở Thông tin và Truyền thông tỉnh Sơn La")


@pytest.fixture
def other_org(root) -> Org:
    return build_org(root, "000.00.03.H51", "SNV", "Sở Nội vụ tỉnh Sơn La")


@pytest.fixture
def login(db):
    """Sign a person in, in a browser of their own, through the real login page, so sessions are
    recorded as in production."""
    from django.test import Client

    def _login(person: Person, password: str = PASSWORD):
        client = Client()
        response = client.post("/accounts/login/", {"username": person.username, "password": password})
        assert response.status_code == 302, response.content[:500]
        return client

    return _login


def measure_write(counts: dict[str, int], name: str, call):  # noqa: ANN001, ANN201
    """Run one write, keep its query count under `name` and return its result (the write budget
    tests). QLVB_DUMP_WRITE_QUERIES=dir also writes its SQL there, to see where the queries go."""
    from pathlib import Path

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        result = call()
    counts[name] = len(ctx.captured_queries)
    folder = os.environ.get("QLVB_DUMP_WRITE_QUERIES")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / f"{connection.vendor}-{name}.sql").write_text(
            "\n".join(q["sql"] for q in ctx.captured_queries) + "\n", encoding="utf-8")
    return result


def write_budget(budgets: dict[str, dict[str, int]], name: str) -> int:
    """A write's ceiling on this database ("" is the figure for any database not listed)."""
    from django.db import connection

    figures = budgets[name]
    return figures.get(connection.vendor, figures[""])


@pytest.fixture(autouse=True)
def _fresh_person_cache():
    """Each test has a database of its own (and SQLite gives ids again after a rollback): nothing a
    former test left in core.personcache may answer."""
    from qlvb.core import personcache

    personcache.bump()
    personcache.bump(personcache.CALENDAR)


@pytest.fixture
def local_storage(settings, tmp_path):
    """Stored files on a local disk of the test's own (tmp_path/media), whatever the settings say."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "media")}}}


@pytest.fixture(autouse=True)
def _interface_language():
    """The test client runs requests in the test's own thread, and the locale middleware leaves the
    language it chose active there: a test that chose English would leave English to the next test
    on the same worker. Each test starts in the installation's language."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
