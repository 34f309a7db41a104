"""/api/v1/reportcards/: family lists and PDFs, batches for the staff, the authenticated check."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from carnet.reportcards import codes, services
from carnet.reportcards.models import ReportCardBatch

pytestmark = pytest.mark.django_db

API = "/api/v1/reportcards"


@pytest.fixture
def published(world, france, django_capture_on_commit_callbacks):
    cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cards = services.publish_for_class(actor=world.head, period=france["period"], school_class=world.seconde_a)
    return {c.student_id: c for c in cards}


def test_the_schema_lists_the_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/cards", "/cards/{card_id}", "/cards/{card_id}/pdf", "/batches", "/batches/{batch_id}", "/verify/{code}"):
        assert f"{API}{path}" in paths


def test_anonymous_gets_401(client, db):
    assert client.get(f"{API}/cards").status_code == 401
    assert client.get(f"{API}/verify/ABCDE-12345").status_code == 401


def test_family_list(world, published, login, django_assert_max_num_queries):
    client = login(world.alice_mother)
    with django_assert_max_num_queries(16):
        response = client.get(f"{API}/cards")
    items = response.json()["items"]
    assert [item["student_name"] for item in items] == ["MARTIN Alice"]
    item = items[0]
    card = published[world.alice.pk]
    assert item["verification_code"] == codes.formatted(card.verification_code)
    assert item["general_average"] == "13.90"
    assert item["superseded_by"] is None
    assert item["title"] == "Bulletin du 1er trimestre"
    # Chloé's father sees nothing of Alice.
    assert login(world.chloe_father).get(f"{API}/cards").json()["items"] == []


@pytest.mark.parametrize("person,status", [("alice", 200), ("alice_mother", 200), ("teacher_maths", 200), ("bruno", 404), ("outsider", 404)])
def test_card_and_pdf_trio(world, published, login, person, status):
    card = published[world.alice.pk]
    client = login(getattr(world, person))
    detail = client.get(f"{API}/cards/{card.public_id}")
    pdf = client.get(f"{API}/cards/{card.public_id}/pdf")
    assert (detail.status_code, pdf.status_code) == (status, status)
    if status == 200:
        assert detail.json()["content"]["general"]["average"] == "13.90"
        assert pdf["Content-Type"] == "application/pdf"
        assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    else:
        assert detail.json()["code"] == "not_found"


def test_start_a_batch_and_follow_it(world, france, login, django_capture_on_commit_callbacks):
    client = login(world.teacher_maths)
    body = {"period": str(france["period"].public_id), "scope": "class", "school_class": str(world.seconde_a.public_id)}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{API}/batches", body, content_type="application/json")
    assert response.status_code == 201, response.content
    batch_id = response.json()["id"]
    progress = client.get(f"{API}/batches/{batch_id}").json()
    assert (progress["status"], progress["done"], progress["total"]) == ("done", 2, 2)
    assert login(world.outsider).get(f"{API}/batches/{batch_id}").status_code == 404


def test_batch_refused_and_outsider(world, france, login):
    body = {"period": str(france["period"].public_id), "scope": "class", "school_class": str(world.seconde_a.public_id)}
    refused = login(world.teacher_french).post(f"{API}/batches", body, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    outsider = login(world.outsider).post(f"{API}/batches", body, content_type="application/json")
    assert outsider.status_code == 404
    whole = {"period": str(france["period"].public_id), "scope": "establishment"}
    assert login(world.teacher_maths).post(f"{API}/batches", whole, content_type="application/json").status_code == 403
    assert login(world.outsider).post(f"{API}/batches", whole, content_type="application/json").status_code == 404
    assert not ReportCardBatch.objects.exists()


def test_verify_with_authentication(world, published, login):
    card = published[world.alice.pk]
    client = login(world.outsider)
    response = client.get(f"{API}/verify/{card.verification_code.lower()}")
    assert response.status_code == 200
    assert response.json()["student_name"] == "MARTIN Alice"
    assert response.json()["digest"] == card.digest
    assert client.get(f"{API}/verify/ABCDE-12345").status_code == 404
