"""URLs of the timetable app: each part lives in its own module (web/<part>_urls.py)."""
from carnet.timetable.web import timetable_urls, booking_urls

app_name = "timetable"

urlpatterns = [
    *timetable_urls.urlpatterns,
    *booking_urls.urlpatterns,
]
