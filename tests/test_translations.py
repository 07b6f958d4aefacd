"""No English in the Vietnamese interface: every string marked for translation anywhere in the code
and templates has a Vietnamese translation in one of the catalogs."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext

ROOT = Path(__file__).resolve().parent.parent
# Not words of the interface: names of formats and algorithms.
UNTRANSLATABLE = {"PDF", "SHA-256", "DOCX", "edXML", "API", "OK", "PNG", "XLSX", "CSV", "SSL", "STARTTLS"}


def _entries(po: str) -> list[tuple[str | None, str, str]]:
    found = []
    for block in po.split("\n\n"):
        match = re.search(r'^(?:msgctxt "(.*)"\n)?msgid ((?:".*"\n?)+)(?:msgstr|msgid_plural)', block, re.M)
        if not match:
            continue
        raw = "".join(re.findall(r'"(.*)"', match.group(2)))
        msgid = re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), raw)
        refs = " ".join(line[3:] for line in block.splitlines() if line.startswith("#: "))
        found.append((match.group(1), msgid, refs))
    return found


@pytest.mark.slow
def test_every_marked_string_has_a_vietnamese_translation(tmp_path):
    if not shutil.which("xgettext"):
        pytest.skip("gettext is not installed (make system-deps)")
    # makemessages in a copy, so the real catalogs stay as they are.
    for name in ("qlvb", "locale"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    subprocess.run([sys.executable, "manage.py", "makemessages", "-l", "vi", "--no-obsolete", "-v0"],
                   cwd=tmp_path, check=True, capture_output=True)
    missing = []
    with translation.override("vi"):
        catalogs = [tmp_path / "locale/vi/LC_MESSAGES/django.po", *tmp_path.glob("qlvb/*/locale/vi/LC_MESSAGES/*.po")]
        for po in catalogs:
            for context, msgid, refs in _entries(po.read_text(encoding="utf-8")):
                if not re.search("[A-Za-z]", msgid) or msgid in UNTRANSLATABLE:
                    continue
                shown = pgettext(context, msgid) if context else gettext(msgid)
                if shown == msgid:
                    missing.append(f"{msgid[:80]!r} ({refs[:80]})")
    assert not missing, "Untranslated:\n" + "\n".join(missing)
