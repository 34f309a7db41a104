"""URLs of the booking part: /reservations/…"""

from django.urls import path

from carnet.timetable.web.booking import resources, views

urlpatterns = [
    path("reservations/", views.index, name="booking_index"),
    path("reservations/ressource/<uuid:resource_id>/", views.resource_page, name="booking_resource"),
    path("reservations/mes-reservations/", views.mine, name="booking_mine"),
    path("reservations/a-valider/", views.pending, name="booking_pending"),
    path("reservations/reservation/<uuid:booking_id>/annuler/", views.cancel, name="booking_cancel"),
    path("reservations/reservation/<uuid:booking_id>/decision/", views.decide, name="booking_decide"),
    path("reservations/ressources/", resources.resource_list, name="booking_resources"),
    path("reservations/ressources/regle/", resources.booking_rule, name="booking_rule"),
    path(
        "reservations/ressources/<uuid:resource_id>/", resources.resource_edit, name="booking_resource_edit"
    ),
]
