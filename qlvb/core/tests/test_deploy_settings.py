"""Deployment settings: `check --deploy` is clean with the production variables the README names,
HTTPS settings stay off on a local run, and every page carries the Content Security Policy and
Permissions-Policy (the policy itself is exercised in a real browser: tests/browser)."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

ROOT = Path(settings.BASE_DIR)
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "qlvb.soict.sonla.gov.vn",
    "CSRF_TRUSTED_ORIGINS": "https://qlvb.soict.sonla.gov.vn",
    "SECURE_COOKIES": "1",
    "BEHIND_PROXY": "1",
}
HTTPS_SETTINGS = ["SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_PROXY_SSL_HEADER", "SECURE_SSL_REDIRECT",
                  "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD"]


def _environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    """This process's environment without what makes the settings think they run under pytest or
    point them at another database, with a var directory of its own."""
    drop = {"TESTING", "PYTEST_XDIST_WORKER", "PYTEST_CURRENT_TEST", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL",
            "REDIS_URL", "DEBUG",
            "SECRET_KEY", "ALLOWED_HOSTS", *(name for name in os.environ if name.startswith(("SECURE_", "S3_")))}
    environment = {name: value for name, value in os.environ.items() if name not in drop}
    environment.update(QLVB_VAR_DIR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="qlvb.settings", **extra)
    return environment


def _settings(tmp_path: Path, **extra: str) -> dict[str, object]:
    names = json.dumps(HTTPS_SETTINGS)
    code = f"import json, qlvb.settings as s; print(json.dumps({{n: getattr(s, n) for n in {names}}}))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_environment(tmp_path, **extra),
                            capture_output=True, text=True, timeout=60, check=True)
    return json.loads(result.stdout)


@pytest.mark.slow
def test_check_deploy_is_clean_with_the_production_settings(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=_environment(tmp_path, **PRODUCTION), capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout and "security.W" not in result.stdout + result.stderr


@pytest.mark.slow
def test_https_settings_are_off_locally_and_all_on_behind_https(tmp_path: Path) -> None:
    local = _settings(tmp_path)
    assert local == {"SESSION_COOKIE_SECURE": False, "CSRF_COOKIE_SECURE": False, "SECURE_PROXY_SSL_HEADER": None,
                     "SECURE_SSL_REDIRECT": False, "SECURE_HSTS_SECONDS": 0, "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
                     "SECURE_HSTS_PRELOAD": False}
    production = _settings(tmp_path, **PRODUCTION)
    assert production == {"SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True,
                          "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"], "SECURE_SSL_REDIRECT": True,
                          "SECURE_HSTS_SECONDS": 365 * 24 * 3600, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
                          "SECURE_HSTS_PRELOAD": True}
    # Each can still be set on its own, e.g. a short HSTS while trying HTTPS out.
    assert _settings(tmp_path, **PRODUCTION, SECURE_HSTS_SECONDS="3600")["SECURE_HSTS_SECONDS"] == 3600


def test_pages_carry_the_content_security_policy_and_permissions_policy(db) -> None:
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    directives = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert directives["frame-ancestors"] == "'none'"
    assert directives["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert directives["style-src-elem"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["base-uri"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    policy = response["Permissions-Policy"]
    assert "camera=()" in policy and "microphone=()" in policy and "geolocation=()" in policy
    # The API's error answers carry them too.
    assert "Content-Security-Policy" in Client().get("/api/v1/")


def test_the_api_documentation_pages_get_only_what_they_need(org, login) -> None:
    client = login(org.admin)  # the documentation is for signed-in people (core/api_docs.py)
    swagger = client.get("/api/docs/")
    assert swagger.status_code == 200 and b"<script>" not in swagger.content  # the split view: no inline script
    assert "script-src 'self';" in swagger["Content-Security-Policy"] + ";"
    redoc = client.get("/api/redoc/")
    assert "script-src 'self' 'unsafe-inline'" in redoc["Content-Security-Policy"]
    page = client.get("/accounts/login/")["Content-Security-Policy"]
    assert "'unsafe-inline'" not in page.split("script-src")[1].split(";")[0]


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)


def test_no_template_has_inline_script_or_event_handler_attributes() -> None:
    """The policy refuses them: they would silently do nothing."""
    offenders = []
    for template in sorted((ROOT / "qlvb").rglob("templates/**/*.html")):
        if "/print/" in template.as_posix():  # printed books: rendered to PDF by WeasyPrint, never scripted
            continue
        text = template.read_text()
        offenders += [f"{template.relative_to(ROOT)}: {m.group(0)[:60]}" for m in INLINE_SCRIPT.finditer(text)]
        offenders += [f"{template.relative_to(ROOT)}: {m.group(0)[-60:]}" for m in EVENT_HANDLER.finditer(text)]
    assert offenders == []
