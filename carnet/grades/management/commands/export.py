"""`carnet export averages --establishment CODE --class NAME --period NAME [--format csv|xlsx|json]
[--output FILE]`: a class's averages for a period, in the shape EducMaster entry wants
(`carnet.grades.exports`). CSV and JSON go to the standard output unless --output names a file;
XLSX needs --output. Exit status 1 with a French message for an unknown establishment, class or
period."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from carnet.core.errors import DomainError
from carnet.grades import exports
from carnet.school.models import Establishment


class Command(BaseCommand):
    help = "Exporte les moyennes d'une classe pour une période (CSV, XLSX ou JSON), prêtes pour EducMaster."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["averages"], help="averages : les moyennes d'une classe")
        parser.add_argument("--establishment", required=True, help="code de l'établissement")
        parser.add_argument("--class", dest="class_name", required=True, help="nom de la classe, par exemple « 2nde A »")
        parser.add_argument("--period", required=True, help="nom de la période, par exemple « Trimestre 1 » ou T1")
        parser.add_argument("--format", dest="fmt", choices=exports.FORMATS, default="csv")
        parser.add_argument("--output", help="fichier à écrire (par défaut : la sortie standard, sauf pour xlsx)")

    def handle(self, *args, what, establishment, class_name, period, fmt, output, **options):
        target = Establishment.objects.filter(code__iexact=establishment.strip()).first()
        if target is None:
            raise CommandError(_("Aucun établissement n'a le code « %(code)s ».") % {"code": establishment})
        if fmt == "xlsx" and not output:
            raise CommandError(_("Le format xlsx s'écrit dans un fichier : ajoutez --output moyennes.xlsx."))
        try:
            school_class = exports.find_class(target, class_name)
            found_period = exports.find_period(target, period)
            content, _type, _name = exports.render(fmt, school_class=school_class, period=found_period)
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        if output:
            Path(output).write_bytes(content)
            self.stderr.write(_("Moyennes écrites dans %(path)s.") % {"path": output})
            return
        # The BOM stays: `carnet export averages … > moyennes.csv` opens in Excel with its accents.
        self.stdout.write(content.decode("utf-8"), ending="")
