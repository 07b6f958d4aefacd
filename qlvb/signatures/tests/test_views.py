from __future__ import annotations

from qlvb.signatures.demo import create_demo_pki_for
from qlvb.signatures.models import Certificate


def test_certificates_page_lists_and_revokes(org, other_org, login):
    create_demo_pki_for(org.agency)
    certificate = Certificate.objects.get(person=org.deputy)
    client = login(org.deputy)
    assert certificate.subject_cn in client.get("/signatures/").content.decode()
    assert login(other_org.head).post(f"/signatures/{certificate.pk}/revoke/").status_code in (302, 404)
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    client.post(f"/signatures/{certificate.pk}/revoke/", {"reason": "Mất token"})
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    admin_page = login(org.admin).get("/signatures/").content.decode()
    assert "Agency key" in admin_page or "Khóa của cơ quan" in admin_page or org.agency.name in admin_page
