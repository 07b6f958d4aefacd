"""Numbers typed or sent in a request: ASCII digits within the databases' range, else nothing —
never a server error on "²" or on a number past bigint."""

from __future__ import annotations

import pytest

from qlvb.core.text import as_id


@pytest.mark.parametrize(("value", "expected"), [
    ("12", 12), (" 7 ", 7), (3, 3), ("²", None), ("١٢", None), ("-1", None), ("1e3", None), ("", None),
    (None, None), (str(2**63 - 1), 2**63 - 1), (str(2**63), None), ("9" * 40, None),
])
def test_as_id(value, expected):
    assert as_id(value) == expected


def test_pages_given_a_superscript_digit_answer_without_a_server_error(org, login):
    client = login(org.clerk)
    assert client.get("/dossiers/?year=²").status_code == 200
    assert client.get("/outgoing/new/?reply_to=²").status_code == 200
    assert client.post("/incoming/1/progress/", {"assignment": "²", "text": "x"}).status_code in (302, 404)
