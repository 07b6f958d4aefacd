"""What the backup tests compare between an installation and its restored copy, computed the same
way in the test and in the restored installation's own process (`manage.py shell -c`)."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def _value(value: Any) -> Any:
    if isinstance(value, memoryview | bytes | bytearray):
        return hashlib.sha256(bytes(value)).hexdigest()
    return value


def table_digests() -> dict[str, str]:
    """Per table, a digest of all its rows (in any order): equal digests, same rows."""
    from django.db import connection

    digests = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608
            rows = sorted(repr(tuple(_value(v) for v in row)) for row in cursor.fetchall())
            digests[table] = hashlib.sha256("\n".join(rows).encode()).hexdigest() + f":{len(rows)}"
    return digests


def file_digests() -> dict[str, str]:
    """Every stored file, read back through the installation's storage (local or S3)."""
    from django.core.files.storage import default_storage

    from qlvb.files.models import StoredFile

    found = {}
    for name in StoredFile.objects.values_list("storage_name", flat=True):
        with default_storage.open(name, "rb") as handle:
            found[name] = hashlib.sha256(handle.read()).hexdigest()
    return found


def report(pdf_path: str, certificate_pk: int) -> None:
    """Printed by the restored installation: its rows, its files, its event log, and a signature
    made with a stored signing key."""
    from qlvb.core.actor import Actor
    from qlvb.core.events import verify
    from qlvb.signatures import services
    from qlvb.signatures.models import Certificate

    tables, files, verification = table_digests(), file_digests(), verify()
    # Signing records an event: after the rows were read.
    certificate = Certificate.objects.select_related("person").get(pk=certificate_pk)
    assert certificate.person is not None
    with open(pdf_path, "rb") as handle:
        pdf = handle.read()
    signed = services.sign_as_signer(pdf, by=Actor(certificate.person), certificate=certificate,
                                     position_title="GIÁM ĐỐC", full_name=certificate.person.full_name)
    print(json.dumps({
        "tables": tables,
        "files": files,
        "chains": {r.chain: r.problems + r.rewrites for r in verification.chains},
        "chain_problems": verification.problems,
        "checkpoint_lines": verification.checkpoint_lines,
        "signed": signed.startswith(pdf) and b"/ByteRange" in signed[len(pdf):],
    }))
