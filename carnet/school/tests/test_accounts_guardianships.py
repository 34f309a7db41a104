"""Removing a guardianship: account managers only, audited, and access ends at once."""

import pytest

from carnet.audit.models import AuditEvent
from carnet.school.models import Guardianship

pytestmark = pytest.mark.django_db


def url(link):
    return f"/etablissement/responsabilites/{link.public_id}/retirer/"


def test_secretary_removes_a_guardianship_and_the_guardian_loses_access_at_once(world, client):
    link = Guardianship.objects.get(guardian=world.chloe_father, student=world.chloe)
    client.force_login(world.chloe_father)
    assert client.get("/").content.decode().count("Chloé") >= 1
    staff = client.__class__()
    staff.force_login(world.secretary)
    detail = staff.get(f"/etablissement/comptes/{world.chloe.public_id}/")
    assert "DURAND Charles" in detail.content.decode()
    response = staff.post(url(link), {"back": "student"})
    assert response.status_code == 302
    assert not Guardianship.objects.filter(pk=link.pk).exists()
    event = AuditEvent.objects.get(action="guardianship.remove")
    assert event.establishment == world.lycee and event.changes["guardian"] == ["DURAND Charles", None]
    # The father's very next request no longer shows the child.
    assert "Chloé DURAND" not in client.get("/").content.decode()
    assert client.get("/api/v1/me/children").status_code == 403  # no longer a guardian at all


@pytest.mark.parametrize("who", ["teacher_maths", "alice_mother", "outsider"])
def test_others_cannot_remove_a_guardianship(world, client, who):
    link = Guardianship.objects.get(guardian=world.chloe_father, student=world.chloe)
    client.force_login(getattr(world, who))
    assert client.post(url(link)).status_code == 404
    assert Guardianship.objects.filter(pk=link.pk).exists()
    assert not AuditEvent.objects.filter(action="guardianship.remove").exists()
