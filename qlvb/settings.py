"""Settings for every environment, read from environment variables.

Defaults give a working local installation (SQLite, files on disk, jobs in SQLite) with
nothing else to install; production sets DATABASE_URL, REDIS_URL, the S3 variables,
SECRET_KEY and ALLOWED_HOSTS.
"""

from __future__ import annotations

import base64
import os
import secrets
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("QLVB_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# pytest-xdist's workers run as `python -c …`: their argv does not say pytest, their environment does.
TESTING = env_bool("TESTING") or "pytest" in Path(sys.argv[0]).name or bool(os.environ.get("PYTEST_XDIST_WORKER"))


def _local_secret_key(name: str = "secret_key", make: Callable[[], str] = lambda: secrets.token_urlsafe(64)) -> str:
    # A key generated once per installation and kept beside the data, so sessions survive
    # restarts without anyone ever committing or sharing a key.
    # Written whole under a name of its own, then linked in place: processes starting at once
    # (test workers, server workers) never read a half-written key and all end up with one key.
    path = VAR_DIR / name
    if not path.exists():
        partial = path.with_name(f".{name}.{os.getpid()}")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(make())
        try:
            os.link(partial, path)
        except FileExistsError:
            pass
        finally:
            partial.unlink()
    return path.read_text().strip()


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _new_vapid_key() -> str:
    from cryptography.hazmat.primitives.asymmetric import ec

    return _b64url(ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value.to_bytes(32, "big"))


def _vapid_public_key(private: str) -> str:
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    scalar = int.from_bytes(base64.urlsafe_b64decode(private + "=" * (-len(private) % 4)), "big")
    public = ec.derive_private_key(scalar, ec.SECP256R1()).public_key()
    return _b64url(public.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint))


SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret_key()
# The key that signs every event and the checkpoints of the event chains (core.anchors). The
# database never holds it: whoever can write the database cannot forge an event's signature.
QLVB_EVENT_KEY = os.environ.get("QLVB_EVENT_KEY") or _local_secret_key("event_key")
QLVB_EVENT_KEY_FALLBACKS = env_list("QLVB_EVENT_KEY_FALLBACKS")  # former keys, still accepted by the verifier
# Where the signed checkpoints of the chains' heads are appended (outside the database).
# Tests get a folder of their own: the checkpoints of a `make run` beside them name other chains.
QLVB_CHECKPOINT_DIR = Path(os.environ.get("QLVB_CHECKPOINT_DIR")
                           or VAR_DIR / (f"checkpoints-test-{os.getpid()}" if TESTING else "checkpoints"))
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Daphne first: its runserver serves the chat's WebSockets beside the pages (qlvb.asgi).
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "csp",
    "huey.contrib.djhuey",
    "channels",
    "qlvb.core",
    # Loaded early only so that its generic health checks come first on the health page.
    "qlvb.ops",
    "qlvb.org",
    "qlvb.accounts",
    "qlvb.files",
    "qlvb.registers",
    "qlvb.dossiers",
    "qlvb.incoming",
    "qlvb.signatures",
    "qlvb.outgoing",
    "qlvb.exchange",
    "qlvb.digitisation",
    "qlvb.search",
    "qlvb.portal",
    "qlvb.recycle",
    "qlvb.administration",
    "qlvb.backups",
    "qlvb.notifications",
    "qlvb.schedules",
    "qlvb.tasks",
    "qlvb.meetings",
    "qlvb.programmes",
    "qlvb.reports",
    "qlvb.notices",
    "qlvb.leave",
    "qlvb.handover",
    "qlvb.disclosures",
    "qlvb.consultations",
    "qlvb.messages",
    "qlvb.chat",
    "qlvb.statistics",
    "qlvb.itstaff",
    "qlvb.verify",
]

