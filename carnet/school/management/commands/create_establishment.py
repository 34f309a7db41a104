"""`carnet create-establishment --code CODE --name NAME --country FR|BJ --year 2026-2027
--head-first-name X --head-last-name Y [...]`: a new establishment, ready for its head to sign in.

Creates, in one transaction, the establishment, its current school year with default dates, its
evaluation periods and its head's account, then prints the head's identifier, activation code and
the address where to use it. The dates are defaults to check on the "Année scolaire" page."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from carnet.core.errors import DomainError
from carnet.school.models import Period
from carnet.school.services import setup

SCHEMES = {"semesters": Period.Kind.SEMESTER, "trimesters": Period.Kind.TRIMESTER}


class Command(BaseCommand):
    help = (
        "Crée un établissement, son année scolaire en cours, ses périodes d'évaluation et le compte de son chef "
        "d'établissement, puis affiche le code d'activation de ce compte. Dates par défaut, à vérifier ensuite "
        "sur la page « Année scolaire » : France du 1er septembre au premier samedi de juillet, en trimestres "
        "(fins vers le 30 novembre et le 10 mars) ; Bénin du 1er octobre au 15 juillet, en semestres (fin du "
        "premier le 31 janvier)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True, help="code de l'établissement (UAI en France)")
        parser.add_argument("--name", required=True, help="nom de l'établissement")
        parser.add_argument("--country", required=True, help="FR (France) ou BJ (Bénin)")
        parser.add_argument(
            "--time-zone", default="", help="fuseau horaire (défaut : Europe/Paris pour FR, Africa/Porto-Novo pour BJ)"
        )
        parser.add_argument("--city", default="", help="ville")
        parser.add_argument(
            "--language", default="fr", choices=[code for code, _name in settings.LANGUAGES], help="langue (défaut : fr)"
        )
        parser.add_argument("--year", required=True, help="année scolaire en cours, par exemple 2026-2027")
        parser.add_argument(
            "--periods",
            choices=sorted(SCHEMES),
            default="",
            help="découpage de l'année (défaut : trimesters pour FR, semesters pour BJ)",
        )
        parser.add_argument("--head-first-name", required=True, help="prénom du chef d'établissement")
        parser.add_argument("--head-last-name", required=True, help="nom du chef d'établissement")
        parser.add_argument("--head-email", default="", help="adresse e-mail du chef d'établissement (facultative)")

    def handle(self, *args, **options):
        try:
            result = setup.create_establishment(
                actor=None,
                code=options["code"],
                name=options["name"],
                country=options["country"],
                time_zone=options["time_zone"],
                city=options["city"],
                language=options["language"],
                year_name=options["year"],
                period_kind=SCHEMES.get(options["periods"], ""),
                head_first_name=options["head_first_name"],
                head_last_name=options["head_last_name"],
                head_email=options["head_email"],
            )
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        establishment, year = result.establishment, result.school_year
        write = self.stdout.write
        write(self.style.SUCCESS(_("Établissement créé : %(name)s (%(code)s)") % {"name": establishment.name, "code": establishment.code}))
        write(
            _("Année scolaire %(name)s : du %(start)s au %(end)s")
            % {"name": year.name, "start": year.starts_on.strftime("%d/%m/%Y"), "end": year.ends_on.strftime("%d/%m/%Y")}
        )
        for period in result.periods:
            write(
                f"  {period.name} : "
                + _("du %(start)s au %(end)s")
                % {"start": period.starts_on.strftime("%d/%m/%Y"), "end": period.ends_on.strftime("%d/%m/%Y")}
            )
        write(_("Ces dates sont des valeurs par défaut : vérifiez-les sur la page « Année scolaire »."))
        write("")
        write(_("Chef d'établissement : %(name)s") % {"name": result.head.full_name})
        write(_("Identifiant : %(username)s") % {"username": result.head.username})
        write(_("Code d'activation : %(code)s") % {"code": result.activation_code})
        write(_("À saisir sur : %(url)s") % {"url": result.activation_url})
