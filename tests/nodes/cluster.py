"""A production set-up on loopback, started by the test: one PostgreSQL, one Redis, one S3 store
(SeaweedFS), application nodes (gunicorn with 2 workers, and a job worker each) sharing them and
nothing else (each its own var folder), and nginx in front with the documented configuration."""

from __future__ import annotations

import contextlib
import io
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import requests

from tests.servers.nginx import Proxy, nginx
from tests.servers.postgres import PostgresServer, postgres
from tests.servers.redis import RedisServer, redis_server
from tests.servers.seaweedfs import S3Server, free_port, seaweedfs

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Mật-khẩu-Tốt-2026!"
CLERKS = ("stttt.vt", "stttt.vt2")

# A minimal province through the services: one agency, its people, its registers, a second clerk.
SETUP = f"""
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth import get_user_model
from conftest import build_org, make_person
from qlvb.core.actor import Actor
from qlvb.org import services
from qlvb.registers.services import ensure_default_registers
root = get_user_model().objects.create_superuser("root", "{PASSWORD}", full_name="Quản trị",
                                                 must_change_password=False)
org = build_org(root, "000.00.15.H51", "STTTT", "Sở Thông tin và Truyền thông tỉnh Sơn La")
ensure_default_registers(org.agency)
second = make_person(org.agency, "{CLERKS[1]}", "Lường Thị Hoa")
services.assign_post(by=Actor(root), person=second, unit=org.office, position=org.positions["vt"])
"""


def _clean_environ() -> dict[str, str]:
    # Nothing of the test process's own configuration leaks into the nodes (pytest-xdist's worker
    # name would make them think they are tests; a DATABASE_URL would point them elsewhere).
    drop = ("PYTEST", "DJANGO_", "DATABASE_URL", "REDIS_URL", "S3_", "QLVB_", "TESTING", "HUEY_", "SQLITE_",
            "SECRET_KEY", "MEDIA_ROOT", "DB_")
    return {k: v for k, v in os.environ.items() if not k.startswith(drop)}


@dataclass
class Node:
    name: str
    folder: Path
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    web: subprocess.Popen[bytes] | None = None
    worker: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.address}"

    def _spawn(self, args: list[str], log: str) -> subprocess.Popen[bytes]:
        out = open(self.folder / log, "ab")  # noqa: SIM115  (the child holds it; closed with the test's tmp)
        try:
            return subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        finally:
            out.close()

    def start_web(self) -> None:
        # As `make serve` runs it: the application loaded once, then the workers forked. Each node's
        # control socket in its own folder (gunicorn's default, ~/.gunicorn, would be one for all).
        self.web = self._spawn([sys.executable, "-m", "gunicorn", "qlvb.wsgi:application", "--bind", self.address,
                                "--workers", "2", "--preload", "--timeout", "60", "--graceful-timeout", "5",
                                "--control-socket", str(self.folder / "gunicorn.ctl")], "web.log")

    def wait_web(self, timeout: float = 90) -> None:
        assert self.web is not None
        deadline = time.monotonic() + timeout
        while True:
            try:
                requests.get(self.url + "/accounts/login/", timeout=5, headers={"X-Forwarded-Proto": "https"})
                return
            except requests.RequestException:
                if self.web.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"node {self.name} did not start:\n{self.log('web.log')}") from None
                time.sleep(0.2)

    def start_worker(self) -> None:
        self.worker = self._spawn([sys.executable, "manage.py", "run_huey", "--workers", "2"], "worker.log")

    def stop_worker(self) -> None:
        _stop(self.worker, signal.SIGKILL)
        self.worker = None

    def freeze_web(self) -> None:
        """SIGSTOP: the node still accepts connections (the kernel queues them) but answers none, so
        the requests the proxy sends it from now on are in flight when it is killed."""
        assert self.web is not None
        os.killpg(self.web.pid, signal.SIGSTOP)

    def kill_web(self) -> None:
        """SIGKILL to gunicorn's master and workers at once: a machine that dies."""
        _stop(self.web, signal.SIGKILL)
        self.web = None

    def stop(self) -> None:
        # Nothing to keep at the end of a test: no graceful shutdown to wait for.
        _stop(self.web, signal.SIGKILL)
        _stop(self.worker, signal.SIGKILL)

    def log(self, name: str, *, tail: int | None = 4000) -> str:
        path = self.folder / name
        text = path.read_text(errors="replace") if path.exists() else ""
        return text[-tail:] if tail else text


def _stop(process: subprocess.Popen[bytes] | None, sig: signal.Signals) -> None:
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@dataclass
class Cluster:
    pg: PostgresServer
    redis: RedisServer
    s3: S3Server
    nodes: list[Node]
    proxy: Proxy
    database_url: str

    def browser(self) -> Browser:
        return Browser(self.proxy.certificate)

    def sql(self, query: str, *params: Any) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.database_url.replace("postgres://", "postgresql://"), autocommit=True) as db:
            return db.execute(query, params).fetchall()


def manage(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)[:60]} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result.stdout