# Covering indexes (INCLUDE) are PostgreSQL's; SQLite builds the same index on its key columns,
# which is what the statistics on SQLite need (statistics.Item).
SILENCED_SYSTEM_CHECKS = ["models.W040"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "qlvb.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "qlvb.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "qlvb.core.locale.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "qlvb.accounts.middleware.SessionGuardMiddleware",
    "qlvb.org.middleware.ActingAsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "qlvb.urls"
WSGI_APPLICATION = "qlvb.wsgi.application"
ASGI_APPLICATION = "qlvb.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "qlvb" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qlvb.org.context_processors.navigation",
                "qlvb.incoming.context_processors.incoming_counts",
                "qlvb.outgoing.context_processors.outgoing_counts",
                "qlvb.core.keptpages.csrf_context",  # last: it replaces Django's csrf_token while a page is kept
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'qlvb.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while a clerk writes; IMMEDIATE transactions take the write lock
    # up front so two clerks numbering at once queue instead of failing with "locked".
    # A connection kept between requests (DB_CONN_MAX_AGE, as on PostgreSQL) keeps its parsed
    # schema and page cache; memory-mapped reads skip a copy per page. At a million documents a
    # fresh connection per request cost a quarter of a list page's time (bench/profile_page.py).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": ("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                         "PRAGMA mmap_size=1073741824; PRAGMA cache_size=-32000;"),
    }
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get("SQLITE_TEST_NAME") or None
elif env_bool("DB_POOL"):
    # psycopg's pool in each server process (bench/pool_bench.py measures what it changes): connections
    # opened ahead, checked before use and shared by a process's threads, at most DB_POOL_MAX_SIZE
    # each; with many nodes, nodes × processes × DB_POOL_MAX_SIZE must stay under PostgreSQL's
    # max_connections. The pool keeps the connections, so CONN_MAX_AGE must be 0 (Django refuses both).
    # A connection is checked as it leaves the pool (one empty round trip), so one cut by a database
    # restart or failover is replaced instead of failing a request.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(os.environ.get("DB_POOL_MIN_SIZE", "1")),
        "max_size": int(os.environ.get("DB_POOL_MAX_SIZE", "4")),
        "timeout": float(os.environ.get("DB_POOL_TIMEOUT", "10")),
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("DB_SERVER_SIDE_BINDING", True):
    # Parameters sent apart from the statement, and what a connection runs for the fifth time
    # prepared by psycopg (prepare_threshold): PostgreSQL parses and plans each statement that every
    # registration and page makes once per connection instead of every time, and no literals are
    # written into the SQL in Python. Eight clerks registering at once: the database's CPU per
    # registration 7 → 4 ms, 98 → 134 registrations/s (docs/benchmarks.md). DB_SERVER_SIDE_BINDING=0
    # behind a PgBouncer older than 1.21 in transaction mode, which cannot keep prepared statements.
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, jobs --------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    # core.rediscache: Django's, with one client per pool (its docstring says why).
    CACHES = {"default": {"BACKEND": "qlvb.core.rediscache.RedisCache", "LOCATION": REDIS_URL}}
    # Whole pages kept for their person (core.keptpages), a minute at most each.
    CACHES["pages"] = {**CACHES["default"], "KEY_PREFIX": "pages", "TIMEOUT": 60}
    # Every node's worker takes jobs from the one queue. Periodic jobs (nightly sweeps, morning
    # reminders…) are enqueued by the worker that schedules them: QLVB_PERIODIC_JOBS=0 on every node
    # but one, or each would run them once more.
    HUEY = {"huey_class": "huey.RedisHuey", "name": "qlvb", "url": REDIS_URL, "immediate": False,
            "consumer": {"periodic": env_bool("QLVB_PERIODIC_JOBS", True)}}
    # Sessions read from Redis (no query per request) and written through to the database, so a
    # Redis restart or eviction signs nobody out; a session ended elsewhere (accounts) is removed
    # from both. The pure cache engine would lose every session with Redis' memory.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# The chat's live delivery (qlvb.chat.live): one process's memory by default; Redis with several
# processes or nodes, so that a message posted on one reaches the sockets held by the others.
CHANNEL_LAYERS: dict[str, dict[str, Any]] = (
    {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [REDIS_URL]}}}
    if REDIS_URL else {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}})
