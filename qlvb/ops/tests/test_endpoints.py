"""/health/ for load balancers, /metrics for Prometheus, the health page for the installation administrator."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connections
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from qlvb.ops.tasks import heartbeat

pytestmark = pytest.mark.django_db
TOKEN = "jeton-de-surveillance-0123456789"


@pytest.fixture
def working(settings):
    settings.QLVB_MIN_FREE_DISK_MB = 0
    heartbeat.call_local()
    verified_backup()


def verified_backup() -> None:
    # A working installation has a verified backup of last night (else the backup check warns).
    from qlvb.backups.models import Backup

    now = timezone.now()
    Backup.objects.create(kind=Backup.Kind.DAILY, status=Backup.Status.VERIFIED, finished_at=now, verified_at=now)


@pytest.fixture
def token(settings):
    settings.QLVB_METRICS_TOKEN = TOKEN
    return {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}


def broken_storage(settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.MEDIA_ROOT = blocker / "files"


# --- /health/ ------------------------------------------------------------------------------

def test_anonymous_gets_the_verdict_alone(client, working):
    response = client.get("/health/")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]
    assert client.head("/health/").status_code == 200


def test_a_critical_failure_answers_503_without_saying_what(client, working, settings, tmp_path):
    broken_storage(settings, tmp_path)
    response = client.get("/health/")
    assert response.status_code == 503 and response.json() == {"status": "unavailable"}
    assert b"files" not in response.content and b"storage" not in response.content


def test_a_database_error_answers_503(client, working, token, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("the database is gone")

    monkeypatch.setattr(connections["default"], "cursor", refuse)
    assert Client().get("/health/").status_code == 503
    response = client.get("/health/", **token)
    database = next(check for check in response.json()["checks"] if check["name"] == "database")
    assert response.status_code == 503 and not database["ok"] and "the database is gone" in database["detail"]


def test_warnings_keep_the_node_in_the_load_balancer(client, working, settings, token):
    settings.QLVB_MIN_FREE_DISK_MB = 1024 ** 3
    assert client.get("/health/").json() == {"status": "ok"}
    response = client.get("/health/", **token)
    assert response.status_code == 200 and response.json()["status"] == "warning"


def test_the_token_gets_every_checks_result(client, working, token):
    response = client.get("/health/", **token)
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ok" and body["host"]
    names = [check["name"] for check in body["checks"]]
    assert {"database", "cache", "worker", "storage", "disk", "jobs", "exchange_outbox", "ocr_queue"} <= set(names)
    database = body["checks"][names.index("database")]
    assert database["ok"] and database["critical"] and database["seconds"] >= 0 and database["label"]


def test_a_wrong_token_or_no_token_setting_gets_the_verdict_alone(client, working, settings):
    assert client.get("/health/", HTTP_AUTHORIZATION="Bearer ").json() == {"status": "ok"}  # no token set
    settings.QLVB_METRICS_TOKEN = TOKEN
    assert client.get("/health/", HTTP_AUTHORIZATION="Bearer wrong").json() == {"status": "ok"}
    assert client.get("/health/", HTTP_AUTHORIZATION=TOKEN).json() == {"status": "ok"}


def test_a_signed_in_superuser_gets_the_details_and_others_do_not(login, org, root, working):
    assert "checks" in login(root).get("/health/").json()
    assert login(org.admin).get("/health/").json() == {"status": "ok"}


def test_results_are_kept_a_few_seconds_for_anonymous_callers(client, working, settings, tmp_path):
    settings.QLVB_HEALTH_CACHE_SECONDS = 60
    assert client.get("/health/").status_code == 200
    broken_storage(settings, tmp_path)
    assert client.get("/health/").status_code == 200  # the last round's answer, no new probe
    settings.QLVB_HEALTH_CACHE_SECONDS = 0
    assert client.get("/health/").status_code == 503


# --- /metrics --------------------------------------------------------------------------------

def parse(response) -> dict[str, dict[tuple, float]]:
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    families = {}
    for family in text_string_to_metric_families(response.content.decode()):
        families[family.name] = {tuple(sorted(s.labels.items())): s.value for s in family.samples}
    return families


def test_metrics_in_prometheus_format(client, working, token):
    metrics = parse(client.get("/metrics", **token))
    assert metrics["qlvb_up"] == {(): 1.0}
    assert metrics["qlvb_check_ok"][(("check", "database"), ("critical", "true"))] == 1.0
    assert metrics["qlvb_check_ok"][(("check", "worker"), ("critical", "false"))] == 1.0
    assert metrics["qlvb_check_value"][(("check", "jobs"),)] >= 0
    assert metrics["qlvb_check_value"][(("check", "disk"),)] > 0
    assert 0 <= metrics["qlvb_check_value"][(("check", "worker"),)] < 60
    assert (("check", "storage"),) in metrics["qlvb_check_duration_seconds"]


def test_metrics_show_a_failure(client, working, token, settings, tmp_path):
    broken_storage(settings, tmp_path)
    metrics = parse(client.get("/metrics", **token))
    assert metrics["qlvb_up"] == {(): 0.0}
    assert metrics["qlvb_check_ok"][(("check", "storage"), ("critical", "true"))] == 0.0


def test_metrics_need_the_token_when_one_is_set(client, working, token):
    refused = client.get("/metrics")
    assert refused.status_code == 401 and refused["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    # Not even from this machine: once a token is set, it is the one way in.
    assert Client(REMOTE_ADDR="127.0.0.1").get("/metrics").status_code == 401


def test_without_a_token_metrics_answer_only_this_machine_directly(working):
    assert Client(REMOTE_ADDR="127.0.0.1").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="::1").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="10.0.0.7").get("/metrics").status_code == 403
    # Through a proxy on the same machine every caller comes from loopback: the proxy's header tells.
    assert Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9").get("/metrics").status_code == 403
    assert Client(REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.9").get("/metrics").status_code == 403


# --- the health page ---------------------------------------------------------------------

def test_the_health_page_is_the_installation_administrators_alone(login, org, root, working, client):
    page = login(root).get("/ops/health/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-check="database"' in html and 'data-check="worker"' in html
    for person in (org.admin, org.clerk, org.head):
        assert login(person).get("/ops/health/").status_code == 404
    assert client.get("/ops/health/").status_code == 302  # anonymous: to the login page


def test_the_page_shows_a_failure_in_vietnamese(login, root, working, settings, tmp_path):
    broken_storage(settings, tmp_path)
    html = login(root).get("/ops/health/").content.decode()
    assert 'data-check="storage" data-state="failed"' in html and 'data-status="unavailable"' in html
    assert "Tình trạng hệ thống" in html and "Kho lưu tệp" in html
    assert "Một mục thiết yếu bị lỗi: máy chủ này trả lời 503 cho bộ cân bằng tải." in html


def test_the_menu_links_the_page_for_superusers_only(login, org, root):
    assert 'href="/ops/health/"' in login(root).get("/").content.decode()
    assert 'href="/ops/health/"' not in login(org.admin).get("/").content.decode()


def test_load_balancers_probe_over_plain_http_where_the_site_redirects_to_https(working, settings):
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    assert client.get("/health/").status_code == 200
    assert client.get("/ops/health/").status_code == 301
