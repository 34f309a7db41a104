"""URLs of the attendance app: each part lives in its own module (web/<part>_urls.py)."""
from carnet.attendance.web import absences_urls, registers_urls

app_name = "attendance"

urlpatterns = [
    *registers_urls.urlpatterns,
    *absences_urls.urlpatterns,
]