if not REDIS_URL:
    # Room for what pages keep for each person between requests (core.personcache): at the
    # default 300 entries, an agency's morning would keep evicting them.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                          "OPTIONS": {"MAX_ENTRIES": 20000}}}
    # Whole pages kept for their person (core.keptpages), apart: a page weighs 10–100 kB, so each
    # worker keeps at most a few hundred (some 30 MB) whatever else it keeps.
    CACHES["pages"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages",
                       "TIMEOUT": 60, "OPTIONS": {"MAX_ENTRIES": 300}}
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "qlvb",
        # Tests get a queue file of their own (one per pytest-xdist worker): jobs they enqueue must
        # neither reach the worker of a `make run` in the same checkout nor lock another worker out.
        "filename": str(VAR_DIR / (f"jobs-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.sqlite3" if TESTING
                                   else "jobs.sqlite3")),
        "immediate": env_bool("HUEY_IMMEDIATE", False),
    }

# Where what pages keep per person learns that something changed, without Redis (core.personcache).
# Each pytest-xdist worker has its own: another worker's events would empty this one's kept values
# in the middle of a test that counts queries.
QLVB_PERSON_STAMP_FILE = VAR_DIR / (f"person-stamp-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}" if TESTING
                                    else "person-stamp")
# The most read pages kept whole for their person until the next event (core.keptpages).
QLVB_KEEP_PAGES = env_bool("QLVB_KEEP_PAGES", True)

