"""Every message of the edXML library has its Vietnamese translation (a refusal's reason is
shown to the clerk)."""

from __future__ import annotations

import ast
from pathlib import Path

from django.utils import translation

from qlvb.exchange.edxml.i18n import gettext

PACKAGE = Path(__file__).resolve().parents[1]


def msgids() -> list[str]:
    out = []
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_"
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                out.append(node.args[0].value)
    return out


def test_every_message_is_translated():
    messages = msgids()
    assert len(messages) > 50
    with translation.override("vi"):
        missing = [message for message in messages if gettext(message) == message]
    assert missing == []


def test_english_stays_english():
    with translation.override("en"):
        assert gettext("The package is too large.") == "The package is too large."
