from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language

from config.api import api


@login_not_required
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("", include("carnet.portal.web.urls")),
    path("compte/", include("carnet.identity.web.urls")),
    path("etablissement/", include("carnet.school.web.urls")),
    path("notifications/", include("carnet.notifications.web.urls")),
    path("", include("carnet.grades.web.urls")),
    path("", include("carnet.reportcards.web.urls")),
    path("", include("carnet.timetable.web.urls")),
    path("", include("carnet.attendance.web.urls")),
    path("", include("carnet.discipline.web.urls")),
    path("", include("carnet.schoollife.web.urls")),
    path("", include("carnet.notifications.web.root_urls")),  # /sw.js: the push service worker
    path("api/v1/", api.urls),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("jsi18n/", login_not_required(JavaScriptCatalog.as_view()), name="javascript-catalog"),
    path("healthz", healthz, name="healthz"),
]
_ = settings