# --- Files --------------------------------------------------------------------------------
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "files"))
MEDIA_URL = "/media/"
# What an administrator deletes waits this many days in the bin, restorable, before the nightly
# job deletes it for good (core.bin).
QLVB_BIN_DAYS = int(os.environ.get("QLVB_BIN_DAYS", "30"))
# The Department overseeing IT (Sở TT&TT, seed 004 Đ9) by agency id; 0: none (the demo names it).
QLVB_ITSTAFF_DEPARTMENT_AGENCY = int(os.environ.get("QLVB_ITSTAFF_DEPARTMENT_AGENCY", "0"))
QLVB_MAX_UPLOAD_BYTES = int(os.environ.get("QLVB_MAX_UPLOAD_BYTES", str(50 * 1024 * 1024)))
# The accounts of the provincial committee's task software (UBND tỉnh): their API tokens may assign
# tasks to the agencies of this installation (qlvb.tasks, POST /api/v1/tasks/provincial/).
QLVB_PROVINCIAL_TASK_ACCOUNTS = env_list("QLVB_PROVINCIAL_TASK_ACCOUNTS")
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "qlvb" / "static"]
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
if os.environ.get("S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["S3_BUCKET"],
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID"),
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY"),
            "region_name": os.environ.get("S3_REGION") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
if TESTING:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = True

# --- Backups (qlvb.backups) ---------------------------------------------------------------
# Each backup is a folder inside QLVB_BACKUP_DIR: the database, the stored files, the checkpoints
# of the event log and the keys (encrypted with QLVB_BACKUP_PASSPHRASE, which the administrator
# keeps elsewhere: without it the keys, and so the stored signing keys, cannot be read back).
QLVB_BACKUP_DIR = Path(os.environ.get("QLVB_BACKUP_DIR") or VAR_DIR / "backups")
QLVB_BACKUP_PASSPHRASE = os.environ.get("QLVB_BACKUP_PASSPHRASE", "")
# The job worker takes one backup a night at this time; on QLVB_BACKUP_WEEKLY_DAY (0 = Monday,
# 6 = Sunday) it is the weekly one. The newest verified backups of each kind are kept.
QLVB_BACKUP_AT = os.environ.get("QLVB_BACKUP_AT", "01:30")
QLVB_BACKUP_WEEKLY_DAY = int(os.environ.get("QLVB_BACKUP_WEEKLY_DAY", "6"))
QLVB_BACKUP_DAILY_KEEP = int(os.environ.get("QLVB_BACKUP_DAILY_KEEP", "7"))
QLVB_BACKUP_WEEKLY_KEEP = int(os.environ.get("QLVB_BACKUP_WEEKLY_KEEP", "4"))

# --- Auth ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "org.Person"
AUTHENTICATION_BACKENDS = ["qlvb.accounts.backends.PersonBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
# The first stores new passwords; the others read what earlier versions stored (accounts.hashers).
PASSWORD_HASHERS = ["qlvb.accounts.hashers.Argon2idHasher", "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "qlvb.accounts.passwords.LengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "qlvb.accounts.passwords.CharacterClassValidator"},
    {"NAME": "qlvb.accounts.passwords.NotPersonalValidator"},
    {"NAME": "qlvb.accounts.passwords.NotCommonValidator"},
]
# Keys that encrypt stored PKCS#12 files and passphrases; derived from SECRET_KEY when unset.
QLVB_KEY_ENCRYPTION_KEY = os.environ.get("QLVB_KEY_ENCRYPTION_KEY", "")
QLVB_KEY_ENCRYPTION_KEY_FALLBACKS = env_list("QLVB_KEY_ENCRYPTION_KEY_FALLBACKS")
# Native PKCS#11 modules the server may load (tokens, HSMs).
QLVB_PKCS11_MODULES = env_list(
    "QLVB_PKCS11_MODULES", "/usr/lib/softhsm/libsofthsm2.so,/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so")
# Certificate revocation (docs/signing.md "Trust and revocation"): fetch the CRLs and OCSP answers a
# certificate names, each request given up after QLVB_REVOCATION_TIMEOUT seconds. An installation
# without Internet access sets QLVB_REVOCATION_FETCH=0 (reports then say "not checked").
QLVB_REVOCATION_FETCH = env_bool("QLVB_REVOCATION_FETCH", True)
QLVB_REVOCATION_TIMEOUT = float(os.environ.get("QLVB_REVOCATION_TIMEOUT", "3"))
# Remote signing services (qlvb/signatures/remote, docs/signing-remote.md): offered only when the
# agency's integration account is set; the client id and secret come from VNPT / Viettel.
QLVB_SMARTCA = {
    "base_url": os.environ.get("QLVB_SMARTCA_URL") or "https://gwsca.vnpt.vn/sca/sp769",
    "client_id": os.environ["QLVB_SMARTCA_CLIENT_ID"],
    "client_secret": os.environ.get("QLVB_SMARTCA_CLIENT_SECRET", ""),
} if os.environ.get("QLVB_SMARTCA_CLIENT_ID") else {}
QLVB_MYSIGN = {
    "base_url": os.environ.get("QLVB_MYSIGN_URL") or "https://remotesigning.viettel.vn",
    "client_id": os.environ["QLVB_MYSIGN_CLIENT_ID"],
    "client_secret": os.environ.get("QLVB_MYSIGN_CLIENT_SECRET", ""),
    "profile_id": os.environ.get("QLVB_MYSIGN_PROFILE_ID") or "adss:ras:profile:001",
} if os.environ.get("QLVB_MYSIGN_CLIENT_ID") else {}
# Deferred signing (docs/signing.md): how long a signing session waits for its signature, and
# the remote signing services offered (absent: not offered).
QLVB_SIGNING_SESSION_MINUTES = int(os.environ.get("QLVB_SIGNING_SESSION_MINUTES", "5"))
# USB tokens of the Government Cipher Committee through its signing plugin on the person's computer
# (docs/signing-vgca.md): offered unless turned off; where the plugin listens; how long issuing waits.
QLVB_VGCA_ENABLED = env_bool("QLVB_VGCA_ENABLED", True)
QLVB_VGCA_URL = os.environ.get("QLVB_VGCA_URL", "wss://127.0.0.1:8987")
QLVB_VGCA_SESSION_HOURS = int(os.environ.get("QLVB_VGCA_SESSION_HOURS", "24"))
QLVB_CSC: dict[str, Any] = ({"base_url": os.environ["QLVB_CSC_URL"], "token": os.environ.get("QLVB_CSC_TOKEN", ""),
                             "timeout": float(os.environ.get("QLVB_CSC_TIMEOUT", "20"))}
                            if os.environ.get("QLVB_CSC_URL") else {})
# Sign-in throttling (accounts.services): failures are counted per username AND source address;
# from the second on, each makes the next attempt from that pair wait twice as long (1, 2, 4 s), the
# QLVB_MAX_FAILED_LOGINS-th blocks the pair for QLVB_LOGIN_LOCK_MINUTES (doubling on each new
# block, at most a day). An address failing QLVB_LOGIN_ADDRESS_CAP times within
# QLVB_LOGIN_ADDRESS_WINDOW_MINUTES, whatever the usernames, is answered 429 for that long.
QLVB_MAX_FAILED_LOGINS = int(os.environ.get("QLVB_MAX_FAILED_LOGINS", "5"))
QLVB_LOGIN_LOCK_MINUTES = int(os.environ.get("QLVB_LOGIN_LOCK_MINUTES", "15"))
QLVB_LOGIN_ADDRESS_CAP = int(os.environ.get("QLVB_LOGIN_ADDRESS_CAP", "30"))
QLVB_LOGIN_ADDRESS_WINDOW_MINUTES = int(os.environ.get("QLVB_LOGIN_ADDRESS_WINDOW_MINUTES", "15"))
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_COOKIE_HTTPONLY = True

# --- HTTPS and browser security headers -------------------------------------------------
# SECURE_COOKIES=1 says the site is served over HTTPS: secure cookies, HSTS and the redirect of
# plain HTTP follow (each may still be set on its own). BEHIND_PROXY=1 trusts the proxy's
# X-Forwarded-Proto: set it only when a proxy that overwrites that header terminates TLS.
# A local `make run` sets neither and stays on plain HTTP.
HTTPS = env_bool("SECURE_COOKIES", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY") else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
# One year (what browsers' preload lists ask); start lower (SECURE_HSTS_SECONDS=3600) while
# trying HTTPS out, since browsers remember the header for that long.
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600 if HTTPS else 0)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
# Only a consent: nothing is preloaded unless the domain's owner submits it to the list.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", HTTPS)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No page of QLVB is meant to be shown inside a frame, ours or another site's.
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp). Scripts and style sheets come from our own static files
# only: no inline <script>, no event-handler attributes, no eval (htmx runs with allowEval off,
# pdf.js with isEvalSupported off), no inline <style> elements. The one relaxation is style=""
# attributes (style-src-attr): templates set computed widths and indents with them and the
# scripts position markers through element.style; an attribute can neither run script nor, with
# img-src/font-src 'self', load anything from elsewhere, and Django escapes what it puts there.
# Pages that need more say so with csp_update/csp_replace (the API documentation, qlvb/urls.py).
CONTENT_SECURITY_POLICY: dict[str, Any] = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-elem": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        # data: for Bootstrap's SVG icons in its CSS (select arrows, toggler), blob: for drawn pages.
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Browser features no page uses, refused to every origin (qlvb.core.middleware).
PERMISSIONS_POLICY = {
    "accelerometer": [], "camera": [], "geolocation": [], "gyroscope": [], "magnetometer": [],
    "microphone": [], "payment": [], "usb": [], "serial": [], "hid": [],
    "midi": [], "display-capture": [], "screen-wake-lock": [], "xr-spatial-tracking": [],
    "fullscreen": ["self"],
}
# How many proxies of ours append to X-Forwarded-For before Django: the client's address (what sign-in
# throttling and the event log key on) is the entry that many from the right; 0 trusts REMOTE_ADDR.
QLVB_PROXY_HOPS = int(os.environ.get("QLVB_PROXY_HOPS", "1" if env_bool("BEHIND_PROXY") else "0"))

