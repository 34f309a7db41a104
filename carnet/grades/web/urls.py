"""URLs of the grades app: each part lives in its own module (web/<part>_urls.py)."""
from carnet.grades.web import council_urls, family_urls, settings_urls, staff_urls, teacher_urls

app_name = "grades"

urlpatterns = [
    *teacher_urls.urlpatterns,
    *family_urls.urlpatterns,
    *settings_urls.urlpatterns,
    *council_urls.urlpatterns,
    *staff_urls.urlpatterns,
]
