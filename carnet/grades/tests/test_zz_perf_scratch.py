"""TEMPORARY profiling scratch of helper perf; deleted before the report."""
import cProfile
import os
import pstats
import time

from carnet.grades.tests.test_web_teacher import _big_class, _frozen, grid_url, maths_a, t1  # noqa: F401


def test_profile_grid(world, login, maths_a, t1, capsys):
    _big_class(world, maths_a, t1, students=40, assessments=25)
    client = login(world.teacher_maths)
    r = client.get(grid_url(maths_a, t1))
    open("/tmp/perf/grid_page.html", "wb").write(r.content)
    times = []
    servers = []
    for _ in range(7):
        started = time.perf_counter()
        r = client.get(grid_url(maths_a, t1))
        times.append((time.perf_counter() - started) * 1000)
        servers.append(r["Server-Timing"])
    times.sort()
    if os.environ.get("PERF_PROFILE"):
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(3):
            client.get(grid_url(maths_a, t1))
        prof.disable()
        prof.dump_stats("/tmp/perf/grid.prof")
    with capsys.disabled():
        print(f"\nGRID median {times[3]:.0f} ms, min {times[0]:.0f} ms; {servers}")
