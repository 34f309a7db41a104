"""The report-card pages: who sees what (allowed, refused, outsider), the batch page and its htmx
progress, downloads, versions, and the public verification page with its rate limit."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from carnet.reportcards import codes, services
from carnet.reportcards.models import ReportCard, ReportCardBatch

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(world, france, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        cards = services.publish_for_class(actor=world.head, period=france["period"], school_class=world.seconde_a)
    return {c.student_id: c for c in cards}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


# --- index and generation -------------------------------------------------------------------------
def test_index_for_the_head_offers_the_whole_establishment(world, france, login):
    response = login(world.head).get(reverse("reportcards:index"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Tout l&#x27;établissement" in body or "Tout l'établissement" in body
    assert "2nde A" in body and "2nde B" in body


def test_index_for_a_main_teacher_offers_their_class_only(world, france, login):
    response = login(world.teacher_maths).get(reverse("reportcards:index"))
    form = response.context["form"]
    assert [label for _value, label in form.fields["cible"].choices] == ["2nde A"]


def test_generating_from_the_index_starts_a_batch(world, france, login, django_capture_on_commit_callbacks):
    client = login(world.teacher_maths)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reportcards:index"),
            {"periode": str(france["period"].public_id), "cible": str(world.seconde_a.public_id)},
        )
    batch = ReportCardBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reportcards:batch", args=[batch.public_id])
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "2 bulletins publiés" in page.content.decode()
    assert reverse("reportcards:class", args=[world.seconde_a.public_id, france["period"].public_id]) in page.content.decode()


def test_a_class_outside_ones_reach_is_not_a_choice(world, france, login):
    response = login(world.teacher_maths).post(
        reverse("reportcards:index"), {"periode": str(france["period"].public_id), "cible": str(world.seconde_b.public_id)}
    )
    assert response.status_code == 422
    assert not ReportCardBatch.objects.exists()


def test_someone_who_may_not_publish_cannot_post(world, france, login):
    response = login(world.teacher_french).post(
        reverse("reportcards:index"), {"periode": str(france["period"].public_id), "cible": str(world.seconde_a.public_id)}
    )
    assert response.status_code == 403
    assert not ReportCardBatch.objects.exists()


def test_batch_page_polls_until_done(world, france, login):
    batch = services.start_batch(actor=world.teacher_maths, period=france["period"], scope="class", school_class=world.seconde_a)
    client = login(world.teacher_maths)
    page = client.get(reverse("reportcards:batch", args=[batch.public_id])).content.decode()
    assert 'hx-trigger="every 1s"' in page
    services.run_batch(batch_id=str(batch.public_id))
    partial = client.get(reverse("reportcards:batch", args=[batch.public_id]), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in partial
    assert "<html" not in partial
    assert "2 bulletins publiés" in partial
    assert login(world.head).get(reverse("reportcards:batch", args=[batch.public_id])).status_code == 200


@pytest.mark.parametrize("person", ["teacher_french", "cpe", "outsider", "alice_mother"])
def test_batch_page_is_404_for_others(world, france, login, person):
    batch = services.start_batch(actor=world.teacher_maths, period=france["period"], scope="class", school_class=world.seconde_a)
    assert login(getattr(world, person)).get(reverse("reportcards:batch", args=[batch.public_id])).status_code == 404


# --- class page -------------------------------------------------------------------------------------
def test_class_page_lists_versions(world, france, published, login, django_capture_on_commit_callbacks, django_assert_max_num_queries):
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_for_student(actor=world.head, period=france["period"], student=world.alice)
    client = login(world.teacher_maths)
    url = reverse("reportcards:class", args=[world.seconde_a.public_id, france["period"].public_id])
    client.get(url)
    with django_assert_max_num_queries(20):
        response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "v1, remplacée par la version 2" in body
    assert "Publier une nouvelle version" in body


@pytest.mark.parametrize("person,status", [("cpe", 200), ("teacher_french", 200), ("alice", 404), ("alice_mother", 404), ("outsider", 404)])
def test_class_page_trio(world, france, published, login, person, status):
    url = reverse("reportcards:class", args=[world.seconde_a.public_id, france["period"].public_id])
    response = login(getattr(world, person)).get(url)
    assert response.status_code == status
    if status == 200:
        assert "Publier une nouvelle version" not in response.content.decode()


def test_publish_buttons_of_the_class_page(world, france, published, login, django_capture_on_commit_callbacks):
    args = [world.seconde_a.public_id, france["period"].public_id]
    # Refused: a teacher of the class who is not its main teacher; nothing changes.
    refused = login(world.teacher_french).post(reverse("reportcards:publish_class", args=args))
    assert refused.status_code == 403
    refused = login(world.teacher_french).post(reverse("reportcards:publish_student", args=[*args, world.alice.public_id]))
    assert refused.status_code == 403
    # Outsider: 404.
    assert login(world.outsider).post(reverse("reportcards:publish_class", args=args)).status_code == 404
    assert ReportCardBatch.objects.count() == 0
    # Allowed: the main teacher.
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.teacher_maths).post(reverse("reportcards:publish_student", args=[*args, world.alice.public_id]))
    assert response.status_code == 302
    assert ReportCard.objects.filter(student=world.alice).count() == 2
    assert ReportCard.objects.filter(student=world.bruno).count() == 1


# --- family -----------------------------------------------------------------------------------------
def test_mine_for_a_guardian_with_two_children(world, france, published, login, django_assert_max_num_queries):
    client = login(world.alice_mother)
    client.get(reverse("reportcards:mine"))
    with django_assert_max_num_queries(15):
        response = client.get(reverse("reportcards:mine"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Alice MARTIN" in body
    assert reverse("reportcards:download", args=[published[world.alice.pk].public_id]) in body
    assert reverse("reportcards:download", args=[published[world.bruno.pk].public_id]) not in body


def test_index_for_a_student_shows_their_cards(world, france, published, login):
    body = login(world.alice).get(reverse("reportcards:index")).content.decode()
    assert "Mes bulletins" in body
    assert reverse("reportcards:detail", args=[published[world.alice.pk].public_id]) in body
    assert reverse("reportcards:detail", args=[published[world.bruno.pk].public_id]) not in body


def test_mine_is_404_for_someone_without_children(world, login):
    assert login(world.head).get(reverse("reportcards:mine")).status_code == 404


@pytest.mark.parametrize(
    "person,status",
    [("alice", 200), ("alice_mother", 200), ("teacher_maths", 200), ("cpe", 200), ("bruno", 404), ("chloe_father", 404), ("outsider", 404)],
)
def test_detail_and_download_trio(world, france, published, login, person, status):
    card = published[world.alice.pk]
    client = login(getattr(world, person))
    detail = client.get(reverse("reportcards:detail", args=[card.public_id]))
    download = client.get(reverse("reportcards:download", args=[card.public_id]))
    assert (detail.status_code, download.status_code) == (status, status)
    if status == 200:
        body = detail.content.decode()
        assert "13,90" in body and "Très bon trimestre." in body and codes.formatted(card.verification_code) in body
        assert download["Content-Type"] == "application/pdf"
        assert b"".join(download.streaming_content).startswith(b"%PDF")
        assert "attachment" in download["Content-Disposition"]


def test_an_old_version_says_it_was_replaced(world, france, published, login, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_for_student(actor=world.head, period=france["period"], student=world.alice)
    old = published[world.alice.pk]
    body = login(world.alice_mother).get(reverse("reportcards:detail", args=[old.public_id])).content.decode()
    assert "remplacée par la version 2" in body
    download = login(world.alice_mother).get(reverse("reportcards:download", args=[old.public_id]))
    assert download.status_code == 200


def test_detail_of_a_benin_card_has_its_columns(world, benin, login, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        cards = services.publish_for_class(actor=world.outsider, period=benin["s1"], school_class=benin["class"])
    card = next(c for c in cards if c.student_id == world.dossou.pk)
    body = login(world.dossou_parent).get(reverse("reportcards:detail", args=[card.public_id])).content.decode()
    for text in ("Moy. interro", "Devoir 1", "Devoir 2", "Moy/20", "Moy × coef", "Rang", "Matricule EducMaster", "Tableau d&#x27;honneur"):
        assert text in body, text


# --- verification -----------------------------------------------------------------------------------
def test_verify_a_valid_code_anonymously(world, france, published, client):
    card = published[world.alice.pk]
    response = client.get(reverse("reportcards:verify", args=[codes.formatted(card.verification_code)]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Bulletin authentique" in body
    assert "Lycée Victor-Hugo" in body and "MARTIN Alice" in body and "2nde A" in body and "Trimestre 1" in body
    assert card.digest in body
    assert "version la plus récente" in body


def test_verify_ignores_case_and_dashes(world, france, published, client):
    code = published[world.alice.pk].verification_code
    response = client.get(reverse("reportcards:verify", args=[code.lower()]))
    assert response.status_code == 302
    assert response["Location"] == reverse("reportcards:verify", args=[codes.formatted(code)])
    typed = client.get(reverse("reportcards:verify_form"), {"code": f" {code[:3].lower()} {code[3:]} "})
    assert typed["Location"] == reverse("reportcards:verify", args=[codes.formatted(code)])


def test_verify_an_unknown_code(client, db):
    response = client.get(reverse("reportcards:verify", args=["ABCDE-12345"]))
    assert response.status_code == 404
    assert "Aucun bulletin ne porte le code" in response.content.decode()
    assert client.get(reverse("reportcards:verify_form"), {"code": "pas un code"}).status_code == 404
    assert client.get(reverse("reportcards:verify_form")).status_code == 200


def test_verify_flags_a_newer_version(world, france, published, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_for_student(actor=world.head, period=france["period"], student=world.alice)
    old = published[world.alice.pk]
    body = client.get(reverse("reportcards:verify", args=[codes.formatted(old.verification_code)])).content.decode()
    assert "remplacée par une version plus récente (version 2)" in body


def test_verify_is_rate_limited_per_address(world, france, published, client):
    code = codes.formatted(published[world.alice.pk].verification_code)
    for _ in range(29):
        assert client.get(reverse("reportcards:verify", args=[code])).status_code == 200
    statuses = [client.get(reverse("reportcards:verify", args=["ABCDE-12345"])).status_code for _ in range(3)]
    assert statuses[-1] == 429
    blocked = client.get(reverse("reportcards:verify", args=[code]))
    assert blocked.status_code == 429
    assert int(blocked["Retry-After"]) > 0
    other = client.get(reverse("reportcards:verify", args=[code]), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_navigation_entry(world, login):
    for person, visible in (("head", True), ("teacher_maths", True), ("alice", True), ("alice_mother", True), ("teacher_french", True), ("outsider", False)):
        body = login(getattr(world, person)).get(reverse("portal:home")).content.decode()
        assert (reverse("reportcards:index") in body) is visible, person
