"""The REST API against its own OpenAPI schema (schemathesis): every operation, with data the
schema allows (positive) and data it refuses (negative), as a signed-in token user of a small
province (two agencies, registered documents). It fails on any server error (5xx) and on any
answer the schema does not describe: an undocumented status code, content type or body.

Bounded and reproducible: a fixed seed (Hypothesis' derandomize) and QLVB_FUZZ_EXAMPLES examples
per operation and mode (default 8; `make apifuzz` runs it alone). The counts are printed."""

from __future__ import annotations

import os
from collections import Counter
from datetime import timedelta

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from qlvb.accounts.services import create_api_token
from qlvb.chat import services as chat
from qlvb.core.actor import Actor
from qlvb.incoming import services as incoming
from qlvb.incoming.tests.conftest import fields, pdf_upload
from qlvb.meetings import services as meetings
from qlvb.registers.models import Register
from qlvb.registers.services import default_register, ensure_default_registers
from qlvb.tasks import services as tasks

EXAMPLES = int(os.environ.get("QLVB_FUZZ_EXAMPLES", "8"))
KNOWN_IDS = [1, 2, 3, 4]  # the province's first rows of every table (agencies, units, documents…)
CHECKS = [schemathesis.checks.not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.fixture
def province(org, other_org, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "media")}}}
    for agency_org in (org, other_org):
        ensure_default_registers(agency_org.agency)
        for n, secrecy in enumerate(["", "", "mat"]):
            register = default_register(agency=agency_org.agency, direction=Register.Direction.INCOMING,
                                        secret=bool(secrecy))
            incoming.register_document(
                by=Actor(agency_org.clerk), agency=agency_org.agency, register=register,
                fields=fields(number=str(200 + n), secrecy=secrecy), uploads=[pdf_upload(salt=f"{n}")],
                presented_to=agency_org.head)
        # A task the token's clerk owns, so its endpoints answer with a task, not only 404s.
        tasks.assign(by=Actor(agency_org.head), agency=agency_org.agency, title="Tổng hợp số liệu văn bản đến quý IV",
                     owner=tasks.Owner(person=agency_org.clerk), working_days=5, coordinators=[agency_org.specialist])
        # A meeting the clerk (of the office) sees, invited, with a conclusion: its endpoints answer with it.
        start = timezone.now() - timedelta(hours=1)
        meeting = meetings.create(by=Actor(agency_org.clerk), agency=agency_org.agency, kind="briefing",
                                  title="Giao ban tuần", starts_at=start, ends_at=start + timedelta(hours=2),
                                  chair=agency_org.head, secretary=agency_org.clerk, people=[agency_org.unit_head])
        meetings.invite(by=Actor(agency_org.clerk), meeting=meeting)
        # The clerk's unit's chat room, with a message: its endpoints answer with it.
        room = chat.unit_room(by=Actor(agency_org.clerk), unit=agency_org.office)
        chat.post(by=Actor(agency_org.clerk), room=room, body="Văn thư đã nhận đủ hồ sơ")
    return org


@pytest.fixture
def wsgi_app():
    """The application as a server runs it, but keeping the test's database connection open between
    requests (PostgreSQL: the test's transaction), as Django's test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.mark.slow
def test_the_api_answers_as_its_schema_says(province, wsgi_app, capsys):
    _token, key = create_api_token(person=province.clerk, name="schemathesis")
    auth = {"Authorization": f"Bearer {key}"}
    app = wsgi_app
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app, headers=auth)
    operations = [result.ok() for result in schema.get_all_operations()]
    cases: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    failures: dict[tuple[str, str], str] = {}
    unsatisfiable: list[str] = []

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                      phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy(generation_mode=mode), known=st.sampled_from([None, *KNOWN_IDS]))
            def run(case: schemathesis.Case, known: int | None) -> None:
                if known is not None and mode is GenerationMode.POSITIVE:  # an object of the province, not only 404s
                    for name, value in (case.path_parameters or {}).items():
                        if isinstance(value, int) and not isinstance(value, bool):
                            case.path_parameters[name] = known
                response = case.call(app=app, headers=auth)
                cases[mode.value] += 1
                statuses[response.status_code] += 1
                try:
                    case.validate_response(response, checks=CHECKS, headers=auth)
                except (Failure, FailureGroup) as error:
                    found = error.exceptions if isinstance(error, FailureGroup) else (error,)
                    for failure in found:
                        failures.setdefault((operation.label, failure.title or ""),
                                            f"{response.status_code} {case.as_curl_command(headers=auth)[:400]}")

            try:
                run()
            except Unsatisfiable:  # nothing of this operation can be made invalid (no parameters, no body)
                unsatisfiable.append(f"{operation.label} ({mode.value})")

    with capsys.disabled():
        print(f"\nschemathesis: {len(operations)} operations, {sum(cases.values())} cases {dict(cases)}, "
              f"statuses {dict(sorted(statuses.items()))}, {len(failures)} distinct failures; "
              f"no negative case for {len(unsatisfiable)}")
        for (label, title), example in sorted(failures.items()):
            print(f"  {label}: {title}\n    {example}")
    assert not failures, f"{len(failures)} distinct failures (above)"
