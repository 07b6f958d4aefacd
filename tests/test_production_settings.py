"""What the production environment variables make of the settings, and the documented nginx
configuration accepted by Debian's nginx."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHOW = """
import json, qlvb.settings as s
db = s.DATABASES["default"]
print(json.dumps({"pool": db.get("OPTIONS", {}).get("pool"), "max_age": db["CONN_MAX_AGE"],
                  "binding": db.get("OPTIONS", {}).get("server_side_binding"),
                  "checks": db.get("CONN_HEALTH_CHECKS"),
                  "sessions": getattr(s, "SESSION_ENGINE", None), "consumer": s.HUEY.get("consumer")}))
"""


def settings_with(tmp_path: Path, **env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_URL", "DB_", "QLVB_"))}
    result = subprocess.run([sys.executable, "-c", SHOW], cwd=ROOT, capture_output=True, text=True, check=True,
                            env={**clean, "QLVB_VAR_DIR": str(tmp_path), **env})
    return json.loads(result.stdout)


def test_db_pool_gives_each_process_a_bounded_pool_instead_of_kept_connections(tmp_path):
    url = "postgres://qlvb@db.example:5432/qlvb"
    assert settings_with(tmp_path, DATABASE_URL=url)["pool"] is None
    pooled = settings_with(tmp_path, DATABASE_URL=url, DB_POOL="1", DB_POOL_MAX_SIZE="6")
    assert pooled["pool"] == {"min_size": 1, "max_size": 6, "timeout": 10.0} and pooled["max_age"] == 0
    assert pooled["checks"] is True
    # SQLite has no pool to give.
    assert settings_with(tmp_path, DB_POOL="1")["pool"] is None


def test_postgresql_binds_parameters_on_the_server_unless_told_not_to(tmp_path):
    url = "postgres://qlvb@db.example:5432/qlvb"
    assert settings_with(tmp_path, DATABASE_URL=url)["binding"] is True
    assert settings_with(tmp_path, DATABASE_URL=url, DB_POOL="1")["binding"] is True
    assert settings_with(tmp_path, DATABASE_URL=url, DB_SERVER_SIDE_BINDING="0")["binding"] is None
    assert settings_with(tmp_path)["binding"] is None  # SQLite


def test_with_redis_sessions_are_cached_and_written_through_and_periodic_jobs_can_be_left_to_one_node(tmp_path):
    local = settings_with(tmp_path)
    assert local["sessions"] is None and local["consumer"] is None  # Django's database sessions
    shared = settings_with(tmp_path, REDIS_URL="redis://cache.example:6379/0")
    assert shared["sessions"] == "django.contrib.sessions.backends.cached_db"
    assert shared["consumer"] == {"periodic": True}
    other = settings_with(tmp_path, REDIS_URL="redis://cache.example:6379/0", QLVB_PERIODIC_JOBS="0")
    assert other["consumer"] == {"periodic": False}


def test_the_documented_nginx_configuration_is_accepted_by_nginx(tmp_path, settings):
    from django.core.management import call_command

    from tests.servers.nginx import self_signed

    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(nginx):
        pytest.fail("nginx is not installed (make system-deps installs nginx-light)")
    certificate, key = self_signed(tmp_path)
    out = tmp_path / "nginx.conf"
    with out.open("w") as stream:
        call_command("nginx_conf", "--node", "10.0.0.11:8000", "--node", "10.0.0.12:8000", "--server-name",
                     "qlvb.example.gov.vn", "--certificate", str(certificate), "--certificate-key", str(key),
                     "--prefix", str(tmp_path), "--user", "root" if os.geteuid() == 0 else "nobody",
                     "--http-listen", "127.0.0.1:80", "--https-listen", "127.0.0.1:443", stdout=stream)
    text = out.read_text()
    body = text.split("\nuser ", 1)[1]
    assert "{{" not in body and "server 10.0.0.12:8000 max_fails=1" in body
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in body
    result = subprocess.run([nginx, "-t", "-c", str(out), "-p", str(tmp_path), "-e", str(tmp_path / "error.log")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
