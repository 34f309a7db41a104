"""URLs of the timetable part: /emploi-du-temps/… and the public feed /ical/<secret>.ics."""

from django.urls import path

from carnet.timetable.web import (
    timetable_feed,
    timetable_sessions,
    timetable_settings,
    timetable_slots,
    timetable_views,
)

urlpatterns = [
    path("emploi-du-temps/", timetable_views.mine, name="mine"),
    path("emploi-du-temps/etablissement/", timetable_views.staff_index, name="staff_index"),
    path("emploi-du-temps/classe/<uuid:class_id>/", timetable_views.class_week, name="class_week"),
    path("emploi-du-temps/classe/<uuid:class_id>/creneaux/", timetable_slots.class_slots, name="class_slots"),
    path(
        "emploi-du-temps/classe/<uuid:class_id>/seance-supplementaire/",
        timetable_sessions.extra_session,
        name="extra_session",
    ),
    path("emploi-du-temps/enseignant/<uuid:teacher_id>/", timetable_views.teacher_week, name="teacher_week"),
    path("emploi-du-temps/salle/<uuid:room_id>/", timetable_views.room_week, name="room_week"),
    path("emploi-du-temps/creneau/<uuid:slot_id>/", timetable_slots.slot_edit, name="slot_edit"),
    path(
        "emploi-du-temps/creneau/<uuid:slot_id>/supprimer/", timetable_slots.slot_delete, name="slot_delete"
    ),
    path("emploi-du-temps/seance/<uuid:session_id>/", timetable_sessions.session_page, name="session"),
    path(
        "emploi-du-temps/seance/<uuid:session_id>/annuler/",
        timetable_sessions.change_session,
        {"action": "cancel"},
        name="session_cancel",
    ),
    path(
        "emploi-du-temps/seance/<uuid:session_id>/retablir/",
        timetable_sessions.change_session,
        {"action": "restore"},
        name="session_restore",
    ),
    path(
        "emploi-du-temps/seance/<uuid:session_id>/deplacer/",
        timetable_sessions.change_session,
        {"action": "move"},
        name="session_move",
    ),
    path(
        "emploi-du-temps/seance/<uuid:session_id>/salle/",
        timetable_sessions.change_session,
        {"action": "room"},
        name="session_room",
    ),
    path(
        "emploi-du-temps/seance/<uuid:session_id>/remplacement/",
        timetable_sessions.change_session,
        {"action": "replacement"},
        name="session_replacement",
    ),
    path("emploi-du-temps/reglages/", timetable_settings.settings_page, name="settings"),
    path("emploi-du-temps/reglages/mettre-a-jour/", timetable_settings.regenerate, name="regenerate"),
    path("emploi-du-temps/agenda/", timetable_feed.feed_page, name="feed"),
    path("emploi-du-temps/agenda/creer/", timetable_feed.feed_create, name="feed_create"),
    path("emploi-du-temps/agenda/revoquer/", timetable_feed.feed_revoke, name="feed_revoke"),
    path("ical/<str:secret>.ics", timetable_feed.ical_feed, name="ical"),
]
