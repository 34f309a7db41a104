"""URLs of the discipline app: each part lives in its own module (web/<part>_urls.py)."""

from carnet.discipline.web import discipline_urls

app_name = "discipline"

urlpatterns = [
    *discipline_urls.urlpatterns,
]
