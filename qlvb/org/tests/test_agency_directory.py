"""The national directory of agency codes: loaded from the published list and kept up to date by
loading a newer one; registration finds issuers in it; suggestions from a scan are matched to it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from qlvb.org import directory
from qlvb.org.models import DirectoryAgency

LIST_2025 = """code;name;parent_code
000.00.00.G22;Văn phòng Chính phủ;
000.00.00.G12;Bộ Tài chính;
000.00.18.G12;Tổng cục Thuế;000.00.00.G12
"""
LIST_2026 = """code,name,parent_code
000.00.00.G22,Văn phòng Chính phủ,
000.00.00.G12,Bộ Tài chính,
000.00.19.G12,Cục Thuế,000.00.00.G12
"""


def test_a_newer_list_updates_adds_and_retires(db, tmp_path):
    first = tmp_path / "2025.csv"
    first.write_text(LIST_2025, encoding="utf-8")
    call_command("load_agency_directory", str(first))
    assert DirectoryAgency.objects.count() == 3
    loaded = directory.load(directory.read_csv(LIST_2026))
    assert (loaded.added, loaded.retired) == (1, 1)
    old = DirectoryAgency.objects.get(code="000.00.18.G12")
    assert not old.is_current  # kept: older documents name it
    assert [a.code for a in directory.search("tai chinh")] == ["000.00.00.G12"]
    assert [a.code for a in directory.search("000.00.1")] == ["000.00.19.G12"]
    assert directory.search("thue") == [DirectoryAgency.objects.get(code="000.00.19.G12")]


def test_a_bad_code_refuses_the_whole_file(db):
    with pytest.raises(ValidationError) as refused:
        directory.load(directory.read_csv("code,name\n000.00.00.G22,Văn phòng Chính phủ\n28.22.H17,Xã\n"))
    assert "3" in str(refused.value) and not DirectoryAgency.objects.exists()


def test_registration_searches_the_directory(org, login):
    directory.load_bundled()
    response = login(org.clerk).get("/org/directory/search/?q=nghe an")
    assert response.json() == {"agencies": [{"code": "000.00.00.H41", "name": "Ủy ban nhân dân tỉnh Nghệ An"}]}
    page = login(org.clerk).get("/incoming/register/").content.decode()
    assert 'list="issuer-directory"' in page and "issuer-directory.js" in page


def test_a_scanned_issuer_outside_the_installation_is_matched_to_the_directory(db):
    from qlvb.digitisation.suggest import doubtful, suggest_incoming_fields

    directory.load_bundled()
    text = ("ỦY BAN NHÂN DÂN\nTỈNH NGHỆ AN\nSố: 12/UBND-VX\nNghệ An, ngày 2 tháng 3 năm 2026\n"
            "V/v phối hợp triển khai chữ ký số\n")
    found = suggest_incoming_fields(text, [], DirectoryAgency.objects.filter(is_current=True))
    assert (found["issuer_name"], found["issuer_code"]) == ("Ủy ban nhân dân tỉnh Nghệ An", "000.00.00.H41")
    assert "issuer_name" not in doubtful(found)
