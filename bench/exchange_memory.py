"""Peak memory of receiving one large edXML package through the exchange endpoint (issue 13, R16).

    python bench/exchange_memory.py [--mb 50] [--attachments 1]

The parent builds an unsigned package of about N MB (one or more random PDF-like attachments,
base64) into a temporary file, then runs a child process: it sets up a fresh SQLite database
(the receiving agency, a peer that does not require signatures, so the signature check still
reads the package), warms up with a small package, returns its free heap to the system
(``malloc_trim``), resets its peak RSS (``/proc/self/clear_refs``) and reads ``VmRSS``, then
POSTs the big package through Django's WSGI handler with the file as ``wsgi.input`` (as gunicorn
streams a request body) and reads the peak ``VmHWM`` (the figure ``ru_maxrss`` gives, counted
from the reset). Prints ``bench exchange.receive_*`` lines.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SENDER, RECEIVER = "000.00.00.G22", "000.00.00.H41"
TOKEN = "memory-bench-token-0123456789"


def build_package(path: Path, megabytes: float, attachments: int) -> tuple[int, int]:
    sys.path.insert(0, str(BASE_DIR))
    import datetime as dt

    from qlvb.exchange.edxml import Attachment, DocumentPackage, Organization, build_document

    raw = int(megabytes * 1024 * 1024 * 3 / 4 / attachments)
    files = tuple(Attachment(content_id=f"cid:{i}", name=f"phu-luc-{i}.pdf", mime_type="application/pdf",
                             data=b"%PDF-1.7\n" + os.urandom(raw - 9)) for i in range(1, attachments + 1))
    package = DocumentPackage(
        document_id=f"{SENDER},2026/12/01,1234/VPCP-TH", from_org=Organization(code=SENDER, name="Văn phòng Chính phủ"),
        to_orgs=(Organization(code=RECEIVER, name="UBND tỉnh Nghệ An"),), code_number="1234", code_notation="VPCP-TH",
        promulgation_date=dt.date(2026, 12, 1), document_type="CV", subject="Gói tin lớn để đo bộ nhớ",
        sent_at=dt.datetime(2026, 12, 1, 9, 0), attachments=files)
    data = build_document(package)
    path.write_bytes(data)
    return len(data), raw


CHILD = r"""
import io, json, os, sys
sys.path.insert(0, {base!r})
os.environ["DJANGO_SETTINGS_MODULE"] = "qlvb.settings"
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.core.handlers.wsgi import WSGIHandler
from qlvb.exchange.models import Peer, ReceptionItem
from qlvb.exchange.peers import hash_token
from qlvb.org.models import Agency
Agency.objects.create(code={receiver!r}, abbreviation="H41", name="UBND tỉnh Nghệ An")
Peer.objects.create(name="Trục", base_url="http://127.0.0.1:9", agency_codes={sender!r},
                    inbound_token_hash=hash_token({token!r}), require_signature=False)
handler = WSGIHandler()

def post(stream, length):
    environ = {{"REQUEST_METHOD": "POST", "PATH_INFO": "/api/v1/exchange/packages/", "SERVER_NAME": "localhost",
               "SERVER_PORT": "80", "wsgi.url_scheme": "http", "wsgi.input": stream, "CONTENT_LENGTH": str(length),
               "CONTENT_TYPE": "application/xml", "HTTP_AUTHORIZATION": "Bearer " + {token!r},
               "HTTP_HOST": "localhost", "wsgi.errors": sys.stderr}}
    status = []
    body = b"".join(handler(environ, lambda s, h, *a: status.append(s)))
    return status[0], body[:300].decode("utf-8", "replace")

small = open({small!r}, "rb").read()
warm = post(io.BytesIO(small), len(small))
import ctypes, gc
gc.collect()
# Free heap pages left resident by the migration would hide the growth (the package's buffers
# fit in them): give them back first, so the peak counts what receiving the package needs.
ctypes.CDLL("libc.so.6").malloc_trim(0)
def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
with open("/proc/self/clear_refs", "w") as f:  # resets the peak (VmHWM) to the current RSS
    f.write("5")
base = status("VmRSS")
with open({path!r}, "rb") as stream:
    answer = post(stream, os.path.getsize({path!r}))
peak = status("VmHWM")
print(json.dumps({{"base": base, "peak": peak, "answer": answer, "warm": warm,
                  "items": ReceptionItem.objects.exclude(state="invalid").count()}}))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=50)
    parser.add_argument("--attachments", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="qlvb-mem-") as tmp:
        path = Path(tmp) / "big.edxml"
        size, largest = build_package(path, args.mb, args.attachments)
        small = BASE_DIR / "qlvb/exchange/edxml/tests/samples/status_inbox_01.edxml"
        env = {**os.environ, "QLVB_VAR_DIR": str(Path(tmp) / "var"), "MEDIA_ROOT": str(Path(tmp) / "media"),
               "DATABASE_URL": f"sqlite:///{tmp}/db.sqlite3", "DEBUG": "0", "HUEY_IMMEDIATE": "1"}
        code = CHILD.format(base=str(BASE_DIR), receiver=RECEIVER, sender=SENDER, token=TOKEN, path=str(path),
                            small=str(small))
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False,
                             cwd=BASE_DIR)
        if out.returncode:
            sys.exit(out.stderr[-3000:])
        result = json.loads(out.stdout.strip().splitlines()[-1])
        mb = 1024 * 1024
        print(f"package {size / mb:.1f} MB, largest attachment {largest / mb:.1f} MB, answer {result['answer']}")
        print(f"bench exchange.receive_rss_before_mb {result['base']:.0f}")
        print(f"bench exchange.receive_rss_peak_mb {result['peak']:.0f}")
        print(f"bench exchange.receive_peak_increase_mb {result['peak'] - result['base']:.0f}")
        ratio = (result["peak"] - result["base"]) * mb / largest
        print(f"bench exchange.receive_peak_per_largest_attachment {ratio:.2f}")


if __name__ == "__main__":
    main()
