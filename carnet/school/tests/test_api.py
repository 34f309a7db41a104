"""The school endpoints of the API: me, my children, my classes, the directory and a class's
students. Each is tried by an allowed person, a refused one and the outsider of the other
establishment; lists keep a constant number of queries as data grows."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from carnet.school import models as school
from carnet.testing.factories import UserFactory, enroll, guard

ME = "/api/v1/me"
CHILDREN = "/api/v1/me/children"
CLASSES = "/api/v1/me/classes"
DIRECTORY = "/api/v1/directory"


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()


def students_url(school_class) -> str:
    return f"/api/v1/classes/{school_class.public_id}/students"


def get(login, user, url, **params):
    return login(user).get(url, params)


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "details"} and body["code"] == code
    return body


def names(items) -> list[str]:
    return [item["full_name"] for item in items]


def count_queries(fn) -> int:
    """Queries of `fn()`, measured after a first call has paid the session's one-off costs."""
    fn()
    with CaptureQueriesContext(connection) as queries:
        fn()
    return len(queries)


# --- me -----------------------------------------------------------------------------------------
def test_me_describes_a_teacher(login, world):
    body = get(login, world.teacher_maths, ME).json()
    assert body["id"] == str(world.teacher_maths.public_id)
    assert body["full_name"] == "MATHS Marc"
    assert body["sides"] == ["teacher"]
    [lycee] = body["establishments"]
    assert lycee["id"] == str(world.lycee.public_id) and lycee["country"] == "FR"
    assert lycee["functions"] == [{"kind": "teacher", "label": "Enseignant"}]
    assert lycee["is_student"] is False and lycee["is_guardian"] is False
    assert lycee["national_id_label"] == "INE"


def test_me_shows_every_side_of_a_teacher_who_is_a_parent(login, world):
    body = get(login, world.teacher_french, ME).json()
    assert body["sides"] == ["teacher", "guardian"]
    [lycee] = body["establishments"]
    assert lycee["is_guardian"] is True


@pytest.mark.parametrize(
    ("person", "sides", "student"),
    [("head", ["staff"], False), ("alice", ["student"], True), ("alice_mother", ["guardian"], False)],
)
def test_me_sides(login, world, person, sides, student):
    body = get(login, getattr(world, person), ME).json()
    assert body["sides"] == sides
    assert [e["is_student"] for e in body["establishments"]] == [student]


def test_me_of_the_outsider_shows_only_their_establishment(login, world):
    body = get(login, world.outsider, ME).json()
    assert [e["name"] for e in body["establishments"]] == ["CEG Akpakpa"]
    assert body["establishments"][0]["national_id_label"] == "Matricule EducMaster"


def test_me_requires_authentication(client, world):
    assert_error(client.get(ME), 401, "unauthenticated")


# --- my children --------------------------------------------------------------------------------
def test_a_guardian_gets_their_children_with_class_and_national_id(login, world):
    response = get(login, world.alice_mother, CHILDREN)
    assert response.status_code == 200
    children = response.json()
    assert names(children) == ["MARTIN Alice", "DURAND Chloé"]
    alice, chloe = children
    assert alice["id"] == str(world.alice.public_id)
    assert alice["school_class"] == {
        "id": str(world.seconde_a.public_id),
        "name": "2nde A",
        "level": "Seconde",
    }
    assert alice["establishment"]["code"] == "0750001A"
    assert alice["national_id"] == "123456789AA" and alice["national_id_label"] == "INE"
    assert alice["relationship"] == "mother" and alice["birth_date"] == "2010-05-04"
    assert chloe["school_class"]["name"] == "2nde B"


def test_a_guardian_in_benin_gets_the_educmaster_matricule(login, world):
    [child] = get(login, world.dossou_parent, CHILDREN).json()
    assert child["national_id"] == "BJ2026000001"
    assert child["national_id_label"] == "Matricule EducMaster"
    assert child["relationship"] == "father"


