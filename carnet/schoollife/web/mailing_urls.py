"""URLs of the mailing part: templates, mailings, their preview, sending and printed letters."""

from django.urls import path

from carnet.schoollife.web import mailing_views as views

urlpatterns: list = [
    path("vie-scolaire/courriers/", views.mailings, name="mailings"),
    path("vie-scolaire/courriers/nouveau/", views.mailing_new, name="mailing_new"),
    path("vie-scolaire/courriers/modeles/nouveau/", views.template_new, name="template_new"),
    path("vie-scolaire/courriers/modeles/<uuid:template_id>/", views.template_edit, name="template_edit"),
    path(
        "vie-scolaire/courriers/modeles/<uuid:template_id>/supprimer/",
        views.template_delete,
        name="template_delete",
    ),
    path("vie-scolaire/courriers/<uuid:mailing_id>/", views.mailing_detail, name="mailing"),
    path("vie-scolaire/courriers/<uuid:mailing_id>/envoyer/", views.mailing_send, name="mailing_send"),
    path(
        "vie-scolaire/courriers/<uuid:mailing_id>/abandonner/", views.mailing_discard, name="mailing_discard"
    ),
    path("vie-scolaire/courriers/<uuid:mailing_id>/lettres.pdf", views.mailing_pdf, name="mailing_pdf"),
]
