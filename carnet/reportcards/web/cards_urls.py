"""/bulletins/…, /mes-bulletins/ and the public /verify/ (views in `cards_views.py`)."""

from django.urls import path

from carnet.reportcards.web import cards_views as views

urlpatterns = [
    path("bulletins/", views.index, name="index"),
    path("mes-bulletins/", views.mine, name="mine"),
    path("bulletins/lots/<uuid:batch_id>/", views.batch, name="batch"),
    path("bulletins/classe/<uuid:class_id>/<uuid:period_id>/", views.class_cards, name="class"),
    path("bulletins/classe/<uuid:class_id>/<uuid:period_id>/publier/", views.publish_class, name="publish_class"),
    path(
        "bulletins/classe/<uuid:class_id>/<uuid:period_id>/eleve/<uuid:student_id>/publier/",
        views.publish_student,
        name="publish_student",
    ),
    path("bulletins/<uuid:card_id>.pdf", views.download, name="download"),
    path("bulletins/<uuid:card_id>/", views.detail, name="detail"),
    path("verify/", views.verify, name="verify_form"),
    path("verify/<str:code>/", views.verify, name="verify"),
]
