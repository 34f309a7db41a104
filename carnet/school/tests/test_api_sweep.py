"""Every parameterless GET endpoint of the API, for every person and for an anonymous caller: no
server error, 401 JSON when anonymous, and nothing of the other establishment in any answer."""

import pytest

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "/api/v1/me",
    "/api/v1/me/children",
    "/api/v1/me/classes",
    "/api/v1/directory?q=ma",
    "/api/v1/tokens",
    "/api/v1/notifications",
    "/api/v1/notifications/preferences",
    "/api/v1/notifications/push-subscriptions",
]


def test_the_schema_lists_the_swept_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for endpoint in ENDPOINTS:
        assert endpoint.split("?")[0] in paths


def test_every_endpoint_for_everyone(world, client):
    for endpoint in ENDPOINTS:
        anonymous = client.get(endpoint)
        assert anonymous.status_code == 401 and anonymous.json()["code"] == "unauthenticated", endpoint
    lycee_names = ("Victor-Hugo", "MARTIN", "DURAND", "Proviseur")
    ceg_names = ("Akpakpa", "Dehors", "DOSSOU", "Dossou")
    for who, person in world.people().items():
        client.force_login(person)
        for endpoint in ENDPOINTS:
            response = client.get(endpoint)
            assert response.status_code in {200, 403}, (endpoint, who, response.status_code)
            if response.status_code == 403:
                assert response.json()["code"] == "forbidden"
            text = response.content.decode()
            outsiders = lycee_names if who in {"outsider", "dossou", "dossou_parent"} else ceg_names
            assert not any(name in text for name in outsiders), (endpoint, who)
        client.logout()
