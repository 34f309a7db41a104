"""The head requires a second factor for staff: audited, enforced at the next request."""

import pytest

from carnet.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def url(world):
    return f"/etablissement/securite/{world.lycee.public_id}/"


def test_the_head_requires_totp_and_the_cpe_must_set_it_up(world, client):
    client.force_login(world.head)
    assert "Règles de connexion" in client.get("/etablissement/comptes/").content.decode()
    assert client.post(url(world), {"require_staff_totp": "on"}).status_code == 302
    world.lycee.refresh_from_db()
    assert world.lycee.require_staff_totp
    event = AuditEvent.objects.get(action="establishment.staff_totp_required")
    assert event.changes == {"require_staff_totp": [False, True]}
    cpe = client.__class__()
    cpe.force_login(world.cpe)
    response = cpe.get("/")
    assert response.status_code == 302 and "/compte/double-authentification/" in response["Location"]
    teacher = client.__class__()
    teacher.force_login(world.teacher_maths)
    assert teacher.get("/").status_code == 200


@pytest.mark.parametrize("who", ["secretary", "teacher_maths", "outsider"])
def test_others_cannot_change_the_rule(world, client, who):
    client.force_login(getattr(world, who))
    assert client.post(url(world), {"require_staff_totp": "on"}).status_code == 404
    world.lycee.refresh_from_db()
    assert not world.lycee.require_staff_totp
    assert not AuditEvent.objects.filter(action="establishment.staff_totp_required").exists()
