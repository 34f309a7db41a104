import time, random
import pytest
from carnet.school.imports.services import preview_import, apply_import
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

def make(n):
    rnd = random.Random(1)
    lines = ["Matricule;Nom;Prénom;Sexe;Date de naissance;Lieu de naissance;Classe;Redoublant;Responsable 1 Nom;Responsable 1 Prénom;Responsable 1 Lien;Responsable 1 Téléphone;Responsable 1 Courriel;Responsable 2 Nom;Responsable 2 Prénom;Responsable 2 Lien;Responsable 2 Téléphone"]
    for i in range(n):
        cls = f"{rnd.choice(['2nde','1re','Tle'])} {rnd.choice('ABCDEFGHIJKL')}"
        lines.append(f"M{i:08d};Nom{i};Prénom{i};{'FM'[i%2]};{1+i%28:02d}/{1+i%12:02d}/2010;Ville;{cls};N;Parent{i};Mère{i};mère;06{i:08d};p{i}@ex.org;Parent{i};Père{i};père;07{i:08d}")
    return ("\n".join(lines)+"\n").encode("cp1252")

def test_bench(world):
    content = make(1500)
    t=time.perf_counter()
    with CaptureQueriesContext(connection) as q:
        plan = preview_import(actor=world.secretary, establishment=world.lycee, kind="students", file_name="e.csv", content=content)
    print("preview", time.perf_counter()-t, len(q), plan.problems[:3])
    t=time.perf_counter()
    with CaptureQueriesContext(connection) as q:
        apply_import(actor=world.secretary, establishment=world.lycee, kind="students", file_name="e.csv", content=content)
    print("apply", time.perf_counter()-t, len(q))
    t=time.perf_counter()
    with CaptureQueriesContext(connection) as q:
        out = apply_import(actor=world.secretary, establishment=world.lycee, kind="students", file_name="e.csv", content=content)
    print("reapply", time.perf_counter()-t, len(q), out.plan.summary()["counts"])

def test_profile(world):
    import cProfile, pstats
    content = make(1500)
    pr = cProfile.Profile(); pr.enable()
    apply_import(actor=world.secretary, establishment=world.lycee, kind="students", file_name="e.csv", content=content)
    pr.disable()
    pstats.Stats(pr).sort_stats("cumulative").print_stats(45)

def test_profile_preview(world):
    import cProfile, pstats
    content = make(1500)
    pr = cProfile.Profile(); pr.enable()
    preview_import(actor=world.secretary, establishment=world.lycee, kind="students", file_name="e.csv", content=content)
    pr.disable()
    pstats.Stats(pr).sort_stats("tottime").print_stats(25)
