"""The directory of agency codes kept through its page by the installation's administrator."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.models import Event
from qlvb.org import directory
from qlvb.org.models import DirectoryAgency


def _csv(text: str, name: str = "danh-muc.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv")


def test_add_and_correct_entries_each_change_recorded(root, login):
    client = login(root)
    response = client.post("/org/agency-directory/new/", {
        "new-code": "000.00.01.H51", "new-name": "Văn phòng UBND tỉnh Sơn La", "new-parent_code": "000.00.00.H51",
        "new-is_current": "on"})
    assert response.status_code == 302
    entry = DirectoryAgency.objects.get(code="000.00.01.H51")
    response = client.post(f"/org/agency-directory/{entry.pk}/", {
        "code": "000.00.01.H51", "name": "Văn phòng Ủy ban nhân dân tỉnh Sơn La", "parent_code": "000.00.00.H51"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.name == "Văn phòng Ủy ban nhân dân tỉnh Sơn La" and not entry.is_current
    assert Event.objects.filter(verb="org.directory_entry_added", target_id=str(entry.pk)).exists()
    changed = Event.objects.get(verb="org.directory_entry_changed").data["changes"]
    assert changed == {"name": ["Văn phòng UBND tỉnh Sơn La", "Văn phòng Ủy ban nhân dân tỉnh Sơn La"],
                       "is_current": [True, False]}
    page = client.get("/org/agency-directory/?q=uy ban nhan dan son la").content.decode()
    assert "000.00.01.H51" in page


@pytest.mark.parametrize("code, name", [("H51", "Sở A"), ("000.00.01.H51", ""), ("000.00.99.H51", "Trùng mã")])
def test_bad_or_duplicate_entry_is_refused(root, code, name):
    DirectoryAgency.objects.create(code="000.00.99.H51", name="Có sẵn")
    with pytest.raises(ValidationError):
        directory.save_entry(by=Actor(root), entry=None, code=code, name=name)
    assert DirectoryAgency.objects.count() == 1


def test_import_through_the_page_loads_like_the_command(root, login):
    DirectoryAgency.objects.create(code="000.00.98.H51", name="Sở đã giải thể")
    DirectoryAgency.objects.create(code="000.00.01.H51", name="Tên cũ")
    client = login(root)
    response = client.post("/org/agency-directory/import/", {"upload": _csv(
        "code;name;parent_code\n000.00.01.H51;Văn phòng UBND tỉnh;000.00.00.H51\n000.00.02.H51;Sở Nội vụ;\n")},
        follow=True)
    assert "1 thêm mới, 1 cập nhật, 1 không còn trong danh mục" in response.content.decode()
    assert DirectoryAgency.objects.get(code="000.00.01.H51").name == "Văn phòng UBND tỉnh"
    assert not DirectoryAgency.objects.get(code="000.00.98.H51").is_current
    loaded = Event.objects.get(verb="org.directory_loaded")
    assert (loaded.actor, loaded.data["added"], loaded.data["file"]) == (root, 1, "danh-muc.csv")


@pytest.mark.parametrize("content, message", [
    ("code,name\n000.00.01.H51,Sở A\nxyz,Sở B\n", "Dòng 3"),
    ("ma\tten\n1\t2\n", "cột code và name"),
    ("code,name\n", "không có cơ quan nào"),
])
def test_a_bad_file_changes_nothing(root, login, content, message):
    DirectoryAgency.objects.create(code="000.00.98.H51", name="Có sẵn")
    response = login(root).post("/org/agency-directory/import/", {"upload": _csv(content)}, follow=True)
    assert message in response.content.decode()
    assert list(DirectoryAgency.objects.values_list("code", "is_current")) == [("000.00.98.H51", True)]
    assert not Event.objects.filter(verb="org.directory_loaded").exists()


def test_not_utf8_is_refused(root, login):
    response = login(root).post("/org/agency-directory/import/", {
        "upload": SimpleUploadedFile("x.csv", "code,name\n000.00.01.H51,Sà\n".encode("latin-1"))}, follow=True)
    assert "không phải văn bản UTF-8" in response.content.decode()
    assert not DirectoryAgency.objects.exists()


def test_only_the_installation_administrator(org, login):
    entry = DirectoryAgency.objects.create(code="000.00.01.H51", name="Sở A")
    client = login(org.admin)
    for url in ("/org/agency-directory/", "/org/agency-directory/new/", f"/org/agency-directory/{entry.pk}/"):
        assert client.get(url).status_code == 404
    assert client.post("/org/agency-directory/import/", {"upload": _csv("code,name\n000.00.02.H51,B\n")}
                       ).status_code == 404
    with pytest.raises(NotAllowed):
        directory.save_entry(by=Actor(org.admin), entry=entry, code=entry.code, name="Đổi tên")
    assert list(DirectoryAgency.objects.values_list("name", flat=True)) == ["Sở A"]
