"""`carnet seed-demo`: build the demo (a French lycée and a Beninese CEG) and print its sign-ins."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from carnet.demo.builder import MIN_STUDENTS
from carnet.demo.services import DemoExists, DemoResetRefused, demo_exists, demo_logins, reset_demo, seed_demo


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]  # translated when shown, not at import
        return _(
            "Crée la démo (un lycée français et un CEG béninois) et affiche un compte par rôle. "
            "--once : ne fait rien si elle existe déjà, sauf afficher les comptes."
        )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--students", type=int, default=400, metavar="N",
            help=_("Nombre d'élèves par établissement (400 par défaut, %(minimum)s au moins).") % {"minimum": MIN_STUDENTS},
        )
        parser.add_argument(
            "--once", action="store_true",
            help=_("Ne crée la démo que si elle n'existe pas ; dans tous les cas, affiche les comptes."),
        )
        parser.add_argument(
            "--reset", action="store_true",
            help=_("Supprime la démo existante (ses deux établissements et leurs personnes) puis la recrée."),
        )

    def handle(self, *args, students: int, once: bool, reset: bool, **options) -> None:
        if once and reset:
            raise CommandError(_("--once et --reset s'excluent : choisissez l'un des deux."))
        if students < MIN_STUDENTS:
            raise CommandError(_("--students doit valoir au moins %(minimum)s.") % {"minimum": MIN_STUDENTS})
        if demo_exists():
            if once:
                self.stdout.write(_("La démo existe déjà ; rien n'a été modifié.") + "\n")
                self.stdout.write(demo_logins().table())
                return
            if not reset:
                raise CommandError(str(DemoExists.default_message))
            try:
                deleted = reset_demo()
            except DemoResetRefused as error:
                raise CommandError(str(error.message)) from error
            self.stdout.write(_("Ancienne démo supprimée (%(count)s personnes).") % {"count": deleted} + "\n")
        try:
            logins = seed_demo(students, stdout=self.stdout)
        except DemoExists as error:  # created by someone else in the meantime
            raise CommandError(str(error.message)) from error
        self.stdout.write(logins.table())