def test_a_child_who_left_is_listed_without_a_class(login, world):
    enrollment = school.Enrollment.objects.get(student=world.alice)
    enrollment.ends_on = timezone.localdate() - dt.timedelta(days=1)
    enrollment.save(update_fields=["ends_on"])
    alice = get(login, world.alice_mother, CHILDREN).json()[0]
    assert alice["full_name"] == "MARTIN Alice"
    assert alice["school_class"] is None and alice["national_id"] == ""
    assert alice["establishment"]["code"] == "0750001A"


@pytest.mark.parametrize("person", ["teacher_maths", "alice", "outsider"])
def test_my_children_is_refused_to_non_guardians(login, world, person):
    body = assert_error(get(login, getattr(world, person), CHILDREN), 403, "forbidden")
    assert body["message"] == "Cette liste est réservée aux responsables d'élèves."


def test_my_children_in_english(login, world):
    response = login(world.teacher_maths).get(CHILDREN, headers={"Accept-Language": "en"})
    assert assert_error(response, 403, "forbidden")["message"] == "This list is for students' guardians only."


# --- my classes ---------------------------------------------------------------------------------
def test_a_teacher_gets_their_classes_with_student_counts(login, world):
    rows = get(login, world.teacher_maths, CLASSES).json()
    assert [
        (r["school_class"]["name"], r["subject"]["name"], r["student_count"], r["is_main_teacher"])
        for r in rows
    ] == [
        ("2nde A", "Mathématiques", 2, True),
        ("2nde B", "Mathématiques", 1, False),
    ]
    assert rows[0]["group"] is None
    assert rows[0]["coefficient"] == "4.00"
    assert rows[0]["establishment"]["id"] == str(world.lycee.public_id)


def test_a_group_counts_its_own_students(login, world):
    latin = school.TeachingGroup.objects.create(
        establishment=world.lycee, school_year=world.year, name="Latin"
    )
    latin.classes.set([world.seconde_a, world.seconde_b])
    latin.students.set([world.alice, world.chloe])
    school.TeachingAssignment.objects.create(
        establishment=world.lycee,
        school_year=world.year,
        teacher=world.teacher_french,
        group=latin,
        subject=world.french,
    )
    rows = get(login, world.teacher_french, CLASSES).json()
    group_row = next(r for r in rows if r["group"])
    assert group_row["school_class"] is None
    assert group_row["group"]["name"] == "Latin"
    assert [c["name"] for c in group_row["group"]["classes"]] == ["2nde A", "2nde B"]
    assert group_row["student_count"] == 2


def test_the_outsider_sees_only_their_own_classes(login, world):
    rows = get(login, world.outsider, CLASSES).json()
    assert [(r["school_class"]["name"], r["student_count"]) for r in rows] == [("6e M1", 1)]


@pytest.mark.parametrize("person", ["alice", "alice_mother", "cpe"])
def test_my_classes_is_refused_to_non_teachers(login, world, person):
    assert_error(get(login, getattr(world, person), CLASSES), 403, "forbidden")


def test_my_classes_costs_the_same_with_more_classes(login, world, django_assert_max_num_queries):
    browser = login(world.teacher_maths)
    baseline = count_queries(lambda: browser.get(CLASSES))
    assert baseline <= 8  # session, user, roles (4), assignments with counts
    for n in range(8):
        extra = school.SchoolClass.objects.create(
            establishment=world.lycee, school_year=world.year, name=f"1re {n}"
        )
        school.TeachingAssignment.objects.create(
            establishment=world.lycee,
            school_year=world.year,
            teacher=world.teacher_maths,
            school_class=extra,
            subject=world.maths,
        )
        enroll(UserFactory(), extra)
    with django_assert_max_num_queries(baseline):
        rows = browser.get(CLASSES).json()
    assert len(rows) == 10