@contextlib.contextmanager
def cluster(folder: Path, *, nodes: int = 2) -> Iterator[Cluster]:
    with contextlib.ExitStack() as stack:
        pg = stack.enter_context(postgres())
        redis = stack.enter_context(redis_server(folder / "redis"))
        s3 = stack.enter_context(seaweedfs(folder / "s3"))
        database_url = pg.create_database("qlvb")
        shared = {**_clean_environ(), "DATABASE_URL": database_url, "REDIS_URL": redis.url, **s3.environ(),
                  "SECRET_KEY": "two-nodes-" + "k" * 50, "QLVB_EVENT_KEY": "two-nodes-events-" + "e" * 40,
                  "QLVB_KEY_ENCRYPTION_KEY": "two-nodes-keys-" + "s" * 40, "ALLOWED_HOSTS": "127.0.0.1,localhost",
                  "SECURE_COOKIES": "1", "BEHIND_PROXY": "1", "QLVB_PROXY_HOPS": "1", "DEBUG": "0",
                  "LOG_LEVEL": "WARNING", "PYTHONDONTWRITEBYTECODE": "1"}
        members = []
        for index, name in enumerate(("a", "b", "c", "d")[:nodes]):
            node_folder = folder / f"node-{name}"
            node_folder.mkdir(parents=True)
            # Both ways of holding connections are run: psycopg's pool on node A, persistent
            # connections on the others; periodic jobs are scheduled by node A's worker only.
            own = {"DB_POOL": "1"} if index == 0 else {"QLVB_PERIODIC_JOBS": "0"}
            members.append(Node(name=name, folder=node_folder,
                                env={**shared, **own, "QLVB_VAR_DIR": str(node_folder)}))
        manage(members[0].env, "shell", "-c", textwrap.dedent(SETUP))  # migrate once, then the province
        for node in members:
            stack.callback(node.stop)
            node.start_web()
            node.start_worker()
        for node in members:
            node.wait_web()
        proxy = stack.enter_context(nginx(folder / "nginx", nodes=[node.address for node in members]))
        yield Cluster(pg=pg, redis=redis, s3=s3, nodes=members, proxy=proxy, database_url=database_url)


# --- A browser, for the proxy (HTTPS) or one node directly (as the proxy would call it) ------------

_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """Cookies kept by hand: the session cookie is Secure, and a node is called directly over plain
    HTTP (with the headers nginx adds), where a cookie jar would withhold it."""

    def __init__(self, certificate: Path | None = None) -> None:
        self.verify = str(certificate) if certificate else True
        self.cookies: dict[str, str] = {}
        self.http = requests.Session()
        self.http.trust_env = False  # never through a proxy from the environment

    def request(self, method: str, base: str, path: str, **kwargs: Any) -> requests.Response:
        host = base.split("://", 1)[1]
        headers = {"Referer": f"https://{host}/", **kwargs.pop("headers", {})}
        if base.startswith("http://"):  # straight to a node: what nginx would add
            headers.update({"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = self.http.request(method, base + path, headers=headers, verify=self.verify, allow_redirects=False,
                                     timeout=kwargs.pop("timeout", 60), **kwargs)
        for value in response.raw.headers.getlist("Set-Cookie"):
            for name, morsel in SimpleCookie(value).items():
                if morsel.value:
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return response

    def get(self, base: str, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", base, path, **kwargs)

    def post(self, base: str, path: str, data: dict[str, Any], **kwargs: Any) -> requests.Response:
        return self.request("POST", base, path, data={**data, "csrfmiddlewaretoken": self.cookies["csrftoken"]},
                            **kwargs)

    def sign_in(self, base: str, username: str) -> None:
        page = self.get(base, "/accounts/login/")
        assert page.status_code == 200, page.status_code
        token = _CSRF_INPUT.search(page.text)
        assert token is not None
        response = self.request("POST", base, "/accounts/login/", data={
            "username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)})
        assert response.status_code == 302, response.text[:1000]


def text_pdf(label: str) -> bytes:
    """A small born-digital PDF (a text layer: read without OCR), different for every label."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 6, f"Quyet dinh {label}\nVe viec ban hanh Quy che lam viec.")
    return bytes(pdf.output())


def register_form(number: str) -> dict[str, str]:
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    now = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))
    return {"received_at": now.strftime("%d/%m/%Y %H:%M"), "source": "paper",
            "issuer_name": "Ủy ban nhân dân tỉnh Sơn La", "number": number, "notation": "QĐ-UBND",
            "document_date": (now - timedelta(days=1)).strftime("%d/%m/%Y"), "doc_type": "QĐ",
            "summary": "Quyết định ban hành quy chế làm việc của Ủy ban nhân dân tỉnh", "do_register": "1"}


def register(browser: Browser, base: str, number: str, pdf: bytes) -> requests.Response:
    return browser.post(base, "/incoming/register/", register_form(number),
                        files={"uploads": (f"qd-{number}.pdf", io.BytesIO(pdf), "application/pdf")})
