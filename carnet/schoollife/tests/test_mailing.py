"""Letters to families: placeholders (unknown ones refused by name), selection (class, threshold,
chosen students), the families a channel cannot reach, sending once by e-mail and SMS through the
notifications core, printed letters in one PDF, the pages and the API with their permission trio."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse

from carnet.audit.models import AuditEvent
from carnet.core import sms
from carnet.core.errors import PermissionDenied, ValidationFailed
from carnet.notifications.models import Delivery, Notification, NotificationPreference
from carnet.schoollife.errors import EmptySelection, UnknownPlaceholder
from carnet.schoollife.models import LetterTemplate, Mailing, MailingRecipient
from carnet.schoollife.services import letters, mailing
from carnet.schoollife.services.mailing import Selection
from carnet.schoollife.tests.helpers import absence, lateness
from carnet.testing.factories import UserFactory, enroll, guard

pytestmark = pytest.mark.django_db
SEPT, NOV = dt.date(2026, 9, 1), dt.date(2026, 11, 17)
BODY = (
    "Madame, Monsieur,\n\n{prenom} {nom} ({classe}) compte {demi_journees} demi-journées d'absence, dont "
    "{demi_journees_non_justifiees} non justifiées, et {retards} retards du {date_debut} au {date_fin}.\n{resume}\n\nLa vie scolaire"
)


@pytest.fixture
def template(world):
    return letters.create_template(
        actor=world.cpe,
        establishment=world.lycee,
        name="Absences",
        subject="Absences de {prenom}",
        body=BODY,
        sms_body="Carnet: {prenom} a {demi_journees_non_justifiees} demi-journees non justifiees.",
    )


@pytest.fixture
def record(world):
    absence(world.alice, world, on=dt.date(2026, 10, 5), half_days=2, state="unjustified")
    absence(world.alice, world, on=dt.date(2026, 10, 12), state="unjustified")
    absence(world.alice, world, on=dt.date(2026, 10, 13), state="to_justify")
    lateness(world.alice, world, on=dt.date(2026, 10, 14))
    absence(world.chloe, world, on=dt.date(2026, 10, 5), state="unjustified")


def prepare(world, template, channel="email", **selection):
    selection = selection or {"kind": "class", "school_class": world.seconde_a.public_id}
    return mailing.prepare_mailing(
        actor=world.cpe,
        template=template,
        channel=channel,
        selection=Selection(**selection),
        starts_on=SEPT,
        ends_on=NOV,
    )


# --- placeholders --------------------------------------------------------------------------------
def test_unknown_placeholders_are_refused_by_name(world):
    with pytest.raises(UnknownPlaceholder) as caught:
        letters.create_template(
            actor=world.cpe,
            establishment=world.lycee,
            name="Convocation",
            subject="Pour {prenom}",
            body="Bonjour {parent}, {prenom} est convoqué le {jour} ; {parent} doit venir.",
        )
    message = str(caught.value.message)
    assert message.startswith(
        "Champs inconnus : {parent}, {jour}. Les champs possibles sont : {prenom}, {nom}"
    )
    assert caught.value.details == {"field": "body", "placeholders": ["{parent}", "{jour}"]}
    assert not LetterTemplate.objects.exists()


def test_braces_that_are_no_placeholder_stay_as_written():
    letters.check_placeholders("Un { espace } et {}.", field="body")
    assert letters.render("{prenom} {inconnu} { x }", {"prenom": "Alice"}) == "Alice {inconnu} { x }"


def test_template_needs_its_fields_and_a_free_name(world, template):
    with pytest.raises(ValidationFailed):
        letters.create_template(actor=world.cpe, establishment=world.lycee, name="  ", subject="x", body="y")
    with pytest.raises(ValidationFailed) as caught:
        letters.create_template(
            actor=world.cpe, establishment=world.lycee, name="absences", subject="x", body="y"
        )
    assert "s'appelle déjà" in str(caught.value.message)
    with pytest.raises(PermissionDenied):
        letters.create_template(
            actor=world.teacher_maths, establishment=world.lycee, name="T", subject="x", body="y"
        )


# --- preparing -----------------------------------------------------------------------------------
def test_letters_are_rendered_per_guardian_with_the_counts(world, template, record):
    prepared = prepare(world, template)
    alice = MailingRecipient.objects.get(mailing=prepared, student=world.alice)
    assert alice.guardian == world.alice_mother and alice.address == "anne.martin@example.org"
    assert alice.subject == "Absences de Alice"
    assert (
        "Alice Martin (2nde A) compte 4 demi-journées d'absence, dont 3 non justifiées, et 1 retards"
        in alice.text
    )
    assert "du 1 septembre 2026 au 17 novembre 2026" in alice.text
    assert (
        "Du 1 septembre 2026 au 17 novembre 2026 : 3 absences (4 demi-journées, dont 3 non justifiées et 1 à justifier) "
        "et 1 retard."
    ) in alice.text
    bruno = MailingRecipient.objects.get(mailing=prepared, student=world.bruno)
    assert bruno.guardian == world.teacher_french
    assert "Du 1 septembre 2026 au 17 novembre 2026 : aucune absence ni aucun retard." in bruno.text
    assert (prepared.students_count, prepared.letters_count, prepared.unreachable_count) == (2, 2, 0)
    assert not mail.outbox and not Delivery.objects.exists()  # nothing leaves at preparation


def test_threshold_selects_students_over_it_in_the_date_range(world, template, record):
    prepared = prepare(world, template, kind="threshold", threshold=3)
    assert list(prepared.recipients.values_list("student__first_name", flat=True)) == ["Alice"]
    prepared = prepare(world, template, kind="threshold", threshold=1)
    # Chloé has two guardians: two letters.
    assert sorted(prepared.recipients.values_list("student__first_name", flat=True)) == [
        "Alice",
        "Chloé",
        "Chloé",
    ]
    with pytest.raises(EmptySelection):
        prepare(world, template, kind="threshold", threshold=10)


def test_hand_picked_students_must_be_current_students_of_the_establishment(world, template):
    prepared = prepare(world, template, kind="students", students=[world.chloe.public_id])
    assert prepared.recipients.count() == 2
    with pytest.raises(ValidationFailed):
        prepare(world, template, kind="students", students=[world.dossou.public_id])
    with pytest.raises(ValidationFailed):
        prepare(world, template, kind="class", school_class=world.sixieme.public_id)


def test_unreachable_families_by_email_and_by_sms(world, template):
    world.alice_mother.email = ""
    world.alice_mother.save(update_fields=["email"])
    orphan = UserFactory(first_name="Zoé", last_name="Seule")
    enroll(orphan, world.seconde_a)
    by_email = prepare(world, template)
    unreachable = {
        r.student.first_name: r.unreachable_reason for r in by_email.recipients.filter(status="unreachable")
    }
    assert unreachable == {
        "Alice": "Aucune adresse e-mail enregistrée",
        "Zoé": "Aucun responsable légal enregistré",
    }
    # By SMS: Anne Martin has a phone, Fanny Français (Bruno's mother) has none.
    by_sms = prepare(world, template, channel="sms")
    unreachable = {
        r.student.first_name: r.unreachable_reason for r in by_sms.recipients.filter(status="unreachable")
    }
    assert unreachable == {
        "Bruno": "Aucun numéro de téléphone portable enregistré",
        "Zoé": "Aucun responsable légal enregistré",
    }
    assert by_sms.unreachable_count == 2 and by_sms.letters_count == 1
    # By post, everyone: the orphan's letter is addressed to "the legal guardians of".
    by_post = prepare(world, template, channel="pdf")
    assert by_post.unreachable_count == 0 and by_post.letters_count == 3


def test_a_family_that_refused_the_channel_is_unreachable(world, template):
    NotificationPreference.objects.create(
        user=world.teacher_french, kind="schoollife.letter", channel="email", mode="never"
    )
    prepared = prepare(world, template)
    refused = prepared.recipients.get(status="unreachable")
    assert (
        refused.student == world.bruno
        and refused.unreachable_reason == "A choisi de ne pas recevoir les courriers par e-mail"
    )


# --- sending -------------------------------------------------------------------------------------
def test_email_letters_leave_once(world, template, record, django_capture_on_commit_callbacks):
    prepared = prepare(world, template)
    with django_capture_on_commit_callbacks(execute=True):
        mailing.send_mailing(actor=world.cpe, mailing=prepared)
    with django_capture_on_commit_callbacks(execute=True):
        again = mailing.send_mailing(actor=world.cpe, mailing=Mailing.objects.get(pk=prepared.pk))
    assert again.is_sent and again.sent_by == world.cpe
    assert sorted(m.to[0] for m in mail.outbox) == ["anne.martin@example.org", "fanny.francais@example.org"]
    letter = next(m for m in mail.outbox if m.to == ["anne.martin@example.org"])
    assert (
        letter.subject == "Absences de Alice"
        and "Alice Martin (2nde A) compte 4 demi-journées" in letter.body
    )
    assert Delivery.objects.filter(status="sent", channel="email").count() == 2
    assert Notification.objects.filter(kind="schoollife.letter", recipient=world.alice_mother).count() == 1
    assert {mailing.outcome_of(r) for r in prepared.recipients.select_related("delivery")} == {"sent"}
    assert AuditEvent.objects.filter(action="schoollife.mailing_sent").count() == 1


def test_sms_letters_go_through_the_gateway_with_the_budget(
    world, template, record, django_capture_on_commit_callbacks
):
    prepared = prepare(world, template, channel="sms", kind="threshold", threshold=1)
    with django_capture_on_commit_callbacks(execute=True):
        mailing.send_mailing(actor=world.cpe, mailing=prepared)
    assert sorted(m["to"] for m in sms.outbox) == ["+33612345678", "+33612345678", "+33698765432"]
    assert "Carnet: Alice a 3 demi-journees non justifiees." in [m["text"] for m in sms.outbox]
    assert Delivery.objects.filter(channel="sms", status="sent").count() == 3


def test_quiet_hours_hold_the_letters_for_the_morning(
    world, template, record, time_machine, django_capture_on_commit_callbacks
):
    from carnet.schoollife.tests.helpers import PARIS

    prepared = prepare(world, template)
    time_machine.move_to(dt.datetime(2026, 11, 17, 21, 30, tzinfo=PARIS), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        mailing.send_mailing(actor=world.cpe, mailing=prepared)
    assert not mail.outbox
    letters_now = list(prepared.recipients.select_related("delivery"))
    assert {mailing.outcome_of(r) for r in letters_now} == {"pending"}
    assert "heures calmes" in mailing.outcome_detail(letters_now[0])


def test_printed_letters_make_one_pdf_page_per_guardian(world, template, record, login):
    prepared = prepare(world, template, channel="pdf", kind="threshold", threshold=1)
    client = login(world.cpe)
    assert (
        client.get(reverse("schoollife:mailing_pdf", args=[prepared.public_id])).status_code == 404
    )  # not yet sent
    client.post(reverse("schoollife:mailing_send", args=[prepared.public_id]))
    response = client.get(reverse("schoollife:mailing_pdf", args=[prepared.public_id]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"].startswith("attachment;")
        and response["X-Content-Type-Options"] == "nosniff"
    )
    content = response.content
    assert content.startswith(b"%PDF")
    assert len(re.findall(rb"/Type /Page\b", content)) == 3
    assert set(prepared.recipients.values_list("status", flat=True)) == {"sent"}
    assert not Delivery.objects.exists()


# --- the pages -----------------------------------------------------------------------------------
def test_template_pages(world, login):
    client = login(world.cpe)
    page = client.get(reverse("schoollife:template_new"))
    assert page.status_code == 200 and "{demi_journees_non_justifiees}" in page.content.decode()
    refused = client.post(
        reverse("schoollife:template_new"),
        {
            "etablissement": str(world.lycee.public_id),
            "name": "Convocation",
            "subject": "Convocation",
            "body": "Bonjour {parent}",
        },
    )
    assert refused.status_code == 422 and "Champ inconnu : {parent}." in refused.content.decode()
    assert not LetterTemplate.objects.exists()
    created = client.post(
        reverse("schoollife:template_new"),
        {
            "etablissement": str(world.lycee.public_id),
            "name": "Convocation",
            "subject": "Convocation",
            "body": "Bonjour, {prenom}",
        },
    )
    assert created.status_code == 302
    template = LetterTemplate.objects.get()
    edit = client.post(
        reverse("schoollife:template_edit", args=[template.public_id]),
        {
            "etablissement": str(world.lycee.public_id),
            "name": "Convocation",
            "subject": "Convocation de {prenom}",
            "body": "Bonjour",
        },
    )
    assert edit.status_code == 302 and LetterTemplate.objects.get().subject == "Convocation de {prenom}"
    client.post(reverse("schoollife:template_delete", args=[template.public_id]))
    assert not LetterTemplate.objects.exists()


def test_mailing_journey_on_the_pages(world, template, record, login, django_capture_on_commit_callbacks):
    world.teacher_french.email = ""
    world.teacher_french.save(update_fields=["email"])
    client = login(world.cpe)
    form = client.get(
        reverse("schoollife:mailing_new"), {"selection": "students", "eleves": [str(world.alice.public_id)]}
    )
    assert form.status_code == 200 and "MARTIN Alice" in form.content.decode()
    response = client.post(
        reverse("schoollife:mailing_new"),
        {
            "template": str(template.public_id),
            "channel": "email",
            "selection": "class",
            "classe": str(world.seconde_a.public_id),
            "starts_on": "2026-09-01",
            "ends_on": "2026-11-17",
        },
    )
    assert response.status_code == 302
    prepared = Mailing.objects.get()
    preview = client.get(response.url).content.decode()
    assert "Familles injoignables par ce canal" in preview and "Aucune adresse e-mail enregistrée" in preview
    assert "FRANÇAIS Bruno" in preview and "Alice Martin (2nde A) compte 4 demi-journées" in preview
    assert "Envoyer la lettre" in preview
    send = reverse("schoollife:mailing_send", args=[prepared.public_id])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(send)
        second = client.post(send, follow=True)  # a double click
    assert "rien n&#x27;a été envoyé une seconde fois" in second.content.decode()
    assert len(mail.outbox) == 1
    status = client.get(reverse("schoollife:mailing", args=[prepared.public_id])).content.decode()
    assert "Partie" in status and "Envoyé le" in status


def test_bad_mailing_form_says_why(world, template, login):
    client = login(world.cpe)
    response = client.post(
        reverse("schoollife:mailing_new"),
        {
            "template": str(template.public_id),
            "channel": "email",
            "selection": "threshold",
            "seuil": "50",
            "starts_on": "2026-11-17",
            "ends_on": "2026-09-01",
        },
    )
    assert (
        response.status_code == 422
        and "La date de fin précède la date de début." in response.content.decode()
    )
    empty = client.post(
        reverse("schoollife:mailing_new"),
        {
            "template": str(template.public_id),
            "channel": "email",
            "selection": "threshold",
            "seuil": "50",
            "starts_on": "2026-09-01",
            "ends_on": "2026-11-17",
        },
    )
    assert (
        empty.status_code == 422 and "Aucun élève ne correspond à cette sélection" in empty.content.decode()
    )
    assert not Mailing.objects.exists()


def test_discarding_a_draft(world, template, login):
    prepared = prepare(world, template)
    login(world.cpe).post(reverse("schoollife:mailing_discard", args=[prepared.public_id]))
    assert not Mailing.objects.exists()


@pytest.mark.parametrize(
    "who", ["teacher_maths", "teacher_french", "alice_mother", "alice", "secretary", "outsider"]
)
def test_mailing_pages_are_404_for_others(world, template, login, who):
    prepared = prepare(world, template)
    client = login(getattr(world, who))
    for name in ("schoollife:mailings", "schoollife:mailing_new", "schoollife:template_new"):
        assert client.get(reverse(name)).status_code == 404, name
    assert client.get(reverse("schoollife:mailing", args=[prepared.public_id])).status_code == 404
    assert client.get(reverse("schoollife:template_edit", args=[template.public_id])).status_code == 404
    assert client.post(reverse("schoollife:mailing_send", args=[prepared.public_id])).status_code == 404
    assert client.post(reverse("schoollife:template_delete", args=[template.public_id])).status_code == 404
    assert Mailing.objects.get().status == "draft" and LetterTemplate.objects.exists() and not mail.outbox


def test_mailing_pages_query_counts_do_not_grow(
    world, template, login, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    for n in range(15):
        student = UserFactory(first_name=f"Élève{n}", last_name="Courrier")
        enroll(student, world.seconde_a)
        guard(
            UserFactory(first_name=f"Parent{n}", last_name="Courrier", phone=f"+3361000{n:04d}"),
            student,
            world.lycee,
        )
    prepared = prepare(world, template)
    sent = prepare(world, template, channel="sms")
    with django_capture_on_commit_callbacks(execute=True):
        mailing.send_mailing(actor=world.cpe, mailing=sent)
    assert len(sms.outbox) == 16
    client = login(world.cpe)
    client.get(reverse("schoollife:mailings"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("schoollife:mailing", args=[prepared.public_id])).status_code == 200
    with django_assert_max_num_queries(13):
        assert client.get(reverse("schoollife:mailing", args=[sent.public_id])).status_code == 200
    with django_assert_max_num_queries(11):
        assert client.get(reverse("schoollife:mailings")).status_code == 200


# --- the API -------------------------------------------------------------------------------------
API = "/api/v1/schoollife"


def test_api_templates_and_mailing(world, template, record, login, django_capture_on_commit_callbacks):
    client = login(world.cpe)
    assert [t["name"] for t in client.get(f"{API}/templates").json()] == ["Absences"]
    bad = client.post(
        f"{API}/templates", {"name": "X", "subject": "{sujet}", "body": "B"}, content_type="application/json"
    )
    assert bad.status_code == 422 and bad.json()["code"] == "unknown_placeholder"
    assert bad.json()["details"]["placeholders"] == ["{sujet}"]
    payload = {
        "template": str(template.public_id),
        "channel": "sms",
        "selection": "class",
        "school_class": str(world.seconde_a.public_id),
        "starts_on": "2026-09-01",
        "ends_on": "2026-11-17",
    }
    created = client.post(f"{API}/mailings", payload, content_type="application/json")
    assert created.status_code == 201
    body = created.json()
    assert body["status"] == "draft" and [u["student_name"] for u in body["unreachable"]] == [
        "FRANÇAIS Bruno"
    ]
    assert body["unreachable"][0]["detail"] == "Aucun numéro de téléphone portable enregistré"
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"{API}/mailings/{body['id']}/send").json()
        again = client.post(f"{API}/mailings/{body['id']}/send").json()
    assert sent["status"] == again["status"] == "sent" and len(sms.outbox) == 1
    assert client.get(f"{API}/mailings/{body['id']}").json()["letters"][0]["status"] == "sent"
    empty = client.post(
        f"{API}/mailings",
        {**payload, "selection": "threshold", "threshold": 40},
        content_type="application/json",
    )
    assert empty.status_code == 422 and empty.json()["code"] == "empty_selection"


@pytest.mark.parametrize("who", ["teacher_maths", "alice_mother", "outsider"])
def test_api_mailing_is_404_for_others(world, template, login, who):
    prepared = prepare(world, template)
    client = login(getattr(world, who))
    assert client.get(f"{API}/templates").json() == []
    assert client.get(f"{API}/mailings/{prepared.public_id}").status_code == 404
    assert client.post(f"{API}/mailings/{prepared.public_id}/send").status_code == 404
    payload = {
        "template": str(template.public_id),
        "channel": "email",
        "selection": "class",
        "school_class": str(world.seconde_a.public_id),
        "starts_on": "2026-09-01",
        "ends_on": "2026-11-17",
    }
    assert client.post(f"{API}/mailings", payload, content_type="application/json").status_code == 404
    assert client.delete(f"{API}/templates/{template.public_id}").status_code == 404
    assert Mailing.objects.get().status == "draft" and LetterTemplate.objects.count() == 1
