"""URLs of the schoollife app: each part lives in its own module (web/<part>_urls.py)."""

from carnet.schoollife.web import mailing_urls, record_urls

app_name = "schoollife"

urlpatterns = [
    *record_urls.urlpatterns,
    *mailing_urls.urlpatterns,
]
