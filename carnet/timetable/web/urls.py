"""URLs of the timetable app: each part lives in its own module (web/<part>_urls.py)."""
from carnet.timetable.web import booking_urls, timetable_urls

app_name = "timetable"

urlpatterns = [
    *timetable_urls.urlpatterns,
    *booking_urls.urlpatterns,
]
