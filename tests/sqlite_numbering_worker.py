"""Worker for tests/test_sqlite_numbering.py: run in its own process against a SQLite file.

    python tests/sqlite_numbering_worker.py setup
    python tests/sqlite_numbering_worker.py register <worker> <count>
    python tests/sqlite_numbering_worker.py numbers
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")

import django  # noqa: E402

django.setup()

from qlvb.core.actor import Actor  # noqa: E402
from qlvb.incoming import services  # noqa: E402
from qlvb.incoming.models import IncomingDocument  # noqa: E402
from qlvb.incoming.tests.conftest import fields, pdf_upload  # noqa: E402
from qlvb.org.models import Agency, Person  # noqa: E402
from qlvb.registers.models import Register  # noqa: E402
from qlvb.registers.services import ensure_default_registers  # noqa: E402


def main() -> None:
    command = sys.argv[1]
    if command == "setup":
        from conftest import build_org

        root = Person.objects.create_superuser("root", "x", full_name="Quản trị", must_change_password=False)
        org = build_org(root, "000.00.15.H51", "STTTT", "Sở Thông tin và Truyền thông tỉnh Sơn La")
        ensure_default_registers(org.agency)
        return
    agency = Agency.objects.get(code="000.00.15.H51")
    register = Register.objects.get(agency=agency, direction="in", category="ordinary")
    if command == "register":
        worker, count = sys.argv[2], int(sys.argv[3])
        clerk, head = Person.objects.get(username="stttt.vt"), Person.objects.get(username="stttt.gd")
        for index in range(count):
            services.register_document(by=Actor(clerk), agency=agency, register=register,
                                       fields=fields(number=f"{worker}-{index}"),
                                       uploads=[pdf_upload(salt=f"{worker}-{index}")], presented_to=head)
        return
    numbers = sorted(IncomingDocument.objects.filter(register=register).values_list("arrival_number", flat=True))
    print(",".join(map(str, numbers)))


if __name__ == "__main__":
    main()
