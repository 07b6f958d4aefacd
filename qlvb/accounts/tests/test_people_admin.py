"""The account actions of the people pages: creating an account with its first post, locking."""

from __future__ import annotations

from qlvb.org.models import Person


def test_admin_manages_own_agency(org, login):
    client = login(org.admin)
    response = client.post("/org/people/new/", {
        "full_name": "Hoàng Văn Nam", "username": "stttt.nam", "unit": org.unit.pk,
        "position": org.positions["cv"].pk, "email": "nam@sonla.gov.vn",
    })
    assert response.status_code == 200 and b"one-time-password" in response.content
    person = Person.objects.get(username="stttt.nam")
    assert person.must_change_password and person.posts.count() == 1
    response = client.post(f"/org/people/{person.pk}/lock/", {"lock-reason": "Mất máy tính"})
    person.refresh_from_db()
    assert response.status_code == 302 and person.is_locked


def test_bad_form_input_changes_nothing(org, login):
    client = login(org.admin)
    before = Person.objects.count()
    response = client.post("/org/people/new/", {"full_name": "", "username": "Bad Name!", "unit": org.unit.pk,
                                                "position": org.positions["cv"].pk})
    assert response.status_code == 200 and b"invalid-feedback" in response.content
    assert Person.objects.count() == before
    # A failure half-way (duplicate post after the account is created) leaves no account behind.
    response = client.post("/org/people/new/", {"full_name": "Lê Văn A", "username": org.specialist.username,
                                                "unit": org.unit.pk, "position": org.positions["cv"].pk})
    assert response.status_code == 200 and Person.objects.count() == before