# --- directory ----------------------------------------------------------------------------------
def test_a_teacher_finds_students_and_guardians_by_folded_name(login, world):
    body = get(login, world.teacher_maths, DIRECTORY, q="MARTIN").json()
    assert body["count"] == 2
    alice, anne = body["items"]
    assert alice["full_name"] == "MARTIN Alice" and alice["school_class"]["name"] == "2nde A"
    assert anne["full_name"] == "MARTIN Anne" and anne["school_class"] is None
    assert sorted(names(anne["guardian_of"])) == ["DURAND Chloé", "MARTIN Alice"]


def test_search_ignores_accents_and_needs_every_word(login, world):
    body = get(login, world.head, DIRECTORY, q="chloe DUR").json()
    assert names(body["items"]) == ["DURAND Chloé"]
    body = get(login, world.alice, DIRECTORY, q="FRANÇ").json()
    assert names(body["items"]) == ["FRANÇAIS Bruno", "FRANÇAIS Fanny"]
    fanny = body["items"][1]
    assert fanny["functions"] == [
        {
            "kind": "teacher",
            "label": "Enseignant",
            "establishment": {
                "id": str(world.lycee.public_id),
                "code": "0750001A",
                "name": "Lycée Victor-Hugo",
                "country": "FR",
            },
        }
    ]


def test_a_guardian_is_shown_with_the_children_the_searcher_may_see_only(login, world):
    # Fanny teaches 2nde B (Chloé) and is Bruno's parent: she does not see Alice, Anne's other child.
    body = get(login, world.teacher_french, DIRECTORY, q="martin").json()
    assert names(body["items"]) == ["MARTIN Anne"]
    assert names(body["items"][0]["guardian_of"]) == ["DURAND Chloé"]


def test_a_student_does_not_find_students_of_other_classes(login, world):
    assert get(login, world.alice, DIRECTORY, q="durand").json() == {"items": [], "count": 0}


def test_the_outsider_finds_nobody_of_the_other_establishment(login, world):
    assert get(login, world.outsider, DIRECTORY, q="martin").json()["count"] == 0
    body = get(login, world.outsider, DIRECTORY, q="dossou").json()
    assert names(body["items"]) == ["DOSSOU Afi", "DOSSOU Koffi"]


def test_the_directory_is_paginated(login, world):
    first = get(login, world.head, DIRECTORY, q="ma", page_size=2).json()
    second = get(login, world.head, DIRECTORY, q="ma", page_size=2, page=2).json()
    assert first["count"] == second["count"] >= 3
    assert len(first["items"]) == 2
    assert not set(names(first["items"])) & set(names(second["items"]))


@pytest.mark.parametrize("params", [{}, {"q": "a"}, {"q": "ma", "page": 0}])
def test_a_bad_query_answers_422_with_the_field(login, world, params):
    body = assert_error(login(world.head).get(DIRECTORY, params), 422, "validation_failed")
    assert {d["field"] for d in body["details"]} <= {"q", "page"}
    assert body["details"]


def test_the_directory_costs_the_same_with_many_people(login, world, django_assert_max_num_queries):
    def add_family(n):
        student = UserFactory(first_name=f"Élève{n}", last_name="Nombreux")
        enroll(student, world.seconde_a if n % 2 else world.seconde_b)
        guard(UserFactory(first_name=f"Parent{n}", last_name="Nombreux"), student, world.lycee)

    add_family(0)
    browser = login(world.head)
    baseline = count_queries(lambda: browser.get(DIRECTORY, {"q": "nombreux"}))
    assert baseline <= 12  # session, user, roles (4), count, page, three prefetches
    for n in range(1, 30):
        add_family(n)
    with django_assert_max_num_queries(baseline):
        body = browser.get(DIRECTORY, {"q": "nombreux"}).json()
    assert body["count"] == 60 and len(body["items"]) == 50
    with django_assert_max_num_queries(baseline):
        parents = browser.get(DIRECTORY, {"q": "nombreux parent"}).json()
    assert parents["count"] == 30 and all(len(p["guardian_of"]) == 1 for p in parents["items"])


