"""/etablissement/comptes/ and /etablissement/fiches-activation/: account management by the staff."""

from django.urls import path

from carnet.school.web import accounts

urlpatterns = [
    path("comptes/", accounts.account_list, name="accounts"),
    path("comptes/<uuid:public_id>/", accounts.account_detail, name="account_detail"),
    path("comptes/<uuid:public_id>/code/", accounts.account_issue_code, name="account_issue_code"),
    path("comptes/<uuid:public_id>/desactiver/", accounts.account_deactivate, name="account_deactivate"),
    path("comptes/<uuid:public_id>/reactiver/", accounts.account_reactivate, name="account_reactivate"),
    path("comptes/<uuid:public_id>/double-authentification/", accounts.account_reset_totp, name="account_reset_totp"),
    path("responsabilites/<uuid:public_id>/retirer/", accounts.guardianship_remove, name="guardianship_remove"),
    path("securite/<uuid:public_id>/", accounts.security_rules, name="security_rules"),
    path("fiches-activation/", accounts.activation_sheets, name="activation_sheets"),
]
