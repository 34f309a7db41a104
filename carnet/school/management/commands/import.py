"""`carnet import KIND FILE --establishment CODE [--dry-run]`, KIND one of students, staff,
assignments, or a kind an upper app registers (`services.register_kind`: marks).

Validates the whole file and prints every problem with its line and column; writes nothing unless
the file is valid (and never with --dry-run); then prints what was created, updated and left
unchanged. Exit status 1 when the file is refused or has problems."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from carnet.school.imports.errors import ImportFileRejected, ImportInvalid
from carnet.school.imports.plan import ACTION_LABELS, ACTIONS
from carnet.school.imports.services import KINDS, apply_import
from carnet.school.models import Establishment


class Command(BaseCommand):
    help = (
        "Importe les élèves et leurs responsables, les personnels, les services d'enseignement ou les notes "
        "(CSV ou XLSX)."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(KINDS), help=", ".join(sorted(KINDS)))
        parser.add_argument("file", help="fichier CSV ou XLSX")
        parser.add_argument("--establishment", required=True, help="code de l'établissement (UAI en France)")
        parser.add_argument("--dry-run", action="store_true", help="tout vérifier, ne rien enregistrer")

    def handle(self, *args, kind, file, establishment, dry_run, **options):
        target = Establishment.objects.filter(code__iexact=establishment.strip()).first()
        if target is None:
            raise CommandError(_("Aucun établissement n'a le code « %(code)s ».") % {"code": establishment})
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("Fichier introuvable : %(path)s") % {"path": file})
        content = path.read_bytes()
        try:
            outcome = apply_import(
                actor=None, establishment=target, kind=kind, file_name=path.name, content=content, dry_run=dry_run
            )
        except ImportFileRejected as error:
            raise CommandError(str(error.message)) from error
        except ImportInvalid as error:
            plan = error.plan
            self.stdout.write(self._heading(plan, target))
            for problem in plan.problems:
                self.stdout.write(str(problem))
            raise CommandError(
                _("%(count)s problème(s) : rien n'a été enregistré. Corrigez le fichier et relancez l'import.")
                % {"count": len(plan.problems)}
            ) from error
        plan = outcome.plan
        self.stdout.write(self._heading(plan, target))
        self.stdout.write(self._counts(plan))
        summary = plan.summary()
        for key, label in (
            ("new_classes", _("Classes créées")),
            ("new_levels", _("Niveaux créés")),
            ("new_series", _("Séries créées")),
            ("new_subjects", _("Matières créées")),
        ):
            if summary[key]:
                self.stdout.write(f"{label} : {', '.join(summary[key])}")
        if plan.ignored_columns:
            self.stdout.write(_("Colonnes ignorées : %(columns)s") % {"columns": ", ".join(plan.ignored_columns)})
        if dry_run:
            self.stdout.write(self.style.WARNING(_("Simulation (--dry-run) : rien n'a été enregistré.")))
        else:
            self.stdout.write(self.style.SUCCESS(_("Import appliqué (%(id)s).") % {"id": outcome.run.public_id}))

    @staticmethod
    def _heading(plan, establishment) -> str:
        return _("%(establishment)s — %(kind)s — %(file)s : %(rows)s ligne(s)") % {
            "establishment": establishment.name,
            "kind": KINDS[plan.kind].label,
            "file": plan.file_name,
            "rows": plan.rows,
        }

    @staticmethod
    def _counts(plan) -> str:
        rows = plan.count_rows()
        width = max([len(str(r["label"])) for r in rows] + [10])
        lines = [" " * width + "".join(f"{str(ACTION_LABELS[a]):>14}" for a in ACTIONS)]
        for row in rows:
            lines.append(f"{str(row['label']):<{width}}" + "".join(f"{row[a]:>14}" for a in ACTIONS))
        return "\n".join(lines)
