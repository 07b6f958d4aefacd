"""What the clerk types is kept normalised (NFC, Đ look-alikes folded, a whole reference split into
number and notation), and duplicates are found however the notation was typed."""

from __future__ import annotations

import unicodedata

import pytest

from qlvb.core.text import clean
from qlvb.incoming import services
from qlvb.incoming.services import normalise_fields


def test_clean_folds_look_alikes_and_decomposed_marks():
    assert clean("Q\u00d0-UBND") == "QĐ-UBND"  # Latin capital eth, looks like Đ
    assert clean(unicodedata.normalize("NFD", "Quyết định")) == "Quyết định"
    assert clean("  \u0189iều  ") == "Điều"


@pytest.mark.parametrize(("number", "notation", "expected"), [
    ("", "243/QĐ-STTTT", ("243", "QĐ-STTTT")),
    ("", "Số: 243/QĐ-STTTT", ("243", "QĐ-STTTT")),
    ("243", "243/QĐ-STTTT", ("243", "QĐ-STTTT")),
    ("243", "/QĐ-STTTT", ("243", "QĐ-STTTT")),
    ("15", "QĐ-UBND", ("15", "QĐ-UBND")),
    ("15", "12/2020/TT-BTTTT", ("15", "12/2020/TT-BTTTT")),  # another number: left to the clerk
])
def test_a_whole_reference_typed_into_the_notation_is_split(number, notation, expected):
    fields = normalise_fields({"number": number, "notation": notation})
    assert (fields["number"], fields["notation"]) == expected


def test_stored_text_is_nfc(org, register_doc):
    doc = register_doc(summary=unicodedata.normalize("NFD", "Quyết định ban hành quy chế làm việc năm 2026"),
                       notation="Q\u00d0-UBND")
    doc.refresh_from_db()
    assert doc.summary == unicodedata.normalize("NFC", doc.summary) and doc.notation == "QĐ-UBND"


@pytest.mark.parametrize(("number", "notation"), [
    ("115", "Q\u00d0-UBND"),  # Ð typed for Đ
    ("", "115/QĐ-UBND"),  # the whole reference in the notation
    ("115", "/QĐ-UBND"),  # a notation starting with "/"
    ("115", unicodedata.normalize("NFD", "qđ-ubnd")),  # decomposed, lower case
])
def test_duplicates_are_found_however_the_notation_was_typed(org, register_doc, number, notation):
    first = register_doc(notation="QĐ-UBND")  # number 101 (the fixture numbers them)
    found = services.find_duplicates(agency=org.agency, number=number.replace("115", first.number),
                                     notation=notation.replace("115", first.number), issuer_name=first.issuer_name)
    assert [d.pk for d in found] == [first.pk]