# --- a class's students -------------------------------------------------------------------------
def test_the_staff_gets_a_class_list_with_national_ids(login, world):
    response = get(login, world.head, students_url(world.seconde_a))
    assert response.status_code == 200
    students = response.json()
    assert names(students) == ["FRANÇAIS Bruno", "MARTIN Alice"]
    assert [s["national_id"] for s in students] == ["123456789BB", "123456789AA"]
    assert students[1]["id"] == str(world.alice.public_id)
    assert students[1]["enrolled_on"] == "2026-09-01" and students[1]["is_repeating"] is False


def test_a_teacher_gets_the_list_of_a_class_they_teach_without_national_ids(login, world):
    students = get(login, world.teacher_maths, students_url(world.seconde_a)).json()
    assert names(students) == ["FRANÇAIS Bruno", "MARTIN Alice"]
    assert {s["national_id"] for s in students} == {None}
    assert names(get(login, world.teacher_french, students_url(world.seconde_b)).json()) == ["DURAND Chloé"]


def test_a_teacher_of_a_group_gets_the_classes_of_the_group(login, world):
    latin = school.TeachingGroup.objects.create(
        establishment=world.lycee, school_year=world.year, name="Latin"
    )
    latin.classes.set([world.seconde_a])
    school.TeachingAssignment.objects.create(
        establishment=world.lycee,
        school_year=world.year,
        teacher=world.teacher_french,
        group=latin,
        subject=world.french,
    )
    assert get(login, world.teacher_french, students_url(world.seconde_a)).status_code == 200


def test_a_student_who_left_is_not_listed(login, world):
    enrollment = school.Enrollment.objects.get(student=world.bruno)
    enrollment.ends_on = timezone.localdate() - dt.timedelta(days=1)
    enrollment.save(update_fields=["ends_on"])
    assert names(get(login, world.head, students_url(world.seconde_a)).json()) == ["MARTIN Alice"]


@pytest.mark.parametrize(
    ("person", "reason"),
    [
        ("teacher_french", "teaches another class, and is the parent of a student of this one"),
        ("alice", "a student of the class"),
        ("alice_mother", "a guardian of a student of the class"),
        ("outsider", "a teacher of the other establishment"),
    ],
)
def test_a_class_list_outside_ones_scope_answers_404(login, world, person, reason):
    body = assert_error(get(login, getattr(world, person), students_url(world.seconde_a)), 404, "not_found")
    assert body["message"] == "Introuvable.", reason


def test_the_head_cannot_read_a_class_of_another_establishment(login, world):
    assert_error(get(login, world.head, students_url(world.sixieme)), 404, "not_found")


def test_a_missing_class_answers_like_a_hidden_one(login, world):
    missing = get(login, world.head, "/api/v1/classes/00000000-0000-4000-8000-000000000000/students")
    hidden = get(login, world.outsider, students_url(world.seconde_a))
    assert missing.status_code == hidden.status_code == 404
    assert missing.json() == hidden.json()


def test_a_malformed_class_id_answers_422(login, world):
    assert_error(get(login, world.head, "/api/v1/classes/2nde-a/students"), 422, "validation_failed")


def test_a_class_list_costs_the_same_with_many_students(login, world, django_assert_max_num_queries):
    browser = login(world.head)
    url = students_url(world.seconde_a)
    baseline = count_queries(lambda: browser.get(url))
    assert baseline <= 9  # session, user, roles (4), class, enrollments with students
    for n in range(40):
        enroll(UserFactory(), world.seconde_a, national_id=f"NAT{n:08d}")
    with django_assert_max_num_queries(baseline):
        students = browser.get(url).json()
    assert len(students) == 42
