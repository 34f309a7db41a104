"""The family pages of marks: who sees what (/notes/, the explanations, the what-if), publication
moments, class statistics per the profile, the home widgets and the query ceiling."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from carnet.grades.models import GradingProfile, Mark
from carnet.grades.profiles import profile_for
from carnet.school.models import Period, TeachingAssignment
from carnet.testing import grades as g

MARKS = reverse("grades:marks")


@pytest.fixture
def marks(world):
    """Trimestre 1: maths of 2nde A (alice 12/20 coef 2 and 7,5/10; bruno 8/20 and 5/10) and maths
    of 2nde B (chloe 15/20)."""
    t1 = world.periods[0]
    maths_a = TeachingAssignment.objects.get(teacher=world.teacher_maths, school_class=world.seconde_a)
    maths_b = TeachingAssignment.objects.get(teacher=world.teacher_maths, school_class=world.seconde_b)
    control = g.assessment(maths_a, t1, title="Contrôle fonctions", coefficient="2", held_on=dt.date(2026, 10, 5))
    quiz = g.assessment(maths_a, t1, title="Interro vecteurs", scale="10", kind="interrogation", held_on=dt.date(2026, 10, 12))
    g.mark(control, world.alice, "12", comment="Bon travail sur les variations")
    g.mark(quiz, world.alice, "7.5")
    g.mark(control, world.bruno, "8", comment="Commentaire pour Bruno seulement")
    g.mark(quiz, world.bruno, "5")
    chloe_test = g.assessment(maths_b, t1, title="Devoir de Chloé", held_on=dt.date(2026, 10, 7))
    g.mark(chloe_test, world.chloe, "15")
    return {"control": control, "quiz": quiz, "chloe_test": chloe_test, "maths_a": maths_a}


def explain_url(world, subject=None, period=None):
    return reverse("grades:explain", args=[(subject or world.maths).public_id, (period or world.periods[0]).public_id])


# --- who sees what -------------------------------------------------------------------------------------
def test_student_sees_her_own_marks_with_class_statistics(world, marks, login):
    response = login(world.alice).get(MARKS)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Mes notes" in page
    assert "Contrôle fonctions" in page and "Bon travail sur les variations" in page
    assert "Commentaire pour Bruno" not in page  # bruno's comment is his
    assert "Devoir de Chloé" not in page  # another class
    assert "Moyenne de la classe" in page
    assert "classe : 10" in page  # class mean of the control: (12 + 8) / 2
    assert "Comment est calculée cette moyenne ?" in page
    assert explain_url(world) in page
    assert "Trimestre 1" in page and 'aria-current="page">Trimestre 1' in page


def test_guardian_sees_each_of_her_children_and_no_other(world, marks, login):
    client = login(world.alice_mother)
    alice = client.get(MARKS + f"?child={world.alice.public_id}")
    assert alice.status_code == 200
    assert "Notes d’Alice" in alice.content.decode() and "Contrôle fonctions" in alice.content.decode()
    chloe = client.get(MARKS + f"?child={world.chloe.public_id}")
    assert chloe.status_code == 200
    assert "Devoir de Chloé" in chloe.content.decode() and "Contrôle fonctions" not in chloe.content.decode()
    # The switcher offers both children; the choice is kept for the next visit.
    assert f"?child={world.alice.public_id}" in chloe.content.decode()
    assert "Devoir de Chloé" in client.get(MARKS).content.decode()
    assert client.get(MARKS + f"?child={world.bruno.public_id}").status_code == 404


@pytest.mark.parametrize(
    ("who", "child"),
    [("chloe_father", "alice"), ("dossou_parent", "alice"), ("teacher_french", "alice"), ("outsider", "alice"), ("alice", "chloe")],
)
def test_a_child_that_is_not_yours_is_not_found(world, marks, login, who, child):
    client = login(getattr(world, who))
    target = getattr(world, child)
    assert client.get(MARKS + f"?child={target.public_id}").status_code == 404
    assert client.get(explain_url(world) + f"?child={target.public_id}").status_code == 404
    general = reverse("grades:explain_general", args=[world.periods[0].public_id])
    assert client.get(general + f"?child={target.public_id}").status_code == 404


def test_chloe_father_sees_chloe_only(world, marks, login):
    page = login(world.chloe_father).get(MARKS).content.decode()
    assert "Devoir de Chloé" in page and "Contrôle fonctions" not in page
    assert 'aria-label="Choisir l’enfant"' not in page  # one child: no switcher


@pytest.mark.parametrize("who", ["teacher_maths", "outsider", "head"])
def test_people_without_a_family_side_get_404(world, marks, login, who):
    assert login(getattr(world, who)).get(MARKS).status_code == 404


def test_bad_child_or_period_is_404(world, marks, login):
    client = login(world.alice_mother)
    assert client.get(MARKS + "?child=not-a-uuid").status_code == 404
    assert client.get(MARKS + "?period=not-a-uuid").status_code == 404
    ceg_period = Period.objects.create(
        establishment=world.ceg, school_year=world.ceg_year, kind="semester", number=1, name="Semestre 1",
        starts_on=dt.date(2026, 10, 1), ends_on=dt.date(2027, 2, 15),
    )
    assert client.get(MARKS + f"?period={ceg_period.public_id}").status_code == 404
    assert login(world.alice).get(explain_url(world, period=ceg_period)).status_code == 404


def test_explanation_of_a_subject_the_student_does_not_take_is_404(world, marks, login):
    assert login(world.alice).get(explain_url(world, subject=world.french)).status_code == 404


def test_teacher_parent_sees_her_son_as_a_guardian(world, marks, login):
    page = login(world.teacher_french).get(MARKS).content.decode()
    assert "Notes de Bruno" in page and "Commentaire pour Bruno seulement" in page


# --- publication -------------------------------------------------------------------------------------
def test_unpublished_marks_are_hidden_from_families(world, marks, login):
    hidden = g.assessment(marks["maths_a"], world.periods[0], title="Pas encore rendu", published=False)
    g.mark(hidden, world.alice, "3")
    for client, query in ((login(world.alice), ""), (login(world.alice_mother), f"?child={world.alice.public_id}")):
        page = client.get(MARKS + query).content.decode()
        assert "Pas encore rendu" not in page
        explain = client.get(explain_url(world) + query).content.decode()
        assert "Pas encore rendu" not in explain
        assert "= 13</li>" in explain  # the hidden 3 does not count either


def test_guardians_see_a_mark_after_their_delay(world, marks, login):
    now = timezone.now()
    later = g.assessment(marks["maths_a"], world.periods[0], title="Devoir surprise")
    later.published_at = now - dt.timedelta(hours=1)
    later.guardians_published_at = now + dt.timedelta(hours=24)
    later.save(update_fields=["published_at", "guardians_published_at"])
    g.mark(later, world.alice, "18")
    assert "Devoir surprise" in login(world.alice).get(MARKS).content.decode()
    mother = login(world.alice_mother)
    assert "Devoir surprise" not in mother.get(MARKS + f"?child={world.alice.public_id}").content.decode()
    with time_machine.travel(now + dt.timedelta(hours=25)):
        mother = login(world.alice_mother)  # a new sign-in: the old session has expired
        page = mother.get(MARKS + f"?child={world.alice.public_id}").content.decode()
    assert "Devoir surprise" in page


def test_new_badge_lasts_seven_days(world, marks, login):
    assert "Nouveau" in login(world.alice).get(MARKS).content.decode()
    with time_machine.travel(timezone.now() + dt.timedelta(days=8)):
        assert "Nouveau" not in login(world.alice).get(MARKS + f"?period={world.periods[0].public_id}").content.decode()


# --- statistics and the profile ----------------------------------------------------------------------------
def test_class_statistics_hidden_when_the_profile_says_so(world, marks, login):
    profile = profile_for(world.lycee)
    profile.stats_visible_to_families = False
    profile.save(update_fields=["stats_visible_to_families"])
    client = login(world.alice)
    page = client.get(MARKS).content.decode()
    assert "Moyenne de la classe" not in page and "classe : 10" not in page
    explain = client.get(explain_url(world)).content.decode()
    assert "Moyenne de la classe" not in explain


def test_rank_shown_when_enabled(world, marks, login):
    profile = profile_for(world.lycee)
    profile.ranks_enabled = True
    profile.save(update_fields=["ranks_enabled"])
    page = login(world.alice).get(MARKS).content.decode()
    assert "Rang dans la classe" in page
    assert "rang 1 sur 2" in page


# --- explanation and what-if ----------------------------------------------------------------------------
def test_explanation_of_a_known_example(world, marks, login):
    response = login(world.alice).get(explain_url(world))
    assert response.status_code == 200
    page = response.content.decode()
    # 12/20 coef 2 and 7,5/10 (= 15/20) coef 1: (12 × 2 + 15 × 1) / 3 = 13
    assert "Contrôle fonctions : 12 sur 20, coefficient 2" in page
    assert "Interro vecteurs : 7,5 sur 10, soit 15 sur 20, coefficient 1" in page
    assert "Moyenne = (12 × 2 + 15 × 1) / (2 + 1) = 39 / 3 = 13" in page
    assert "Dans votre établissement" in page
    assert "Une note manquante n&#x27;est pas comptée." in page or "Une note manquante n'est pas comptée." in page


def test_explanation_names_the_missing_mark_rule(world, marks, login):
    profile = profile_for(world.lycee)
    profile.missing_mark = GradingProfile.Missing.ZERO
    profile.save(update_fields=["missing_mark"])
    page = login(world.alice).get(explain_url(world)).content.decode()
    assert "Une note manquante compte 0." in page


def test_general_explanation(world, marks, login):
    url = reverse("grades:explain_general", args=[world.periods[0].public_id])
    page = login(world.alice_mother).get(url + f"?child={world.alice.public_id}").content.decode()
    assert "Moyenne générale" in page and "Mathématiques" in page
    assert "la moyenne générale est la moyenne des moyennes des matières" in page
    assert "13" in page


def test_what_if_shows_new_averages_and_saves_nothing(world, marks, login):
    client = login(world.alice)
    before = Mark.objects.count()
    url = explain_url(world) + "?note=16&sur=20&type=devoir&coefficient=1"
    partial = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="what-if-result")
    assert partial.status_code == 200
    text = partial.content.decode()
    assert "<html" not in text
    # (12 × 2 + 15 + 16) / 4 = 13,75
    assert "13,75" in text and "+0,75" in text
    full = client.get(url).content.decode()
    assert "<html" in full and "13,75" in full
    assert Mark.objects.count() == before


def test_what_if_accepts_a_comma_and_refuses_a_mark_over_the_scale(world, marks, login):
    client = login(world.alice_mother)
    base = explain_url(world) + f"?child={world.alice.public_id}&sur=20&type=interrogation&coefficient=1"
    assert "<strong>" in client.get(base + "&note=12,5", HTTP_HX_REQUEST="true").content.decode()
    refused = client.get(base + "&note=23", HTTP_HX_REQUEST="true").content.decode()
    assert "La note 23 dépasse le barème (sur 20)." in refused


def test_what_if_for_someone_elses_child_is_404(world, marks, login):
    url = explain_url(world) + f"?child={world.alice.public_id}&note=16&sur=20&type=devoir&coefficient=1"
    assert login(world.chloe_father).get(url, HTTP_HX_REQUEST="true").status_code == 404


# --- home widgets and navigation ---------------------------------------------------------------------------
def test_latest_marks_widget_for_student_and_guardian(world, marks, login):
    student_home = login(world.alice).get(reverse("portal:home") + "?vue=student").content.decode()
    assert "Dernières notes" in student_home and "Interro vecteurs" in student_home
    guardian_home = login(world.chloe_father).get(reverse("portal:home") + "?vue=guardian").content.decode()
    assert "Dernières notes" in guardian_home and "Devoir de Chloé" in guardian_home
    assert "Contrôle fonctions" not in guardian_home


def test_latest_marks_widget_empty_state(world, login):
    page = login(world.dossou_parent).get(reverse("portal:home") + "?vue=guardian").content.decode()
    assert "Dernières notes" in page and "Pas encore de note" in page


def test_navigation_entry_for_families_only(world, login):
    assert f'href="{MARKS}"' in login(world.alice).get(reverse("portal:home")).content.decode()
    assert f'href="{MARKS}"' in login(world.chloe_father).get(reverse("portal:home")).content.decode()
    assert f'href="{MARKS}"' not in login(world.head).get(reverse("portal:home")).content.decode()


# --- cost ---------------------------------------------------------------------------------------------
def _add_assessments(world, marks, count, start):
    for n in range(count):
        a = g.assessment(marks["maths_a"], world.periods[0], title=f"Éval {start + n}", held_on=dt.date(2026, 9, 10) + dt.timedelta(days=start + n))
        g.mark(a, world.alice, str(10 + n % 8))
        g.mark(a, world.bruno, "absent" if n % 3 == 0 else "9")


def test_marks_page_query_count_stays_constant(world, marks, login, django_assert_max_num_queries):
    client = login(world.alice_mother)
    url = MARKS + f"?child={world.alice.public_id}"
    client.get(url)  # warm the session and caches
    with django_assert_max_num_queries(25) as small:
        assert client.get(url).status_code == 200
    _add_assessments(world, marks, 20, 0)
    with django_assert_max_num_queries(25) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_a_student_without_class_sees_an_empty_state(world, login):
    from carnet.school.models import Enrollment

    Enrollment.objects.filter(student=world.alice).update(ends_on=dt.date(2026, 9, 30))
    response = login(world.alice_mother).get(MARKS + f"?child={world.alice.public_id}")
    assert response.status_code == 200
    assert "Pas de classe cette année" in response.content.decode() or "Pas encore de période" in response.content.decode()
    assert Decimal("1")  # keeps the import used when the message changes


def test_beninese_explanation_names_the_formula_and_the_rank(world, login):
    semester = Period.objects.create(
        establishment=world.ceg, school_year=world.ceg_year, kind="semester", number=1, name="Semestre 1",
        starts_on=dt.date(2026, 10, 1), ends_on=dt.date(2027, 2, 15),
    )
    maths = TeachingAssignment.objects.get(teacher=world.outsider, school_class=world.sixieme)
    for title, kind, value in (("Interro 1", "interrogation", "12"), ("Interro 2", "interrogation", "14"), ("Devoir 1", "devoir", "10")):
        g.mark(g.assessment(maths, semester, title=title, kind=kind, held_on=dt.date(2026, 10, 20)), world.dossou, value)
    client = login(world.dossou_parent)
    page = client.get(MARKS).content.decode()
    assert "Notes de Koffi" in page and "11,5" in page
    assert "rang 1 sur 1" in page.lower()
    explain = client.get(reverse("grades:explain", args=[maths.subject.public_id, semester.public_id])).content.decode()
    assert "(MI + somme des devoirs)" in explain
    assert "Moyenne = (MI + D1) / 2 = (13 + 10) / 2 = 11,5" in explain


def test_evolution_over_the_periods_of_the_year(world, marks, login):
    t2 = world.periods[1]
    late = g.assessment(marks["maths_a"], t2, title="Devoir de janvier", held_on=dt.date(2027, 1, 10))
    g.mark(late, world.alice, "16")
    g.mark(late, world.bruno, "10")
    with time_machine.travel(dt.datetime(2027, 1, 15, 12, 0, tzinfo=dt.UTC)):
        page = login(world.alice).get(MARKS).content.decode()
    assert 'aria-current="page">Trimestre 2' in page
    assert "Moyenne générale par période" in page
    # The chart's description gives each period's average and the class mean: bruno has
    # (8 × 2 + 10) / 3 = 8,67 in T1, so the class mean is (13 + 8,67) / 2 = 10,84.
    assert "Trimestre 1 : 13; Trimestre 2 : 16" in page
    assert "Moyenne de la classe : Trimestre 1 10,84; Trimestre 2 13" in page