# --- Health and metrics (qlvb.ops; README "Health and metrics") --------------------------
# The monitoring token: /metrics and the details of /health/ ask for it as a Bearer token. Unset,
# /metrics answers only callers on this machine that do not come through a proxy.
QLVB_METRICS_TOKEN = os.environ.get("QLVB_METRICS_TOKEN", "")
# The job worker beats every minute; silent for longer than this, the `worker` check fails.
QLVB_WORKER_STALE_SECONDS = int(os.environ.get("QLVB_WORKER_STALE_SECONDS", "180"))
QLVB_MIN_FREE_DISK_MB = int(os.environ.get("QLVB_MIN_FREE_DISK_MB", "2048"))
QLVB_JOB_QUEUE_WARN = int(os.environ.get("QLVB_JOB_QUEUE_WARN", "1000"))
# A package still unsent after this long (its peer down, the worker stopped) turns the check to a warning.
QLVB_OUTBOX_LATE_MINUTES = int(os.environ.get("QLVB_OUTBOX_LATE_MINUTES", "60"))
# /health/ and /metrics reuse a process's last results for this long (each round writes to the storage).
QLVB_HEALTH_CACHE_SECONDS = float(os.environ.get("QLVB_HEALTH_CACHE_SECONDS", "5"))
# Load balancers probe over plain HTTP even where the site redirects to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]

