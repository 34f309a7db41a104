"""URLs of the reportcards app: each part lives in its own module (web/<part>_urls.py)."""
from carnet.reportcards.web import cards_urls

app_name = "reportcards"

urlpatterns = [
    *cards_urls.urlpatterns,
]
