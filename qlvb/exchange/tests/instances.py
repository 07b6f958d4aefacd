"""Separate QLVB installations for tests and the bench: each its own var dir (SQLite database,
files, secret key), its own server process on a loopback port. One migrated template database
(with Sở TT&TT and UBND tỉnh, their people and the demo PKI) is copied for each."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SENDER_CODE = "000.00.15.H51"
RECEIVER_CODE = "000.00.00.H51"

TEMPLATE_SETUP = f"""
from django.contrib.auth import get_user_model
from conftest import build_org
from qlvb.signatures.demo import create_demo_pki_for
from qlvb.registers.services import ensure_default_registers
root = get_user_model().objects.create_superuser("root", "Mật-khẩu-Tốt-2026!", full_name="Quản trị",
                                                 must_change_password=False)
for code, abbr, name in [("{SENDER_CODE}", "STTTT", "Sở Thông tin và Truyền thông tỉnh Sơn La"),
                         ("{RECEIVER_CODE}", "UBND", "Ủy ban nhân dân tỉnh Sơn La")]:
    org = build_org(root, code, abbr, name)
    create_demo_pki_for(org.agency)
    ensure_default_registers(org.agency)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Instance:
    def __init__(self, base: Path, name: str) -> None:
        self.dir = base / name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "PYTEST", "DJANGO_"))}
        self.env.update({"QLVB_VAR_DIR": str(self.dir), "DATABASE_URL": f"sqlite:///{self.dir / 'qlvb.sqlite3'}",
                         "MEDIA_ROOT": str(self.dir / "files"), "HUEY_IMMEDIATE": "0", "DEBUG": "0",
                         "ALLOWED_HOSTS": "127.0.0.1,localhost", "QLVB_KEY_ENCRYPTION_KEY": "",
                         "PYTHONDONTWRITEBYTECODE": "1"})

    def manage(self, *args: str, timeout: float = 300, env: dict | None = None) -> str:
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**self.env, **(env or {})},
                                capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)[:80]} failed:\n{result.stdout[-3000:]}\n"
                               f"{result.stderr[-3000:]}")
        return result.stdout

    def shell(self, code: str, timeout: float = 300) -> str:
        return self.manage("shell", "-c", textwrap.dedent(code), timeout=timeout)

    def start(self, env: dict | None = None) -> None:
        log = open(self.dir / "server.log", "ab")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "qlvb.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "1", "--threads", "4", "--timeout", "120"],
            cwd=ROOT, env={**self.env, **(env or {})}, stdout=log, stderr=log, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/accounts/login/", timeout=2).read(10)  # noqa: S310
                return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError((self.dir / "server.log").read_text()[-3000:]) from None
                time.sleep(0.3)
        raise RuntimeError("server did not start")

    def kill(self) -> None:
        """SIGKILL, as a crash would: no graceful shutdown."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None


def make_two(base: Path) -> tuple[Instance, Instance]:
    """Two installations copied from one template (both agencies, people and the demo PKI), not
    yet knowing each other."""
    template = base / "template"
    if not (template / "qlvb.sqlite3").exists():
        t = Instance(base, "template")
        t.manage("migrate", "-v0")
        t.shell(TEMPLATE_SETUP)
    a, b = Instance(base, "a"), Instance(base, "b")
    for instance in (a, b):
        for name in ("qlvb.sqlite3", "secret_key"):
            shutil.copy(template / name, instance.dir / name)
        if (template / "files").exists():
            shutil.copytree(template / "files", instance.dir / "files", dirs_exist_ok=True)
    return a, b


def make_pair(base: Path, *, sender_token: str = "token-from-sender-0123456789",
              receiver_token: str = "token-from-receiver-0123456789") -> tuple[Instance, Instance]:
    """Two installations: A holds Sở TT&TT, B holds UBND tỉnh; each knows the other as a peer."""
    a, b = make_two(base)
    peer_setup = """
from qlvb.exchange.models import Peer
from qlvb.exchange.peers import hash_token, seal
peer = Peer.objects.create(name="{name}", base_url="{url}", agency_codes="{codes}",
                           inbound_token_hash=hash_token("{inbound}"))
peer.outbound_secret = seal("{outbound}", f"exchange-peer:{{peer.pk}}")
peer.save()
"""
    a.shell(peer_setup.format(name="UBND tỉnh (cài đặt B)", url=b.url, codes=RECEIVER_CODE, inbound=receiver_token,
                              outbound=sender_token))
    b.shell(peer_setup.format(name="Sở TT&TT (cài đặt A)", url=a.url, codes=SENDER_CODE, inbound=sender_token,
                              outbound=receiver_token))
    return a, b


ISSUE = f"""
from qlvb.core import events
from qlvb.core.actor import Actor
from qlvb.files.services import store_bytes
from qlvb.org.models import Agency, Person
from qlvb.outgoing.models import Delivery, OutgoingDocument, Recipient
from qlvb.outgoing.services import _distribute
from django.db import transaction
from django.utils import timezone
import io, os
from pypdf import PdfWriter
sender = Agency.objects.get(code="{SENDER_CODE}")
receiver = Agency.objects.get(code="{RECEIVER_CODE}")
clerk = Person.objects.get(username="stttt.vt")
count = int(os.environ.get("ISSUE_COUNT", "1"))
size = int(os.environ.get("ISSUE_BYTES", "0"))
start = OutgoingDocument.objects.filter(agency=sender).count()
for n in range(start + 1, start + count + 1):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({{"/Title": f"doc {{n}}", "/Filler": os.urandom(size // 2).hex() if size else ""}})
    buffer = io.BytesIO()
    writer.write(buffer)
    with transaction.atomic():
        document = OutgoingDocument.objects.create(
            agency=sender, drafting_unit=sender.units.get(abbreviation="CNTT"), drafter=clerk,
            status=OutgoingDocument.Status.ISSUED, doc_type="CV",
            summary=f"V/v triển khai chữ ký số trong cơ quan nhà nước (lần {{n}})", signer=clerk,
            year=timezone.now().year, number=n, notation="STTTT-CNTT", issued_at=timezone.now(), issued_by=clerk,
            issued_file=store_bytes(buffer.getvalue(), name="vb.pdf"))
        Recipient.objects.create(document=document, kind="agency", agency=receiver, name=receiver.name)
        Delivery.objects.create(document=document, recipient_agency=receiver)
        _distribute(document, Actor(clerk))
        # What issuing records last; the exchange subscribes to it and queues the package.
        events.record(verb="outgoing.issued", actor=Actor(clerk), agency=sender, target=document,
                      data={{"number": n}})
print("issued", OutgoingDocument.objects.filter(agency=sender).count())
"""