# --- Language and time --------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- E-mail -------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
if os.environ.get("EMAIL_URL"):
    from urllib.parse import unquote, urlparse

    _mail = urlparse(os.environ["EMAIL_URL"])
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _mail.hostname or "localhost"
    EMAIL_PORT = _mail.port or 25
    EMAIL_HOST_USER = unquote(_mail.username or "")
    EMAIL_HOST_PASSWORD = unquote(_mail.password or "")
    EMAIL_USE_TLS = _mail.scheme == "smtp+tls"
    EMAIL_USE_SSL = _mail.scheme == "smtps"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "qlvb@localhost")
# The address people reach QLVB at: the links of the e-mails (a job has no request to ask).
QLVB_SITE_URL = os.environ.get("QLVB_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The public verification page (qlvb.verify, docs/verification.md): look-ups and uploaded files to
# compare allowed from one address (one person, signed in) per window.
QLVB_VERIFY_LOOKUPS = int(os.environ.get("QLVB_VERIFY_LOOKUPS", "30"))
QLVB_VERIFY_UPLOADS = int(os.environ.get("QLVB_VERIFY_UPLOADS", "10"))
QLVB_VERIFY_WINDOW_MINUTES = int(os.environ.get("QLVB_VERIFY_WINDOW_MINUTES", "10"))
# Reminders (notifications.reminders): "due soon" is a deadline within this many working days;
# outside these local working hours (and on days off) only urgent documents are reminded; the
# morning digest e-mail goes out at QLVB_DIGEST_AT (local time) on working days.
QLVB_REMIND_DUE_DAYS = int(os.environ.get("QLVB_REMIND_DUE_DAYS", "2"))
QLVB_WORKING_HOURS = os.environ.get("QLVB_WORKING_HOURS", "07:00-17:30")
QLVB_DIGEST_AT = os.environ.get("QLVB_DIGEST_AT", "07:30")

# --- Web Push (notifications.push) --------------------------------------------------------
# The VAPID key pair that signs every push (RFC 8292): the private key as base64url of its 32 raw
# bytes, the public one (what browsers subscribe with, applicationServerKey) as base64url of the
# uncompressed point, derived when not given. Unset, a key is generated once and kept in the var
# directory like the secret key. Changing it orphans every subscription (browsers subscribe again).
QLVB_VAPID_PRIVATE_KEY = os.environ.get("QLVB_VAPID_PRIVATE_KEY") or _local_secret_key("vapid_private_key",
                                                                                      make=_new_vapid_key)
QLVB_VAPID_PUBLIC_KEY = os.environ.get("QLVB_VAPID_PUBLIC_KEY") or _vapid_public_key(QLVB_VAPID_PRIVATE_KEY)
# Who the push services may contact about our pushes (a mailto: or https: address).
QLVB_VAPID_SUBJECT = os.environ.get("QLVB_VAPID_SUBJECT") or f"mailto:{DEFAULT_FROM_EMAIL}"
# The push services a browser's subscription may name (the host or a sub-domain of it): the
# server posts to that address, so it must not be any host a signed-in person chooses (a host
# resolving to an internal address would let them make the server call inside the network).
QLVB_PUSH_SERVICE_HOSTS = [h.strip().lower() for h in os.environ.get(
    "QLVB_PUSH_SERVICE_HOSTS",
    "fcm.googleapis.com,push.services.mozilla.com,push.apple.com,notify.windows.com").split(",") if h.strip()]

# --- REST API -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "qlvb.accounts.api_auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "qlvb.core.schema.ApiSchema",
    "DEFAULT_PAGINATION_CLASS": "qlvb.core.paging.ApiPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "QLVB API",
    "DESCRIPTION": "Hệ thống Quản lý văn bản và điều hành — REST API",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
SPECTACULAR_SETTINGS.update({
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
})
